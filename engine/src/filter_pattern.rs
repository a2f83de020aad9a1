//! CloudWatch Logs filter patterns: parser, canonical printer and matcher.
//!
//! The CIS AWS Foundations 4.x monitoring checks (`checks/cloudwatch.rs`) judge an account's
//! metric filters *by meaning*: each filter pattern is parsed here and run against the sample
//! CloudTrail records of [`crate::checks::monitoring_spec`], so a correct filter written with
//! other spacing, clause order, parentheses or extra clauses passes, and one that misses an
//! event fails. Patterns come from the account and are untrusted text: [`parse()`] never panics,
//! reports every rejection as a [`ParseError`] with a byte offset, and caps parenthesis nesting
//! at [`MAX_DEPTH`] so that no input can exhaust the stack.
//!
//! # Syntax
//!
//! The first non-blank character picks the kind of pattern, as CloudWatch Logs does:
//!
//! - `{` starts a **JSON pattern**: conditions `SELECTOR OP VALUE` joined with `&&` and `||`,
//!   with parentheses. Selectors are `$.a.b`, `$.a[0].b`, `$.a[0][1]`. Operators are `=` and
//!   `!=` for strings (double-quoted or bare; `*` is a wildcard anywhere in the string;
//!   `%regex%` is a regular expression), `=`, `!=`, `<`, `<=`, `>`, `>=` for numbers (a bare
//!   number such as `400`, `-1.5`, `10e3`), and the tests `IS TRUE`, `IS FALSE`, `IS NULL`,
//!   `NOT EXISTS` (keywords are case-insensitive).
//! - `[` starts a **space-delimited pattern**: `[ip, user, ..., status=4* || status=5*, size>1000]`.
//! - Anything else is a **term pattern**: `ERROR "exact phrase" -excluded ?any ?of %regex%`;
//!   the empty pattern matches every event.
//!
//! Whitespace (newlines included) may appear between any two tokens.
//!
//! # Semantics chosen where the documentation leaves room
//!
//! - `&&` binds tighter than `||`, as the CloudWatch Logs guide states ("`()` > `&&` > `||`").
//! - A string `=` on a field that is missing or `null` is false and `!=` is true (the value is
//!   not equal). On an array or an object both are false: the guide says a selector must reach
//!   a string or a number. Booleans compare as the strings `true` and `false`.
//! - A numeric comparison needs a number or a string holding one; otherwise only `!=` is true
//!   (missing, `null`, booleans and non-numeric strings are "not equal"), and on arrays and
//!   objects every comparison is false.
//! - Matching is case-sensitive. `*` matches any run of characters, including none.
//!   Regular expressions (CloudWatch's subset: no groups) match anywhere in the value unless
//!   anchored with `^` or `$`.
//! - Term patterns: a term matches as a substring. Without `?` terms, every plain term must
//!   appear and no `-` term may. Each `?` term opens an alternative, and the plain and `-`
//!   terms after it belong to that alternative (this is how the AWS CDK writes term groups);
//!   terms before the first `?` apply to every alternative.
//! - Space-delimited patterns never match a JSON event (they are never valid CIS filters). On
//!   text, fields are split on blanks, with `"…"` and `[…]` each one field; without `...` the
//!   number of fields must equal the number of columns.

mod display;
mod eval;
mod lex;
mod parse;
mod regex;

pub use parse::parse;
pub use regex::Regex;

/// Deepest nesting of parentheses [`parse()`] accepts.
pub const MAX_DEPTH: usize = 64;

/// A parsed filter pattern.
///
/// [`fmt::Display`](std::fmt::Display) prints a canonical form that [`parse()`] reads back to an
/// equal value, for every pattern [`parse()`] can produce.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// Plain terms, for unstructured events. The empty list is the empty pattern, which
    /// matches every event.
    Terms(Vec<Term>),
    /// `{ … }`, for JSON events.
    Json(Expr<Condition>),
    /// `[ … ]`, for space-delimited events.
    SpaceDelimited(Vec<Column>),
}

/// A boolean combination of leaves. `And` and `Or` produced by [`parse()`] have at least two
/// operands; a parenthesised group becomes a nested operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<T> {
    /// Every operand holds (`a && b && …`).
    And(Vec<Expr<T>>),
    /// At least one operand holds (`a || b || …`).
    Or(Vec<Expr<T>>),
    /// A single condition.
    Leaf(T),
}

/// One condition of a JSON pattern: `$.errorCode = "AccessDenied*"`, `$.flag IS TRUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Which value of the event is tested.
    pub selector: Selector,
    /// The test applied to it.
    pub test: Test,
}

/// A path from the root of a JSON event, `$.a.b[0].c`. The first step is always a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector(pub Vec<Step>);

/// One step of a [`Selector`].
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `.name`: a member of an object. Names are letters, digits and `_ - @ : # $`.
    Key(String),
    /// `[n]`: an element of an array.
    Index(usize),
}

/// What a JSON [`Condition`] checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=`, `!=` and the numeric operators.
    Compare(Comparison),
    /// `IS TRUE`: the value is the boolean `true`.
    IsTrue,
    /// `IS FALSE`: the value is the boolean `false`.
    IsFalse,
    /// `IS NULL`: the value is present and `null`.
    IsNull,
    /// `NOT EXISTS`: the selector reaches nothing.
    NotExists,
}

/// A comparison with a value, shared by JSON conditions and space-delimited columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// `= pattern` (or `!= pattern` when `negated`) on the value as text.
    Text {
        /// `!=` rather than `=`.
        negated: bool,
        /// What the text must match.
        pattern: TextPattern,
    },
    /// A numeric comparison. `value` is finite for every pattern [`parse()`] produces.
    Number {
        /// The operator.
        op: NumOp,
        /// The number compared with.
        value: f64,
    },
}

/// The right-hand side of a textual `=` or `!=`.
#[derive(Debug, Clone, PartialEq)]
pub enum TextPattern {
    /// A string in which `*` matches any run of characters; everything else is literal.
    Wildcard(String),
    /// `%regex%`.
    Regex(Regex),
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl NumOp {
    /// The operator as written in a pattern.
    pub fn as_str(self) -> &'static str {
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

/// One term of a term pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Whether the term is required, excluded or one of several options.
    pub kind: TermKind,
    /// What is searched for.
    pub text: TermText,
}

/// The role of a [`Term`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A plain term: it must appear.
    Required,
    /// `-term`: it must not appear.
    Excluded,
    /// `?term`: opens an alternative; see the module documentation.
    Optional,
}

/// What a [`Term`] searches for.
#[derive(Debug, Clone, PartialEq)]
pub enum TermText {
    /// A word or `"quoted phrase"`, matched as a substring.
    Literal(String),
    /// `%regex%`.
    Regex(Regex),
}

/// One column of a space-delimited pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// `...`: any number of fields.
    Ellipsis,
    /// A named field with no condition.
    Name(String),
    /// `status = 4* && size > 1000`: a field named after its first comparison, with
    /// conditions that may also mention other columns.
    Condition(Expr<ColumnComparison>),
}

/// `name OP value` inside a space-delimited column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnComparison {
    /// The column compared. Names are letters, digits, `_` and `-`.
    pub column: String,
    /// The comparison.
    pub comparison: Comparison,
}

/// Why a pattern did not parse. Displays as
/// ``at byte 14: expected `)`, `&&` or `||`, found `=` ``.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at byte {offset}: expected {expected}, found {found}")]
pub struct ParseError {
    /// Byte offset in the pattern where the problem was seen.
    pub offset: usize,
    /// What the parser could accept there.
    pub expected: String,
    /// What it found instead (a quoted snippet, or `end of pattern`).
    pub found: String,
}

impl FilterPattern {
    /// Whether the pattern matches a JSON log event, such as a CloudTrail record.
    ///
    /// Term patterns search the event's compact JSON text; space-delimited patterns never
    /// match a JSON event.
    pub fn matches_json(&self, event: &serde_json::Value) -> bool {
        match self {
            FilterPattern::Json(expr) => eval::json(expr, event),
            FilterPattern::Terms(terms) => eval::terms(terms, &event.to_string()),
            FilterPattern::SpaceDelimited(_) => false,
        }
    }

    /// Whether the pattern matches a raw log line. A JSON pattern matches only a line that
    /// parses as JSON.
    pub fn matches_text(&self, line: &str) -> bool {
        match self {
            FilterPattern::Json(expr) => serde_json::from_str::<serde_json::Value>(line)
                .is_ok_and(|event| eval::json(expr, &event)),
            FilterPattern::Terms(terms) => eval::terms(terms, line),
            FilterPattern::SpaceDelimited(columns) => eval::space_delimited(columns, line),
        }
    }
}

#[cfg(test)]
mod tests;
