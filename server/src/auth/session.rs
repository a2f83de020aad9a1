//! Rules of dashboard sessions: random ids (only their SHA-256 hash is stored), idle and
//! absolute timeouts, and when to refresh the access token. Pure functions of a stored
//! session and the time; storage is `store::sessions`, HTTP is `web::session`.

use super::Principal;
use super::TokenUse;
use crate::store::SessionRecord;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

/// How long sessions last, and the cookie that carries them.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: TimeDelta,
    /// A session ends this long after sign-in, used or not.
    pub absolute: TimeDelta,
    /// The access token is refreshed when it expires within this.
    pub refresh_before: TimeDelta,
    /// Pending sign-ins (between the password and the last challenge) last this long;
    /// Cognito's challenge sessions last 3 minutes by default.
    pub pending: TimeDelta,
    /// `Secure` cookies named `__Host-…`. Only a server on loopback over plain HTTP (tests,
    /// a laptop) may turn this off, since browsers drop `Secure` cookies over HTTP.
    pub secure_cookie: bool,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: TimeDelta::minutes(30),
            absolute: TimeDelta::hours(12),
            refresh_before: TimeDelta::minutes(5),
            pending: TimeDelta::minutes(5),
            secure_cookie: true,
        }
    }
}

impl SessionPolicy {
    /// The session cookie's name: `__Host-` requires `Secure`, so over plain HTTP on
    /// loopback the prefix must go too.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            "__Host-rampart_session"
        } else {
            "rampart_session"
        }
    }

    /// What to do with a stored session at `now`.
    pub fn judge(&self, s: &SessionRecord, now: DateTime<Utc>) -> Verdict {
        if now - s.last_seen_at >= self.idle {
            Verdict::Expired("idle")
        } else if now - s.created_at >= self.absolute {
            Verdict::Expired("absolute")
        } else if s.access_expires_at - now <= self.refresh_before {
            Verdict::Refresh
        } else {
            Verdict::Valid
        }
    }
}

/// The state of a session at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// Valid, but its access token must be refreshed first.
    Refresh,
    /// Over; the reason is for logs.
    Expired(&'static str),
}

/// A fresh random id (256 bits, hex) for a cookie; `None` without a source of randomness.
pub fn new_id() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `id` looks like one of ours (cheap rejection of junk before hashing).
pub fn well_formed(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The stored form of a session id: hex SHA-256.
pub fn hash_id(id: &str) -> String {
    Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signed-in user of a stored session, as the same type the Bearer middleware puts in
/// request extensions (verified from the ID token at sign-in and at each refresh).
pub fn principal(s: &SessionRecord) -> Principal {
    Principal {
        sub: s.sub.clone(),
        username: s.username.clone(),
        groups: s.groups.clone(),
        email: s.email.clone(),
        token_use: TokenUse::Id,
        expires_at: s.access_expires_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap()
    }

    fn record(created: i64, seen: i64, expires: i64) -> SessionRecord {
        SessionRecord {
            id_hash: hash_id("x"),
            sub: "s".into(),
            username: "alice".into(),
            email: None,
            groups: vec![],
            refresh_token: "r".into(),
            access_token: "a".into(),
            access_expires_at: t(expires),
            created_at: t(created),
            last_seen_at: t(seen),
        }
    }

    #[test]
    fn sessions_end_after_the_idle_or_the_absolute_timeout_and_refresh_near_expiry() {
        let p = SessionPolicy::default();
        assert_eq!(p.judge(&record(0, 0, 60), t(10)), Verdict::Valid);
        assert_eq!(p.judge(&record(0, 0, 60), t(30)), Verdict::Expired("idle"));
        assert_eq!(p.judge(&record(0, 0, 60), t(29)), Verdict::Valid);
        assert_eq!(p.judge(&record(0, 50, 60), t(56)), Verdict::Refresh);
        assert_eq!(p.judge(&record(0, 50, 60), t(54)), Verdict::Valid);
        assert_eq!(
            p.judge(&record(0, 715, 800), t(720)),
            Verdict::Expired("absolute")
        );
        assert_eq!(p.judge(&record(0, 715, 800), t(719)), Verdict::Valid);
    }

    #[test]
    fn session_ids_are_random_and_stored_hashed() {
        let (a, b) = (new_id().unwrap(), new_id().unwrap());
        assert!(well_formed(&a) && a != b);
        assert_eq!(hash_id(&a).len(), 64);
        assert_ne!(hash_id(&a), a);
        assert_eq!(hash_id(&a), hash_id(&a));
        assert!(!well_formed("abc"));
    }

    #[test]
    fn the_cookie_loses_its_host_prefix_only_without_secure() {
        let mut p = SessionPolicy::default();
        assert_eq!(p.cookie_name(), "__Host-rampart_session");
        p.secure_cookie = false;
        assert_eq!(p.cookie_name(), "rampart_session");
    }
}
