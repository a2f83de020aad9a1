//! How permissions are granted: users through groups, full-admin and wildcard policies.

use crate::checks::{Outcome, account_arn, policy};
use crate::inventory::{FetchError, InlinePolicy, Inventory, ManagedPolicy};
use chrono::{DateTime, Utc};
use serde_json::json;

const POLICY: &str = "AwsIamPolicy";
const ACCOUNT: &str = "AwsAccount";

pub(super) fn permissions_through_groups(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let users = match &iam.users {
        Err(e) => return vec![Outcome::error(ACCOUNT, account_arn(inv), "IAM users", e)],
        Ok(u) => u,
    };
    users
        .iter()
        .map(|u| {
            let attached: Vec<&str> = u.attached_policies.iter().map(|p| p.arn.as_str()).collect();
            let inline: Vec<&str> = u.inline_policies.iter().map(|p| p.name.as_str()).collect();
            let ok = attached.is_empty() && inline.is_empty();
            Outcome::pass_if(
                ok,
                "AwsIamUser",
                &u.arn,
                if ok {
                    format!("user `{}` gets permissions only through groups", u.name)
                } else {
                    format!(
                        "user `{}` has {} attached and {} inline policies of its own",
                        u.name,
                        attached.len(),
                        inline.len()
                    )
                },
            )
            .with_evidence(json!({"attached_policies": attached, "inline_policies": inline, "groups": u.groups}))
        })
        .collect()
}

/// The customer-managed policies, or the ERROR outcome for a failed listing.
fn customer_policies(inv: &Inventory) -> Result<Vec<&ManagedPolicy>, Outcome> {
    let Some(iam) = &inv.iam else {
        return Ok(vec![]);
    };
    match &iam.policies {
        Err(e) => Err(Outcome::error(
            ACCOUNT,
            account_arn(inv),
            "IAM managed policies",
            e,
        )),
        Ok(p) => Ok(p.iter().filter(|p| !p.aws_managed).collect()),
    }
}

fn unreadable(arn: &str, what: &str, e: &FetchError) -> Outcome {
    Outcome::error(POLICY, arn, what, e)
}

pub(super) fn no_full_admin_managed(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let policies = match customer_policies(inv) {
        Err(o) => return vec![o],
        Ok(p) => p,
    };
    // FSBP IAM.1 and CIS 1.16 judge policies in use; an unattached policy grants nothing.
    policies
        .into_iter()
        .filter(|p| p.attachment_count > 0)
        .map(|p| match &p.document {
            Err(e) => unreadable(&p.arn, &format!("the document of policy `{}`", p.name), e),
            Ok(doc) => {
                let admin = policy::full_admin_statement(doc);
                Outcome::pass_if(
                    admin.is_none(),
                    POLICY,
                    &p.arn,
                    match admin {
                        Some(_) => format!(
                            "policy `{}` allows every action on every resource and is attached {} time(s)",
                            p.name, p.attachment_count
                        ),
                        None => format!("policy `{}` does not allow `*` on `*`", p.name),
                    },
                )
                .with_evidence(json!({
                    "admin_statement": admin,
                    "attachment_count": p.attachment_count,
                    "default_version_id": p.default_version_id,
                }))
            }
        })
        .collect()
}

/// Every inline policy of users, groups and roles judged for `*` on `*`. The resource is
/// `<owner arn>/inline/<policy name>`: inline policies have no ARN of their own.
pub(super) fn no_full_admin_inline(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let mut out = Vec::new();
    let mut owners: Vec<(&str, &str, &[InlinePolicy])> = Vec::new();
    macro_rules! collect_owners {
        ($list:expr, $kind:literal) => {
            match &$list {
                Err(e) => out.push(Outcome::error(
                    ACCOUNT,
                    account_arn(inv),
                    concat!("IAM ", $kind, "s"),
                    e,
                )),
                Ok(items) => owners.extend(
                    items
                        .iter()
                        .map(|i| ($kind, i.arn.as_str(), i.inline_policies.as_slice())),
                ),
            }
        };
    }
    collect_owners!(iam.users, "user");
    collect_owners!(iam.groups, "group");
    collect_owners!(iam.roles, "role");
    for (kind, owner, policies) in owners {
        for p in policies {
            let arn = format!("{owner}/inline/{}", p.name);
            out.push(match &p.document {
                Err(e) => unreadable(
                    &arn,
                    &format!("inline policy `{}` of {kind} `{owner}`", p.name),
                    e,
                ),
                Ok(doc) => {
                    let admin = policy::full_admin_statement(doc);
                    Outcome::pass_if(
                        admin.is_none(),
                        POLICY,
                        &arn,
                        match admin {
                            Some(_) => format!(
                                "inline policy `{}` of {kind} `{owner}` allows every action on every resource",
                                p.name
                            ),
                            None => format!(
                                "inline policy `{}` of {kind} `{owner}` does not allow `*` on `*`",
                                p.name
                            ),
                        },
                    )
                    .with_evidence(json!({
                        "owner": owner,
                        "owner_type": kind,
                        "policy_name": p.name,
                        "admin_statement": admin,
                    }))
                }
            });
        }
    }
    out
}

pub(super) fn no_wildcard_service_actions(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let policies = match customer_policies(inv) {
        Err(o) => return vec![o],
        Ok(p) => p,
    };
    // FSBP IAM.21 judges every customer-managed policy, attached or not.
    policies
        .into_iter()
        .map(|p| match &p.document {
            Err(e) => unreadable(&p.arn, &format!("the document of policy `{}`", p.name), e),
            Ok(doc) => {
                let found = policy::wildcard_service_actions(doc);
                let actions: Vec<&str> =
                    found.iter().flat_map(|(_, a)| a.iter().copied()).collect();
                Outcome::pass_if(
                    found.is_empty(),
                    POLICY,
                    &p.arn,
                    if found.is_empty() {
                        format!(
                            "policy `{}` allows no whole-service wildcard actions",
                            p.name
                        )
                    } else {
                        format!(
                            "policy `{}` allows whole services: {}",
                            p.name,
                            actions.join(", ")
                        )
                    },
                )
                .with_evidence(json!({
                    "wildcard_actions": actions,
                    "statements": found.iter().map(|(st, _)| *st).collect::<Vec<_>>(),
                    "attachment_count": p.attachment_count,
                }))
            }
        })
        .collect()
}
