//! The parser: recursive descent over the tokens of [`super::lex`]. Recursion only happens
//! at `(`, which is capped at [`MAX_DEPTH`]; `&&` and `||` chains are loops.

use super::lex::{Lexer, Mode, Tok, Token, error, number, quoted, regex, snippet};
use super::{
    Column, ColumnComparison, Comparison, Condition, Expr, FilterPattern, MAX_DEPTH, NumOp,
    ParseError, Selector, Step, Term, TermKind, TermText, Test, TextPattern,
};

/// Parses a CloudWatch Logs filter pattern (JSON, space-delimited or terms; see the module
/// documentation for the syntax).
pub fn parse(input: &str) -> Result<FilterPattern, ParseError> {
    let trimmed = input.trim_start();
    let start = input.len() - trimmed.len();
    match trimmed.chars().next() {
        Some('{') => Parser::new(input, start, Mode::Json).json(),
        Some('[') => Parser::new(input, start, Mode::Columns).columns(),
        _ => terms(input),
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    peeked: Option<Token>,
}

/// Joins operands with `make`, or returns the single operand itself.
fn combine<T>(mut items: Vec<Expr<T>>, make: fn(Vec<Expr<T>>) -> Expr<T>) -> Expr<T> {
    if items.len() == 1
        && let Some(only) = items.pop()
    {
        return only;
    }
    make(items)
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, pos: usize, mode: Mode) -> Parser<'a> {
        Parser {
            lexer: Lexer { src, pos, mode },
            peeked: None,
        }
    }

    fn peek(&mut self) -> Result<&Token, ParseError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lexer.next()?);
        }
        match &self.peeked {
            Some(t) => Ok(t),
            None => Err(error(self.lexer.pos, "a token", "nothing")),
        }
    }

    fn bump(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lexer.next(),
        }
    }

    fn found(&self, t: &Token) -> String {
        match t.tok {
            Tok::End => "end of pattern".to_owned(),
            _ => snippet(self.lexer.src.get(t.start..t.end).unwrap_or("")),
        }
    }

    fn unexpected(&self, t: &Token, expected: &str) -> ParseError {
        error(t.start, expected, self.found(t))
    }

    /// Consumes the next token if it is `tok`, else fails with `expected`.
    fn expect(&mut self, tok: &Tok, expected: &str) -> Result<Token, ParseError> {
        let t = self.bump()?;
        if &t.tok == tok {
            Ok(t)
        } else {
            Err(self.unexpected(&t, expected))
        }
    }

    fn at(&mut self, tok: &Tok) -> Result<bool, ParseError> {
        Ok(&self.peek()?.tok == tok)
    }

    // ----- boolean expressions, shared by JSON patterns and column conditions -----

    fn or_expr<T>(
        &mut self,
        depth: usize,
        leaf: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Expr<T>, ParseError> {
        let mut any = vec![self.and_expr(depth, leaf)?];
        while self.at(&Tok::Or)? {
            self.bump()?;
            any.push(self.and_expr(depth, leaf)?);
        }
        Ok(combine(any, Expr::Or))
    }

    fn and_expr<T>(
        &mut self,
        depth: usize,
        leaf: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Expr<T>, ParseError> {
        let mut all = vec![self.primary(depth, leaf)?];
        while self.at(&Tok::And)? {
            self.bump()?;
            all.push(self.primary(depth, leaf)?);
        }
        Ok(combine(all, Expr::And))
    }

    fn primary<T>(
        &mut self,
        depth: usize,
        leaf: fn(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Expr<T>, ParseError> {
        if !self.at(&Tok::LParen)? {
            return Ok(Expr::Leaf(leaf(self)?));
        }
        let open = self.bump()?;
        if depth >= MAX_DEPTH {
            return Err(self.unexpected(&open, &format!("at most {MAX_DEPTH} nested parentheses")));
        }
        let inner = self.or_expr(depth + 1, leaf)?;
        self.expect(&Tok::RParen, "`)`, `&&` or `||`")?;
        Ok(inner)
    }

    /// The value after an operator.
    fn comparison(&mut self, op: NumOp) -> Result<Comparison, ParseError> {
        let t = self.bump()?;
        let pattern = match t.tok {
            Tok::Word(ref w) => match number(w) {
                Some(value) => return Ok(Comparison::Number { op, value }),
                None => TextPattern::Wildcard(w.clone()),
            },
            Tok::Quoted(ref s) => TextPattern::Wildcard(s.clone()),
            Tok::Regex(ref re) => TextPattern::Regex(re.clone()),
            _ => return Err(self.unexpected(&t, "a value (a string, a number or a `%regex%`)")),
        };
        match op {
            NumOp::Eq => Ok(Comparison::Text {
                negated: false,
                pattern,
            }),
            NumOp::Ne => Ok(Comparison::Text {
                negated: true,
                pattern,
            }),
            _ => Err(self.unexpected(&t, &format!("a number after `{}`", op.as_str()))),
        }
    }

    // ----- JSON patterns -----

    fn json(mut self) -> Result<FilterPattern, ParseError> {
        self.expect(&Tok::LBrace, "`{`")?;
        let expr = self.or_expr(0, Self::condition)?;
        self.expect(&Tok::RBrace, "`}`, `&&` or `||`")?;
        self.expect(&Tok::End, "end of pattern after `}`")?;
        Ok(FilterPattern::Json(expr))
    }

    fn condition(&mut self) -> Result<Condition, ParseError> {
        let t = self.bump()?;
        let selector = match &t.tok {
            Tok::Word(w) if w.starts_with('$') => selector(w, t.start)?,
            _ => return Err(self.unexpected(&t, "`(` or a selector such as `$.eventName`")),
        };
        let t = self.bump()?;
        let keyword =
            |t: &Token, kw: &str| matches!(&t.tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw));
        let test = match t.tok {
            Tok::Op(op) => Test::Compare(self.comparison(op)?),
            _ if keyword(&t, "IS") => {
                let v = self.bump()?;
                if keyword(&v, "TRUE") {
                    Test::IsTrue
                } else if keyword(&v, "FALSE") {
                    Test::IsFalse
                } else if keyword(&v, "NULL") {
                    Test::IsNull
                } else {
                    return Err(self.unexpected(&v, "`TRUE`, `FALSE` or `NULL` after `IS`"));
                }
            }
            _ if keyword(&t, "NOT") => {
                let v = self.bump()?;
                if !keyword(&v, "EXISTS") {
                    return Err(self.unexpected(&v, "`EXISTS` after `NOT`"));
                }
                Test::NotExists
            }
            _ => {
                return Err(self.unexpected(
                    &t,
                    "an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`), `IS` or `NOT EXISTS`",
                ));
            }
        };
        Ok(Condition { selector, test })
    }

    // ----- space-delimited patterns -----

    fn columns(mut self) -> Result<FilterPattern, ParseError> {
        self.expect(&Tok::LBracket, "`[`")?;
        let mut columns = vec![];
        if !self.at(&Tok::RBracket)? {
            loop {
                columns.push(self.column()?);
                let t = self.bump()?;
                match t.tok {
                    Tok::RBracket => break,
                    // A trailing comma before `]` is accepted, as in the AWS examples.
                    Tok::Comma if self.at(&Tok::RBracket)? => {
                        self.bump()?;
                        break;
                    }
                    Tok::Comma => {}
                    _ => return Err(self.unexpected(&t, "`,`, `]`, `&&` or `||`")),
                }
            }
        } else {
            self.bump()?;
        }
        self.expect(&Tok::End, "end of pattern after `]`")?;
        Ok(FilterPattern::SpaceDelimited(columns))
    }

    fn column(&mut self) -> Result<Column, ParseError> {
        if matches!(&self.peek()?.tok, Tok::Word(w) if w == "...") {
            self.bump()?;
            return Ok(Column::Ellipsis);
        }
        let expr = self.or_expr(0, Self::column_leaf)?;
        match expr {
            Expr::Leaf(ColumnLeaf::Name(name, _)) => Ok(Column::Name(name)),
            expr => Ok(Column::Condition(into_comparisons(expr)?)),
        }
    }

    fn column_leaf(&mut self) -> Result<ColumnLeaf, ParseError> {
        let t = self.bump()?;
        let name = match &t.tok {
            Tok::Word(w)
                if !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
            {
                w.clone()
            }
            _ => {
                return Err(
                    self.unexpected(&t, "a column name (letters, digits, `_`, `-`) or `...`")
                );
            }
        };
        if let Tok::Op(op) = self.peek()?.tok {
            self.bump()?;
            let comparison = self.comparison(op)?;
            return Ok(ColumnLeaf::Compare(ColumnComparison {
                column: name,
                comparison,
            }));
        }
        Ok(ColumnLeaf::Name(name, t.start))
    }
}

/// A column leaf before we know whether the column is a bare name or a condition.
enum ColumnLeaf {
    Name(String, usize),
    Compare(ColumnComparison),
}

fn into_comparisons(expr: Expr<ColumnLeaf>) -> Result<Expr<ColumnComparison>, ParseError> {
    let all = |items: Vec<Expr<ColumnLeaf>>| {
        items
            .into_iter()
            .map(into_comparisons)
            .collect::<Result<Vec<_>, _>>()
    };
    match expr {
        Expr::And(items) => Ok(Expr::And(all(items)?)),
        Expr::Or(items) => Ok(Expr::Or(all(items)?)),
        Expr::Leaf(ColumnLeaf::Compare(c)) => Ok(Expr::Leaf(c)),
        Expr::Leaf(ColumnLeaf::Name(name, at)) => Err(error(
            at,
            "a comparison such as `status = 404` inside a condition",
            snippet(&name),
        )),
    }
}

/// Parses a selector word (`$.a.b[0]`) found at byte `at`.
fn selector(word: &str, at: usize) -> Result<Selector, ParseError> {
    let is_key_char =
        |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | ':' | '#' | '$');
    let mut steps = vec![];
    let mut rest = word.get(1..).unwrap_or("");
    while let Some(c) = rest.chars().next() {
        let here = at + (word.len() - rest.len());
        match c {
            '.' => {
                let key_len: usize = rest
                    .chars()
                    .skip(1)
                    .take_while(|&c| is_key_char(c))
                    .map(char::len_utf8)
                    .sum();
                if key_len == 0 {
                    let after = rest.get(1..).unwrap_or("");
                    let found = if after.is_empty() {
                        "end of selector".to_owned()
                    } else {
                        snippet(after)
                    };
                    return Err(error(here + 1, "a field name after `.`", found));
                }
                steps.push(Step::Key(rest.get(1..1 + key_len).unwrap_or("").to_owned()));
                rest = rest.get(1 + key_len..).unwrap_or("");
            }
            '[' if !steps.is_empty() => {
                let digits: usize = rest
                    .chars()
                    .skip(1)
                    .take_while(char::is_ascii_digit)
                    .count();
                let index = rest
                    .get(1..1 + digits)
                    .and_then(|d| d.parse::<usize>().ok());
                match (
                    index,
                    rest.get(1 + digits..).and_then(|r| r.strip_prefix(']')),
                ) {
                    (Some(i), Some(after)) => {
                        steps.push(Step::Index(i));
                        rest = after;
                    }
                    _ => return Err(error(here, "an array index such as `[0]`", snippet(rest))),
                }
            }
            _ if steps.is_empty() => {
                return Err(error(here, "`.` and a field name after `$`", snippet(rest)));
            }
            _ => {
                return Err(error(
                    here,
                    "`.`, `[`, or an operator after the selector",
                    snippet(rest),
                ));
            }
        }
    }
    if steps.is_empty() {
        return Err(error(
            at + 1,
            "`.` and a field name after `$`",
            "end of selector",
        ));
    }
    Ok(Selector(steps))
}

/// Parses a term pattern: blank-separated terms, each optionally prefixed by `-` or `?`.
fn terms(src: &str) -> Result<FilterPattern, ParseError> {
    let mut terms = vec![];
    let mut pos = 0;
    loop {
        let rest = src.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        let Some(first) = trimmed.chars().next() else {
            break;
        };
        let kind = match first {
            '-' => TermKind::Excluded,
            '?' => TermKind::Optional,
            _ => TermKind::Required,
        };
        if kind != TermKind::Required {
            pos += 1;
            let rest = src.get(pos..).unwrap_or("");
            let trimmed = rest.trim_start();
            pos += rest.len() - trimmed.len();
            if trimmed.is_empty() {
                return Err(error(
                    pos,
                    format!("a term after `{first}`"),
                    "end of pattern",
                ));
            }
        }
        let rest = src.get(pos..).unwrap_or("");
        let (text, end) = match rest.chars().next() {
            Some('"') => {
                let (s, end) = quoted(src, pos)?;
                (TermText::Literal(s), end)
            }
            Some('%') => {
                let (re, end) = regex(src, pos)?;
                (TermText::Regex(re), end)
            }
            _ => {
                let len: usize = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .map(char::len_utf8)
                    .sum();
                (
                    TermText::Literal(rest.get(..len).unwrap_or("").to_owned()),
                    pos + len,
                )
            }
        };
        terms.push(Term { kind, text });
        pos = end;
    }
    Ok(FilterPattern::Terms(terms))
}
