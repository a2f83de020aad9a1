//! Account-level analyses built on the policy evaluator: admin-equivalent principals,
//! privilege-escalation paths, public and cross-account exposure, effective-permission
//! summaries and least-privilege findings (issue #5).
//!
//! Pure: the input is an [`AccountModel`] (parsed policies, no inventory, no clock) and the
//! output typed results carrying evidence ([`StatementRef`]s, actions, targets). Checks turn
//! them into findings. Questions of *meaning* go to [`evaluate`](super::evaluate) through
//! [`Prepared`]; only the permission summary, which covers every catalogued action, uses the
//! catalogue's expansion with set operations instead.
//!
//! Conditions: every question is asked twice at most. The *strict* view drops conditional
//! `Allow` statements and makes conditional `Deny` statements unconditional; the *relaxed*
//! view does the reverse. Strictly allowed is a definite grant; allowed only when relaxed is
//! a grant that depends on conditions (MFA, source IP, region), reported as `conditional`.
//!
//! Cost: per-policy work (condition views, the action mask of the interesting actions) is
//! done once per policy label; a principal's policy set is built only when its mask shows
//! it could be allowed something interesting.

mod admin;
mod escalation;
mod exposure;
mod model;
mod privileges;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

pub use admin::{AdminBasis, AdminFinding, admin_principals};
pub use escalation::{
    ADMIN as ADMIN_NODE, EscalationPath, Graph, GraphEdge, GraphNode, Step, escalation_graph,
    escalation_paths,
};
pub use exposure::{Exposure, ExposureFinding, ExposureSubject, classify_statement, exposures};
pub use model::{
    AccountModel, AttachedDoc, EntityKind, PrincipalEntity, ResourceKind, ResourcePolicy,
    ServiceLastAccessed, Via,
};
pub use privileges::{
    LevelCounts, PermissionSummary, UnusedServices, WildcardPolicy, permission_summaries,
    permission_summary, unused_services, wildcard_policies,
};

use super::{
    Effect, Outcome, Policy, PolicySet, Principal, Request, Statement, StatementRef, evaluate,
    matches_action,
};

/// Everything the analyses found in one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAnalysis {
    /// Users, groups and roles with admin-equivalent permissions.
    pub admins: Vec<AdminFinding>,
    /// Shortest escalation path of each non-admin principal that can reach admin.
    pub escalations: Vec<EscalationPath>,
    /// Public, cross-account and federated access in resource and trust policies.
    pub exposures: Vec<ExposureFinding>,
    /// Effective permissions of each principal, by ARN.
    pub summaries: BTreeMap<String, PermissionSummary>,
    /// Customer-managed policies allowing `*` or `service:*` (FSBP IAM.21).
    pub wildcard_policies: Vec<WildcardPolicy>,
    /// Services granted to a principal and never used, where last-accessed data exists.
    pub unused_services: Vec<UnusedServices>,
}

/// Runs every analysis on `model`, sharing the per-policy work between them.
pub fn analyse(model: &AccountModel) -> AccountAnalysis {
    let mut prepared = Prepared::new(model);
    let admins = admin::find(&mut prepared);
    let graph = escalation::build(&mut prepared, &admins);
    let escalations = escalation::shortest_paths(model, &graph);
    let summaries = permission_summaries(model);
    AccountAnalysis {
        admins,
        escalations,
        exposures: exposures(model),
        unused_services: unused_services(model, &summaries),
        wildcard_policies: wildcard_policies(model),
        summaries,
    }
}

/// A permission found by evaluation, with the statements that grant it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The allowing statements of the decision.
    pub granted_by: Vec<StatementRef>,
    /// Whether the grant depends on conditions (allowed only in the relaxed view).
    pub conditional: bool,
}

/// Actions only escalation paths ask about (the admin probes come from `admin.rs`).
const ESCALATION_ACTIONS: &[&str] = &[
    "iam:SetDefaultPolicyVersion",
    "iam:AddUserToGroup",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAssumeRolePolicy",
    "lambda:InvokeFunction",
    "lambda:CreateEventSourceMapping",
    "cloudformation:CreateStack",
    "glue:CreateDevEndpoint",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "codebuild:CreateProject",
    "codebuild:StartBuild",
];

/// The actions whose grant the analyses ask about: the admin probes, then the escalation
/// actions, each once. A policy's mask records which of them some `Allow` statement covers,
/// so most questions are answered without evaluation.
// INVARIANT: fewer than 64 actions (the mask is a u64); a test checks it.
static INTERESTING: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<&'static str> = Vec::new();
    for a in admin::PERMISSION_PROBES
        .iter()
        .chain(admin::FULL_ACCESS_PROBES)
        .chain(ESCALATION_ACTIONS)
    {
        if !all.contains(a) {
            all.push(a);
        }
    }
    all
});

#[cfg(test)]
#[test]
fn interesting_actions_fit_the_mask_and_include_every_probe() {
    assert!(INTERESTING.len() < 64);
    for a in admin::PERMISSION_PROBES
        .iter()
        .chain(admin::FULL_ACCESS_PROBES)
        .chain(ESCALATION_ACTIONS)
    {
        assert!(bit(a).is_some(), "{a}");
    }
}

/// The mask bit of an interesting action, `None` for any other action.
fn bit(action: &str) -> Option<u64> {
    INTERESTING
        .iter()
        .position(|a| *a == action)
        .or_else(|| {
            INTERESTING
                .iter()
                .position(|a| a.eq_ignore_ascii_case(action))
        })
        .map(|i| 1u64 << i)
}

/// Whether the action pattern `pattern` can cover `action` judging by the service part
/// alone (a cheap test before the wildcard matcher).
fn same_service(pattern: &str, action: &str) -> bool {
    match (pattern.split_once(':'), action.split_once(':')) {
        (Some((ps, _)), Some((svc, _))) if !ps.contains(['*', '?']) => ps.eq_ignore_ascii_case(svc),
        _ => true,
    }
}

/// The two condition views of one policy.
#[derive(Debug, Clone)]
struct Views {
    strict: Policy,
    /// `None` when the policy has no condition (both views are the policy itself).
    relaxed: Option<Policy>,
}

impl Views {
    fn of(policy: &Policy) -> Self {
        let conditional = policy.statements.iter().any(|s| !s.conditions.is_empty());
        if !conditional {
            return Self {
                strict: policy.clone(),
                relaxed: None,
            };
        }
        let view = |keep_conditional: Effect| {
            let mut p = policy.clone();
            p.statements.retain_mut(|s| {
                if s.conditions.is_empty() {
                    return true;
                }
                s.conditions.clear();
                s.effect == keep_conditional
            });
            p
        };
        Self {
            strict: view(Effect::Deny),
            relaxed: Some(view(Effect::Allow)),
        }
    }

    fn relaxed(&self) -> &Policy {
        self.relaxed.as_ref().unwrap_or(&self.strict)
    }
}

/// Per-label work on one identity or boundary document.
#[derive(Debug)]
struct PreparedDoc {
    views: Views,
    /// Interesting actions some `Allow` statement covers, conditions ignored.
    mask: u64,
}

impl PreparedDoc {
    fn of(policy: &Policy) -> Self {
        let views = Views::of(policy);
        let mut mask = 0;
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            for (i, action) in INTERESTING.iter().enumerate() {
                if covers(s, action) {
                    mask |= 1 << i;
                }
            }
        }
        Self { views, mask }
    }
}

/// A principal's two policy sets for one action.
#[derive(Debug)]
struct Sets {
    strict: PolicySet,
    relaxed: Option<PolicySet>,
}

/// One principal of the model, ready to be asked questions.
#[derive(Debug)]
struct Subject {
    principal: Principal,
    /// Union of the masks of its identity documents.
    mask: u64,
    /// Its policy sets per action (lower-cased), built on first use.
    sets: HashMap<String, Sets>,
}

/// A trust or resource policy in its two views, labelled.
#[derive(Debug, Clone)]
pub(super) struct ResourceDoc {
    label: String,
    views: Views,
}

impl ResourceDoc {
    /// The views of `policy`, labelled `label` in evidence.
    pub(super) fn new(label: String, policy: &Policy) -> Self {
        Self {
            label,
            views: Views::of(policy),
        }
    }

    /// The relaxed view (every statement that can ever apply).
    pub(super) fn relaxed(&self) -> &Policy {
        self.views.relaxed()
    }
}

/// The model with per-policy work done once, answering "may principal *i* do *action* on
/// *resource*?" by evaluation.
pub(super) struct Prepared<'m> {
    pub(super) model: &'m AccountModel,
    docs: HashMap<&'m str, PreparedDoc>,
    subjects: Vec<Subject>,
}

impl<'m> Prepared<'m> {
    /// Prepares every document of `model` (once per label).
    pub(super) fn new(model: &'m AccountModel) -> Self {
        let mut docs: HashMap<&'m str, PreparedDoc> = HashMap::new();
        let mut subjects = Vec::with_capacity(model.principals.len());
        for entity in &model.principals {
            let mut mask = 0;
            for doc in entity.policies.iter().chain(&entity.boundary) {
                let prepared = docs
                    .entry(doc.label.as_str())
                    .or_insert_with(|| PreparedDoc::of(&doc.policy));
                if !entity
                    .boundary
                    .as_ref()
                    .is_some_and(|b| std::ptr::eq(b, doc))
                {
                    mask |= prepared.mask;
                }
            }
            subjects.push(Subject {
                principal: entity.request_principal(),
                mask,
                sets: HashMap::new(),
            });
        }
        Self {
            model,
            docs,
            subjects,
        }
    }

    /// The request principal of subject `who`.
    pub(super) fn principal(&self, who: usize) -> Option<&Principal> {
        self.subjects.get(who).map(|s| &s.principal)
    }

    /// Whether subject `who` has some `Allow` statement for `action` (resource and
    /// conditions aside). Always true for actions outside the interesting list.
    pub(super) fn may(&self, who: usize, action: &str) -> bool {
        match (bit(action), self.subjects.get(who)) {
            (Some(b), Some(s)) => s.mask & b != 0,
            (None, Some(_)) => true,
            (_, None) => false,
        }
    }

    /// Whether `who` may call `action` on `resource` in its own account, by its identity
    /// policies (and boundary), with `resource_policy` as the resource's policy when given.
    pub(super) fn can(
        &mut self,
        who: usize,
        action: &str,
        resource: &str,
        resource_policy: Option<&ResourceDoc>,
    ) -> Option<Grant> {
        if resource_policy.is_none() && !self.may(who, action) {
            return None;
        }
        let principal = self.subjects.get(who)?.principal.clone();
        let sets = self.sets(who, action)?;
        let request = Request::new(principal, action, resource);
        let decide = |set: &mut PolicySet, view: &Policy| {
            if let Some(doc) = resource_policy {
                set.resource_policy = Some((doc.label.clone(), view.clone()));
            }
            let decision = evaluate(&request, set);
            set.resource_policy = None;
            decision
        };
        let strict_rp = resource_policy.map_or(&EMPTY, |d| &d.views.strict);
        let relaxed_rp = resource_policy.map_or(&EMPTY, |d| d.views.relaxed());
        let strict = decide(&mut sets.strict, strict_rp);
        if strict.outcome == Outcome::Allow {
            return Some(Grant {
                granted_by: strict.deciding,
                conditional: false,
            });
        }
        let conditional_rp = resource_policy.is_some_and(|d| d.views.relaxed.is_some());
        let relaxed = match sets.relaxed.as_mut() {
            Some(set) => decide(set, relaxed_rp),
            None if conditional_rp => decide(&mut sets.strict, relaxed_rp),
            None => return None,
        };
        (relaxed.outcome == Outcome::Allow).then_some(Grant {
            granted_by: relaxed.deciding,
            conditional: true,
        })
    }

    /// The policy sets of `who` for questions about `action`: only the statements covering
    /// `action` (the others cannot take part in the decision), built on first use.
    fn sets(&mut self, who: usize, action: &str) -> Option<&mut Sets> {
        let entity = self.model.principals.get(who)?;
        let subject = self.subjects.get_mut(who)?;
        let key = action.to_ascii_lowercase();
        if !subject.sets.contains_key(&key) {
            let docs = &self.docs;
            let view = |doc: &AttachedDoc, relaxed: bool| {
                let policy = match docs.get(doc.label.as_str()) {
                    Some(p) if relaxed => p.views.relaxed(),
                    Some(p) => &p.views.strict,
                    None => &doc.policy,
                };
                let statements = policy
                    .statements
                    .iter()
                    .filter(|s| covers(s, action))
                    .cloned()
                    .collect();
                let filtered = Policy {
                    version: policy.version,
                    id: None,
                    statements,
                };
                (doc.label.clone(), filtered)
            };
            let build = |relaxed: bool| PolicySet {
                identity: entity.policies.iter().map(|d| view(d, relaxed)).collect(),
                permission_boundary: entity.boundary.as_ref().map(|d| view(d, relaxed)),
                ..PolicySet::default()
            };
            let strict = build(false);
            let relaxed = Some(build(true)).filter(|r| *r != strict);
            subject.sets.insert(key.clone(), Sets { strict, relaxed });
        }
        subject.sets.get_mut(&key)
    }
}

/// Whether a statement's `Action`/`NotAction` covers `action` (service checked first).
fn covers(statement: &Statement, action: &str) -> bool {
    let hit = statement
        .action
        .patterns
        .iter()
        .any(|p| same_service(p, action) && matches_action(p, action));
    hit != statement.action.negated
}

/// A policy with no statement, for evaluations without a resource policy.
static EMPTY: Policy = Policy {
    version: None,
    id: None,
    statements: Vec::new(),
};
