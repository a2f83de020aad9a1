//! The sign-in form, its challenges and sessions, against moto's Cognito, driven like a
//! browser: a cookie jar kept by hand (to read every `Set-Cookie`), no redirects followed.
//!
//! moto accepts any 6-digit TOTP code unless `MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true`
//! (moto/cognitoidp/models.py, `verify_software_token` and `SOFTWARE_TOKEN_MFA`), so the
//! MFA test proves the flow and its forms, not the code check; moto does not implement
//! `RevokeToken` (sign-out logs that and goes on with `GlobalSignOut`).

use crate::auth::{PASSWORD, Pool};
use crate::dashboard::{Db, open_store};
use aws_sdk_cognitoidentityprovider::types::{
    MessageActionType, SoftwareTokenMfaConfigType, UserPoolMfaType,
};
use rampart::auth::session::hash_id;
use rampart::auth::{Auth, Cognito, SessionPolicy};
use rampart::config::ScanDefaults;
use rampart::ingest::load_demo;
use rampart::store::{Store, ts};
use rampart::web::{AppState, serve};
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const TEMPORARY: &str = "Temporary-Pass-1";
const NEW_PASSWORD: &str = "Brand-New-Pass-2";

pub struct App {
    pub base: String,
    pub store: Store,
    _dir: tempfile::TempDir,
}

/// The demo dashboard behind `pool`'s sign-in; cookies without `Secure` (loopback HTTP).
async fn app(pool: &Pool, policy: SessionPolicy) -> App {
    // Alice administers Rampart (what a user may see follows their groups).
    pool.add_to_groups(&["rampart-admin"]).await;
    serve_app(Arc::new(pool.cognito(SessionPolicy {
        secure_cookie: false,
        ..policy
    })))
    .await
}

/// The demo dashboard behind `cognito`'s sign-in.
pub async fn serve_app(cognito: Arc<Cognito>) -> App {
    let (store, dir) = open_store(Db::Sqlite).await;
    load_demo(&store, chrono::Utc::now(), 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::with_auth(
        store.clone(),
        false,
        ScanDefaults::default(),
        Auth::Cognito(cognito),
    );
    tokio::spawn(serve(listener, state));
    App {
        base,
        store,
        _dir: dir,
    }
}

/// One answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    pub fn redirects_to(&self, path: &str) -> bool {
        self.status == StatusCode::SEE_OTHER && self.location.as_deref() == Some(path)
    }
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(String::as_str)
    }
}

/// A browser: a cookie jar, the same origin on every POST.
pub struct Browser {
    base: String,
    pub http: reqwest::Client,
    jar: Mutex<BTreeMap<String, String>>,
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        Browser {
            base: app.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    pub fn set(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let cookies = self
            .jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let r = req.header("cookie", cookies).send().await.unwrap();
        let set_cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set_cookies {
            let (name, rest) = c.split_once('=').unwrap();
            let value = rest.split(';').next().unwrap();
            if c.contains("Max-Age=0") {
                self.jar.lock().unwrap().remove(name);
            } else {
                self.set(name, value);
            }
        }
        Page {
            status: r.status(),
            location: r
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
            set_cookies,
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        if self.cookie("rampart_csrf").is_none() {
            self.get("/signin").await;
        }
        let csrf = self.cookie("rampart_csrf").unwrap();
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(fields);
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&form);
        self.send(req).await
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Page {
        self.post("/signin", &[("username", username), ("password", password)])
            .await
    }
}

/// A user created by an administrator with a temporary password (`FORCE_CHANGE_PASSWORD`).
async fn invite(pool: &Pool, username: &str) {
    pool.client
        .admin_create_user()
        .user_pool_id(&pool.id)
        .username(username)
        .temporary_password(TEMPORARY)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    pool.add_user_to_groups(username, &["rampart-admin"]).await;
}

async fn require_totp(pool: &Pool) {
    pool.client
        .set_user_pool_mfa_config()
        .user_pool_id(&pool.id)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
}

async fn stored_session(app: &App, b: &Browser) -> Option<rampart::store::SessionRecord> {
    let id = b.cookie("rampart_session")?;
    app.store.session(&hash_id(&id)).await.unwrap()
}

#[tokio::test]
async fn a_new_user_sets_a_password_through_the_form_and_lands_on_the_overview() {
    let pool = Pool::new().await;
    invite(&pool, "bob").await;
    let app = app(&pool, SessionPolicy::default()).await;
    let b = Browser::new(&app);

    let form = b.get("/signin").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"password\""), "{}", form.body);
    assert!(!form.body.contains("<script"));

    let r = b.sign_in("bob", TEMPORARY).await;
    assert!(r.redirects_to("/signin/new-password"), "{}", r.status);
    let pending = r.set_cookie("rampart_signin").unwrap();
    assert!(pending.contains("HttpOnly") && pending.contains("SameSite=Strict"));
    assert!(b.cookie("rampart_session").is_none());

    let step = b.get("/signin/new-password").await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(step.body.contains("Choose a new password"));
    // The Cognito session stays on the server: the browser holds a random id only.
    let pending_id = b.cookie("rampart_signin").unwrap();
    assert!(pending_id.len() == 64 && pending_id.bytes().all(|c| c.is_ascii_hexdigit()));

    let r = b
        .post(
            "/signin/new-password",
            &[("password", NEW_PASSWORD), ("confirm", "something else")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("The two passwords differ"));

    let r = b
        .post(
            "/signin/new-password",
            &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
        )
        .await;
    assert!(r.redirects_to("/"), "{} {}", r.status, r.body);
    let cookie = r.set_cookie("rampart_session").unwrap();
    let id = b.cookie("rampart_session").unwrap();
    assert_eq!(id.len(), 64);
    assert_eq!(
        cookie,
        format!("rampart_session={id}; Path=/; HttpOnly; SameSite=Lax"),
        "no Secure and no __Host- prefix on loopback over plain HTTP"
    );
    assert!(
        b.cookie("rampart_signin").is_none(),
        "the pending cookie is cleared"
    );

    let overview = b.get("/").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("bob") && overview.body.contains("Sign out"));

    let s = stored_session(&app, &b).await.unwrap();
    assert_eq!(s.username, "bob");
    assert_eq!(s.id_hash, hash_id(&id));
    assert_ne!(s.id_hash, id, "only the hash is stored");
    assert!(!s.refresh_token.is_empty());
    assert!(s.access_expires_at > chrono::Utc::now() + chrono::TimeDelta::minutes(50));

    // The new password is now the password.
    let other = Browser::new(&app);
    assert!(other.sign_in("bob", NEW_PASSWORD).await.redirects_to("/"));
}

/// moto answers `MFA_SETUP` with `MFAS_CAN_SETUP` as a JSON list where Cognito sends a
/// string, which the SDK cannot read: the set-up step is not reachable through moto. The
/// authenticator is therefore registered with the access token (as an account page would),
/// and the form is tested on `SOFTWARE_TOKEN_MFA`; the set-up page's QR code is unit-tested.
#[tokio::test]
async fn a_user_with_an_authenticator_is_asked_for_its_code() {
    let pool = Pool::new().await;
    require_totp(&pool).await;
    // Register alice's authenticator (moto: not yet verified users get tokens directly).
    let result = pool
        .client
        .initiate_auth()
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .client_id(&pool.client_id)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let access = result.authentication_result.unwrap().access_token.unwrap();
    pool.client
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    pool.client
        .verify_software_token()
        .access_token(&access)
        .user_code("123456")
        .send()
        .await
        .unwrap();
    let app = app(&pool, SessionPolicy::default()).await;

    let b = Browser::new(&app);
    assert!(
        b.sign_in("alice", PASSWORD)
            .await
            .redirects_to("/signin/mfa")
    );
    assert!(b.cookie("rampart_session").is_none());
    assert!(b.get("/").await.redirects_to("/signin"));
    let form = b.get("/signin/mfa").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("one-time-code"));
    // A step out of order goes back to the start.
    assert!(b.get("/signin/mfa-setup").await.redirects_to("/signin"));
    assert!(b.get("/signin/new-password").await.redirects_to("/signin"));
    let r = b.post("/signin/mfa", &[("code", "654321")]).await;
    assert!(r.redirects_to("/"), "{} {}", r.status, r.body);
    assert!(stored_session(&app, &b).await.is_some());
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    // The pending sign-in is used up.
    assert!(b.get("/signin/mfa").await.redirects_to("/signin"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default()).await;
    let b = Browser::new(&app);
    let wrong = b.sign_in("alice", "not-her-password").await;
    let unknown = b.sign_in("nobody-at-all", "not-her-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    assert!(wrong.body.contains("Incorrect username or password."));
    assert!(wrong.set_cookies.is_empty() && unknown.set_cookies.is_empty());
    assert!(b.cookie("rampart_session").is_none());
    // And the right password works.
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
}

#[tokio::test]
async fn pages_need_a_session_but_sign_in_static_files_and_health_do_not() {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default()).await;
    let b = Browser::new(&app);
    for path in [
        "/",
        "/findings",
        "/accounts/333344445555",
        "/no-such-page",
        "/import",
    ] {
        assert!(b.get(path).await.redirects_to("/signin"), "GET {path}");
    }
    let r = b.post("/accounts/333344445555/scan", &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.get("/signin").await.status, StatusCode::OK);
    assert_eq!(b.get("/static/rampart.css").await.status, StatusCode::OK);
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK);
    // The API keeps its Bearer authentication (a session cookie is not enough).
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    assert_eq!(
        b.get("/api/accounts").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(b.get("/findings").await.status, StatusCode::OK);
    // A made-up session id is no session.
    b.set("rampart_session", &"ab".repeat(32));
    let r = b.get("/").await;
    assert!(r.redirects_to("/signin"));
    assert!(
        r.set_cookie("rampart_session")
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[tokio::test]
async fn sign_out_deletes_the_session_and_the_old_cookie_no_longer_works() {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default()).await;
    let b = Browser::new(&app);
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    let old = b.cookie("rampart_session").unwrap();
    assert!(stored_session(&app, &b).await.is_some());

    // Without the CSRF token, sign-out is refused.
    let r = b
        .send(
            b.http
                .post(format!("{}/signout", b.base))
                .header("origin", &b.base)
                .form(&[("csrf", "0".repeat(64))]),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = b.post("/signout", &[]).await;
    assert!(r.redirects_to("/signin"), "{} {}", r.status, r.body);
    assert!(
        r.set_cookie("rampart_session")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(b.cookie("rampart_session").is_none());
    assert!(app.store.session(&hash_id(&old)).await.unwrap().is_none());

    b.set("rampart_session", &old);
    assert!(b.get("/").await.redirects_to("/signin"));
}

#[tokio::test]
async fn the_access_token_is_refreshed_when_it_is_about_to_expire() {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default()).await;
    let b = Browser::new(&app);
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    let before = stored_session(&app, &b).await.unwrap();
    // As if the access token expired in two minutes.
    let soon = chrono::Utc::now() + chrono::TimeDelta::minutes(2);
    sqlx::query("UPDATE sessions SET access_expires_at = $1")
        .bind(ts(soon))
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    let after = stored_session(&app, &b).await.unwrap();
    assert_ne!(after.access_token, before.access_token);
    assert!(after.access_expires_at > chrono::Utc::now() + chrono::TimeDelta::minutes(50));
    assert_eq!(after.refresh_token, before.refresh_token);
    let mut groups = after.groups.clone();
    groups.sort();
    assert_eq!(groups, ["auditors", "rampart-admin"]);

    // A refresh token the pool no longer accepts ends the session.
    sqlx::query("UPDATE sessions SET access_expires_at = $1, refresh_token = 'revoked'")
        .bind(ts(soon))
        .execute(app.store.pool())
        .await
        .unwrap();
    assert!(b.get("/").await.redirects_to("/signin"));
    assert!(stored_session(&app, &b).await.is_none());
}

#[tokio::test]
async fn an_idle_session_ends() {
    let pool = Pool::new().await;
    let policy = SessionPolicy {
        idle: chrono::TimeDelta::seconds(2),
        ..SessionPolicy::default()
    };
    let app = app(&pool, policy).await;
    let b = Browser::new(&app);
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert!(b.get("/").await.redirects_to("/signin"));
    assert!(stored_session(&app, &b).await.is_none());
}
