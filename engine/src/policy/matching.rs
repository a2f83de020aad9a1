//! Whether one statement applies to one request: action, resource, principal, conditions.
//!
//! These are the building blocks of [`super::evaluate`] and of the analyses (admin
//! detection, privilege escalation, public access) that ask narrower questions.
//!
//! Principal matching in resource and trust policies:
//!
//! - `"*"` and `{"AWS": "*"}` match every caller, anonymous ones included.
//! - An account (`"111122223333"` or `arn:aws:iam::111122223333:root`) matches every IAM
//!   principal of that account *as a delegation*: the account's own identity policies must
//!   still allow the request (see [`MatchStrength::Account`]).
//! - A user or role-session ARN matches that caller exactly; a role ARN matches the role and
//!   every session of it (compared by account and role name: session ARNs carry no path).
//!   AWS principals never contain other wildcards; a value with `*` matches only itself.
//! - `Service`, `Federated` and `CanonicalUser` values match a caller with exactly that name
//!   (service names ignore ASCII case).
//! - `NotPrincipal` follows the IAM guide's chain model: a caller is exempted only when every
//!   identity it acts as is listed: a user and its account, a role session, its role and its
//!   account. So `NotPrincipal` naming only `user/Bob` still applies to Bob.

use super::context::Context;
use super::model::{PrincipalSpec, PrincipalType, Principals, Statement};
use super::request::{ArnParts, Principal, PrincipalKind, is_account_id};
use super::variables::compile_with;
use super::wildcard::{matches_action, matches_tokens};

/// How directly a resource-policy statement names the caller. Same-account grants depend
/// on it (see `eval.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchStrength {
    /// Through the caller's account: a delegation that the account's identity policies must
    /// confirm.
    Account,
    /// Through the role of a role session (or the role itself): limited by the role's
    /// permissions boundary and session policies.
    Role,
    /// The caller itself, by its own ARN, `*`, or `NotPrincipal`.
    Direct,
}

impl Statement {
    /// Whether `Action`/`NotAction` covers `action` (case-insensitive).
    pub fn matches_action(&self, action: &str) -> bool {
        let hit = self
            .action
            .patterns
            .iter()
            .any(|p| matches_action(p, action));
        hit != self.action.negated
    }

    /// Whether `Resource`/`NotResource` covers `resource` (case-sensitive), substituting
    /// policy variables from `ctx`. A statement without either element (a trust policy)
    /// covers every resource.
    pub fn matches_resource(&self, resource: &str, ctx: &Context) -> bool {
        self.matches_resource_with(resource, ctx, true)
    }

    pub(crate) fn matches_resource_with(&self, resource: &str, ctx: &Context, vars: bool) -> bool {
        let Some(spec) = &self.resource else {
            return true;
        };
        let hit = spec.patterns.iter().any(|p| {
            compile_with(p, ctx, vars)
                .is_some_and(|tokens| matches_tokens(&tokens, resource, false))
        });
        hit != spec.negated
    }

    /// Whether the statement's `Principal`/`NotPrincipal` covers `principal`. A statement
    /// without either (identity policies, boundaries, SCPs) covers every principal.
    pub fn principal_matches(&self, principal: &Principal) -> bool {
        self.principal
            .as_ref()
            .is_none_or(|spec| spec.strength(principal).is_some())
    }

    /// Whether every condition clause holds for `ctx` (variables substituted).
    pub fn conditions_hold(&self, ctx: &Context) -> bool {
        self.conditions_hold_with(ctx, true)
    }

    pub(crate) fn conditions_hold_with(&self, ctx: &Context, vars: bool) -> bool {
        self.conditions.iter().all(|c| c.holds(ctx, vars))
    }

    /// Whether the statement has no conditions (an unconditional grant or denial).
    pub fn is_unconditional(&self) -> bool {
        self.conditions.is_empty()
    }
}

impl PrincipalSpec {
    /// How directly the element names `principal`, or `None` when it does not cover it.
    /// `NotPrincipal` gives [`MatchStrength::Direct`] to every caller it does not exempt.
    pub fn strength(&self, principal: &Principal) -> Option<MatchStrength> {
        if self.negated {
            return (!self.exempts(principal)).then_some(MatchStrength::Direct);
        }
        match &self.principals {
            Principals::Any => Some(MatchStrength::Direct),
            Principals::Typed(entries) => entries
                .iter()
                .flat_map(|(kind, values)| values.iter().map(move |v| (*kind, v.as_str())))
                .filter_map(|(kind, value)| entry_strength(kind, value, principal))
                .max(),
        }
    }

    /// Whether the element covers `principal` at all.
    pub fn matches(&self, principal: &Principal) -> bool {
        self.strength(principal).is_some()
    }

    /// Whether a `NotPrincipal` list exempts `principal`: every identity in its chain is
    /// listed (or the list contains `*`).
    fn exempts(&self, principal: &Principal) -> bool {
        let entries = match &self.principals {
            Principals::Any => return true,
            Principals::Typed(entries) => entries,
        };
        let listed = |kind: PrincipalType, value: &str| {
            entries.iter().any(|(k, values)| {
                *k == kind
                    && values
                        .iter()
                        .any(|v| v == value || (kind == PrincipalType::Aws && v == "*"))
            })
        };
        let account_listed = |account: &str| {
            entries.iter().any(|(k, values)| {
                *k == PrincipalType::Aws
                    && values
                        .iter()
                        .any(|v| v == "*" || account_of(v) == Some(account))
            })
        };
        let p = principal;
        let account = || p.account_id.as_deref().is_some_and(account_listed);
        match p.kind {
            PrincipalKind::Anonymous => listed(PrincipalType::Aws, "*"),
            PrincipalKind::Service => {
                listed(PrincipalType::Service, &p.arn) || listed(PrincipalType::Aws, "*")
            }
            PrincipalKind::Root => account(),
            PrincipalKind::User => {
                (listed(PrincipalType::Aws, &p.arn)
                    || listed(PrincipalType::Federated, &p.arn)
                    || listed(PrincipalType::CanonicalUser, &p.arn))
                    && account()
            }
            PrincipalKind::Role => listed(PrincipalType::Aws, &p.arn) && account(),
            PrincipalKind::AssumedRole => {
                listed(PrincipalType::Aws, &p.arn)
                    && p.role_arn().is_some_and(|role| {
                        entries.iter().any(|(k, values)| {
                            *k == PrincipalType::Aws
                                && values.iter().any(|v| v == "*" || same_role(v, &role))
                        })
                    })
                    && account()
            }
        }
    }
}

/// How one `Principal` entry names `p`.
fn entry_strength(kind: PrincipalType, value: &str, p: &Principal) -> Option<MatchStrength> {
    use MatchStrength::{Account, Direct, Role};
    match kind {
        PrincipalType::Aws => {
            if value == "*" {
                return Some(Direct);
            }
            if let Some(account) = account_of(value) {
                let ours = p.account_id.as_deref() == Some(account);
                return match p.kind {
                    PrincipalKind::Root if ours => Some(Direct),
                    PrincipalKind::User | PrincipalKind::Role | PrincipalKind::AssumedRole
                        if ours =>
                    {
                        Some(Account)
                    }
                    _ => None,
                };
            }
            match p.kind {
                PrincipalKind::User | PrincipalKind::AssumedRole if value == p.arn => Some(Direct),
                PrincipalKind::Role if same_role(value, &p.arn) => Some(Role),
                PrincipalKind::AssumedRole => p
                    .role_arn()
                    .filter(|role| same_role(value, role))
                    .map(|_| Role),
                _ => None,
            }
        }
        PrincipalType::Service => (p.kind == PrincipalKind::Service
            && value.eq_ignore_ascii_case(&p.arn))
        .then_some(Direct),
        PrincipalType::Federated | PrincipalType::CanonicalUser => {
            (value == p.arn).then_some(Direct)
        }
    }
}

/// The account a principal value names as a whole: a 12-digit id or a root ARN.
fn account_of(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let parts = ArnParts::parse(value)?;
    (parts.service == "iam" && parts.resource == "root").then_some(parts.account)
}

/// Whether the role ARN `policy_value` (possibly with a path) names the same role as
/// `role_arn` (possibly without one): same partition, account and role name.
fn same_role(policy_value: &str, role_arn: &str) -> bool {
    let (Some(a), Some(b)) = (ArnParts::parse(policy_value), ArnParts::parse(role_arn)) else {
        return false;
    };
    let name = |r: &str| -> Option<String> {
        r.strip_prefix("role/")
            .and_then(|rest| rest.rsplit('/').next())
            .map(str::to_owned)
    };
    a.service == "iam"
        && b.service == "iam"
        && a.partition == b.partition
        && a.account == b.account
        && name(a.resource).is_some()
        && name(a.resource) == name(b.resource)
}
