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
use rampart::auth::{Auth, Cognito, IdentityProvider, SessionPolicy};
use rampart::config::ScanDefaults;
use rampart::ingest::load_demo;
use rampart::store::{AuditAction, AuditFilter, AuditOutcome, SessionRecord};
use rampart::store::{Store, ts};
use rampart::web::client::TrustedProxies;
use rampart::web::{AppState, serve, sweep_expired};
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
async fn app(pool: &Pool, policy: SessionPolicy, db: Db) -> App {
    app_behind(pool, policy, db, TrustedProxies::default()).await
}

/// The same, believing the forwarding headers of `proxies`.
async fn app_behind(pool: &Pool, policy: SessionPolicy, db: Db, proxies: TrustedProxies) -> App {
    let cognito = pool.cognito(SessionPolicy {
        secure_cookie: false,
        ..policy
    });
    app_with(pool, cognito, db, proxies).await
}

/// The demo dashboard behind `cognito` (which signs in to `pool`'s users).
async fn app_with(pool: &Pool, cognito: Cognito, db: Db, proxies: TrustedProxies) -> App {
    // Alice administers Rampart (what a user may see follows their groups).
    pool.add_to_groups(&["rampart-admin"]).await;
    serve_app_on(Arc::new(cognito), db, proxies).await
}

/// The demo dashboard behind `cognito`'s sign-in, on SQLite.
pub async fn serve_app(cognito: Arc<Cognito>) -> App {
    serve_app_on(cognito, Db::Sqlite, TrustedProxies::default()).await
}

async fn serve_app_on(cognito: Arc<Cognito>, db: Db, proxies: TrustedProxies) -> App {
    let (store, dir) = open_store(db).await;
    load_demo(&store, chrono::Utc::now(), 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let auth = Auth::Cognito(cognito);
    let state = AppState::with_auth(store.clone(), false, ScanDefaults::default(), auth)
        .with_trusted_proxies(proxies);
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

async fn a_new_user_sets_a_password_through_the_form_and_lands_on_the_overview(db: Db) {
    let pool = Pool::new().await;
    invite(&pool, "bob").await;
    let app = app(&pool, SessionPolicy::default(), db).await;
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
/// string, which the SDK cannot read: the set-up step is not reachable through moto. Here the
/// authenticator is registered with the access token (as an account page would), and the
/// form is tested on `SOFTWARE_TOKEN_MFA`; the set-up step is tested in
/// `first_sign_in_enrols_an_authenticator_without_moto_from_aws_documented_responses`.
async fn a_user_with_an_authenticator_is_asked_for_its_code(db: Db) {
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
    let app = app(&pool, SessionPolicy::default(), db).await;

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

async fn wrong_password_and_unknown_user_get_the_same_answer(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
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

async fn pages_need_a_session_but_sign_in_static_files_and_health_do_not(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
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
    // The API keeps its Bearer authentication (a session cookie is not enough). Signed in,
    // the user is back on the last page asked for.
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/import"));
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

async fn sign_out_deletes_the_session_and_the_old_cookie_no_longer_works(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
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

async fn the_access_token_is_refreshed_when_it_is_about_to_expire(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
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

async fn an_idle_session_ends(db: Db) {
    let pool = Pool::new().await;
    let policy = SessionPolicy {
        idle: chrono::TimeDelta::seconds(2),
        ..SessionPolicy::default()
    };
    let app = app(&pool, policy, db).await;
    let b = Browser::new(&app);
    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert!(b.get("/").await.redirects_to("/signin"));
    assert!(stored_session(&app, &b).await.is_none());
}

/// The audit rows of `action`, oldest first.
async fn audited(app: &App, action: AuditAction) -> Vec<rampart::store::AuditRecord> {
    let filter = AuditFilter {
        action: Some(action),
        ..AuditFilter::default()
    };
    let (mut rows, _) = app.store.audit_log(&filter, 1, 100).await.unwrap();
    rows.reverse();
    rows
}

async fn sign_ins_failures_and_sign_outs_are_in_the_audit_log(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
    let b = Browser::new(&app);
    assert_eq!(
        b.sign_in("alice", "not-her-password").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.sign_in("mallory", "guess").await.status,
        StatusCode::UNAUTHORIZED
    );
    let failed = audited(&app, AuditAction::SignInFailed).await;
    assert_eq!(
        failed.iter().map(|r| r.actor.as_str()).collect::<Vec<_>>(),
        ["alice", "mallory"]
    );
    for r in &failed {
        assert_eq!(r.outcome, AuditOutcome::Failure.as_str());
        assert_eq!(r.source.as_deref(), Some("127.0.0.1"));
        assert!(
            !r.detail.to_string().contains("guess")
                && !r.detail.to_string().contains("not-her-password")
        );
    }
    assert!(audited(&app, AuditAction::SignIn).await.is_empty());

    assert!(b.sign_in("alice", PASSWORD).await.redirects_to("/"));
    let ins = audited(&app, AuditAction::SignIn).await;
    assert_eq!(ins.len(), 1);
    assert_eq!(ins[0].actor, "alice");
    assert_eq!(ins[0].outcome, AuditOutcome::Success.as_str());
    assert_eq!(ins[0].source.as_deref(), Some("127.0.0.1"));
    assert!(
        ins[0].detail.to_string().contains("rampart-admin"),
        "{}",
        ins[0].detail
    );
    let session = stored_session(&app, &b).await.unwrap();
    assert!(!ins[0].detail.to_string().contains(&session.refresh_token));

    assert!(b.post("/signout", &[]).await.redirects_to("/signin"));
    let outs = audited(&app, AuditAction::SignOut).await;
    assert_eq!(outs.len(), 1);
    assert_eq!(outs[0].actor, "alice");
    // A sign-out without a session records nothing.
    b.post("/signout", &[]).await;
    assert_eq!(audited(&app, AuditAction::SignOut).await.len(), 1);
}

async fn after_signing_in_the_user_is_back_on_the_page_they_asked_for(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
    let b = Browser::new(&app);
    let asked = "/findings?severity=high&service=iam";
    let r = b.get(asked).await;
    assert!(r.redirects_to("/signin"));
    let next = r.set_cookie("rampart_next").unwrap();
    assert!(
        next.contains("HttpOnly") && next.contains("Max-Age=900"),
        "{next}"
    );
    let r = b.sign_in("alice", PASSWORD).await;
    assert!(r.redirects_to(asked), "{:?}", r.location);
    assert!(b.cookie("rampart_next").is_none(), "used once");
    assert_eq!(b.get(asked).await.status, StatusCode::OK);

    // What the browser fetches on its own is not a page to return to.
    let other = Browser::new(&app);
    let r = other
        .send(
            other
                .http
                .get(format!("{}/static/missing.png", other.base))
                .header("sec-fetch-dest", "image"),
        )
        .await;
    assert!(r.redirects_to("/signin") && r.set_cookie("rampart_next").is_none());
    let r = other.get("/favicon.ico").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // A planted return address that leaves the dashboard is ignored.
    for planted in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/signin",
    ] {
        let other = Browser::new(&app);
        other.set(
            "rampart_next",
            &percent_encoding::utf8_percent_encode(planted, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
        let r = other.sign_in("alice", PASSWORD).await;
        assert!(r.redirects_to("/"), "{planted}: {:?}", r.location);
    }
}

/// A wrong password, sent with `X-Forwarded-For: forwarded`.
async fn wrong_password_forwarded_for(b: &Browser, forwarded: &str) {
    b.get("/signin").await;
    let csrf = b.cookie("rampart_csrf").unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "alice"),
        ("password", "wrong"),
    ];
    let req = b
        .http
        .post(format!("{}/signin", b.base))
        .header("origin", &b.base)
        .header("x-forwarded-for", forwarded)
        .form(&form);
    assert_eq!(b.send(req).await.status, StatusCode::UNAUTHORIZED);
}

async fn behind_a_trusted_proxy_the_forwarded_client_is_audited_and_tls_gets_hsts(db: Db) {
    let pool = Pool::new().await;
    let proxies = TrustedProxies(vec!["127.0.0.0/8".parse().unwrap()]);
    let app = app_behind(&pool, SessionPolicy::default(), db, proxies).await;
    let b = Browser::new(&app);
    let over_tls = |path: &str| {
        b.http
            .get(format!("{}{path}", b.base))
            .header("x-forwarded-for", "192.0.2.1, 198.51.100.23")
            .header("x-forwarded-proto", "https")
    };
    let r = over_tls("/signin").send().await.unwrap();
    assert_eq!(
        r.headers()
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    let plain = b
        .http
        .get(format!("{}/signin", b.base))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("strict-transport-security").is_none());

    wrong_password_forwarded_for(&b, "192.0.2.1, 198.51.100.23").await;
    let failed = audited(&app, AuditAction::SignInFailed).await;
    assert_eq!(failed[0].source.as_deref(), Some("198.51.100.23"));
}

async fn forwarding_headers_of_an_untrusted_client_are_ignored(db: Db) {
    let pool = Pool::new().await;
    let app = app(&pool, SessionPolicy::default(), db).await;
    let b = Browser::new(&app);
    let r = b
        .http
        .get(format!("{}/signin", b.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
    wrong_password_forwarded_for(&b, "198.51.100.23").await;
    let failed = audited(&app, AuditAction::SignInFailed).await;
    assert_eq!(failed[0].source.as_deref(), Some("127.0.0.1"));
}

async fn the_sweeper_deletes_idle_and_too_old_sessions_only(db: Db) {
    let (store, _dir) = open_store(db).await;
    let policy = SessionPolicy::default();
    let now = chrono::Utc::now();
    let session = |id: &str, created: chrono::TimeDelta, seen: chrono::TimeDelta| SessionRecord {
        id_hash: hash_id(id),
        sub: format!("sub-{id}"),
        username: id.to_owned(),
        email: None,
        groups: vec!["rampart-viewer".into()],
        refresh_token: "r".into(),
        access_token: "a".into(),
        access_expires_at: now + chrono::TimeDelta::minutes(30),
        created_at: now - created,
        last_seen_at: now - seen,
    };
    let m = chrono::TimeDelta::minutes;
    let live = session("live", m(60), m(1));
    let idle = session("idle", m(60), policy.idle + m(1));
    let old = session("old", policy.absolute + m(1), m(1));
    for s in [&live, &idle, &old] {
        store.create_session(s).await.unwrap();
    }
    assert_eq!(sweep_expired(&store, &policy, now).await.unwrap(), 2);
    assert!(store.session(&live.id_hash).await.unwrap().is_some());
    assert!(store.session(&idle.id_hash).await.unwrap().is_none());
    assert!(store.session(&old.id_hash).await.unwrap().is_none());
    assert_eq!(sweep_expired(&store, &policy, now).await.unwrap(), 0);
}

/// `MFA_SETUP` end to end, against a loopback Cognito answering as the Cognito API reference
/// documents `InitiateAuth`, `AssociateSoftwareToken`, `VerifySoftwareToken` and
/// `RespondToAuthChallenge` (moto cannot: see above). Each answer hands on a new `Session`
/// and each call must send the previous one back, so the test proves the plumbing of the
/// challenge's session. The tokens at the end are real ones of a moto pool user, so they
/// verify against that pool's keys like any other.
async fn first_sign_in_enrols_an_authenticator_without_moto_from_aws_documented_responses(db: Db) {
    use rampart_engine::testing::fake_aws::{self, Response};
    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let pool = Pool::new().await;
    pool.add_to_groups(&["rampart-admin"]).await;
    let result = pool
        .client
        .initiate_auth()
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .client_id(&pool.client_id)
        .auth_parameters("USERNAME", "alice")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let issued = serde_json::json!({
        "AuthenticationResult": {
            "AccessToken": result.access_token.unwrap(),
            "IdToken": result.id_token.unwrap(),
            "RefreshToken": result.refresh_token.unwrap(),
            "ExpiresIn": 3600,
            "TokenType": "Bearer",
        },
        "ChallengeParameters": {},
    })
    .to_string();
    let calls = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = calls.clone();
    let url = fake_aws::serve(move |req| {
        let body: serde_json::Value = serde_json::from_str(&req.body).unwrap_or_default();
        let session = body["Session"].as_str().unwrap_or_default().to_owned();
        seen.lock().unwrap().push(req.target().to_owned());
        match (req.target(), session.as_str()) {
            ("InitiateAuth", _) if body["AuthParameters"]["PASSWORD"] == PASSWORD => {
                Response::json(
                    serde_json::json!({
                        "ChallengeName": "MFA_SETUP",
                        "Session": "session-1",
                        "ChallengeParameters": {
                            "MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]",
                            "USER_ID_FOR_SRP": "alice",
                        },
                    })
                    .to_string(),
                )
            }
            ("AssociateSoftwareToken", "session-1") => Response::json(
                serde_json::json!({ "SecretCode": SECRET, "Session": "session-2" }).to_string(),
            ),
            ("VerifySoftwareToken", "session-2") if body["UserCode"] == "123456" => Response::json(
                serde_json::json!({ "Status": "SUCCESS", "Session": "session-3" }).to_string(),
            ),
            ("VerifySoftwareToken", "session-2") => Response::json_error(
                400,
                "CodeMismatchException",
                "Invalid code received for user",
            ),
            ("RespondToAuthChallenge", "session-3")
                if body["ChallengeName"] == "MFA_SETUP"
                    && body["ChallengeResponses"]["USERNAME"] == "alice" =>
            {
                Response::json(issued.clone())
            }
            (target, session) => Response::json_error(
                400,
                "NotAuthorizedException",
                &format!("unexpected {target} with session `{session}`"),
            ),
        }
    })
    .await;
    let idp = IdentityProvider::new(
        aws_sdk_cognitoidentityprovider::Client::new(&fake_aws::sdk_config(&url, "us-east-1")),
        pool.client_id.clone(),
        None,
    );
    let policy = SessionPolicy {
        secure_cookie: false,
        ..SessionPolicy::default()
    };
    let cognito = Cognito::new(pool.verifier(), idp, policy);
    let app = app_with(&pool, cognito, db, TrustedProxies::default()).await;
    let b = Browser::new(&app);

    let r = b.sign_in("alice", PASSWORD).await;
    assert!(
        r.redirects_to("/signin/mfa-setup"),
        "{} {}",
        r.status,
        r.body
    );
    let page = b.get("/signin/mfa-setup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(SECRET), "the key is shown as text");
    assert!(page.body.contains("<svg"), "and as a QR code");
    assert!(
        !page.body.contains("session-"),
        "the challenge session stays on the server"
    );

    // A wrong code: the form again, no session.
    let r = b.post("/signin/mfa-setup", &[("code", "000000")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("The code is not valid") && r.body.contains(SECRET));
    assert!(b.cookie("rampart_session").is_none());

    let r = b.post("/signin/mfa-setup", &[("code", "123456")]).await;
    assert!(r.redirects_to("/"), "{} {}", r.status, r.body);
    let s = stored_session(&app, &b).await.unwrap();
    assert_eq!(s.username, "alice");
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    assert_eq!(
        *calls.lock().unwrap(),
        [
            "InitiateAuth",
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "VerifySoftwareToken",
            "RespondToAuthChallenge"
        ]
    );
    let failed = audited(&app, AuditAction::SignInFailed).await;
    assert_eq!(failed.len(), 1, "the wrong code is audited");
    assert_eq!(audited(&app, AuditAction::SignIn).await.len(), 1);
}

on_both_databases!(
    first_sign_in_enrols_an_authenticator_without_moto_from_aws_documented_responses,
    sign_ins_failures_and_sign_outs_are_in_the_audit_log,
    after_signing_in_the_user_is_back_on_the_page_they_asked_for,
    behind_a_trusted_proxy_the_forwarded_client_is_audited_and_tls_gets_hsts,
    forwarding_headers_of_an_untrusted_client_are_ignored,
    the_sweeper_deletes_idle_and_too_old_sessions_only,
    a_new_user_sets_a_password_through_the_form_and_lands_on_the_overview,
    a_user_with_an_authenticator_is_asked_for_its_code,
    wrong_password_and_unknown_user_get_the_same_answer,
    pages_need_a_session_but_sign_in_static_files_and_health_do_not,
    sign_out_deletes_the_session_and_the_old_cookie_no_longer_works,
    the_access_token_is_refreshed_when_it_is_about_to_expire,
    an_idle_session_ends,
);
