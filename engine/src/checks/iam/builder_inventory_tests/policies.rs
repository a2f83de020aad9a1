//! How permissions are granted: groups only, full-admin and wildcard policies.

use super::*;
use crate::inventory::{AttachedPolicy, FetchError, InlinePolicy};
use crate::testing::access_denied;
use serde_json::json;

fn inline(name: &str, doc: &str) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: Ok(serde_json::from_str(doc).unwrap()),
    }
}

fn malformed() -> FetchError {
    FetchError::new("MalformedPolicyDocument", "not valid JSON")
}

// --- iam_user_permissions_through_groups ---

#[test]
fn user_in_a_group_without_own_policies_passes() {
    let o = for_user(
        "iam_user_permissions_through_groups",
        &InventoryBuilder::new().build(),
        "alice",
    );
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.evidence["groups"], json!(["engineers"]));
}

#[test]
fn user_with_attached_or_inline_policy_fails_groups_only() {
    let mut b = InventoryBuilder::new();
    b.user("dave").inline_policies.push(inline("extra", "{}"));
    b.user("erin").attached_policies.push(AttachedPolicy {
        name: "ReadOnlyAccess".into(),
        arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
    });
    let inv = b.build();
    let dave = for_user("iam_user_permissions_through_groups", &inv, "dave");
    assert_eq!(dave.status, Status::Fail);
    assert_eq!(dave.evidence["inline_policies"], json!(["extra"]));
    let erin = for_user("iam_user_permissions_through_groups", &inv, "erin");
    assert_eq!(erin.status, Status::Fail);
    assert_eq!(
        erin.evidence["attached_policies"],
        json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    );
}

#[test]
fn denied_user_listing_is_one_error() {
    let mut b = InventoryBuilder::new();
    b.iam().users = Err(access_denied());
    let o = one("iam_user_permissions_through_groups", &b.build());
    assert_denied(&o);
    assert_eq!(o.resource_arn, account_arn());
}

// --- iam_no_full_admin_policies ---

#[test]
fn attached_scoped_policy_passes() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![policy("read-reports", SCOPED, 3)]);
    let o = one("iam_no_full_admin_policies", &b.build());
    assert_eq!(o.status, Status::Pass);
    assert_eq!(o.resource_type, "AwsIamPolicy");
    assert_eq!(o.evidence["admin_statement"], json!(null));
    assert_eq!(o.evidence["attachment_count"], 3);
}

#[test]
fn attached_admin_policy_fails_and_unattached_one_is_not_judged() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![
        policy("admin", ADMIN, 1),
        policy("unused-admin", ADMIN, 0),
    ]);
    let o = one("iam_no_full_admin_policies", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert_eq!(
        o.resource_arn,
        format!("arn:aws:iam::{ACCOUNT}:policy/admin")
    );
    assert_eq!(
        o.evidence["admin_statement"],
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
    );
}

#[test]
fn aws_managed_admin_policy_is_not_judged_as_customer_policy() {
    let mut b = InventoryBuilder::new();
    let mut p = policy("AdministratorAccess", ADMIN, 1);
    p.aws_managed = true;
    p.arn = "arn:aws:iam::aws:policy/AdministratorAccess".into();
    b.iam().policies = Ok(vec![p]);
    assert!(run("iam_no_full_admin_policies", &b.build()).is_empty());
}

#[test]
fn admin_policy_with_star_colon_star_and_statement_object_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![policy(
        "admin2",
        r#"{"Statement":{"Effect":"Allow","Action":["s3:GetObject","*:*"],"Resource":["*"]}}"#,
        2,
    )]);
    let o = one("iam_no_full_admin_policies", &b.build());
    assert_eq!(o.status, Status::Fail);
    assert_eq!(o.evidence["admin_statement"]["Action"][1], "*:*");
}

#[test]
fn not_action_policy_is_not_counted_as_full_admin() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![policy(
        "not-iam",
        r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
        1,
    )]);
    assert_eq!(
        one("iam_no_full_admin_policies", &b.build()).status,
        Status::Pass
    );
}

#[test]
fn malformed_policy_document_is_an_error() {
    let mut b = InventoryBuilder::new();
    let mut p = policy("broken", "{}", 1);
    p.document = Err(malformed());
    b.iam().policies = Ok(vec![p]);
    let o = one("iam_no_full_admin_policies", &b.build());
    assert_eq!(o.status, Status::Error);
    assert_eq!(o.evidence["error_code"], "MalformedPolicyDocument");
    assert!(o.message.contains("`broken`"), "{}", o.message);
}

#[test]
fn denied_policy_listing_is_an_error_for_both_policy_checks() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Err(access_denied());
    let inv = b.build();
    for id in [
        "iam_no_full_admin_policies",
        "iam_customer_policies_no_wildcard_service_actions",
    ] {
        let o = one(id, &inv);
        assert_denied(&o);
        assert_eq!(o.resource_type, "AwsAccount", "{id}");
    }
}

// --- iam_no_full_admin_inline_policies ---

#[test]
fn inline_admin_policy_fails_and_scoped_one_passes() {
    let mut b = InventoryBuilder::new();
    b.user("alice").inline_policies.push(inline("god", ADMIN));
    b.user("alice")
        .inline_policies
        .push(inline("scoped", SCOPED));
    let inv = b.build();
    let god = only("iam_no_full_admin_inline_policies", &inv, "/inline/god");
    assert_eq!(god.status, Status::Fail);
    assert_eq!(
        god.resource_arn,
        format!("{}/inline/god", user_arn("alice"))
    );
    assert_eq!(god.evidence["owner"], user_arn("alice"));
    assert_eq!(god.evidence["owner_type"], "user");
    assert_eq!(god.evidence["admin_statement"]["Action"], "*");
    let scoped = only("iam_no_full_admin_inline_policies", &inv, "/inline/scoped");
    assert_eq!(scoped.status, Status::Pass);
    assert_eq!(scoped.evidence["admin_statement"], json!(null));
}

#[test]
fn inline_admin_policy_of_a_group_or_role_fails() {
    let mut b = InventoryBuilder::new();
    b.iam().groups.as_mut().unwrap()[0]
        .inline_policies
        .push(inline("group-god", ADMIN));
    b.iam().roles.as_mut().unwrap()[0]
        .inline_policies
        .push(inline("role-god", ADMIN));
    let inv = b.build();
    let g = only("iam_no_full_admin_inline_policies", &inv, "/group-god");
    assert_eq!(g.status, Status::Fail);
    assert_eq!(g.evidence["owner_type"], "group");
    let r = only("iam_no_full_admin_inline_policies", &inv, "/role-god");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.evidence["owner_type"], "role");
}

#[test]
fn unreadable_inline_policy_and_denied_role_listing_are_errors() {
    let mut b = InventoryBuilder::new();
    b.user("alice").inline_policies.push(InlinePolicy {
        name: "broken".into(),
        document: Err(malformed()),
    });
    b.iam().roles = Err(access_denied());
    let out = run("iam_no_full_admin_inline_policies", &b.build());
    let broken = out
        .iter()
        .find(|o| o.resource_arn.ends_with("/inline/broken"))
        .unwrap();
    assert_eq!(broken.status, Status::Error);
    assert_eq!(broken.evidence["error_code"], "MalformedPolicyDocument");
    let roles = out
        .iter()
        .find(|o| o.resource_arn == account_arn())
        .unwrap();
    assert_denied(roles);
    assert!(roles.message.contains("IAM roles"), "{}", roles.message);
}

// --- iam_customer_policies_no_wildcard_service_actions ---

#[test]
fn service_wildcard_in_customer_policy_fails_and_specific_actions_pass() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![
        policy(
            "s3-all",
            r#"{"Statement":[{"Effect":"Allow","Action":["S3:*","ec2:Describe*"],"Resource":"*"}]}"#,
            1,
        ),
        policy("specific", SCOPED, 1),
        // Unattached policies are judged too: IAM.21 covers every customer-managed policy.
        policy("unattached-star", ADMIN, 0),
    ]);
    let inv = b.build();
    let id = "iam_customer_policies_no_wildcard_service_actions";
    let s3 = only(id, &inv, "/s3-all");
    assert_eq!(s3.status, Status::Fail);
    assert_eq!(s3.evidence["wildcard_actions"], json!(["S3:*"]));
    assert!(s3.message.contains("S3:*"), "{}", s3.message);
    let specific = only(id, &inv, "/specific");
    assert_eq!(specific.status, Status::Pass);
    assert_eq!(specific.evidence["wildcard_actions"], json!([]));
    let star = only(id, &inv, "/unattached-star");
    assert_eq!(star.status, Status::Fail);
    assert_eq!(star.evidence["attachment_count"], 0);
}

#[test]
fn deny_statements_with_service_wildcards_pass() {
    let mut b = InventoryBuilder::new();
    b.iam().policies = Ok(vec![policy(
        "guardrail",
        r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        1,
    )]);
    assert_eq!(
        one(
            "iam_customer_policies_no_wildcard_service_actions",
            &b.build()
        )
        .status,
        Status::Pass
    );
}

#[test]
fn unreadable_customer_policy_is_an_error_for_wildcard_actions() {
    let mut b = InventoryBuilder::new();
    let mut p = policy("broken", "{}", 0);
    p.document = Err(access_denied());
    b.iam().policies = Ok(vec![p]);
    assert_denied(&one(
        "iam_customer_policies_no_wildcard_service_actions",
        &b.build(),
    ));
}
