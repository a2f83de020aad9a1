//! IAM check cases on inventories built in tests: what moto cannot serve (root rows,
//! hardware MFA, Access Analyzer, dates in the past) and every PASS/FAIL/ERROR edge.
//! The same checks run through moto in `tests/it/iam.rs`.
//!
//! One file per check module: `account`, `credentials`, `policies`.

mod access;
mod account;
mod credentials;
mod policies;

use crate::checks::{Outcome, Status, find};
use crate::inventory::{Inventory, ManagedPolicy};
use crate::testing::{ACCOUNT, InventoryBuilder, now};

fn run(id: &str, inv: &Inventory) -> Vec<Outcome> {
    (find(id).unwrap_or_else(|| panic!("no check {id}")).eval)(inv, now())
}

/// The only outcome of `id`; fails the test if there are more or none.
fn one(id: &str, inv: &Inventory) -> Outcome {
    let mut out = run(id, inv);
    assert_eq!(out.len(), 1, "{id}: {out:#?}");
    out.remove(0)
}

/// The only outcome of `id` whose resource ARN ends with `suffix`.
fn only(id: &str, inv: &Inventory, suffix: &str) -> Outcome {
    let mut out: Vec<Outcome> = run(id, inv)
        .into_iter()
        .filter(|o| o.resource_arn.ends_with(suffix))
        .collect();
    assert_eq!(out.len(), 1, "{id}: outcomes for `{suffix}`: {out:#?}");
    out.remove(0)
}

/// The only outcome of `id` for IAM user `user`.
fn for_user(id: &str, inv: &Inventory, user: &str) -> Outcome {
    only(id, inv, &format!(":user/{user}"))
}

fn account_arn() -> String {
    format!("arn:aws:::{ACCOUNT}")
}

fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// Asserts an account-level outcome of `status` with evidence field `key` equal to `value`.
fn assert_account(o: &Outcome, status: Status, key: &str, value: serde_json::Value) {
    assert_eq!(o.status, status, "{o:#?}");
    assert_eq!(o.resource_arn, account_arn());
    assert_eq!(o.resource_type, "AwsAccount");
    assert_eq!(o.evidence[key], value, "{o:#?}");
}

/// Asserts an ERROR outcome carrying the AccessDenied code in its evidence.
fn assert_denied(o: &Outcome) {
    assert_eq!(o.status, Status::Error, "{o:#?}");
    assert_eq!(o.evidence["error_code"], "AccessDenied", "{o:#?}");
    assert!(o.message.contains("AccessDenied"), "{}", o.message);
}

const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const SCOPED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::reports/*"}]}"#;

/// A customer-managed policy with `doc` attached `attachments` times.
fn policy(name: &str, doc: &str, attachments: i32) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:policy/{name}"),
        aws_managed: false,
        attachment_count: attachments,
        default_version_id: Some("v1".into()),
        document: Ok(serde_json::from_str(doc).unwrap()),
    }
}

#[test]
fn compliant_account_passes_every_iam_check_with_evidence() {
    let mut b = InventoryBuilder::new();
    // Give the policy checks something to judge, so none passes vacuously.
    b.iam().policies = Ok(vec![policy("read-reports", SCOPED, 1)]);
    // (On a role: an inline policy on a user would fail the groups-only check.)
    b.iam().roles.as_mut().unwrap()[0]
        .inline_policies
        .push(crate::inventory::InlinePolicy {
            name: "scoped".into(),
            document: Ok(serde_json::from_str(SCOPED).unwrap()),
        });
    // Every user and role used S3 (the only service SCOPED grants) yesterday.
    let recent = vec![crate::inventory::ServiceUse {
        namespace: "s3".into(),
        last_authenticated: Some(now() - chrono::Duration::days(1)),
    }];
    let arns: Vec<String> = {
        let iam = b.iam();
        let users = iam.users.as_ref().unwrap().iter().map(|u| u.arn.clone());
        let roles = iam.roles.as_ref().unwrap().iter().map(|r| r.arn.clone());
        users.chain(roles).collect()
    };
    b.iam().last_accessed = Some(Ok(arns.into_iter().map(|a| (a, recent.clone())).collect()));
    let inv = b.build();
    for c in super::CHECKS {
        let out = run(c.meta.id, &inv);
        assert!(!out.is_empty(), "{} judged nothing", c.meta.id);
        for o in &out {
            assert_eq!(o.status, Status::Pass, "{}: {o:#?}", c.meta.id);
            assert!(
                !o.evidence.is_null(),
                "{} has no evidence: {o:#?}",
                c.meta.id
            );
            assert!(!o.message.is_empty(), "{}", c.meta.id);
        }
    }
}

#[test]
fn iam_checks_map_to_the_agreed_controls() {
    use crate::checks::Framework::{AwsFsbp, CisAws3};
    let ids = |id: &str| find(id).unwrap().meta.compliance_map();
    let cis = |id: &str| ids(id).get(&CisAws3).cloned().unwrap_or_default();
    let fsbp = |id: &str| ids(id).get(&AwsFsbp).cloned().unwrap_or_default();
    assert_eq!(cis("iam_root_access_keys_absent"), ["1.4"]);
    assert_eq!(fsbp("iam_root_access_keys_absent"), ["IAM.4"]);
    assert_eq!(cis("iam_root_hardware_mfa"), ["1.6"]);
    assert_eq!(fsbp("iam_unused_credentials_90_days"), ["IAM.8"]);
    assert_eq!(cis("iam_unused_credentials_90_days"), Vec::<String>::new());
    assert_eq!(cis("iam_no_full_admin_inline_policies"), ["1.16"]);
    // IAM.28 is a Security Hub control of the CIS standard, not of FSBP.
    assert_eq!(fsbp("iam_access_analyzer_enabled"), Vec::<String>::new());
    assert_eq!(cis("iam_access_analyzer_enabled"), ["1.20"]);
    assert_eq!(fsbp("iam_root_mfa_enabled"), Vec::<String>::new());
    assert_eq!(cis("iam_cloudshell_full_access_restricted"), ["1.22"]);
    assert_eq!(
        fsbp("iam_customer_policies_no_wildcard_service_actions"),
        ["IAM.21"]
    );
    assert_eq!(super::CHECKS.len(), 29);
    assert!(super::CHECKS.iter().all(|c| c.meta.id.starts_with("iam_")));
}
