//! Sign-ins in progress, kept server-side and keyed by a random id the browser holds in a
//! short-lived cookie; the browser never sees nor chooses what is stored. Two kinds: a
//! password sign-in between the password and the last challenge ([`Pending`], holding the
//! Cognito `Session` of the challenge), and a hosted-UI sign-in between the redirect to the
//! pool and its callback ([`super::oauth::PendingAuthorization`]). In memory: a restart (or
//! another replica) just sends the user back to the sign-in page.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// The challenge a pending sign-in waits on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    NewPassword,
    /// MFA set-up: the TOTP secret to show (after `AssociateSoftwareToken`).
    MfaSetup {
        secret: String,
    },
    Totp,
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub username: String,
    pub session: String,
    pub challenge: Challenge,
    pub expires_at: DateTime<Utc>,
}

/// Something kept until an instant.
pub trait Expiring {
    fn expires_at(&self) -> DateTime<Utc>;
}

impl Expiring for Pending {
    fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }
}

/// Entries by random id, each valid until its expiry.
pub struct PendingMap<T> {
    map: Mutex<HashMap<String, T>>,
}

impl<T> Default for PendingMap<T> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

/// Pending password sign-ins by id.
pub type PendingSignIns = PendingMap<Pending>;

/// Entries kept at most (each lives minutes).
const MAX_PENDING: usize = 10_000;

impl<T: Expiring> PendingMap<T> {
    /// Stores `p` under a new random id, returned for the cookie.
    pub fn insert(&self, p: T, now: DateTime<Utc>) -> Option<String> {
        let id = super::session::new_id()?;
        let mut map = self.map.lock().ok()?;
        map.retain(|_, v| v.expires_at() > now);
        if map.len() >= MAX_PENDING {
            return None;
        }
        map.insert(id.clone(), p);
        Some(id)
    }

    /// The entry `id`, if still valid.
    pub fn get(&self, id: &str, now: DateTime<Utc>) -> Option<T>
    where
        T: Clone,
    {
        let map = self.map.lock().ok()?;
        map.get(id).filter(|p| p.expires_at() > now).cloned()
    }

    /// Removes the entry `id` and returns it if it was still valid: whoever takes it is
    /// the only one to see it.
    pub fn take(&self, id: &str, now: DateTime<Utc>) -> Option<T> {
        let mut map = self.map.lock().ok()?;
        map.remove(id).filter(|p| p.expires_at() > now)
    }

    /// How many valid entries satisfy `f`.
    pub fn count(&self, now: DateTime<Utc>, f: impl Fn(&T) -> bool) -> usize {
        self.map.lock().map_or(0, |map| {
            map.values()
                .filter(|p| p.expires_at() > now && f(p))
                .count()
        })
    }

    pub fn remove(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }
}

impl PendingMap<Pending> {
    /// Replaces the pending sign-in `id` (next challenge), keeping its expiry.
    pub fn update(&self, id: &str, session: String, challenge: Challenge) {
        if let Ok(mut map) = self.map.lock()
            && let Some(p) = map.get_mut(id)
        {
            p.session = session;
            p.challenge = challenge;
        }
    }
}
