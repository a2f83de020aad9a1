//! Account-wide IAM checks: root user, password policy, support role, certificates,
//! Access Analyzer, CloudShell.

use crate::checks::{Outcome, account_arn};
use crate::inventory::{IamInventory, Inventory, PasswordPolicy};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

const ACCOUNT: &str = "AwsAccount";

/// Days within which root activity counts as "recent" for CIS 1.7.
pub const ROOT_RECENT_DAYS: i64 = 90;

fn iam(inv: &Inventory) -> Option<&IamInventory> {
    inv.iam.as_ref()
}

fn summary_flag(
    inv: &Inventory,
    key: &str,
    what: &str,
    check: impl Fn(i64) -> (bool, String),
) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match &iam.account_summary {
        Err(e) => Outcome::error(ACCOUNT, arn, "the IAM account summary", e),
        Ok(s) => match s.get(key) {
            None => Outcome::new(
                crate::checks::Status::Error,
                ACCOUNT,
                arn,
                format!("the IAM account summary has no `{key}` ({what})"),
            ),
            Some(v) => {
                let (ok, msg) = check(*v);
                Outcome::pass_if(ok, ACCOUNT, arn, msg).with_evidence(json!({ key: v }))
            }
        },
    }]
}

pub(super) fn root_access_keys(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = summary_flag(inv, "AccountAccessKeysPresent", "root access keys", |v| {
        if v == 0 {
            (true, "the root user has no access keys".into())
        } else {
            (false, "the root user has access keys".into())
        }
    });
    // The credential report's root row, where present, must agree.
    if let (Some(o), Some(Ok(rows))) = (out.first_mut(), iam(inv).map(|i| &i.credential_report))
        && let Some(root) = rows.iter().find(|r| r.is_root())
        && (root.access_key_1_active || root.access_key_2_active)
        && o.status == crate::checks::Status::Pass
    {
        *o = Outcome::fail(ACCOUNT, account_arn(inv), "the credential report shows an active root access key")
            .with_evidence(json!({"access_key_1_active": root.access_key_1_active, "access_key_2_active": root.access_key_2_active}));
    }
    out
}

pub(super) fn root_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    summary_flag(inv, "AccountMFAEnabled", "root MFA", |v| {
        if v == 1 {
            (true, "the root user has MFA enabled".into())
        } else {
            (
                false,
                "the root user has no MFA: its password alone opens the account".into(),
            )
        }
    })
}

pub(super) fn root_hardware_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let mfa = match &iam.account_summary {
        Err(e) => return vec![Outcome::error(ACCOUNT, arn, "the IAM account summary", e)],
        Ok(s) => s.get("AccountMFAEnabled").copied().unwrap_or(0) == 1,
    };
    let devices = match &iam.virtual_mfa_devices {
        Err(e) => return vec![Outcome::error(ACCOUNT, arn, "virtual MFA devices", e)],
        Ok(d) => d,
    };
    let virtual_root: Vec<&str> = devices
        .iter()
        .filter(|d| {
            d.user_arn.as_deref().is_some_and(|u| u.ends_with(":root"))
                || d.serial_number.ends_with(":mfa/root-account-mfa-device")
        })
        .map(|d| d.serial_number.as_str())
        .collect();
    vec![if !mfa {
        Outcome::fail(ACCOUNT, arn, "the root user has no MFA at all")
            .with_evidence(json!({"AccountMFAEnabled": 0}))
    } else if !virtual_root.is_empty() {
        Outcome::fail(
            ACCOUNT,
            arn,
            "the root user's MFA is a virtual device, not hardware",
        )
        .with_evidence(json!({"virtual_mfa_devices": virtual_root}))
    } else {
        Outcome::pass(ACCOUNT, arn, "the root user's MFA is a hardware device")
            .with_evidence(json!({"AccountMFAEnabled": 1, "virtual_mfa_devices": []}))
    }]
}

pub(super) fn root_not_used(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let rows = match &iam.credential_report {
        Err(e) => return vec![Outcome::error(ACCOUNT, arn, "the credential report", e)],
        Ok(r) => r,
    };
    let Some(root) = rows.iter().find(|r| r.is_root()) else {
        return vec![Outcome::new(
            crate::checks::Status::Error,
            ACCOUNT,
            arn,
            "the credential report has no `<root_account>` row, so root activity cannot be judged",
        )];
    };
    let last = [
        root.password_last_used,
        root.access_key_1_last_used,
        root.access_key_2_last_used,
    ]
    .into_iter()
    .flatten()
    .max();
    let recent = last.filter(|d| now - *d < Duration::days(ROOT_RECENT_DAYS));
    let evidence = json!({
        "password_last_used": root.password_last_used,
        "access_key_1_last_used": root.access_key_1_last_used,
        "access_key_2_last_used": root.access_key_2_last_used,
    });
    vec![
        match recent {
            Some(d) => Outcome::fail(
                ACCOUNT,
                arn,
                format!(
                    "the root user was used on {} (within the last {ROOT_RECENT_DAYS} days)",
                    d.date_naive()
                ),
            ),
            None => Outcome::pass(
                ACCOUNT,
                arn,
                match last {
                    Some(d) => format!("the root user was last used on {}", d.date_naive()),
                    None => "the root user has no recorded use".into(),
                },
            ),
        }
        .with_evidence(evidence),
    ]
}

fn with_policy(inv: &Inventory, judge: impl Fn(&PasswordPolicy) -> (bool, String)) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match &iam.password_policy {
        Err(e) => Outcome::error(ACCOUNT, arn, "the account password policy", e),
        Ok(None) => Outcome::fail(
            ACCOUNT,
            arn,
            "the account has no password policy: IAM's weak defaults apply",
        )
        .with_evidence(json!({"password_policy": null})),
        Ok(Some(p)) => {
            let (ok, msg) = judge(p);
            Outcome::pass_if(ok, ACCOUNT, arn, msg).with_evidence(json!({"password_policy": p}))
        }
    }]
}

pub(super) fn password_min_length(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| {
        let len = p.minimum_length.unwrap_or(6);
        (
            len >= 14,
            format!("the password policy requires at least {len} characters (14 needed)"),
        )
    })
}

pub(super) fn password_reuse(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| match p.reuse_prevention {
        Some(n) => (
            n >= 24,
            format!("the password policy remembers the last {n} passwords (24 needed)"),
        ),
        None => (
            false,
            "the password policy does not prevent password reuse".into(),
        ),
    })
}

pub(super) fn password_strong(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| {
        let mut missing = Vec::new();
        for (ok, what) in [
            (p.require_uppercase, "uppercase letters"),
            (p.require_lowercase, "lowercase letters"),
            (p.require_numbers, "numbers"),
            (p.require_symbols, "symbols"),
            (p.minimum_length.unwrap_or(6) >= 8, "at least 8 characters"),
        ] {
            if !ok {
                missing.push(what);
            }
        }
        if missing.is_empty() {
            (true, "the password policy requires upper and lower case, numbers, symbols and 8+ characters".into())
        } else {
            (
                false,
                format!(
                    "the password policy does not require {}",
                    missing.join(", ")
                ),
            )
        }
    })
}

pub(super) fn support_role(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match &iam.support_access_entities {
        Err(e) => Outcome::error(ACCOUNT, arn, "entities of the AWSSupportAccess policy", e),
        Ok(ent) => Outcome::pass_if(
            !ent.is_empty(),
            ACCOUNT,
            arn,
            if ent.is_empty() {
                "nothing has the AWSSupportAccess policy: no role exists to handle incidents with AWS Support".to_owned()
            } else {
                format!("AWSSupportAccess is attached to {} role(s), {} group(s), {} user(s)", ent.roles.len(), ent.groups.len(), ent.users.len())
            },
        )
        .with_evidence(json!({"AWSSupportAccess": ent})),
    }]
}

pub(super) fn cloudshell_restricted(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match &iam.cloudshell_full_access_entities {
        Err(e) => Outcome::error(
            ACCOUNT,
            arn,
            "entities of the AWSCloudShellFullAccess policy",
            e,
        ),
        Ok(ent) => Outcome::pass_if(
            ent.is_empty(),
            ACCOUNT,
            arn,
            if ent.is_empty() {
                "AWSCloudShellFullAccess is attached to nobody".to_owned()
            } else {
                "AWSCloudShellFullAccess is attached to users, groups or roles".to_owned()
            },
        )
        .with_evidence(json!({"AWSCloudShellFullAccess": ent})),
    }]
}

pub(super) fn expired_certificates(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let certs = match &iam.server_certificates {
        Err(e) => {
            return vec![Outcome::error(
                ACCOUNT,
                account_arn(inv),
                "IAM server certificates",
                e,
            )];
        }
        Ok(c) => c,
    };
    if certs.is_empty() {
        return vec![Outcome::pass(
            ACCOUNT,
            account_arn(inv),
            "IAM stores no server certificates",
        )];
    }
    certs
        .iter()
        .map(|c| {
            let expired = c.expiration.is_some_and(|e| e < now);
            let when = c
                .expiration
                .map(|e| e.date_naive().to_string())
                .unwrap_or_else(|| "an unknown date".into());
            let msg = if expired {
                format!("server certificate `{}` expired on {when}", c.name)
            } else {
                format!("server certificate `{}` is valid until {when}", c.name)
            };
            Outcome::pass_if(!expired, "AwsIamServerCertificate", &c.arn, msg)
                .with_evidence(json!({"expiration": c.expiration, "upload_date": c.upload_date}))
        })
        .collect()
}

pub(super) fn access_analyzer(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    iam.access_analyzers
        .iter()
        .map(|(region, analyzers)| {
            match analyzers {
                Err(e) => Outcome::error(
                    "AwsAccessAnalyzer",
                    &arn,
                    &format!("Access Analyzer analyzers in `{region}`"),
                    e,
                ),
                Ok(list) => {
                    let active = list.iter().find(|a| {
                        a.status == "ACTIVE"
                            && (a.analyzer_type == "ACCOUNT" || a.analyzer_type == "ORGANIZATION")
                    });
                    match active {
                        Some(a) => Outcome::pass(
                            "AwsAccessAnalyzer",
                            &arn,
                            format!(
                                "analyzer `{}` watches external access in `{region}`",
                                a.name
                            ),
                        ),
                        None => Outcome::fail(
                            "AwsAccessAnalyzer",
                            &arn,
                            format!("no active external-access analyzer in `{region}`"),
                        ),
                    }
                    .with_evidence(json!({"analyzers": list}))
                }
            }
            .in_region(region)
        })
        .collect()
}
