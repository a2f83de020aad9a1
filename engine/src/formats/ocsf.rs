//! OCSF Detection Finding (class 2004, category 2 Findings) documents, schema version
//! [`OCSF_VERSION`] with the `cloud` profile.
//!
//! Detection Finding has no `compliance` object (only Compliance Finding does), so a check's
//! verdict travels the way the standard gives every event source: `status_code` is `PASS`,
//! `FAIL` or `ERROR` as Rampart reports it and `status_detail` the message, while `status_id`
//! is the finding's workflow state (a failure or error is `New`, a pass `Resolved`, a muted
//! finding `Suppressed`). The check is the `finding_info.analytic` (a rule), the evidence the
//! affected resource's `data`, and the framework controls go to `unmapped.compliance`.

use super::{
    Context, Finding, PRODUCT_NAME, VENDOR_NAME, catalogue, finding_types, finding_uid, partition,
    references,
};
use crate::checks::{Severity, Status};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

/// The OCSF schema release the documents follow (stated in `metadata.version`).
pub const OCSF_VERSION: &str = "1.4.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// Activity `Create`: each export reports the finding as observed by one scan.
pub const ACTIVITY_CREATE: u32 = 1;

/// OCSF `severity_id` and its caption.
pub fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// OCSF finding `status_id` and its caption.
pub fn status(s: Status, muted: bool) -> (u32, &'static str) {
    match (s, muted) {
        (_, true) => (3, "Suppressed"),
        (Status::Pass, false) => (4, "Resolved"),
        (Status::Fail | Status::Error, false) => (1, "New"),
    }
}

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The finding as an OCSF Detection Finding.
pub fn to_ocsf(f: &Finding, ctx: &Context<'_>) -> Value {
    let (severity_id, severity_name) = severity(f.severity);
    let (status_id, status_name) = status(f.status, ctx.muted);
    let (rationale, remediation, _) = catalogue(f);
    let region = f.region.as_ref().map(|r| r.as_str());
    let cloud_partition = partition(f);

    let mut finding_info = json!({
        "uid": finding_uid(f),
        "title": f.title,
        "analytic": {
            "uid": f.check_id,
            "name": f.title,
            "type_id": 1,
            "type": "Rule",
        },
        "types": finding_types(f),
    });
    if !rationale.is_empty() {
        finding_info["desc"] = json!(rationale);
    }
    if let Some(t) = ctx.first_seen {
        finding_info["first_seen_time"] = json!(millis(t));
    }
    if let Some(t) = ctx.last_seen {
        finding_info["last_seen_time"] = json!(millis(t));
    }

    let mut resource = json!({
        "uid": f.resource_arn,
        "type": f.resource_type,
        "cloud_partition": cloud_partition,
    });
    if let Some(r) = region {
        resource["region"] = json!(r);
    }
    if !f.evidence.is_null() {
        resource["data"] = f.evidence.clone();
    }

    let mut cloud = json!({
        "provider": "AWS",
        "account": { "uid": f.account_id.as_str(), "type_id": 10, "type": "AWS Account" },
        "cloud_partition": cloud_partition,
    });
    if let Some(r) = region {
        cloud["region"] = json!(r);
    }

    let compliance: Map<String, Value> = f
        .compliance
        .iter()
        .map(|(fw, ids)| (fw.key().to_owned(), json!(ids)))
        .collect();

    let mut doc = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "time": millis(ctx.scanned_at),
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": status_id,
        "status": status_name,
        "status_code": f.status.as_str(),
        "status_detail": f.message,
        "message": f.message,
        "is_alert": f.status == Status::Fail && !ctx.muted,
        "finding_info": finding_info,
        "resources": [resource],
        "cloud": cloud,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud"],
            "product": {
                "name": PRODUCT_NAME,
                "vendor_name": VENDOR_NAME,
                "version": ctx.product_version,
                "uid": "rampart",
            },
        },
        "unmapped": {
            "check_id": f.check_id,
            "service": f.service.as_str(),
            "compliance": compliance,
        },
    });
    if !remediation.is_empty() {
        let mut r = json!({ "desc": remediation });
        let refs = references(f);
        if !refs.is_empty() {
            r["references"] = json!(refs);
        }
        doc["remediation"] = r;
    }
    doc
}
