//! [`Policy`] → canonical JSON: `Statement` always an array, every list an array, operator
//! names in IAM's spelling. [`super::parse_value`] reads the result back to an equal policy.

use serde_json::{Map, Value, json};

use super::model::{Policy, PrincipalSpec, Principals, Statement};

/// The canonical JSON form of `policy`.
pub fn print(policy: &Policy) -> Value {
    let mut doc = Map::new();
    if let Some(version) = policy.version {
        doc.insert("Version".to_owned(), json!(version.as_str()));
    }
    if let Some(id) = &policy.id {
        doc.insert("Id".to_owned(), json!(id));
    }
    let statements = policy.statements.iter().map(print_statement).collect();
    doc.insert("Statement".to_owned(), Value::Array(statements));
    Value::Object(doc)
}

impl Policy {
    /// The canonical JSON form of the policy (see [`print()`]).
    pub fn to_json(&self) -> Value {
        print(self)
    }
}

fn print_statement(s: &Statement) -> Value {
    let mut out = Map::new();
    if let Some(sid) = &s.sid {
        out.insert("Sid".to_owned(), json!(sid));
    }
    out.insert("Effect".to_owned(), json!(s.effect.as_str()));
    if let Some(p) = &s.principal {
        let key = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        out.insert(key.to_owned(), print_principals(p));
    }
    let key = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    out.insert(key.to_owned(), json!(s.action.patterns));
    if let Some(r) = &s.resource {
        let key = if r.negated { "NotResource" } else { "Resource" };
        out.insert(key.to_owned(), json!(r.patterns));
    }
    if !s.conditions.is_empty() {
        let mut block = Map::new();
        for clause in &s.conditions {
            let entry = block
                .entry(clause.operator.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(keys) = entry {
                keys.insert(clause.key.clone(), json!(clause.values));
            }
        }
        out.insert("Condition".to_owned(), Value::Object(block));
    }
    Value::Object(out)
}

fn print_principals(p: &PrincipalSpec) -> Value {
    match &p.principals {
        Principals::Any => json!("*"),
        Principals::Typed(entries) => Value::Object(
            entries
                .iter()
                .map(|(kind, values)| (kind.as_str().to_owned(), json!(values)))
                .collect(),
        ),
    }
}
