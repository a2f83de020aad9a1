//! Domain newtypes shared by the whole engine: parsed once at the edge, trusted after.
//!
//! `AccountId`, `Region` and `Arn` are built by a fallible `parse`; everything past
//! the collectors can rely on their shape.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a domain value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("`{0}` is not an AWS account id (expected 12 digits)")]
    AccountId(String),
    #[error("`{0}` is not an AWS region name (expected e.g. `eu-west-1`)")]
    Region(String),
    #[error("`{0}` is not an ARN (expected `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`)")]
    Arn(String),
}

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::AccountId(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An AWS region name such as `us-east-1` or `us-gov-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);

impl Region {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let parts: Vec<&str> = s.split('-').collect();
        let last_is_number = parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        let others_are_words = parts.len() >= 3
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()));
        if s.len() <= 32 && last_is_number && others_are_words {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::Region(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The default region for global services.
    pub fn us_east_1() -> Self {
        // INVARIANT: a valid region name (see `region_names_follow_the_aws_shape`).
        Self("us-east-1".to_owned())
    }
}

/// An Amazon Resource Name. Only the prefix shape is validated; the resource part is opaque.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Arn(String);

impl Arn {
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let mut parts = s.splitn(6, ':');
        let ok = parts.next() == Some("arn")
            && parts.next().is_some_and(|p| !p.is_empty())
            && parts.next().is_some_and(|p| !p.is_empty())
            && parts.next().is_some()
            && parts.next().is_some()
            && parts.next().is_some_and(|p| !p.is_empty());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseError::Arn(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    fn part(&self, n: usize) -> &str {
        self.0.splitn(6, ':').nth(n).unwrap_or_default()
    }
    pub fn partition(&self) -> &str {
        self.part(1)
    }
    pub fn service(&self) -> &str {
        self.part(2)
    }
    pub fn region(&self) -> &str {
        self.part(3)
    }
    pub fn account(&self) -> &str {
        self.part(4)
    }
    pub fn resource(&self) -> &str {
        self.part(5)
    }
}

macro_rules! string_newtype_impls {
    ($t:ident) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl std::str::FromStr for $t {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}
string_newtype_impls!(AccountId);
string_newtype_impls!(Region);
string_newtype_impls!(Arn);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn account_ids_must_be_twelve_digits() {
        assert!(AccountId::parse("123456789012").is_ok());
        assert!(AccountId::parse("12345678901").is_err());
        assert!(AccountId::parse("12345678901a").is_err());
    }

    #[test]
    fn region_names_follow_the_aws_shape() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-5",
        ] {
            assert!(Region::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "us-east", "US-EAST-1", "us--1", "east-1", "us-east-1a"] {
            assert!(Region::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arn_parts_are_split_on_the_first_five_colons() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/path/with:colon").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.service(), "iam");
        assert_eq!(arn.region(), "");
        assert_eq!(arn.account(), "123456789012");
        assert_eq!(arn.resource(), "role/path/with:colon");
        assert!(Arn::parse("arn:aws:s3").is_err());
        assert!(Arn::parse("not-an-arn").is_err());
    }

    #[test]
    fn newtypes_reject_bad_values_when_deserialized() {
        assert!(serde_json::from_str::<AccountId>("\"123\"").is_err());
        assert!(serde_json::from_str::<Region>("\"mars-1\"").is_err());
        assert_eq!(
            serde_json::from_str::<Region>("\"eu-west-1\"")
                .unwrap()
                .as_str(),
            "eu-west-1"
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic_and_round_trip(s in ".*") {
            if let Ok(a) = AccountId::parse(&s) { prop_assert_eq!(a.to_string(), s.clone()); }
            if let Ok(r) = Region::parse(&s) { prop_assert_eq!(r.to_string(), s.clone()); }
            if let Ok(a) = Arn::parse(&s) { prop_assert_eq!(a.to_string(), s.clone()); }
        }

        #[test]
        fn generated_regions_parse(a in "[a-z]{2,4}", b in "[a-z]{3,9}", n in 1u8..20) {
            let s = format!("{a}-{b}-{n}");
            prop_assert!(Region::parse(&s).is_ok());
        }
    }
}
