//! The typed form of an IAM policy document, as [`super::parse_policy`] produces it and
//! [`super::print()`] writes it back.
//!
//! The model keeps what a policy *means*, not how it was spelled: a single string and a
//! one-element array are the same list, a `Statement` object is a one-statement array, and
//! condition clauses are sorted by operator name and key. That is what makes
//! `parse(print(p)) == p` hold for every policy the parser produces.

use std::fmt;

/// A parsed policy document: identity, resource, trust, boundary, session or SCP policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `Version`, when present. Policy variables are substituted only under
    /// [`Version::V2012_10_17`], as in IAM.
    pub version: Option<Version>,
    /// `Id`, when present.
    pub id: Option<String>,
    /// The statements in document order.
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether `${…}` policy variables are substituted in this policy (IAM does so only for
    /// `"Version": "2012-10-17"`; elsewhere `${aws:username}` is plain text).
    pub fn substitutes_variables(&self) -> bool {
        self.version == Some(Version::V2012_10_17)
    }
}

/// The policy language versions IAM accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: the current language, with policy variables.
    V2012_10_17,
    /// `2008-10-17`: the original language, without policy variables.
    V2008_10_17,
}

impl Version {
    /// The value of the `Version` element.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2012_10_17 => "2012-10-17",
            Self::V2008_10_17 => "2008-10-17",
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the policy's statement list, for evidence (`Statement[2]`). A document
    /// whose `Statement` is a single object has one statement at index 0.
    pub index: usize,
    /// `Sid`, when present.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`; absent in identity policies, boundaries and SCPs.
    pub principal: Option<PrincipalSpec>,
    /// `Action` or `NotAction` (exactly one is required).
    pub action: ActionSpec,
    /// `Resource` or `NotResource`; absent in trust policies (the role is the resource).
    pub resource: Option<ResourceSpec>,
    /// The `Condition` clauses, sorted by operator name then key; all must hold.
    pub conditions: Vec<ConditionClause>,
}

impl Statement {
    /// The statement's place in its policy, as `Statement[2]`.
    pub fn path(&self) -> String {
        format!("Statement[{}]", self.index)
    }

    /// The place and the `Sid` when there is one, as `Statement[2] (Sid "PublicRead")`: how
    /// findings name the statement.
    pub fn name(&self) -> String {
        match &self.sid {
            Some(sid) => format!("Statement[{}] (Sid \"{sid}\")", self.index),
            None => self.path(),
        }
    }
}

/// `Allow` or `Deny` (IAM spells them with a capital letter and rejects other spellings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The statement grants.
    Allow,
    /// The statement forbids, overriding any grant.
    Deny,
}

impl Effect {
    /// The value of the `Effect` element.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// `Principal` (or `NotPrincipal` when `negated`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalSpec {
    /// `NotPrincipal`: the statement applies to everyone *except* these principals.
    pub negated: bool,
    /// The principals named.
    pub principals: Principals,
}

/// The value of a `Principal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone, anonymous callers included.
    Any,
    /// `{"AWS": …, "Service": …}`: one entry per type, sorted by type, each a non-empty list.
    Typed(Vec<(PrincipalType, Vec<String>)>),
}

/// The kinds of principal a policy can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `AWS`: accounts, IAM users, roles, role sessions, or `*`.
    Aws,
    /// `CanonicalUser`: an S3 canonical user id.
    CanonicalUser,
    /// `Federated`: a SAML or OIDC provider, or a web identity provider.
    Federated,
    /// `Service`: an AWS service principal such as `ec2.amazonaws.com`.
    Service,
}

impl PrincipalType {
    /// Every type, in the model's order.
    pub const ALL: [Self; 4] = [
        Self::Aws,
        Self::CanonicalUser,
        Self::Federated,
        Self::Service,
    ];

    /// The key in a `Principal` object.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::CanonicalUser => "CanonicalUser",
            Self::Federated => "Federated",
            Self::Service => "Service",
        }
    }
}

/// `Action` (or `NotAction` when `negated`): action patterns such as `s3:Get*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSpec {
    /// `NotAction`: the statement covers every action *except* these.
    pub negated: bool,
    /// The patterns (`*` and `?` wildcards, matched case-insensitively). Never empty.
    pub patterns: Vec<String>,
}

/// `Resource` (or `NotResource` when `negated`): ARN patterns, possibly with policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceSpec {
    /// `NotResource`: the statement covers every resource *except* these.
    pub negated: bool,
    /// The patterns (`*` and `?` wildcards, matched case-sensitively). Never empty.
    pub patterns: Vec<String>,
}

/// One `"Operator": {"key": values}` pair of a `Condition` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionClause {
    /// How the request's values are compared with `values`.
    pub operator: Operator,
    /// The condition key (`aws:SourceIp`); compared case-insensitively with the context.
    pub key: String,
    /// The policy's values: any one may match. JSON numbers and booleans are kept as their
    /// text (`1`, `true`). Never empty.
    pub values: Vec<String>,
}

/// A condition operator: a comparison, possibly `…IfExists`, possibly set-qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    /// The comparison.
    pub family: OperatorFamily,
    /// `…IfExists`: the clause holds when the key is missing from the request.
    pub if_exists: bool,
    /// `ForAllValues:` or `ForAnyValue:`, for multi-valued keys.
    pub set_qualifier: Option<SetQualifier>,
}

impl Operator {
    /// A plain operator: no `IfExists`, no set qualifier.
    pub fn plain(family: OperatorFamily) -> Self {
        Self {
            family,
            if_exists: false,
            set_qualifier: None,
        }
    }

    /// The operator as written in a policy (`ForAnyValue:StringLikeIfExists`); `None` for the
    /// one combination IAM does not have, `NullIfExists`.
    pub fn parse(name: &str) -> Option<Self> {
        let (set_qualifier, rest) = SetQualifier::ALL
            .iter()
            .find_map(|q| {
                let prefix = q.as_str();
                let head = name.get(..prefix.len())?;
                head.eq_ignore_ascii_case(prefix)
                    .then(|| (Some(*q), name.get(prefix.len()..).unwrap_or_default()))
            })
            .unwrap_or((None, name));
        let family = |s: &str| {
            OperatorFamily::ALL
                .iter()
                .copied()
                .find(|f| f.as_str().eq_ignore_ascii_case(s))
        };
        if let Some(family) = family(rest) {
            return Some(Self {
                family,
                if_exists: false,
                set_qualifier,
            });
        }
        let base = rest
            .len()
            .checked_sub("IfExists".len())
            .and_then(|at| rest.get(at..).map(|tail| (at, tail)))
            .filter(|(_, tail)| tail.eq_ignore_ascii_case("IfExists"))
            .and_then(|(at, _)| rest.get(..at))?;
        let family = family(base).filter(|f| *f != OperatorFamily::Null)?;
        Some(Self {
            family,
            if_exists: true,
            set_qualifier,
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.set_qualifier {
            f.write_str(q.as_str())?;
        }
        f.write_str(self.family.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// `ForAllValues:` / `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    /// Every request value must satisfy the comparison; true when the key is missing.
    ForAllValues,
    /// At least one request value must satisfy the comparison; false when the key is missing.
    ForAnyValue,
}

impl SetQualifier {
    /// Both qualifiers.
    pub const ALL: [Self; 2] = [Self::ForAllValues, Self::ForAnyValue];

    /// The prefix as written, colon included.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ForAllValues => "ForAllValues:",
            Self::ForAnyValue => "ForAnyValue:",
        }
    }
}

macro_rules! families {
    ($($variant:ident $(= $negated:literal)?),* $(,)?) => {
        /// The comparisons of IAM's condition operators.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum OperatorFamily {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )*
        }

        impl OperatorFamily {
            /// Every operator.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The name as written in a policy.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => stringify!($variant),)*
                }
            }

            /// Whether the operator is a negated match (`StringNotEquals`, `NotIpAddress`, …):
            /// true when no policy value matches, and true when the key is missing.
            pub fn is_negated(self) -> bool {
                match self {
                    $(Self::$variant => false $(|| $negated)?,)*
                }
            }
        }
    };
}

families! {
    StringEquals,
    StringNotEquals = true,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase = true,
    StringLike,
    StringNotLike = true,
    NumericEquals,
    NumericNotEquals = true,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals = true,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress = true,
    ArnEquals,
    ArnLike,
    ArnNotEquals = true,
    ArnNotLike = true,
    Null,
}

impl OperatorFamily {
    /// Whether `${…}` policy variables are substituted in the policy values (String and Arn
    /// operators, as IAM documents).
    pub fn substitutes_variables(self) -> bool {
        let name = self.as_str();
        name.starts_with("String") || name.starts_with("Arn")
    }
}
