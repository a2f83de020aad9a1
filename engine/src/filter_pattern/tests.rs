use super::*;
use proptest::prelude::*;
use serde_json::{Value, json};

fn p(s: &str) -> FilterPattern {
    match parse(s) {
        Ok(p) => p,
        Err(e) => panic!("{s:?} did not parse: {e}"),
    }
}

fn err(s: &str) -> ParseError {
    match parse(s) {
        Ok(p) => panic!("{s:?} parsed as {p:?}"),
        Err(e) => e,
    }
}

fn matches(pattern: &str, event: &Value) -> bool {
    p(pattern).matches_json(event)
}

fn trail_event() -> Value {
    json!({
        "eventVersion": "1.09",
        "eventSource": "cloudtrail.amazonaws.com",
        "eventName": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "recipientAccountId": "123456789012",
        "latency": 650,
        "ratio": 0.25,
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "coordinates": [[0, 1, 2], [4, 5, 6]],
        "SomeObject": null,
        "ThisFlag": true,
        "OtherFlag": false
    })
}

// ----- JSON patterns: structure -----

#[test]
fn and_binds_tighter_than_or_as_documented() {
    let event = json!({
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
    });
    // The four examples of the CloudWatch Logs guide, with their documented outcomes.
    assert!(matches(
        r#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#,
        &event
    ));
    assert!(!matches(
        r#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#,
        &event
    ));
    assert!(matches(
        r#"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#,
        &event
    ));
    assert!(!matches(
        r#"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#,
        &event
    ));
}

#[test]
fn or_then_and_without_parentheses_groups_the_and_clauses() {
    let parsed = p("{ $.a = 1 || $.b = 2 && $.c = 3 }");
    let FilterPattern::Json(Expr::Or(items)) = parsed else {
        panic!("not an Or: {parsed:?}")
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(items[0], Expr::Leaf(_)));
    assert!(matches!(&items[1], Expr::And(v) if v.len() == 2));
}

#[test]
fn reordered_clauses_with_extra_parentheses_still_match() {
    let event = trail_event();
    let a = r#"{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail")) }"#;
    let b = r#"{((($.eventName=UpdateTrail)||($.eventName=CreateTrail)))&&(($.eventSource=cloudtrail.amazonaws.com))}"#;
    assert!(matches(a, &event));
    assert!(matches(b, &event));
    let other = json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteTrail"});
    assert!(!matches(a, &other));
    assert!(!matches(b, &other));
}

#[test]
fn whitespace_and_newlines_between_tokens_are_ignored() {
    let spaced = "\n  {\n\t( $.eventName\n =\r\n \"UpdateTrail\" )\n&&\n$.latency\t>=\n600\n}\n ";
    assert!(matches(spaced, &trail_event()));
    assert_eq!(
        p(spaced),
        p(r#"{($.eventName="UpdateTrail")&&$.latency>=600}"#)
    );
}

#[test]
fn parentheses_around_a_single_condition_do_not_change_the_tree() {
    assert_eq!(p("{ ((($.a = x))) }"), p("{ $.a = x }"));
    assert_eq!(p("{ ($.a = x) && ($.b = y) }"), p("{ $.a = x && $.b = y }"));
}

#[test]
fn long_chains_of_clauses_parse_and_match_without_deep_recursion() {
    let clauses: Vec<String> = (0..20_000).map(|i| format!("$.eventName = E{i}")).collect();
    let pattern = p(&format!("{{ {} }}", clauses.join(" || ")));
    assert!(pattern.matches_json(&json!({"eventName": "E19999"})));
    assert!(!pattern.matches_json(&json!({"eventName": "E20000"})));
}

// ----- JSON patterns: values -----

#[test]
fn wildcards_match_prefixes_suffixes_and_middles() {
    let e = json!({"errorCode": "Client.UnauthorizedOperation", "other": "AccessDeniedException", "ip": "123.123.4.5"});
    assert!(matches(r#"{ $.errorCode = "*UnauthorizedOperation" }"#, &e));
    assert!(matches(r#"{ $.other = "AccessDenied*" }"#, &e));
    assert!(matches(r#"{ $.other = Access*Exception }"#, &e));
    assert!(matches(r#"{ $.other = "*Denied*" }"#, &e));
    assert!(matches("{ $.ip = 123.123.* }", &e));
    assert!(!matches("{ $.ip != 123.123.* }", &e));
    assert!(!matches(r#"{ $.errorCode = "UnauthorizedOperation" }"#, &e));
    assert!(!matches(r#"{ $.other = "*Denied" }"#, &e));
    assert!(
        !matches(r#"{ $.other = "accessdenied*" }"#, &e),
        "matching is case-sensitive"
    );
}

#[test]
fn wildcard_only_value_matches_any_present_scalar_and_nothing_missing() {
    let e = json!({"s": "x", "n": 5, "b": true, "empty": "", "nul": null, "arr": [1]});
    for field in ["s", "n", "b", "empty"] {
        assert!(matches(&format!("{{ $.{field} = * }}"), &e), "{field}");
    }
    for field in ["nul", "arr", "missing"] {
        assert!(!matches(&format!("{{ $.{field} = * }}"), &e), "{field}");
    }
}

#[test]
fn wildcard_function_handles_edge_cases() {
    use super::eval::wildcard;
    assert!(wildcard("", ""));
    assert!(!wildcard("", "a"));
    assert!(wildcard("*", ""));
    assert!(wildcard("**", "abc"));
    assert!(wildcard("a*a", "aa"));
    assert!(!wildcard("a*a", "a"));
    assert!(wildcard("*ab*ab*", "xabyab"));
    assert!(!wildcard("*ab*ab*", "xaby"));
    assert!(wildcard("é*ü", "éxyü"));
}

#[test]
fn numeric_comparisons_follow_the_operators() {
    let e = trail_event();
    assert!(matches("{ $.latency >= 650 }", &e));
    assert!(matches("{ $.latency > 649.5 }", &e));
    assert!(!matches("{ $.latency > 650 }", &e));
    assert!(matches("{ $.latency < 1e3 }", &e));
    assert!(matches("{ $.latency <= +650 }", &e));
    assert!(matches("{ $.latency = 650 }", &e));
    assert!(matches("{ $.latency != 651 }", &e));
    assert!(!matches("{ $.ratio < 25e-2 }", &e));
    assert!(matches("{ $.ratio = 0.25 }", &e));
    assert!(matches("{ $.objectList[1].id = 2 }", &e));
    // A string holding a number compares as a number, as CloudTrail account ids do.
    assert!(matches("{ $.recipientAccountId = 123456789012 }", &e));
    // Non-numeric values are only "not equal".
    assert!(!matches("{ $.eventName > 1 }", &e));
    assert!(matches("{ $.eventName != 1 }", &e));
}

#[test]
fn numeric_operator_with_a_string_value_is_a_parse_error() {
    let e = err(r#"{ $.latency > "500" }"#);
    assert_eq!(e.offset, 14);
    assert!(e.expected.contains("number"), "{e}");
    assert!(parse("{ $.latency < abc }").is_err());
}

#[test]
fn quoted_numbers_compare_as_text() {
    let e = json!({"code": 400, "name": "400"});
    assert_eq!(p(r#"{ $.code = "400" }"#), p(r#"{ $.code = "400" }"#));
    assert!(matches(r#"{ $.code = "400" }"#, &e));
    assert!(matches(r#"{ $.name = "4*" }"#, &e));
    assert!(matches("{ $.code = 4* }", &e));
    assert!(!matches(r#"{ $.code = "400.0" }"#, &e));
    assert!(matches("{ $.code = 400.0 }", &e));
}

#[test]
fn missing_field_is_not_equal_to_anything() {
    let e = trail_event();
    assert!(!matches(r#"{ $.nothing = "x" }"#, &e));
    assert!(matches(r#"{ $.nothing != "x" }"#, &e));
    assert!(matches("{ $.nothing != 5 }", &e));
    assert!(!matches("{ $.nothing = 5 }", &e));
    assert!(!matches("{ $.nothing < 5 }", &e));
    assert!(
        matches(r#"{ $.eventName.deeper != "x" }"#, &e),
        "a path through a string reaches nothing"
    );
    assert!(
        matches(r#"{ $.arrayKey[7] != "x" }"#, &e),
        "an index past the end reaches nothing"
    );
}

#[test]
fn arrays_and_objects_match_neither_equal_nor_not_equal() {
    let e = json!({"users": [1, 2, 3], "obj": {"a": 1}});
    for pattern in [
        "{ $.users = 1 }",
        "{ $.users != 1 }",
        "{ $.obj = x }",
        "{ $.obj != x }",
        "{ $.users = * }",
    ] {
        assert!(!matches(pattern, &e), "{pattern}");
    }
}

#[test]
fn null_booleans_and_existence_tests() {
    let e = trail_event();
    assert!(matches("{ $.SomeObject IS NULL }", &e));
    assert!(!matches("{ $.Missing IS NULL }", &e));
    assert!(matches("{ $.Missing NOT EXISTS }", &e));
    assert!(!matches("{ $.SomeObject NOT EXISTS }", &e), "null exists");
    assert!(matches("{ $.ThisFlag IS TRUE }", &e));
    assert!(!matches("{ $.ThisFlag IS FALSE }", &e));
    assert!(matches("{ $.OtherFlag IS FALSE }", &e));
    assert!(!matches("{ $.eventName IS TRUE }", &e));
    assert!(
        matches("{ $.ThisFlag = true }", &e),
        "booleans compare as text"
    );
    assert!(
        matches(r#"{ $.SomeObject != "x" }"#, &e),
        "null is not equal"
    );
    assert!(
        matches("{ $.ThisFlag is true && $.Missing not exists }", &e),
        "keywords are case-insensitive"
    );
}

#[test]
fn array_indexes_select_elements() {
    let e = trail_event();
    assert!(matches(r#"{ $.arrayKey[0] = "value" }"#, &e));
    assert!(matches(r#"{ $.arrayKey[1] = "another value" }"#, &e));
    assert!(matches("{ $.coordinates[1][2] = 6 }", &e));
    assert!(!matches(r#"{ $.eventName[0] = "U*" }"#, &e));
}

#[test]
fn quoted_strings_keep_spaces_and_escapes() {
    let e = json!({"msg": "say \"hi\" \\ bye", "s": "Failed authentication"});
    assert!(matches(r#"{ $.msg = "say \"hi\" \\ bye" }"#, &e));
    assert!(matches(r#"{ $.s = "Failed authentication" }"#, &e));
    assert!(!matches(r#"{ $.s = "failed authentication" }"#, &e));
    assert_eq!(
        p(r#"{ $.a = "a\qb" }"#),
        p(r#"{ $.a = "a\\qb" }"#),
        "unknown escapes keep the backslash"
    );
}

#[test]
fn regular_expressions_in_json_values() {
    let e = json!({"eventName": "DeleteBucketPolicy", "ip": "10.1.22.3"});
    assert!(matches("{ $.eventName = %Delete.*Policy% }", &e));
    assert!(matches("{ $.eventName = %^Delete% }", &e));
    assert!(!matches("{ $.eventName = %^Policy% }", &e));
    assert!(matches("{ $.eventName = %Policy$% }", &e));
    assert!(matches("{ $.eventName != %^Put% }", &e));
    assert!(matches(
        r"{ $.ip = %^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$% }",
        &e
    ));
    assert!(matches("{ $.eventName = %[Pp]ut|[Dd]elete% }", &e));
    assert!(!matches("{ $.eventName = %colou?r% }", &e));
}

#[test]
fn regex_features_behave_like_ordinary_regular_expressions() {
    let re = |s: &str| match Regex::new(s) {
        Ok(r) => r,
        Err(e) => panic!("{s}: {e}"),
    };
    assert!(re("colou?r").is_match("color") && re("colou?r").is_match("colour"));
    assert!(re("a{3,5}").is_match("xaaay") && !re("^a{3,5}$").is_match("aaaaaa"));
    assert!(re("^a{2,}$").is_match("aaaa") && !re("^a{2,}$").is_match("a"));
    assert!(re("[abcx-z]").is_match("y") && !re("[abcx-z]").is_match("w"));
    assert!(re("[^0-9]").is_match("a1") && !re("^[^0-9]+$").is_match("a1"));
    assert!(re(r"\w+@\w+").is_match("mail me@home now"));
    assert!(re(r"^\S+\s\S+$").is_match("two words"));
    assert!(re("^$").is_match("") && !re("^$").is_match("x"));
    assert!(re("").is_match("anything"));
    assert!(re("a.c").is_match("abc") && !re("a.c").is_match("a\nc"));
    assert!(re("[]]").is_match("]") && re("[a-]").is_match("-"));
    assert!(re("x+?y").is_match("xxy"), "a lazy marker is accepted");
    for bad in [
        "(a)", "a)", "*a", "a**", "a{2", "a{3,2}", "a{x}", "[abc", "\\", "a{5000}", "[z-a]", "^*",
    ] {
        assert!(Regex::new(bad).is_err(), "{bad}");
    }
}

#[test]
fn regex_errors_point_into_the_pattern() {
    let e = err("{ $.a = %ab(c% }");
    assert_eq!(e.offset, 11);
    assert!(e.expected.contains("parentheses"), "{e}");
    assert_eq!(err("{ $.a = %abc }").offset, 8);
}

// ----- malformed JSON patterns -----

#[test]
fn unbalanced_parenthesis_is_a_parse_error_with_offset() {
    let e = err("{ ($.a = 1 }");
    assert_eq!(e.offset, 11);
    assert_eq!(
        e.to_string(),
        "at byte 11: expected `)`, `&&` or `||`, found `}`"
    );
    let e = err("{ $.a = 1) }");
    assert_eq!(e.offset, 9);
    assert_eq!(e.found, "`)`");
}

#[test]
fn clause_without_an_operator_between_reports_the_next_token() {
    let e = err("{ ($.a = 1 $.b = 2) }");
    assert_eq!(
        e.to_string(),
        "at byte 11: expected `)`, `&&` or `||`, found `$.b`"
    );
}

#[test]
fn malformed_json_patterns_are_rejected_with_offsets() {
    let cases: &[(&str, usize, &str)] = &[
        ("{", 1, "end of pattern"),
        ("{}", 1, "`}`"),
        ("{ $.a = 1", 9, "end of pattern"),
        ("{ $.a = 1 } x", 12, "`x`"),
        ("{ $.a = 1 }}", 11, "`}`"),
        ("{ $.a }", 6, "`}`"),
        ("{ $.a = }", 8, "`}`"),
        ("{ $.a == 1 }", 7, "`=`"),
        ("{ a = 1 }", 2, "`a`"),
        ("{ $ = 1 }", 3, "end of selector"),
        ("{ $. = 1 }", 4, "end of selector"),
        ("{ $[0] = 1 }", 3, "`[0]`"),
        ("{ $.a[x] = 1 }", 5, "`[x]`"),
        ("{ $.a[0 = 1 }", 5, "`[0`"),
        ("{ $.a* = 1 }", 5, "`*`"),
        ("{ $.a IS MAYBE }", 9, "`MAYBE`"),
        ("{ $.a NOT THERE }", 10, "`THERE`"),
        ("{ $.a = 1 & $.b = 2 }", 10, "`&`"),
        ("{ $.a = 1 || }", 13, "`}`"),
        ("{ && $.a = 1 }", 2, "`&&`"),
        ("{ $.a = \"open }", 8, "end of pattern"),
        ("{ () }", 3, "`)`"),
    ];
    for (input, offset, found) in cases {
        let e = err(input);
        assert_eq!(
            (e.offset, e.found.as_str()),
            (*offset, *found),
            "{input:?}: {e}"
        );
        assert!(!e.expected.is_empty());
    }
}

#[test]
fn nesting_deeper_than_the_cap_is_an_error_not_a_crash() {
    let nested = |n: usize| format!("{{ {}$.a = 1{} }}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&nested(MAX_DEPTH)).is_ok());
    let e = err(&nested(MAX_DEPTH + 1));
    assert_eq!(e.offset, 2 + MAX_DEPTH);
    assert!(e.expected.contains("nested"), "{e}");
    // Far past the cap, and unbalanced: still an error, never a stack overflow.
    assert!(parse(&format!("{{ {}", "(".repeat(1_000_000))).is_err());
    assert!(parse(&"[(".repeat(100_000)).is_err());
}

// ----- term patterns -----

#[test]
fn empty_pattern_matches_everything() {
    for blank in ["", "   ", "\n\t"] {
        assert_eq!(p(blank), FilterPattern::Terms(vec![]));
        assert!(p(blank).matches_text("anything"));
        assert!(p(blank).matches_json(&json!({"a": 1})));
    }
}

#[test]
fn terms_follow_the_documented_examples() {
    let lines = ["ERROR WARN message", "ERROR message", "WARN message"];
    let hits =
        |pattern: &str| -> Vec<bool> { lines.iter().map(|l| p(pattern).matches_text(l)).collect() };
    assert_eq!(hits("ERROR"), [true, true, false]);
    assert_eq!(hits("?ERROR ?WARN"), [true, true, true]);
    assert_eq!(hits("ERROR WARN"), [true, false, false]);
    assert_eq!(hits("ERROR -WARN"), [false, true, false]);
    assert_eq!(hits("\"ERROR\" - \"WARN\""), [false, true, false]);
    assert!(
        p("\"Failed to process the request\"").matches_text("[WARN] Failed to process the request")
    );
    assert!(!p("\"Failed to process the request\"").matches_text("Failed to process request"));
    assert!(
        p("ERROR").matches_text("Exiting with ERRORCODE: -1"),
        "terms match as substrings"
    );
    assert!(
        !p("error").matches_text("ERROR"),
        "terms are case-sensitive"
    );
}

#[test]
fn term_groups_after_question_marks_are_alternatives() {
    // How the AWS CDK writes "(ERROR and MainThread) or (WARN and Deadlock)".
    let pattern = p(r#"?"ERROR" "MainThread" ?"WARN" "Deadlock""#);
    assert!(pattern.matches_text("ERROR in MainThread"));
    assert!(pattern.matches_text("WARN Deadlock found"));
    assert!(!pattern.matches_text("ERROR Deadlock"));
    assert!(!pattern.matches_text("WARN MainThread"));
    let with_common = p("app ?ERROR ?WARN");
    assert!(with_common.matches_text("app WARN"));
    assert!(!with_common.matches_text("web WARN"));
}

#[test]
fn terms_with_regexes_and_on_json_events() {
    assert!(p("%[Ee]rror|[Ff]ail%").matches_text("Failure"));
    assert!(p("-%^DEBUG%").matches_text("INFO DEBUG later"));
    assert!(!p("-%^DEBUG%").matches_text("DEBUG first"));
    let event = json!({"eventName": "ConsoleLogin", "errorMessage": "Failed authentication"});
    assert!(p("\"Failed authentication\"").matches_json(&event));
    assert!(p("ConsoleLogin -HeadBucket").matches_json(&event));
}

#[test]
fn malformed_term_patterns_are_rejected() {
    assert_eq!(err("ERROR \"open").offset, 6);
    assert_eq!(err("ERROR -").offset, 7);
    assert_eq!(err("?").offset, 1);
    assert_eq!(err("%(x)%").offset, 1);
}

// ----- space-delimited patterns -----

const APACHE: &str =
    r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#;

#[test]
fn space_delimited_patterns_from_the_guide_parse() {
    for pattern in [
        "[ip, user, username, timestamp, request, status_code, bytes]",
        "[..., status_code, bytes]",
        "[ip, user, ..., status_code, bytes]",
        "[ip, user, ...]",
        "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
        "[ip, user, username, timestamp, request, status_code = 200, bytes]",
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
        "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        "[..., request=*.html*, status_code=4*,]",
        "[w1=ERROR || w1=WARN, w2]",
        "[w1=!ERROR&&w1=!WARN, w2]",
        "[w1 = %^ERR%, ...]",
        "[]",
    ] {
        let parsed = p(pattern);
        assert!(
            matches!(parsed, FilterPattern::SpaceDelimited(_)),
            "{pattern}"
        );
        assert!(
            !parsed.matches_json(&json!({"a": 1})),
            "never matches JSON events: {pattern}"
        );
    }
}

#[test]
fn space_delimited_patterns_match_fields() {
    let yes = [
        "[ip, user, username, timestamp, request, status_code, bytes]",
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
        "[..., request=*.html*, status_code=4*, bytes > 1000]",
        "[ip, ..., status_code = 404, bytes]",
        "[ip = 127.*, ...]",
        "[..., bytes = 1534]",
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        r#"[ip, user, username, timestamp = "10/Oct/2000*", ...]"#,
        "[..., code = 5* || code = 4*, size]",
    ];
    for pattern in yes {
        assert!(p(pattern).matches_text(APACHE), "{pattern}");
    }
    let no = [
        "[ip, user, username, timestamp, request, status_code]",
        "[ip, user, username, timestamp, request, status_code = 200, bytes]",
        "[..., bytes > 2000]",
        "[ip = 10.*, ...]",
        "[..., code = 5* || code = 3*, size]",
    ];
    for pattern in no {
        assert!(!p(pattern).matches_text(APACHE), "{pattern}");
    }
    let lines = ["ERROR WARN", "ERROR message", "WARN message"];
    let hits =
        |pattern: &str| -> Vec<bool> { lines.iter().map(|l| p(pattern).matches_text(l)).collect() };
    assert_eq!(hits("[w1=ERROR, w2]"), [true, true, false]);
    assert_eq!(hits("[w1=ERROR || w1=WARN, w2]"), [true, true, true]);
    assert_eq!(hits("[w1=!ERROR, w2]"), [false, false, true]);
}

#[test]
fn malformed_space_delimited_patterns_are_rejected() {
    let cases: &[(&str, usize)] = &[
        ("[", 1),
        ("[a", 2),
        ("[a,", 3),
        ("[a b]", 3),
        ("[a, , b]", 4),
        ("[a = ]", 5),
        ("[a] x", 4),
        ("[a = 1 && b]", 10),
        ("[a > x]", 5),
        ("[a.b]", 1),
    ];
    for (input, offset) in cases {
        let e = err(input);
        assert_eq!(e.offset, *offset, "{input:?}: {e}");
    }
}

// ----- canonical form -----

#[test]
fn display_prints_a_canonical_form() {
    let canonical = |s: &str| p(s).to_string();
    assert_eq!(
        canonical(
            r#"{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")&&($.eventName!=HeadBucket)}"#
        ),
        r#"{ $.errorCode = "*UnauthorizedOperation" || ($.errorCode = "AccessDenied*" && $.eventName != "HeadBucket") }"#
    );
    assert_eq!(
        canonical("{ $.a[0].b >= 10e3 && $.c is null }"),
        "{ $.a[0].b >= 10000 && $.c IS NULL }"
    );
    assert_eq!(
        canonical("{ $.x = %a|b% || $.y NOT EXISTS }"),
        "{ $.x = %a|b% || $.y NOT EXISTS }"
    );
    assert_eq!(canonical("ERROR -DEBUG ?x"), r#""ERROR" -"DEBUG" ?"x""#);
    assert_eq!(
        canonical("[ip,...,code=4*&&size>1,]"),
        r#"[ip, ..., code = "4*" && size > 1]"#
    );
    assert_eq!(canonical(""), "");
}

// ----- properties -----

fn key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_-]{0,6}"
}

/// Sources of valid regular expressions, built from pieces.
fn regex_source() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        "[a-z0-9:_#=@/;,-]".prop_map(|s| s),
        Just(".".to_owned()),
        Just(r"\d".to_owned()),
        Just(r"\.".to_owned()),
        Just("[a-c]".to_owned()),
        Just("[^x]".to_owned()),
    ];
    let quantifier = prop_oneof![
        Just(""),
        Just("*"),
        Just("+"),
        Just("?"),
        Just("{1,2}"),
        Just("{2}")
    ];
    let piece = (atom, quantifier).prop_map(|(a, q)| format!("{a}{q}"));
    let branch = (
        any::<bool>(),
        prop::collection::vec(piece, 0..4),
        any::<bool>(),
    )
        .prop_map(|(start, pieces, end)| {
            format!(
                "{}{}{}",
                if start { "^" } else { "" },
                pieces.concat(),
                if end { "$" } else { "" }
            )
        });
    prop::collection::vec(branch, 1..3).prop_map(|b| b.join("|"))
}

fn regex() -> impl Strategy<Value = Regex> {
    regex_source().prop_filter_map("valid regex", |s| Regex::new(&s).ok())
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        any::<f64>().prop_filter("finite", |v| v.is_finite())
    ]
}

fn num_op() -> impl Strategy<Value = NumOp> {
    prop_oneof![
        Just(NumOp::Eq),
        Just(NumOp::Ne),
        Just(NumOp::Lt),
        Just(NumOp::Le),
        Just(NumOp::Gt),
        Just(NumOp::Ge)
    ]
}

fn comparison() -> impl Strategy<Value = Comparison> {
    let text = prop_oneof![
        any::<String>().prop_map(TextPattern::Wildcard),
        regex().prop_map(TextPattern::Regex)
    ];
    prop_oneof![
        (any::<bool>(), text).prop_map(|(negated, pattern)| Comparison::Text { negated, pattern }),
        (num_op(), number()).prop_map(|(op, value)| Comparison::Number { op, value }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    let step = prop_oneof![
        key().prop_map(Step::Key),
        (0usize..100).prop_map(Step::Index)
    ];
    let selector = (key(), prop::collection::vec(step, 0..3)).prop_map(|(first, rest)| {
        let mut steps = vec![Step::Key(first)];
        steps.extend(rest);
        Selector(steps)
    });
    let test = prop_oneof![
        comparison().prop_map(Test::Compare),
        Just(Test::IsTrue),
        Just(Test::IsFalse),
        Just(Test::IsNull),
        Just(Test::NotExists),
    ];
    (selector, test).prop_map(|(selector, test)| Condition { selector, test })
}

fn expr<T: Clone + std::fmt::Debug + 'static>(
    leaf: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Expr<T>> {
    leaf.prop_map(Expr::Leaf).prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
        ]
    })
}

fn filter_pattern() -> impl Strategy<Value = FilterPattern> {
    let kind = prop_oneof![
        Just(TermKind::Required),
        Just(TermKind::Excluded),
        Just(TermKind::Optional)
    ];
    let text = prop_oneof![
        any::<String>().prop_map(TermText::Literal),
        regex().prop_map(TermText::Regex)
    ];
    let terms = prop::collection::vec(
        (kind, text).prop_map(|(kind, text)| Term { kind, text }),
        0..4,
    );
    let column_comparison = ("[a-z][a-z0-9_-]{0,5}", comparison())
        .prop_map(|(column, comparison)| ColumnComparison { column, comparison });
    let column = prop_oneof![
        Just(Column::Ellipsis),
        "[a-z][a-z0-9_-]{0,5}".prop_map(Column::Name),
        expr(column_comparison).prop_map(Column::Condition),
    ];
    prop_oneof![
        terms.prop_map(FilterPattern::Terms),
        expr(condition()).prop_map(FilterPattern::Json),
        prop::collection::vec(column, 0..5).prop_map(FilterPattern::SpaceDelimited),
    ]
}

/// A plainly exponential reference for `*` matching.
fn naive_wildcard(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|i| naive_wildcard(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && naive_wildcard(rest, &text[1..]),
    }
}

/// A regular expression spelled as data, for the backtracking reference below.
#[derive(Debug, Clone)]
enum RefAtom {
    Lit(char),
    Any,
    Digit,
    Class(bool, Vec<char>),
}

impl RefAtom {
    fn source(&self) -> String {
        match self {
            RefAtom::Lit(c) => c.to_string(),
            RefAtom::Any => ".".into(),
            RefAtom::Digit => r"\d".into(),
            RefAtom::Class(neg, cs) => format!(
                "[{}{}]",
                if *neg { "^" } else { "" },
                cs.iter().collect::<String>()
            ),
        }
    }
    fn matches(&self, c: char) -> bool {
        match self {
            RefAtom::Lit(x) => c == *x,
            RefAtom::Any => c != '\n' && c != '\r',
            RefAtom::Digit => c.is_ascii_digit(),
            RefAtom::Class(neg, cs) => cs.contains(&c) != *neg,
        }
    }
}

type RefPiece = (RefAtom, u32, Option<u32>);

#[derive(Debug, Clone)]
struct RefBranch {
    start: bool,
    pieces: Vec<RefPiece>,
    end: bool,
}

fn ref_branch() -> impl Strategy<Value = RefBranch> {
    let atom = prop_oneof![
        prop::sample::select(vec!['a', 'b', '1']).prop_map(RefAtom::Lit),
        Just(RefAtom::Any),
        Just(RefAtom::Digit),
        (
            any::<bool>(),
            prop::collection::vec(prop::sample::select(vec!['a', 'b', 'c']), 1..3)
        )
            .prop_map(|(n, cs)| RefAtom::Class(n, cs)),
    ];
    let quant = prop_oneof![
        Just((1, Some(1))),
        Just((0, None)),
        Just((1, None)),
        Just((0, Some(1))),
        (0u32..3, 0u32..3).prop_map(|(m, extra)| (m, Some(m + extra))),
        (0u32..3).prop_map(|m| (m, None)),
    ];
    let piece = (atom, quant).prop_map(|(a, (min, max))| (a, min, max));
    (
        any::<bool>(),
        prop::collection::vec(piece, 0..5),
        any::<bool>(),
    )
        .prop_map(|(start, pieces, end)| RefBranch { start, pieces, end })
}

fn ref_source(branches: &[RefBranch]) -> String {
    let branch = |b: &RefBranch| {
        let mut s = String::new();
        if b.start {
            s.push('^');
        }
        for (atom, min, max) in &b.pieces {
            s.push_str(&atom.source());
            s.push_str(&match (*min, *max) {
                (1, Some(1)) => String::new(),
                (0, None) => "*".into(),
                (1, None) => "+".into(),
                (0, Some(1)) => "?".into(),
                (m, None) => format!("{{{m},}}"),
                (m, Some(n)) => format!("{{{m},{n}}}"),
            });
        }
        if b.end {
            s.push('$');
        }
        s
    };
    branches.iter().map(branch).collect::<Vec<_>>().join("|")
}

fn ref_match_at(pieces: &[RefPiece], text: &[char], pos: usize, end: bool) -> bool {
    match pieces.split_first() {
        None => !end || pos == text.len(),
        Some(((atom, min, max), rest)) => {
            let mut n = 0;
            while max.is_none_or(|m| n < m as usize)
                && text.get(pos + n).is_some_and(|&c| atom.matches(c))
            {
                n += 1;
            }
            (*min as usize..=n)
                .rev()
                .any(|k| ref_match_at(rest, text, pos + k, end))
        }
    }
}

fn ref_is_match(branches: &[RefBranch], text: &[char]) -> bool {
    branches.iter().any(|b| {
        let starts = if b.start { 0..=0 } else { 0..=text.len() };
        starts
            .into_iter()
            .any(|s| ref_match_at(&b.pieces, text, s, b.end))
    })
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_and_match_never_panic_on_pattern_like_text(
        s in r#"[ \n{}()\[\]$.a-c0-9=!<>&|"%*?,\\^+-]{0,40}"#,
        line in "[ a-c0-9\"\\[\\]{}:]{0,20}",
    ) {
        if let Ok(pattern) = parse(&s) {
            let _ = pattern.matches_text(&line);
            let _ = pattern.matches_json(&json!({"a": [1, {"b": "c"}], "c": null, "d": true, "e": 5}));
        }
    }

    #[test]
    fn display_then_parse_gives_back_the_same_pattern(pattern in filter_pattern()) {
        let printed = pattern.to_string();
        match parse(&printed) {
            Ok(back) => prop_assert_eq!(back, pattern, "printed as {}", printed),
            Err(e) => prop_assert!(false, "{} did not parse back: {}", printed, e),
        }
    }

    #[test]
    fn wildcard_matcher_agrees_with_the_reference(
        pattern in "[ab*]{0,8}",
        text in "[ab]{0,12}",
    ) {
        let (pc, tc): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        prop_assert_eq!(eval::wildcard(&pattern, &text), naive_wildcard(&pc, &tc));
    }

    #[test]
    fn wildcard_matcher_agrees_with_the_reference_on_any_characters(
        pattern in "[aé*\"\\\\ ]{0,6}",
        text in "[aé\"\\\\ ]{0,8}",
    ) {
        let (pc, tc): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        prop_assert_eq!(eval::wildcard(&pattern, &text), naive_wildcard(&pc, &tc));
    }

    #[test]
    fn regex_matcher_agrees_with_a_backtracking_reference(
        branches in prop::collection::vec(ref_branch(), 1..3),
        text in "[abc1\n]{0,10}",
    ) {
        let source = ref_source(&branches);
        let re = Regex::new(&source);
        prop_assert!(re.is_ok(), "{} did not compile: {:?}", source, re);
        if let Ok(re) = re {
            let chars: Vec<char> = text.chars().collect();
            prop_assert_eq!(re.is_match(&text), ref_is_match(&branches, &chars), "regex {}", source);
        }
    }

    #[test]
    fn generated_regex_sources_compile(source in regex_source()) {
        prop_assert!(Regex::new(&source).is_ok(), "{}", source);
    }
}
