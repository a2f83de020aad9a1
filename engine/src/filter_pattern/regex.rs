//! The regular expressions of filter patterns (`%…%`): CloudWatch Logs' subset, which has
//! alternation, character classes, `.`, `\d \w \s` (and their negations), the quantifiers
//! `? * + {m} {m,} {m,n}`, the anchors `^ $`, and no groups.
//!
//! Without groups an expression is a list of alternatives, each a sequence of repeated atoms,
//! so matching simulates the automaton directly: the work is proportional to the text length
//! times the size of the expression, with no backtracking to blow up.

use super::ParseError;
use std::fmt;

/// Largest repetition count accepted in `{m,n}`.
const MAX_REPEAT: u32 = 1000;
/// Largest automaton (sum of repetition counts over all pieces) accepted.
const MAX_STATES: usize = 100_000;

/// A compiled regular expression of a filter pattern, keeping its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Regex {
    source: String,
    branches: Vec<Vec<Piece>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Piece {
    atom: Atom,
    min: u32,
    max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
enum Atom {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
    Start,
    End,
}

#[derive(Debug, Clone, PartialEq)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

impl ClassItem {
    fn matches(&self, c: char) -> bool {
        match *self {
            ClassItem::Char(x) => c == x,
            ClassItem::Range(lo, hi) => lo <= c && c <= hi,
            ClassItem::Digit(negated) => c.is_ascii_digit() != negated,
            ClassItem::Word(negated) => (c.is_ascii_alphanumeric() || c == '_') != negated,
            ClassItem::Space(negated) => c.is_whitespace() != negated,
        }
    }
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Char(x) => c == *x,
            Atom::Any => c != '\n' && c != '\r',
            Atom::Class { negated, items } => items.iter().any(|i| i.matches(c)) != *negated,
            Atom::Start | Atom::End => false,
        }
    }

    fn is_assertion(&self) -> bool {
        matches!(self, Atom::Start | Atom::End)
    }
}

impl Regex {
    /// Compiles the text between the `%` delimiters. Error offsets are relative to `source`.
    pub fn new(source: &str) -> Result<Regex, ParseError> {
        let branches = Compiler {
            src: source,
            chars: source.char_indices().peekable(),
        }
        .branches()?;
        let states: usize = branches
            .iter()
            .flatten()
            .map(|p| p.max.unwrap_or(p.min) as usize + 1)
            .sum();
        if states > MAX_STATES {
            return Err(ParseError {
                offset: 0,
                expected: format!(
                    "a regular expression with at most {MAX_STATES} repetitions in all"
                ),
                found: format!("{states}"),
            });
        }
        Ok(Regex {
            source: source.to_owned(),
            branches,
        })
    }

    /// The expression as written, without the `%` delimiters.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the expression matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        self.branches.iter().any(|b| branch_matches(b, &chars))
    }
}

impl fmt::Display for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{}%", self.source)
    }
}

struct Compiler<'a> {
    src: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
}

fn error(offset: usize, expected: &str, found: &str) -> ParseError {
    ParseError {
        offset,
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

impl Compiler<'_> {
    fn offset(&mut self) -> usize {
        self.chars.peek().map_or(self.src.len(), |&(i, _)| i)
    }

    fn branches(mut self) -> Result<Vec<Vec<Piece>>, ParseError> {
        let mut branches = vec![];
        let mut current: Vec<Piece> = vec![];
        while let Some((at, c)) = self.chars.next() {
            let atom = match c {
                '|' => {
                    branches.push(std::mem::take(&mut current));
                    continue;
                }
                '(' | ')' => {
                    return Err(error(
                        at,
                        "no parentheses (regular expressions have no groups)",
                        &format!("`{c}`"),
                    ));
                }
                '*' | '+' | '?' | '{' => {
                    let (min, max) = self.quantifier(at, c)?;
                    match current.last_mut() {
                        Some(p) if !p.atom.is_assertion() && p.min == 1 && p.max == Some(1) => {
                            p.min = min;
                            p.max = max;
                        }
                        _ => {
                            return Err(error(
                                at,
                                "something to repeat before a quantifier",
                                &format!("`{c}`"),
                            ));
                        }
                    }
                    // A lazy marker changes which match is found, never whether one exists.
                    if self.chars.peek().is_some_and(|&(_, n)| n == '?') {
                        self.chars.next();
                    }
                    continue;
                }
                '^' => Atom::Start,
                '$' => Atom::End,
                '.' => Atom::Any,
                '[' => self.class(at)?,
                '\\' => match self.escape(at)? {
                    ClassItem::Char(x) => Atom::Char(x),
                    item => Atom::Class {
                        negated: false,
                        items: vec![item],
                    },
                },
                c => Atom::Char(c),
            };
            current.push(Piece {
                atom,
                min: 1,
                max: Some(1),
            });
        }
        branches.push(current);
        Ok(branches)
    }

    fn quantifier(&mut self, at: usize, c: char) -> Result<(u32, Option<u32>), ParseError> {
        match c {
            '*' => Ok((0, None)),
            '+' => Ok((1, None)),
            '?' => Ok((0, Some(1))),
            _ => {
                let min = self.number(at)?;
                let max = if self.chars.peek().is_some_and(|&(_, n)| n == ',') {
                    self.chars.next();
                    if self.chars.peek().is_some_and(|&(_, n)| n == '}') {
                        None
                    } else {
                        Some(self.number(at)?)
                    }
                } else {
                    Some(min)
                };
                match self.chars.next() {
                    Some((_, '}')) => {}
                    Some((i, x)) => {
                        return Err(error(i, "`}` closing a repetition", &format!("`{x}`")));
                    }
                    None => {
                        return Err(error(
                            self.src.len(),
                            "`}` closing a repetition",
                            "end of regular expression",
                        ));
                    }
                }
                if max.is_some_and(|m| m < min) {
                    return Err(error(
                        at,
                        "a repetition `{m,n}` with m <= n",
                        &format!("`{{{min},…}}`"),
                    ));
                }
                Ok((min, max))
            }
        }
    }

    fn number(&mut self, at: usize) -> Result<u32, ParseError> {
        let start = self.offset();
        let mut value: u32 = 0;
        let mut digits = 0;
        while let Some(&(_, d)) = self.chars.peek() {
            let Some(v) = d.to_digit(10) else { break };
            self.chars.next();
            digits += 1;
            value = value.saturating_mul(10).saturating_add(v);
        }
        if digits == 0 {
            let found = self
                .chars
                .peek()
                .map_or("end of regular expression".to_owned(), |&(_, x)| {
                    format!("`{x}`")
                });
            return Err(error(start, "a repetition count", &found));
        }
        if value > MAX_REPEAT {
            return Err(error(
                at,
                &format!("a repetition count of at most {MAX_REPEAT}"),
                &value.to_string(),
            ));
        }
        Ok(value)
    }

    fn escape(&mut self, at: usize) -> Result<ClassItem, ParseError> {
        match self.chars.next() {
            None => Err(error(
                at,
                "a character after `\\`",
                "end of regular expression",
            )),
            Some((_, c)) => Ok(match c {
                'd' => ClassItem::Digit(false),
                'D' => ClassItem::Digit(true),
                'w' => ClassItem::Word(false),
                'W' => ClassItem::Word(true),
                's' => ClassItem::Space(false),
                'S' => ClassItem::Space(true),
                't' => ClassItem::Char('\t'),
                'n' => ClassItem::Char('\n'),
                'r' => ClassItem::Char('\r'),
                c => ClassItem::Char(c),
            }),
        }
    }

    fn class(&mut self, at: usize) -> Result<Atom, ParseError> {
        let negated = self.chars.peek().is_some_and(|&(_, c)| c == '^');
        if negated {
            self.chars.next();
        }
        let mut items = vec![];
        loop {
            let Some((i, c)) = self.chars.next() else {
                return Err(error(
                    at,
                    "`]` closing a character class",
                    "end of regular expression",
                ));
            };
            let item = match c {
                ']' if !items.is_empty() => return Ok(Atom::Class { negated, items }),
                '\\' => self.escape(i)?,
                c => ClassItem::Char(c),
            };
            // `a-z` is a range; a `-` first or last is literal.
            let dash_then_more = {
                let mut ahead = self.chars.clone();
                matches!((ahead.next(), ahead.next()), (Some((_, '-')), Some((_, n))) if n != ']')
            };
            match item {
                ClassItem::Char(lo) if dash_then_more => {
                    self.chars.next();
                    let hi = match self.chars.next() {
                        Some((j, '\\')) => match self.escape(j)? {
                            ClassItem::Char(h) => h,
                            _ => {
                                return Err(error(
                                    j,
                                    "a character ending a range",
                                    "a class escape",
                                ));
                            }
                        },
                        Some((_, h)) => h,
                        None => {
                            return Err(error(
                                at,
                                "`]` closing a character class",
                                "end of regular expression",
                            ));
                        }
                    };
                    if hi < lo {
                        return Err(error(
                            i,
                            "a range whose start is not after its end",
                            &format!("`{lo}-{hi}`"),
                        ));
                    }
                    items.push(ClassItem::Range(lo, hi));
                }
                item => items.push(item),
            }
        }
    }
}

/// Runs the automaton of one alternative over `text`, starting a match at every position.
///
/// A state `(i, k)` means pieces `..i` are matched and piece `i` has been repeated `k` times;
/// `k` is capped at `max` (or at `min` when unbounded, since more repeats change nothing).
fn branch_matches(pieces: &[Piece], text: &[char]) -> bool {
    let cap = |p: &Piece| p.max.unwrap_or(p.min) as usize;
    let mut base = Vec::with_capacity(pieces.len() + 1);
    let mut total = 0;
    for p in pieces {
        base.push(total);
        total += cap(p) + 1;
    }
    let accept = total;
    let index = |i: usize, k: usize| base.get(i).map_or(accept, |b| b + k);

    let mut current = StateSet::new(accept + 1);
    let mut next = StateSet::new(accept + 1);
    for pos in 0..=text.len() {
        current.insert(index(0, 0), (0, 0));
        // Epsilon closure: finish a piece once it has its minimum, and pass assertions.
        let mut cursor = 0;
        while let Some(&(i, k)) = current.list.get(cursor) {
            cursor += 1;
            let Some(p) = pieces.get(i) else { return true };
            let passes = match p.atom {
                Atom::Start => k == 0 && pos == 0,
                Atom::End => k == 0 && pos == text.len(),
                _ => k >= p.min as usize,
            };
            if passes {
                current.insert(index(i + 1, 0), (i + 1, 0));
            }
        }
        let Some(&c) = text.get(pos) else { break };
        next.clear();
        for &(i, k) in &current.list {
            let Some(p) = pieces.get(i) else { continue };
            if !p.atom.matches(c) || p.max.is_some_and(|m| k >= m as usize) {
                continue;
            }
            let k2 = if p.max.is_some() {
                k + 1
            } else {
                (k + 1).min(p.min as usize)
            };
            next.insert(index(i, k2), (i, k2));
        }
        std::mem::swap(&mut current, &mut next);
    }
    false
}

/// A set of automaton states with insertion order, cleared in time proportional to its size.
struct StateSet {
    seen: Vec<bool>,
    indices: Vec<usize>,
    list: Vec<(usize, usize)>,
}

impl StateSet {
    fn new(size: usize) -> StateSet {
        StateSet {
            seen: vec![false; size],
            indices: vec![],
            list: vec![],
        }
    }

    fn insert(&mut self, index: usize, state: (usize, usize)) {
        if let Some(slot) = self.seen.get_mut(index)
            && !*slot
        {
            *slot = true;
            self.indices.push(index);
            self.list.push(state);
        }
    }

    fn clear(&mut self) {
        for &i in &self.indices {
            if let Some(slot) = self.seen.get_mut(i) {
                *slot = false;
            }
        }
        self.indices.clear();
        self.list.clear();
    }
}
