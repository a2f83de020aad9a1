//! Small helpers for reading IAM policy JSON in checks: statements as object or array,
//! string-or-array values, action wildcards, principals and condition keys.
//!
//! These read documents as IAM stores them; they are not an evaluator. Anything of an
//! unexpected shape is skipped, never a panic.

use serde_json::Value;

/// The statements of a policy document, whether `Statement` is one object or an array.
pub(crate) fn statements(doc: &Value) -> impl Iterator<Item = &Value> {
    let st = doc.get("Statement");
    let (one, many) = match st {
        Some(Value::Array(list)) => (None, list.as_slice()),
        Some(v @ Value::Object(_)) => (Some(v), &[][..]),
        _ => (None, &[][..]),
    };
    one.into_iter().chain(many.iter()).filter(|s| s.is_object())
}

/// The strings of a string-or-array value; anything else yields nothing.
pub(crate) fn values(v: Option<&Value>) -> impl Iterator<Item = &str> {
    let (one, many) = match v {
        Some(Value::String(s)) => (Some(s.as_str()), &[][..]),
        Some(Value::Array(list)) => (None, list.as_slice()),
        _ => (None, &[][..]),
    };
    one.into_iter().chain(many.iter().filter_map(Value::as_str))
}

pub(crate) fn is_allow(st: &Value) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some("Allow")
}

pub(crate) fn is_deny(st: &Value) -> bool {
    st.get("Effect").and_then(Value::as_str) == Some("Deny")
}

/// IAM wildcard match (`*` any run, `?` one character), case-insensitive as IAM matches actions.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Whether the action pattern in a policy (`s3:*`, `*`, `kms:Re*`) covers `action`.
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    pattern == "*" || wildcard_match(pattern, action)
}

/// `Principal: "*"`, `{"AWS": "*"}` or `{"AWS": ["*", ...]}`.
pub(crate) fn principal_is_everyone(st: &Value) -> bool {
    match st.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => map
            .get("AWS")
            .is_some_and(|v| values(Some(v)).any(|p| p == "*")),
        _ => false,
    }
}

/// The AWS principals (ARNs or account ids) named by a statement.
pub(crate) fn aws_principals(st: &Value) -> impl Iterator<Item = &str> {
    let v = match st.get("Principal") {
        Some(Value::Object(map)) => map.get("AWS"),
        Some(v @ Value::String(_)) => Some(v),
        _ => None,
    };
    values(v)
}

/// Condition keys that tie an open principal to known callers, accounts or networks
/// (lower-case). Shared by every "is this resource policy public?" question.
pub(crate) const RESTRICTING_KEYS: &[&str] = &[
    "kms:calleraccount",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:userid",
];

/// Whether the statement's condition limits it to known callers: a positive operator
/// (not `Not…`, not `…IfExists`, which let requests without the key through) testing a
/// restricting key with concrete values (not `*`, not `0.0.0.0/0`). `ForAllValues:` is
/// not positive either: it holds when the key is absent.
pub(crate) fn restricting_condition(statement: &Value) -> bool {
    let Some(Value::Object(ops)) = statement.get("Condition") else {
        return false;
    };
    ops.iter()
        .filter(|(op, _)| {
            let op = op.to_ascii_lowercase();
            !op.contains("not")
                && !op.ends_with("ifexists")
                && !op.starts_with("forallvalues:")
                && op != "null"
        })
        .filter_map(|(_, tests)| tests.as_object())
        .flat_map(|tests| tests.iter())
        .filter(|(key, _)| RESTRICTING_KEYS.contains(&key.to_ascii_lowercase().as_str()))
        .any(|(_, v)| {
            let mut vals = values(Some(v)).peekable();
            vals.peek().is_some() && vals.all(|s| !matches!(s, "*" | "0.0.0.0/0" | "::/0"))
        })
}

/// Everyone: `Principal` `"*"`, `{"AWS": "*"}`, `{"AWS": ["*", ...]}`, or any `NotPrincipal`
/// (an Allow for everyone but a few).
pub(crate) fn principal_is_open(statement: &Value) -> bool {
    principal_is_everyone(statement) || statement.get("NotPrincipal").is_some()
}

/// The values a statement's condition gives `key` under operator `op` (case-insensitive key).
pub(crate) fn condition_values<'a>(st: &'a Value, op: &str, key: &str) -> Vec<&'a Value> {
    let Some(Value::Object(ops)) = st.get("Condition") else {
        return vec![];
    };
    ops.iter()
        .filter(|(o, _)| o.as_str() == op)
        .filter_map(|(_, m)| m.as_object())
        .flat_map(|m| m.iter())
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .flat_map(|(_, v)| match v {
            Value::Array(list) => list.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

/// The first Allow statement granting every action on every resource (`"*"` or `"*:*"`).
pub(crate) fn full_admin_statement(doc: &Value) -> Option<&Value> {
    statements(doc).find(|st| {
        is_allow(st)
            && values(st.get("Action")).any(|a| a == "*" || a == "*:*")
            && values(st.get("Resource")).any(|r| r == "*")
    })
}

/// Allow statements whose actions include a whole-service wildcard (`s3:*`) or `*`.
pub(crate) fn wildcard_service_actions(doc: &Value) -> Vec<(&Value, Vec<&str>)> {
    statements(doc)
        .filter(|st| is_allow(st))
        .filter_map(|st| {
            let wild: Vec<&str> = values(st.get("Action"))
                .filter(|a| *a == "*" || a.split_once(':').is_some_and(|(_, act)| act == "*"))
                .collect();
            (!wild.is_empty()).then_some((st, wild))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn statement_may_be_an_object_or_an_array() {
        let one = json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}});
        let many = json!({"Statement": [{"Effect": "Deny"}, {"Effect": "Allow"}]});
        assert_eq!(statements(&one).count(), 1);
        assert_eq!(statements(&many).count(), 2);
        assert_eq!(statements(&json!({"Statement": "nonsense"})).count(), 0);
        assert_eq!(statements(&json!(42)).count(), 0);
    }

    #[test]
    fn values_accept_strings_and_arrays_and_ignore_other_shapes() {
        assert_eq!(values(Some(&json!("a"))).collect::<Vec<_>>(), ["a"]);
        assert_eq!(
            values(Some(&json!(["a", 1, "b"]))).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(values(Some(&json!(7))).count(), 0);
        assert_eq!(values(None).count(), 0);
    }

    #[test]
    fn full_admin_needs_star_action_and_star_resource() {
        assert!(
            full_admin_statement(
                &json!({"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": ["*"]}]})
            )
            .is_some()
        );
        assert!(
            full_admin_statement(
                &json!({"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]})
            )
            .is_some()
        );
        assert!(full_admin_statement(&json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"}]})).is_none());
        assert!(
            full_admin_statement(
                &json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
            )
            .is_none()
        );
        // NotAction is the policy analysis' business, not this string test.
        assert!(
            full_admin_statement(
                &json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
            )
            .is_none()
        );
    }

    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        assert!(action_matches("kms:*", "kms:Decrypt"));
        assert!(action_matches("KMS:decrypt", "kms:Decrypt"));
        assert!(action_matches("kms:Re*", "kms:ReEncryptFrom"));
        assert!(action_matches("*", "kms:Decrypt"));
        assert!(!action_matches("kms:Encrypt", "kms:Decrypt"));
        assert!(action_matches("s3:Get?bject", "s3:GetObject"));
    }

    #[test]
    fn principals_in_every_form() {
        assert!(principal_is_everyone(&json!({"Principal": "*"})));
        assert!(principal_is_everyone(&json!({"Principal": {"AWS": "*"}})));
        assert!(principal_is_everyone(
            &json!({"Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}})
        ));
        assert!(!principal_is_everyone(
            &json!({"Principal": {"Service": "*"}})
        ));
        assert!(!principal_is_everyone(
            &json!({"Principal": {"AWS": "123456789012"}})
        ));
    }

    #[test]
    fn condition_keys_are_found_case_insensitively() {
        let st = json!({"Condition": {"StringEquals": {"AWS:SourceVpce": "vpce-1"}}});
        assert!(restricting_condition(&st));
        let st = json!({"Condition": {"StringEquals": {"aws:SourceIp": "*"}}});
        assert!(!restricting_condition(&st));
        assert!(!restricting_condition(&json!({"Condition": "x"})));
        let st = json!({"Condition": {"Bool": {"aws:SecureTransport": ["false"]}}});
        assert_eq!(
            condition_values(&st, "Bool", "aws:securetransport"),
            [&json!("false")]
        );
    }

    #[test]
    fn wildcard_service_actions_are_listed() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"}]});
        let found = wildcard_service_actions(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, ["s3:*"]);
    }

    #[test]
    fn malformed_statements_are_skipped_without_panicking() {
        let odd = json!({"Statement": [
            42,
            "Allow",
            null,
            {"Effect": "Allow", "Action": 7, "Resource": "*"},
            {"Effect": "Allow", "Action": {"*": "*"}, "Resource": "*"},
            {"Effect": ["Allow"], "Action": "*", "Resource": "*"},
            {"Effect": "Allow", "Action": "*", "Resource": 1}
        ]});
        assert_eq!(statements(&odd).count(), 4);
        assert!(full_admin_statement(&odd).is_none());
        // Only the last statement has a string `*` action; its odd Resource does not matter here.
        let wild = wildcard_service_actions(&odd);
        assert_eq!(wild.len(), 1);
        assert_eq!(wild[0].1, ["*"]);
        assert!(full_admin_statement(&json!(null)).is_none());
        assert!(full_admin_statement(&json!({"Statement": []})).is_none());
    }

    #[test]
    fn whole_service_wildcards_are_found_in_any_case_and_star_counts() {
        let doc = json!({"Statement": {"Effect": "Allow", "Action": "KMS:*", "Resource": "*"}});
        assert_eq!(wildcard_service_actions(&doc)[0].1, ["KMS:*"]);
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::x"}]});
        assert_eq!(wildcard_service_actions(&doc)[0].1, ["*"]);
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:*Object"], "Resource": "*"}]});
        assert!(wildcard_service_actions(&doc).is_empty());
        let doc = json!({"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]});
        assert!(wildcard_service_actions(&doc).is_empty());
    }

    fn naive(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => naive(&p[1..], t) || (!t.is_empty() && naive(p, &t[1..])),
            (Some('?'), Some(_)) => naive(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => naive(&p[1..], &t[1..]),
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn wildcard_matcher_agrees_with_a_naive_oracle(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(wildcard_match(&p, &t), naive(&pc, &tc));
        }

        #[test]
        fn arbitrary_json_never_panics(s in ".{0,200}") {
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = statements(&v).count();
                let _ = full_admin_statement(&v);
                let _ = wildcard_service_actions(&v);
            }
        }
    }
}
