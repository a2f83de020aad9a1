//! Sign-in throttling, in memory: failures are counted per username and per client
//! address over a window; past a threshold each answer waits longer (2, 4, 8 … seconds,
//! capped). One server's memory only: replicas each count their own, which still bounds
//! guessing to a handful of attempts per minute per replica.

use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Failures counted per key (`user:…`, `ip:…`).
pub struct Throttle {
    window: TimeDelta,
    free: usize,
    cap: Duration,
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

/// Keys tracked at most; beyond it the oldest windows are dropped first (bounds memory
/// under a flood of made-up usernames).
const MAX_KEYS: usize = 100_000;

impl Default for Throttle {
    /// 5 free failures in 15 minutes, then 2^n seconds, at most 60.
    fn default() -> Self {
        Self::new(TimeDelta::minutes(15), 5, Duration::from_secs(60))
    }
}

impl Throttle {
    pub fn new(window: TimeDelta, free: usize, cap: Duration) -> Self {
        Self {
            window,
            free,
            cap,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long to wait before answering an attempt for these keys at `now`.
    pub fn delay(&self, keys: &[String], now: DateTime<Utc>) -> Duration {
        let Ok(mut map) = self.failures.lock() else {
            return self.cap;
        };
        let mut worst = 0;
        for k in keys {
            if let Some(times) = map.get_mut(k) {
                times.retain(|t| now - *t < self.window);
                worst = worst.max(times.len());
            }
        }
        if worst < self.free {
            return Duration::ZERO;
        }
        let exp = u32::try_from(worst - self.free + 1)
            .unwrap_or(u32::MAX)
            .min(16);
        Duration::from_secs(1u64 << exp).min(self.cap)
    }

    /// Counts a failed attempt against every key.
    pub fn failed(&self, keys: &[String], now: DateTime<Utc>) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() >= MAX_KEYS {
            let window = self.window;
            map.retain(|_, times| times.last().is_some_and(|t| now - *t < window));
        }
        if map.len() >= MAX_KEYS {
            map.clear();
        }
        for k in keys {
            map.entry(k.clone()).or_default().push(now);
        }
    }

    /// A successful sign-in clears the username's count (not the address's).
    pub fn succeeded(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}

/// The throttling keys of an attempt.
pub fn keys(username: &str, client: Option<std::net::IpAddr>) -> Vec<String> {
    let mut keys = vec![user_key(username)];
    if let Some(ip) = client {
        keys.push(format!("ip:{ip}"));
    }
    keys
}

pub fn user_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn delays_grow_after_five_failures_and_are_capped() {
        let t = Throttle::default();
        let k = keys("Alice", None);
        let mut delays = vec![];
        for i in 0..12 {
            delays.push(t.delay(&k, at(i)).as_secs());
            t.failed(&k, at(i));
        }
        assert_eq!(delays, [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let t = Throttle::default();
        let k = keys("alice", None);
        for i in 0..6 {
            t.failed(&k, at(i));
        }
        assert_eq!(t.delay(&k, at(10)).as_secs(), 4);
        assert_eq!(t.delay(&k, at(15 * 60 + 6)).as_secs(), 0);
    }

    #[test]
    fn usernames_and_addresses_are_counted_separately_and_either_throttles() {
        let t = Throttle::default();
        let ip: std::net::IpAddr = "192.0.2.7".parse().unwrap();
        // One address trying many usernames.
        for (i, user) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            t.failed(&keys(user, Some(ip)), at(i as i64));
        }
        assert_eq!(t.delay(&keys("f", Some(ip)), at(6)).as_secs(), 2);
        assert_eq!(t.delay(&keys("f", None), at(6)).as_secs(), 0);
        // Many addresses trying one username (case-insensitively).
        let t = Throttle::default();
        for i in 0..5u8 {
            let ip = std::net::IpAddr::from([192, 0, 2, i]);
            t.failed(&keys("Bob", Some(ip)), at(i.into()));
        }
        let other: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(t.delay(&keys("bob", Some(other)), at(6)).as_secs(), 2);
        t.succeeded(&user_key("BOB"));
        assert_eq!(t.delay(&keys("bob", Some(other)), at(7)).as_secs(), 0);
    }
}
