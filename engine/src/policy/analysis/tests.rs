//! Tests of the account analyses: admin detection, escalation paths, exposure, permission
//! summaries and least privilege, each with positive and negative cases.

use serde_json::{Value, json};

use super::super::catalog::Catalog;
use super::super::{Policy, parse_value};
use super::*;

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn policy(doc: Value) -> Policy {
    match parse_value(&doc) {
        Ok(p) => p,
        Err(e) => panic!("{doc} did not parse: {e}"),
    }
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

fn doc(label: &str, via: Via, body: Value) -> AttachedDoc {
    AttachedDoc {
        label: label.to_owned(),
        via,
        policy: policy(body),
    }
}

fn administrator_access() -> AttachedDoc {
    doc(ADMIN_POLICY, Via::Attached, allow(json!("*"), json!("*")))
}

fn arn(kind: EntityKind, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{}/{name}", kind.as_str())
}

fn entity(kind: EntityKind, name: &str, docs: Vec<AttachedDoc>) -> PrincipalEntity {
    let mut e = PrincipalEntity::new(kind, &arn(kind, name), name);
    e.policies = docs;
    e
}

fn inline(kind: EntityKind, name: &str, body: Value) -> AttachedDoc {
    doc(
        &format!("inline:{}/{name}/p", kind.as_str()),
        Via::Inline,
        body,
    )
}

fn user(name: &str, docs: Vec<AttachedDoc>) -> PrincipalEntity {
    entity(EntityKind::User, name, docs)
}

fn role(name: &str, trust: Value, docs: Vec<AttachedDoc>) -> PrincipalEntity {
    let mut e = entity(EntityKind::Role, name, docs);
    e.trust_policy = Some(policy(trust));
    e
}

fn trust(principal: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
}

fn model(principals: Vec<PrincipalEntity>) -> AccountModel {
    AccountModel {
        account_id: ACCOUNT.to_owned(),
        principals,
        resource_policies: Vec::new(),
    }
}

fn admin_of<'a>(found: &'a [AdminFinding], name: &str) -> Option<&'a AdminFinding> {
    found.iter().find(|a| a.name == name)
}

// ---- Admin-equivalent principals ----

#[test]
fn administrator_access_makes_a_user_admin_with_full_access() {
    let m = model(vec![user("alice", vec![administrator_access()])]);
    let found = admin_principals(&m);
    let alice = admin_of(&found, "alice").expect("alice is admin");
    assert_eq!(alice.basis, AdminBasis::FullAccess);
    assert!(!alice.conditional);
    assert_eq!(alice.kind, EntityKind::User);
    let (_, refs) = &alice.evidence[0];
    assert_eq!(refs[0].policy, ADMIN_POLICY);
    assert_eq!(refs[0].index, 0);
}

#[test]
fn a_read_only_user_is_not_admin() {
    let m = model(vec![user(
        "reader",
        vec![inline(
            EntityKind::User,
            "reader",
            allow(json!(["s3:Get*", "ec2:Describe*", "iam:Get*"]), json!("*")),
        )],
    )]);
    assert!(admin_principals(&m).is_empty());
}

#[test]
fn not_action_iam_on_everything_is_broad_but_not_admin() {
    let body = json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]});
    let m = model(vec![user(
        "power",
        vec![inline(EntityKind::User, "power", body)],
    )]);
    assert!(admin_principals(&m).is_empty());
    let summary = &permission_summaries(&m)[&arn(EntityKind::User, "power")];
    assert!(summary.total_actions > Catalog::get().len() * 9 / 10);
    assert!(!summary.by_service.contains_key("iam"));
}

#[test]
fn not_action_with_a_tiny_exclusion_list_is_admin() {
    let body = json!({"Statement": [{"Effect": "Allow", "NotAction": ["account:CloseAccount"], "Resource": "*"}]});
    let m = model(vec![user(
        "almost",
        vec![inline(EntityKind::User, "almost", body)],
    )]);
    let found = admin_principals(&m);
    assert_eq!(
        admin_of(&found, "almost").map(|a| a.basis),
        Some(AdminBasis::FullAccess)
    );
}

#[test]
fn iam_policy_wildcard_on_everything_is_admin_equivalent_by_permission_management() {
    let m = model(vec![role(
        "ops",
        trust(json!({"Service": "ec2.amazonaws.com"})),
        vec![inline(
            EntityKind::Role,
            "ops",
            allow(json!("iam:*Policy*"), json!("*")),
        )],
    )]);
    let found = admin_principals(&m);
    let ops = admin_of(&found, "ops").expect("ops is admin-equivalent");
    assert_eq!(ops.basis, AdminBasis::PermissionsManagement);
    assert_eq!(ops.kind, EntityKind::Role);
    assert!(
        ops.evidence
            .iter()
            .any(|(a, _)| *a == "iam:AttachRolePolicy")
    );
}

#[test]
fn an_admin_policy_under_a_read_only_boundary_is_not_admin() {
    let mut bounded = user("bounded", vec![administrator_access()]);
    bounded.boundary = Some(doc(
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        Via::Attached,
        allow(json!(["s3:Get*", "s3:List*", "ec2:Describe*"]), json!("*")),
    ));
    let m = model(vec![bounded]);
    assert!(admin_principals(&m).is_empty());
    let summary = &permission_summaries(&m)[&arn(EntityKind::User, "bounded")];
    assert!(summary.by_service.keys().all(|s| s == "s3" || s == "ec2"));
}

#[test]
fn an_explicit_deny_on_iam_removes_admin() {
    let deny = json!({"Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]});
    let m = model(vec![user(
        "denied",
        vec![
            administrator_access(),
            inline(EntityKind::User, "denied", deny),
        ],
    )]);
    assert!(admin_principals(&m).is_empty());
}

#[test]
fn a_user_inheriting_administrator_access_from_a_group_is_admin() {
    let group_doc = doc(
        &format!("group:admins/{ADMIN_POLICY}"),
        Via::Group("admins".to_owned()),
        allow(json!("*"), json!("*")),
    );
    let group = entity(EntityKind::Group, "admins", vec![administrator_access()]);
    let m = model(vec![group, user("bob", vec![group_doc])]);
    let found = admin_principals(&m);
    let bob = admin_of(&found, "bob").expect("bob is admin through his group");
    assert_eq!(
        bob.evidence[0].1[0].policy,
        format!("group:admins/{ADMIN_POLICY}")
    );
    assert_eq!(
        admin_of(&found, "admins").map(|a| a.kind),
        Some(EntityKind::Group)
    );
}

#[test]
fn an_admin_grant_that_requires_mfa_is_reported_as_conditional() {
    let body = json!({"Statement": [{
        "Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    }]});
    let m = model(vec![user(
        "mfa",
        vec![inline(EntityKind::User, "mfa", body)],
    )]);
    let found = admin_principals(&m);
    let mfa = admin_of(&found, "mfa").expect("admin with MFA");
    assert!(mfa.conditional);
    assert_eq!(mfa.basis, AdminBasis::FullAccess);
}

#[test]
fn a_deny_unless_mfa_makes_admin_conditional() {
    let deny = json!({"Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    }]});
    let m = model(vec![user(
        "careful",
        vec![
            administrator_access(),
            inline(EntityKind::User, "careful", deny),
        ],
    )]);
    let found = admin_principals(&m);
    assert!(
        admin_of(&found, "careful")
            .expect("conditional admin")
            .conditional
    );
}

// ---- Privilege escalation ----

fn lambda_deployer(trusted: &str) -> AccountModel {
    let deployer = user(
        "dev",
        vec![inline(
            EntityKind::User,
            "dev",
            allow(
                json!([
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:InvokeFunction"
                ]),
                json!("*"),
            ),
        )],
    );
    let admin_role = role(
        "fn-admin",
        trust(json!({"Service": trusted})),
        vec![administrator_access()],
    );
    model(vec![deployer, admin_role])
}

#[test]
fn pass_role_with_lambda_create_and_invoke_reaches_a_lambda_trusted_admin_role() {
    let m = lambda_deployer("lambda.amazonaws.com");
    let paths = escalation_paths(&m);
    let path = paths
        .iter()
        .find(|p| p.from.ends_with("user/dev"))
        .expect("a path");
    assert_eq!(path.reaches, arn(EntityKind::Role, "fn-admin"));
    assert_eq!(path.steps.len(), 1);
    let step = &path.steps[0];
    assert_eq!(step.technique, "PassRole to Lambda");
    assert_eq!(
        step.actions,
        [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
            "sts:AssumeRole"
        ]
    );
    assert!(
        step.granted_by
            .iter()
            .any(|r| r.policy == "inline:user/dev/p")
    );
    assert!(
        step.granted_by
            .iter()
            .any(|r| r.policy.starts_with("trust:"))
    );
}

#[test]
fn pass_role_with_lambda_gives_no_path_when_the_admin_role_trusts_only_ec2() {
    let m = lambda_deployer("ec2.amazonaws.com");
    assert!(escalation_paths(&m).is_empty());
}

#[test]
fn pass_role_with_run_instances_reaches_an_ec2_trusted_admin_role() {
    let dev = user(
        "dev",
        vec![inline(
            EntityKind::User,
            "dev",
            allow(json!(["iam:PassRole", "ec2:RunInstances"]), json!("*")),
        )],
    );
    let admin_role = role(
        "box",
        trust(json!({"Service": "ec2.amazonaws.com"})),
        vec![administrator_access()],
    );
    let paths = escalation_paths(&model(vec![dev, admin_role]));
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].steps[0].technique, "PassRole to EC2");
}

#[test]
fn an_assume_role_chain_from_a_through_b_reaches_the_admin_role() {
    let b_arn = arn(EntityKind::Role, "b");
    let admin_arn = arn(EntityKind::Role, "top");
    let a = user(
        "a",
        vec![inline(
            EntityKind::User,
            "a",
            allow(json!("sts:AssumeRole"), json!(b_arn)),
        )],
    );
    let b = role(
        "b",
        trust(json!({"AWS": arn(EntityKind::User, "a")})),
        vec![inline(
            EntityKind::Role,
            "b",
            allow(json!("sts:AssumeRole"), json!(admin_arn)),
        )],
    );
    let top = role(
        "top",
        trust(json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")})),
        vec![administrator_access()],
    );
    let paths = escalation_paths(&model(vec![a, b, top]));
    let from_a = paths
        .iter()
        .find(|p| p.from.ends_with("user/a"))
        .expect("path from a");
    let targets: Vec<&str> = from_a.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(targets, [b_arn.as_str(), admin_arn.as_str()]);
    assert!(from_a.steps.iter().all(|s| s.technique == "AssumeRole"));
    assert_eq!(from_a.reaches, admin_arn);
    let from_b = paths.iter().find(|p| p.from == b_arn).expect("path from b");
    assert_eq!(from_b.steps.len(), 1);
}

#[test]
fn assume_role_without_the_trust_policy_allowing_the_caller_is_no_path() {
    let a = user(
        "a",
        vec![inline(
            EntityKind::User,
            "a",
            allow(json!("sts:AssumeRole"), json!("*")),
        )],
    );
    let top = role(
        "top",
        trust(json!({"AWS": arn(EntityKind::User, "someone-else")})),
        vec![administrator_access()],
    );
    assert!(escalation_paths(&model(vec![a, top])).is_empty());
}

#[test]
fn a_trust_naming_the_account_needs_the_identity_policy_to_allow_assume_role() {
    let a = user(
        "a",
        vec![inline(
            EntityKind::User,
            "a",
            allow(json!("s3:GetObject"), json!("*")),
        )],
    );
    let top = role(
        "top",
        trust(json!({"AWS": ACCOUNT})),
        vec![administrator_access()],
    );
    assert!(escalation_paths(&model(vec![a, top])).is_empty());
}

#[test]
fn attaching_policies_to_itself_is_a_direct_path_to_admin() {
    let me = arn(EntityKind::User, "self");
    let m = model(vec![user(
        "self",
        vec![inline(
            EntityKind::User,
            "self",
            allow(json!("iam:AttachUserPolicy"), json!(me)),
        )],
    )]);
    assert!(admin_principals(&m).is_empty());
    let paths = escalation_paths(&m);
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].reaches, "admin");
    assert_eq!(paths[0].steps[0].technique, "AttachUserPolicy");
}

#[test]
fn creating_a_version_of_its_own_customer_managed_policy_is_a_path_to_admin() {
    let policy_arn = format!("arn:aws:iam::{ACCOUNT}:policy/dev");
    let managed = doc(
        &policy_arn,
        Via::Attached,
        allow(json!("iam:CreatePolicyVersion"), json!(policy_arn)),
    );
    let paths = escalation_paths(&model(vec![user("dev", vec![managed])]));
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].steps[0].technique, "CreatePolicyVersion");
    assert_eq!(paths[0].steps[0].target, policy_arn);
}

#[test]
fn creating_an_access_key_for_an_admin_user_is_a_path_to_that_user() {
    let admin_arn = arn(EntityKind::User, "root-ish");
    let helpdesk = user(
        "helpdesk",
        vec![inline(
            EntityKind::User,
            "helpdesk",
            allow(json!("iam:CreateAccessKey"), json!(admin_arn)),
        )],
    );
    let paths = escalation_paths(&model(vec![
        helpdesk,
        user("root-ish", vec![administrator_access()]),
    ]));
    assert_eq!(paths.len(), 1, "admins get no path: {paths:?}");
    assert_eq!(paths[0].reaches, admin_arn);
    assert_eq!(paths[0].steps[0].technique, "CreateAccessKey");
}

#[test]
fn adding_itself_to_an_admin_group_is_a_path() {
    let group_arn = arn(EntityKind::Group, "admins");
    let joiner = user(
        "joiner",
        vec![inline(
            EntityKind::User,
            "joiner",
            allow(json!("iam:AddUserToGroup"), json!(group_arn)),
        )],
    );
    let group = entity(EntityKind::Group, "admins", vec![administrator_access()]);
    let paths = escalation_paths(&model(vec![joiner, group]));
    assert_eq!(paths.len(), 1);
    assert_eq!(paths[0].reaches, group_arn);
}

#[test]
fn rewriting_the_trust_policy_of_an_admin_role_is_a_path() {
    let top_arn = arn(EntityKind::Role, "top");
    let dev = user(
        "dev",
        vec![inline(
            EntityKind::User,
            "dev",
            allow(json!("iam:UpdateAssumeRolePolicy"), json!(top_arn)),
        )],
    );
    let top = role(
        "top",
        trust(json!({"Service": "ec2.amazonaws.com"})),
        vec![administrator_access()],
    );
    let paths = escalation_paths(&model(vec![dev, top]));
    assert_eq!(paths[0].steps[0].technique, "UpdateAssumeRolePolicy");
}

#[test]
fn a_principal_without_escalation_primitives_has_no_path_and_the_graph_has_a_sink() {
    let reader = user(
        "reader",
        vec![inline(
            EntityKind::User,
            "reader",
            allow(json!("s3:Get*"), json!("*")),
        )],
    );
    let m = model(vec![reader, user("boss", vec![administrator_access()])]);
    assert!(escalation_paths(&m).is_empty());
    let graph = escalation_graph(&m);
    assert_eq!(graph.nodes.len(), 3);
    assert_eq!(graph.nodes.last().map(|n| n.id.as_str()), Some("admin"));
    assert!(graph.nodes[1].admin);
    assert!(graph.edges.is_empty());
}

// ---- Exposure ----

fn bucket(statement: Value) -> AccountModel {
    let mut m = model(Vec::new());
    m.resource_policies.push(ResourcePolicy {
        kind: ResourceKind::S3Bucket,
        arn: "arn:aws:s3:::logs".to_owned(),
        policy: policy(json!({"Version": "2012-10-17", "Statement": [statement]})),
    });
    m
}

fn public_read(condition: Value) -> Value {
    json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*", "Condition": condition})
}

fn exposure_kinds(m: &AccountModel) -> Vec<Exposure> {
    exposures(m).into_iter().map(|f| f.exposure).collect()
}

#[test]
fn a_bucket_policy_open_to_everyone_is_public() {
    let m = bucket(
        json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}),
    );
    let found = exposures(&m);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].exposure, Exposure::Public);
    assert_eq!(found[0].statement.policy, "arn:aws:s3:::logs");
    assert_eq!(found[0].actions, ["s3:GetObject"]);
}

#[test]
fn a_bucket_policy_for_everyone_behind_a_vpc_endpoint_is_not_public() {
    let m = bucket(public_read(
        json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
    ));
    assert!(exposures(&m).is_empty());
}

#[test]
fn a_bucket_policy_for_everyone_with_a_user_agent_condition_is_public() {
    let m = bucket(public_read(
        json!({"StringEquals": {"aws:UserAgent": "curl/8"}}),
    ));
    assert_eq!(exposure_kinds(&m), [Exposure::Public]);
}

#[test]
fn an_organisation_condition_restricts_only_with_a_positive_literal_match() {
    let restricted = bucket(public_read(
        json!({"StringEquals": {"aws:PrincipalOrgID": "o-123"}}),
    ));
    assert!(exposures(&restricted).is_empty());
    for condition in [
        json!({"StringLike": {"aws:PrincipalOrgID": "*"}}),
        json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-123"}}),
    ] {
        let m = bucket(public_read(condition.clone()));
        assert_eq!(exposure_kinds(&m), [Exposure::Public], "{condition}");
    }
}

#[test]
fn a_source_ip_condition_restricts_unless_it_is_the_whole_internet() {
    assert!(
        exposures(&bucket(public_read(
            json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
        )))
        .is_empty()
    );
    let open = bucket(public_read(
        json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}),
    ));
    assert_eq!(exposure_kinds(&open), [Exposure::Public]);
}

#[test]
fn a_bucket_policy_granting_another_account_is_cross_account_and_its_own_account_is_not() {
    let m = bucket(
        json!({"Effect": "Allow", "Principal": {"AWS": [format!("arn:aws:iam::{OTHER}:root"), format!("arn:aws:iam::{ACCOUNT}:role/x")]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}),
    );
    assert_eq!(
        exposure_kinds(&m),
        [Exposure::CrossAccount(vec![OTHER.to_owned()])]
    );
    let own = bucket(
        json!({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}),
    );
    assert!(exposures(&own).is_empty());
}

#[test]
fn a_role_trusting_another_account_without_an_external_id_is_its_own_finding() {
    let bare = role(
        "vendor",
        trust(json!({"AWS": format!("arn:aws:iam::{OTHER}:root")})),
        Vec::new(),
    );
    assert_eq!(
        exposure_kinds(&model(vec![bare])),
        [Exposure::CrossAccountWithoutExternalId(vec![
            OTHER.to_owned()
        ])]
    );
    let with_id = role(
        "vendor",
        json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "secret-42"}}}]}),
        Vec::new(),
    );
    assert_eq!(
        exposure_kinds(&model(vec![with_id])),
        [Exposure::CrossAccount(vec![OTHER.to_owned()])]
    );
}

fn github_role(condition: Value) -> PrincipalEntity {
    let provider =
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com");
    role(
        "gha",
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]}),
        Vec::new(),
    )
}

#[test]
fn a_github_oidc_trust_without_audience_and_subject_is_federated_without_audience() {
    for condition in [
        json!({}),
        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
               "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}),
    ] {
        let kinds = exposure_kinds(&model(vec![github_role(condition.clone())]));
        assert!(
            matches!(kinds.as_slice(), [Exposure::FederatedWithoutAudience(_)]),
            "{condition}: {kinds:?}"
        );
    }
}

#[test]
fn a_github_oidc_trust_pinned_to_audience_and_repository_is_not_exposed() {
    let condition = json!({
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:*"}
    });
    assert!(exposures(&model(vec![github_role(condition)])).is_empty());
}

#[test]
fn service_principals_are_not_public_and_only_resource_policies_flag_missing_source_conditions() {
    let lambda_role = role(
        "fn",
        trust(json!({"Service": "lambda.amazonaws.com"})),
        Vec::new(),
    );
    assert!(exposures(&model(vec![lambda_role])).is_empty());
    let topic = |condition: Value| {
        let mut m = model(Vec::new());
        m.resource_policies.push(ResourcePolicy {
            kind: ResourceKind::SnsTopic,
            arn: format!("arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"),
            policy: policy(json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "sns:Publish", "Resource": "*", "Condition": condition}]})),
        });
        exposure_kinds(&m)
    };
    assert_eq!(
        topic(json!({})),
        [Exposure::ServiceWithoutSourceCondition(
            "cloudtrail.amazonaws.com".to_owned()
        )]
    );
    assert!(topic(json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}})).is_empty());
}

// ---- Permission summary and least privilege ----

#[test]
fn a_summary_counts_actions_by_service_and_level_minus_denies() {
    let body = json!({"Statement": [
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
        {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:*:*:table/t"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
    ]});
    let summary = permission_summary(&user("u", vec![inline(EntityKind::User, "u", body)]));
    let s3_get = Catalog::get().expand("s3:Get*").count();
    let s3 = summary.by_service["s3"];
    assert_eq!(s3.total(), s3_get - 1);
    assert_eq!(s3.write, 0);
    assert_eq!(summary.by_service["dynamodb"].write, 1);
    assert_eq!(summary.total_actions, s3_get);
    assert_eq!(summary.unrestricted_resource_actions, s3_get - 1);
}

#[test]
fn customer_managed_policies_with_service_wildcards_are_flagged_once() {
    let managed = format!("arn:aws:iam::{ACCOUNT}:policy/broad");
    let broad = || {
        doc(
            &managed,
            Via::Attached,
            allow(json!(["s3:*", "ec2:DescribeInstances"]), json!("*")),
        )
    };
    let m = model(vec![
        user("a", vec![broad(), administrator_access()]),
        user(
            "b",
            vec![
                broad(),
                inline(EntityKind::User, "b", allow(json!("*"), json!("*"))),
            ],
        ),
    ]);
    let found = wildcard_policies(&m);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].policy_arn, managed);
    assert_eq!(found[0].patterns, ["s3:*"]);
}

#[test]
fn customer_managed_policies_with_specific_actions_are_not_flagged() {
    let managed = format!("arn:aws:iam::{ACCOUNT}:policy/narrow");
    let narrow = doc(
        &managed,
        Via::Attached,
        allow(json!(["s3:Get*", "s3:ListBucket"]), json!("*")),
    );
    assert!(wildcard_policies(&model(vec![user("a", vec![narrow])])).is_empty());
}

#[test]
fn granted_services_never_used_are_reported_when_last_accessed_data_exists() {
    let mut u = user(
        "u",
        vec![inline(
            EntityKind::User,
            "u",
            allow(json!(["s3:GetObject", "ec2:DescribeInstances"]), json!("*")),
        )],
    );
    u.last_accessed = Some(vec![
        ServiceLastAccessed {
            namespace: "s3".to_owned(),
            last_authenticated: chrono::DateTime::from_timestamp(1_700_000_000, 0),
        },
        ServiceLastAccessed {
            namespace: "ec2".to_owned(),
            last_authenticated: None,
        },
    ]);
    let no_data = user(
        "v",
        vec![inline(
            EntityKind::User,
            "v",
            allow(json!("ec2:DescribeInstances"), json!("*")),
        )],
    );
    let m = model(vec![u, no_data]);
    let found = unused_services(&m, &permission_summaries(&m));
    assert_eq!(
        found,
        [UnusedServices {
            arn: arn(EntityKind::User, "u"),
            services: vec!["ec2".to_owned()]
        }]
    );
}

#[test]
fn analyse_runs_every_analysis_on_one_account() {
    let mut m = lambda_deployer("lambda.amazonaws.com");
    m.resource_policies = bucket(public_read(json!({}))).resource_policies;
    let result = analyse(&m);
    assert_eq!(result.admins.len(), 1);
    assert_eq!(result.escalations.len(), 1);
    assert_eq!(result.exposures.len(), 1);
    assert_eq!(result.summaries.len(), 2);
}
