//! Sign-in through the user pool's hosted pages (managed login), for pools that federate
//! other identity providers: OAuth 2.0 authorization code with PKCE (RFC 7636, `S256`),
//! with `state` and the OpenID Connect `nonce` checked. This module is the protocol: the
//! authorize and logout URLs, PKCE, the token request and its answer, and the checks of the
//! callback. It knows nothing of cookies or pages (`web::oauth` does).
//!
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>,
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html>

use super::pending::Expiring;
use super::{Cognito, Principal, TokenError, Tokens};
use crate::config::HostedUiConfig;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::time::Duration;

/// How long a sign-in at the hosted UI may take, from the redirect to the callback (the
/// user may type a password and an MFA code at a federated identity provider).
pub const LIFETIME: TimeDelta = TimeDelta::minutes(10);
const TOKEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Sign-ins one client address may have in progress: starting one needs no credentials, so
/// without a cap anyone could fill the server's table and lock everybody out.
pub const MAX_PER_CLIENT: usize = 20;
/// Token responses are a few kilobytes; anything much larger is not one.
const MAX_TOKEN_RESPONSE: usize = 256 * 1024;

/// Why a hosted-UI sign-in failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OAuthError {
    #[error("the identity provider refused the sign-in: `{error}`{}", in_parens(.description))]
    Denied {
        error: String,
        description: Option<String>,
    },
    #[error("no sign-in is in progress for this browser (missing or expired cookie)")]
    NoPending,
    #[error("the callback's `state` is not the one this browser's sign-in sent")]
    State,
    #[error("the callback has no `code`")]
    NoCode,
    #[error("the token endpoint refused the code: `{0}`")]
    Grant(String),
    #[error("the token endpoint could not be used: {0}")]
    Endpoint(String),
    #[error("the tokens did not verify: {0}")]
    Token(#[from] TokenError),
    #[error("no source of randomness")]
    Randomness,
}

fn in_parens(d: &Option<String>) -> String {
    d.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
}

/// What the server keeps between the redirect to the hosted UI and the callback.
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    pub state: String,
    pub nonce: String,
    /// The PKCE `code_verifier`; only its challenge left the server.
    pub verifier: String,
    /// The address that started it (for [`MAX_PER_CLIENT`]).
    pub client: Option<IpAddr>,
    pub expires_at: DateTime<Utc>,
}

impl Expiring for PendingAuthorization {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// The query of `GET /signin/oauth/callback`: a code, or an error, and the state.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The token endpoint's answer to an authorization-code grant, as documented.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub token_type: String,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
}

/// 256 random bits, base64url (43 characters): `state`, `nonce` and the PKCE verifier.
/// A verifier of 43 unreserved characters is what RFC 7636 §4.1 recommends.
pub fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// The `S256` code challenge: BASE64URL(SHA256(ASCII(verifier))).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether two secrets are equal, in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty()
        && a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Reads the token endpoint's answer: the tokens, or the OAuth error it names.
pub fn read_token_response(status: u16, body: &[u8]) -> Result<TokenResponse, OAuthError> {
    if status == 200 {
        let r: TokenResponse = serde_json::from_slice(body)
            .map_err(|e| OAuthError::Endpoint(format!("unreadable token response: {e}")))?;
        if !r.token_type.eq_ignore_ascii_case("Bearer") {
            return Err(OAuthError::Endpoint(format!(
                "token type `{}` instead of Bearer",
                r.token_type
            )));
        }
        return Ok(r);
    }
    match serde_json::from_slice::<ErrorResponse>(body) {
        Ok(e) if (400..500).contains(&status) => Err(OAuthError::Grant(e.error)),
        _ => Err(OAuthError::Endpoint(format!("HTTP {status}"))),
    }
}

/// The app client's hosted sign-in: where to send the browser, and how to redeem its code.
pub struct HostedUi {
    config: HostedUiConfig,
    client_id: String,
    client_secret: Option<SecretString>,
    http: reqwest::Client,
}

impl HostedUi {
    pub fn new(
        config: HostedUiConfig,
        client_id: String,
        client_secret: Option<SecretString>,
        http: reqwest::Client,
    ) -> Self {
        Self {
            config,
            client_id,
            client_secret,
            http,
        }
    }

    /// Whether the password form is offered as well.
    pub fn password_sign_in(&self) -> bool {
        self.config.password_sign_in
    }

    /// What the sign-in link says after "Sign in with ".
    pub fn label(&self) -> &str {
        self.config
            .identity_provider
            .as_deref()
            .unwrap_or("Amazon Cognito")
    }

    /// A new sign-in: what to keep, and the authorize URL to send the browser to.
    pub fn begin(
        &self,
        now: DateTime<Utc>,
        client: Option<IpAddr>,
    ) -> Result<(PendingAuthorization, String), OAuthError> {
        let (Some(state), Some(nonce), Some(verifier)) =
            (random_token(), random_token(), random_token())
        else {
            return Err(OAuthError::Randomness);
        };
        let url = self.authorize_url(&state, &nonce, &challenge(&verifier));
        let pending = PendingAuthorization {
            state,
            nonce,
            verifier,
            client,
            expires_at: now + LIFETIME,
        };
        Ok((pending, url))
    }

    /// `<hosted UI>/oauth2/authorize?response_type=code&…&code_challenge_method=S256`.
    pub fn authorize_url(&self, state: &str, nonce: &str, challenge: &str) -> String {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.config.redirect_uri.as_str()),
            ("scope", self.config.scopes.as_str()),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ];
        if let Some(idp) = &self.config.identity_provider {
            params.push(("identity_provider", idp));
        }
        with_query(&format!("{}/oauth2/authorize", self.config.url), &params)
    }

    /// `<hosted UI>/logout?client_id=…&logout_uri=…`, when a `logout_uri` is configured.
    pub fn logout_url(&self) -> Option<String> {
        let logout_uri = self.config.logout_uri.as_deref()?;
        Some(with_query(
            &format!("{}/logout", self.config.url),
            &[("client_id", &self.client_id), ("logout_uri", logout_uri)],
        ))
    }

    /// Redeems `code` at `<hosted UI>/oauth2/token` with the PKCE verifier; a confidential
    /// client authenticates with HTTP Basic.
    #[tracing::instrument(skip_all)]
    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<TokenResponse, OAuthError> {
        let url = format!("{}/oauth2/token", self.config.url);
        let mut req = self.http.post(&url).timeout(TOKEN_TIMEOUT).form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &self.client_id),
            ("code", code),
            ("redirect_uri", &self.config.redirect_uri),
            ("code_verifier", verifier),
        ]);
        if let Some(secret) = &self.client_secret {
            req = req.basic_auth(&self.client_id, Some(secret.expose_secret()));
        }
        let failed = |e: reqwest::Error| OAuthError::Endpoint(format!("`{url}`: {e}"));
        let resp = req.send().await.map_err(failed)?;
        let status = resp.status().as_u16();
        if resp
            .content_length()
            .is_some_and(|n| n > MAX_TOKEN_RESPONSE as u64)
        {
            return Err(OAuthError::Endpoint("oversized token response".into()));
        }
        let body = resp.bytes().await.map_err(failed)?;
        read_token_response(status, &body)
    }
}

fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let query = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{base}?{query}")
}

/// Percent-encodes everything but RFC 3986's unreserved characters (so a space is `%20`).
fn encode(v: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(v, QUERY_VALUE).to_string()
}

/// Completes a hosted-UI sign-in: the callback must answer the pending sign-in of this
/// browser (taken, so a callback is honoured once), then the code is redeemed and both
/// tokens verified, the ID token with the nonce that was sent. Returns the user the ID
/// token names and the tokens for the session.
pub async fn finish(
    c: &Cognito,
    hosted: &HostedUi,
    pending: Option<PendingAuthorization>,
    callback: &Callback,
) -> Result<(Principal, Tokens), OAuthError> {
    let pending = pending.ok_or(OAuthError::NoPending)?;
    let state = callback.state.as_deref().unwrap_or_default();
    if !same_secret(state, &pending.state) {
        return Err(OAuthError::State);
    }
    if let Some(error) = &callback.error {
        return Err(OAuthError::Denied {
            error: error.clone(),
            description: callback.error_description.clone(),
        });
    }
    let code = callback
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or(OAuthError::NoCode)?;
    let r = hosted.exchange(code, &pending.verifier).await?;
    let (user, _) = futures::try_join!(
        c.verifier.verify_id_with_nonce(&r.id_token, &pending.nonce),
        c.verifier.verify_access(&r.access_token)
    )?;
    Ok((
        user,
        Tokens {
            access: r.access_token,
            id: r.id_token,
            refresh: r.refresh_token,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosted(identity_provider: Option<&str>, logout_uri: Option<&str>) -> HostedUi {
        HostedUi::new(
            HostedUiConfig {
                url: "https://rampart.auth.eu-west-1.amazoncognito.com".into(),
                redirect_uri: "https://rampart.example.com/signin/oauth/callback".into(),
                scopes: "openid email profile".into(),
                identity_provider: identity_provider.map(str::to_owned),
                logout_uri: logout_uri.map(str::to_owned),
                password_sign_in: true,
            },
            "client123".into(),
            None,
            reqwest::Client::new(),
        )
    }

    #[test]
    fn the_s256_challenge_is_rfc_7636_appendix_b() {
        // RFC 7636 Appendix B: the verifier encodes these 32 octets, and its challenge is
        // BASE64URL(SHA256(verifier)).
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = URL_SAFE_NO_PAD.encode(octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_states_and_nonces_are_long_random_unreserved_strings() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_ne!(a, b);
        // RFC 7636 §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
        assert_eq!(a.len(), 43, "256 bits");
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
        );
    }

    #[test]
    fn begin_keeps_the_verifier_whose_challenge_the_authorize_url_carries() {
        let now = Utc::now();
        let (p, url) = hosted(None, None).begin(now, None).unwrap();
        assert_eq!(p.expires_at, now + LIFETIME);
        assert!(url.contains(&format!("&code_challenge={}&", challenge(&p.verifier))));
        assert!(url.contains(&format!("&state={}&", p.state)));
        assert!(url.contains(&format!("&nonce={}&", p.nonce)));
        assert!(
            !url.contains(&p.verifier),
            "the verifier never leaves the server"
        );
    }

    #[test]
    fn the_authorize_url_carries_every_parameter_encoded() {
        let url = hosted(Some("Okta SSO"), None).authorize_url("st", "no", "ch");
        assert_eq!(
            url,
            "https://rampart.auth.eu-west-1.amazoncognito.com/oauth2/authorize?\
             response_type=code&client_id=client123\
             &redirect_uri=https%3A%2F%2Frampart.example.com%2Fsignin%2Foauth%2Fcallback\
             &scope=openid%20email%20profile&state=st&nonce=no&code_challenge=ch\
             &code_challenge_method=S256&identity_provider=Okta%20SSO"
        );
        assert!(
            !hosted(None, None)
                .authorize_url("s", "n", "c")
                .contains("identity_provider")
        );
    }

    #[test]
    fn the_logout_url_names_the_client_and_the_logout_uri_when_one_is_set() {
        assert_eq!(hosted(None, None).logout_url(), None);
        assert_eq!(
            hosted(None, Some("https://rampart.example.com/signin"))
                .logout_url()
                .unwrap(),
            "https://rampart.auth.eu-west-1.amazoncognito.com/logout?client_id=client123\
             &logout_uri=https%3A%2F%2Frampart.example.com%2Fsignin"
        );
    }

    #[test]
    fn token_responses_are_read_as_documented_and_errors_are_named() {
        let ok = br#"{"access_token":"a.b.c","id_token":"d.e.f","refresh_token":"r",
                      "token_type":"Bearer","expires_in":3600}"#;
        let r = read_token_response(200, ok).unwrap();
        assert_eq!(
            (r.access_token.as_str(), r.id_token.as_str(), r.expires_in),
            ("a.b.c", "d.e.f", 3600)
        );
        assert_eq!(r.refresh_token.as_deref(), Some("r"));
        assert_eq!(
            read_token_response(400, br#"{"error":"invalid_grant"}"#).unwrap_err(),
            OAuthError::Grant("invalid_grant".into())
        );
        assert!(matches!(
            read_token_response(500, br#"{"error":"server_error"}"#),
            Err(OAuthError::Endpoint(_))
        ));
        assert!(matches!(
            read_token_response(200, br#"{"access_token":"a.b.c","token_type":"Bearer","expires_in":1}"#),
            Err(OAuthError::Endpoint(m)) if m.contains("id_token")
        ));
        assert!(matches!(
            read_token_response(200, b"<html>"),
            Err(OAuthError::Endpoint(_))
        ));
    }

    #[test]
    fn secrets_compare_whole_and_never_match_empty() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", ""));
    }
}
