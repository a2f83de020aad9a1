//! The CloudTrail / CloudWatch / AWS Config comparison of one account, region by region: what
//! each service captures there and what is missing, as the account page of the dashboard
//! shows it.
//!
//! Pure, like the checks: computed once per scan from the [`Inventory`] and stored with it.
//! It reuses the checks' own readings (management-event selectors from
//! `checks/cloudtrail.rs`, the CIS 4.x filter → alarm → subscriber chain from
//! `checks/cloudwatch.rs`), so a region shown as covered here is one the checks pass.
//! Data that could not be collected makes a level [`Level::Unknown`], never `Full` or `None`.

mod apigateway;
mod cloudtrail;
mod cloudwatch;
mod config;
#[cfg(test)]
mod tests;

use crate::inventory::Inventory;
use crate::types::Region;
use serde::{Deserialize, Serialize};

/// The coverage of every region the inventory covers, in the inventory's region order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub regions: Vec<RegionCoverage>,
}

/// One region's row of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionCoverage {
    pub region: Region,
    pub cloudtrail: TrailCoverage,
    pub cloudwatch: MonitoringCoverage,
    pub config: ConfigCoverage,
    /// API Gateway access and execution logging (absent from scans of older versions).
    #[serde(default)]
    pub api_logging: Option<ApiLoggingCoverage>,
}

/// How completely a service covers a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Everything the service should capture there is captured.
    Full,
    /// The service is set up there, but something is missing (see the gaps).
    Partial,
    /// The service captures nothing there.
    None,
    /// The data needed to tell was not collected (an AWS error, or the service was not
    /// scanned); the gaps say which.
    Unknown,
    /// Nothing there to cover (no API in the region).
    #[serde(rename = "n/a")]
    NotApplicable,
}

/// Whether CloudTrail records the region's API activity, and how well.
///
/// Full: one logging trail covering the region records management read and write events,
/// validates its log files, encrypts them with KMS and delivers to CloudWatch Logs. The flags
/// describe the logging trails covering the region (any of them), or all covering trails when
/// none is logging. Data events are reported but not required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailCoverage {
    pub level: Level,
    /// Names of the trails covering the region (multi-region trails and those homed there).
    pub trails: Vec<String>,
    pub logging: bool,
    pub management_read: bool,
    pub management_write: bool,
    /// Any data events (S3 objects, Lambda invocations, ...), basic or advanced selectors.
    pub data_events: bool,
    pub log_file_validation: bool,
    pub kms_encrypted: bool,
    /// Delivered to CloudWatch Logs without a delivery error.
    pub cloudwatch_logs: bool,
    /// What is missing, in plain sentences.
    pub gaps: Vec<String>,
}

/// Whether the CIS 4.x alarms watch the log groups of the trails covering the region.
///
/// A control is present when a metric filter on such a log group catches its events (judged
/// by meaning), an alarm watches the filter's metric, and the alarm notifies an SNS topic with
/// a confirmed subscriber: the same chain the CIS 4.x checks require.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringCoverage {
    pub level: Level,
    /// CIS ids (`"4.1"` ...) of the controls in place.
    pub monitors_present: Vec<String>,
    /// CIS ids of the other controls: missing, or unreadable when the level is `Unknown`.
    /// Present and missing together always list every control.
    pub monitors_missing: Vec<String>,
    /// Distinct alarms on metrics of those log groups with an enabled action that reaches a
    /// confirmed SNS subscriber (CIS or not).
    pub alarms_with_subscribers: usize,
    pub gaps: Vec<String>,
}

/// Whether AWS Config records the region's resource configurations.
///
/// Full: a recorder that is recording all supported resource types (its last recording did
/// not fail) and a delivery channel. Global resource types (IAM) need only be recorded in one
/// region of the account, so they do not decide the level; a gap says when no region does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigCoverage {
    pub level: Level,
    pub recorder: bool,
    pub recording: bool,
    pub all_supported: bool,
    /// This region's recorder includes global resource types.
    pub global_types: bool,
    pub delivery_channel: bool,
    pub gaps: Vec<String>,
}

/// Whether the region's API Gateway stages leave a record of the requests they serve.
///
/// Full: every stage (REST, HTTP and WebSocket) writes access logs, and every REST and
/// WebSocket stage writes execution logs at ERROR or INFO (HTTP APIs have no execution
/// logging). Partial: some do. None: no stage logs anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiLoggingCoverage {
    pub level: Level,
    /// Stages of all APIs in the region.
    pub stages: usize,
    pub access_logged: usize,
    /// REST and WebSocket stages (the ones that can log execution).
    pub execution_capable: usize,
    pub execution_logged: usize,
    pub gaps: Vec<String>,
}

/// The account's coverage in a few numbers: how many regions each service fully covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageSummary {
    pub regions: usize,
    pub cloudtrail_full: usize,
    pub cloudwatch_full: usize,
    pub config_full: usize,
}

/// What each service captures and what that record is used for: `(service, captures, use)`.
pub const CAPTURES: [(&str, &str, &str); 4] = [
    (
        "CloudTrail",
        "API calls and account events: who called what, when, from which address, with which result.",
        "Audit trail and forensics: reconstructing an incident and proving who changed what.",
    ),
    (
        "CloudWatch Logs",
        "Log events (here the trail's own events) and the metric filters and alarms built on them.",
        "Near-real-time detection: alarms that notify someone within minutes of a sensitive action.",
    ),
    (
        "AWS Config",
        "Resource configurations and every change to them, with relationships between resources.",
        "Configuration history, drift detection and compliance rules: what a resource looked like at any time.",
    ),
    (
        "API Gateway logs",
        "Requests to the account's APIs: access logs (caller, route, status, one line per request) and execution logs (authorization and integration steps, errors).",
        "Investigating abuse of an API, which CloudTrail does not see: it records API Gateway's configuration calls, not the requests the APIs serve.",
    ),
];

/// The coverage of every region in `inv.regions`.
pub fn coverage(inv: &Inventory) -> Coverage {
    let global_types = config::global_types_recorded(inv);
    Coverage {
        regions: inv
            .regions
            .iter()
            .map(|region| RegionCoverage {
                region: region.clone(),
                cloudtrail: cloudtrail::trail_coverage(inv, region),
                cloudwatch: cloudwatch::monitoring_coverage(inv, region),
                config: config::config_coverage(inv, region, global_types),
                api_logging: Some(apigateway::api_logging_coverage(inv, region)),
            })
            .collect(),
    }
}

impl Coverage {
    /// Counts the fully covered regions per service (the overview's coverage chips).
    pub fn summary(&self) -> CoverageSummary {
        let full = |level: fn(&RegionCoverage) -> Level| {
            self.regions
                .iter()
                .filter(|r| level(r) == Level::Full)
                .count()
        };
        CoverageSummary {
            regions: self.regions.len(),
            cloudtrail_full: full(|r| r.cloudtrail.level),
            cloudwatch_full: full(|r| r.cloudwatch.level),
            config_full: full(|r| r.config.level),
        }
    }
}
