//! CloudWatch Logs filter patterns: parser, canonical printer and evaluator.
//!
//! The CIS 4.x monitoring checks judge metric filters by meaning: the pattern an account
//! uses is parsed here and run against sample CloudTrail events (see
//! [`crate::checks::monitoring_spec`]). Patterns are untrusted text: every input either
//! parses or gives a [`ParseError`] with a byte offset; nothing panics, and nesting is capped.
//!
//! Supported: JSON patterns (`{ $.a.b[0] = "x*" && ($.c != 1 || $.d IS TRUE) }` with `=`,
//! `!=`, `<`, `<=`, `>`, `>=`, `IS TRUE|FALSE|NULL`, `NOT EXISTS`, `&&`, `||`,
//! parentheses), term patterns (`ERROR "exact phrase" -excluded`, `?A ?B`) and
//! space-delimited patterns (`[ip, user, ..., status=4*, size>1000]`).
//!
//! Semantics chosen where the documentation is silent: `&&` binds tighter than `||`; a string
//! `=` on a missing or non-scalar field is false and `!=` is true; numeric comparisons need a
//! number (or a numeric string) and are false otherwise; string matching is case-sensitive
//! with `*` matching any run of characters.

mod eval;
mod parse;

pub use parse::parse;

use std::fmt;

/// Deepest parenthesis nesting accepted.
pub const MAX_DEPTH: usize = 64;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// `{ ... }`, for JSON log events.
    Json(Expr),
    /// Plain terms, for text log events (the empty pattern matches everything).
    Terms(Vec<Term>),
    /// `[field, field=value, ...]`, for space-delimited log events.
    SpaceDelimited(Vec<Field>),
}

/// A boolean expression of a JSON pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(Comparison),
}

/// `selector test`, e.g. `$.errorCode = "AccessDenied*"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub selector: Selector,
    pub test: Test,
}

/// A path into the event: `$.a.b[0].c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(pub Vec<Step>);

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl NumOp {
    fn as_str(self) -> &'static str {
        match self {
            NumOp::Eq => "=",
            NumOp::Ne => "!=",
            NumOp::Lt => "<",
            NumOp::Le => "<=",
            NumOp::Gt => ">",
            NumOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `= "text*"` or `!= "text*"`; `*` matches any run of characters.
    Str {
        negated: bool,
        pattern: String,
    },
    /// A numeric comparison; the number keeps its written form.
    Num {
        op: NumOp,
        value: String,
    },
    IsTrue,
    IsFalse,
    IsNull,
    NotExists,
}

/// One term of a term pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// Must appear.
    Include(String),
    /// Must not appear (`-term`).
    Exclude(String),
    /// At least one of the optional terms must appear (`?term`).
    Optional(String),
}

/// One field of a space-delimited pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A named field with no condition.
    Any(String),
    /// `...`: any number of fields.
    Ellipsis,
    /// `name OP value`.
    Cond {
        name: String,
        op: NumOp,
        value: String,
    },
}

/// Where and why a pattern did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: expected {expected}, found {found}")]
pub struct ParseError {
    pub offset: usize,
    pub expected: String,
    pub found: String,
}

impl FilterPattern {
    /// Whether the pattern matches a JSON log event (a CloudTrail record, say). Term
    /// patterns are applied to the event's JSON text, as CloudWatch Logs does.
    pub fn matches_json(&self, event: &serde_json::Value) -> bool {
        match self {
            FilterPattern::Json(e) => eval::expr(e, event),
            FilterPattern::Terms(t) => eval::terms(t, &event.to_string()),
            FilterPattern::SpaceDelimited(_) => false,
        }
    }

    /// Whether the pattern matches a plain-text log line.
    pub fn matches_text(&self, line: &str) -> bool {
        match self {
            FilterPattern::Json(e) => serde_json::from_str(line).is_ok_and(|v| eval::expr(e, &v)),
            FilterPattern::Terms(t) => eval::terms(t, line),
            FilterPattern::SpaceDelimited(f) => eval::space_delimited(f, line),
        }
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.0 {
            match step {
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(a, b) => write!(f, "({a} && {b})"),
            Expr::Or(a, b) => write!(f, "({a} || {b})"),
            Expr::Cmp(c) => {
                let s = &c.selector;
                match &c.test {
                    Test::Str { negated, pattern } => {
                        write!(
                            f,
                            "{s} {} {}",
                            if *negated { "!=" } else { "=" },
                            quote(pattern)
                        )
                    }
                    Test::Num { op, value } => write!(f, "{s} {} {value}", op.as_str()),
                    Test::IsTrue => write!(f, "{s} IS TRUE"),
                    Test::IsFalse => write!(f, "{s} IS FALSE"),
                    Test::IsNull => write!(f, "{s} IS NULL"),
                    Test::NotExists => write!(f, "{s} NOT EXISTS"),
                }
            }
        }
    }
}

impl fmt::Display for FilterPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterPattern::Json(e) => write!(f, "{{ {e} }}"),
            FilterPattern::Terms(terms) => {
                let parts: Vec<String> = terms
                    .iter()
                    .map(|t| match t {
                        Term::Include(s) => quote(s),
                        Term::Exclude(s) => format!("-{}", quote(s)),
                        Term::Optional(s) => format!("?{}", quote(s)),
                    })
                    .collect();
                f.write_str(&parts.join(" "))
            }
            FilterPattern::SpaceDelimited(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|fl| match fl {
                        Field::Any(n) => n.clone(),
                        Field::Ellipsis => "...".into(),
                        Field::Cond { name, op, value } => {
                            format!("{name}{}{}", op.as_str(), quote(value))
                        }
                    })
                    .collect();
                write!(f, "[{}]", parts.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests;
