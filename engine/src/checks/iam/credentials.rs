//! Per-user credential checks: MFA, access keys, unused credentials.

use crate::checks::{Outcome, Status, account_arn};
use crate::inventory::{AccessKey, CredentialReportRow, Inventory, User};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

const USER: &str = "AwsIamUser";

/// Access keys older than this fail CIS 1.14 / FSBP IAM.3.
pub(super) const KEY_MAX_AGE_DAYS: i64 = 90;
/// How close to the user's creation a key must be to count as created "at setup" (CIS 1.11).
const SETUP_WINDOW: Duration = Duration::hours(1);

/// Each user with its credential report row; a failed listing becomes one ERROR outcome.
fn users(inv: &Inventory) -> Result<Vec<(&User, Option<&CredentialReportRow>)>, Outcome> {
    let Some(iam) = &inv.iam else {
        return Ok(vec![]);
    };
    let users = iam
        .users
        .as_ref()
        .map_err(|e| Outcome::error("AwsAccount", account_arn(inv), "IAM users", e))?;
    let rows = iam.credential_report.as_ref().ok();
    Ok(users
        .iter()
        .map(|u| (u, rows.and_then(|r| r.iter().find(|row| row.arn == u.arn))))
        .collect())
}

/// Runs `f` for every user; `f` returns the user's outcomes (none when the check does not apply).
fn per_user(
    inv: &Inventory,
    f: impl Fn(&User, Option<&CredentialReportRow>) -> Vec<Outcome>,
) -> Vec<Outcome> {
    match users(inv) {
        Err(error) => vec![error],
        Ok(list) => list.into_iter().flat_map(|(u, row)| f(u, row)).collect(),
    }
}

/// Whether the user has a console password, from the credential report.
fn console_password(
    inv: &Inventory,
    user: &User,
    row: Option<&CredentialReportRow>,
) -> Result<bool, Outcome> {
    match (row, inv.iam.as_ref().map(|i| &i.credential_report)) {
        (Some(r), _) => Ok(r.password_enabled),
        (None, Some(Err(e))) => Err(Outcome::error(USER, &user.arn, "the credential report", e)),
        (None, _) => Err(Outcome::new(
            Status::Error,
            USER,
            &user.arn,
            format!(
                "user `{}` is missing from the credential report (it may be newer than the report)",
                user.name
            ),
        )
        .with_evidence(json!({"credential_report_row": null}))),
    }
}

fn has_mfa(user: &User, row: Option<&CredentialReportRow>) -> Result<bool, Outcome> {
    match &user.mfa_devices {
        Ok(d) => Ok(!d.is_empty() || row.is_some_and(|r| r.mfa_active)),
        Err(_) if row.is_some_and(|r| r.mfa_active) => Ok(true),
        Err(e) => Err(Outcome::error(
            USER,
            &user.arn,
            &format!("MFA devices of `{}`", user.name),
            e,
        )),
    }
}

fn mfa_evidence(user: &User, row: Option<&CredentialReportRow>) -> Value {
    json!({
        "mfa_devices": user.mfa_devices.as_ref().ok().map(|d| d.iter().map(|m| &m.serial_number).collect::<Vec<_>>()),
        "mfa_active": row.map(|r| r.mfa_active),
    })
}

fn access_keys(user: &User) -> Result<&[AccessKey], Outcome> {
    user.access_keys.as_deref().map_err(|e| {
        Outcome::error(
            USER,
            &user.arn,
            &format!("access keys of `{}`", user.name),
            e,
        )
    })
}

pub(super) fn console_users_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        match console_password(inv, u, row) {
            Ok(true) => {}
            Ok(false) => return vec![],
            Err(o) => return vec![o],
        }
        vec![match has_mfa(u, row) {
            Err(o) => o,
            Ok(mfa) => {
                let mut evidence = mfa_evidence(u, row);
                evidence["password_enabled"] = json!(true);
                Outcome::pass_if(
                    mfa,
                    USER,
                    &u.arn,
                    if mfa {
                        format!("console user `{}` has MFA", u.name)
                    } else {
                        format!(
                            "console user `{}` signs in with a password only, without MFA",
                            u.name
                        )
                    },
                )
                .with_evidence(evidence)
            }
        }]
    })
}

pub(super) fn all_users_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        vec![match has_mfa(u, row) {
            Err(o) => o,
            Ok(mfa) => Outcome::pass_if(
                mfa,
                USER,
                &u.arn,
                if mfa {
                    format!("user `{}` has MFA", u.name)
                } else {
                    format!("user `{}` has no MFA device", u.name)
                },
            )
            .with_evidence(mfa_evidence(u, row)),
        }]
    })
}

pub(super) fn no_keys_at_setup(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        match console_password(inv, u, row) {
            Ok(true) => {}
            Ok(false) => return vec![],
            Err(o) => return vec![o],
        }
        let keys = match access_keys(u) {
            Ok(k) => k,
            Err(o) => return vec![o],
        };
        let created_at_setup = keys.iter().filter(|k| {
            k.active
                && match (k.create_date, u.create_date) {
                    (Some(k), Some(c)) => (k - c).abs() <= SETUP_WINDOW,
                    _ => false,
                }
        });
        let mut never_used = Vec::new();
        for k in created_at_setup {
            match &k.last_used {
                Ok(Some(_)) => {}
                Ok(None) => {
                    never_used.push(json!({"access_key_id": k.id, "created": k.create_date}))
                }
                Err(e) => {
                    return vec![Outcome::error(
                        USER,
                        &u.arn,
                        &format!("last use of key `{}` of `{}`", k.id, u.name),
                        e,
                    )];
                }
            }
        }
        let ok = never_used.is_empty();
        vec![
            Outcome::pass_if(
                ok,
                USER,
                &u.arn,
                if ok {
                    format!(
                        "console user `{}` has no unused access key created along with the user",
                        u.name
                    )
                } else {
                    format!(
                        "console user `{}` got {} access key(s) at creation that were never used",
                        u.name,
                        never_used.len()
                    )
                },
            )
            .with_evidence(json!({
                "user_created": u.create_date,
                "unused_keys_created_with_user": never_used,
            })),
        ]
    })
}

/// Whether a credential last used at `last_used` (or, never used, in place since `since`)
/// has gone unused for `days` days.
fn stale(
    last_used: Option<DateTime<Utc>>,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    days: i64,
) -> bool {
    match last_used.or(since) {
        Some(t) => now - t >= Duration::days(days),
        None => false,
    }
}

fn unused(inv: &Inventory, now: DateTime<Utc>, days: i64) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        let console = match console_password(inv, u, row) {
            Ok(c) => c,
            Err(o) => return vec![o],
        };
        let keys = match access_keys(u) {
            Ok(k) => k,
            Err(o) => return vec![o],
        };
        let mut stale_creds = Vec::new();
        if console {
            let last = row.and_then(|r| r.password_last_used);
            // A password never used is measured from when it was set.
            let since = row.and_then(|r| r.password_last_changed).or(u.create_date);
            if stale(last, since, now, days) {
                stale_creds.push(
                    json!({"credential": "console password", "last_used": last, "set": since}),
                );
            }
        }
        let mut unknown = None;
        for k in keys.iter().filter(|k| k.active) {
            match &k.last_used {
                Ok(last) => {
                    if stale(*last, k.create_date, now, days) {
                        stale_creds.push(json!({"credential": "access key", "access_key_id": k.id, "last_used": last, "created": k.create_date}));
                    }
                }
                Err(e) => unknown = unknown.or(Some((k, e))),
            }
        }
        // A credential already known to be stale is a FAIL; otherwise an unreadable key is an ERROR.
        if let (true, Some((k, e))) = (stale_creds.is_empty(), unknown) {
            return vec![Outcome::error(
                USER,
                &u.arn,
                &format!("last use of key `{}` of `{}`", k.id, u.name),
                e,
            )];
        }
        let ok = stale_creds.is_empty();
        vec![
            Outcome::pass_if(
                ok,
                USER,
                &u.arn,
                if ok {
                    format!(
                        "user `{}` has no active credential unused for {days} days",
                        u.name
                    )
                } else {
                    format!(
                        "user `{}` has {} active credential(s) unused for {days} days or more",
                        u.name,
                        stale_creds.len()
                    )
                },
            )
            .with_evidence(json!({"unused_credentials": stale_creds, "threshold_days": days})),
        ]
    })
}

pub(super) fn unused_45(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    unused(inv, now, 45)
}

pub(super) fn unused_90(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    unused(inv, now, 90)
}

pub(super) fn single_active_key(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, _| {
        vec![match access_keys(u) {
            Err(o) => o,
            Ok(keys) => {
                let active: Vec<&str> = keys
                    .iter()
                    .filter(|k| k.active)
                    .map(|k| k.id.as_str())
                    .collect();
                Outcome::pass_if(
                    active.len() <= 1,
                    USER,
                    &u.arn,
                    format!(
                        "user `{}` has {} active access key(s)",
                        u.name,
                        active.len()
                    ),
                )
                .with_evidence(json!({"active_access_keys": active}))
            }
        }]
    })
}

/// One outcome per active key (resource: the user), so each key's age is its own finding.
pub(super) fn keys_rotated(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, _| {
        let keys = match access_keys(u) {
            Err(o) => return vec![o],
            Ok(k) => k,
        };
        keys.iter()
            .filter(|k| k.active)
            .map(|k| {
                let Some(created) = k.create_date else {
                    return Outcome::new(
                        Status::Error,
                        USER,
                        &u.arn,
                        format!(
                            "IAM returned no creation date for access key `{}` of `{}`",
                            k.id, u.name
                        ),
                    )
                    .with_evidence(json!({"access_key_id": k.id, "created": null}));
                };
                let age = (now - created).num_days();
                Outcome::pass_if(
                    now - created <= Duration::days(KEY_MAX_AGE_DAYS),
                    USER,
                    &u.arn,
                    format!(
                        "access key `{}` of `{}` is {age} days old ({KEY_MAX_AGE_DAYS} allowed)",
                        k.id, u.name
                    ),
                )
                .with_evidence(json!({"access_key_id": k.id, "created": created, "age_days": age}))
            })
            .collect()
    })
}
