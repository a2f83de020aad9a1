//! Verifying Cognito JWTs: RS256 signature by a key of the pool's JWKS, then the claims
//! Cognito documents (`iss`, `token_use`, `exp`/`nbf`, `aud` or `client_id`).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>

use super::jwks::KeyCache;
use super::{Clock, Principal, SystemClock, TokenError, TokenUse};
use crate::config::CognitoConfig;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;

/// Tunables of a [`Verifier`]; the defaults suit production.
#[derive(Clone)]
pub struct VerifierOptions {
    /// Tolerated clock skew on `exp` and `nbf`.
    pub leeway: TimeDelta,
    pub clock: Arc<dyn Clock>,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        Self {
            leeway: TimeDelta::seconds(30),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Verifies tokens of one user pool for one app client. Cheap to share (`Arc`); caches
/// the pool's keys.
pub struct Verifier {
    issuer: String,
    client_id: String,
    leeway: TimeDelta,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    token_use: String,
    exp: i64,
    nbf: Option<i64>,
    aud: Option<String>,
    client_id: Option<String>,
    username: Option<String>,
    #[serde(rename = "cognito:username")]
    cognito_username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    groups: Vec<String>,
    email: Option<String>,
    /// In ID tokens of the hosted UI: the `nonce` of the authorize request.
    nonce: Option<String>,
}

fn timestamp(secs: i64) -> Result<DateTime<Utc>, TokenError> {
    DateTime::from_timestamp(secs, 0)
        .ok_or_else(|| TokenError::Claims(format!("timestamp {secs} is out of range")))
}

impl Verifier {
    pub fn new(config: &CognitoConfig, http: reqwest::Client) -> Self {
        Self::with_options(config, http, VerifierOptions::default())
    }

    pub fn with_options(
        config: &CognitoConfig,
        http: reqwest::Client,
        options: VerifierOptions,
    ) -> Self {
        Self {
            issuer: config.issuer.clone(),
            client_id: config.client_id.clone(),
            leeway: options.leeway,
            keys: KeyCache::new(config.jwks_url.clone(), http, options.clock.clone()),
            clock: options.clock,
        }
    }

    /// An access token, as API clients send it (`Authorization: Bearer …`).
    pub async fn verify_access(&self, token: &str) -> Result<Principal, TokenError> {
        self.verify(token, TokenUse::Access).await
    }

    /// An ID token, as the sign-in flow receives it next to the access token.
    pub async fn verify_id(&self, token: &str) -> Result<Principal, TokenError> {
        self.verify(token, TokenUse::Id).await
    }

    /// An ID token of a hosted-UI sign-in, which must carry the `nonce` that sign-in sent
    /// (so a token issued to another sign-in cannot be slipped into this one).
    pub async fn verify_id_with_nonce(
        &self,
        token: &str,
        nonce: &str,
    ) -> Result<Principal, TokenError> {
        let claims = self.decode(token).await?;
        let sent = claims.nonce.clone();
        let principal = self.check(claims, TokenUse::Id)?;
        match sent {
            Some(n) if super::oauth::same_secret(&n, nonce) => Ok(principal),
            _ => Err(TokenError::Nonce),
        }
    }

    /// Verifies `token` as a token of kind `expected` and returns whom it names.
    pub async fn verify(&self, token: &str, expected: TokenUse) -> Result<Principal, TokenError> {
        let claims = self.decode(token).await?;
        self.check(claims, expected)
    }

    /// The claims of `token`, whose RS256 signature by a key of the pool is checked.
    async fn decode(&self, token: &str) -> Result<Claims, TokenError> {
        // The header is read by hand so that `alg: none` and other algorithms get a precise
        // refusal instead of a parse error; the signature is only ever checked with RS256.
        let parts: Vec<&str> = token.split('.').collect();
        let [header, _, _] = parts[..] else {
            return Err(TokenError::Malformed);
        };
        let header: Header = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(TokenError::Malformed)?;
        if header.alg != "RS256" {
            return Err(TokenError::Algorithm(header.alg));
        }
        let kid = header.kid.ok_or(TokenError::MissingKeyId)?;
        let key = self.keys.key(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        // Times and audience are checked below, against the injectable clock and with the
        // claim that matches the token's use.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims = HashSet::new();
        Ok(jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::Signature,
                jsonwebtoken::errors::ErrorKind::Json(e) => TokenError::Claims(e.to_string()),
                _ => TokenError::Malformed,
            })?
            .claims)
    }

    fn check(&self, c: Claims, expected: TokenUse) -> Result<Principal, TokenError> {
        if c.iss != self.issuer {
            return Err(TokenError::Issuer(c.iss));
        }
        if c.token_use != expected.as_str() {
            return Err(TokenError::TokenUse {
                expected: expected.as_str(),
                found: c.token_use,
            });
        }
        let now = self.clock.now();
        let expires_at = timestamp(c.exp)?;
        if now >= expires_at + self.leeway {
            return Err(TokenError::Expired(expires_at));
        }
        if let Some(nbf) = c.nbf {
            let nbf = timestamp(nbf)?;
            if now + self.leeway < nbf {
                return Err(TokenError::NotYetValid(nbf));
            }
        }
        let (audience, username) = match expected {
            TokenUse::Access => (c.client_id, c.username),
            TokenUse::Id => (c.aud, c.cognito_username),
        };
        match audience {
            Some(a) if a == self.client_id => {}
            Some(a) => return Err(TokenError::Audience(a)),
            None => return Err(TokenError::Audience(String::new())),
        }
        let username = username.ok_or_else(|| TokenError::Claims("no username".into()))?;
        Ok(Principal {
            sub: c.sub,
            username,
            groups: c.groups,
            email: c.email,
            token_use: expected,
            expires_at,
        })
    }
}
