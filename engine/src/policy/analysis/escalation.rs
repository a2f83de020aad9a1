//! Privilege-escalation paths: how a principal that is not admin can become one.
//!
//! A graph whose nodes are the account's users, roles and groups plus an `admin` sink, and
//! whose edges are single steps found by evaluation (never by string matching):
//!
//! - to `admin`: rewriting one's own permissions: `iam:Attach*Policy` / `iam:Put*Policy` on
//!   itself or one of its groups, `iam:CreatePolicyVersion` / `iam:SetDefaultPolicyVersion`
//!   on a customer-managed policy attached to it, or changing the policies of a principal it
//!   can become;
//! - to a user: `iam:CreateAccessKey`, `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`;
//! - to a group: `iam:AddUserToGroup`;
//! - to a role: `iam:UpdateAssumeRolePolicy`; `sts:AssumeRole` allowed by both the
//!   principal's policies and the role's trust policy (same-account rules of the evaluator);
//!   `iam:PassRole` together with a service that runs code as the role (Lambda, EC2,
//!   CloudFormation, Glue, Data Pipeline, SageMaker, ECS, CodeBuild), only when the role's
//!   trust policy lets that service assume it.
//!
//! Shortest paths come from one breadth-first search backwards from the admin sink and the
//! admin-equivalent principals (linear in the graph). Admins are sinks: their own paths are
//! not reported, analysis 1 reports them.

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::super::request::ArnParts;
use super::super::{
    Effect, MatchStrength, Outcome, PolicySet, Principal, PrincipalType, Principals, Request,
    StatementRef, evaluate,
};
use super::{AccountModel, AdminFinding, EntityKind, Grant, Prepared, ResourceDoc};

/// One step of an escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The known technique (`AssumeRole`, `PassRole to Lambda`, `CreatePolicyVersion`, …).
    pub technique: &'static str,
    /// The actions the step needs, all allowed.
    pub actions: Vec<&'static str>,
    /// The ARN acted on: the user, group, role or policy.
    pub target: String,
    /// The statements granting the actions (and the trust statement, for roles).
    pub granted_by: Vec<StatementRef>,
    /// Whether some grant of the step depends on conditions.
    pub conditional: bool,
}

/// The shortest escalation of one principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPath {
    /// The escalating principal's ARN.
    pub from: String,
    /// The steps in order.
    pub steps: Vec<Step>,
    /// The admin-equivalent principal reached, or `admin` for admin rights directly.
    pub reaches: String,
    /// Whether some step depends on conditions.
    pub conditional: bool,
}

/// A node of the escalation graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// The principal's ARN, or `admin` for the sink.
    pub id: String,
    /// The principal's name (`admin` for the sink).
    pub name: String,
    /// User, role or group; `None` for the sink.
    pub kind: Option<EntityKind>,
    /// Whether the node is admin-equivalent (always for the sink).
    pub admin: bool,
}

/// An edge: `from` can act as (or grant itself) `to` by `step`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEdge {
    /// Index of the source node.
    pub from: usize,
    /// Index of the target node.
    pub to: usize,
    /// How.
    pub step: Step,
}

/// The escalation graph, for drawing. Node `i` is principal `i` of the model; the last
/// node is the `admin` sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Principals, then the sink.
    pub nodes: Vec<GraphNode>,
    /// Single steps.
    pub edges: Vec<GraphEdge>,
}

/// The label of the pseudo node for admin rights.
pub const ADMIN: &str = "admin";

/// Services that run code with a passed role: technique, service principal, and the
/// alternative action sets that launch the code.
const COMPUTE: &[(&str, &str, &[&[&str]])] = &[
    (
        "PassRole to Lambda",
        "lambda.amazonaws.com",
        &[
            &["lambda:CreateFunction", "lambda:InvokeFunction"],
            &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
        ],
    ),
    (
        "PassRole to EC2",
        "ec2.amazonaws.com",
        &[&["ec2:RunInstances"]],
    ),
    (
        "PassRole to CloudFormation",
        "cloudformation.amazonaws.com",
        &[&["cloudformation:CreateStack"]],
    ),
    (
        "PassRole to Glue",
        "glue.amazonaws.com",
        &[&["glue:CreateDevEndpoint"]],
    ),
    (
        "PassRole to Data Pipeline",
        "datapipeline.amazonaws.com",
        &[&[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ]],
    ),
    (
        "PassRole to SageMaker",
        "sagemaker.amazonaws.com",
        &[&[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ]],
    ),
    (
        "PassRole to ECS",
        "ecs-tasks.amazonaws.com",
        &[&["ecs:RegisterTaskDefinition", "ecs:RunTask"]],
    ),
    (
        "PassRole to CodeBuild",
        "codebuild.amazonaws.com",
        &[&["codebuild:CreateProject", "codebuild:StartBuild"]],
    ),
];

/// The policy-writing actions on a principal of each kind: (technique, action).
fn modify_actions(kind: EntityKind) -> [(&'static str, &'static str); 2] {
    match kind {
        EntityKind::User => [
            ("AttachUserPolicy", "iam:AttachUserPolicy"),
            ("PutUserPolicy", "iam:PutUserPolicy"),
        ],
        EntityKind::Role => [
            ("AttachRolePolicy", "iam:AttachRolePolicy"),
            ("PutRolePolicy", "iam:PutRolePolicy"),
        ],
        EntityKind::Group => [
            ("AttachGroupPolicy", "iam:AttachGroupPolicy"),
            ("PutGroupPolicy", "iam:PutGroupPolicy"),
        ],
    }
}

/// The escalation graph of `model`.
pub fn escalation_graph(model: &AccountModel) -> Graph {
    let mut prepared = Prepared::new(model);
    let admins = super::admin::find(&mut prepared);
    build(&mut prepared, &admins)
}

/// The shortest escalation path of every non-admin user and role of `model`.
pub fn escalation_paths(model: &AccountModel) -> Vec<EscalationPath> {
    shortest_paths(model, &escalation_graph(model))
}

/// Per-role trust data: the prepared trust policy and the compute services it admits.
struct Trust {
    doc: ResourceDoc,
    /// Index into [`COMPUTE`] and the trust grant for that service.
    services: Vec<(usize, Grant)>,
}

/// Builds the graph, computing edges out of every non-admin principal.
pub(super) fn build(prepared: &mut Prepared<'_>, admins: &[AdminFinding]) -> Graph {
    let model = prepared.model;
    let admin_arns: BTreeSet<&str> = admins.iter().map(|a| a.arn.as_str()).collect();
    let mut nodes: Vec<GraphNode> = model
        .principals
        .iter()
        .map(|p| GraphNode {
            id: p.arn.clone(),
            name: p.name.clone(),
            kind: Some(p.kind),
            admin: admin_arns.contains(p.arn.as_str()),
        })
        .collect();
    let sink = nodes.len();
    nodes.push(GraphNode {
        id: ADMIN.to_owned(),
        name: ADMIN.to_owned(),
        kind: None,
        admin: true,
    });
    let trusts: Vec<Option<Trust>> = model.principals.iter().map(trust_of).collect();
    let groups: HashMap<&str, usize> = model
        .principals
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == EntityKind::Group)
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    let index = TrustIndex::new(model, &trusts);
    let mut edges = Vec::new();
    for who in 0..model.principals.len() {
        if nodes.get(who).is_some_and(|n| n.admin) {
            continue;
        }
        let mut out = Edges::default();
        self_edges(prepared, who, &groups, sink, &mut out);
        target_edges(prepared, who, &trusts, &index, &mut out);
        become_then_modify(prepared, who, sink, &mut out);
        edges.extend(out.0);
    }
    Graph { nodes, edges }
}

#[derive(Default)]
struct Edges(Vec<GraphEdge>);

impl Edges {
    fn add(
        &mut self,
        from: usize,
        to: usize,
        technique: &'static str,
        target: &str,
        grants: Vec<(&'static str, Grant)>,
    ) {
        let conditional = grants.iter().any(|(_, g)| g.conditional);
        let mut granted_by: Vec<StatementRef> = Vec::new();
        for (_, grant) in &grants {
            for r in &grant.granted_by {
                if !granted_by.contains(r) {
                    granted_by.push(r.clone());
                }
            }
        }
        self.0.push(GraphEdge {
            from,
            to,
            step: Step {
                technique,
                actions: grants.iter().map(|(a, _)| *a).collect(),
                target: target.to_owned(),
                granted_by,
                conditional,
            },
        });
    }
}

/// The role's trust policy, prepared, with the compute services it lets assume the role.
fn trust_of(entity: &super::PrincipalEntity) -> Option<Trust> {
    let policy = entity.trust_policy.as_ref()?;
    let doc = ResourceDoc::new(format!("trust:{}", entity.arn), policy);
    let services = COMPUTE
        .iter()
        .enumerate()
        .filter_map(|(i, (_, service, _))| {
            let request = Request::new(Principal::from_arn(service), "sts:AssumeRole", &entity.arn);
            let allowed = |view: &super::super::Policy| {
                let set = PolicySet {
                    resource_policy: Some((doc.label.clone(), view.clone())),
                    ..PolicySet::default()
                };
                let decision = evaluate(&request, &set);
                (decision.outcome == Outcome::Allow).then_some(decision.deciding)
            };
            if let Some(by) = allowed(&doc.views.strict) {
                return Some((
                    i,
                    Grant {
                        granted_by: by,
                        conditional: false,
                    },
                ));
            }
            doc.views.relaxed.as_ref().and_then(allowed).map(|by| {
                (
                    i,
                    Grant {
                        granted_by: by,
                        conditional: true,
                    },
                )
            })
        })
        .collect();
    Some(Trust { doc, services })
}

/// Edges to the sink for rewriting one's own permissions.
fn self_edges(
    prepared: &mut Prepared<'_>,
    who: usize,
    groups: &HashMap<&str, usize>,
    sink: usize,
    out: &mut Edges,
) {
    let model = prepared.model;
    let Some(entity) = model.principals.get(who) else {
        return;
    };
    for (technique, action) in modify_actions(entity.kind) {
        if let Some(g) = prepared.can(who, action, &entity.arn, None) {
            out.add(who, sink, technique, &entity.arn, vec![(action, g)]);
        }
    }
    let member_of: BTreeSet<usize> = entity
        .group_names()
        .filter_map(|n| groups.get(n).copied())
        .collect();
    for group in member_of.iter().filter_map(|&g| model.principals.get(g)) {
        for (technique, action) in modify_actions(EntityKind::Group) {
            if let Some(g) = prepared.can(who, action, &group.arn, None) {
                out.add(who, sink, technique, &group.arn, vec![(action, g)]);
            }
        }
    }
    let own: BTreeSet<&str> = entity
        .policies
        .iter()
        .filter(|d| d.is_customer_managed())
        .filter_map(|d| d.managed_policy_arn())
        .collect();
    for arn in own {
        for (technique, action) in [
            ("CreatePolicyVersion", "iam:CreatePolicyVersion"),
            ("SetDefaultPolicyVersion", "iam:SetDefaultPolicyVersion"),
        ] {
            if let Some(g) = prepared.can(who, action, arn, None) {
                out.add(who, sink, technique, arn, vec![(action, g)]);
            }
        }
    }
}

/// Which roles' trust policies may admit whom, so `sts:AssumeRole` is evaluated only for
/// plausible pairs instead of every principal against every role.
#[derive(Default)]
struct TrustIndex {
    /// Roles whose trust names a user or role, by [`principal_key`].
    named: HashMap<String, Vec<usize>>,
    /// Roles whose trust names the owning account (a delegation to identity policies).
    account: Vec<usize>,
    /// Roles whose trust names anyone (`*`, `NotPrincipal`).
    anyone: Vec<usize>,
    /// Roles that some compute service may assume.
    compute: Vec<usize>,
}

impl TrustIndex {
    fn new(model: &AccountModel, trusts: &[Option<Trust>]) -> Self {
        let mut index = Self::default();
        for (role, trust) in trusts.iter().enumerate() {
            let Some(trust) = trust else {
                continue;
            };
            if !trust.services.is_empty() {
                index.compute.push(role);
            }
            let (mut account, mut anyone) = (false, false);
            for s in &trust.doc.relaxed().statements {
                let Some(spec) = s.principal.as_ref().filter(|_| s.effect == Effect::Allow) else {
                    continue;
                };
                let entries = match &spec.principals {
                    _ if spec.negated => {
                        anyone = true;
                        continue;
                    }
                    Principals::Any => {
                        anyone = true;
                        continue;
                    }
                    Principals::Typed(entries) => entries,
                };
                let values = entries
                    .iter()
                    .filter(|(k, _)| *k == PrincipalType::Aws)
                    .flat_map(|(_, v)| v);
                for value in values {
                    if value == "*" {
                        anyone = true;
                    } else if value == &model.account_id
                        || value.ends_with(&format!(":{}:root", model.account_id))
                    {
                        account = true;
                    } else if let Some(key) = principal_key(value) {
                        index.named.entry(key).or_default().push(role);
                    }
                }
            }
            if account {
                index.account.push(role);
            }
            if anyone {
                index.anyone.push(role);
            }
        }
        index
    }
}

/// `account/user/name` or `account/role/name` (paths dropped, as role matching does).
fn principal_key(arn: &str) -> Option<String> {
    let parts = ArnParts::parse(arn)?;
    let kind = parts.resource.split('/').next()?;
    let name = parts.resource.rsplit('/').next()?;
    Some(format!("{}/{kind}/{name}", parts.account))
}

/// Edges to other principals that `who` can become.
fn target_edges(
    prepared: &mut Prepared<'_>,
    who: usize,
    trusts: &[Option<Trust>],
    index: &TrustIndex,
    out: &mut Edges,
) {
    let model = prepared.model;
    let Some(me) = model.principals.get(who) else {
        return;
    };
    let Some(principal) = prepared.principal(who).cloned() else {
        return;
    };
    const USER_TAKEOVER: [(&str, &str); 3] = [
        ("CreateAccessKey", "iam:CreateAccessKey"),
        ("CreateLoginProfile", "iam:CreateLoginProfile"),
        ("UpdateLoginProfile", "iam:UpdateLoginProfile"),
    ];
    let takeover: Vec<_> = USER_TAKEOVER
        .into_iter()
        .filter(|(_, a)| prepared.may(who, a))
        .collect();
    let join = me.kind != EntityKind::Role && prepared.may(who, "iam:AddUserToGroup");
    let retrust = prepared.may(who, "iam:UpdateAssumeRolePolicy");
    let all = model
        .principals
        .iter()
        .enumerate()
        .filter(|(t, _)| *t != who);
    if !takeover.is_empty() || join || retrust {
        for (target, entity) in all {
            match entity.kind {
                EntityKind::User => {
                    for &(technique, action) in &takeover {
                        if let Some(g) = prepared.can(who, action, &entity.arn, None) {
                            out.add(who, target, technique, &entity.arn, vec![(action, g)]);
                        }
                    }
                }
                EntityKind::Group if join && !me.group_names().any(|n| n == entity.name) => {
                    let action = "iam:AddUserToGroup";
                    if let Some(g) = prepared.can(who, action, &entity.arn, None) {
                        out.add(
                            who,
                            target,
                            "AddUserToGroup",
                            &entity.arn,
                            vec![(action, g)],
                        );
                    }
                }
                EntityKind::Role if retrust => {
                    let action = "iam:UpdateAssumeRolePolicy";
                    if let Some(g) = prepared.can(who, action, &entity.arn, None) {
                        out.add(
                            who,
                            target,
                            "UpdateAssumeRolePolicy",
                            &entity.arn,
                            vec![(action, g)],
                        );
                    }
                }
                _ => {}
            }
        }
    }
    assume_edges(prepared, who, &principal, trusts, index, out);
    pass_role_edges(prepared, who, trusts, index, out);
}

/// `sts:AssumeRole` edges, evaluated with the role's trust policy as the resource policy.
fn assume_edges(
    prepared: &mut Prepared<'_>,
    who: usize,
    principal: &Principal,
    trusts: &[Option<Trust>],
    index: &TrustIndex,
    out: &mut Edges,
) {
    let action = "sts:AssumeRole";
    let mut candidates: BTreeSet<usize> = index.anyone.iter().copied().collect();
    if let Some(named) = principal_key(&principal.arn).and_then(|k| index.named.get(&k)) {
        candidates.extend(named);
    }
    if prepared.may(who, action) {
        candidates.extend(&index.account);
    }
    candidates.remove(&who);
    for target in candidates {
        let (Some(Some(trust)), Some(role)) =
            (trusts.get(target), prepared.model.principals.get(target))
        else {
            continue;
        };
        let strength = trust_strength(trust.doc.relaxed(), principal);
        // A delegation to the account needs the identity grant: check it alone first.
        let worth = match strength {
            None => false,
            Some(MatchStrength::Account) => prepared.can(who, action, &role.arn, None).is_some(),
            Some(_) => true,
        };
        if worth && let Some(g) = prepared.can(who, action, &role.arn, Some(&trust.doc)) {
            out.add(who, target, "AssumeRole", &role.arn, vec![(action, g)]);
        }
    }
}

/// `iam:PassRole` to a compute service that the role trusts and `who` can launch.
fn pass_role_edges(
    prepared: &mut Prepared<'_>,
    who: usize,
    trusts: &[Option<Trust>],
    index: &TrustIndex,
    out: &mut Edges,
) {
    if index.compute.is_empty() || !prepared.may(who, "iam:PassRole") {
        return;
    }
    let launch: Vec<Option<Vec<(&'static str, Grant)>>> = (0..COMPUTE.len())
        .map(|service| can_launch(prepared, who, service))
        .collect();
    if launch.iter().all(Option::is_none) {
        return;
    }
    for &target in index.compute.iter().filter(|&&t| t != who) {
        let (Some(Some(trust)), Some(role)) =
            (trusts.get(target), prepared.model.principals.get(target))
        else {
            continue;
        };
        if !trust
            .services
            .iter()
            .any(|(s, _)| launch.get(*s).is_some_and(Option::is_some))
        {
            continue;
        }
        let Some(pass) = prepared.can(who, "iam:PassRole", &role.arn, None) else {
            continue;
        };
        for (service, trusted) in &trust.services {
            let (Some(Some(runs)), Some((technique, _, _))) =
                (launch.get(*service), COMPUTE.get(*service))
            else {
                continue;
            };
            let mut grants = vec![("iam:PassRole", pass.clone())];
            grants.extend(runs.iter().cloned());
            grants.push(("sts:AssumeRole", trusted.clone()));
            out.add(who, target, technique, &role.arn, grants);
        }
    }
}

/// The first alternative action set of compute service `service` that `who` may run on `*`.
fn can_launch(
    prepared: &mut Prepared<'_>,
    who: usize,
    service: usize,
) -> Option<Vec<(&'static str, Grant)>> {
    let (_, _, alternatives) = COMPUTE.get(service)?;
    alternatives.iter().find_map(|actions| {
        actions
            .iter()
            .map(|a| prepared.can(who, a, "*", None).map(|g| (*a, g)))
            .collect::<Option<Vec<_>>>()
    })
}

/// How directly a trust policy's `Allow` statements for `sts:AssumeRole` name `principal`.
fn trust_strength(trust: &super::super::Policy, principal: &Principal) -> Option<MatchStrength> {
    trust
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow && s.matches_action("sts:AssumeRole"))
        .filter_map(|s| s.principal.as_ref()?.strength(principal))
        .max()
}

/// Edges to the sink for changing the policies of a principal `who` can already become.
fn become_then_modify(prepared: &mut Prepared<'_>, who: usize, sink: usize, out: &mut Edges) {
    let model = prepared.model;
    let mut extra = Vec::new();
    let mut seen = BTreeSet::new();
    for edge in out.0.iter().filter(|e| e.to != sink) {
        if !seen.insert(edge.to) {
            continue;
        }
        let Some(target) = model.principals.get(edge.to) else {
            continue;
        };
        for (technique, action) in modify_actions(target.kind) {
            if let Some(g) = prepared.can(who, action, &target.arn, None) {
                let become_grant = Grant {
                    granted_by: edge.step.granted_by.clone(),
                    conditional: edge.step.conditional,
                };
                let mut grants = vec![(action, g)];
                grants.extend(edge.step.actions.iter().map(|a| (*a, become_grant.clone())));
                extra.push((technique, target.arn.clone(), grants));
            }
        }
    }
    for (technique, arn, grants) in extra {
        out.add(who, sink, technique, &arn, grants);
    }
}

/// The shortest path of every non-admin user and role to an admin node, by one
/// breadth-first search from the admin nodes over reversed edges.
pub(super) fn shortest_paths(model: &AccountModel, graph: &Graph) -> Vec<EscalationPath> {
    let n = graph.nodes.len();
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in graph.edges.iter().enumerate() {
        if let Some(list) = incoming.get_mut(edge.to) {
            list.push(e);
        }
    }
    let mut next: Vec<Option<usize>> = vec![None; n];
    let mut reached = vec![false; n];
    let mut queue = VecDeque::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.admin {
            reached[i] = true;
            queue.push_back(i);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &e in incoming.get(v).into_iter().flatten() {
            let Some(edge) = graph.edges.get(e) else {
                continue;
            };
            if let Some(seen) = reached.get_mut(edge.from)
                && !*seen
            {
                *seen = true;
                next[edge.from] = Some(e);
                queue.push_back(edge.from);
            }
        }
    }
    let mut paths = Vec::new();
    for (i, entity) in model.principals.iter().enumerate() {
        let is_admin = graph.nodes.get(i).is_none_or(|node| node.admin);
        if entity.kind == EntityKind::Group || is_admin {
            continue;
        }
        let mut steps = Vec::new();
        let mut at = i;
        while let Some(edge) = next
            .get(at)
            .copied()
            .flatten()
            .and_then(|e| graph.edges.get(e))
        {
            steps.push(edge.step.clone());
            at = edge.to;
        }
        let Some(end) = graph.nodes.get(at).filter(|_| !steps.is_empty()) else {
            continue;
        };
        paths.push(EscalationPath {
            from: entity.arn.clone(),
            conditional: steps.iter().any(|s| s.conditional),
            steps,
            reaches: end.id.clone(),
        });
    }
    paths
}
