//! How permissions are granted: users through groups, full-admin and wildcard policies.

use crate::checks::{Outcome, account_arn, policy};
use crate::inventory::{InlinePolicy, Inventory};
use chrono::{DateTime, Utc};
use serde_json::json;

const POLICY: &str = "AwsIamPolicy";

pub(super) fn permissions_through_groups(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let users = match &iam.users {
        Err(e) => {
            return vec![Outcome::error(
                "AwsIamUser",
                account_arn(inv),
                "IAM users",
                e,
            )];
        }
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
                    format!("user `{}` has {} policies attached directly", u.name, attached.len() + inline.len())
                },
            )
            .with_evidence(json!({"attached_policies": attached, "inline_policies": inline, "groups": u.groups}))
        })
        .collect()
}

pub(super) fn no_full_admin_managed(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let policies = match &iam.policies {
        Err(e) => {
            return vec![Outcome::error(
                POLICY,
                account_arn(inv),
                "IAM managed policies",
                e,
            )];
        }
        Ok(p) => p,
    };
    policies
        .iter()
        .filter(|p| !p.aws_managed && p.attachment_count > 0)
        .map(|p| match &p.document {
            Err(e) => Outcome::error(POLICY, &p.arn, &format!("document of policy `{}`", p.name), e),
            Ok(doc) => match policy::full_admin_statement(doc) {
                Some(st) => Outcome::fail(POLICY, &p.arn, format!("policy `{}` allows every action on every resource and is attached {} time(s)", p.name, p.attachment_count))
                    .with_evidence(json!({"statement": st, "version": p.default_version_id})),
                None => Outcome::pass(POLICY, &p.arn, format!("policy `{}` does not allow `*` on `*`", p.name)),
            },
        })
        .collect()
}

pub(super) fn no_full_admin_inline(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let mut out = Vec::new();
    let mut owners: Vec<(&str, &[InlinePolicy])> = Vec::new();
    macro_rules! collect_owners {
        ($list:expr, $what:literal) => {
            match &$list {
                Err(e) => out.push(Outcome::error(
                    POLICY,
                    account_arn(inv),
                    concat!("IAM ", $what),
                    e,
                )),
                Ok(items) => owners.extend(
                    items
                        .iter()
                        .map(|i| (i.arn.as_str(), i.inline_policies.as_slice())),
                ),
            }
        };
    }
    collect_owners!(iam.users, "users");
    collect_owners!(iam.groups, "groups");
    collect_owners!(iam.roles, "roles");
    for (owner, policies) in owners {
        for p in policies {
            let arn = format!("{owner}/inline/{}", p.name);
            out.push(match &p.document {
                Err(e) => Outcome::error(POLICY, arn, &format!("inline policy `{}`", p.name), e),
                Ok(doc) => match policy::full_admin_statement(doc) {
                    Some(st) => Outcome::fail(
                        POLICY,
                        arn,
                        format!(
                            "inline policy `{}` of `{owner}` allows every action on every resource",
                            p.name
                        ),
                    )
                    .with_evidence(json!({"statement": st})),
                    None => Outcome::pass(
                        POLICY,
                        arn,
                        format!(
                            "inline policy `{}` of `{owner}` does not allow `*` on `*`",
                            p.name
                        ),
                    ),
                },
            });
        }
    }
    out
}

pub(super) fn no_wildcard_service_actions(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let Some(iam) = &inv.iam else { return vec![] };
    let policies = match &iam.policies {
        Err(e) => {
            return vec![Outcome::error(
                POLICY,
                account_arn(inv),
                "IAM managed policies",
                e,
            )];
        }
        Ok(p) => p,
    };
    policies
        .iter()
        .filter(|p| !p.aws_managed)
        .map(|p| match &p.document {
            Err(e) => Outcome::error(
                POLICY,
                &p.arn,
                &format!("document of policy `{}`", p.name),
                e,
            ),
            Ok(doc) => {
                let found = policy::wildcard_service_actions(doc);
                let actions: Vec<&str> =
                    found.iter().flat_map(|(_, a)| a.iter().copied()).collect();
                Outcome::pass_if(
                    found.is_empty(),
                    POLICY,
                    &p.arn,
                    if found.is_empty() {
                        format!("policy `{}` names specific actions", p.name)
                    } else {
                        format!(
                            "policy `{}` allows whole services: {}",
                            p.name,
                            actions.join(", ")
                        )
                    },
                )
                .with_evidence(
                    json!({"statements": found.iter().map(|(st, _)| *st).collect::<Vec<_>>()}),
                )
            }
        })
        .collect()
}
