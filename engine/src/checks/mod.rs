//! Security checks: each one is data ([`CheckMeta`]) plus a pure function of
//! `(inventory, now)` returning [`Outcome`]s. The registry turns outcomes into [`Finding`]s.
//!
//! Checks never call AWS and never read the clock; missing data (a [`Fetched`] error)
//! must become an `ERROR` outcome, never a `PASS`.
//!
//! [`Fetched`]: crate::inventory::Fetched

/// Declares a check as data: `check!(Service, "id", "title", Severity, "rationale",
/// "console steps", "cli", eval_fn)`. The controls it answers live in the framework files
/// ([`crate::frameworks`]).
macro_rules! check {
    ($service:ident, $id:literal, $title:literal, $sev:ident, $rationale:literal, $console:literal, $cli:literal, $eval:path) => {
        $crate::checks::Check {
            meta: $crate::checks::CheckMeta {
                id: $id,
                title: $title,
                service: $crate::inventory::Service::$service,
                severity: $crate::checks::Severity::$sev,
                rationale: $rationale,
                remediation: $crate::checks::Remediation {
                    console: $console,
                    cli: $cli,
                },
            },
            eval: $eval,
        }
    };
}

mod apigateway;
pub(crate) mod cloudtrail;
pub(crate) mod cloudwatch;
mod cognito;
mod config;
mod glacier;
mod iam;
mod kms;
mod logs;
pub mod monitoring_spec;
mod policy;
mod resource_policy;
mod s3;
mod shield;
mod sns;
mod storagegateway;
mod wafv2;

use crate::inventory::{FetchError, Inventory, Service};
use crate::types::{AccountId, Region};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The verdict of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
    /// The data needed could not be collected; never counted as a pass.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Error => "ERROR",
        }
    }

    /// The stored form (`PASS`, `FAIL`, `ERROR`) back to a status.
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Pass, Status::Fail, Status::Error]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a failure of a check is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use crate::frameworks::Framework;

/// How to fix a failure, for people: console steps and the CLI command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remediation {
    pub console: &'static str,
    pub cli: &'static str,
}

/// Everything about a check except its logic.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CheckMeta {
    pub id: &'static str,
    pub title: &'static str,
    pub service: Service,
    pub severity: Severity,
    pub rationale: &'static str,
    pub remediation: Remediation,
}

/// The logic of a check: pure, deterministic.
pub type CheckFn = fn(&Inventory, DateTime<Utc>) -> Vec<Outcome>;

/// A check: its description and its function.
#[derive(Clone, Copy)]
pub struct Check {
    pub meta: CheckMeta,
    pub eval: CheckFn,
}

/// What a check function returns for one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub region: Option<Region>,
    pub resource_arn: String,
    pub resource_type: &'static str,
    pub message: String,
    pub evidence: serde_json::Value,
}

impl Outcome {
    pub fn pass(
        resource_type: &'static str,
        resource_arn: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Status::Pass, resource_type, resource_arn, message)
    }
    pub fn fail(
        resource_type: &'static str,
        resource_arn: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Status::Fail, resource_type, resource_arn, message)
    }
    /// The data behind this verdict could not be collected.
    pub fn error(
        resource_type: &'static str,
        resource_arn: impl Into<String>,
        what: &str,
        err: &FetchError,
    ) -> Self {
        Self::new(
            Status::Error,
            resource_type,
            resource_arn,
            format!("could not read {what}: {err}"),
        )
        .with_evidence(serde_json::json!({ "error_code": err.code, "error_message": err.message }))
    }
    pub fn new(
        status: Status,
        resource_type: &'static str,
        resource_arn: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            region: None,
            resource_arn: resource_arn.into(),
            resource_type,
            message: message.into(),
            evidence: serde_json::Value::Null,
        }
    }
    pub fn pass_if(
        ok: bool,
        resource_type: &'static str,
        resource_arn: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let status = if ok { Status::Pass } else { Status::Fail };
        Self::new(status, resource_type, resource_arn, message)
    }
    pub fn in_region(mut self, region: &Region) -> Self {
        self.region = Some(region.clone());
        self
    }
    pub fn with_evidence(mut self, evidence: serde_json::Value) -> Self {
        self.evidence = evidence;
        self
    }
}

/// One verdict of one check on one resource, with everything needed to act on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub check_id: String,
    pub title: String,
    pub service: Service,
    pub status: Status,
    pub severity: Severity,
    pub account_id: AccountId,
    pub region: Option<Region>,
    pub resource_arn: String,
    pub resource_type: String,
    pub message: String,
    pub evidence: serde_json::Value,
    pub compliance: BTreeMap<Framework, Vec<String>>,
}

/// Every check Rampart knows, in a stable order.
pub fn registry() -> Vec<Check> {
    [
        iam::CHECKS,
        s3::CHECKS,
        cloudtrail::CHECKS,
        logs::CHECKS,
        cloudwatch::CHECKS,
        config::CHECKS,
        kms::CHECKS,
        sns::CHECKS,
        apigateway::CHECKS,
        wafv2::CHECKS,
        shield::CHECKS,
        cognito::CHECKS,
        glacier::CHECKS,
        storagegateway::CHECKS,
    ]
    .concat()
}

/// Looks a check up by id.
pub fn find(id: &str) -> Option<Check> {
    registry().into_iter().find(|c| c.meta.id == id)
}

impl CheckMeta {
    /// The controls this check answers, per framework, exactly as the standards number them
    /// (from the framework files).
    pub fn compliance_map(&self) -> BTreeMap<Framework, Vec<String>> {
        crate::frameworks::compliance_of(self.id)
    }

    pub fn maps_to(&self, framework: Framework) -> bool {
        self.compliance_map()
            .get(&framework)
            .is_some_and(|ids| !ids.is_empty())
    }
}

/// Runs every check whose service was collected. Checks of services that were not
/// collected produce nothing (they were not asked for), not `ERROR`.
pub fn evaluate(inventory: &Inventory, now: DateTime<Utc>) -> Vec<Finding> {
    evaluate_checks(&registry(), inventory, now)
}

pub fn evaluate_checks(
    checks: &[Check],
    inventory: &Inventory,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in checks {
        if !service_collected(inventory, check.meta.service) {
            continue;
        }
        let _span = tracing::debug_span!("check", check_id = check.meta.id).entered();
        let compliance = check.meta.compliance_map();
        for outcome in (check.eval)(inventory, now) {
            findings.push(Finding {
                check_id: check.meta.id.to_owned(),
                title: check.meta.title.to_owned(),
                service: check.meta.service,
                status: outcome.status,
                severity: check.meta.severity,
                account_id: inventory.account_id.clone(),
                region: outcome.region,
                resource_arn: outcome.resource_arn,
                resource_type: outcome.resource_type.to_owned(),
                message: outcome.message,
                evidence: outcome.evidence,
                compliance: compliance.clone(),
            });
        }
    }
    findings
}

/// Whether the inventory holds `service` (was asked for and collected, maybe with errors).
pub fn service_collected(inv: &Inventory, service: Service) -> bool {
    match service {
        Service::Iam => inv.iam.is_some(),
        Service::S3 => inv.s3.is_some(),
        Service::CloudTrail => inv.cloudtrail.is_some(),
        Service::Logs => inv.logs.is_some(),
        // The CIS monitoring checks need trails, log groups and alarms together.
        Service::CloudWatch => inv.cloudwatch.is_some(),
        Service::Config => inv.config.is_some(),
        Service::Kms => inv.kms.is_some(),
        Service::Sns => inv.sns.is_some(),
        Service::ApiGateway => inv.apigateway.is_some(),
        Service::Wafv2 => inv.wafv2.is_some(),
        Service::Shield => inv.shield.is_some(),
        Service::Cognito => inv.cognito.is_some(),
        Service::Glacier => inv.glacier.is_some(),
        Service::StorageGateway => inv.storagegateway.is_some(),
    }
}

/// A required piece of the inventory was not collected at all (service not scanned).
pub(crate) fn not_collected(
    resource_type: &'static str,
    arn: impl Into<String>,
    what: &str,
) -> Outcome {
    Outcome::new(
        Status::Error,
        resource_type,
        arn,
        format!(
            "{what} was not collected in this scan; include its service to evaluate this check"
        ),
    )
}

/// The ARN Rampart uses for account-level findings.
pub(crate) fn account_arn(inv: &Inventory) -> String {
    format!("arn:{}:::{}", inv.partition, inv.account_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn check_ids_are_unique_and_every_check_has_text_and_a_mapping_or_reason() {
        let checks = registry();
        let mut seen = HashSet::new();
        for c in &checks {
            assert!(seen.insert(c.meta.id), "duplicate id {}", c.meta.id);
            assert!(
                !c.meta.title.is_empty() && !c.meta.rationale.is_empty(),
                "{}",
                c.meta.id
            );
            assert!(
                !c.meta.remediation.cli.is_empty(),
                "{} has no CLI remediation",
                c.meta.id
            );
            assert!(!c.meta.remediation.console.is_empty(), "{}", c.meta.id);
        }
    }
}
