//! Admin-equivalence, escalation paths and role trust, judged by the policy evaluator.

use super::*;
use crate::inventory::{AttachedPolicy, InlinePolicy, Role};
use serde_json::json;

fn inline(name: &str, doc: serde_json::Value) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: Ok(doc),
    }
}

fn allow(actions: serde_json::Value, resource: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]})
}

fn role(name: &str, trust: serde_json::Value) -> Role {
    Role {
        name: name.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        path: "/".into(),
        create_date: None,
        trust_policy: Ok(trust),
        attached_policies: vec![],
        inline_policies: vec![],
        permissions_boundary: None,
        last_used: None,
    }
}

fn add_role(b: &mut InventoryBuilder, r: Role) {
    b.iam().roles.as_mut().unwrap().push(r);
}

fn for_role(id: &str, inv: &Inventory, name: &str) -> Outcome {
    only(id, inv, &format!(":role/{name}"))
}

fn add_managed(b: &mut InventoryBuilder, name: &str, doc: serde_json::Value) -> String {
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
    b.iam().policies.as_mut().unwrap().push(ManagedPolicy {
        name: name.into(),
        arn: arn.clone(),
        aws_managed: false,
        attachment_count: 1,
        default_version_id: Some("v1".into()),
        document: Ok(doc),
    });
    arn
}

// --- iam_principal_not_admin_equivalent ---

#[test]
fn a_user_with_read_only_access_is_not_admin_equivalent() {
    let o = for_user(
        "iam_principal_not_admin_equivalent",
        &InventoryBuilder::new().build(),
        "alice",
    );
    assert_eq!(o.status, Status::Pass, "{o:#?}");
}

#[test]
fn wildcard_permission_management_on_every_resource_is_admin_equivalent() {
    let mut b = InventoryBuilder::new();
    b.user("dave")
        .inline_policies
        .push(inline("policies", allow(json!("iam:*Policy*"), "*")));
    let o = for_user("iam_principal_not_admin_equivalent", &b.build(), "dave");
    assert_eq!(o.status, Status::Fail, "{o:#?}");
    assert!(
        o.message.contains("can change permissions"),
        "{}",
        o.message
    );
    assert!(
        o.evidence.to_string().contains("inline:user/dave/policies"),
        "{}",
        o.evidence
    );
}

#[test]
fn not_action_outside_iam_is_broad_but_not_admin_equivalent() {
    let mut b = InventoryBuilder::new();
    b.user("dave").inline_policies.push(inline(
        "poweruser",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}]}),
    ));
    let o = for_user("iam_principal_not_admin_equivalent", &b.build(), "dave");
    assert_eq!(o.status, Status::Pass, "{o:#?}");
}

#[test]
fn full_access_limited_by_a_read_only_boundary_is_not_admin_equivalent() {
    let mut b = InventoryBuilder::new();
    let boundary = add_managed(
        &mut b,
        "read-only-boundary",
        allow(json!(["s3:Get*", "s3:List*"]), "*"),
    );
    let dave = b.user("dave");
    dave.inline_policies
        .push(inline("admin", allow(json!("*"), "*")));
    dave.permissions_boundary = Some(boundary);
    let o = for_user("iam_principal_not_admin_equivalent", &b.build(), "dave");
    assert_eq!(o.status, Status::Pass, "{o:#?}");
}

#[test]
fn a_user_inherits_admin_from_its_group() {
    let mut b = InventoryBuilder::new();
    let admin = add_managed(&mut b, "everything", allow(json!("*"), "*"));
    b.iam().groups.as_mut().unwrap()[0]
        .attached_policies
        .push(AttachedPolicy {
            name: "everything".into(),
            arn: admin,
        });
    let inv = b.build();
    let o = for_user("iam_principal_not_admin_equivalent", &inv, "alice");
    assert_eq!(o.status, Status::Fail, "{o:#?}");
    assert!(o.message.contains("full access"), "{}", o.message);
    let g = only(
        "iam_principal_not_admin_equivalent",
        &inv,
        ":group/engineers",
    );
    assert_eq!(g.status, Status::Fail);
}

#[test]
fn a_malformed_inline_policy_is_an_error_naming_where_it_is_wrong() {
    let mut b = InventoryBuilder::new();
    b.user("dave").inline_policies.push(inline(
        "broken",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]}),
    ));
    let out = run("iam_principal_not_admin_equivalent", &b.build());
    let err = out
        .iter()
        .find(|o| o.status == Status::Error)
        .expect("an ERROR outcome");
    assert!(
        err.message.contains("inline:user/dave/broken"),
        "{}",
        err.message
    );
    assert_eq!(err.evidence["path"], "$.Statement[0].Effect");
}

// --- iam_no_privilege_escalation_paths ---

/// An administrator role trusting `service`, and user `dave` who may pass any role to a
/// Lambda function he creates and invokes.
fn dave_can_pass_an_admin_role_trusting(service: &str) -> Inventory {
    let mut b = InventoryBuilder::new();
    let admin = add_managed(&mut b, "everything", allow(json!("*"), "*"));
    let mut admin_role = role(
        "service-admin",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}),
    );
    admin_role.attached_policies.push(AttachedPolicy {
        name: "everything".into(),
        arn: admin,
    });
    add_role(&mut b, admin_role);
    b.user("dave").inline_policies.push(inline(
        "deployer",
        allow(
            json!([
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction"
            ]),
            "*",
        ),
    ));
    b.build()
}

#[test]
fn pass_role_to_lambda_with_an_admin_role_trusting_lambda_is_an_escalation_path() {
    let inv = dave_can_pass_an_admin_role_trusting("lambda.amazonaws.com");
    let o = for_user("iam_no_privilege_escalation_paths", &inv, "dave");
    assert_eq!(o.status, Status::Fail, "{o:#?}");
    assert!(
        o.evidence.to_string().contains("service-admin"),
        "{}",
        o.evidence
    );
    assert!(
        o.evidence.to_string().contains("inline:user/dave/deployer"),
        "{}",
        o.evidence
    );
}

#[test]
fn pass_role_is_no_path_when_the_admin_role_trusts_only_ec2() {
    let inv = dave_can_pass_an_admin_role_trusting("ec2.amazonaws.com");
    let o = for_user("iam_no_privilege_escalation_paths", &inv, "dave");
    assert_eq!(o.status, Status::Pass, "{o:#?}");
}

#[test]
fn an_assume_role_chain_to_an_admin_role_is_reported_step_by_step() {
    let mut b = InventoryBuilder::new();
    let admin = add_managed(&mut b, "everything", allow(json!("*"), "*"));
    let hop_arn = format!("arn:aws:iam::{ACCOUNT}:role/hop");
    let dave_arn = format!("arn:aws:iam::{ACCOUNT}:user/dave");
    let mut hop = role(
        "hop",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": dave_arn}, "Action": "sts:AssumeRole"}]}),
    );
    hop.inline_policies
        .push(inline("next", allow(json!("sts:AssumeRole"), "*")));
    add_role(&mut b, hop);
    let mut top = role(
        "top",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": hop_arn}, "Action": "sts:AssumeRole"}]}),
    );
    top.attached_policies.push(AttachedPolicy {
        name: "everything".into(),
        arn: admin,
    });
    add_role(&mut b, top);
    b.user("dave").inline_policies.push(inline(
        "hop",
        allow(
            json!("sts:AssumeRole"),
            &format!("arn:aws:iam::{ACCOUNT}:role/hop"),
        ),
    ));
    let o = for_user("iam_no_privilege_escalation_paths", &b.build(), "dave");
    assert_eq!(o.status, Status::Fail, "{o:#?}");
    assert!(o.message.contains("2 step(s)"), "{}", o.message);
    assert_eq!(
        o.evidence["paths"][0]["steps"][1]["target"],
        format!("arn:aws:iam::{ACCOUNT}:role/top")
    );
}

// --- trust checks ---

#[test]
fn a_role_trusting_everyone_without_a_restricting_condition_is_public() {
    let mut b = InventoryBuilder::new();
    add_role(
        &mut b,
        role(
            "open",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringLike": {"aws:UserAgent": "*"}}}]}),
        ),
    );
    add_role(
        &mut b,
        role(
            "org-only",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]}),
        ),
    );
    let inv = b.build();
    assert_eq!(
        for_role("iam_role_trust_not_public", &inv, "open").status,
        Status::Fail
    );
    assert_eq!(
        for_role("iam_role_trust_not_public", &inv, "org-only").status,
        Status::Pass
    );
    assert_eq!(
        for_role("iam_role_trust_not_public", &inv, "support").status,
        Status::Pass
    );
}

#[test]
fn cross_account_trust_needs_an_external_id() {
    let mut b = InventoryBuilder::new();
    add_role(
        &mut b,
        role(
            "vendor",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]}),
        ),
    );
    add_role(
        &mut b,
        role(
            "vendor-ok",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "a1b2c3"}}}]}),
        ),
    );
    let inv = b.build();
    let o = for_role(
        "iam_role_cross_account_trust_has_external_id",
        &inv,
        "vendor",
    );
    assert_eq!(o.status, Status::Fail, "{o:#?}");
    assert!(o.message.contains("999988887777"));
    assert_eq!(
        for_role(
            "iam_role_cross_account_trust_has_external_id",
            &inv,
            "vendor-ok"
        )
        .status,
        Status::Pass
    );
    assert_eq!(
        for_role(
            "iam_role_cross_account_trust_has_external_id",
            &inv,
            "support"
        )
        .status,
        Status::Pass
    );
}

#[test]
fn github_oidc_trust_without_audience_and_subject_fails() {
    let mut b = InventoryBuilder::new();
    let provider =
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com");
    add_role(
        &mut b,
        role(
            "gh-any",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}]}),
        ),
    );
    add_role(
        &mut b,
        role(
            "gh-repo",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]}),
        ),
    );
    let inv = b.build();
    assert_eq!(
        for_role("iam_role_federated_trust_has_audience", &inv, "gh-any").status,
        Status::Fail
    );
    assert_eq!(
        for_role("iam_role_federated_trust_has_audience", &inv, "gh-repo").status,
        Status::Pass
    );
}

// --- iam_principal_uses_the_services_it_may_use ---

fn uses(b: &mut InventoryBuilder, arn: &str, list: &[(&str, Option<i64>)]) {
    let data = b
        .iam()
        .last_accessed
        .get_or_insert_with(|| Ok(Default::default()));
    data.as_mut().unwrap().insert(
        arn.to_owned(),
        list.iter()
            .map(|(ns, days)| crate::inventory::ServiceUse {
                namespace: (*ns).into(),
                last_authenticated: days.map(|d| now() - chrono::Duration::days(d)),
            })
            .collect(),
    );
}

#[test]
fn services_granted_but_unused_for_90_days_fail_and_used_ones_pass() {
    let mut b = InventoryBuilder::new();
    b.user("dave").inline_policies.push(inline(
        "work",
        allow(
            json!(["s3:GetObject", "dynamodb:GetItem", "sqs:SendMessage"]),
            "*",
        ),
    ));
    b.user("erin")
        .inline_policies
        .push(inline("work", allow(json!(["s3:GetObject"]), "*")));
    uses(
        &mut b,
        &user_arn("dave"),
        &[("s3", Some(3)), ("dynamodb", Some(200)), ("sqs", None)],
    );
    uses(&mut b, &user_arn("erin"), &[("s3", Some(10))]);
    let inv = b.build();
    let dave = for_user("iam_principal_uses_the_services_it_may_use", &inv, "dave");
    assert_eq!(dave.status, Status::Fail, "{dave:#?}");
    assert_eq!(dave.evidence["unused_services"], json!(["dynamodb", "sqs"]));
    assert_eq!(
        for_user("iam_principal_uses_the_services_it_may_use", &inv, "erin").status,
        Status::Pass
    );
}

#[test]
fn without_the_last_accessed_report_nothing_is_judged() {
    assert!(
        run(
            "iam_principal_uses_the_services_it_may_use",
            &InventoryBuilder::new().build()
        )
        .is_empty()
    );
}

// --- resource policies shared outside the account ---

#[test]
fn resource_policies_naming_other_accounts_or_unconditioned_services_fail() {
    use crate::inventory::{SnsRegion, Topic};
    let mut b = InventoryBuilder::new();
    let home = b.home();
    let mut region = crate::testing::apigateway::region(ACCOUNT, "us-east-1");
    region.rest_apis[0].policy = Ok(Some(
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "execute-api:Invoke", "Resource": "*"}]}),
    ));
    let mut broken = crate::testing::apigateway::rest_api(ACCOUNT, "us-east-1", "zz", "broken");
    broken.policy = Ok(Some(
        json!({"Statement": [{"Effect": "Allow", "Action": 7}]}),
    ));
    region.rest_apis.push(broken);
    b.inventory().apigateway = Some([(home.clone(), Ok(region))].into_iter().collect());
    let topic = |name: &str, condition: serde_json::Value| Topic {
        arn: format!("arn:aws:sns:us-east-1:{ACCOUNT}:{name}"),
        policy: Ok(Some(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*", "Condition": condition}]}),
        )),
    };
    b.inventory().sns = Some(
        [(
            home,
            Ok(SnsRegion {
                topics: vec![
                    topic("loose", json!({})),
                    topic(
                        "scoped",
                        json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
                    ),
                ],
            }),
        )]
        .into_iter()
        .collect(),
    );
    let vault_arn = format!("arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/archive");
    b.inventory().glacier = Some(
        [(
            b.home(),
            Ok(crate::inventory::GlacierRegion {
                vaults: vec![crate::inventory::Vault {
                    arn: vault_arn.clone(),
                    name: "archive".into(),
                    policy: Ok(Some(json!({"Version": "2012-10-17", "Statement": [{"Sid": "Auditor", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444433332222:role/auditor"}, "Action": "glacier:InitiateJob", "Resource": vault_arn}]}))),
                    lock: Ok(None),
                    notifications: Ok(None),
                }],
            }),
        )]
        .into_iter()
        .collect(),
    );
    let inv = b.build();
    let id = "iam_resource_policies_not_shared_outside_account";
    let vault = only(id, &inv, ":vaults/archive");
    assert_eq!(vault.status, Status::Fail);
    assert!(vault.message.contains("444433332222"), "{}", vault.message);
    assert_eq!(vault.resource_type, "AwsGlacierVault");
    let api = only(id, &inv, "/restapis/a1b2c3d4e5");
    assert_eq!(api.status, Status::Fail);
    assert!(api.message.contains("999988887777"), "{}", api.message);
    assert!(api.message.contains("Partner"), "{}", api.message);
    assert_eq!(api.resource_type, "AwsApiGatewayRestApi");
    let loose = only(id, &inv, ":loose");
    assert_eq!(loose.status, Status::Fail);
    assert!(
        loose.message.contains("events.amazonaws.com"),
        "{}",
        loose.message
    );
    assert_eq!(only(id, &inv, ":scoped").status, Status::Pass);
    assert_eq!(only(id, &inv, "/restapis/zz").status, Status::Error);
}
