//! The authorisation decision for one request against every policy that applies to it,
//! following the IAM User Guide's "Policy evaluation logic".
//!
//! In order:
//!
//! 1. Any applicable `Deny` statement (SCPs, resource policy, permissions boundary, identity
//!    and session policies) is an **explicit deny**; every such statement is reported.
//! 2. Each SCP level (organisation root, each OU, the account) must allow the request, else
//!    **implicit deny** (no SCP levels means no organisation).
//! 3. Grants. The identity grant holds when an identity policy allows *and* the boundary (if
//!    any) allows *and* a session policy (if any) allows. An account's root user holds every
//!    identity grant in its account; services and anonymous callers hold none.
//!    - Cross-account: the identity grant *and* a resource-policy allow are both needed.
//!    - Same account: the identity grant suffices, or a resource-policy allow that names:
//!      the caller itself (user ARN, role-session ARN, `*`: not limited by boundary or
//!      session policy); the caller's role (limited by boundary and session policy, as the
//!      guide's boundary page says for role ARNs); or only the account (a delegation that
//!      needs the identity grant anyway).
//!    - Services and anonymous callers are allowed exactly when the resource policy allows.
//! 4. Otherwise **implicit deny**.
//!
//! Choices where the guide leaves room: statements with a `Principal` element in identity
//! policies, boundaries, SCPs and session policies are evaluated without looking at it
//! (IAM rejects such policies); resource-policy statements without `Principal` never apply;
//! a `Deny` with `NotPrincipal` in a resource policy applies to every principal that has a
//! permissions boundary, whatever it lists, as the boundary page warns.

use super::context::Context;
use super::matching::MatchStrength;
use super::model::{Effect, Policy};
use super::request::{PrincipalKind, Request};

/// A policy with the label the caller gives it (`arn:aws:iam::1:policy/x`,
/// `inline:user/alice/p1`), used in [`StatementRef`].
pub type Labelled = (String, Policy);

/// Every policy that applies to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicySet {
    /// The principal's identity policies (managed, inline, and its groups').
    pub identity: Vec<Labelled>,
    /// The principal's permissions boundary.
    pub permission_boundary: Option<Labelled>,
    /// Service control policies, one level per node from the organisation root to the
    /// account; each level must allow.
    pub scps: Vec<Vec<Labelled>>,
    /// The resource's policy (bucket policy, key policy, trust policy, …).
    pub resource_policy: Option<Labelled>,
    /// Session policies passed when the role session was created.
    pub session_policies: Option<Vec<Labelled>>,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Allowed.
    Allow,
    /// Denied by a `Deny` statement.
    ExplicitDeny,
    /// Denied because nothing (or not every required layer) allows.
    ImplicitDeny,
}

/// The kind of policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// A service control policy.
    Scp,
    /// The resource's policy.
    Resource,
    /// The permissions boundary.
    Boundary,
    /// An identity policy.
    Identity,
    /// A session policy.
    Session,
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The label of its policy.
    pub policy: String,
    /// The kind of policy.
    pub layer: Layer,
    /// Its index in the policy (`Statement[index]`).
    pub index: usize,
    /// Its `Sid`, if any.
    pub sid: Option<String>,
}

impl std::fmt::Display for StatementRef {
    /// `Statement[1] (Sid "X") of arn:aws:iam::…:policy/p`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sid {
            Some(sid) => write!(
                f,
                "Statement[{}] (Sid \"{sid}\") of {}",
                self.index, self.policy
            ),
            None => write!(f, "Statement[{}] of {}", self.index, self.policy),
        }
    }
}

/// The decision and the statements that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allowed or not, and why not.
    pub outcome: Outcome,
    /// Every applicable `Deny` for [`Outcome::ExplicitDeny`]; the allowing statements of
    /// the grant(s) that hold for [`Outcome::Allow`]; empty for [`Outcome::ImplicitDeny`].
    pub deciding: Vec<StatementRef>,
}

impl Decision {
    fn implicit_deny() -> Self {
        Self {
            outcome: Outcome::ImplicitDeny,
            deciding: Vec::new(),
        }
    }
}

/// The applicable statements of one layer, split by effect.
#[derive(Default)]
struct Hits {
    allow: Vec<(StatementRef, MatchStrength)>,
    deny: Vec<StatementRef>,
}

impl Hits {
    fn allows(&self) -> bool {
        !self.allow.is_empty()
    }

    fn allow_refs(&self) -> impl Iterator<Item = StatementRef> + '_ {
        self.allow.iter().map(|(r, _)| r.clone())
    }
}

/// Decides `request` against `policies`.
pub fn evaluate(request: &Request, policies: &PolicySet) -> Decision {
    let ctx = request.effective_context();
    let has_boundary = policies.permission_boundary.is_some();
    let scan = |layer: Layer, list: &mut dyn Iterator<Item = &Labelled>| {
        let mut hits = Hits::default();
        for labelled in list {
            collect(layer, labelled, request, &ctx, has_boundary, &mut hits);
        }
        hits
    };
    let scp_levels: Vec<Hits> = policies
        .scps
        .iter()
        .map(|level| scan(Layer::Scp, &mut level.iter()))
        .collect();
    let resource = scan(Layer::Resource, &mut policies.resource_policy.iter());
    let boundary = scan(Layer::Boundary, &mut policies.permission_boundary.iter());
    let identity = scan(Layer::Identity, &mut policies.identity.iter());
    let session = policies
        .session_policies
        .as_ref()
        .map(|list| scan(Layer::Session, &mut list.iter()));

    let denies: Vec<StatementRef> = scp_levels
        .iter()
        .chain([&resource, &boundary, &identity])
        .chain(session.as_ref())
        .flat_map(|hits| hits.deny.iter().cloned())
        .collect();
    if !denies.is_empty() {
        return Decision {
            outcome: Outcome::ExplicitDeny,
            deciding: denies,
        };
    }
    if scp_levels.iter().any(|level| !level.allows()) {
        return Decision::implicit_deny();
    }

    let kind = request.principal.kind;
    let boundary_ok = !has_boundary || boundary.allows();
    let session_ok = session.as_ref().is_none_or(Hits::allows);
    let identity_grant = match kind {
        PrincipalKind::Root => true,
        PrincipalKind::Service | PrincipalKind::Anonymous => false,
        _ => identity.allows() && boundary_ok && session_ok,
    };
    let mut deciding: Vec<StatementRef> = Vec::new();
    let allowed = if matches!(kind, PrincipalKind::Service | PrincipalKind::Anonymous) {
        deciding.extend(resource.allow_refs());
        resource.allows()
    } else if request.is_cross_account() {
        let allowed = identity_grant && resource.allows();
        if allowed {
            deciding.extend(identity.allow_refs());
            deciding.extend(resource.allow_refs());
        }
        allowed
    } else {
        if identity_grant {
            deciding.extend(identity.allow_refs());
        }
        let granting: Vec<StatementRef> = resource
            .allow
            .iter()
            .filter(|(_, strength)| match strength {
                MatchStrength::Direct => true,
                MatchStrength::Role => boundary_ok && session_ok,
                MatchStrength::Account => identity_grant,
            })
            .map(|(r, _)| r.clone())
            .collect();
        let allowed = identity_grant || !granting.is_empty();
        deciding.extend(granting);
        allowed
    };
    if !allowed {
        return Decision::implicit_deny();
    }
    Decision {
        outcome: Outcome::Allow,
        deciding,
    }
}

/// Adds the statements of `labelled` that apply to the request to `hits`.
fn collect(
    layer: Layer,
    (label, policy): &Labelled,
    request: &Request,
    ctx: &Context,
    has_boundary: bool,
    hits: &mut Hits,
) {
    let vars = policy.substitutes_variables();
    for statement in &policy.statements {
        let strength = if layer == Layer::Resource {
            let Some(spec) = &statement.principal else {
                continue;
            };
            let forced = spec.negated && statement.effect == Effect::Deny && has_boundary;
            match spec.strength(&request.principal) {
                Some(s) => s,
                None if forced => MatchStrength::Direct,
                None => continue,
            }
        } else {
            MatchStrength::Direct
        };
        if !statement.matches_action(&request.action)
            || !statement.matches_resource_with(&request.resource, ctx, vars)
            || !statement.conditions_hold_with(ctx, vars)
        {
            continue;
        }
        let reference = StatementRef {
            policy: label.clone(),
            layer,
            index: statement.index,
            sid: statement.sid.clone(),
        };
        match statement.effect {
            Effect::Allow => hits.allow.push((reference, strength)),
            Effect::Deny => hits.deny.push(reference),
        }
    }
}
