//! Access analysis of a collected account: builds the policy analyses' [`AccountModel`]
//! from the inventory (IAM users with their groups' policies, roles with trust policies,
//! permissions boundaries, S3 bucket, KMS key and SNS topic policies) and runs them.
//!
//! The analyses themselves live in [`crate::policy::analysis`] and know nothing of the
//! inventory; this module is the one place that knows both. A document that does not parse
//! is not dropped silently: it is returned as a [`DocumentProblem`] so checks can report it.

use crate::inventory::{Fetched, Inventory, ManagedPolicy, PolicyDocument};
use crate::policy::analysis::{
    AccountAnalysis, AccountModel, AttachedDoc, EntityKind, PrincipalEntity, ResourceKind,
    ResourcePolicy, ServiceLastAccessed, Via, analyse,
};
use crate::policy::{Policy, PolicyError, parse_value};
use std::collections::BTreeMap;

/// A policy document the model could not use, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentProblem {
    /// The document's label (policy ARN, `inline:user/alice/p`, a bucket ARN ...).
    pub label: String,
    /// Why: a parse error with its path in the document.
    pub error: PolicyError,
}

/// The analysis model of an account, and the documents left out of it.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub model: AccountModel,
    pub problems: Vec<DocumentProblem>,
}

struct Builder<'a> {
    managed: BTreeMap<&'a str, &'a ManagedPolicy>,
    problems: Vec<DocumentProblem>,
}

impl<'a> Builder<'a> {
    fn parse(&mut self, label: &str, doc: &PolicyDocument) -> Option<Policy> {
        match parse_value(doc) {
            Ok(p) => Some(p),
            Err(error) => {
                if !self.problems.iter().any(|p| p.label == label) {
                    self.problems.push(DocumentProblem {
                        label: label.to_owned(),
                        error,
                    });
                }
                None
            }
        }
    }

    /// A managed policy by ARN (its default version), if collected and well-formed.
    fn managed_doc(&mut self, arn: &str, via: Via) -> Option<AttachedDoc> {
        let policy = self.managed.get(arn)?;
        let doc = policy.document.as_ref().ok()?;
        let parsed = self.parse(arn, doc)?;
        Some(AttachedDoc {
            label: arn.to_owned(),
            via,
            policy: parsed,
        })
    }

    fn inline_doc(
        &mut self,
        label: String,
        doc: &Fetched<PolicyDocument>,
        via: Via,
    ) -> Option<AttachedDoc> {
        let doc = doc.as_ref().ok()?;
        let policy = self.parse(&label, doc)?;
        Some(AttachedDoc { label, via, policy })
    }
}

/// Builds the analysis model of `inv`. IAM listings that failed leave their part empty
/// (the checks that need them report the collection error themselves).
pub fn model(inv: &Inventory) -> Model {
    let mut model = AccountModel {
        account_id: inv.account_id.as_str().to_owned(),
        ..AccountModel::default()
    };
    let empty = Vec::new();
    let iam = inv.iam.as_ref();
    let policies = iam.and_then(|i| i.policies.as_ref().ok()).unwrap_or(&empty);
    let mut b = Builder {
        managed: policies.iter().map(|p| (p.arn.as_str(), p)).collect(),
        problems: Vec::new(),
    };
    if let Some(iam) = iam {
        let groups = iam.groups.as_ref().map(Vec::as_slice).unwrap_or(&[]);
        for g in groups {
            let mut e = PrincipalEntity::new(EntityKind::Group, &g.arn, &g.name);
            e.policies = group_docs(&mut b, g, Via::Attached, Via::Inline);
            model.principals.push(e);
        }
        for u in iam.users.as_ref().map(Vec::as_slice).unwrap_or(&[]) {
            let mut e = PrincipalEntity::new(EntityKind::User, &u.arn, &u.name);
            for a in &u.attached_policies {
                e.policies.extend(b.managed_doc(&a.arn, Via::Attached));
            }
            for p in &u.inline_policies {
                let label = format!("inline:user/{}/{}", u.name, p.name);
                e.policies
                    .extend(b.inline_doc(label, &p.document, Via::Inline));
            }
            for name in &u.groups {
                if let Some(g) = groups.iter().find(|g| &g.name == name) {
                    let via = Via::Group(g.name.clone());
                    e.policies.extend(group_docs(&mut b, g, via.clone(), via));
                }
            }
            if let Some(arn) = &u.permissions_boundary {
                e.boundary = b.managed_doc(arn, Via::Attached);
            }
            model.principals.push(e);
        }
        for r in iam.roles.as_ref().map(Vec::as_slice).unwrap_or(&[]) {
            let mut e = PrincipalEntity::new(EntityKind::Role, &r.arn, &r.name);
            for a in &r.attached_policies {
                e.policies.extend(b.managed_doc(&a.arn, Via::Attached));
            }
            for p in &r.inline_policies {
                let label = format!("inline:role/{}/{}", r.name, p.name);
                e.policies
                    .extend(b.inline_doc(label, &p.document, Via::Inline));
            }
            if let Some(arn) = &r.permissions_boundary {
                e.boundary = b.managed_doc(arn, Via::Attached);
            }
            if let Ok(trust) = &r.trust_policy {
                e.trust_policy = b.parse(&format!("trust:{}", r.arn), trust);
            }
            model.principals.push(e);
        }
    }
    if let Some(Ok(uses)) = iam.and_then(|i| i.last_accessed.as_ref()) {
        for p in &mut model.principals {
            if let Some(u) = uses.get(&p.arn) {
                p.last_accessed = Some(
                    u.iter()
                        .map(|s| ServiceLastAccessed {
                            namespace: s.namespace.clone(),
                            last_authenticated: s.last_authenticated,
                        })
                        .collect(),
                );
            }
        }
    }
    // Every resource with a policy: (kind, ARN, policy as collected).
    let buckets = inv
        .s3
        .iter()
        .filter_map(|s| s.buckets.as_ref().ok())
        .flatten()
        .map(|x| (ResourceKind::S3Bucket, &x.arn, &x.policy));
    let keys = inv
        .kms
        .iter()
        .flat_map(|k| k.values())
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.keys)
        .map(|x| (ResourceKind::KmsKey, &x.arn, &x.policy));
    let topics = inv
        .sns
        .iter()
        .flat_map(|k| k.values())
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.topics)
        .map(|x| (ResourceKind::SnsTopic, &x.arn, &x.policy));
    let apis = inv
        .apigateway
        .iter()
        .flat_map(|k| k.values())
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.rest_apis)
        .map(|x| (ResourceKind::ApiGateway, &x.arn, &x.policy));
    let vaults = inv
        .glacier
        .iter()
        .flat_map(|k| k.values())
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.vaults)
        .map(|x| (ResourceKind::GlacierVault, &x.arn, &x.policy));
    let resources = buckets.chain(keys).chain(topics).chain(apis).chain(vaults);
    for (kind, arn, doc) in resources {
        if let Ok(Some(doc)) = doc
            && let Some(policy) = b.parse(arn, doc)
        {
            model.resource_policies.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                policy,
            });
        }
    }
    Model {
        model,
        problems: b.problems,
    }
}

fn group_docs(
    b: &mut Builder<'_>,
    g: &crate::inventory::Group,
    attached: Via,
    inline: Via,
) -> Vec<AttachedDoc> {
    let mut docs = Vec::new();
    for a in &g.attached_policies {
        docs.extend(b.managed_doc(&a.arn, attached.clone()));
    }
    for p in &g.inline_policies {
        let label = format!("inline:group/{}/{}", g.name, p.name);
        docs.extend(b.inline_doc(label, &p.document, inline.clone()));
    }
    docs
}

/// The model of `inv` and what the analyses find in it.
pub fn analyse_inventory(inv: &Inventory) -> (Model, AccountAnalysis) {
    let m = model(inv);
    let analysis = analyse(&m.model);
    (m, analysis)
}
