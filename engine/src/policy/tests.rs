//! Parser, printer and evaluator tests, the round-trip property, and the harness of the
//! JSON test-vector corpus (`engine/tests/data/policy-vectors/`).

use super::*;
use proptest::prelude::*;
use serde_json::{Value, json};

mod corpus;

fn policy(doc: Value) -> Policy {
    match parse_value(&doc) {
        Ok(p) => p,
        Err(e) => panic!("{doc} did not parse: {e}"),
    }
}

fn error(doc: Value) -> PolicyError {
    match parse_value(&doc) {
        Ok(p) => panic!("{doc} parsed as {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn a_full_policy_parses_into_the_typed_model() {
    let p = policy(json!({
        "Version": "2012-10-17",
        "Id": "bucket-policy",
        "Statement": [{
            "Sid": "Read",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::b/*"],
            "Condition": {
                "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "team*"},
                "NumericLessThan": {"s3:max-keys": 10},
                "Bool": {"aws:SecureTransport": true}
            }
        }, {
            "Effect": "Deny",
            "NotPrincipal": "*",
            "NotAction": ["iam:*"],
            "NotResource": "arn:aws:s3:::b"
        }]
    }));
    assert_eq!(p.version, Some(Version::V2012_10_17));
    assert_eq!(p.id.as_deref(), Some("bucket-policy"));
    let [first, second] = p.statements.as_slice() else {
        panic!("two statements expected: {p:?}")
    };
    assert_eq!(first.path(), "Statement[0]");
    assert_eq!(first.sid.as_deref(), Some("Read"));
    assert_eq!(
        first.principal,
        Some(PrincipalSpec {
            negated: false,
            principals: Principals::Typed(vec![
                (
                    PrincipalType::Aws,
                    vec!["arn:aws:iam::111122223333:root".to_owned()]
                ),
                (PrincipalType::Service, vec!["ec2.amazonaws.com".to_owned()]),
            ]),
        })
    );
    let operators: Vec<String> = first
        .conditions
        .iter()
        .map(|c| c.operator.to_string())
        .collect();
    assert_eq!(
        operators,
        [
            "Bool",
            "ForAnyValue:StringLikeIfExists",
            "IpAddress",
            "NumericLessThan"
        ]
    );
    assert_eq!(first.conditions[0].values, ["true"]);
    assert_eq!(first.conditions[3].values, ["10"]);
    assert_eq!(second.effect, Effect::Deny);
    assert!(second.action.negated);
    assert_eq!(second.resource.as_ref().map(|r| r.negated), Some(true));
    assert_eq!(
        second
            .principal
            .as_ref()
            .map(|p| (p.negated, &p.principals)),
        Some((true, &Principals::Any))
    );
}

#[test]
fn a_single_statement_object_is_a_one_statement_list() {
    let p = policy(json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}));
    assert_eq!(p.version, None);
    assert_eq!(p.statements.len(), 1);
    assert_eq!(p.statements[0].path(), "Statement[0]");
}

#[test]
fn url_encoded_documents_are_decoded() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A\
                   %22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let decoded = parse_policy(encoded);
    let raw = parse_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    assert!(decoded.is_ok());
    assert_eq!(decoded, raw);
}

#[test]
fn raw_json_with_percent_signs_is_not_decoded() {
    let p = parse_policy(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/%41"}}"#,
    );
    let Ok(p) = p else { panic!("{p:?}") };
    assert_eq!(
        p.statements[0]
            .resource
            .as_ref()
            .map(|r| r.patterns.clone()),
        Some(vec!["arn:aws:s3:::b/%41".to_owned()])
    );
}

#[test]
fn effect_is_case_sensitive_and_the_error_says_where() {
    let e = error(json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "allow", "Action": "*", "Resource": "*"}
    ]}));
    assert_eq!(e.path, "$.Statement[1].Effect");
    assert_eq!(
        e.to_string(),
        "at `$.Statement[1].Effect`: expected \"Allow\" or \"Deny\", found \"allow\""
    );
}

#[test]
fn unknown_keys_are_rejected_at_the_top_and_in_statements() {
    let e = error(json!({"Statement": [], "Extra": 1}));
    assert_eq!(e.path, "$.Extra");
    assert_eq!(e.found, "unknown key \"Extra\"");
    let e = error(json!({"Statement": {"Effect": "Allow", "Actions": "*"}}));
    assert_eq!(e.path, "$.Statement.Actions");
}

#[test]
fn action_and_its_negation_are_exclusive_and_one_is_required() {
    let e = error(json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}));
    assert_eq!(
        (e.path.as_str(), e.found.as_str()),
        ("$.Statement[0]", "neither")
    );
    let e = error(json!({"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}));
    assert_eq!(
        (e.path.as_str(), e.found.as_str()),
        ("$.Statement[0]", "both")
    );
    let e = error(json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}
    ]}));
    assert_eq!(e.found, "both");
    let e = error(json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": "*"}
    ]}));
    assert_eq!(e.found, "both");
}

#[test]
fn unknown_condition_operators_are_named() {
    let e = error(
        json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"StringEqualz": {"aws:username": "a"}}}]}),
    );
    assert_eq!(e.path, "$.Statement[0].Condition.StringEqualz");
    assert!(e.to_string().contains("\"StringEqualz\""), "{e}");
    let e = error(json!({"Statement": [{"Effect": "Allow", "Action": "*",
        "Condition": {"NullIfExists": {"k": "true"}}}]}));
    assert!(e.to_string().contains("NullIfExists"), "{e}");
}

#[test]
fn malformed_values_are_rejected_with_their_kind() {
    let cases = [
        (json!("not an object"), "$", "\"not an object\""),
        (
            json!({"Version": "2012-10-18", "Statement": []}),
            "$.Version",
            "\"2012-10-18\"",
        ),
        (json!({}), "$", "nothing"),
        (json!({"Statement": 3}), "$.Statement", "the number 3"),
        (
            json!({"Statement": {"Effect": "Allow", "Action": []}}),
            "$.Statement.Action",
            "an array",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", 1]}}),
            "$.Statement.Action[1]",
            "the number 1",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Principal": "x"}}),
            "$.Statement.Principal",
            "\"x\"",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"Group": "g"}}}),
            "$.Statement.Principal.Group",
            "unknown key \"Group\"",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"k": null}}}}),
            "$.Statement.Condition.Bool.k",
            "null",
        ),
        (
            json!({"Statement": {"Action": "*"}}),
            "$.Statement.Effect",
            "nothing",
        ),
    ];
    for (doc, path, found) in cases {
        let e = error(doc.clone());
        assert_eq!(
            (e.path.as_str(), e.found.as_str()),
            (path, found),
            "{doc}: {e}"
        );
    }
}

#[test]
fn invalid_json_and_invalid_utf8_after_decoding_are_errors() {
    assert!(
        matches!(parse_policy("{\"Statement\": ["), Err(PolicyError { path, .. }) if path == "$")
    );
    assert!(parse_policy("%FF%FE").is_err());
    assert!(parse_policy("").is_err());
}

#[test]
fn condition_operator_names_ignore_case_but_may_not_repeat() {
    let p = policy(json!({"Statement": {"Effect": "Allow", "Action": "*",
        "Condition": {"stringequals": {"k": "v"}}}}));
    assert_eq!(
        p.statements[0].conditions[0].operator.to_string(),
        "StringEquals"
    );
    let e = error(json!({"Statement": {"Effect": "Allow", "Action": "*",
        "Condition": {"stringequals": {"k": "v"}, "StringEquals": {"j": "w"}}}}));
    assert!(e.to_string().contains("second `StringEquals`"), "{e}");
}

#[test]
fn printing_gives_the_canonical_form() {
    let p = policy(
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"forallvalues:stringlike": {"aws:TagKeys": "a*"}}}}),
    );
    assert_eq!(
        print(&p),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:GetObject"], "Resource": ["*"],
            "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["a*"]}}}]})
    );
}

#[test]
fn statement_helpers_answer_narrow_questions() {
    let p = policy(
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/path/deploy"},
        "Action": "S3:Get*", "Resource": "arn:aws:s3:::home/${aws:username}/*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}),
    );
    let s = &p.statements[0];
    let ctx = Context::new()
        .with("aws:username", "alice")
        .with("aws:MultiFactorAuthPresent", "true");
    assert!(s.matches_action("s3:getobject"));
    assert!(!s.matches_action("s3:PutObject"));
    assert!(s.matches_resource("arn:aws:s3:::home/alice/x", &ctx));
    assert!(!s.matches_resource("arn:aws:s3:::home/bob/x", &ctx));
    assert!(s.conditions_hold(&ctx));
    assert!(!s.conditions_hold(&Context::new()));
    assert!(s.principal_matches(&Principal::from_arn(
        "arn:aws:sts::111122223333:assumed-role/deploy/ci"
    )));
    assert!(!s.principal_matches(&Principal::from_arn(
        "arn:aws:iam::111122223333:user/deploy"
    )));
}

#[test]
fn principals_are_read_from_arns() {
    let p = Principal::from_arn("arn:aws:sts::111122223333:assumed-role/admin/alice");
    assert_eq!(p.kind, PrincipalKind::AssumedRole);
    assert_eq!(p.account_id.as_deref(), Some("111122223333"));
    assert_eq!(
        p.role_arn().as_deref(),
        Some("arn:aws:iam::111122223333:role/admin")
    );
    assert_eq!(
        Principal::from_arn("arn:aws:iam::111122223333:root").kind,
        PrincipalKind::Root
    );
    assert_eq!(
        Principal::from_arn("111122223333").kind,
        PrincipalKind::Root
    );
    assert_eq!(
        Principal::from_arn("ec2.amazonaws.com").kind,
        PrincipalKind::Service
    );
    assert_eq!(Principal::from_arn("*").kind, PrincipalKind::Anonymous);
}

#[test]
fn variables_are_literal_text_in_2008_policies() {
    let doc = |version: &str| {
        policy(
            json!({"Version": version, "Statement": {"Effect": "Allow", "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/${aws:username}"}}),
        )
    };
    let set = |p: Policy| PolicySet {
        identity: vec![("p".to_owned(), p)],
        ..PolicySet::default()
    };
    let alice = Principal::from_arn("arn:aws:iam::111122223333:user/alice");
    let literal = Request::new(
        alice.clone(),
        "s3:GetObject",
        "arn:aws:s3:::b/${aws:username}",
    );
    let real = Request::new(alice, "s3:GetObject", "arn:aws:s3:::b/alice");
    assert_eq!(
        evaluate(&real, &set(doc("2012-10-17"))).outcome,
        Outcome::Allow
    );
    assert_eq!(
        evaluate(&real, &set(doc("2008-10-17"))).outcome,
        Outcome::ImplicitDeny
    );
    assert_eq!(
        evaluate(&literal, &set(doc("2008-10-17"))).outcome,
        Outcome::Allow
    );
}

fn arb_operator() -> impl Strategy<Value = Operator> {
    (
        prop::sample::select(OperatorFamily::ALL),
        any::<bool>(),
        prop::option::of(prop::sample::select(SetQualifier::ALL.to_vec())),
    )
        .prop_map(|(family, if_exists, set_qualifier)| Operator {
            family,
            if_exists: if_exists && family != OperatorFamily::Null,
            set_qualifier,
        })
}

fn arb_strings() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-zA-Z0-9:/*?${}' ]{0,12}", 1..4)
}

fn arb_statement() -> impl Strategy<Value = Statement> {
    let principal = prop::option::of((
        any::<bool>(),
        prop_oneof![
            Just(Principals::Any),
            prop::collection::btree_map(
                prop::sample::select(PrincipalType::ALL.to_vec()),
                arb_strings(),
                1..4
            )
            .prop_map(|m| Principals::Typed(m.into_iter().collect())),
        ],
    ))
    .prop_map(|p| {
        p.map(|(negated, principals)| PrincipalSpec {
            negated,
            principals,
        })
    });
    let clauses = prop::collection::vec(("[a-zA-Z:/]{1,8}", arb_operator(), arb_strings()), 0..5)
        .prop_map(|list| {
            let mut clauses: Vec<ConditionClause> = list
                .into_iter()
                .map(|(key, operator, values)| ConditionClause {
                    operator,
                    key,
                    values,
                })
                .collect();
            clauses.sort_by(|a, b| {
                (a.operator.to_string(), &a.key).cmp(&(b.operator.to_string(), &b.key))
            });
            clauses.dedup_by(|a, b| a.operator == b.operator && a.key == b.key);
            clauses
        });
    (
        prop::option::of("[a-zA-Z0-9]{0,8}"),
        prop::bool::ANY.prop_map(|deny| if deny { Effect::Deny } else { Effect::Allow }),
        principal,
        (any::<bool>(), arb_strings()),
        prop::option::of((any::<bool>(), arb_strings())),
        clauses,
    )
        .prop_map(
            |(sid, effect, principal, (an, actions), resource, conditions)| Statement {
                index: 0,
                sid,
                effect,
                principal,
                action: ActionSpec {
                    negated: an,
                    patterns: actions,
                },
                resource: resource.map(|(negated, patterns)| ResourceSpec { negated, patterns }),
                conditions,
            },
        )
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        prop::option::of(prop::sample::select(vec![
            Version::V2012_10_17,
            Version::V2008_10_17,
        ])),
        prop::option::of("[a-zA-Z0-9-]{0,8}"),
        prop::collection::vec(arb_statement(), 0..4),
    )
        .prop_map(|(version, id, mut statements)| {
            for (i, s) in statements.iter_mut().enumerate() {
                s.index = i;
            }
            Policy {
                version,
                id,
                statements,
            }
        })
}

proptest! {
    #[test]
    fn parsing_the_printed_form_gives_the_policy_back(p in arb_policy()) {
        prop_assert_eq!(parse_value(&print(&p)), Ok(p));
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(text in "\\PC{0,64}") {
        let _ = parse_policy(&text);
    }

    #[test]
    fn the_parser_never_panics_on_policy_shaped_text(
        text in r#"\{("(Version|Statement|Effect|Action|Principal|AWS|Condition|Null|Bool)"|[:,\[\]{}"*]|"2012-10-17"){0,24}"#
    ) {
        let _ = parse_policy(&text);
    }
}
