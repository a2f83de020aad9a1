//! Per-user credential checks: MFA, access keys, unused credentials.

use crate::checks::{Outcome, account_arn};
use crate::inventory::{CredentialReportRow, Inventory, User};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

const USER: &str = "AwsIamUser";

/// Each user with its credential report row; a failed listing becomes one ERROR outcome.
fn users(inv: &Inventory) -> Result<Vec<(&User, Option<&CredentialReportRow>)>, Vec<Outcome>> {
    let Some(iam) = &inv.iam else {
        return Ok(vec![]);
    };
    let users = iam
        .users
        .as_ref()
        .map_err(|e| vec![Outcome::error(USER, account_arn(inv), "IAM users", e)])?;
    let rows = iam.credential_report.as_ref().ok();
    Ok(users
        .iter()
        .map(|u| (u, rows.and_then(|r| r.iter().find(|row| row.arn == u.arn))))
        .collect())
}

fn per_user(
    inv: &Inventory,
    f: impl Fn(&User, Option<&CredentialReportRow>) -> Option<Outcome>,
) -> Vec<Outcome> {
    match users(inv) {
        Err(errors) => errors,
        Ok(list) => list.into_iter().filter_map(|(u, row)| f(u, row)).collect(),
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
            crate::checks::Status::Error,
            USER,
            &user.arn,
            format!("user `{}` is missing from the credential report", user.name),
        )),
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

pub(super) fn console_users_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        let console = match console_password(inv, u, row) {
            Ok(c) => c,
            Err(o) => return Some(o),
        };
        if !console {
            return None;
        }
        Some(match has_mfa(u, row) {
            Err(o) => o,
            Ok(mfa) => Outcome::pass_if(
                mfa,
                USER,
                &u.arn,
                if mfa {
                    format!("console user `{}` has MFA", u.name)
                } else {
                    format!(
                        "console user `{}` signs in with a password only, no MFA",
                        u.name
                    )
                },
            )
            .with_evidence(
                json!({"password_enabled": true, "mfa_devices": u.mfa_devices.as_ref().ok()}),
            ),
        })
    })
}

pub(super) fn all_users_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        Some(match has_mfa(u, row) {
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
            .with_evidence(json!({"mfa_devices": u.mfa_devices.as_ref().ok()})),
        })
    })
}

pub(super) fn no_keys_at_setup(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        match console_password(inv, u, row) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(o) => return Some(o),
        }
        let keys = match &u.access_keys {
            Ok(k) => k,
            Err(e) => {
                return Some(Outcome::error(
                    USER,
                    &u.arn,
                    &format!("access keys of `{}`", u.name),
                    e,
                ));
            }
        };
        let at_setup: Vec<&str> = keys
            .iter()
            .filter(|k| k.active && matches!(k.last_used, Ok(None)))
            .filter(|k| match (k.create_date, u.create_date) {
                (Some(k), Some(c)) => (k - c).abs() <= Duration::hours(1),
                _ => false,
            })
            .map(|k| k.id.as_str())
            .collect();
        Some(
            Outcome::pass_if(
                at_setup.is_empty(),
                USER,
                &u.arn,
                if at_setup.is_empty() {
                    format!(
                        "console user `{}` has no unused key created with the user",
                        u.name
                    )
                } else {
                    format!(
                        "console user `{}` got access keys at creation that were never used",
                        u.name
                    )
                },
            )
            .with_evidence(json!({"unused_keys_created_with_user": at_setup})),
        )
    })
}

fn stale(
    last_used: Option<DateTime<Utc>>,
    created: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    days: i64,
) -> bool {
    let limit = Duration::days(days);
    match (last_used, created) {
        (Some(used), _) => now - used >= limit,
        (None, Some(created)) => now - created >= limit,
        (None, None) => false,
    }
}

fn unused(inv: &Inventory, now: DateTime<Utc>, days: i64) -> Vec<Outcome> {
    per_user(inv, |u, row| {
        let console = match console_password(inv, u, row) {
            Ok(c) => c,
            Err(o) => return Some(o),
        };
        let keys = match &u.access_keys {
            Ok(k) => k,
            Err(e) => {
                return Some(Outcome::error(
                    USER,
                    &u.arn,
                    &format!("access keys of `{}`", u.name),
                    e,
                ));
            }
        };
        let mut stale_creds = Vec::new();
        if console
            && stale(
                row.and_then(|r| r.password_last_used),
                u.create_date,
                now,
                days,
            )
        {
            stale_creds.push(json!({"credential": "console password", "last_used": row.and_then(|r| r.password_last_used)}));
        }
        for k in keys.iter().filter(|k| k.active) {
            let last = match &k.last_used {
                Ok(l) => *l,
                Err(e) => {
                    return Some(Outcome::error(
                        USER,
                        &u.arn,
                        &format!("last use of key `{}`", k.id),
                        e,
                    ));
                }
            };
            if stale(last, k.create_date, now, days) {
                stale_creds.push(json!({"credential": "access key", "access_key_id": k.id, "last_used": last, "created": k.create_date}));
            }
        }
        Some(
            Outcome::pass_if(
                stale_creds.is_empty(),
                USER,
                &u.arn,
                if stale_creds.is_empty() {
                    format!(
                        "user `{}` has no credentials unused for {days} days",
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
        )
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
        Some(match &u.access_keys {
            Err(e) => Outcome::error(USER, &u.arn, &format!("access keys of `{}`", u.name), e),
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
        })
    })
}

pub(super) fn keys_rotated(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    per_user(inv, |u, _| {
        let keys = match &u.access_keys {
            Err(e) => {
                return Some(Outcome::error(
                    USER,
                    &u.arn,
                    &format!("access keys of `{}`", u.name),
                    e,
                ));
            }
            Ok(k) => k,
        };
        let active: Vec<_> = keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return None;
        }
        let ages: Vec<(&str, i64)> = active
            .iter()
            .map(|k| {
                (
                    k.id.as_str(),
                    k.create_date
                        .map(|c| (now - c).num_days())
                        .unwrap_or(i64::MAX),
                )
            })
            .collect();
        let old: Vec<_> = ages.iter().filter(|(_, age)| *age > 90).collect();
        Some(
            Outcome::pass_if(
                old.is_empty(),
                USER,
                &u.arn,
                if old.is_empty() {
                    format!("the active keys of `{}` are younger than 90 days", u.name)
                } else {
                    format!("user `{}` has {} active key(s) older than 90 days", u.name, old.len())
                },
            )
            .with_evidence(json!({"active_keys_age_days": ages.iter().map(|(id, age)| json!({"access_key_id": id, "age_days": age})).collect::<Vec<_>>()})),
        )
    })
}
