//! Condition operators evaluated against a request [`Context`].
//!
//! Semantics, following IAM's "Condition operators" and "multivalued context keys" pages:
//!
//! - Several values of one clause are ORed; several keys and operators are ANDed (the
//!   statement's job, see `matching.rs`).
//! - A missing key makes a positive operator false and a negated one (`StringNotEquals`,
//!   `ArnNotLike`, `NotIpAddress`, …) true. `…IfExists` makes any operator true on a missing
//!   key. `Null` tests presence: `"true"` holds when the key is missing.
//! - Without a set qualifier, a positive operator holds when some request value matches
//!   some policy value; a negated one when no request value matches any policy value.
//! - `ForAnyValue:` holds when at least one request value satisfies the (possibly negated)
//!   comparison; false on a missing key unless `IfExists`. `ForAllValues:` holds when every
//!   request value does; true on a missing key.
//! - Values that do not parse for the operator (a number that is not one, a bad CIDR or
//!   date) never match, so negated operators hold on them.
//! - `BinaryEquals` compares the base64 text as given; `Bool` ignores ASCII case.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::context::Context;
use super::model::{ConditionClause, OperatorFamily as F, SetQualifier};
use super::variables::compile_with;
use super::wildcard::{Token, matches_arn, matches_tokens};

impl ConditionClause {
    /// Whether the clause holds for a request with context `ctx`, substituting policy
    /// variables in String and Arn values (the `2012-10-17` language).
    pub fn is_satisfied(&self, ctx: &Context) -> bool {
        self.holds(ctx, true)
    }

    /// Whether the clause holds; `variables` enables `${…}` substitution.
    pub(crate) fn holds(&self, ctx: &Context, variables: bool) -> bool {
        let family = self.operator.family;
        let values = ctx.get(&self.key);
        if family == F::Null {
            return self
                .values
                .iter()
                .any(|v| match v.to_ascii_lowercase().as_str() {
                    "true" => values.is_none(),
                    "false" => values.is_some(),
                    _ => false,
                });
        }
        let Some(values) = values else {
            return match self.operator.set_qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => self.operator.if_exists,
                None => self.operator.if_exists || family.is_negated(),
            };
        };
        let substitute = variables && family.substitutes_variables();
        let patterns: Vec<Option<Vec<Token>>> = self
            .values
            .iter()
            .map(|v| compile_with(v, ctx, substitute))
            .collect();
        let matches_any = |value: &str| {
            patterns
                .iter()
                .any(|p| p.as_deref().is_some_and(|p| compare(family, p, value)))
        };
        let negated = family.is_negated();
        let satisfies = |value: &String| matches_any(value) != negated;
        match self.operator.set_qualifier {
            Some(SetQualifier::ForAllValues) => values.iter().all(satisfies),
            Some(SetQualifier::ForAnyValue) => values.iter().any(satisfies),
            None if negated => values.iter().all(satisfies),
            None => values.iter().any(satisfies),
        }
    }
}

/// Whether one request `value` matches one policy value, for the *positive* form of
/// `family` (a negated family compares like its positive twin).
fn compare(family: F, policy: &[Token], value: &str) -> bool {
    let literal = || -> String {
        policy
            .iter()
            .map(|t| match t {
                Token::Char(c) => *c,
                Token::Star => '*',
                Token::One => '?',
            })
            .collect()
    };
    match family {
        F::StringEquals | F::StringNotEquals | F::BinaryEquals => literal() == value,
        F::StringEqualsIgnoreCase | F::StringNotEqualsIgnoreCase => {
            literal().to_lowercase() == value.to_lowercase()
        }
        F::StringLike | F::StringNotLike => matches_tokens(policy, value, false),
        F::ArnEquals | F::ArnLike | F::ArnNotEquals | F::ArnNotLike => matches_arn(policy, value),
        F::Bool => literal().eq_ignore_ascii_case(value.trim()),
        F::NumericEquals
        | F::NumericNotEquals
        | F::NumericLessThan
        | F::NumericLessThanEquals
        | F::NumericGreaterThan
        | F::NumericGreaterThanEquals => match (number(&literal()), number(value)) {
            (Some(p), Some(v)) => ordered(family, v.partial_cmp(&p)),
            _ => false,
        },
        F::DateEquals
        | F::DateNotEquals
        | F::DateLessThan
        | F::DateLessThanEquals
        | F::DateGreaterThan
        | F::DateGreaterThanEquals => match (date(&literal()), date(value)) {
            (Some(p), Some(v)) => ordered(family, Some(v.cmp(&p))),
            _ => false,
        },
        F::IpAddress | F::NotIpAddress => match (cidr(&literal()), value.trim().parse()) {
            (Some((net, len)), Ok(ip)) => in_network(ip, net, len),
            _ => false,
        },
        F::Null => false,
    }
}

/// `request <op> policy` from their ordering, for the numeric and date families.
fn ordered(family: F, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(ord) = ord else { return false };
    match family {
        F::NumericEquals | F::NumericNotEquals | F::DateEquals | F::DateNotEquals => ord == Equal,
        F::NumericLessThan | F::DateLessThan => ord == Less,
        F::NumericLessThanEquals | F::DateLessThanEquals => ord != Greater,
        F::NumericGreaterThan | F::DateGreaterThan => ord == Greater,
        F::NumericGreaterThanEquals | F::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as IAM accepts it: ISO 8601 (`2024-01-31T12:00:00Z`, with or without seconds or
/// fraction, with an offset, or a bare date) or epoch seconds.
pub(crate) fn date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.fZ",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ];
    if let Some(d) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    {
        return Some(d.and_utc());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|d| d.and_utc());
    }
    s.parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

/// An IPv4 or IPv6 network in CIDR notation; a bare address is a /32 or /128.
pub(crate) fn cidr(s: &str) -> Option<(IpAddr, u8)> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((addr, len)) => (addr, Some(len)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(len) if !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()) => {
            len.parse::<u8>().ok()?
        }
        Some(_) => return None,
        None => max,
    };
    (len <= max).then_some((ip, len))
}

/// Whether `ip` lies in `net/len` (same address family only).
fn in_network(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::{Operator, OperatorFamily};

    fn clause(op: &str, key: &str, values: &[&str]) -> ConditionClause {
        let Some(operator) = Operator::parse(op) else {
            panic!("{op} is not an operator")
        };
        ConditionClause {
            operator,
            key: key.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn ctx(key: &str, values: &[&str]) -> Context {
        let mut c = Context::new();
        c.insert(key, values.iter().copied());
        c
    }

    #[test]
    fn a_missing_key_fails_positive_and_satisfies_negated_operators() {
        let empty = Context::new();
        assert!(!clause("StringEquals", "k", &["a"]).is_satisfied(&empty));
        assert!(clause("StringNotEquals", "k", &["a"]).is_satisfied(&empty));
        assert!(clause("StringEqualsIfExists", "k", &["a"]).is_satisfied(&empty));
        assert!(clause("Null", "k", &["true"]).is_satisfied(&empty));
        assert!(!clause("Null", "k", &["false"]).is_satisfied(&empty));
        assert!(clause("ForAllValues:StringEquals", "k", &["a"]).is_satisfied(&empty));
        assert!(!clause("ForAnyValue:StringEquals", "k", &["a"]).is_satisfied(&empty));
    }

    #[test]
    fn negated_operators_hold_only_when_no_value_matches() {
        let c = ctx("k", &["a", "b"]);
        assert!(!clause("StringNotEquals", "k", &["a"]).is_satisfied(&c));
        assert!(clause("StringNotEquals", "k", &["c"]).is_satisfied(&c));
        assert!(clause("ForAnyValue:StringNotEquals", "k", &["a"]).is_satisfied(&c));
        assert!(!clause("ForAllValues:StringNotEquals", "k", &["a"]).is_satisfied(&c));
    }

    #[test]
    fn ip_networks_of_both_families_match() {
        let c = ctx("aws:SourceIp", &["2001:db8::1"]);
        assert!(clause("IpAddress", "aws:SourceIp", &["2001:db8::/32"]).is_satisfied(&c));
        assert!(!clause("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]).is_satisfied(&c));
        let c = ctx("aws:SourceIp", &["10.1.2.3"]);
        assert!(clause("IpAddress", "aws:SourceIp", &["10.0.0.0/8"]).is_satisfied(&c));
        assert!(clause("IpAddress", "aws:SourceIp", &["0.0.0.0/0"]).is_satisfied(&c));
        assert!(clause("IpAddress", "aws:SourceIp", &["10.1.2.3"]).is_satisfied(&c));
        assert!(!clause("IpAddress", "aws:SourceIp", &["10.0.0.0/33"]).is_satisfied(&c));
        assert!(clause("NotIpAddress", "aws:SourceIp", &["192.168.0.0/16"]).is_satisfied(&c));
    }

    #[test]
    fn dates_compare_in_any_accepted_format() {
        let c = ctx("aws:CurrentTime", &["2024-06-01T12:00:00Z"]);
        assert!(clause("DateLessThan", "aws:CurrentTime", &["2025-01-01"]).is_satisfied(&c));
        assert!(clause("DateGreaterThan", "aws:CurrentTime", &["1700000000"]).is_satisfied(&c));
        assert!(
            clause(
                "DateEquals",
                "aws:CurrentTime",
                &["2024-06-01T14:00:00+02:00"]
            )
            .is_satisfied(&c)
        );
    }

    #[test]
    fn numbers_compare_numerically() {
        let c = ctx("s3:max-keys", &["10"]);
        assert!(clause("NumericLessThanEquals", "s3:max-keys", &["10.0"]).is_satisfied(&c));
        assert!(!clause("NumericGreaterThan", "s3:max-keys", &["10"]).is_satisfied(&c));
        assert!(!clause("NumericEquals", "s3:max-keys", &["ten"]).is_satisfied(&c));
    }

    #[test]
    fn operator_names_parse_with_qualifiers_and_if_exists() {
        let Some(op) = Operator::parse("ForAnyValue:StringLikeIfExists") else {
            panic!("not parsed")
        };
        assert_eq!(op.family, OperatorFamily::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.set_qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.to_string(), "ForAnyValue:StringLikeIfExists");
        assert_eq!(Operator::parse("NullIfExists"), None);
        assert_eq!(Operator::parse("StringEqualz"), None);
    }
}
