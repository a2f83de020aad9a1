//! Account-wide IAM checks: root user, password policy, support role, certificates,
//! Access Analyzer, CloudShell.

use crate::checks::{Outcome, Status, account_arn};
use crate::inventory::{IamInventory, Inventory, PasswordPolicy};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

const ACCOUNT: &str = "AwsAccount";
const ANALYZER: &str = "AwsAccessAnalyzer";
const CERTIFICATE: &str = "AwsIamServerCertificate";

/// Days within which root activity counts as "recent" for CIS 1.7.
pub(super) const ROOT_RECENT_DAYS: i64 = 90;
/// CIS 1.8 / FSBP IAM.15.
pub(super) const MIN_PASSWORD_LENGTH: i32 = 14;
/// CIS 1.9 / FSBP IAM.16.
pub(super) const MIN_PASSWORD_REUSE: i32 = 24;
/// FSBP IAM.7's default `MinimumPasswordLength`.
pub(super) const STRONG_PASSWORD_LENGTH: i32 = 8;
/// What IAM enforces when a password policy leaves the minimum length unset.
const IAM_DEFAULT_PASSWORD_LENGTH: i32 = 6;

fn iam(inv: &Inventory) -> Option<&IamInventory> {
    inv.iam.as_ref()
}

/// One value of `GetAccountSummary`, or the outcome explaining why it is missing.
fn summary_value(inv: &Inventory, iam: &IamInventory, key: &str) -> Result<i64, Outcome> {
    let arn = account_arn(inv);
    match &iam.account_summary {
        Err(e) => Err(Outcome::error(ACCOUNT, arn, "the IAM account summary", e)),
        Ok(s) => s.get(key).copied().ok_or_else(|| {
            Outcome::new(
                Status::Error,
                ACCOUNT,
                arn,
                format!("the IAM account summary has no `{key}` entry"),
            )
            .with_evidence(json!({ key: null }))
        }),
    }
}

pub(super) fn root_access_keys(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let summary = summary_value(inv, iam, "AccountAccessKeysPresent");
    // The credential report's root row, where present, is a second witness.
    let root_row = iam
        .credential_report
        .as_ref()
        .ok()
        .and_then(|rows| rows.iter().find(|r| r.is_root()));
    let row_evidence = root_row.map(|r| {
        json!({"access_key_1_active": r.access_key_1_active, "access_key_2_active": r.access_key_2_active})
    });
    let row_has_key = root_row.is_some_and(|r| r.access_key_1_active || r.access_key_2_active);
    let evidence = |present: Option<i64>| json!({"AccountAccessKeysPresent": present, "credential_report_root_row": row_evidence});
    vec![match summary {
        Ok(n) if n > 0 => Outcome::fail(
            ACCOUNT,
            arn,
            format!("the root user has access keys (AccountAccessKeysPresent = {n})"),
        )
        .with_evidence(evidence(Some(n))),
        _ if row_has_key => Outcome::fail(
            ACCOUNT,
            arn,
            "the credential report shows an active access key on the root user",
        )
        .with_evidence(evidence(summary.as_ref().ok().copied())),
        Ok(n) => Outcome::pass(ACCOUNT, arn, "the root user has no access keys")
            .with_evidence(evidence(Some(n))),
        Err(o) => o,
    }]
}

pub(super) fn root_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match summary_value(inv, iam, "AccountMFAEnabled") {
        Err(o) => o,
        Ok(v) => Outcome::pass_if(
            v == 1,
            ACCOUNT,
            arn,
            if v == 1 {
                "the root user has MFA enabled"
            } else {
                "the root user has no MFA: its password alone opens the account"
            },
        )
        .with_evidence(json!({"AccountMFAEnabled": v})),
    }]
}

pub(super) fn root_hardware_mfa(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let mfa = match summary_value(inv, iam, "AccountMFAEnabled") {
        Err(o) => return vec![o],
        Ok(v) => v,
    };
    if mfa != 1 {
        return vec![
            Outcome::fail(ACCOUNT, arn, "the root user has no MFA device at all")
                .with_evidence(json!({"AccountMFAEnabled": mfa})),
        ];
    }
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
    let evidence = json!({"AccountMFAEnabled": mfa, "root_virtual_mfa_devices": virtual_root});
    vec![
        if virtual_root.is_empty() {
            Outcome::pass(
                ACCOUNT,
                arn,
                "the root user's MFA is a hardware device (no virtual MFA device is assigned to root)",
            )
        } else {
            Outcome::fail(
                ACCOUNT,
                arn,
                format!(
                    "the root user's MFA is the virtual device `{}`, not a hardware device",
                    virtual_root.join("`, `")
                ),
            )
        }
        .with_evidence(evidence),
    ]
}

pub(super) fn root_not_used(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let rows = match &iam.credential_report {
        Err(e) => return vec![Outcome::error(ACCOUNT, arn, "the credential report", e)],
        Ok(r) => r,
    };
    let Some(root) = rows.iter().find(|r| r.is_root()) else {
        // Real AWS always reports the root user; emulators may not.
        return vec![
            Outcome::new(
                Status::Error,
                ACCOUNT,
                arn,
                "the credential report has no `<root_account>` row, so root activity cannot be judged",
            )
            .with_evidence(json!({"credential_report_rows": rows.len(), "root_row": null})),
        ];
    };
    let uses = [
        ("password", root.password_last_used),
        ("access key 1", root.access_key_1_last_used),
        ("access key 2", root.access_key_2_last_used),
    ];
    let last = uses
        .iter()
        .filter_map(|(what, d)| d.map(|d| (*what, d)))
        .max_by_key(|(_, d)| *d);
    let evidence = json!({
        "password_last_used": root.password_last_used,
        "access_key_1_last_used": root.access_key_1_last_used,
        "access_key_2_last_used": root.access_key_2_last_used,
        "window_days": ROOT_RECENT_DAYS,
    });
    vec![
        match last {
            Some((what, d)) if now - d < Duration::days(ROOT_RECENT_DAYS) => Outcome::fail(
                ACCOUNT,
                arn,
                format!(
                    "the root user's {what} was used on {} (within the last {ROOT_RECENT_DAYS} days)",
                    d.date_naive()
                ),
            ),
            Some((what, d)) => Outcome::pass(
                ACCOUNT,
                arn,
                format!("the root user was last used ({what}) on {}", d.date_naive()),
            ),
            None => Outcome::pass(ACCOUNT, arn, "the root user has no recorded use"),
        }
        .with_evidence(evidence),
    ]
}

/// Judges the password policy; a missing policy fails (IAM's defaults are weak).
fn with_policy(
    inv: &Inventory,
    judge: impl Fn(&PasswordPolicy) -> (bool, String, Value),
) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    vec![match &iam.password_policy {
        Err(e) => Outcome::error(ACCOUNT, arn, "the account password policy", e),
        Ok(None) => Outcome::fail(
            ACCOUNT,
            arn,
            "the account has no password policy, so IAM's weak defaults apply",
        )
        .with_evidence(json!({"password_policy": null})),
        Ok(Some(p)) => {
            let (ok, msg, evidence) = judge(p);
            Outcome::pass_if(ok, ACCOUNT, arn, msg).with_evidence(evidence)
        }
    }]
}

pub(super) fn password_min_length(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| {
        let len = p.minimum_length.unwrap_or(IAM_DEFAULT_PASSWORD_LENGTH);
        (
            len >= MIN_PASSWORD_LENGTH,
            format!(
                "the password policy requires at least {len} characters ({MIN_PASSWORD_LENGTH} needed)"
            ),
            json!({"MinimumPasswordLength": p.minimum_length, "required": MIN_PASSWORD_LENGTH}),
        )
    })
}

pub(super) fn password_reuse(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| {
        let evidence =
            json!({"PasswordReusePrevention": p.reuse_prevention, "required": MIN_PASSWORD_REUSE});
        match p.reuse_prevention {
            Some(n) => (
                n >= MIN_PASSWORD_REUSE,
                format!(
                    "the password policy remembers the last {n} passwords ({MIN_PASSWORD_REUSE} needed)"
                ),
                evidence,
            ),
            None => (
                false,
                "the password policy does not prevent password reuse".into(),
                evidence,
            ),
        }
    })
}

pub(super) fn password_strong(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    with_policy(inv, |p| {
        let len = p.minimum_length.unwrap_or(IAM_DEFAULT_PASSWORD_LENGTH);
        let missing: Vec<&str> = [
            (p.require_uppercase, "RequireUppercaseCharacters"),
            (p.require_lowercase, "RequireLowercaseCharacters"),
            (p.require_numbers, "RequireNumbers"),
            (p.require_symbols, "RequireSymbols"),
            (len >= STRONG_PASSWORD_LENGTH, "MinimumPasswordLength"),
        ]
        .into_iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, what)| what)
        .collect();
        let evidence = json!({
            "RequireUppercaseCharacters": p.require_uppercase,
            "RequireLowercaseCharacters": p.require_lowercase,
            "RequireNumbers": p.require_numbers,
            "RequireSymbols": p.require_symbols,
            "MinimumPasswordLength": p.minimum_length,
            "missing": missing,
        });
        let msg = if missing.is_empty() {
            format!(
                "the password policy requires upper and lower case letters, numbers, symbols and at least {STRONG_PASSWORD_LENGTH} characters"
            )
        } else {
            format!("the password policy falls short on {}", missing.join(", "))
        };
        (missing.is_empty(), msg, evidence)
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
                format!(
                    "AWSSupportAccess is attached to {} role(s), {} group(s), {} user(s)",
                    ent.roles.len(),
                    ent.groups.len(),
                    ent.users.len()
                )
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
        Ok(ent) => {
            let names: Vec<String> = [
                ("user", &ent.users),
                ("group", &ent.groups),
                ("role", &ent.roles),
            ]
            .into_iter()
            .flat_map(|(kind, list)| list.iter().map(move |n| format!("{kind} `{n}`")))
            .collect();
            Outcome::pass_if(
                names.is_empty(),
                ACCOUNT,
                arn,
                if names.is_empty() {
                    "AWSCloudShellFullAccess is attached to nobody".to_owned()
                } else {
                    format!(
                        "AWSCloudShellFullAccess is attached to {}",
                        names.join(", ")
                    )
                },
            )
            .with_evidence(json!({"AWSCloudShellFullAccess": ent}))
        }
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
        return vec![
            Outcome::pass(
                ACCOUNT,
                account_arn(inv),
                "IAM stores no server certificates",
            )
            .with_evidence(json!({"server_certificates": []})),
        ];
    }
    certs
        .iter()
        .map(|c| {
            let evidence =
                json!({"name": c.name, "expiration": c.expiration, "upload_date": c.upload_date});
            match c.expiration {
                None => Outcome::new(
                    Status::Error,
                    CERTIFICATE,
                    &c.arn,
                    format!(
                        "IAM returned no expiration date for server certificate `{}`",
                        c.name
                    ),
                ),
                Some(e) if e < now => Outcome::fail(
                    CERTIFICATE,
                    &c.arn,
                    format!(
                        "server certificate `{}` expired on {} and is still stored in IAM",
                        c.name,
                        e.date_naive()
                    ),
                ),
                Some(e) => Outcome::pass(
                    CERTIFICATE,
                    &c.arn,
                    format!(
                        "server certificate `{}` is valid until {}",
                        c.name,
                        e.date_naive()
                    ),
                ),
            }
            .with_evidence(evidence)
        })
        .collect()
}

pub(super) fn access_analyzer(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = iam(inv) else { return vec![] };
    let arn = account_arn(inv);
    let mut out: Vec<Outcome> = iam
        .access_analyzers
        .iter()
        .map(|(region, analyzers)| {
            match analyzers {
                Err(e) => Outcome::error(
                    ANALYZER,
                    &arn,
                    &format!("Access Analyzer analyzers in `{region}`"),
                    e,
                ),
                Ok(list) => {
                    let active = list.iter().find(|a| {
                        a.status == "ACTIVE"
                            && (a.analyzer_type == "ACCOUNT" || a.analyzer_type == "ORGANIZATION")
                    });
                    let evidence = json!({"analyzers": list.iter().map(|a| json!({
                        "name": a.name, "type": a.analyzer_type, "status": a.status,
                    })).collect::<Vec<_>>()});
                    match active {
                        Some(a) => Outcome::pass(
                            ANALYZER,
                            &arn,
                            format!(
                                "analyzer `{}` ({}) watches external access in `{region}`",
                                a.name, a.analyzer_type
                            ),
                        ),
                        None => Outcome::fail(
                            ANALYZER,
                            &arn,
                            format!(
                                "no active external-access analyzer (ACCOUNT or ORGANIZATION) in `{region}`"
                            ),
                        ),
                    }
                    .with_evidence(evidence)
                }
            }
            .in_region(region)
        })
        .collect();
    // A scanned region the collector has no answer for is unknown, not compliant.
    for region in inv
        .regions
        .iter()
        .filter(|r| !iam.access_analyzers.contains_key(*r))
    {
        out.push(
            Outcome::new(
                Status::Error,
                ANALYZER,
                &arn,
                format!("Access Analyzer was not listed in `{region}`"),
            )
            .with_evidence(json!({"analyzers": null}))
            .in_region(region),
        );
    }
    out
}
