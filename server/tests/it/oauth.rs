//! Sign-in through the pool's hosted UI: OAuth 2.0 authorization code with PKCE.
//!
//! moto serves no hosted-UI endpoint (`moto/cognitoidp/urls.py` routes only the JSON API
//! and `/<pool>/.well-known/jwks.json`; no `/oauth2/authorize`, `/oauth2/token` nor
//! `/logout`), so a loopback fake plays the token endpoint and answers as AWS documents it
//! (<https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>): the
//! tests that depend on its answers say so in their names. The test itself plays the browser
//! at the authorize endpoint. The tokens are moto's, issued by moto's Cognito to a real pool
//! user through `InitiateAuth`; moto's ID tokens carry no `nonce`, so the fake gives the ID
//! token the `nonce` the hosted UI adds and re-signs it with moto's bundled key (the key moto
//! signs every token with; `src/auth/testdata`): it still verifies against moto's JWKS, and
//! its refresh token still refreshes at moto.

use crate::auth::{Pool, Tokens};
use crate::signin::{App, Browser, Page, serve_app};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{EncodingKey, Header};
use rampart::auth::oauth::{HostedUi, challenge};
use rampart::auth::session::hash_id;
use rampart::auth::{Clock, Cognito, IdentityProvider, SessionPolicy};
use rampart::config::HostedUiConfig;
use rampart::store::{AuditFilter, ts};
use rampart_engine::testing::fake_aws::{self, Request, Response};
use reqwest::StatusCode;
use rsa::pkcs1::EncodeRsaPrivateKey;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MOTO_PRIVATE_JWK: &str = include_str!("../../src/auth/testdata/moto-jwks-private.json");
const REDIRECT_URI: &str = "https://rampart.example.com/signin/oauth/callback";
const LOGOUT_URI: &str = "https://rampart.example.com/signin";
const COOKIE: &str = "rampart_oauth";

/// What the ID token's `nonce` is in the fake's answer.
#[derive(Clone, Copy, PartialEq)]
enum Nonce {
    /// The one the authorize request sent, as Cognito does.
    Sent,
    Other,
    /// None at all, as moto's `InitiateAuth` issues ID tokens.
    Absent,
}

/// The hosted UI's side of a sign-in: what the authorize request carried, the code it
/// issued, the token requests it received.
struct Authorization {
    code: String,
    challenge: String,
    nonce: String,
}

struct FakeState {
    client_id: String,
    secret: Option<String>,
    tokens: Tokens,
    nonce: Nonce,
    authorizations: Vec<Authorization>,
    redeemed: Vec<String>,
    requests: Vec<Request>,
}

fn form(body: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn oauth_error(error: &str) -> Response {
    Response {
        status: 400,
        content_type: "application/json",
        body: json!({ "error": error }).to_string(),
    }
}

/// moto's ID token with `nonce` set (or removed), re-signed with moto's own key.
fn with_nonce(id_token: &str, nonce: Option<&str>) -> String {
    let payload = id_token.split('.').nth(1).unwrap();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    match nonce {
        Some(n) => claims["nonce"] = json!(n),
        None => {
            claims.as_object_mut().unwrap().remove("nonce");
        }
    }
    let jwk: Value = serde_json::from_str(MOTO_PRIVATE_JWK).unwrap();
    let int = |k: &str| {
        rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[k].as_str().unwrap()).unwrap())
    };
    let key = rsa::RsaPrivateKey::from_components(int("n"), int("e"), int("d"), Vec::new())
        .unwrap()
        .to_pkcs1_der()
        .unwrap();
    let mut header = Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("dummy".to_owned());
    jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_der(key.as_bytes())).unwrap()
}

impl FakeState {
    /// `POST /oauth2/token`, checked as Cognito checks it: client authentication, grant
    /// type, a code issued and not yet redeemed, the redirect URI, and the PKCE verifier
    /// against the challenge of the code's authorize request.
    fn token(&mut self, req: &Request) -> Response {
        self.requests.push(req.clone());
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let f = form(&req.body);
        let field = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
        if let Some(secret) = &self.secret {
            let basic = format!(
                "Basic {}",
                STANDARD.encode(format!("{}:{secret}", self.client_id))
            );
            if req.header("authorization") != Some(basic.as_str()) {
                return oauth_error("invalid_client");
            }
        }
        if field("client_id") != self.client_id {
            return oauth_error("invalid_client");
        }
        if field("grant_type") != "authorization_code" {
            return oauth_error("unsupported_grant_type");
        }
        let Some(auth) = self.authorizations.iter().find(|a| a.code == field("code")) else {
            return oauth_error("invalid_grant");
        };
        if self.redeemed.contains(&auth.code)
            || field("redirect_uri") != REDIRECT_URI
            || challenge(field("code_verifier")) != auth.challenge
        {
            return oauth_error("invalid_grant");
        }
        self.redeemed.push(auth.code.clone());
        let id_token = match self.nonce {
            Nonce::Sent => with_nonce(&self.tokens.id, Some(&auth.nonce)),
            Nonce::Other => with_nonce(&self.tokens.id, Some("another-sign-in-s-nonce")),
            Nonce::Absent => self.tokens.id.clone(),
        };
        Response {
            status: 200,
            content_type: "application/json",
            body: json!({
                "access_token": self.tokens.access,
                "id_token": id_token,
                "refresh_token": self.tokens.refresh,
                "token_type": "Bearer",
                "expires_in": 3600,
            })
            .to_string(),
        }
    }
}

/// A clock that can be moved forward.
struct Shifted(Mutex<chrono::TimeDelta>);

impl Clock for Shifted {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + *self.0.lock().unwrap()
    }
}

struct Options {
    secret: Option<&'static str>,
    identity_provider: Option<&'static str>,
    logout_uri: Option<&'static str>,
    password_sign_in: bool,
    nonce: Nonce,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            secret: None,
            identity_provider: None,
            logout_uri: None,
            password_sign_in: true,
            nonce: Nonce::Sent,
        }
    }
}

struct Setup {
    pool: Pool,
    fake: Arc<Mutex<FakeState>>,
    fake_url: String,
    cognito: Arc<Cognito>,
    clock: Arc<Shifted>,
    app: App,
}

/// A moto pool whose user alice administers Rampart, the hosted UI's fake token endpoint,
/// and the dashboard offering sign-in through it.
async fn setup(o: Options) -> Setup {
    let pool = Pool::new().await;
    pool.add_to_groups(&["rampart-admin"]).await;
    let tokens = pool.sign_in(&pool.client_id).await;
    let fake = Arc::new(Mutex::new(FakeState {
        client_id: pool.client_id.clone(),
        secret: o.secret.map(str::to_owned),
        tokens,
        nonce: o.nonce,
        authorizations: Vec::new(),
        redeemed: Vec::new(),
        requests: Vec::new(),
    }));
    let state = fake.clone();
    let fake_url = fake_aws::serve(move |req| match req.path.as_str() {
        "/oauth2/token" => state.lock().unwrap().token(req),
        other => panic!("the hosted UI has no {other} for the server to call"),
    })
    .await;
    let hosted = HostedUi::new(
        HostedUiConfig {
            url: fake_url.clone(),
            redirect_uri: REDIRECT_URI.into(),
            scopes: "openid email profile".into(),
            identity_provider: o.identity_provider.map(str::to_owned),
            logout_uri: o.logout_uri.map(str::to_owned),
            password_sign_in: o.password_sign_in,
        },
        pool.client_id.clone(),
        o.secret.map(|s| s.to_owned().into()),
        reqwest::Client::new(),
    );
    let idp = IdentityProvider::new(pool.client.clone(), pool.client_id.clone(), None);
    let policy = SessionPolicy {
        secure_cookie: false,
        ..SessionPolicy::default()
    };
    let clock = Arc::new(Shifted(Mutex::new(chrono::TimeDelta::zero())));
    let mut cognito = Cognito::new(pool.verifier(), idp, policy).with_hosted_ui(hosted);
    cognito.clock = clock.clone();
    let cognito = Arc::new(cognito);
    let app = serve_app(cognito.clone()).await;
    Setup {
        pool,
        fake,
        fake_url,
        cognito,
        clock,
        app,
    }
}

/// The query parameters of `url`.
fn params(url: &str) -> HashMap<String, String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

impl Setup {
    /// The browser follows "Sign in with …" to the hosted UI, where the user signs in: the
    /// hosted UI records the request and answers with the callback URL (path and query).
    async fn authorize(&self, b: &Browser) -> String {
        let r = b.get("/signin/oauth").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let location = r.location.unwrap();
        assert!(location.starts_with(&format!("{}/oauth2/authorize?", self.fake_url)));
        let p = params(&location);
        let code = format!("code-{}", self.fake.lock().unwrap().authorizations.len());
        self.fake
            .lock()
            .unwrap()
            .authorizations
            .push(Authorization {
                code: code.clone(),
                challenge: p["code_challenge"].clone(),
                nonce: p["nonce"].clone(),
            });
        format!("/signin/oauth/callback?code={code}&state={}", p["state"])
    }

    fn token_requests(&self) -> usize {
        self.fake.lock().unwrap().requests.len()
    }

    async fn session_user(&self, b: &Browser) -> Option<String> {
        let id = b.cookie("rampart_session")?;
        let s = self.app.store.session(&hash_id(&id)).await.unwrap()?;
        Some(s.username)
    }

    async fn sessions(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(self.app.store.pool())
            .await
            .unwrap()
    }

    /// The audit rows of sign-ins, oldest first: (action, actor, outcome, source, detail).
    async fn audit(&self) -> Vec<(String, String, String, Option<String>, Value)> {
        let (rows, _) = self
            .app
            .store
            .audit_log(&AuditFilter::default(), 1, 100)
            .await
            .unwrap();
        rows.into_iter()
            .rev()
            .filter(|r| r.action.starts_with("sign_in"))
            .map(|r| (r.action, r.actor, r.outcome, r.source, r.detail))
            .collect()
    }
}

fn refused(r: &Page, status: StatusCode, message: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.contains(message), "{}", r.body);
    assert!(
        r.set_cookie("rampart_session").is_none(),
        "no session on a refusal"
    );
}

#[tokio::test]
async fn the_sign_in_page_links_to_the_hosted_ui_next_to_the_password_form() {
    let s = setup(Options {
        identity_provider: Some("Okta"),
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let page = b.get("/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<a href="/signin/oauth" class="button">Sign in with Okta</a>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="password""#));
    assert!(!page.body.contains("<script"));
}

#[tokio::test]
async fn with_password_sign_in_off_only_the_hosted_ui_is_offered_and_passwords_are_refused() {
    let s = setup(Options {
        password_sign_in: false,
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let page = b.get("/signin").await;
    assert!(
        page.body.contains("Sign in with Amazon Cognito"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(r#"name="password""#));
    let r = b.sign_in("alice", crate::auth::PASSWORD).await;
    refused(&r, StatusCode::FORBIDDEN, "Password sign-in is turned off");
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn signing_in_redirects_to_the_hosted_ui_with_state_nonce_and_the_s256_challenge_of_the_kept_verifier()
 {
    let s = setup(Options {
        identity_provider: Some("Okta"),
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let r = b.get("/signin/oauth").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let location = r.location.clone().unwrap();
    assert!(location.starts_with(&format!("{}/oauth2/authorize?", s.fake_url)));
    let p = params(&location);
    assert_eq!(p["response_type"], "code");
    assert_eq!(p["client_id"], s.pool.client_id);
    assert_eq!(p["redirect_uri"], REDIRECT_URI);
    assert_eq!(p["scope"], "openid email profile");
    assert_eq!(p["code_challenge_method"], "S256");
    assert_eq!(p["identity_provider"], "Okta");
    assert!(location.contains("&scope=openid%20email%20profile&"));
    for random in ["state", "nonce", "code_challenge"] {
        // 256 bits in base64url; at least 128 are required.
        assert_eq!(p[random].len(), 43, "{random}");
    }
    assert_ne!(p["state"], p["nonce"]);

    // The cookie holds a random id; state, nonce and verifier stay on the server.
    let cookie = r.set_cookie(COOKIE).unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Max-Age=600"), "{cookie}");
    let id = b.cookie(COOKIE).unwrap();
    assert!(!location.contains(&id));
    let kept = s
        .cognito
        .authorizations
        .get(&id, chrono::Utc::now())
        .unwrap();
    assert_eq!(kept.state, p["state"]);
    assert_eq!(kept.nonce, p["nonce"]);
    assert_eq!(challenge(&kept.verifier), p["code_challenge"]);
    assert!((43..=128).contains(&kept.verifier.len()));
    assert!(!location.contains(&kept.verifier));

    // Each sign-in gets its own.
    let again = params(&b.get("/signin/oauth").await.location.unwrap());
    assert_ne!(again["state"], p["state"]);
    assert_ne!(again["code_challenge"], p["code_challenge"]);
}

#[tokio::test]
async fn one_address_cannot_start_more_than_twenty_sign_ins_at_once() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    for _ in 0..20 {
        assert_eq!(b.get("/signin/oauth").await.status, StatusCode::SEE_OTHER);
    }
    let r = b.get("/signin/oauth").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Too many sign-ins"));
    // Once they expire, sign-in can start again.
    *s.clock.0.lock().unwrap() = chrono::TimeDelta::minutes(11);
    assert_eq!(b.get("/signin/oauth").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_hosted_ui_sign_in_lands_on_the_overview_with_a_session_without_moto_from_aws_documented_responses()
 {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let r = b.get(&callback).await;
    assert!(r.redirects_to("/"), "{} {}", r.status, r.body);
    assert!(r.set_cookie(COOKIE).unwrap().contains("Max-Age=0"));
    assert_eq!(s.session_user(&b).await.as_deref(), Some("alice"));
    let overview = b.get("/").await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains("alice") && overview.body.contains("Sign out"));

    // The token request carried the code, the verifier and the redirect URI (the fake
    // refuses it otherwise), and no client secret.
    let requests = s.fake.lock().unwrap().requests.clone();
    assert_eq!(requests.len(), 1);
    let f = form(&requests[0].body);
    assert_eq!(f["grant_type"], "authorization_code");
    assert_eq!(f["code"], "code-0");
    assert_eq!(f["redirect_uri"], REDIRECT_URI);
    assert_eq!(f["client_id"], s.pool.client_id);
    assert_eq!(f["code_verifier"].len(), 43);
    assert_eq!(requests[0].header("authorization"), None);

    let audit = s.audit().await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    let (action, actor, outcome, source, detail) = &audit[0];
    assert_eq!(
        (action.as_str(), actor.as_str(), outcome.as_str()),
        ("sign_in", "alice", "success")
    );
    assert_eq!(source.as_deref(), Some("127.0.0.1"));
    assert_eq!(detail["method"], "oauth");
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused_and_uses_up_its_sign_in() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let forged = format!(
        "{}&state={}",
        callback.split("&state=").next().unwrap(),
        "A".repeat(43)
    );
    let r = b.get(&forged).await;
    refused(
        &r,
        StatusCode::BAD_REQUEST,
        "does not belong to the sign-in this browser started",
    );
    assert_eq!(s.token_requests(), 0, "the code is not redeemed");
    // The sign-in is used up: not even the right state works now.
    let r = b.get(&callback).await;
    refused(&r, StatusCode::BAD_REQUEST, "sign in again");
    assert_eq!(s.sessions().await, 0);
    let audit = s.audit().await;
    assert_eq!(audit.len(), 2);
    assert_eq!(
        (
            audit[0].0.as_str(),
            audit[0].1.as_str(),
            audit[0].2.as_str()
        ),
        ("sign_in_failed", "unknown", "failure")
    );
    assert_eq!(audit[0].4["method"], "oauth");
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let cookie = b.cookie(COOKIE).unwrap();
    assert!(b.get(&callback).await.redirects_to("/"));
    // The same answer again, even with the old cookie put back.
    let other = Browser::new(&s.app);
    other.set(COOKIE, &cookie);
    let r = other.get(&callback).await;
    refused(&r, StatusCode::BAD_REQUEST, "sign in again");
    assert_eq!(s.token_requests(), 1);
    assert_eq!(s.sessions().await, 1);
}

#[tokio::test]
async fn a_callback_without_the_cookie_or_after_its_sign_in_expired_is_refused() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let elsewhere = Browser::new(&s.app);
    let r = elsewhere.get(&callback).await;
    refused(
        &r,
        StatusCode::BAD_REQUEST,
        "took too long or was started in another browser",
    );

    let callback = s.authorize(&b).await;
    *s.clock.0.lock().unwrap() = chrono::TimeDelta::minutes(11);
    let r = b.get(&callback).await;
    refused(&r, StatusCode::BAD_REQUEST, "took too long");
    assert_eq!(s.token_requests(), 0);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused_and_no_session_is_created_without_moto_from_aws_documented_responses()
 {
    let s = setup(Options {
        nonce: Nonce::Other,
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let r = b.get(&callback).await;
    refused(&r, StatusCode::UNAUTHORIZED, "could not be verified");
    assert_eq!(s.token_requests(), 1);
    assert_eq!(s.sessions().await, 0);
    let audit = s.audit().await;
    assert_eq!(audit[0].0, "sign_in_failed");
    assert!(
        audit[0].4["reason"].as_str().unwrap().contains("nonce"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn an_id_token_without_a_nonce_as_moto_issues_them_is_refused() {
    let s = setup(Options {
        nonce: Nonce::Absent,
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    refused(
        &b.get(&callback).await,
        StatusCode::UNAUTHORIZED,
        "could not be verified",
    );
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn the_identity_providers_refusal_is_shown_and_no_code_is_redeemed() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let state = params(&format!("http://x{callback}"))["state"].clone();
    let r = b
        .get(&format!(
            "/signin/oauth/callback?error=access_denied&error_description=User%20is%20not%20assigned&state={state}"
        ))
        .await;
    refused(
        &r,
        StatusCode::UNAUTHORIZED,
        "The sign-in was refused or cancelled at the identity provider (access_denied: User is not assigned).",
    );
    assert_eq!(s.token_requests(), 0);
    assert_eq!(s.audit().await[0].0, "sign_in_failed");
}

#[tokio::test]
async fn a_code_the_token_endpoint_refuses_is_reported_without_a_session_without_moto_from_aws_documented_responses()
 {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    let r = b
        .get(&callback.replace("code=code-0", "code=made-up"))
        .await;
    refused(
        &r,
        StatusCode::BAD_REQUEST,
        "did not accept the sign-in code",
    );
    assert_eq!(s.token_requests(), 1);
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn a_confidential_client_authenticates_to_the_token_endpoint_with_http_basic_without_moto_from_aws_documented_responses()
 {
    let s = setup(Options {
        secret: Some("s3cr3t-of-the-app-client"),
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    assert!(b.get(&callback).await.redirects_to("/"));
    let requests = s.fake.lock().unwrap().requests.clone();
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:s3cr3t-of-the-app-client", s.pool.client_id))
    );
    assert_eq!(requests[0].header("authorization"), Some(expected.as_str()));
    assert!(
        !requests[0].body.contains("s3cr3t"),
        "the secret is not in the form"
    );

    // A wrong secret is the server's misconfiguration, not the user's fault.
    s.fake.lock().unwrap().secret = Some("rotated".into());
    let callback = s.authorize(&b).await;
    let r = b.get(&callback).await;
    refused(
        &r,
        StatusCode::BAD_GATEWAY,
        "refused this server's app client",
    );
}

#[tokio::test]
async fn a_hosted_ui_session_refreshes_its_access_token_through_initiate_auth() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    assert!(b.get(&callback).await.redirects_to("/"));
    let id = b.cookie("rampart_session").unwrap();
    let before = s.app.store.session(&hash_id(&id)).await.unwrap().unwrap();
    sqlx::query("UPDATE sessions SET access_expires_at = $1")
        .bind(ts(chrono::Utc::now() + chrono::TimeDelta::minutes(2)))
        .execute(s.app.store.pool())
        .await
        .unwrap();
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    let after = s.app.store.session(&hash_id(&id)).await.unwrap().unwrap();
    assert_ne!(after.access_token, before.access_token);
    assert!(after.access_expires_at > chrono::Utc::now() + chrono::TimeDelta::minutes(50));
    assert_eq!(
        s.token_requests(),
        1,
        "refresh goes to InitiateAuth, not /oauth2/token"
    );
}

#[tokio::test]
async fn sign_out_passes_through_the_hosted_ui_logout_when_a_logout_uri_is_set() {
    let s = setup(Options {
        logout_uri: Some(LOGOUT_URI),
        ..Options::default()
    })
    .await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    assert!(b.get(&callback).await.redirects_to("/"));
    b.get("/").await;
    let csrf = b.cookie("rampart_csrf").unwrap();
    let session = b.cookie("rampart_session").unwrap();
    let r = b
        .http
        .post(format!("{}/signout", s.app.base))
        .header("origin", &s.app.base)
        .header(
            "cookie",
            format!("rampart_csrf={csrf}; rampart_session={session}"),
        )
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let logout = format!(
        "{}/logout?client_id={}&logout_uri=https%3A%2F%2Frampart.example.com%2Fsignin",
        s.fake_url, s.pool.client_id
    );
    // A Refresh header and a link, not a redirect: the sign-out form's `form-action 'self'`
    // would block a redirect to the hosted UI's origin.
    assert_eq!(r.headers()["refresh"], format!("0; url={logout}").as_str());
    let cleared = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("rampart_session=;"));
    assert!(cleared, "the session cookie is cleared");
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!(r#"href="{}""#, logout.replace('&', "&amp;"))),
        "{body}"
    );
    assert_eq!(s.sessions().await, 0);
}

#[tokio::test]
async fn without_a_logout_uri_sign_out_returns_to_the_sign_in_page() {
    let s = setup(Options::default()).await;
    let b = Browser::new(&s.app);
    let callback = s.authorize(&b).await;
    assert!(b.get(&callback).await.redirects_to("/"));
    assert!(b.post("/signout", &[]).await.redirects_to("/signin"));
    assert_eq!(s.sessions().await, 0);
}
