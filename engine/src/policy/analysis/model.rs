//! The input of the analyses: one account's principals and resource policies, already
//! parsed, independent of the engine's `Inventory` so the analyses stay pure and testable.
//!
//! The adapter from the inventory fills it in; tests build it by hand.

use chrono::{DateTime, Utc};

use super::super::Policy;
use super::super::eval::PolicySet;
use super::super::request::{ArnParts, Principal};

/// One AWS account as the analyses see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountModel {
    /// The 12-digit id of the account; other ids in policies are cross-account.
    pub account_id: String,
    /// Every IAM user, role and group of the account.
    pub principals: Vec<PrincipalEntity>,
    /// Every resource-based policy (bucket, key, vault, API, topic, queue, …).
    pub resource_policies: Vec<ResourcePolicy>,
}

/// The kind of an IAM identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
    /// An IAM group: not a caller itself, but its members hold its permissions.
    Group,
}

impl EntityKind {
    /// `user`, `role` or `group`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Role => "role",
            Self::Group => "group",
        }
    }
}

/// An IAM user, role or group with every policy that applies to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalEntity {
    /// Its ARN (`arn:aws:iam::111122223333:role/deploy`).
    pub arn: String,
    /// Its name (`deploy`).
    pub name: String,
    /// User, role or group.
    pub kind: EntityKind,
    /// Its identity policies: managed, inline and, for users, those inherited from groups.
    pub policies: Vec<AttachedDoc>,
    /// Its permissions boundary, when set.
    pub boundary: Option<AttachedDoc>,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    pub trust_policy: Option<Policy>,
    /// IAM's "service last accessed" data, when it was collected.
    pub last_accessed: Option<Vec<ServiceLastAccessed>>,
}

impl PrincipalEntity {
    /// An entity with no policies (builder start for tests and adapters).
    pub fn new(kind: EntityKind, arn: &str, name: &str) -> Self {
        Self {
            arn: arn.to_owned(),
            name: name.to_owned(),
            kind,
            policies: Vec::new(),
            boundary: None,
            trust_policy: None,
            last_accessed: None,
        }
    }

    /// The caller this entity is in a request. A group is evaluated as a member would be.
    pub(crate) fn request_principal(&self) -> Principal {
        Principal::from_arn(&self.arn)
    }

    /// The names of the groups the entity inherits policies from.
    pub fn group_names(&self) -> impl Iterator<Item = &str> {
        self.policies.iter().filter_map(|doc| match &doc.via {
            Via::Group(name) => Some(name.as_str()),
            Via::Attached | Via::Inline => None,
        })
    }

    /// The identity policies and boundary as a [`PolicySet`], unchanged.
    pub fn policy_set(&self) -> PolicySet {
        PolicySet {
            identity: self
                .policies
                .iter()
                .map(|d| (d.label.clone(), d.policy.clone()))
                .collect(),
            permission_boundary: self
                .boundary
                .as_ref()
                .map(|d| (d.label.clone(), d.policy.clone())),
            ..PolicySet::default()
        }
    }
}

/// How a policy reaches a principal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Via {
    /// A managed policy attached to the principal itself.
    Attached,
    /// An inline policy of the principal.
    Inline,
    /// Inherited from the named group (managed or inline there).
    Group(String),
}

/// One policy document applying to a principal, with the label evidence refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedDoc {
    /// Unique per document: the managed policy's ARN, `inline:role/x/p`, or
    /// `group:devs/arn:…`. Documents with the same label are assumed identical (the
    /// analyses cache their work by label).
    pub label: String,
    /// How it reaches the principal.
    pub via: Via,
    /// The parsed document.
    pub policy: Policy,
}

impl AttachedDoc {
    /// The ARN of the managed policy this document is, if it is one (found in the label).
    pub fn managed_policy_arn(&self) -> Option<&str> {
        let at = self.label.find("arn:")?;
        let arn = self.label.get(at..)?;
        let parts = ArnParts::parse(arn)?;
        (parts.service == "iam" && parts.resource.starts_with("policy/")).then_some(arn)
    }

    /// Whether the document is a customer-managed policy (a managed policy not owned by
    /// AWS, whose account is `aws`).
    pub fn is_customer_managed(&self) -> bool {
        self.managed_policy_arn()
            .and_then(ArnParts::parse)
            .is_some_and(|parts| parts.account != "aws")
    }
}

/// When a principal last used one service, from IAM's service-last-accessed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLastAccessed {
    /// The service namespace (`s3`, `iam`).
    pub namespace: String,
    /// The last authenticated use, or `None` when never used in the tracking period.
    pub last_authenticated: Option<DateTime<Utc>>,
}

/// The kinds of resource with a resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// An S3 bucket policy.
    S3Bucket,
    /// A KMS key policy.
    KmsKey,
    /// A Glacier vault access policy.
    GlacierVault,
    /// An API Gateway resource policy.
    ApiGateway,
    /// An SNS topic policy.
    SnsTopic,
    /// An SQS queue policy.
    SqsQueue,
    /// Anything else, named.
    Other(String),
}

/// A resource and its resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePolicy {
    /// What kind of resource.
    pub kind: ResourceKind,
    /// The resource's ARN (also the label of the policy in evidence).
    pub arn: String,
    /// The parsed policy.
    pub policy: Policy,
}
