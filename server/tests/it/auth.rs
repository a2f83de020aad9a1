//! Cognito sign-in against moto's user pools: real tokens from `InitiateAuth` verified by
//! the verifier, and the JSON API behind Bearer authentication. moto signs every pool's
//! tokens with its one bundled RS256 key (`kid` "dummy"), serves the JWKS at
//! `<endpoint>/<pool id>/.well-known/jwks.json`, and writes the real AWS issuer URL in `iss`.

use crate::dashboard::{Db, open_store};
use aws_sdk_cognitoidentityprovider as cognito;
use cognito::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use rampart::auth::{
    Auth, Cognito, IdentityProvider, SessionPolicy, TokenError, TokenUse, Verifier,
};
use rampart::config::{CognitoConfig, ScanDefaults};
use rampart::ingest::load_demo;
use rampart::web::{AppState, serve};
use rampart_engine::testing::moto::MotoServer;
use reqwest::StatusCode;
use std::sync::Arc;

pub const PASSWORD: &str = "Correct-Horse-Battery-9";

/// A user pool with an app client and the user `alice` (group `auditors`).
pub struct Pool {
    pub client: cognito::Client,
    pub id: String,
    pub client_id: String,
}

pub struct Tokens {
    pub access: String,
    pub id: String,
    pub refresh: String,
}

impl Pool {
    pub async fn new() -> Pool {
        let account = MotoServer::shared().new_account().await;
        let client = cognito::Client::new(&account.sdk);
        Pool::in_account(client).await
    }

    async fn in_account(client: cognito::Client) -> Pool {
        let id = client
            .create_user_pool()
            .pool_name("rampart")
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let mut pool = Pool {
            client,
            id,
            client_id: String::new(),
        };
        pool.client_id = pool.app_client("dashboard").await;
        pool.client
            .admin_create_user()
            .user_pool_id(&pool.id)
            .username("alice")
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        pool.client
            .admin_set_user_password()
            .user_pool_id(&pool.id)
            .username("alice")
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
        pool.client
            .create_group()
            .user_pool_id(&pool.id)
            .group_name("auditors")
            .send()
            .await
            .unwrap();
        pool.client
            .admin_add_user_to_group()
            .user_pool_id(&pool.id)
            .username("alice")
            .group_name("auditors")
            .send()
            .await
            .unwrap();
        pool
    }

    async fn app_client(&self, name: &str) -> String {
        self.client
            .create_user_pool_client()
            .user_pool_id(&self.id)
            .client_name(name)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap()
    }

    /// `alice` signs in through `client_id`.
    /// Creates the groups (if needed) and adds alice to them.
    pub async fn add_to_groups(&self, groups: &[&str]) {
        self.add_user_to_groups("alice", groups).await;
    }

    /// Creates the groups (if needed) and adds `user` to them.
    pub async fn add_user_to_groups(&self, user: &str, groups: &[&str]) {
        for g in groups {
            let _ = self
                .client
                .create_group()
                .user_pool_id(&self.id)
                .group_name(*g)
                .send()
                .await;
            self.client
                .admin_add_user_to_group()
                .user_pool_id(&self.id)
                .username(user)
                .group_name(*g)
                .send()
                .await
                .unwrap();
        }
    }

    pub async fn sign_in(&self, client_id: &str) -> Tokens {
        let result = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(client_id)
            .auth_parameters("USERNAME", "alice")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap();
        Tokens {
            access: result.access_token.unwrap(),
            id: result.id_token.unwrap(),
            refresh: result.refresh_token.unwrap(),
        }
    }

    /// Rampart's configuration for this pool: the AWS issuer, moto's JWKS URL.
    fn config(&self) -> CognitoConfig {
        CognitoConfig {
            region: "us-east-1".into(),
            user_pool_id: self.id.clone(),
            client_id: self.client_id.clone(),
            client_secret: None,
            issuer: format!("https://cognito-idp.us-east-1.amazonaws.com/{}", self.id),
            jwks_url: format!(
                "{}/{}/.well-known/jwks.json",
                MotoServer::shared().endpoint,
                self.id
            ),
            hosted_ui: None,
        }
    }

    pub fn verifier(&self) -> Verifier {
        Verifier::new(&self.config(), reqwest::Client::new())
    }

    /// Sign-in with this pool (no client secret), under `policy`.
    pub fn cognito(&self, policy: SessionPolicy) -> Cognito {
        let idp = IdentityProvider::new(self.client.clone(), self.client_id.clone(), None);
        Cognito::new(self.verifier(), idp, policy)
    }
}

#[tokio::test]
async fn moto_access_token_verifies_with_groups_from_cognito_groups() {
    let pool = Pool::new().await;
    let tokens = pool.sign_in(&pool.client_id).await;
    let user = pool.verifier().verify_access(&tokens.access).await.unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(user.groups, ["auditors"]);
    assert_eq!(user.token_use, TokenUse::Access);
    assert!(!user.sub.is_empty());
    let left = user.expires_at - chrono::Utc::now();
    assert!(left > chrono::TimeDelta::minutes(50), "{left}");
}

#[tokio::test]
async fn moto_id_token_verifies_as_an_id_token_but_not_as_an_access_token() {
    let pool = Pool::new().await;
    let tokens = pool.sign_in(&pool.client_id).await;
    let verifier = pool.verifier();
    let user = verifier.verify_id(&tokens.id).await.unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(user.groups, ["auditors"]);
    assert_eq!(
        verifier.verify_access(&tokens.id).await,
        Err(TokenError::TokenUse {
            expected: "access",
            found: "id".into()
        })
    );
    assert!(matches!(
        verifier.verify_id(&tokens.access).await,
        Err(TokenError::TokenUse { .. })
    ));
}

#[tokio::test]
async fn token_from_another_pool_is_rejected() {
    let pool = Pool::new().await;
    let other = Pool::in_account(pool.client.clone()).await;
    let tokens = other.sign_in(&other.client_id).await;
    let err = pool
        .verifier()
        .verify_access(&tokens.access)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        TokenError::Issuer(format!(
            "https://cognito-idp.us-east-1.amazonaws.com/{}",
            other.id
        ))
    );
}

#[tokio::test]
async fn token_of_another_app_client_of_the_pool_is_rejected() {
    let pool = Pool::new().await;
    let other_client = pool.app_client("someone-else").await;
    let tokens = pool.sign_in(&other_client).await;
    let verifier = pool.verifier();
    assert_eq!(
        verifier.verify_access(&tokens.access).await,
        Err(TokenError::Audience(other_client.clone()))
    );
    assert_eq!(
        verifier.verify_id(&tokens.id).await,
        Err(TokenError::Audience(other_client))
    );
}

/// The dashboard over the demo organisation, its JSON API behind `pool`.
async fn app_behind(pool: &Pool) -> (String, tempfile::TempDir) {
    let (store, dir) = open_store(Db::Sqlite).await;
    load_demo(&store, chrono::Utc::now(), 0).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let auth = Auth::Cognito(Arc::new(pool.cognito(SessionPolicy::default())));
    let state = AppState::with_auth(store, false, ScanDefaults::default(), auth);
    tokio::spawn(serve(listener, state));
    (base, dir)
}

async fn get(base: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn api_requires_a_cognito_access_token() {
    let pool = Pool::new().await;
    let tokens = pool.sign_in(&pool.client_id).await;
    let (base, _dir) = app_behind(&pool).await;

    let r = get(&base, "/api/accounts", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"rampart\"");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Bearer"), "{body}");

    // A valid token without a Rampart role group gets nothing.
    let r = get(&base, "/api/accounts", Some(&tokens.access)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // As a viewer of the payments team, alice sees that team's two accounts.
    pool.add_to_groups(&["rampart-viewer", "team-payments"])
        .await;
    let team = pool.sign_in(&pool.client_id).await;
    let r = get(&base, "/api/accounts", Some(&team.access)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let accounts: serde_json::Value = r.json().await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 2, "{accounts}");
    // As an admin she sees all six.
    pool.add_to_groups(&["rampart-admin"]).await;
    let admin = pool.sign_in(&pool.client_id).await;
    let r = get(&base, "/api/accounts", Some(&admin.access)).await;
    let accounts: serde_json::Value = r.json().await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 6);

    for bad in [tokens.id.as_str(), "not-a-token"] {
        let r = get(&base, "/api/accounts", Some(bad)).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.headers()["www-authenticate"],
            "Bearer realm=\"rampart\", error=\"invalid_token\""
        );
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"error": "invalid token"}));
    }

    // Unknown API paths are behind authentication too; pages need a session instead.
    assert_eq!(
        get(&base, "/api/nothing-here", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = get(&base, "/api/nothing-here", Some(&admin.access)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("no API endpoint"));
    assert_eq!(get(&base, "/healthz", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn api_serves_reports_and_exports_to_an_analysts_token_within_their_team() {
    let pool = Pool::new().await;
    let (base, _dir) = app_behind(&pool).await;
    let report = "/api/reports/compliance.html?framework=cis-aws-3.0";
    assert_eq!(
        get(&base, report, None).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A viewer may read but not export.
    pool.add_to_groups(&["rampart-viewer", "team-payments"])
        .await;
    let viewer = pool.sign_in(&pool.client_id).await;
    assert_eq!(
        get(&base, report, Some(&viewer.access)).await.status(),
        StatusCode::FORBIDDEN
    );

    // An analyst of the payments team gets the report of that team's accounts only.
    pool.add_to_groups(&["rampart-analyst"]).await;
    let analyst = pool.sign_in(&pool.client_id).await;
    let r = get(&base, report, Some(&analyst.access)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("333344445555") && html.contains("444455556666"));
    assert!(!html.contains("222233334444"), "another team's account");
    // An account outside the team is not found, as if it did not exist.
    let r = get(
        &base,
        "/api/reports/compliance.pdf?account=222233334444",
        Some(&analyst.access),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = get(
        &base,
        "/api/reports/compliance.pdf?account=333344445555",
        Some(&analyst.access),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));

    // The streamed exports answer the same token, within the same scope.
    let r = get(
        &base,
        "/api/export/findings.ocsf.json?status=any",
        Some(&analyst.access),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let docs: Vec<serde_json::Value> = r.json().await.unwrap();
    assert!(!docs.is_empty());
    assert!(docs.iter().all(|d| {
        let uid = d["cloud"]["account"]["uid"].as_str().unwrap_or_default();
        uid == "333344445555" || uid == "444455556666"
    }));
}
