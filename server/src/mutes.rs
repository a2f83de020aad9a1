//! Risk acceptance as people make it: a mute from the dashboard's form, and the mutes file
//! kept in version control (`rampart mutes apply FILE`, as teams keep Prowler's mutelist).
//! What a mute covers is the engine's rule ([`rampart_engine::mute`]); storing and applying
//! mutes to findings is the store's ([`crate::store`]).
//!
//! The file is TOML, one `[[mute]]` table per mute:
//!
//! ```toml
//! [[mute]]
//! account = "111122223333"
//! check = "s3_versioning_enabled"
//! resource = "arn:aws:s3:::legacy-*"   # optional: an exact ARN or a glob with `*`; absent: the whole check
//! reason = "Legacy buckets, being migrated (SEC-123)"
//! owner = "platform@example.com"
//! expires = 2026-12-31                 # a date (the finding is back on that day, UTC) or an RFC 3339 time
//! ```
//!
//! Applying it makes the database's file-made mutes equal to the file: the missing are
//! added, changed ones updated (a target is account + check + resource), those no longer in
//! the file removed; mutes made in the dashboard are never touched. Every entry is
//! validated first (syntax, known account and check, pattern, reason, owner, an expiry in
//! the future and within a year); one bad entry and nothing changes.

use crate::store::{Actor, ApplyReport, NewMute, Store, StoreError};
use chrono::{DateTime, Utc};
use rampart_engine::mute::{self, MuteError, MuteTarget, ResourcePattern};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A mute as typed (the dashboard's form; a file entry once read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteForm {
    pub account: String,
    pub check: String,
    /// An exact ARN or a glob with `*`; empty: every resource of the check in the account.
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
    pub owner: String,
    /// A date (`2026-12-31`) or an RFC 3339 time.
    pub expires: String,
}

/// Why a typed mute was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MuteInputError {
    #[error(transparent)]
    Rule(#[from] MuteError),
    #[error("unknown check `{0}` (see `rampart checks`)")]
    UnknownCheck(String),
    #[error("`{0}` is not an account id (12 digits)")]
    BadAccount(String),
}

impl MuteForm {
    /// The mute this form describes, validated at `now`. Whether the account exists and
    /// may be muted by the user is the caller's to check.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewMute, MuteInputError> {
        let account = self.account.trim();
        if rampart_engine::types::AccountId::parse(account).is_err() {
            return Err(MuteInputError::BadAccount(account.to_owned()));
        }
        let check = self.check.trim();
        let check = rampart_engine::checks::find(check)
            .ok_or_else(|| MuteInputError::UnknownCheck(check.to_owned()))?;
        Ok(NewMute {
            target: MuteTarget {
                account_id: account.to_owned(),
                check_id: check.meta.id.to_owned(),
                resource: ResourcePattern::parse(self.resource.as_deref().unwrap_or(""))?,
            },
            reason: mute::reason(&self.reason)?,
            owner: mute::owner(&self.owner)?,
            expires_at: mute::expiry(&self.expires, now)?,
        })
    }
}

/// One bad entry of a mutes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    /// 1-based position among the file's `[[mute]]` entries.
    pub index: usize,
    /// 1-based line where the entry starts.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for EntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "mute #{} (line {}): {}",
            self.index, self.line, self.message
        )
    }
}

/// Why a mutes file was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum MuteFileError {
    #[error("not a mutes file: {0}")]
    Syntax(String),
    #[error("{} bad {}:\n{}", .0.len(), if .0.len() == 1 { "entry" } else { "entries" }, .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Entries(Vec<EntryError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    mute: Vec<toml::Spanned<FileEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    account: String,
    check: String,
    #[serde(default)]
    resource: Option<String>,
    reason: String,
    owner: String,
    /// A TOML date or datetime, or a string holding one.
    expires: toml::Value,
}

/// Reads and validates a mutes file at `now` against the `accounts` that exist: every
/// entry, each error with its position; a target named twice is an error.
pub fn parse_file(
    text: &str,
    accounts: &BTreeSet<String>,
    now: DateTime<Utc>,
) -> Result<Vec<NewMute>, MuteFileError> {
    let doc: FileDoc = toml::from_str(text).map_err(|e| MuteFileError::Syntax(e.to_string()))?;
    let mut errors = Vec::new();
    let mut mutes = Vec::with_capacity(doc.mute.len());
    let mut seen: BTreeMap<MuteTarget, usize> = BTreeMap::new();
    for (i, entry) in doc.mute.iter().enumerate() {
        let index = i + 1;
        let line = line_of(text, entry.span().start);
        let e = entry.get_ref();
        let mut fail = |message: String| {
            errors.push(EntryError {
                index,
                line,
                message,
            })
        };
        let expires = match &e.expires {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => {
                fail(format!(
                    "`expires` must be a date or a time, not a {}",
                    other.type_str()
                ));
                continue;
            }
        };
        let form = MuteForm {
            account: e.account.clone(),
            check: e.check.clone(),
            resource: e.resource.clone(),
            reason: e.reason.clone(),
            owner: e.owner.clone(),
            expires,
        };
        match form.validate(now) {
            Err(err) => fail(err.to_string()),
            Ok(m) if !accounts.contains(&m.target.account_id) => fail(format!(
                "unknown account `{}` (not linked in this database)",
                m.target.account_id
            )),
            Ok(m) => match seen.get(&m.target) {
                Some(first) => fail(format!(
                    "mute #{first} already names this account, check and resource"
                )),
                None => {
                    seen.insert(m.target.clone(), index);
                    mutes.push(m);
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(mutes)
    } else {
        Err(MuteFileError::Entries(errors))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Validates the mutes file `text` (named `name`) and, when every entry is good, makes the
/// database's file-made mutes equal to it, audited as the actor `file:<name>`.
pub async fn apply_file(
    store: &Store,
    name: &str,
    text: &str,
) -> Result<ApplyReport, MuteFileError> {
    let accounts: BTreeSet<String> = store.accounts().await?.into_iter().map(|a| a.id).collect();
    let wanted = parse_file(text, &accounts, store.now())?;
    let actor = Actor {
        name: format!("file:{name}"),
        source: None,
    };
    Ok(store.apply_file_mutes(&wanted, &actor).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn accounts() -> BTreeSet<String> {
        ["111122223333".to_owned()].into()
    }

    const CHECK: &str = "iam_root_mfa_enabled";

    #[test]
    fn a_file_of_dates_strings_and_times_parses_into_mutes() {
        let text = format!(
            r#"
[[mute]]
account = "111122223333"
check = "{CHECK}"
reason = "break-glass account"
owner = "sec@example.com"
expires = 2026-06-30

[[mute]]
account = "111122223333"
check = "{CHECK}"
resource = "arn:aws:iam::111122223333:*"
reason = "r"
owner = "o"
expires = "2026-04-01T12:00:00Z"
"#
        );
        let mutes = parse_file(&text, &accounts(), now()).unwrap();
        assert_eq!(mutes.len(), 2);
        assert_eq!(mutes[0].target.resource, None);
        assert_eq!(
            mutes[0].expires_at.to_rfc3339(),
            "2026-06-30T00:00:00+00:00"
        );
        assert_eq!(
            mutes[1].target.resource.as_ref().map(|p| p.as_str()),
            Some("arn:aws:iam::111122223333:*")
        );
    }

    #[test]
    fn every_bad_entry_is_reported_with_its_position_and_line() {
        let text = format!(
            r#"[[mute]]
account = "111122223333"
check = "{CHECK}"
reason = "ok"
owner = "o"
expires = 2026-06-30

[[mute]]
account = "999999999999"
check = "{CHECK}"
reason = "unknown account"
owner = "o"
expires = 2026-06-30

[[mute]]
account = "111122223333"
check = "no_such_check"
reason = "r"
owner = "o"
expires = 2026-06-30

[[mute]]
account = "111122223333"
check = "{CHECK}"
reason = "expired"
owner = "o"
expires = 2026-01-01

[[mute]]
account = "111122223333"
check = "{CHECK}"
reason = "twice"
owner = "o"
expires = 2026-05-01
"#
        );
        let Err(MuteFileError::Entries(errors)) = parse_file(&text, &accounts(), now()) else {
            panic!("bad entries must be refused");
        };
        let found: Vec<(usize, usize)> = errors.iter().map(|e| (e.index, e.line)).collect();
        assert_eq!(found, [(2, 8), (3, 15), (4, 22), (5, 29)]);
        assert!(errors[0].message.contains("unknown account `999999999999`"));
        assert!(errors[1].message.contains("unknown check `no_such_check`"));
        assert!(errors[2].message.contains("not in the future"));
        assert!(errors[3].message.contains("mute #1 already names"));
        let shown = MuteFileError::Entries(errors).to_string();
        assert!(
            shown.starts_with("4 bad entries:\nmute #2 (line 8): "),
            "{shown}"
        );
    }

    #[test]
    fn syntax_errors_and_unknown_keys_are_refused() {
        assert!(matches!(
            parse_file("[[mute]\n", &accounts(), now()),
            Err(MuteFileError::Syntax(_))
        ));
        let text = "[[mute]]\naccount = \"111122223333\"\ncheck = \"x\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-06-30\nexpiry = 1\n";
        let Err(MuteFileError::Syntax(e)) = parse_file(text, &accounts(), now()) else {
            panic!("an unknown key must be refused");
        };
        assert!(e.contains("expiry"), "{e}");
        assert!(parse_file("", &accounts(), now()).unwrap().is_empty());
    }

    #[test]
    fn forms_are_validated_against_the_registry_and_the_rules() {
        let form = MuteForm {
            account: " 111122223333 ".into(),
            check: CHECK.into(),
            resource: Some("".into()),
            reason: "r".into(),
            owner: "o".into(),
            expires: "2026-04-01".into(),
        };
        let m = form.validate(now()).unwrap();
        assert_eq!(m.target.account_id, "111122223333");
        assert_eq!(m.target.resource, None);
        let bad = MuteForm {
            account: "12".into(),
            ..form.clone()
        };
        assert_eq!(
            bad.validate(now()),
            Err(MuteInputError::BadAccount("12".into()))
        );
        let bad = MuteForm {
            resource: Some("arn:aws:s3:::a?".into()),
            ..form
        };
        assert!(matches!(
            bad.validate(now()),
            Err(MuteInputError::Rule(MuteError::PatternCharacter(_, '?')))
        ));
    }
}
