//! The canonical printer. Strings are always quoted, every `&&`/`||` operand that is itself
//! compound is parenthesised, and JSON patterns are spaced as `{ $.a = "x" && $.b > 1 }`,
//! so that [`parse`](fn@super::parse) reads the output back to an equal pattern.

use super::{
    Column, ColumnComparison, Comparison, Condition, Expr, FilterPattern, Selector, Step, Term,
    TermKind, TermText, Test, TextPattern,
};
use std::fmt::{self, Display, Formatter};

/// Writes `s` between double quotes, escaping `"` and `\`.
fn quoted(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        if c == '"' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("\"")
}

impl Display for FilterPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FilterPattern::Terms(terms) => {
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{term}")?;
                }
                Ok(())
            }
            FilterPattern::Json(expr) => write!(f, "{{ {expr} }}"),
            FilterPattern::SpaceDelimited(columns) => {
                f.write_str("[")?;
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{column}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl<T: Display> Display for Expr<T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (items, op) = match self {
            Expr::Leaf(leaf) => return leaf.fmt(f),
            Expr::And(items) => (items, " && "),
            Expr::Or(items) => (items, " || "),
        };
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(op)?;
            }
            match item {
                Expr::Leaf(_) => write!(f, "{item}")?,
                _ => write!(f, "({item})")?,
            }
        }
        Ok(())
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.selector)?;
        match &self.test {
            Test::Compare(c) => c.fmt(f),
            Test::IsTrue => f.write_str("IS TRUE"),
            Test::IsFalse => f.write_str("IS FALSE"),
            Test::IsNull => f.write_str("IS NULL"),
            Test::NotExists => f.write_str("NOT EXISTS"),
        }
    }
}

impl Display for Selector {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
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

impl Display for Comparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Comparison::Text { negated, pattern } => {
                f.write_str(if *negated { "!= " } else { "= " })?;
                match pattern {
                    TextPattern::Wildcard(s) => quoted(f, s),
                    TextPattern::Regex(re) => re.fmt(f),
                }
            }
            // `f64`'s `Display` is exact and never uses an exponent, which the parser reads.
            Comparison::Number { op, value } => write!(f, "{} {value}", op.as_str()),
        }
    }
}

impl Display for Term {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            TermKind::Required => "",
            TermKind::Excluded => "-",
            TermKind::Optional => "?",
        })?;
        match &self.text {
            TermText::Literal(s) => quoted(f, s),
            TermText::Regex(re) => re.fmt(f),
        }
    }
}

impl Display for Column {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Column::Ellipsis => f.write_str("..."),
            Column::Name(name) => f.write_str(name),
            Column::Condition(expr) => expr.fmt(f),
        }
    }
}

impl Display for ColumnComparison {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.column, self.comparison)
    }
}
