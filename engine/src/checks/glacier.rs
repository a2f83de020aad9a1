//! S3 Glacier checks: vault access policies judged by the policy analyser, vault locks and
//! vault notifications.

use super::{Check, CheckMeta, Outcome, Remediation, Severity, not_collected, resource_policy};
use crate::inventory::{Fetched, Inventory, PolicyDocument, Service, Vault};
use crate::policy::Policy;
use crate::policy::analysis::{Exposure, classify_statement};
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[
    Check {
        meta: CheckMeta {
            id: "glacier_vault_policy_not_public",
            title: "S3 Glacier vault access policies do not grant access to everyone",
            service: Service::Glacier,
            severity: Severity::High,
            rationale: "A vault access policy granting `*` without a restricting condition (aws:SourceAccount, aws:PrincipalOrgID ...) lets any AWS account retrieve, upload or delete the vault's archives, depending on the actions allowed.",
            remediation: Remediation {
                console: "S3 Glacier → Vaults → the vault → Permissions → Edit policy: replace `\"AWS\": \"*\"` with the accounts that need access, or add an aws:PrincipalOrgID condition.",
                cli: "aws glacier set-vault-access-policy --account-id - --vault-name <vault> --policy '{\"Policy\": \"<policy json, escaped>\"}'",
            },
        },
        eval: vault_not_public,
    },
    Check {
        meta: CheckMeta {
            id: "glacier_vault_policy_no_cross_account",
            title: "S3 Glacier vault access policies grant other accounts only deliberately",
            service: Service::Glacier,
            severity: Severity::Low,
            rationale: "A vault policy naming principals of other AWS accounts lets those accounts act on the archives. That is sometimes intended (a central backup account); this check lists the accounts so each grant can be confirmed or removed.",
            remediation: Remediation {
                console: "S3 Glacier → Vaults → the vault → Permissions → Edit policy: remove the statements naming accounts that should not have access.",
                cli: "aws glacier set-vault-access-policy --account-id - --vault-name <vault> --policy '{\"Policy\": \"<policy json, escaped>\"}'  (or: aws glacier delete-vault-access-policy --account-id - --vault-name <vault>)",
            },
        },
        eval: vault_no_cross_account,
    },
    Check {
        meta: CheckMeta {
            id: "glacier_vault_lock_locked",
            title: "S3 Glacier vaults holding compliance archives have a locked vault lock policy",
            service: Service::Glacier,
            severity: Severity::Informational,
            rationale: "A vault lock policy in the `Locked` state can no longer be changed or removed, not even by the root user, so write-once-read-many or minimum retention rules it sets really hold. Vaults that need no retention guarantee can ignore this finding; an `InProgress` lock is still abortable and is not counted.",
            remediation: Remediation {
                console: "S3 Glacier → Vaults → the vault → Vault lock → Create vault lock policy, test it, then Lock within 24 hours.",
                cli: "aws glacier initiate-vault-lock --account-id - --vault-name <vault> --policy '{\"Policy\": \"<lock policy, escaped>\"}' && aws glacier complete-vault-lock --account-id - --vault-name <vault> --lock-id <lock-id>",
            },
        },
        eval: vault_locked,
    },
    Check {
        meta: CheckMeta {
            id: "glacier_vault_notifications_configured",
            title: "S3 Glacier vaults send job notifications to SNS",
            service: Service::Glacier,
            severity: Severity::Low,
            rationale: "Vault notifications publish to SNS when archive retrieval or inventory jobs complete, giving a trail of who is pulling data out of the archive and when.",
            remediation: Remediation {
                console: "S3 Glacier → Vaults → the vault → Notifications → Enable notifications and choose an SNS topic and the job events.",
                cli: "aws glacier set-vault-notifications --account-id - --vault-name <vault> --vault-notification-config SNSTopic=<topic-arn>,Events=ArchiveRetrievalCompleted,InventoryRetrievalCompleted",
            },
        },
        eval: vault_notifications,
    },
];

const VAULT: &str = "AwsGlacierVault";

/// Runs `judge` on every vault, turning regions that could not be listed into errors.
fn each_vault(inv: &Inventory, judge: impl Fn(&Vault) -> Outcome) -> Vec<Outcome> {
    let Some(regions) = &inv.glacier else {
        return vec![not_collected(
            VAULT,
            format!("arn:{}:glacier:::{}", inv.partition, inv.account_id),
            "S3 Glacier",
        )];
    };
    let mut out = Vec::new();
    for (region, vaults) in regions {
        match vaults {
            Err(e) => out.push(
                Outcome::error(
                    VAULT,
                    format!("arn:{}:glacier:{region}:{}", inv.partition, inv.account_id),
                    "S3 Glacier vaults",
                    e,
                )
                .in_region(region),
            ),
            Ok(r) => out.extend(r.vaults.iter().map(|v| judge(v).in_region(region))),
        }
    }
    out
}

/// Judges a vault's access policy with `judge` (given the parsed policy), or reports why
/// it could not be.
fn with_policy(
    v: &Vault,
    none: &str,
    judge: impl FnOnce(&Policy, &PolicyDocument) -> Outcome,
) -> Outcome {
    resource_policy::judge(
        VAULT,
        &v.arn,
        "the vault access policy",
        &v.policy,
        none,
        judge,
    )
}

fn vault_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let owner = inv.account_id.as_str();
    each_vault(inv, |v| {
        with_policy(
            v,
            "the vault has no access policy (owner only)",
            |policy, doc| {
                resource_policy::not_public(
                    VAULT,
                    &v.arn,
                    policy,
                    doc,
                    owner,
                    "the vault policy",
                    "the vault",
                )
            },
        )
    })
}

fn vault_no_cross_account(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let owner = inv.account_id.as_str();
    each_vault(inv, |v| {
        with_policy(
            v,
            "the vault has no access policy (owner only)",
            |policy, doc| {
                let mut accounts: Vec<String> = Vec::new();
                let mut statements: Vec<String> = Vec::new();
                for s in &policy.statements {
                    if let Exposure::CrossAccount(a) = classify_statement(s, owner, false) {
                        accounts.extend(a);
                        statements.push(s.name());
                    }
                }
                accounts.sort();
                accounts.dedup();
                Outcome::pass_if(
                    accounts.is_empty(),
                    VAULT,
                    &v.arn,
                    if accounts.is_empty() {
                        "the vault policy names no other account".to_owned()
                    } else {
                        format!(
                            "the vault policy grants accounts {} through {}; confirm these grants are intended",
                            accounts.join(", "),
                            statements.join(", ")
                        )
                    },
                )
                .with_evidence(json!({"accounts": accounts, "statements": statements, "policy": doc}))
            },
        )
    })
}

fn fetched_or_error<T>(
    v: &Vault,
    what: &str,
    data: &Fetched<T>,
    judge: impl Fn(&T) -> Outcome,
) -> Outcome {
    match data {
        Err(e) => Outcome::error(VAULT, &v.arn, what, e),
        Ok(d) => judge(d),
    }
}

fn vault_locked(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_vault(inv, |v| {
        fetched_or_error(v, "the vault lock", &v.lock, |lock| {
            let state = lock.as_ref().and_then(|l| l.state.as_deref());
            let message = match state {
                Some("Locked") => "the vault lock policy is locked".to_owned(),
                Some(s) => format!("the vault lock is `{s}`, not locked: it can still be aborted"),
                None => "the vault has no vault lock policy".to_owned(),
            };
            Outcome::pass_if(state == Some("Locked"), VAULT, &v.arn, message)
                .with_evidence(json!({"lock_state": state}))
        })
    })
}

fn vault_notifications(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_vault(inv, |v| {
        fetched_or_error(v, "the vault notifications", &v.notifications, |n| {
            let topic = n
                .as_ref()
                .filter(|n| !n.events.is_empty())
                .and_then(|n| n.sns_topic.as_deref());
            Outcome::pass_if(
                topic.is_some(),
                VAULT,
                &v.arn,
                match topic {
                    Some(t) => format!("job notifications go to `{t}`"),
                    None => "the vault sends no job notifications".to_owned(),
                },
            )
            .with_evidence(json!({"notifications": n}))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::inventory::{GlacierRegion, VaultLock, VaultNotifications};
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};

    fn with_vaults(vaults: Vec<Vault>) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().glacier = Some([(home, Ok(GlacierRegion { vaults }))].into_iter().collect());
        b.build()
    }

    fn vault(name: &str, policy: Option<serde_json::Value>) -> Vault {
        Vault {
            arn: format!("arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/{name}"),
            name: name.to_owned(),
            policy: Ok(policy),
            lock: Ok(None),
            notifications: Ok(None),
        }
    }

    fn allow(principal: serde_json::Value) -> serde_json::Value {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Grant", "Effect": "Allow", "Principal": principal,
               "Action": ["glacier:InitiateJob", "glacier:GetJobOutput"], "Resource": "*"}]})
    }

    fn status(out: &[Outcome], name: &str) -> Option<Status> {
        out.iter()
            .find(|o| o.resource_arn.ends_with(&format!("/{name}")))
            .map(|o| o.status)
    }

    #[test]
    fn a_vault_open_to_everyone_fails_and_one_limited_to_the_account_passes() {
        let inv = with_vaults(vec![
            vault("open", Some(allow(json!({"AWS": "*"})))),
            vault(
                "mine",
                Some(allow(
                    json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
                )),
            ),
            vault("none", None),
        ]);
        let out = vault_not_public(&inv, now());
        assert_eq!(status(&out, "open"), Some(Status::Fail));
        assert_eq!(status(&out, "mine"), Some(Status::Pass));
        assert_eq!(status(&out, "none"), Some(Status::Pass));
    }

    #[test]
    fn a_vault_shared_with_another_account_fails_and_names_the_account() {
        let inv = with_vaults(vec![
            vault(
                "shared",
                Some(allow(json!({"AWS": "arn:aws:iam::999988887777:root"}))),
            ),
            vault(
                "mine",
                Some(allow(
                    json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
                )),
            ),
        ]);
        let out = vault_no_cross_account(&inv, now());
        assert_eq!(status(&out, "shared"), Some(Status::Fail));
        assert_eq!(status(&out, "mine"), Some(Status::Pass));
        assert_eq!(out[0].evidence["accounts"], json!(["999988887777"]));
        assert!(
            out[0].message.contains("999988887777"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn only_a_locked_vault_lock_passes() {
        let mut locked = vault("locked", None);
        locked.lock = Ok(Some(VaultLock {
            state: Some("Locked".into()),
            policy: None,
        }));
        let mut pending = vault("pending", None);
        pending.lock = Ok(Some(VaultLock {
            state: Some("InProgress".into()),
            policy: None,
        }));
        let out = vault_locked(
            &with_vaults(vec![locked, pending, vault("none", None)]),
            now(),
        );
        assert_eq!(status(&out, "locked"), Some(Status::Pass));
        assert_eq!(status(&out, "pending"), Some(Status::Fail));
        assert_eq!(status(&out, "none"), Some(Status::Fail));
    }

    #[test]
    fn a_vault_with_a_notification_topic_passes_and_one_without_fails() {
        let mut notified = vault("notified", None);
        notified.notifications = Ok(Some(VaultNotifications {
            sns_topic: Some(format!("arn:aws:sns:us-east-1:{ACCOUNT}:archive")),
            events: vec!["ArchiveRetrievalCompleted".into()],
        }));
        let out = vault_notifications(&with_vaults(vec![notified, vault("quiet", None)]), now());
        assert_eq!(status(&out, "notified"), Some(Status::Pass));
        assert_eq!(status(&out, "quiet"), Some(Status::Fail));
    }

    #[test]
    fn unreadable_vault_settings_and_unlisted_regions_are_errors() {
        let mut denied = vault("denied", None);
        denied.policy = Err(access_denied());
        denied.lock = Err(access_denied());
        denied.notifications = Err(access_denied());
        let inv = with_vaults(vec![denied]);
        for check in CHECKS {
            let out = (check.eval)(&inv, now());
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].status, Status::Error, "{}", check.meta.id);
        }
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().glacier = Some([(home, Err(access_denied()))].into_iter().collect());
        let inv = b.build();
        for check in CHECKS {
            assert_eq!((check.eval)(&inv, now())[0].status, Status::Error);
        }
        let out = vault_not_public(&InventoryBuilder::new().build(), now());
        assert_eq!(out[0].status, Status::Error);
    }
}
