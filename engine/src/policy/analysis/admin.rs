//! Admin-equivalent principals: users, groups and roles that hold full access, or that can
//! grant themselves anything through permission management.
//!
//! Decided by evaluation of the principal's identity policies and boundary against probe
//! requests on resource `*`, not by reading policy text:
//!
//! - **Full access**: every action of a fixed set of high-impact probes across services is
//!   allowed (so `Action: "*"` and a `NotAction` with a small exclusion list count, while
//!   `NotAction: ["iam:*"]` does not: it is broad, not admin);
//! - **Permission management**: one of the policy-writing actions (`iam:Attach*Policy`,
//!   `iam:Put*Policy`, `iam:CreatePolicyVersion`) is allowed on `*`, so the principal can
//!   attach `AdministratorAccess` to itself (`iam:*Policy*` is admin-equivalent).
//!
//! A grant that holds only when conditions are met (MFA, source IP) is reported with
//! `conditional: true` rather than ignored.

use super::super::StatementRef;
use super::{AccountModel, EntityKind, Prepared};

/// High-impact actions across services; all must be allowed on `*` for full access.
pub(super) const FULL_ACCESS_PROBES: &[&str] = &[
    "iam:CreateUser",
    "iam:PassRole",
    "sts:AssumeRole",
    "s3:GetObject",
    "s3:DeleteBucket",
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "kms:Decrypt",
    "lambda:CreateFunction",
    "dynamodb:DeleteTable",
    "rds:DeleteDBInstance",
    "secretsmanager:GetSecretValue",
    "cloudtrail:StopLogging",
];

/// Policy-writing actions; any one allowed on `*` lets a principal grant itself anything.
pub(super) const PERMISSION_PROBES: &[&str] = &[
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
];

/// Why a principal is admin-equivalent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AdminBasis {
    /// Every full-access probe is allowed on `*`.
    FullAccess,
    /// A policy-writing action is allowed on `*`.
    PermissionsManagement,
}

/// An admin-equivalent principal and the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminFinding {
    /// The principal's ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// User, group or role.
    pub kind: EntityKind,
    /// Full access or permission management.
    pub basis: AdminBasis,
    /// Whether it holds only when conditions are met (MFA, source IP, region, …).
    pub conditional: bool,
    /// The probe actions allowed, each with the statements granting it.
    pub evidence: Vec<(&'static str, Vec<StatementRef>)>,
}

/// The admin-equivalent users, groups and roles of `model`.
pub fn admin_principals(model: &AccountModel) -> Vec<AdminFinding> {
    find(&mut Prepared::new(model))
}

/// [`admin_principals`] on an already prepared model.
pub(super) fn find(prepared: &mut Prepared<'_>) -> Vec<AdminFinding> {
    let model = prepared.model;
    let mut found = Vec::new();
    for (who, entity) in model.principals.iter().enumerate() {
        let Some((basis, conditional, evidence)) = judge(prepared, who) else {
            continue;
        };
        found.push(AdminFinding {
            arn: entity.arn.clone(),
            name: entity.name.clone(),
            kind: entity.kind,
            basis,
            conditional,
            evidence,
        });
    }
    found
}

type Evidence = Vec<(&'static str, Vec<StatementRef>)>;

/// The strongest admin basis of principal `who`: definite before conditional, full access
/// before permission management.
fn judge(prepared: &mut Prepared<'_>, who: usize) -> Option<(AdminBasis, bool, Evidence)> {
    // Full access: every probe allowed; conditional when any probe is.
    let mut full: Evidence = Vec::new();
    let mut full_conditional = false;
    for action in FULL_ACCESS_PROBES {
        match prepared.can(who, action, "*", None) {
            Some(grant) => {
                full_conditional |= grant.conditional;
                full.push((action, grant.granted_by));
            }
            None => {
                full.clear();
                break;
            }
        }
    }
    let full = (!full.is_empty()).then_some((AdminBasis::FullAccess, full_conditional, full));
    if let Some(found @ (_, false, _)) = &full {
        return Some(found.clone());
    }
    let mut definite: Evidence = Vec::new();
    let mut conditional: Evidence = Vec::new();
    for action in PERMISSION_PROBES {
        if let Some(grant) = prepared.can(who, action, "*", None) {
            if grant.conditional {
                conditional.push((action, grant.granted_by));
            } else {
                definite.push((action, grant.granted_by));
            }
        }
    }
    if !definite.is_empty() {
        return Some((AdminBasis::PermissionsManagement, false, definite));
    }
    full.or_else(|| {
        (!conditional.is_empty()).then_some((AdminBasis::PermissionsManagement, true, conditional))
    })
}
