//! Sign-ins between the password and the last challenge. The Cognito `Session` of a
//! challenge stays on the server, keyed by a random id the browser holds in a short-lived
//! cookie; the browser never sees nor chooses it. In memory: a restart (or another replica)
//! just sends the user back to the password form.

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

/// Pending sign-ins by id.
#[derive(Default)]
pub struct PendingSignIns {
    map: Mutex<HashMap<String, Pending>>,
}

/// Pending sign-ins kept at most (each lives minutes).
const MAX_PENDING: usize = 10_000;

impl PendingSignIns {
    /// Stores `p` under a new random id, returned for the cookie.
    pub fn insert(&self, p: Pending, now: DateTime<Utc>) -> Option<String> {
        let id = super::session::new_id()?;
        let mut map = self.map.lock().ok()?;
        map.retain(|_, v| v.expires_at > now);
        if map.len() >= MAX_PENDING {
            return None;
        }
        map.insert(id.clone(), p);
        Some(id)
    }

    /// Replaces the pending sign-in `id` (next challenge), keeping its expiry.
    pub fn update(&self, id: &str, session: String, challenge: Challenge) {
        if let Ok(mut map) = self.map.lock()
            && let Some(p) = map.get_mut(id)
        {
            p.session = session;
            p.challenge = challenge;
        }
    }

    /// The pending sign-in `id`, if still valid.
    pub fn get(&self, id: &str, now: DateTime<Utc>) -> Option<Pending> {
        let map = self.map.lock().ok()?;
        map.get(id).filter(|p| p.expires_at > now).cloned()
    }

    pub fn remove(&self, id: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(id);
        }
    }
}
