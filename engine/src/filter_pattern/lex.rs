//! The lexer of JSON and space-delimited patterns, and the string, regex and number readers
//! shared with term patterns. Every reader works on byte offsets into the whole pattern, so
//! errors point at the right place.

use super::{NumOp, ParseError, Regex};

/// Lexing differs slightly between JSON patterns (where `[n]` belongs to selectors) and
/// space-delimited ones (where `,` and `]` separate columns, and `=!` means `!=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Json,
    Columns,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Op(NumOp),
    Quoted(String),
    Regex(Regex),
    Word(String),
    Other(char),
    End,
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn error(
    offset: usize,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> ParseError {
    ParseError {
        offset,
        expected: expected.into(),
        found: found.into(),
    }
}

/// How a stretch of the pattern is quoted in error messages.
pub(super) fn snippet(text: &str) -> String {
    const MAX: usize = 24;
    let mut s: String = text.chars().take(MAX).collect();
    if text.chars().nth(MAX).is_some() {
        s.push('…');
    }
    format!("`{s}`")
}

fn is_word_char(c: char, mode: Mode) -> bool {
    let separator = c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '{' | '}' | '"' | '&' | '|' | '=' | '!' | '<' | '>'
        )
        || (mode == Mode::Columns && matches!(c, ',' | '[' | ']'));
    !separator
}

/// Reads a `"…"` string starting at `start` (the opening quote). `\"` and `\\` are escapes;
/// any other backslash is kept as written. Returns the text and the offset after the quote.
pub(super) fn quoted(src: &str, start: usize) -> Result<(String, usize), ParseError> {
    let body = src.get(start + 1..).unwrap_or("");
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, start + 1 + i + 1)),
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                Some((_, e)) => {
                    out.push('\\');
                    out.push(e);
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(error(
        start,
        "a closing `\"` for this string",
        "end of pattern",
    ))
}

/// Reads a `%…%` regular expression starting at `start` (the opening `%`).
pub(super) fn regex(src: &str, start: usize) -> Result<(Regex, usize), ParseError> {
    let body = src.get(start + 1..).unwrap_or("");
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '%' => {
                let source = body.get(..i).unwrap_or("");
                let re = Regex::new(source).map_err(|e| ParseError {
                    offset: start + 1 + e.offset,
                    ..e
                })?;
                return Ok((re, start + 1 + i + 1));
            }
            '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    Err(error(
        start,
        "a closing `%` for this regular expression",
        "end of pattern",
    ))
}

/// Whether a bare word is a number: an optional sign, digits with an optional fraction, and
/// an optional exponent (`400`, `-1.5`, `+1000`, `10e-3`).
pub(super) fn number(word: &str) -> Option<f64> {
    let unsigned = word.strip_prefix(['+', '-']).unwrap_or(word);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    word.parse::<f64>().ok().filter(|v| v.is_finite())
}

pub(super) struct Lexer<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    pub(super) mode: Mode,
}

impl Lexer<'_> {
    pub(super) fn next(&mut self) -> Result<Token, ParseError> {
        let rest = self.src.get(self.pos..).unwrap_or("");
        let trimmed = rest.trim_start();
        let start = self.pos + (rest.len() - trimmed.len());
        let Some(c) = trimmed.chars().next() else {
            self.pos = start;
            return Ok(Token {
                tok: Tok::End,
                start,
                end: start,
            });
        };
        let two = |s: &str| trimmed.starts_with(s);
        let (tok, len) = match c {
            '{' => (Tok::LBrace, 1),
            '}' => (Tok::RBrace, 1),
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' if self.mode == Mode::Columns => (Tok::LBracket, 1),
            ']' if self.mode == Mode::Columns => (Tok::RBracket, 1),
            ',' if self.mode == Mode::Columns => (Tok::Comma, 1),
            '&' if two("&&") => (Tok::And, 2),
            '|' if two("||") => (Tok::Or, 2),
            '!' if two("!=") => (Tok::Op(NumOp::Ne), 2),
            '=' if self.mode == Mode::Columns && two("=!") => (Tok::Op(NumOp::Ne), 2),
            '=' => (Tok::Op(NumOp::Eq), 1),
            '<' if two("<=") => (Tok::Op(NumOp::Le), 2),
            '<' => (Tok::Op(NumOp::Lt), 1),
            '>' if two(">=") => (Tok::Op(NumOp::Ge), 2),
            '>' => (Tok::Op(NumOp::Gt), 1),
            '"' => {
                let (text, end) = quoted(self.src, start)?;
                self.pos = end;
                return Ok(Token {
                    tok: Tok::Quoted(text),
                    start,
                    end,
                });
            }
            '%' => {
                let (re, end) = regex(self.src, start)?;
                self.pos = end;
                return Ok(Token {
                    tok: Tok::Regex(re),
                    start,
                    end,
                });
            }
            c if is_word_char(c, self.mode) => {
                let len: usize = trimmed
                    .chars()
                    .take_while(|&c| is_word_char(c, self.mode))
                    .map(char::len_utf8)
                    .sum();
                (Tok::Word(trimmed.get(..len).unwrap_or("").to_owned()), len)
            }
            c => (Tok::Other(c), c.len_utf8()),
        };
        self.pos = start + len;
        Ok(Token {
            tok,
            start,
            end: start + len,
        })
    }
}
