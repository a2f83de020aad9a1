//! Evaluation of parsed patterns against events.

use super::{Expr, Field, NumOp, Selector, Step, Term, Test};
use serde_json::Value;

fn select<'a>(event: &'a Value, selector: &Selector) -> Option<&'a Value> {
    selector.0.iter().try_fold(event, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

/// `*` matches any run of characters; everything else literally, case-sensitively.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn compare(op: NumOp, a: f64, b: f64) -> bool {
    match op {
        NumOp::Eq => a == b,
        NumOp::Ne => a != b,
        NumOp::Lt => a < b,
        NumOp::Le => a <= b,
        NumOp::Gt => a > b,
        NumOp::Ge => a >= b,
    }
}

pub(crate) fn expr(e: &Expr, event: &Value) -> bool {
    match e {
        Expr::And(a, b) => expr(a, event) && expr(b, event),
        Expr::Or(a, b) => expr(a, event) || expr(b, event),
        Expr::Cmp(c) => {
            let v = select(event, &c.selector);
            match &c.test {
                Test::Str { negated, pattern } => {
                    let eq = v.and_then(as_text).is_some_and(|t| wildcard(pattern, &t));
                    eq != *negated
                }
                Test::Num { op, value } => match (v.and_then(as_number), value.parse::<f64>()) {
                    (Some(a), Ok(b)) => compare(*op, a, b),
                    _ => *op == NumOp::Ne && v.is_none(),
                },
                Test::IsTrue => v == Some(&Value::Bool(true)),
                Test::IsFalse => v == Some(&Value::Bool(false)),
                Test::IsNull => v == Some(&Value::Null),
                Test::NotExists => v.is_none(),
            }
        }
    }
}

pub(crate) fn terms(terms: &[Term], text: &str) -> bool {
    let mut any_optional = false;
    let mut optional_hit = false;
    for t in terms {
        match t {
            Term::Include(s) if !text.contains(s.as_str()) => return false,
            Term::Exclude(s) if text.contains(s.as_str()) => return false,
            Term::Optional(s) => {
                any_optional = true;
                optional_hit |= text.contains(s.as_str());
            }
            _ => {}
        }
    }
    !any_optional || optional_hit
}

/// Splits a space-delimited line: whitespace separates, `"..."` and `[...]` group.
fn split_fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let (close, skip) = match rest.chars().next() {
            Some('"') => ('"', 1),
            Some('[') => (']', 1),
            _ => (' ', 0),
        };
        let body = &rest[skip..];
        let end = body.find(close).unwrap_or(body.len());
        out.push(&body[..end]);
        rest = body
            .get(end + close.len_utf8()..)
            .unwrap_or("")
            .trim_start();
    }
    out
}

fn field_matches(field: &Field, value: &str) -> bool {
    match field {
        Field::Any(_) | Field::Ellipsis => true,
        Field::Cond {
            op, value: want, ..
        } => match (value.parse::<f64>(), want.parse::<f64>()) {
            (Ok(a), Ok(b)) => compare(*op, a, b),
            _ => match op {
                NumOp::Eq => wildcard(want, value),
                NumOp::Ne => !wildcard(want, value),
                _ => false,
            },
        },
    }
}

pub(crate) fn space_delimited(fields: &[Field], line: &str) -> bool {
    fn go(fields: &[Field], values: &[&str]) -> bool {
        match fields.split_first() {
            None => values.is_empty(),
            Some((Field::Ellipsis, rest)) => {
                (0..=values.len()).any(|skip| go(rest, values.get(skip..).unwrap_or(&[])))
            }
            Some((f, rest)) => match values.split_first() {
                Some((v, vs)) => field_matches(f, v) && go(rest, vs),
                None => false,
            },
        }
    }
    go(fields, &split_fields(line))
}
