//! KMS checks: rotation of customer-managed symmetric keys, keys pending deletion, public
//! key policies, and IAM policies that allow decrypting with every key.

use super::{Check, CheckMeta, Outcome, Remediation, Severity, not_collected, policy};
use crate::inventory::{Inventory, Key, PolicyDocument, Service};
use crate::types::Region;
use chrono::{DateTime, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[
    Check {
        meta: CheckMeta {
            id: "kms_symmetric_key_rotation",
            title: "Customer-managed symmetric KMS keys rotate automatically",
            service: Service::Kms,
            severity: Severity::Medium,
            rationale: "Automatic rotation replaces the key material every year (or on the period you set) while old ciphertext stays decryptable, limiting how much data one compromised key version exposes. Asymmetric, HMAC, imported-material and AWS-managed keys are out of scope: they cannot or need not be rotated this way.",
            remediation: Remediation {
                console: "KMS → Customer managed keys → the key → Key rotation → enable Automatically rotate this KMS key.",
                cli: "aws kms enable-key-rotation --key-id <key-id>",
            },
        },
        eval: symmetric_key_rotation,
    },
    Check {
        meta: CheckMeta {
            id: "kms_key_not_pending_deletion",
            title: "Customer-managed KMS keys are not scheduled for deletion",
            service: Service::Kms,
            severity: Severity::Medium,
            rationale: "Once a KMS key is deleted, everything encrypted under it is unrecoverable. A key scheduled for deletion should be a deliberate, reviewed decision, cancelled if not.",
            remediation: Remediation {
                console: "KMS → Customer managed keys → the key → Key actions → Cancel key deletion, then re-enable it.",
                cli: "aws kms cancel-key-deletion --key-id <key-id> && aws kms enable-key --key-id <key-id>",
            },
        },
        eval: not_pending_deletion,
    },
    Check {
        meta: CheckMeta {
            id: "kms_key_policy_not_public",
            title: "KMS key policies do not grant access to everyone",
            service: Service::Kms,
            severity: Severity::Critical,
            rationale: "A key policy that allows principal `*` without a condition that restricts the caller's account or organisation lets any AWS account use the key, and so read whatever it protects.",
            remediation: Remediation {
                console: "KMS → the key → Key policy → Edit: replace `\"Principal\": \"*\"` with specific principals or add a `kms:CallerAccount` / `aws:PrincipalOrgID` condition.",
                cli: "aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://key-policy.json",
            },
        },
        eval: key_policy_not_public,
    },
    Check {
        meta: CheckMeta {
            id: "kms_managed_policies_no_decrypt_all_keys",
            title: "Customer-managed IAM policies do not allow decryption with all KMS keys",
            service: Service::Kms,
            severity: Severity::Medium,
            rationale: "Allowing `kms:Decrypt` or `kms:ReEncryptFrom` on `Resource: *` grants the ability to decrypt data under every key in the account, far beyond what a workload needs.",
            remediation: Remediation {
                console: "IAM → Policies → the policy → Edit: limit kms:Decrypt / kms:ReEncryptFrom to the ARNs of the keys needed.",
                cli: "aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://scoped.json --set-as-default",
            },
        },
        eval: managed_policies_no_decrypt_all,
    },
    Check {
        meta: CheckMeta {
            id: "kms_inline_policies_no_decrypt_all_keys",
            title: "Inline IAM policies do not allow decryption with all KMS keys",
            service: Service::Kms,
            severity: Severity::Medium,
            rationale: "An inline policy allowing `kms:Decrypt` or `kms:ReEncryptFrom` on `Resource: *` lets its user, group or role decrypt data under every key in the account.",
            remediation: Remediation {
                console: "IAM → the user, group or role → Permissions → the inline policy → Edit: limit the KMS actions to specific key ARNs.",
                cli: "aws iam put-role-policy --role-name <role> --policy-name <name> --policy-document file://scoped.json",
            },
        },
        eval: inline_policies_no_decrypt_all,
    },
];

const KEY: &str = "AwsKmsKey";

fn keys(
    inv: &Inventory,
) -> impl Iterator<Item = (&Region, Result<&Vec<Key>, &crate::inventory::FetchError>)> {
    inv.kms
        .iter()
        .flatten()
        .map(|(r, d)| (r, d.as_ref().map(|d| &d.keys)))
}

fn key_evidence(k: &Key) -> serde_json::Value {
    json!({"key_id": k.id, "key_spec": k.spec, "key_usage": k.usage, "key_state": k.state, "key_manager": k.manager, "origin": k.origin})
}

fn symmetric_key_rotation(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, keys) in keys(inv) {
        let keys = match keys {
            Ok(k) => k,
            Err(e) => {
                out.push(
                    Outcome::error(
                        KEY,
                        super::account_arn(inv),
                        &format!("KMS keys in `{region}`"),
                        e,
                    )
                    .in_region(region),
                );
                continue;
            }
        };
        for k in keys {
            let o = match &k.rotation_enabled {
                Err(e) => Outcome::error(
                    KEY,
                    &k.arn,
                    &format!("rotation status of key `{}`", k.id),
                    e,
                ),
                Ok(_) if !k.rotation_applies() => continue,
                Ok(Some(true)) => {
                    Outcome::pass(KEY, &k.arn, format!("key `{}` rotates automatically", k.id))
                }
                Ok(Some(false)) => Outcome::fail(
                    KEY,
                    &k.arn,
                    format!("customer-managed symmetric key `{}` does not rotate", k.id),
                ),
                Ok(None) => continue,
            };
            out.push(o.in_region(region).with_evidence(key_evidence(k)));
        }
    }
    out
}

fn not_pending_deletion(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, keys) in keys(inv) {
        let Ok(keys) = keys else { continue };
        for k in keys.iter().filter(|k| k.manager == "CUSTOMER") {
            let pending = k.state == "PendingDeletion" || k.state == "PendingReplicaDeletion";
            let msg = match (pending, k.deletion_date) {
                (true, Some(d)) => format!(
                    "key `{}` is scheduled for deletion on {}",
                    k.id,
                    d.date_naive()
                ),
                (true, None) => format!("key `{}` is scheduled for deletion", k.id),
                (false, _) => format!("key `{}` is not scheduled for deletion", k.id),
            };
            let mut ev = key_evidence(k);
            ev["deletion_date"] = json!(k.deletion_date);
            out.push(
                Outcome::pass_if(!pending, KEY, &k.arn, msg)
                    .in_region(region)
                    .with_evidence(ev),
            );
        }
    }
    out
}

fn key_policy_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, keys) in keys(inv) {
        let Ok(keys) = keys else { continue };
        for k in keys
            .iter()
            .filter(|k| k.manager == "CUSTOMER" || k.manager == "UNKNOWN")
        {
            let o = match &k.policy {
                Err(e) => Outcome::error(KEY, &k.arn, &format!("key policy of `{}`", k.id), e),
                Ok(None) => continue,
                Ok(Some(doc)) => match public_statement(doc) {
                    Some(st) => Outcome::fail(KEY, &k.arn, format!("key policy of `{}` allows any AWS principal without a restricting condition", k.id))
                        .with_evidence(json!({"statement": st})),
                    None => Outcome::pass(KEY, &k.arn, format!("key policy of `{}` grants access only to specific principals", k.id)),
                },
            };
            out.push(o.in_region(region));
        }
    }
    out
}

/// The first Allow statement open to every principal without a restricting condition.
fn public_statement(doc: &PolicyDocument) -> Option<serde_json::Value> {
    policy::statements(doc)
        .filter(|st| policy::is_allow(st) && policy::principal_is_open(st))
        .find(|st| !policy::restricting_condition(st))
        .cloned()
}

/// Allow statements granting decryption on every key.
fn decrypt_all(doc: &PolicyDocument) -> Option<serde_json::Value> {
    policy::statements(doc)
        .filter(|st| policy::is_allow(st))
        .filter(|st| policy::values(st.get("Resource")).any(|r| r == "*"))
        .find(|st| {
            policy::values(st.get("Action")).any(|a| {
                ["kms:Decrypt", "kms:ReEncryptFrom"]
                    .iter()
                    .any(|wanted| policy::action_matches(a, wanted))
            })
        })
        .cloned()
}

fn managed_policies_no_decrypt_all(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else {
        return vec![not_collected(
            "AwsIamPolicy",
            super::account_arn(inv),
            "IAM",
        )];
    };
    let policies = match &iam.policies {
        Ok(p) => p,
        Err(e) => {
            return vec![Outcome::error(
                "AwsIamPolicy",
                super::account_arn(inv),
                "IAM managed policies",
                e,
            )];
        }
    };
    policies
        .iter()
        .filter(|p| !p.aws_managed)
        .map(|p| match &p.document {
            Err(e) => Outcome::error(
                "AwsIamPolicy",
                &p.arn,
                &format!("document of policy `{}`", p.name),
                e,
            ),
            Ok(doc) => match decrypt_all(doc) {
                Some(st) => Outcome::fail(
                    "AwsIamPolicy",
                    &p.arn,
                    format!("policy `{}` allows KMS decryption with every key", p.name),
                )
                .with_evidence(json!({"statement": st})),
                None => Outcome::pass(
                    "AwsIamPolicy",
                    &p.arn,
                    format!(
                        "policy `{}` does not allow decryption with every key",
                        p.name
                    ),
                ),
            },
        })
        .collect()
}

fn inline_policies_no_decrypt_all(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else {
        return vec![not_collected(
            "AwsIamPolicy",
            super::account_arn(inv),
            "IAM",
        )];
    };
    let mut out = Vec::new();
    let mut owners: Vec<(&str, &str, &[crate::inventory::InlinePolicy])> = Vec::new();
    for (what, list) in [
        (
            "users",
            iam.users.as_ref().map(|v| {
                v.iter()
                    .map(|u| (u.arn.as_str(), u.inline_policies.as_slice()))
                    .collect::<Vec<_>>()
            }),
        ),
        (
            "groups",
            iam.groups.as_ref().map(|v| {
                v.iter()
                    .map(|g| (g.arn.as_str(), g.inline_policies.as_slice()))
                    .collect()
            }),
        ),
        (
            "roles",
            iam.roles.as_ref().map(|v| {
                v.iter()
                    .map(|r| (r.arn.as_str(), r.inline_policies.as_slice()))
                    .collect()
            }),
        ),
    ] {
        match list {
            Ok(l) => owners.extend(l.into_iter().map(|(arn, p)| (what, arn, p))),
            Err(e) => out.push(Outcome::error(
                "AwsIamPolicy",
                super::account_arn(inv),
                &format!("IAM {what}"),
                e,
            )),
        }
    }
    for (_, owner, policies) in owners {
        for p in policies {
            let arn = format!("{owner}/inline/{}", p.name);
            out.push(match &p.document {
                Err(e) => Outcome::error("AwsIamPolicy", arn, &format!("inline policy `{}`", p.name), e),
                Ok(doc) => match decrypt_all(doc) {
                    Some(st) => Outcome::fail("AwsIamPolicy", arn, format!("inline policy `{}` of `{owner}` allows KMS decryption with every key", p.name))
                        .with_evidence(json!({"statement": st})),
                    None => Outcome::pass("AwsIamPolicy", arn, format!("inline policy `{}` of `{owner}` does not allow decryption with every key", p.name)),
                },
            });
        }
    }
    out
}

#[cfg(test)]
mod builder_inventory_tests {
    //! Cases on inventories built in tests; the moto-backed cases live in `tests/it`.
    use super::*;
    use crate::checks::{Status, find};
    use crate::inventory::{InlinePolicy, ManagedPolicy};
    use crate::testing::{InventoryBuilder, access_denied, now};

    fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
        (find(id).unwrap().eval)(inv, now())
    }

    fn key(b: &mut InventoryBuilder) -> &mut Key {
        &mut b.kms("us-east-1").as_mut().unwrap().keys[0]
    }

    #[test]
    fn rotating_symmetric_key_passes_and_non_rotating_fails() {
        let mut b = InventoryBuilder::new();
        assert_eq!(
            run("kms_symmetric_key_rotation", &b.clone().build())[0].status,
            Status::Pass
        );
        key(&mut b).rotation_enabled = Ok(Some(false));
        let out = run("kms_symmetric_key_rotation", &b.build());
        assert_eq!(out[0].status, Status::Fail);
        assert_eq!(out[0].evidence["key_spec"], "SYMMETRIC_DEFAULT");
    }

    #[test]
    fn asymmetric_and_aws_managed_keys_are_never_flagged_for_rotation() {
        let mut b = InventoryBuilder::new();
        let k = key(&mut b);
        k.spec = "RSA_2048".into();
        k.usage = "SIGN_VERIFY".into();
        k.rotation_enabled = Ok(Some(false));
        assert!(run("kms_symmetric_key_rotation", &b.clone().build()).is_empty());
        let k = key(&mut b);
        k.spec = "SYMMETRIC_DEFAULT".into();
        k.manager = "AWS".into();
        assert!(run("kms_symmetric_key_rotation", &b.build()).is_empty());
    }

    #[test]
    fn unreadable_rotation_status_is_an_error() {
        let mut b = InventoryBuilder::new();
        key(&mut b).rotation_enabled = Err(access_denied());
        assert_eq!(
            run("kms_symmetric_key_rotation", &b.build())[0].status,
            Status::Error
        );
    }

    #[test]
    fn key_scheduled_for_deletion_fails() {
        let mut b = InventoryBuilder::new();
        assert_eq!(
            run("kms_key_not_pending_deletion", &b.clone().build())[0].status,
            Status::Pass
        );
        let k = key(&mut b);
        k.state = "PendingDeletion".into();
        k.deletion_date = Some(now() + chrono::Duration::days(7));
        let out = run("kms_key_not_pending_deletion", &b.build());
        assert_eq!(out[0].status, Status::Fail);
        assert!(out[0].message.contains("2026-06-08"));
    }

    #[test]
    fn key_policy_open_to_everyone_fails_unless_restricted_by_account() {
        let mut b = InventoryBuilder::new();
        assert_eq!(
            run("kms_key_policy_not_public", &b.clone().build())[0].status,
            Status::Pass
        );
        key(&mut b).policy = Ok(Some(
            json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}}),
        ));
        assert_eq!(
            run("kms_key_policy_not_public", &b.clone().build())[0].status,
            Status::Fail
        );
        key(&mut b).policy = Ok(Some(
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}]}),
        ));
        assert_eq!(
            run("kms_key_policy_not_public", &b.clone().build())[0].status,
            Status::Pass
        );
        key(&mut b).policy = Ok(Some(
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringLike": {"aws:UserAgent": "*"}}}]}),
        ));
        assert_eq!(
            run("kms_key_policy_not_public", &b.build())[0].status,
            Status::Fail
        );
    }

    #[test]
    fn negated_or_wildcard_account_conditions_do_not_make_a_key_policy_private() {
        let mut b = InventoryBuilder::new();
        for cond in [
            json!({"StringNotEquals": {"kms:CallerAccount": "123456789012"}}),
            json!({"StringLike": {"kms:CallerAccount": "*"}}),
            json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}),
        ] {
            key(&mut b).policy = Ok(Some(
                json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": cond}]}),
            ));
            assert_eq!(
                run("kms_key_policy_not_public", &b.clone().build())[0].status,
                Status::Fail,
                "{cond}"
            );
        }
    }

    #[test]
    fn decrypt_on_all_keys_in_managed_or_inline_policy_fails() {
        let mut b = InventoryBuilder::new();
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:*"], "Resource": "*"}]});
        b.iam().policies.as_mut().unwrap().push(ManagedPolicy {
            name: "kms-all".into(),
            arn: "arn:aws:iam::123456789012:policy/kms-all".into(),
            aws_managed: false,
            attachment_count: 1,
            default_version_id: Some("v1".into()),
            document: Ok(doc.clone()),
        });
        b.user("alice").inline_policies.push(InlinePolicy {
            name: "decrypt".into(),
            document: Ok(doc),
        });
        let inv = b.build();
        assert_eq!(
            run("kms_managed_policies_no_decrypt_all_keys", &inv)[0].status,
            Status::Fail
        );
        assert_eq!(
            run("kms_inline_policies_no_decrypt_all_keys", &inv)[0].status,
            Status::Fail
        );
    }

    #[test]
    fn decrypt_scoped_to_one_key_passes() {
        let mut b = InventoryBuilder::new();
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:123456789012:key/abc"}]});
        b.user("alice").inline_policies.push(InlinePolicy {
            name: "decrypt".into(),
            document: Ok(doc),
        });
        assert_eq!(
            run("kms_inline_policies_no_decrypt_all_keys", &b.build())[0].status,
            Status::Pass
        );
    }

    #[test]
    fn kms_policy_checks_report_error_when_iam_was_not_collected() {
        let mut b = InventoryBuilder::new();
        b.inventory().iam = None;
        assert_eq!(
            run("kms_managed_policies_no_decrypt_all_keys", &b.build())[0].status,
            Status::Error
        );
    }
}
