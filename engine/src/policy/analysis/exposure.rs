//! Public and cross-account access granted by resource policies and role trust policies.
//!
//! Each `Allow` statement is classified:
//!
//! - **Public**: its principal is anyone (`"*"`, `{"AWS": "*"}`, or an `Allow` with
//!   `NotPrincipal`) and no condition truly restricts who calls. A restricting condition
//!   uses a positive operator (not `…Not…`, not `…IfExists`, not `ForAllValues:`) on an
//!   identity or network key (`aws:PrincipalOrgID`, `aws:SourceAccount`, `aws:SourceVpce`,
//!   `aws:SourceIp` other than `0.0.0.0/0`, …) with values that are not wildcards.
//!   `aws:UserAgent`, `aws:SecureTransport` or `aws:Referer` restrict nothing.
//! - **Cross-account**: it names principals of other accounts; in a trust policy without a
//!   restricting `sts:ExternalId` condition that is its own kind.
//! - **Federated without audience**: a trust to a web-identity or SAML provider without an
//!   audience condition (and, for GitHub Actions OIDC, without a `sub` condition).
//! - **Service without source condition**: a resource policy granting a service principal
//!   without `aws:SourceAccount`/`aws:SourceArn` (confused deputy; informational).

use super::super::request::{ArnParts, is_account_id};
use super::super::{
    ConditionClause, Effect, Layer, OperatorFamily, PrincipalType, Principals, SetQualifier,
    Statement, StatementRef,
};
use super::{AccountModel, EntityKind, ResourceKind};

/// How a statement exposes its resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposure {
    /// Anyone, anonymous callers included.
    Public,
    /// Principals of these other accounts.
    CrossAccount(Vec<String>),
    /// A role that these other accounts may assume without an `sts:ExternalId` condition.
    CrossAccountWithoutExternalId(Vec<String>),
    /// A role assumable through this identity provider without an audience (or, for
    /// GitHub Actions, subject) condition.
    FederatedWithoutAudience(String),
    /// A service principal granted without `aws:SourceAccount`/`aws:SourceArn`.
    ServiceWithoutSourceCondition(String),
    /// Nothing of the above.
    None,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExposureSubject {
    /// A resource with a resource-based policy.
    Resource(ResourceKind),
    /// A role's trust policy.
    RoleTrust,
}

/// One exposing statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposureFinding {
    /// The resource's or role's ARN.
    pub arn: String,
    /// Resource policy or trust policy.
    pub subject: ExposureSubject,
    /// The kind of exposure.
    pub exposure: Exposure,
    /// The statement (policy label: the resource ARN, or `trust:<role arn>`).
    pub statement: StatementRef,
    /// The statement's action patterns (`NotAction` ones prefixed with `!`).
    pub actions: Vec<String>,
}

/// Every exposing statement of the resource policies and role trust policies of `model`.
pub fn exposures(model: &AccountModel) -> Vec<ExposureFinding> {
    let mut found = Vec::new();
    let resources = model.resource_policies.iter().map(|r| {
        (
            &r.arn,
            ExposureSubject::Resource(r.kind.clone()),
            &r.policy,
            r.arn.clone(),
        )
    });
    let trusts = model
        .principals
        .iter()
        .filter(|p| p.kind == EntityKind::Role)
        .filter_map(|p| {
            let policy = p.trust_policy.as_ref()?;
            Some((
                &p.arn,
                ExposureSubject::RoleTrust,
                policy,
                format!("trust:{}", p.arn),
            ))
        });
    for (arn, subject, policy, label) in resources.chain(trusts) {
        let trust = subject == ExposureSubject::RoleTrust;
        for statement in &policy.statements {
            let exposure = classify_statement(statement, &model.account_id, trust);
            if exposure == Exposure::None {
                continue;
            }
            found.push(ExposureFinding {
                arn: arn.clone(),
                subject: subject.clone(),
                exposure,
                statement: StatementRef {
                    policy: label.clone(),
                    layer: Layer::Resource,
                    index: statement.index,
                    sid: statement.sid.clone(),
                },
                actions: statement
                    .action
                    .patterns
                    .iter()
                    .map(|p| {
                        if statement.action.negated {
                            format!("!{p}")
                        } else {
                            p.clone()
                        }
                    })
                    .collect(),
            });
        }
    }
    found
}

/// The exposure of one statement of a resource (or, with `trust`, role trust) policy of
/// account `owner`.
pub fn classify_statement(statement: &Statement, owner: &str, trust: bool) -> Exposure {
    if statement.effect != Effect::Allow {
        return Exposure::None;
    }
    let Some(spec) = &statement.principal else {
        return Exposure::None;
    };
    let entries: &[(PrincipalType, Vec<String>)] = match &spec.principals {
        _ if spec.negated => return public_unless_restricted(statement),
        Principals::Any => return public_unless_restricted(statement),
        Principals::Typed(entries) => entries,
    };
    let values = |kind: PrincipalType| {
        entries
            .iter()
            .filter(move |(k, _)| *k == kind)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
    };
    if values(PrincipalType::Aws).any(|v| v == "*") {
        return public_unless_restricted(statement);
    }
    let mut accounts: Vec<String> = values(PrincipalType::Aws)
        .filter_map(account_of)
        .filter(|a| *a != owner)
        .map(str::to_owned)
        .collect();
    accounts.sort();
    accounts.dedup();
    if !accounts.is_empty() {
        let external_id = trust
            && statement.conditions.iter().any(|c| {
                c.key.eq_ignore_ascii_case("sts:ExternalId")
                    && c.values.iter().all(|v| literal(v))
                    && positive(c)
            });
        return if trust && !external_id && !restricted(statement) {
            Exposure::CrossAccountWithoutExternalId(accounts)
        } else {
            Exposure::CrossAccount(accounts)
        };
    }
    if trust {
        for provider in values(PrincipalType::Federated) {
            if !federated_restricted(statement, provider) {
                return Exposure::FederatedWithoutAudience(provider.to_owned());
            }
        }
    } else if let Some(service) = values(PrincipalType::Service).next() {
        let sourced = statement.conditions.iter().any(|c| {
            positive(c)
                && [
                    "aws:SourceAccount",
                    "aws:SourceArn",
                    "aws:SourceOwner",
                    "aws:SourceOrgID",
                ]
                .iter()
                .any(|k| c.key.eq_ignore_ascii_case(k))
        });
        if !sourced {
            return Exposure::ServiceWithoutSourceCondition(service.to_owned());
        }
    }
    Exposure::None
}

fn public_unless_restricted(statement: &Statement) -> Exposure {
    if restricted(statement) {
        Exposure::None
    } else {
        Exposure::Public
    }
}

/// Whether some condition clause truly restricts the callers.
fn restricted(statement: &Statement) -> bool {
    statement.conditions.iter().any(restricts)
}

/// Whether the operator can only hold when the key is present with a matching value.
fn positive(clause: &ConditionClause) -> bool {
    let op = clause.operator;
    !op.if_exists
        && !op.family.is_negated()
        && op.family != OperatorFamily::Null
        && op.set_qualifier != Some(SetQualifier::ForAllValues)
}

/// Whether a value has no wildcard.
fn literal(value: &str) -> bool {
    !value.contains(['*', '?'])
}

/// Whether one clause restricts who can call.
fn restricts(clause: &ConditionClause) -> bool {
    if !positive(clause) {
        return false;
    }
    let key = clause.key.to_ascii_lowercase();
    let all = |ok: fn(&str) -> bool| clause.values.iter().all(|v| ok(v));
    match key.as_str() {
        "aws:sourceaccount"
        | "aws:sourceowner"
        | "aws:principalaccount"
        | "kms:calleraccount"
        | "aws:principalorgid"
        | "aws:sourcevpc"
        | "aws:sourcevpce"
        | "aws:userid" => all(literal),
        "aws:principalorgpaths" => {
            all(|v| v.split(['*', '?']).next().is_some_and(|p| p.contains('/')))
        }
        "aws:sourcearn" | "aws:principalarn" => all(arn_restricts),
        "aws:sourceip" => {
            clause.operator.family == OperatorFamily::IpAddress
                && all(|v| {
                    let prefix = v.split('/').nth(1).unwrap_or("32");
                    prefix != "0" && v != "0.0.0.0" && v != "::"
                })
        }
        _ => false,
    }
}

/// Whether an ARN value pins an account (or, for account-less ARNs like S3, a named
/// resource).
fn arn_restricts(value: &str) -> bool {
    let Some(parts) = ArnParts::parse(value) else {
        return false;
    };
    if parts.account.is_empty() {
        return !parts.resource.is_empty() && !parts.resource.starts_with(['*', '?']);
    }
    literal(parts.account)
}

/// The account an AWS principal value belongs to.
fn account_of(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let parts = ArnParts::parse(value)?;
    (!parts.account.is_empty()).then_some(parts.account)
}

/// Whether a federated trust statement pins the audience (and GitHub's subject).
fn federated_restricted(statement: &Statement, provider: &str) -> bool {
    let host = provider
        .split_once(":oidc-provider/")
        .map_or(provider, |(_, host)| host);
    if provider.contains(":saml-provider/") {
        return has_clause(statement, "SAML:aud", |_| true);
    }
    let aud = has_clause(statement, &format!("{host}:aud"), literal);
    if !host.eq_ignore_ascii_case("token.actions.githubusercontent.com") {
        return aud;
    }
    let sub = has_clause(statement, &format!("{host}:sub"), |v| {
        v.split(['*', '?']).next().is_some_and(|p| p.contains('/'))
    });
    aud && sub
}

/// Whether a positive clause on `key` exists whose every value satisfies `ok`.
fn has_clause(statement: &Statement, key: &str, ok: fn(&str) -> bool) -> bool {
    statement
        .conditions
        .iter()
        .any(|c| positive(c) && c.key.eq_ignore_ascii_case(key) && c.values.iter().all(|v| ok(v)))
}
