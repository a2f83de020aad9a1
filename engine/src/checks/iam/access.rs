//! What principals can really do, from the policy evaluator ([`crate::policy::analysis`]
//! through [`crate::access`]): admin-equivalent principals, privilege-escalation paths,
//! and who may assume each role.

use crate::Status;
use crate::access::{DocumentProblem, model};
use crate::checks::Outcome;
use crate::inventory::Inventory;
use crate::policy::StatementRef;
use crate::policy::analysis::{
    AdminBasis, EntityKind, Exposure, ExposureFinding, ExposureSubject, ResourceKind,
    admin_principals, escalation_paths, exposures,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

fn resource_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::User => "AwsIamUser",
        EntityKind::Role => "AwsIamRole",
        EntityKind::Group => "AwsIamGroup",
    }
}

fn statements_json(refs: &[StatementRef]) -> Value {
    Value::Array(refs.iter().map(|r| json!(r.to_string())).collect())
}

/// The policies (and boundary) a verdict was reached on.
fn policies_json(p: &crate::policy::analysis::PrincipalEntity) -> Value {
    json!({
        "policies": p.policies.iter().map(|d| d.label.clone()).collect::<Vec<_>>(),
        "boundary": p.boundary.as_ref().map(|d| d.label.clone()),
    })
}

/// ERROR outcomes for documents the analysis could not read, on the principal or resource
/// they belong to.
fn problem_outcomes(problems: &[DocumentProblem], resource_type: &'static str) -> Vec<Outcome> {
    problems
        .iter()
        .map(|p| {
            Outcome::new(
                Status::Error,
                resource_type,
                p.label.strip_prefix("trust:").unwrap_or(&p.label),
                format!("policy document `{}` could not be analysed: {}", p.label, p.error),
            )
            .with_evidence(json!({"document": p.label, "path": p.error.path, "expected": p.error.expected, "found": p.error.found}))
        })
        .collect()
}

pub(super) fn admin_equivalent(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    if inv.iam.is_none() {
        return vec![];
    }
    let m = model(inv);
    let admins = admin_principals(&m.model);
    let mut out: Vec<Outcome> = m
        .model
        .principals
        .iter()
        .map(|p| {
            let Some(a) = admins.iter().find(|a| a.arn == p.arn && !a.conditional) else {
                return Outcome::pass(
                    resource_type(p.kind),
                    &p.arn,
                    format!("{} `{}` is not admin-equivalent", p.kind.as_str(), p.name),
                )
                .with_evidence(policies_json(p));
            };
            let why = match a.basis {
                AdminBasis::FullAccess => "has full access to every action on every resource",
                AdminBasis::PermissionsManagement => {
                    "can change permissions (its own or anyone's) on every resource"
                }
            };
            let evidence: Vec<Value> = a
                .evidence
                .iter()
                .map(
                    |(action, refs)| json!({"action": action, "granted_by": statements_json(refs)}),
                )
                .collect();
            Outcome::fail(
                resource_type(p.kind),
                &p.arn,
                format!("{} `{}` {why}", p.kind.as_str(), p.name),
            )
            .with_evidence(json!({"basis": format!("{:?}", a.basis), "allowed": evidence}))
        })
        .collect();
    out.extend(problem_outcomes(&m.problems, "AwsIamPolicy"));
    out
}

pub(super) fn no_escalation_paths(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    if inv.iam.is_none() {
        return vec![];
    }
    let m = model(inv);
    let admins = admin_principals(&m.model);
    let paths = escalation_paths(&m.model);
    let mut out: Vec<Outcome> = m
        .model
        .principals
        .iter()
        .filter(|p| !admins.iter().any(|a| a.arn == p.arn && !a.conditional))
        .map(|p| {
            let mine: Vec<_> = paths.iter().filter(|x| x.from == p.arn).collect();
            let Some(first) = mine.first() else {
                return Outcome::pass(
                    resource_type(p.kind),
                    &p.arn,
                    format!(
                        "{} `{}` has no path to administrator",
                        p.kind.as_str(),
                        p.name
                    ),
                )
                .with_evidence(json!({"paths": [], "policies": policies_json(p)["policies"]}));
            };
            let steps: Vec<String> = first
                .steps
                .iter()
                .map(|s| format!("{} → `{}`", s.technique, s.target))
                .collect();
            let evidence: Vec<Value> = mine
                .iter()
                .map(|path| {
                    json!({
                        "reaches": path.reaches,
                        "conditional": path.conditional,
                        "steps": path.steps.iter().map(|s| json!({
                            "technique": s.technique,
                            "actions": s.actions,
                            "target": s.target,
                            "granted_by": statements_json(&s.granted_by),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            Outcome::fail(
                resource_type(p.kind),
                &p.arn,
                format!(
                    "{} `{}` can become administrator in {} step(s): {}",
                    p.kind.as_str(),
                    p.name,
                    first.steps.len(),
                    steps.join(", then ")
                ),
            )
            .with_evidence(json!({ "paths": evidence }))
        })
        .collect();
    out.extend(problem_outcomes(&m.problems, "AwsIamPolicy"));
    out
}

/// Services a principal may use but has not used for this long count as unused.
const UNUSED_DAYS: i64 = 90;

pub(super) fn unused_services(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    // Only with IAM's last-accessed report (`rampart scan --last-accessed`).
    if inv
        .iam
        .as_ref()
        .and_then(|i| i.last_accessed.as_ref())
        .is_none()
    {
        return vec![];
    }
    if let Some(Err(e)) = inv.iam.as_ref().and_then(|i| i.last_accessed.as_ref()) {
        return vec![Outcome::error(
            "AwsAccount",
            crate::checks::account_arn(inv),
            "IAM service-last-accessed data",
            e,
        )];
    }
    let m = model(inv);
    let cutoff = now - chrono::Duration::days(UNUSED_DAYS);
    m.model
        .principals
        .iter()
        .filter(|p| p.kind != EntityKind::Group)
        .filter_map(|p| {
            let uses = p.last_accessed.as_ref()?;
            let granted = crate::policy::analysis::permission_summary(p);
            let mut unused: Vec<String> = granted
                .by_service
                .keys()
                .filter(|svc| {
                    uses.iter()
                        .find(|u| u.namespace.eq_ignore_ascii_case(svc))
                        .is_none_or(|u| u.last_authenticated.is_none_or(|t| t < cutoff))
                })
                .cloned()
                .collect();
            unused.sort();
            let ok = unused.is_empty();
            Some(
                Outcome::pass_if(
                    ok,
                    resource_type(p.kind),
                    &p.arn,
                    if ok {
                        format!("{} `{}` used every service it may use in the last {UNUSED_DAYS} days", p.kind.as_str(), p.name)
                    } else {
                        format!(
                            "{} `{}` may use {} service(s) it has not used in {UNUSED_DAYS} days: {}",
                            p.kind.as_str(),
                            p.name,
                            unused.len(),
                            unused.join(", ")
                        )
                    },
                )
                .with_evidence(json!({"unused_services": unused, "granted_services": granted.by_service.keys().collect::<Vec<_>>()})),
            )
        })
        .collect()
}

/// One outcome per role: FAIL for each trust statement with an exposure `pick` selects.
fn trust_check(
    inv: &Inventory,
    pick: impl Fn(&Exposure) -> Option<String>,
    clean: &str,
) -> Vec<Outcome> {
    if inv.iam.is_none() {
        return vec![];
    }
    let m = model(inv);
    let found = exposures(&m.model);
    let mut out: Vec<Outcome> = m
        .model
        .principals
        .iter()
        .filter(|p| p.kind == EntityKind::Role && p.trust_policy.is_some())
        .map(|p| {
            let hits: Vec<(String, &StatementRef, &Vec<String>)> = found
                .iter()
                .filter(|f| f.arn == p.arn && f.subject == ExposureSubject::RoleTrust)
                .filter_map(|f| pick(&f.exposure).map(|why| (why, &f.statement, &f.actions)))
                .collect();
            if hits.is_empty() {
                let statements = p.trust_policy.as_ref().map_or(0, |t| t.statements.len());
                return Outcome::pass("AwsIamRole", &p.arn, format!("role `{}` {clean}", p.name))
                    .with_evidence(json!({"trust_statements": statements}));
            }
            let whys: Vec<&str> = hits.iter().map(|(w, _, _)| w.as_str()).collect();
            Outcome::fail(
                "AwsIamRole",
                &p.arn,
                format!("role `{}`: {}", p.name, whys.join("; ")),
            )
            .with_evidence(
                json!({"statements": hits.iter().map(|(why, r, actions)| json!({
                "statement": r.to_string(), "why": why, "actions": actions,
            })).collect::<Vec<_>>()}),
            )
        })
        .collect();
    let trust_problems: Vec<DocumentProblem> = m
        .problems
        .iter()
        .filter(|p| p.label.starts_with("trust:"))
        .cloned()
        .collect();
    out.extend(problem_outcomes(&trust_problems, "AwsIamRole"));
    out
}

pub(super) fn trust_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    trust_check(
        inv,
        |e| match e {
            Exposure::Public => {
                Some("anyone may assume it (trust to `*` without a restricting condition)".into())
            }
            _ => None,
        },
        "cannot be assumed by anyone on the internet",
    )
}

pub(super) fn trust_external_id(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    trust_check(
        inv,
        |e| match e {
            Exposure::CrossAccountWithoutExternalId(accounts) => Some(format!(
                "account(s) {} may assume it without an `sts:ExternalId` condition",
                accounts.join(", ")
            )),
            _ => None,
        },
        "is not assumable from other accounts without an external id",
    )
}

pub(super) fn trust_federated_audience(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    trust_check(
        inv,
        |e| match e {
            Exposure::FederatedWithoutAudience(provider) => Some(format!(
                "identities of `{provider}` may assume it without an audience condition"
            )),
            _ => None,
        },
        "trusts no identity provider without an audience condition",
    )
}

fn resource_kind_type(kind: &ResourceKind) -> &'static str {
    match kind {
        ResourceKind::S3Bucket => "AwsS3Bucket",
        ResourceKind::KmsKey => "AwsKmsKey",
        ResourceKind::GlacierVault => "AwsGlacierVault",
        ResourceKind::ApiGateway => "AwsApiGatewayRestApi",
        ResourceKind::SnsTopic => "AwsSnsTopic",
        ResourceKind::SqsQueue => "AwsSqsQueue",
        ResourceKind::Other(_) => "Other",
    }
}

/// One outcome per resource policy: FAIL for grants to other accounts or to service
/// principals without a source condition.
pub(super) fn resources_not_shared(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    if inv.iam.is_none() {
        return vec![];
    }
    let m = model(inv);
    let found = exposures(&m.model);
    let mut out: Vec<Outcome> = m
        .model
        .resource_policies
        .iter()
        .map(|r| {
            let hits: Vec<(String, &ExposureFinding)> = found
                .iter()
                .filter(|f| f.arn == r.arn && f.subject == ExposureSubject::Resource(r.kind.clone()))
                .filter_map(|f| {
                    let why = match &f.exposure {
                        Exposure::CrossAccount(accounts) => {
                            format!("account(s) {} through {}", accounts.join(", "), f.statement)
                        }
                        Exposure::ServiceWithoutSourceCondition(service) => format!(
                            "service `{service}` without aws:SourceAccount or aws:SourceArn through {}",
                            f.statement
                        ),
                        _ => return None,
                    };
                    Some((why, f))
                })
                .collect();
            let kind = resource_kind_type(&r.kind);
            if hits.is_empty() {
                return Outcome::pass(kind, &r.arn, "the policy grants nothing outside the account")
                    .with_evidence(json!({"statements": r.policy.statements.len()}));
            }
            Outcome::fail(
                kind,
                &r.arn,
                format!(
                    "the policy grants {}",
                    hits.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join("; ")
                ),
            )
            .with_evidence(json!({"grants": hits.iter().map(|(why, f)| json!({
                "statement": f.statement.to_string(), "why": why, "actions": f.actions,
            })).collect::<Vec<_>>()}))
        })
        .collect();
    let resource_problems: Vec<DocumentProblem> = m
        .problems
        .iter()
        .filter(|p| p.label.starts_with("arn:") && !p.label.contains(":iam::"))
        .cloned()
        .collect();
    for p in resource_problems {
        let kind = match p.label.split(':').nth(2) {
            Some("s3") => ResourceKind::S3Bucket,
            Some("kms") => ResourceKind::KmsKey,
            Some("sns") => ResourceKind::SnsTopic,
            Some("glacier") => ResourceKind::GlacierVault,
            Some("apigateway") => ResourceKind::ApiGateway,
            other => ResourceKind::Other(other.unwrap_or_default().to_owned()),
        };
        out.extend(problem_outcomes(&[p], resource_kind_type(&kind)));
    }
    out
}
