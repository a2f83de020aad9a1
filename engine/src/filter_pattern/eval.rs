//! Matching parsed patterns against events. The semantic choices are listed in the module
//! documentation of [`super`].

use super::{
    Column, ColumnComparison, Comparison, Condition, Expr, NumOp, Selector, Step, Term, TermKind,
    TermText, Test, TextPattern,
};
use serde_json::Value;

impl<T> Expr<T> {
    /// Evaluates the expression with `leaf` deciding each condition.
    fn holds(&self, leaf: &impl Fn(&T) -> bool) -> bool {
        match self {
            Expr::And(items) => items.iter().all(|e| e.holds(leaf)),
            Expr::Or(items) => items.iter().any(|e| e.holds(leaf)),
            Expr::Leaf(t) => leaf(t),
        }
    }

    /// The first leaf, depth first.
    fn first_leaf(&self) -> Option<&T> {
        match self {
            Expr::And(items) | Expr::Or(items) => items.first().and_then(Expr::first_leaf),
            Expr::Leaf(t) => Some(t),
        }
    }
}

// ----- JSON patterns -----

pub(super) fn json(expr: &Expr<Condition>, event: &Value) -> bool {
    expr.holds(&|c: &Condition| condition(c, event))
}

fn select<'v>(event: &'v Value, selector: &Selector) -> Option<&'v Value> {
    selector.0.iter().try_fold(event, |v, step| match step {
        Step::Key(k) => v.as_object().and_then(|o| o.get(k)),
        Step::Index(i) => v.as_array().and_then(|a| a.get(*i)),
    })
}

fn condition(c: &Condition, event: &Value) -> bool {
    let value = select(event, &c.selector);
    match &c.test {
        Test::IsTrue => value == Some(&Value::Bool(true)),
        Test::IsFalse => value == Some(&Value::Bool(false)),
        Test::IsNull => value == Some(&Value::Null),
        Test::NotExists => value.is_none(),
        Test::Compare(cmp) => match value {
            // The selector must reach a value node; on arrays and objects nothing matches.
            Some(Value::Array(_) | Value::Object(_)) => false,
            None | Some(Value::Null) => is_not_equal(cmp),
            Some(Value::String(s)) => compare(cmp, s),
            Some(Value::Number(n)) => compare(cmp, &n.to_string()),
            Some(Value::Bool(b)) => compare(cmp, if *b { "true" } else { "false" }),
        },
    }
}

/// Whether the comparison is a "not equal" one, which an absent value satisfies.
fn is_not_equal(cmp: &Comparison) -> bool {
    matches!(
        cmp,
        Comparison::Text { negated: true, .. } | Comparison::Number { op: NumOp::Ne, .. }
    )
}

/// Compares a scalar value, as text, with a comparison of a JSON pattern or a column.
fn compare(cmp: &Comparison, text: &str) -> bool {
    match cmp {
        Comparison::Text { negated, pattern } => text_matches(pattern, text) != *negated,
        Comparison::Number { op, value } => match super::lex::number(text.trim()) {
            Some(x) => match op {
                NumOp::Eq => x == *value,
                NumOp::Ne => x != *value,
                NumOp::Lt => x < *value,
                NumOp::Le => x <= *value,
                NumOp::Gt => x > *value,
                NumOp::Ge => x >= *value,
            },
            None => *op == NumOp::Ne,
        },
    }
}

fn text_matches(pattern: &TextPattern, text: &str) -> bool {
    match pattern {
        TextPattern::Wildcard(p) => wildcard(p, text),
        TextPattern::Regex(re) => re.is_match(text),
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (none
/// included) and every other character matches itself, case-sensitively.
///
/// The first and last pieces anchor the ends; the pieces between are found leftmost-first,
/// which is enough because a later `*` can absorb whatever an earlier choice skipped.
pub(super) fn wildcard(pattern: &str, text: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let mut middle: Vec<&str> = pieces.collect();
    let Some(last) = middle.pop() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for piece in middle {
        match rest.find(piece) {
            Some(i) => rest = rest.get(i + piece.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.ends_with(last)
}

// ----- term patterns -----

pub(super) fn terms(terms: &[Term], text: &str) -> bool {
    let holds = |term: &Term| {
        let found = match &term.text {
            TermText::Literal(s) => text.contains(s.as_str()),
            TermText::Regex(re) => re.is_match(text),
        };
        found != (term.kind == TermKind::Excluded)
    };
    // Terms before the first `?` apply everywhere; each `?` term opens an alternative.
    let split = terms
        .iter()
        .position(|t| t.kind == TermKind::Optional)
        .unwrap_or(terms.len());
    let (common, alternatives) = terms.split_at(split);
    if !common.iter().all(holds) {
        return false;
    }
    if alternatives.is_empty() {
        return true;
    }
    let mut any = false;
    let mut current = true;
    for (i, term) in alternatives.iter().enumerate() {
        if i > 0 && term.kind == TermKind::Optional {
            any |= current;
            current = true;
        }
        current &= holds(term);
    }
    any || current
}

// ----- space-delimited patterns -----

/// Splits a line into fields: blanks separate, and `"…"` or `[…]` is one field.
fn fields(line: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = line.trim_start();
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '"' => Some('"'),
            '[' => Some(']'),
            _ => None,
        };
        match close {
            Some(close) => {
                let body = rest.get(1..).unwrap_or("");
                let end = body.find(close).unwrap_or(body.len());
                out.push(body.get(..end).unwrap_or(""));
                rest = body.get(end + 1..).unwrap_or("");
            }
            None => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                out.push(rest.get(..end).unwrap_or(""));
                rest = rest.get(end..).unwrap_or("");
            }
        }
        rest = rest.trim_start();
    }
    out
}

/// The name a column binds its field to.
fn column_name(column: &Column) -> Option<&str> {
    match column {
        Column::Ellipsis => None,
        Column::Name(name) => Some(name),
        Column::Condition(expr) => expr
            .first_leaf()
            .map(|c: &ColumnComparison| c.column.as_str()),
    }
}

/// Matches the line's fields to the columns, `...` standing for any number of fields.
///
/// The alignment is found like a `*` glob (greedy, retrying the last `...`), checking each
/// column's comparisons on its own field and assuming those on other columns hold; the
/// conditions are then checked in full on that alignment. With several `...` and conditions
/// across columns, a later alignment that would satisfy them is not looked for.
pub(super) fn space_delimited(columns: &[Column], line: &str) -> bool {
    let values = fields(line);
    let own = |column: &Column, value: &str| match column {
        Column::Condition(expr) => {
            let name = column_name(column);
            expr.holds(&|c: &ColumnComparison| {
                Some(c.column.as_str()) != name || compare(&c.comparison, value)
            })
        }
        _ => true,
    };
    let Some(assigned) = align(columns, &values, own) else {
        return false;
    };
    let bound = |name: &str| {
        assigned
            .iter()
            .find(|&&(c, _)| columns.get(c).and_then(column_name) == Some(name))
            .and_then(|&(_, v)| values.get(v).copied())
    };
    assigned.iter().all(|&(c, v)| match columns.get(c) {
        Some(column @ Column::Condition(expr)) => {
            let name = column_name(column);
            expr.holds(&|cmp: &ColumnComparison| {
                let value = if Some(cmp.column.as_str()) == name {
                    values.get(v).copied()
                } else {
                    bound(&cmp.column)
                };
                value.is_some_and(|value| compare(&cmp.comparison, value))
            })
        }
        _ => true,
    })
}

/// Pairs (column index, field index) for the first alignment found, if any.
fn align(
    columns: &[Column],
    values: &[&str],
    fits: impl Fn(&Column, &str) -> bool,
) -> Option<Vec<(usize, usize)>> {
    let (mut c, mut v) = (0, 0);
    let mut assigned = vec![];
    // For the last `...` seen: the column after it, the field that column is tried at next
    // (one further on each retry, the `...` absorbing one more field), and the pairs kept.
    let mut retry: Option<(usize, usize, usize)> = None;
    while v < values.len() {
        match (columns.get(c), values.get(v)) {
            (Some(Column::Ellipsis), _) => {
                retry = Some((c + 1, v, assigned.len()));
                c += 1;
            }
            (Some(column), Some(value)) if fits(column, value) => {
                assigned.push((c, v));
                c += 1;
                v += 1;
            }
            _ => {
                let (next, start, kept) = retry?;
                retry = Some((next, start + 1, kept));
                assigned.truncate(kept);
                c = next;
                v = start + 1;
            }
        }
    }
    while matches!(columns.get(c), Some(Column::Ellipsis)) {
        c += 1;
    }
    (c == columns.len()).then_some(assigned)
}
