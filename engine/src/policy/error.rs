//! The one error of the policy parser: where in the document, what was expected, what was
//! there instead.

use serde_json::Value;

/// A policy document the parser rejects.
///
/// `path` is a JSONPath-like location (`$`, `$.Statement[1].Effect`,
/// `$.Statement.Condition.StringEquals`), `expected` describes what IAM accepts there and
/// `found` what the document holds (`nothing` when an element is missing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: expected {expected}, found {found}")]
pub struct PolicyError {
    /// Where in the document, starting at `$`.
    pub path: String,
    /// What IAM accepts there.
    pub expected: String,
    /// What the document holds instead.
    pub found: String,
}

impl PolicyError {
    pub(crate) fn new(
        path: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// `expected` at `path`, where the document holds `value`.
    pub(crate) fn at(path: &str, expected: impl Into<String>, value: &Value) -> Self {
        Self::new(path, expected, describe(value))
    }
}

/// Longest string quoted in an error message; longer ones are cut with `…`.
const MAX_QUOTED: usize = 60;

/// A short description of a JSON value for error messages: strings quoted (and cut when
/// long), other values by kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Null => "null".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// `s` between double quotes, JSON-escaped, cut after [`MAX_QUOTED`] characters.
pub(crate) fn quote(s: &str) -> String {
    let cut: String = s.chars().take(MAX_QUOTED).collect();
    let ellipsis = if cut.len() < s.len() { "…" } else { "" };
    let escaped = serde_json::to_string(&cut).unwrap_or_else(|_| format!("\"{cut}\""));
    match escaped.strip_suffix('"') {
        Some(open) => format!("{open}{ellipsis}\""),
        None => escaped,
    }
}
