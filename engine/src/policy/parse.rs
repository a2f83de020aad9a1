//! JSON → [`Policy`]: every element of the IAM policy grammar, with precise errors.
//!
//! Policy documents are untrusted text (they come from the account). The parser never
//! panics; serde_json bounds nesting, and every rejection names its place in the document.
//! Element names are case-sensitive, as in IAM; condition operator names are matched without
//! case (and printed in their canonical spelling).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::error::{PolicyError, quote};
use super::model::{
    ActionSpec, ConditionClause, Effect, Operator, Policy, PrincipalSpec, PrincipalType,
    Principals, ResourceSpec, Statement, Version,
};

const TOP_KEYS: &str = "`Version`, `Id` or `Statement`";
const STATEMENT_KEYS: &str = "`Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, \
    `NotAction`, `Resource`, `NotResource` or `Condition`";
const STRINGS: &str = "a string or a non-empty array of strings";

/// Parses a policy document given as raw JSON or URL-encoded JSON (as IAM's `Get*Policy`
/// calls return it).
pub fn parse_policy(text: &str) -> Result<Policy, PolicyError> {
    let json = decode(text)?;
    let value: Value = serde_json::from_str(&json)
        .map_err(|e| PolicyError::new("$", "a JSON policy document", format!("`{e}`")))?;
    parse_value(&value)
}

/// The JSON text of a document that may be URL-encoded: text that is not JSON as is (it
/// does not start with `{`) and contains `%` escapes is percent-decoded once.
pub fn decode(text: &str) -> Result<Cow<'_, str>, PolicyError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || !trimmed.contains('%') {
        return Ok(Cow::Borrowed(text));
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_err(|e| PolicyError::new("$", "UTF-8 text after URL decoding", format!("`{e}`")))
}

/// Parses a policy document already read as JSON.
pub fn parse_value(value: &Value) -> Result<Policy, PolicyError> {
    let doc = object(value, "$", "a policy document (a JSON object)")?;
    let mut version = None;
    let mut id = None;
    let mut statements = None;
    for (key, v) in doc {
        let path = format!("$.{key}");
        match key.as_str() {
            "Version" => version = Some(parse_version(v, &path)?),
            "Id" => id = Some(string(v, &path)?),
            "Statement" => statements = Some(parse_statements(v, &path)?),
            _ => return Err(unknown_key(&path, key, TOP_KEYS)),
        }
    }
    let statements =
        statements.ok_or_else(|| PolicyError::new("$", "a `Statement` element", "nothing"))?;
    Ok(Policy {
        version,
        id,
        statements,
    })
}

fn parse_version(v: &Value, path: &str) -> Result<Version, PolicyError> {
    match v.as_str() {
        Some("2012-10-17") => Ok(Version::V2012_10_17),
        Some("2008-10-17") => Ok(Version::V2008_10_17),
        _ => Err(PolicyError::at(path, "\"2012-10-17\" or \"2008-10-17\"", v)),
    }
}

fn parse_statements(v: &Value, path: &str) -> Result<Vec<Statement>, PolicyError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(s, &format!("{path}[{i}]"), i))
            .collect(),
        Value::Object(_) => Ok(vec![parse_statement(v, path, 0)?]),
        _ => Err(PolicyError::at(
            path,
            "a statement object or an array of statements",
            v,
        )),
    }
}

fn parse_statement(v: &Value, path: &str, index: usize) -> Result<Statement, PolicyError> {
    let obj = object(v, path, "a statement object")?;
    let mut sid = None;
    let mut effect = None;
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut conditions = Vec::new();
    for (key, value) in obj {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Sid" => sid = Some(string(value, &at)?),
            "Effect" => effect = Some(parse_effect(value, &at)?),
            "Principal" | "NotPrincipal" => {
                let spec = PrincipalSpec {
                    negated: key == "NotPrincipal",
                    principals: parse_principals(value, &at)?,
                };
                set_once(&mut principal, spec, path, "`Principal` or `NotPrincipal`")?;
            }
            "Action" | "NotAction" => {
                let spec = ActionSpec {
                    negated: key == "NotAction",
                    patterns: strings(value, &at)?,
                };
                set_once(&mut action, spec, path, "`Action` or `NotAction`")?;
            }
            "Resource" | "NotResource" => {
                let spec = ResourceSpec {
                    negated: key == "NotResource",
                    patterns: strings(value, &at)?,
                };
                set_once(&mut resource, spec, path, "`Resource` or `NotResource`")?;
            }
            "Condition" => conditions = parse_conditions(value, &at)?,
            _ => return Err(unknown_key(&at, key, STATEMENT_KEYS)),
        }
    }
    let effect = effect.ok_or_else(|| {
        PolicyError::new(format!("{path}.Effect"), "\"Allow\" or \"Deny\"", "nothing")
    })?;
    let action = action
        .ok_or_else(|| PolicyError::new(path, "one of `Action` or `NotAction`", "neither"))?;
    Ok(Statement {
        index,
        sid,
        effect,
        principal,
        action,
        resource,
        conditions,
    })
}

/// Stores an element that has a negated twin, rejecting a statement with both.
fn set_once<T>(slot: &mut Option<T>, value: T, path: &str, what: &str) -> Result<(), PolicyError> {
    if slot.is_some() {
        return Err(PolicyError::new(
            path,
            format!("only one of {what}"),
            "both",
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_effect(v: &Value, path: &str) -> Result<Effect, PolicyError> {
    match v.as_str() {
        Some("Allow") => Ok(Effect::Allow),
        Some("Deny") => Ok(Effect::Deny),
        _ => Err(PolicyError::at(path, "\"Allow\" or \"Deny\"", v)),
    }
}

fn parse_principals(v: &Value, path: &str) -> Result<Principals, PolicyError> {
    const EXPECTED: &str = "\"*\" or an object of `AWS`, `Service`, `Federated`, `CanonicalUser`";
    match v {
        Value::String(s) if s == "*" => Ok(Principals::Any),
        Value::Object(map) if !map.is_empty() => {
            let mut entries = Vec::with_capacity(map.len());
            for (key, value) in map {
                let at = format!("{path}.{key}");
                let Some(kind) = PrincipalType::ALL.into_iter().find(|k| k.as_str() == key) else {
                    return Err(unknown_key(
                        &at,
                        key,
                        "`AWS`, `Service`, `Federated` or `CanonicalUser`",
                    ));
                };
                entries.push((kind, strings(value, &at)?));
            }
            entries.sort_by_key(|(kind, _)| *kind);
            Ok(Principals::Typed(entries))
        }
        _ => Err(PolicyError::at(path, EXPECTED, v)),
    }
}

fn parse_conditions(v: &Value, path: &str) -> Result<Vec<ConditionClause>, PolicyError> {
    let block = object(v, path, "an object of condition operators")?;
    let mut clauses: Vec<ConditionClause> = Vec::new();
    let mut seen: Vec<Operator> = Vec::new();
    for (name, keys) in block {
        let at = format!("{path}.{name}");
        let operator = Operator::parse(name)
            .ok_or_else(|| PolicyError::new(&at, "a condition operator", quote(name)))?;
        if seen.contains(&operator) {
            return Err(PolicyError::new(
                &at,
                "each condition operator once",
                format!("a second `{operator}`"),
            ));
        }
        seen.push(operator);
        let keys = object(keys, &at, "an object of condition keys and values")?;
        for (key, values) in keys {
            clauses.push(ConditionClause {
                operator,
                key: key.clone(),
                values: condition_values(values, &format!("{at}.{key}"))?,
            });
        }
    }
    clauses.sort_by(|a, b| (a.operator.to_string(), &a.key).cmp(&(b.operator.to_string(), &b.key)));
    Ok(clauses)
}

/// A condition value: a string, number or boolean, or a non-empty array of them.
fn condition_values(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    const EXPECTED: &str = "a string, number or boolean, or a non-empty array of them";
    let scalar = |v: &Value, path: &str| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(PolicyError::at(path, EXPECTED, v)),
    };
    match v {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| scalar(item, &format!("{path}[{i}]")))
            .collect(),
        _ => scalar(v, path).map(|s| vec![s]),
    }
}

fn object<'a>(
    v: &'a Value,
    path: &str,
    expected: &str,
) -> Result<&'a Map<String, Value>, PolicyError> {
    v.as_object()
        .ok_or_else(|| PolicyError::at(path, expected, v))
}

fn string(v: &Value, path: &str) -> Result<String, PolicyError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| PolicyError::at(path, "a string", v))
}

/// A string or a non-empty array of strings.
fn strings(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| PolicyError::at(&format!("{path}[{i}]"), "a string", item))
            })
            .collect(),
        _ => Err(PolicyError::at(path, STRINGS, v)),
    }
}

fn unknown_key(path: &str, key: &str, expected: &str) -> PolicyError {
    PolicyError::new(
        path,
        format!("one of {expected}"),
        format!("unknown key {}", quote(key)),
    )
}
