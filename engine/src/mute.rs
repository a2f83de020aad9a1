//! Risk acceptance ("mutes"): which findings a mute covers, and what a valid mute is.
//!
//! A mute names an account, a check and optionally a resource pattern, with a reason, an
//! owner and an expiry. It covers a finding when
//! - the finding's account id and check id are the mute's (exactly), and
//! - the mute has no resource pattern (the whole check in that account), or the pattern
//!   matches the finding's resource ARN: an exact ARN, or a glob in which `*` matches any run
//!   of characters (none included; it may span `:` and `/`), case-sensitively like ARNs;
//! - the finding's status is `FAIL`: a pass needs no acceptance, and an `ERROR` means Rampart
//!   could not look, which is not a risk anyone can accept (muting it would hide a broken
//!   collection);
//! - and the mute has not expired (`now < expires_at`), judged whenever the finding is read,
//!   so an expired mute needs no job to undo it.
//!
//! Pure: the clock is an argument. The server stores mutes and applies the same rules in
//! SQL (`server/src/store/mutes.rs`); both are tested against each other there.

use crate::checks::Status;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The longest a mute may last: risk is accepted for a while, not forever.
pub const MAX_MUTE_DAYS: i64 = 366;
/// The longest resource pattern accepted (ARNs are at most 2048 characters).
pub const MAX_PATTERN_LEN: usize = 2048;
/// The longest reason accepted.
pub const MAX_REASON_LEN: usize = 2000;
/// The longest owner accepted.
pub const MAX_OWNER_LEN: usize = 200;

/// Why a mute is not valid; each message names the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MuteError {
    #[error(
        "resource pattern `{0}` contains `{1}`: only `*` is a wildcard, and `?`, `[`, `]`, `%`, `\\`, spaces and control characters are not allowed"
    )]
    PatternCharacter(String, char),
    #[error("resource pattern is longer than {MAX_PATTERN_LEN} characters")]
    PatternTooLong,
    #[error("the reason is empty: say why this risk is accepted")]
    NoReason,
    #[error("the reason is longer than {MAX_REASON_LEN} characters")]
    ReasonTooLong,
    #[error("the owner is empty: name who answers for this risk")]
    NoOwner,
    #[error("the owner is longer than {MAX_OWNER_LEN} characters")]
    OwnerTooLong,
    #[error(
        "expiry `{0}` is neither a date (`2026-12-31`) nor an RFC 3339 time (`2026-12-31T12:00:00Z`)"
    )]
    BadExpiry(String),
    #[error("expiry {0} is not in the future")]
    Expired(String),
    #[error("expiry {0} is more than {MAX_MUTE_DAYS} days away")]
    TooLong(String),
}

/// The resources of a mute: an exact ARN or a glob with `*`. Built by [`ResourcePattern::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourcePattern(String);

impl ResourcePattern {
    /// A pattern from user text; `None` for "every resource" (empty, or a lone `*`).
    pub fn parse(text: &str) -> Result<Option<ResourcePattern>, MuteError> {
        let text = text.trim();
        if text.is_empty() || text.chars().all(|c| c == '*') {
            return Ok(None);
        }
        if text.chars().count() > MAX_PATTERN_LEN {
            return Err(MuteError::PatternTooLong);
        }
        if let Some(c) = text.chars().find(|c| {
            matches!(c, '?' | '[' | ']' | '%' | '\\') || c.is_whitespace() || c.is_control()
        }) {
            return Err(MuteError::PatternCharacter(text.to_owned(), c));
        }
        Ok(Some(ResourcePattern(text.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the pattern names one resource (no `*`).
    pub fn is_exact(&self) -> bool {
        !self.0.contains('*')
    }

    /// Whether `arn` is covered.
    pub fn matches(&self, arn: &str) -> bool {
        // INVARIANT: `?` cannot occur (refused by `parse`), so IAM's resource wildcard (`*`
        // any run, case-sensitive, spanning colons) is exactly this pattern language.
        crate::policy::matches_resource(&self.0, arn)
    }
}

impl std::fmt::Display for ResourcePattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a mute covers (see the module documentation for the rules).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MuteTarget {
    pub account_id: String,
    pub check_id: String,
    /// `None`: every resource of the check in the account.
    pub resource: Option<ResourcePattern>,
}

impl MuteTarget {
    /// Whether a finding of `account_id`, `check_id` on `resource_arn` with `status` is
    /// covered (expiry aside).
    pub fn covers(
        &self,
        account_id: &str,
        check_id: &str,
        resource_arn: &str,
        status: Status,
    ) -> bool {
        status == Status::Fail
            && self.account_id == account_id
            && self.check_id == check_id
            && self
                .resource
                .as_ref()
                .is_none_or(|p| p.matches(resource_arn))
    }
}

/// A valid reason (trimmed, non-empty, bounded).
pub fn reason(text: &str) -> Result<String, MuteError> {
    let text = text.trim();
    if text.is_empty() {
        Err(MuteError::NoReason)
    } else if text.chars().count() > MAX_REASON_LEN {
        Err(MuteError::ReasonTooLong)
    } else {
        Ok(text.to_owned())
    }
}

/// A valid owner (trimmed, non-empty, bounded).
pub fn owner(text: &str) -> Result<String, MuteError> {
    let text = text.trim();
    if text.is_empty() {
        Err(MuteError::NoOwner)
    } else if text.chars().count() > MAX_OWNER_LEN {
        Err(MuteError::OwnerTooLong)
    } else {
        Ok(text.to_owned())
    }
}

/// An expiry from user text, checked against `now`: a date (`2026-12-31`, the mute ends as
/// that day begins, UTC: the finding is back on that date) or an RFC 3339 time. It must be
/// after `now` and at most [`MAX_MUTE_DAYS`] days away.
pub fn expiry(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, MuteError> {
    let text = text.trim();
    let at = if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| MuteError::BadExpiry(text.to_owned()))?
    } else {
        DateTime::parse_from_rfc3339(text)
            .map_err(|_| MuteError::BadExpiry(text.to_owned()))?
            .with_timezone(&Utc)
    };
    check_expiry(at, now)
}

/// `at` as an expiry: after `now`, at most [`MAX_MUTE_DAYS`] days away.
pub fn check_expiry(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, MuteError> {
    let shown = at.format("%Y-%m-%d %H:%M UTC").to_string();
    if at <= now {
        Err(MuteError::Expired(shown))
    } else if at > now + Duration::days(MAX_MUTE_DAYS) {
        Err(MuteError::TooLong(shown))
    } else {
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pattern(s: &str) -> ResourcePattern {
        ResourcePattern::parse(s).unwrap().unwrap()
    }

    #[test]
    fn an_exact_arn_matches_only_itself_case_sensitively() {
        let p = pattern("arn:aws:s3:::logs");
        assert!(p.is_exact());
        assert!(p.matches("arn:aws:s3:::logs"));
        assert!(!p.matches("arn:aws:s3:::logs-2"));
        assert!(!p.matches("arn:aws:s3:::Logs"));
        assert!(!p.matches("arn:aws:s3:::log"));
    }

    #[test]
    fn a_star_matches_any_run_including_none_and_across_colons_and_slashes() {
        let p = pattern("arn:aws:s3:::legacy-*");
        assert!(!p.is_exact());
        assert!(p.matches("arn:aws:s3:::legacy-"));
        assert!(p.matches("arn:aws:s3:::legacy-2019/archive"));
        assert!(!p.matches("arn:aws:s3:::new-legacy-1"));
        let p = pattern("arn:aws:iam::*:role/*-ci");
        assert!(p.matches("arn:aws:iam::111122223333:role/deploy-ci"));
        assert!(p.matches("arn:aws:iam::1:role/a/b-ci"));
        assert!(!p.matches("arn:aws:iam::1:role/deploy-ci2"));
        assert!(pattern("ab*ba").matches("abba"));
        assert!(
            !pattern("ab*ba").matches("aba"),
            "prefix and suffix may not overlap"
        );
    }

    #[test]
    fn empty_or_lone_star_patterns_mean_every_resource() {
        assert_eq!(ResourcePattern::parse("").unwrap(), None);
        assert_eq!(ResourcePattern::parse("  ").unwrap(), None);
        assert_eq!(ResourcePattern::parse("**").unwrap(), None);
        assert_eq!(pattern(" arn:aws:s3:::x ").as_str(), "arn:aws:s3:::x");
    }

    #[test]
    fn other_wildcards_and_spaces_are_refused_with_the_character() {
        for (text, c) in [
            ("arn:aws:s3:::log?", '?'),
            ("arn:aws:s3:::[ab]", '['),
            ("arn:aws:s3:::50%", '%'),
            ("arn:aws:s3:::a\\b", '\\'),
            ("arn:aws:s3:::a b", ' '),
            ("arn:aws:s3:::a\u{7}", '\u{7}'),
        ] {
            assert_eq!(
                ResourcePattern::parse(text),
                Err(MuteError::PatternCharacter(text.trim().to_owned(), c)),
                "{text}"
            );
        }
        assert_eq!(
            ResourcePattern::parse(&"a".repeat(MAX_PATTERN_LEN + 1)),
            Err(MuteError::PatternTooLong)
        );
    }

    #[test]
    fn a_target_covers_only_failures_of_its_account_and_check() {
        let t = MuteTarget {
            account_id: "111122223333".into(),
            check_id: "s3_versioning".into(),
            resource: Some(pattern("arn:aws:s3:::legacy-*")),
        };
        let arn = "arn:aws:s3:::legacy-1";
        assert!(t.covers("111122223333", "s3_versioning", arn, Status::Fail));
        assert!(!t.covers("111122223333", "s3_versioning", arn, Status::Pass));
        assert!(!t.covers("111122223333", "s3_versioning", arn, Status::Error));
        assert!(!t.covers("444455556666", "s3_versioning", arn, Status::Fail));
        assert!(!t.covers("111122223333", "s3_encryption", arn, Status::Fail));
        assert!(!t.covers(
            "111122223333",
            "s3_versioning",
            "arn:aws:s3:::prod",
            Status::Fail
        ));
        let whole = MuteTarget {
            resource: None,
            ..t
        };
        assert!(whole.covers(
            "111122223333",
            "s3_versioning",
            "arn:aws:s3:::prod",
            Status::Fail
        ));
    }

    #[test]
    fn expiries_are_dates_or_times_in_the_future_within_a_year() {
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            expiry("2026-06-30", now).unwrap().to_rfc3339(),
            "2026-06-30T00:00:00+00:00"
        );
        assert_eq!(
            expiry("2026-03-01T12:00:00+02:00", now).map(|t| t.to_rfc3339()),
            Err(MuteError::Expired("2026-03-01 10:00 UTC".into())),
            "an offset is honoured: 12:00+02:00 is now"
        );
        assert!(expiry("2026-03-01T10:00:01Z", now).is_ok());
        assert!(matches!(
            expiry("2026-03-01", now),
            Err(MuteError::Expired(_))
        ));
        assert!(matches!(
            expiry("2027-03-03", now),
            Err(MuteError::TooLong(_))
        ));
        assert!(expiry("2027-03-02", now).is_ok());
        assert!(matches!(
            expiry("next week", now),
            Err(MuteError::BadExpiry(_))
        ));
        assert!(matches!(
            expiry("2026-02-30", now),
            Err(MuteError::BadExpiry(_))
        ));
    }

    #[test]
    fn reasons_and_owners_are_required_and_bounded() {
        assert_eq!(reason("  "), Err(MuteError::NoReason));
        assert_eq!(reason(" legacy "), Ok("legacy".into()));
        assert_eq!(
            reason(&"x".repeat(MAX_REASON_LEN + 1)),
            Err(MuteError::ReasonTooLong)
        );
        assert_eq!(owner(""), Err(MuteError::NoOwner));
        assert_eq!(owner("sec@example.com"), Ok("sec@example.com".into()));
    }

    proptest! {
        /// The glob agrees with a regex oracle (`*` → `.*`, everything else literal).
        #[test]
        fn patterns_match_like_their_regex(
            pattern in "[a-c:/*]{0,8}",
            text in "[a-c:/]{0,10}",
        ) {
            if let Ok(Some(p)) = ResourcePattern::parse(&pattern) {
                let regex = format!(
                    "^{}$",
                    p.as_str().split('*').map(regex::escape).collect::<Vec<_>>().join(".*")
                );
                let oracle = regex::Regex::new(&regex).unwrap().is_match(&text);
                prop_assert_eq!(p.matches(&text), oracle);
            }
        }
    }
}
