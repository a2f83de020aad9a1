//! IAM's wildcard matching: `*` matches any run of characters (the empty one included) and
//! `?` exactly one character.
//!
//! Actions match case-insensitively (`S3:getobject` is `s3:GetObject`); resources, ARNs and
//! condition values case-sensitively. The matcher keeps one backtracking point (the last `*`
//! seen), so it runs in O(pattern × text) time at worst, never exponentially, whatever the
//! input: policies and requests are untrusted text.

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A character that must appear as is.
    Char(char),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    One,
}

/// Compiles a pattern in which every `*` and `?` is a wildcard.
pub(crate) fn compile(pattern: &str) -> Vec<Token> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Token::Star,
            '?' => Token::One,
            c => Token::Char(c),
        })
        .collect()
}

/// Whether the action pattern `pattern` (`s3:Get*`, `*`, `iam:?assRole`) covers `action`,
/// ignoring case as IAM does.
pub fn matches_action(pattern: &str, action: &str) -> bool {
    matches_tokens(&compile(pattern), action, true)
}

/// Whether the resource pattern `pattern` (`arn:aws:s3:::bucket/*`) covers `resource`,
/// respecting case as IAM does. The whole ARN is one string here: `*` may span colons.
pub fn matches_resource(pattern: &str, resource: &str) -> bool {
    matches_tokens(&compile(pattern), resource, false)
}

/// Whether `text` matches the compiled `pattern`, comparing characters without case when
/// `ignore_case` is set.
pub(crate) fn matches_tokens(pattern: &[Token], text: &str, ignore_case: bool) -> bool {
    let text: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| a == b || (ignore_case && a.to_lowercase().eq(b.to_lowercase()));
    let (mut p, mut t) = (0, 0);
    // The last `*` seen and the text position it currently stops at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let step = match (pattern.get(p), text.get(t)) {
            (Some(Token::Star), _) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            (Some(Token::One), Some(_)) => true,
            (Some(Token::Char(c)), Some(x)) => same(*c, *x),
            _ => false,
        };
        if step {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            // Let the last `*` swallow one more character and retry after it.
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|tok| *tok == Token::Star))
}

/// Whether `arn` matches the compiled ARN pattern the way `ArnLike` and `ArnEquals` do: each
/// of the six colon-separated parts is matched on its own (so `*` does not span colons
/// except in the last part, the resource, which may itself contain colons). A pattern or
/// value with fewer than six parts is matched as a whole string.
pub(crate) fn matches_arn(pattern: &[Token], arn: &str) -> bool {
    let value_parts: Vec<&str> = arn.splitn(6, ':').collect();
    let pattern_parts = split_tokens(pattern, 6);
    if value_parts.len() < 6 || pattern_parts.len() < 6 {
        return matches_tokens(pattern, arn, false);
    }
    pattern_parts
        .iter()
        .zip(&value_parts)
        .all(|(p, v)| matches_tokens(p, v, false))
}

/// Splits a compiled pattern on literal colons into at most `n` parts, like `str::splitn`.
fn split_tokens(pattern: &[Token], n: usize) -> Vec<&[Token]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = pattern;
    while parts.len() + 1 < n {
        match rest.iter().position(|t| *t == Token::Char(':')) {
            Some(at) => {
                parts.push(rest.get(..at).unwrap_or_default());
                rest = rest.get(at + 1..).unwrap_or_default();
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn star_matches_any_run_including_the_empty_one() {
        assert!(matches_resource("arn:aws:s3:::b/*", "arn:aws:s3:::b/"));
        assert!(matches_resource("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c"));
        assert!(matches_resource("*", ""));
        assert!(!matches_resource("arn:aws:s3:::b/*", "arn:aws:s3:::bb/k"));
    }

    #[test]
    fn question_mark_matches_exactly_one_character() {
        assert!(matches_action("iam:?assRole", "iam:PassRole"));
        assert!(!matches_action("iam:?assRole", "iam:assRole"));
        assert!(!matches_action("s3:Get?", "s3:Get"));
    }

    #[test]
    fn actions_ignore_case_and_resources_do_not() {
        assert!(matches_action("S3:get*", "s3:GetObject"));
        assert!(!matches_resource(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/k"
        ));
    }

    #[test]
    fn arn_like_matches_each_part_on_its_own() {
        let p = compile("arn:aws:iam::*:role/admin");
        assert!(matches_arn(&p, "arn:aws:iam::111122223333:role/admin"));
        assert!(!matches_arn(&p, "arn:aws:iam::1:2:role/admin"));
        let p = compile("arn:aws:s3:::*");
        assert!(matches_arn(&p, "arn:aws:s3:::bucket/a:b"));
        assert!(matches_arn(&compile("*"), "arn:aws:s3:::bucket"));
    }

    #[test]
    fn many_stars_on_a_long_text_finish_quickly() {
        let pattern = "*a".repeat(50) + "b";
        let text = "a".repeat(5000);
        assert!(!matches_resource(&pattern, &text));
    }

    fn oracle(pattern: &str, ignore_case: bool) -> regex::Regex {
        let mut re = String::from(if ignore_case { "(?si)^" } else { "(?s)^" });
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        match regex::Regex::new(&re) {
            Ok(r) => r,
            Err(e) => panic!("oracle regex {re:?}: {e}"),
        }
    }

    proptest! {
        #[test]
        fn the_matcher_agrees_with_a_regex_oracle(
            pattern in "[ab:/*?é]{0,12}",
            text in "[ab:/é]{0,16}",
        ) {
            prop_assert_eq!(
                matches_resource(&pattern, &text),
                oracle(&pattern, false).is_match(&text)
            );
        }

        #[test]
        fn action_matching_agrees_with_a_case_insensitive_oracle(
            pattern in "[aAbB:*?]{0,12}",
            text in "[aAbB:]{0,16}",
        ) {
            prop_assert_eq!(
                matches_action(&pattern, &text),
                oracle(&pattern, true).is_match(&text)
            );
        }
    }
}
