//! The user pool's signing keys (its JWKS), fetched on first use and cached. A token naming
//! an unknown `kid` triggers a refetch (Cognito rotates keys), but at most one fetch per
//! [`REFETCH_INTERVAL`]: a flood of forged `kid`s cannot make us hammer the JWKS URL.

use super::{Clock, TokenError};
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// At most one JWKS fetch per minute.
pub const REFETCH_INTERVAL: TimeDelta = TimeDelta::seconds(60);
/// After a failed fetch, try again sooner (the pool may have been briefly unreachable).
pub const RETRY_AFTER_FAILURE: TimeDelta = TimeDelta::seconds(5);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

pub struct KeyCache {
    url: String,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    keys: RwLock<HashMap<String, DecodingKey>>,
    /// The last fetch attempt and whether it succeeded; held across the fetch so concurrent
    /// misses wait for one fetch instead of starting their own.
    last_fetch: tokio::sync::Mutex<Option<(DateTime<Utc>, bool)>>,
}

impl KeyCache {
    pub fn new(url: String, http: reqwest::Client, clock: Arc<dyn Clock>) -> Self {
        Self {
            url,
            http,
            clock,
            keys: RwLock::new(HashMap::new()),
            last_fetch: tokio::sync::Mutex::new(None),
        }
    }

    fn cached(&self, kid: &str) -> Option<DecodingKey> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kid)
            .cloned()
    }

    /// The RS256 key `kid`, fetching the JWKS when it is not cached and the last fetch is
    /// old enough.
    pub async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let mut last = self.last_fetch.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let now = self.clock.now();
        let allowed = match *last {
            None => true,
            Some((at, true)) => now - at >= REFETCH_INTERVAL,
            Some((at, false)) => now - at >= RETRY_AFTER_FAILURE,
        };
        if !allowed {
            return Err(TokenError::UnknownKey(kid.to_owned()));
        }
        let fetched = self.fetch().await;
        *last = Some((now, fetched.is_ok()));
        let keys = fetched?;
        tracing::info!(url = %self.url, keys = keys.len(), "fetched the user pool's JWKS");
        let found = keys.get(kid).cloned();
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys;
        found.ok_or_else(|| TokenError::UnknownKey(kid.to_owned()))
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, TokenError> {
        let err = |e: reqwest::Error| TokenError::Jwks(format!("`{}`: {e}", self.url));
        let set: JwkSet = self
            .http
            .get(&self.url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(err)?
            .json()
            .await
            .map_err(err)?;
        Ok(set
            .keys
            .into_iter()
            .filter(|k| {
                k.kty == "RSA"
                    && k.alg.as_deref().is_none_or(|a| a == "RS256")
                    && k.use_.as_deref().is_none_or(|u| u == "sig")
            })
            .filter_map(|k| {
                let key = DecodingKey::from_rsa_components(k.n.as_deref()?, k.e.as_deref()?);
                Some((k.kid?, key.ok()?))
            })
            .collect())
    }
}
