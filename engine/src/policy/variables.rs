//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, the escapes `${*}`,
//! `${?}`, `${$}`, and defaults `${aws:username, 'nobody'}`.
//!
//! IAM substitutes them in `Resource`/`NotResource` and in the values of String and Arn
//! condition operators, for policies with `"Version": "2012-10-17"` only. Choices made where
//! the documentation leaves room:
//!
//! - A substituted value is literal text: a `*` in a user name or tag does not become a
//!   wildcard (only `*` and `?` written in the policy itself are wildcards).
//! - A key that is missing, or has several values (IAM does not substitute multi-valued
//!   keys), takes the default when one is given; otherwise the whole pattern is unresolved and
//!   matches nothing (so a negated operator holds).
//! - `${` without a closing `}`, and a malformed default, are kept as literal text.

use super::context::Context;
use super::wildcard::{Token, compile};

/// Compiles `pattern` with its variables replaced from `ctx`, or `None` when a variable
/// has no value and no default.
pub(crate) fn substitute(pattern: &str, ctx: &Context) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("${") {
        out.extend(compile(rest.get(..at).unwrap_or_default()));
        let after = rest.get(at + 2..).unwrap_or_default();
        match closing_brace(after) {
            Some(end) => {
                let inner = after.get(..end).unwrap_or_default();
                match resolve(inner, ctx) {
                    Resolved::Text(text) => out.extend(text.chars().map(Token::Char)),
                    Resolved::Missing => return None,
                    Resolved::Malformed => {
                        out.extend([Token::Char('$'), Token::Char('{')]);
                        out.extend(compile(inner));
                        out.push(Token::Char('}'));
                    }
                }
                rest = after.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.extend([Token::Char('$'), Token::Char('{')]);
                rest = after;
            }
        }
    }
    out.extend(compile(rest));
    Some(out)
}

/// Compiles `pattern`, substituting variables only when `enabled`.
pub(crate) fn compile_with(pattern: &str, ctx: &Context, enabled: bool) -> Option<Vec<Token>> {
    if enabled {
        substitute(pattern, ctx)
    } else {
        Some(compile(pattern))
    }
}

/// Whether `pattern` contains a policy variable.
pub fn has_variables(pattern: &str) -> bool {
    pattern
        .find("${")
        .and_then(|at| pattern.get(at + 2..))
        .is_some_and(|after| closing_brace(after).is_some())
}

enum Resolved {
    Text(String),
    Missing,
    Malformed,
}

/// The byte offset of the `}` closing a variable, skipping braces inside `'…'` defaults.
fn closing_brace(s: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '}' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn resolve(inner: &str, ctx: &Context) -> Resolved {
    match inner.trim() {
        "*" => return Resolved::Text("*".to_owned()),
        "?" => return Resolved::Text("?".to_owned()),
        "$" => return Resolved::Text("$".to_owned()),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            match default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
            {
                Some(d) => (key.trim(), Some(d)),
                None => return Resolved::Malformed,
            }
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() {
        return Resolved::Malformed;
    }
    match (ctx.get(key), default) {
        (Some([one]), _) => Resolved::Text(one.clone()),
        (_, Some(d)) => Resolved::Text(d.to_owned()),
        _ => Resolved::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(tokens: &[Token]) -> String {
        tokens
            .iter()
            .map(|t| match t {
                Token::Char(c) => c.to_string(),
                Token::Star => "<*>".to_owned(),
                Token::One => "<?>".to_owned(),
            })
            .collect()
    }

    fn sub(pattern: &str, ctx: &Context) -> Option<String> {
        substitute(pattern, ctx).map(|t| text(&t))
    }

    #[test]
    fn variables_are_replaced_by_their_single_value() {
        let ctx = Context::new().with("AWS:Username", "alice");
        assert_eq!(
            sub("arn:aws:s3:::b/${aws:username}/*", &ctx).as_deref(),
            Some("arn:aws:s3:::b/alice/<*>")
        );
    }

    #[test]
    fn escapes_are_literal_characters_not_wildcards() {
        let ctx = Context::new();
        assert_eq!(sub("a${*}b${?}c${$}", &ctx).as_deref(), Some("a*b?c$"));
    }

    #[test]
    fn defaults_apply_when_the_key_is_missing() {
        let ctx = Context::new();
        assert_eq!(
            sub("team-${aws:PrincipalTag/team, 'none'}", &ctx).as_deref(),
            Some("team-none")
        );
        assert_eq!(sub("team-${aws:PrincipalTag/team}", &ctx), None);
    }

    #[test]
    fn multi_valued_keys_are_not_substituted() {
        let mut ctx = Context::new();
        ctx.insert("k", ["a", "b"]);
        assert_eq!(sub("${k}", &ctx), None);
    }

    #[test]
    fn substituted_values_are_literal_text() {
        let ctx = Context::new().with("aws:username", "a*b");
        assert_eq!(sub("${aws:username}", &ctx).as_deref(), Some("a*b"));
    }

    #[test]
    fn unterminated_variables_stay_literal() {
        let ctx = Context::new();
        assert_eq!(sub("a${b*", &ctx).as_deref(), Some("a${b<*>"));
        assert!(!has_variables("a${b"));
        assert!(has_variables("${aws:username}"));
    }
}
