//! Recursive-descent parser over a byte cursor. Errors carry the byte offset.

use super::{
    Comparison, Expr, Field, FilterPattern, MAX_DEPTH, NumOp, ParseError, Selector, Step, Term,
    Test,
};

/// Parses a CloudWatch Logs filter pattern.
pub fn parse(input: &str) -> Result<FilterPattern, ParseError> {
    let mut p = Parser { s: input, pos: 0 };
    p.skip_ws();
    match p.peek() {
        Some('{') => {
            p.pos += 1;
            let e = p.expr(0)?;
            p.expect_char('}', "`}`, `&&` or `||`")?;
            p.skip_ws();
            p.end()?;
            Ok(FilterPattern::Json(e))
        }
        Some('[') => p.space_delimited(),
        _ => p.terms(),
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '(' | ')' | '{' | '}' | '&' | '|' | '=' | '!' | '<' | '>' | '"' | '[' | ']' | ','
        )
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }
    fn found(&self) -> String {
        match self.rest().chars().next() {
            None => "end of pattern".into(),
            Some(_) => {
                let snippet: String = self.rest().chars().take(12).collect();
                format!("`{snippet}`")
            }
        }
    }
    fn err(&self, expected: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            expected: expected.into(),
            found: self.found(),
        }
    }
    fn end(&self) -> Result<(), ParseError> {
        if self.rest().is_empty() {
            Ok(())
        } else {
            Err(self.err("end of pattern"))
        }
    }
    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }
    fn expect_char(&mut self, c: char, expected: &str) -> Result<(), ParseError> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.err(expected))
        }
    }
    /// A keyword: a whole word, case-insensitive.
    fn eat_keyword(&mut self, kw: &str) -> bool {
        self.skip_ws();
        let rest = self.rest();
        let Some(head) = rest.get(..kw.len()) else {
            return false;
        };
        let boundary = rest[kw.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_word_char(c));
        if head.eq_ignore_ascii_case(kw) && boundary {
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut left = self.and(depth)?;
        while self.eat("||") {
            let right = self.and(depth)?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut left = self.unary(depth)?;
        while self.eat("&&") {
            let right = self.unary(depth)?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        self.skip_ws();
        if self.peek() == Some('(') {
            if depth >= MAX_DEPTH {
                return Err(self.err(&format!("at most {MAX_DEPTH} nested parentheses")));
            }
            self.pos += 1;
            let e = self.expr(depth + 1)?;
            self.expect_char(')', "`)`, `&&` or `||`")?;
            return Ok(e);
        }
        self.comparison()
    }

    fn selector(&mut self) -> Result<Selector, ParseError> {
        self.skip_ws();
        if self.peek() != Some('$') {
            return Err(self.err("a selector such as `$.eventName`"));
        }
        self.pos += 1;
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    let start = self.pos;
                    let len: usize = self
                        .rest()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | ':'))
                        .map(char::len_utf8)
                        .sum();
                    if len == 0 {
                        return Err(self.err("a field name after `.`"));
                    }
                    self.pos += len;
                    steps.push(Step::Key(self.s[start..self.pos].to_owned()));
                }
                Some('[') => {
                    self.pos += 1;
                    let digits: String = self
                        .rest()
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    let index = digits
                        .parse::<usize>()
                        .map_err(|_| self.err("an array index"))?;
                    self.pos += digits.len();
                    if self.peek() != Some(']') {
                        return Err(self.err("`]`"));
                    }
                    self.pos += 1;
                    steps.push(Step::Index(index));
                }
                _ => break,
            }
        }
        if steps.is_empty() {
            return Err(self.err("`.` and a field name after `$`"));
        }
        Ok(Selector(steps))
    }

    fn operator(&mut self) -> Option<NumOp> {
        for (tok, op) in [
            ("!=", NumOp::Ne),
            ("<=", NumOp::Le),
            (">=", NumOp::Ge),
            ("=", NumOp::Eq),
            ("<", NumOp::Lt),
            (">", NumOp::Gt),
        ] {
            if self.eat(tok) {
                return Some(op);
            }
        }
        None
    }

    fn quoted(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, e)) => out.push(e),
                    None => break,
                },
                c => out.push(c),
            }
        }
        self.pos = start;
        Err(self.err("a closing `\"`"))
    }

    fn bare_word(&mut self) -> String {
        let len: usize = self
            .rest()
            .chars()
            .take_while(|c| is_word_char(*c))
            .map(char::len_utf8)
            .sum();
        let w = self.s[self.pos..self.pos + len].to_owned();
        self.pos += len;
        w
    }

    /// A value: quoted string (always a string) or bare word (a number if it parses as one).
    fn value(&mut self) -> Result<(String, bool), ParseError> {
        self.skip_ws();
        match self.peek() {
            Some('"') => Ok((self.quoted()?, true)),
            Some(c) if is_word_char(c) => Ok((self.bare_word(), false)),
            _ => Err(self.err("a value")),
        }
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let selector = self.selector()?;
        let test = if self.eat_keyword("IS") {
            if self.eat_keyword("TRUE") {
                Test::IsTrue
            } else if self.eat_keyword("FALSE") {
                Test::IsFalse
            } else if self.eat_keyword("NULL") {
                Test::IsNull
            } else {
                return Err(self.err("`TRUE`, `FALSE` or `NULL` after `IS`"));
            }
        } else if self.eat_keyword("NOT") {
            if !self.eat_keyword("EXISTS") {
                return Err(self.err("`EXISTS` after `NOT`"));
            }
            Test::NotExists
        } else {
            let op_pos = self.pos;
            let op = self.operator().ok_or_else(|| {
                self.err("an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `IS`, `NOT EXISTS`)")
            })?;
            let (value, quoted) = self.value()?;
            let numeric = !quoted && is_number(&value);
            match op {
                NumOp::Eq | NumOp::Ne if !numeric => Test::Str {
                    negated: op == NumOp::Ne,
                    pattern: value,
                },
                _ if numeric => Test::Num { op, value },
                _ => {
                    return Err(ParseError {
                        offset: op_pos,
                        expected: "a number after a numeric comparison".into(),
                        found: format!("`{value}`"),
                    });
                }
            }
        };
        Ok(Expr::Cmp(Comparison { selector, test }))
    }

    fn terms(&mut self) -> Result<FilterPattern, ParseError> {
        let mut terms = Vec::new();
        loop {
            self.skip_ws();
            let Some(c) = self.peek() else { break };
            let kind = match c {
                '-' => {
                    self.pos += 1;
                    Term::Exclude as fn(String) -> Term
                }
                '?' => {
                    self.pos += 1;
                    Term::Optional
                }
                _ => Term::Include,
            };
            let word = match self.peek() {
                Some('"') => self.quoted()?,
                Some(_) => {
                    let len: usize = self
                        .rest()
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .map(char::len_utf8)
                        .sum();
                    let w = self.s[self.pos..self.pos + len].to_owned();
                    self.pos += len;
                    w
                }
                None => return Err(self.err("a term")),
            };
            if word.is_empty() {
                return Err(self.err("a term"));
            }
            terms.push(kind(word));
        }
        Ok(FilterPattern::Terms(terms))
    }

    fn space_delimited(&mut self) -> Result<FilterPattern, ParseError> {
        self.pos += 1;
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            if self.eat("...") {
                fields.push(Field::Ellipsis);
            } else {
                let name = self.bare_word();
                if name.is_empty() {
                    return Err(self.err("a field name or `...`"));
                }
                match self.operator() {
                    None => fields.push(Field::Any(name)),
                    Some(op) => {
                        let (value, _) = self.value()?;
                        fields.push(Field::Cond { name, op, value });
                    }
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    self.skip_ws();
                    self.end()?;
                    return Ok(FilterPattern::SpaceDelimited(fields));
                }
                _ => return Err(self.err("`,` or `]`")),
            }
        }
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.parse::<f64>().is_ok_and(f64::is_finite)
        && !s.eq_ignore_ascii_case("inf")
        && !s.contains(['e', 'E'])
}
