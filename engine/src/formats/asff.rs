//! AWS Security Finding Format (ASFF) findings, as `BatchImportFindings` takes them for
//! import into AWS Security Hub.
//!
//! Lengths are kept within the limits the ASFF reference documents (they are not in the API
//! model): `Title` 256, `Description` 1024, `Remediation.Recommendation.Text` 512, `Id` and
//! `GeneratorId` 512, `ProductFields` values 2048. A check that could not run (`ERROR`) is
//! `Compliance.Status` `NOT_AVAILABLE`, which ASFF defines as "the check could not be
//! performed due to a service outage, API error, or ...": exactly Rampart's ERROR (`WARNING`
//! would claim a judged, partial result). As Security Hub does for its own controls, a
//! passed check has `Severity.Label` `INFORMATIONAL` (the check's severity stays in
//! `Severity.Original`) and workflow `RESOLVED`; a muted finding's workflow is `SUPPRESSED`.

use super::{
    Context, Finding, PRODUCT_NAME, VENDOR_NAME, catalogue, finding_types, finding_uid, partition,
    references, truncate,
};
use crate::checks::{Framework, Severity, Status};
use serde_json::{Map, Value, json};

/// The only ASFF schema version.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// Documented ASFF length limits.
pub const MAX_TITLE: usize = 256;
pub const MAX_DESCRIPTION: usize = 1024;
pub const MAX_RECOMMENDATION: usize = 512;
pub const MAX_ID: usize = 512;
pub const MAX_PRODUCT_FIELD_VALUE: usize = 2048;

/// `Severity.Label` of a severity.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Informational => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// `Compliance.Status` of a verdict.
pub fn compliance_status(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::Error => "NOT_AVAILABLE",
    }
}

/// `Compliance.RelatedRequirements` entries: `<standard>/<control>`, as Security Hub writes
/// them (`CIS AWS Foundations Benchmark v3.0.0/1.4`).
pub fn related_requirements(f: &Finding) -> Vec<String> {
    f.compliance
        .iter()
        .flat_map(|(fw, ids)| {
            let standard = match fw {
                Framework::AwsFsbp => "AWS Foundational Security Best Practices v1.0.0",
                other => other.title(),
            };
            ids.iter().map(move |id| format!("{standard}/{id}"))
        })
        // ASFF allows at most 32.
        .take(32)
        .collect()
}

/// The finding as an ASFF `AwsSecurityFinding`.
pub fn to_asff(f: &Finding, ctx: &Context<'_>) -> Value {
    let (rationale, remediation, _) = catalogue(f);
    let partition = partition(f);
    let account = f.account_id.as_str();
    let region = f.region.as_ref().map(|r| r.as_str());
    let hub_region = ctx.securityhub_region.or(region).unwrap_or("us-east-1");
    let severity = if f.status == Status::Pass {
        "INFORMATIONAL"
    } else {
        severity_label(f.severity)
    };
    let workflow = match (ctx.muted, f.status) {
        (true, _) => "SUPPRESSED",
        (false, Status::Pass) => "RESOLVED",
        (false, Status::Fail | Status::Error) => "NEW",
    };
    let description = [f.message.as_str(), rationale]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let description = if description.is_empty() {
        f.title.clone()
    } else {
        description
    };
    let created = ctx.first_seen.unwrap_or(ctx.scanned_at);

    let mut fields = Map::new();
    fields.insert("rampart/check_id".into(), json!(f.check_id));
    fields.insert("rampart/service".into(), json!(f.service.as_str()));
    fields.insert("rampart/status".into(), json!(f.status.as_str()));
    fields.insert("rampart/severity".into(), json!(f.severity.as_str()));
    if !f.evidence.is_null() {
        let evidence = f.evidence.to_string();
        // Cut JSON is no JSON: evidence too long for a field is left out, not truncated.
        if evidence.chars().count() <= MAX_PRODUCT_FIELD_VALUE {
            fields.insert("rampart/evidence".into(), json!(evidence));
        }
    }

    // Security Hub names an account resource `AWS::::Account:<id>`, not by an ARN.
    let resource_id = if f.resource_type == "AwsAccount" {
        format!("AWS::::Account:{account}")
    } else {
        f.resource_arn.clone()
    };
    let mut resource = json!({
        "Type": f.resource_type,
        "Id": resource_id,
        "Partition": partition,
        "Region": region.unwrap_or(hub_region),
    });
    if f.resource_type.is_empty() {
        resource["Type"] = json!("Other");
    }

    let mut compliance = json!({ "Status": compliance_status(f.status) });
    let requirements = related_requirements(f);
    if !requirements.is_empty() {
        compliance["RelatedRequirements"] = json!(requirements);
    }

    let mut doc = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": truncate(&finding_uid(f), MAX_ID),
        "ProductArn": format!("arn:{partition}:securityhub:{hub_region}:{account}:product/{account}/default"),
        "ProductName": PRODUCT_NAME,
        "CompanyName": VENDOR_NAME,
        "GeneratorId": truncate(&format!("rampart/{}", f.check_id), MAX_ID),
        "AwsAccountId": account,
        "Types": finding_types(f),
        "CreatedAt": created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "UpdatedAt": ctx.scanned_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "Severity": { "Label": severity, "Original": severity_label(f.severity) },
        "Title": truncate(&f.title, MAX_TITLE),
        "Description": truncate(&description, MAX_DESCRIPTION),
        "ProductFields": fields,
        "Resources": [resource],
        "Compliance": compliance,
        "RecordState": "ACTIVE",
        "Workflow": { "Status": workflow },
    });
    if let Some(t) = ctx.first_seen {
        doc["FirstObservedAt"] = json!(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    }
    if let Some(t) = ctx.last_seen {
        doc["LastObservedAt"] = json!(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    }
    if !remediation.is_empty() {
        doc["Remediation"] = json!({
            "Recommendation": { "Text": truncate(&remediation, MAX_RECOMMENDATION) }
        });
        if let Some(url) = references(f).into_iter().next() {
            doc["Remediation"]["Recommendation"]["Url"] = json!(url);
        }
    }
    doc
}
