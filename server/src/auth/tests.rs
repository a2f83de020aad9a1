//! The verifier against forged tokens: signed with moto's bundled RSA key (the key moto's
//! Cognito signs every token with; copied from moto 5.2.1,
//! `moto/cognitoidp/resources/jwks-{private,public}.json`), served by a local JWKS server
//! that counts its fetches, and checked at an injected instant. Real moto tokens are
//! verified in `tests/it/auth.rs`.

use super::*;
use crate::config::CognitoConfig;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::TimeDelta;
use jsonwebtoken::{EncodingKey, Header};
use rampart_engine::testing::fake_aws::{self, Response};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const PRIVATE_JWK: &str = include_str!("testdata/moto-jwks-private.json");
const PUBLIC_JWKS: &str = include_str!("testdata/moto-jwks-public.json");
const POOL: &str = "eu-west-1_TestPool1";
const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1";
const CLIENT: &str = "client1234567890";
const KID: &str = "dummy";

struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    fn advance(&self, by: TimeDelta) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn private_key() -> rsa::RsaPrivateKey {
    let jwk: Value = serde_json::from_str(PRIVATE_JWK).unwrap();
    let int = |k: &str| {
        rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[k].as_str().unwrap()).unwrap())
    };
    rsa::RsaPrivateKey::from_components(int("n"), int("e"), int("d"), Vec::new()).unwrap()
}

fn sign_with(header: &Header, claims: &Value, key: &EncodingKey) -> String {
    jsonwebtoken::encode(header, claims, key).unwrap()
}

fn sign(claims: &Value) -> String {
    let der = private_key().to_pkcs1_der().unwrap();
    let mut header = Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    sign_with(&header, claims, &EncodingKey::from_rsa_der(der.as_bytes()))
}

/// Access-token claims as Cognito (and moto) issue them, valid for an hour from `t0`.
fn access_claims() -> Value {
    let now = t0().timestamp();
    json!({
        "iss": ISSUER,
        "sub": "5f0c2a4e-1111-2222-3333-444455556666",
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "jti": "c0ffee",
        "username": "alice",
        "cognito:groups": ["admins", "auditors"],
    })
}

fn id_claims() -> Value {
    let mut c = access_claims();
    let o = c.as_object_mut().unwrap();
    o.remove("client_id");
    o.remove("username");
    o.remove("scope");
    o.insert("aud".into(), json!(CLIENT));
    o.insert("token_use".into(), json!("id"));
    o.insert("cognito:username".into(), json!("alice"));
    o.insert("email".into(), json!("alice@example.com"));
    c
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

struct Fixture {
    verifier: Verifier,
    clock: Arc<ManualClock>,
    fetches: Arc<AtomicUsize>,
}

/// A verifier at `t0` whose JWKS server serves moto's public key and counts requests.
async fn fixture() -> Fixture {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let url = fake_aws::serve(move |req| {
        counter.fetch_add(1, Ordering::SeqCst);
        assert_eq!(req.path, "/eu-west-1_TestPool1/.well-known/jwks.json");
        Response {
            status: 200,
            content_type: "application/json",
            body: PUBLIC_JWKS.to_owned(),
        }
    })
    .await;
    let config = CognitoConfig {
        region: "eu-west-1".into(),
        user_pool_id: POOL.into(),
        client_id: CLIENT.into(),
        client_secret: None,
        issuer: ISSUER.into(),
        jwks_url: format!("{url}/{POOL}/.well-known/jwks.json"),
        hosted_ui: None,
    };
    let clock = Arc::new(ManualClock(Mutex::new(t0())));
    let verifier = Verifier::with_options(
        &config,
        reqwest::Client::new(),
        VerifierOptions {
            leeway: TimeDelta::seconds(30),
            clock: clock.clone(),
        },
    );
    Fixture {
        verifier,
        clock,
        fetches,
    }
}

fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[tokio::test]
async fn a_valid_access_token_names_the_user_and_groups() {
    let f = fixture().await;
    let p = f
        .verifier
        .verify_access(&sign(&access_claims()))
        .await
        .unwrap();
    assert_eq!(p.username, "alice");
    assert_eq!(p.sub, "5f0c2a4e-1111-2222-3333-444455556666");
    assert_eq!(p.groups, ["admins", "auditors"]);
    assert!(p.in_group("auditors"));
    assert_eq!(p.email, None);
    assert_eq!(p.token_use, TokenUse::Access);
    assert_eq!(p.expires_at, t0() + TimeDelta::hours(1));
}

#[tokio::test]
async fn a_valid_id_token_names_the_user_by_cognito_username_with_email() {
    let f = fixture().await;
    let claims = id_claims();
    let p = f.verifier.verify_id(&sign(&claims)).await.unwrap();
    assert_eq!(p.username, "alice");
    assert_eq!(p.email.as_deref(), Some("alice@example.com"));
    assert_eq!(p.token_use, TokenUse::Id);
}

#[tokio::test]
async fn an_id_token_verifies_with_a_nonce_only_when_it_carries_that_nonce() {
    let f = fixture().await;
    let token = sign(&with(id_claims(), "nonce", json!("n-0123456789")));
    let user = f
        .verifier
        .verify_id_with_nonce(&token, "n-0123456789")
        .await;
    assert_eq!(user.unwrap().username, "alice");
    assert_eq!(
        f.verifier
            .verify_id_with_nonce(&token, "n-9876543210")
            .await,
        Err(TokenError::Nonce)
    );
    let without = sign(&id_claims());
    assert_eq!(
        f.verifier
            .verify_id_with_nonce(&without, "n-0123456789")
            .await,
        Err(TokenError::Nonce)
    );
    // The nonce is checked after everything else: an access token is still refused as such.
    let access = sign(&with(access_claims(), "nonce", json!("n-0123456789")));
    assert!(matches!(
        f.verifier
            .verify_id_with_nonce(&access, "n-0123456789")
            .await,
        Err(TokenError::TokenUse { .. })
    ));
}

#[tokio::test]
async fn groups_are_empty_when_the_user_is_in_none() {
    let f = fixture().await;
    let mut claims = access_claims();
    claims.as_object_mut().unwrap().remove("cognito:groups");
    let p = f.verifier.verify_access(&sign(&claims)).await.unwrap();
    assert!(p.groups.is_empty());
}

#[tokio::test]
async fn alg_none_is_rejected() {
    let f = fixture().await;
    let token = unsigned(&json!({"alg": "none", "kid": KID}), &access_claims());
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::Algorithm("none".into()))
    );
    assert_eq!(
        f.fetches.load(Ordering::SeqCst),
        0,
        "no key is even looked up"
    );
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_rejected() {
    let f = fixture().await;
    let public_pem = private_key()
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(KID.to_owned());
    for secret in [public_pem.as_bytes(), PUBLIC_JWKS.as_bytes()] {
        let token = sign_with(&header, &access_claims(), &EncodingKey::from_secret(secret));
        assert_eq!(
            f.verifier.verify_access(&token).await,
            Err(TokenError::Algorithm("HS256".into()))
        );
    }
}

#[tokio::test]
async fn other_rsa_algorithms_are_rejected() {
    let f = fixture().await;
    let mut header = Header::new(jsonwebtoken::Algorithm::RS512);
    header.kid = Some(KID.to_owned());
    let der = private_key().to_pkcs1_der().unwrap();
    let token = sign_with(
        &header,
        &access_claims(),
        &EncodingKey::from_rsa_der(der.as_bytes()),
    );
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::Algorithm("RS512".into()))
    );
}

#[tokio::test]
async fn expired_token_is_rejected() {
    let f = fixture().await;
    let token = sign(&access_claims());
    f.clock
        .advance(TimeDelta::hours(1) + TimeDelta::seconds(31));
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::Expired(t0() + TimeDelta::hours(1)))
    );
}

#[tokio::test]
async fn token_expired_within_the_leeway_is_still_accepted() {
    let f = fixture().await;
    let token = sign(&access_claims());
    f.clock
        .advance(TimeDelta::hours(1) + TimeDelta::seconds(20));
    assert!(f.verifier.verify_access(&token).await.is_ok());
}

#[tokio::test]
async fn token_not_yet_valid_is_rejected() {
    let f = fixture().await;
    let nbf = t0() + TimeDelta::minutes(5);
    let token = sign(&with(access_claims(), "nbf", json!(nbf.timestamp())));
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::NotYetValid(nbf))
    );
    f.clock
        .advance(TimeDelta::minutes(5) - TimeDelta::seconds(20));
    assert!(
        f.verifier.verify_access(&token).await.is_ok(),
        "valid within the leeway of its nbf"
    );
}

#[tokio::test]
async fn token_of_another_issuer_is_rejected() {
    let f = fixture().await;
    let other = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool";
    let token = sign(&with(access_claims(), "iss", json!(other)));
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::Issuer(other.into()))
    );
}

#[tokio::test]
async fn access_token_of_another_client_is_rejected() {
    let f = fixture().await;
    let token = sign(&with(access_claims(), "client_id", json!("someoneelse")));
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::Audience("someoneelse".into()))
    );
}

#[tokio::test]
async fn id_token_for_another_audience_is_rejected() {
    let f = fixture().await;
    let token = sign(&with(id_claims(), "aud", json!("someoneelse")));
    assert_eq!(
        f.verifier.verify_id(&token).await,
        Err(TokenError::Audience("someoneelse".into()))
    );
}

#[tokio::test]
async fn access_token_with_only_an_aud_claim_is_rejected() {
    let f = fixture().await;
    let mut claims = with(access_claims(), "aud", json!(CLIENT));
    claims.as_object_mut().unwrap().remove("client_id");
    assert_eq!(
        f.verifier.verify_access(&sign(&claims)).await,
        Err(TokenError::Audience(String::new()))
    );
}

#[tokio::test]
async fn id_token_is_rejected_where_an_access_token_is_required() {
    let f = fixture().await;
    assert_eq!(
        f.verifier.verify_access(&sign(&id_claims())).await,
        Err(TokenError::TokenUse {
            expected: "access",
            found: "id".into()
        })
    );
}

#[tokio::test]
async fn tampered_payload_fails_the_signature_check() {
    let f = fixture().await;
    let token = sign(&access_claims());
    let parts: Vec<&str> = token.split('.').collect();
    let forged = with(access_claims(), "cognito:groups", json!(["admins", "root"]));
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged.to_string()),
        parts[2]
    );
    assert_eq!(
        f.verifier.verify_access(&tampered).await,
        Err(TokenError::Signature)
    );
}

#[tokio::test]
async fn token_without_kid_is_rejected() {
    let f = fixture().await;
    let der = private_key().to_pkcs1_der().unwrap();
    let token = sign_with(
        &Header::new(jsonwebtoken::Algorithm::RS256),
        &access_claims(),
        &EncodingKey::from_rsa_der(der.as_bytes()),
    );
    assert_eq!(
        f.verifier.verify_access(&token).await,
        Err(TokenError::MissingKeyId)
    );
}

#[tokio::test]
async fn garbage_is_malformed() {
    let f = fixture().await;
    for token in ["", "abc", "a.b.c", "eyJhbGciOiJSUzI1NiJ9"] {
        assert_eq!(
            f.verifier.verify_access(token).await,
            Err(TokenError::Malformed),
            "{token}"
        );
    }
}

#[tokio::test]
async fn the_jwks_is_fetched_once_and_cached() {
    let f = fixture().await;
    for _ in 0..5 {
        f.verifier
            .verify_access(&sign(&access_claims()))
            .await
            .unwrap();
    }
    assert_eq!(f.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unknown_kid_is_rejected_and_refetches_the_jwks_at_most_once_a_minute() {
    let f = fixture().await;
    let der = private_key().to_pkcs1_der().unwrap();
    let key = EncodingKey::from_rsa_der(der.as_bytes());
    let forged = |kid: &str| {
        let mut header = Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        sign_with(&header, &access_claims(), &key)
    };
    // The first token fills the cache.
    f.verifier
        .verify_access(&sign(&access_claims()))
        .await
        .unwrap();
    assert_eq!(f.fetches.load(Ordering::SeqCst), 1);
    // A flood of unknown kids within the minute of that fetch: refused without fetching.
    for i in 0..20 {
        let kid = format!("forged-{i}");
        assert_eq!(
            f.verifier.verify_access(&forged(&kid)).await,
            Err(TokenError::UnknownKey(kid))
        );
    }
    assert_eq!(f.fetches.load(Ordering::SeqCst), 1);
    // A minute later an unknown kid refetches once (the pool may have rotated its keys)...
    f.clock.advance(TimeDelta::seconds(60));
    for i in 0..20 {
        let kid = format!("forged-again-{i}");
        assert_eq!(
            f.verifier.verify_access(&forged(&kid)).await,
            Err(TokenError::UnknownKey(kid))
        );
    }
    assert_eq!(f.fetches.load(Ordering::SeqCst), 2);
    // ...and not again until a minute after that fetch.
    f.clock.advance(TimeDelta::seconds(59));
    assert!(f.verifier.verify_access(&forged("late")).await.is_err());
    assert_eq!(f.fetches.load(Ordering::SeqCst), 2);
    f.clock.advance(TimeDelta::seconds(1));
    assert!(f.verifier.verify_access(&forged("later")).await.is_err());
    assert_eq!(f.fetches.load(Ordering::SeqCst), 3);
    // Known keys still verify without fetching.
    f.verifier
        .verify_access(&sign(&access_claims()))
        .await
        .unwrap();
    assert_eq!(f.fetches.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_unreachable_jwks_refuses_tokens_with_a_jwks_error() {
    let config = CognitoConfig {
        region: "eu-west-1".into(),
        user_pool_id: POOL.into(),
        client_id: CLIENT.into(),
        client_secret: None,
        issuer: ISSUER.into(),
        jwks_url: "http://127.0.0.1:9/jwks.json".into(),
        hosted_ui: None,
    };
    let verifier = Verifier::with_options(
        &config,
        reqwest::Client::new(),
        VerifierOptions {
            leeway: TimeDelta::seconds(30),
            clock: Arc::new(ManualClock(Mutex::new(t0()))),
        },
    );
    let err = verifier
        .verify_access(&sign(&access_claims()))
        .await
        .unwrap_err();
    assert!(matches!(err, TokenError::Jwks(_)), "{err}");
}
