use super::eval::wildcard;
use super::*;
use proptest::prelude::*;
use serde_json::json;

fn p(s: &str) -> FilterPattern {
    parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

#[test]
fn simple_equality_matches_the_field() {
    let f = p(r#"{ $.eventName = "DeleteTrail" }"#);
    assert!(f.matches_json(&json!({"eventName": "DeleteTrail"})));
    assert!(!f.matches_json(&json!({"eventName": "CreateTrail"})));
    assert!(!f.matches_json(&json!({})));
}

#[test]
fn bare_and_quoted_values_are_the_same_string() {
    assert_eq!(
        p("{ $.eventName = DeleteTrail }"),
        p(r#"{$.eventName="DeleteTrail"}"#)
    );
}

#[test]
fn reordered_clauses_with_extra_parentheses_and_spacing_still_match() {
    let a = p("{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }");
    let b = p("{\n  (($.eventName=DeleteTrail))\n  ||\n  ($.eventName   =   CreateTrail)\n}");
    for ev in [
        json!({"eventName": "CreateTrail"}),
        json!({"eventName": "DeleteTrail"}),
        json!({"eventName": "X"}),
    ] {
        assert_eq!(a.matches_json(&ev), b.matches_json(&ev));
    }
}

#[test]
fn and_binds_tighter_than_or() {
    let f = p("{ $.a = 1 || $.b = 2 && $.c = 3 }");
    assert!(f.matches_json(&json!({"a": 1})));
    assert!(!f.matches_json(&json!({"b": 2})));
    assert!(f.matches_json(&json!({"b": 2, "c": 3})));
}

#[test]
fn wildcards_match_prefixes_suffixes_and_middles() {
    let f = p(r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#);
    assert!(f.matches_json(&json!({"errorCode": "Client.UnauthorizedOperation"})));
    assert!(f.matches_json(&json!({"errorCode": "AccessDeniedException"})));
    assert!(!f.matches_json(&json!({"errorCode": "ThrottlingException"})));
    assert!(p("{ $.x = * }").matches_json(&json!({"x": "anything"})));
    assert!(!p("{ $.x = * }").matches_json(&json!({})));
    assert!(wildcard("a*b*c", "aXbYc") && !wildcard("a*b*c", "aXcYb"));
}

#[test]
fn not_equal_on_a_missing_field_is_true_and_equal_is_false() {
    let ne = p(r#"{ $.eventType != "AwsServiceEvent" }"#);
    assert!(ne.matches_json(&json!({})));
    assert!(!ne.matches_json(&json!({"eventType": "AwsServiceEvent"})));
    assert!(ne.matches_json(&json!({"eventType": "AwsApiCall"})));
}

#[test]
fn not_exists_is_null_and_booleans() {
    let f = p("{ $.userIdentity.invokedBy NOT EXISTS }");
    assert!(f.matches_json(&json!({"userIdentity": {"type": "Root"}})));
    assert!(!f.matches_json(&json!({"userIdentity": {"invokedBy": "s3.amazonaws.com"}})));
    assert!(p("{ $.x IS NULL }").matches_json(&json!({"x": null})));
    assert!(!p("{ $.x IS NULL }").matches_json(&json!({})));
    assert!(p("{ $.readOnly IS FALSE }").matches_json(&json!({"readOnly": false})));
    assert!(p("{ $.readOnly is true }").matches_json(&json!({"readOnly": true})));
}

#[test]
fn numeric_comparisons_and_array_indexes() {
    let f = p("{ $.resources[0].size >= 1000 && $.bytes < 5.5 }");
    assert!(f.matches_json(&json!({"resources": [{"size": 1000}], "bytes": 3})));
    assert!(!f.matches_json(&json!({"resources": [{"size": 999}], "bytes": 3})));
    assert!(!f.matches_json(&json!({"resources": [], "bytes": 3})));
    assert!(p("{ $.code = 403 }").matches_json(&json!({"code": 403})));
    assert!(p("{ $.code != 403 }").matches_json(&json!({"code": 404})));
}

#[test]
fn unbalanced_parenthesis_is_a_parse_error_with_offset() {
    let e = parse("{ ($.a = 1 }").unwrap_err();
    assert_eq!(e.offset, 11);
    assert!(e.to_string().contains("expected `)`"), "{e}");
}

#[test]
fn malformed_patterns_are_errors_not_panics() {
    for bad in [
        "{",
        "{ }",
        "{ $.a }",
        "{ $ = 1 }",
        "{ $.a = }",
        "{ $.a < x }",
        "{ $.a = \"open }",
        "{ $.a = 1 } trailing",
        "{ $.a[x] = 1 }",
        "{ $.a IS MAYBE }",
        "{ $.a NOT THERE }",
        "[a, b",
        "[, ]",
        "{ $.a = 1 && }",
        "{ $.é = 1 &&& $.b = 2 }",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn deep_nesting_is_refused_instead_of_overflowing() {
    let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(10_000), ")".repeat(10_000));
    let e = parse(&deep).unwrap_err();
    assert!(e.expected.contains("nested"), "{e}");
    let ok = format!(
        "{{ {}$.a = 1{} }}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    assert!(parse(&ok).is_ok());
}

#[test]
fn term_patterns_match_text_and_json_text() {
    let f = p(r#"ERROR "disk full" -ignored"#);
    assert!(f.matches_text("ERROR: disk full on /"));
    assert!(!f.matches_text("ERROR: disk full, ignored"));
    assert!(!f.matches_text("WARN: disk full"));
    let any = p("?ConsoleLogin ?DeleteTrail");
    assert!(any.matches_json(&json!({"eventName": "DeleteTrail"})));
    assert!(!any.matches_json(&json!({"eventName": "Other"})));
    assert!(
        p("").matches_text("anything"),
        "the empty pattern matches everything"
    );
}

#[test]
fn space_delimited_patterns_parse_and_match_lines() {
    let f = p(r#"[ip, user, ..., status_code=4*, size>1000]"#);
    assert!(f.matches_text(r#"10.0.0.1 alice [12/Oct/2026] "GET /" 404 2048"#));
    assert!(!f.matches_text(r#"10.0.0.1 alice [12/Oct/2026] "GET /" 200 2048"#));
    assert!(!f.matches_text(r#"10.0.0.1 alice [12/Oct/2026] "GET /" 404 10"#));
    assert!(!f.matches_json(&json!({"ip": "10.0.0.1"})));
}

#[test]
fn display_is_canonical_and_parses_back() {
    let f = p(r#"{ ($.a = "x\"y") || $.b != 2 && $.c.d[3] NOT EXISTS }"#);
    assert_eq!(
        f.to_string(),
        r#"{ ($.a = "x\"y" || ($.b != 2 && $.c.d[3] NOT EXISTS)) }"#
    );
    assert_eq!(p(&f.to_string()), f);
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    let key = "[a-zA-Z][a-zA-Z0-9_]{0,6}";
    let selector = prop::collection::vec(
        prop_oneof![key.prop_map(Step::Key), (0usize..5).prop_map(Step::Index)],
        0..3,
    )
    .prop_flat_map(move |tail| {
        key.prop_map(move |k| Selector(std::iter::once(Step::Key(k)).chain(tail.clone()).collect()))
    });
    let test = prop_oneof![
        (any::<bool>(), "[a-zA-Z0-9 .*\"\\\\-]{0,8}")
            .prop_map(|(negated, pattern)| Test::Str { negated, pattern }),
        (
            prop_oneof![
                Just(NumOp::Eq),
                Just(NumOp::Ne),
                Just(NumOp::Lt),
                Just(NumOp::Le),
                Just(NumOp::Gt),
                Just(NumOp::Ge)
            ],
            -1000i64..1000
        )
            .prop_map(|(op, n)| Test::Num {
                op,
                value: n.to_string()
            }),
        Just(Test::IsTrue),
        Just(Test::IsFalse),
        Just(Test::IsNull),
        Just(Test::NotExists),
    ];
    let leaf =
        (selector, test).prop_map(|(selector, test)| Expr::Cmp(Comparison { selector, test }));
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn naive_wildcard(p: &[char], t: &[char]) -> bool {
    match (p.first(), t.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            naive_wildcard(&p[1..], t) || (!t.is_empty() && naive_wildcard(p, &t[1..]))
        }
        (Some(a), Some(b)) if a == b => naive_wildcard(&p[1..], &t[1..]),
        _ => false,
    }
}

proptest! {
    #[test]
    fn parse_never_panics(s in ".{0,120}") {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_pattern_like_input(s in "[{}()$.a-c=!<>&|\"* 0-9\\[\\]]{0,60}") {
        let _ = parse(&s);
    }

    #[test]
    fn display_round_trips(e in arb_expr()) {
        let f = FilterPattern::Json(e);
        prop_assert_eq!(parse(&f.to_string()).unwrap(), f);
    }

    #[test]
    fn wildcard_matcher_agrees_with_a_naive_oracle(pat in "[ab*]{0,8}", text in "[ab]{0,10}") {
        let pc: Vec<char> = pat.chars().collect();
        let tc: Vec<char> = text.chars().collect();
        prop_assert_eq!(wildcard(&pat, &text), naive_wildcard(&pc, &tc));
    }
}
