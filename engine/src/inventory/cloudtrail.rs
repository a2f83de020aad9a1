//! CloudTrail inventory types.

use super::{Fetched, Regional};
use crate::types::Region;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudTrailInventory {
    /// Per region: the ARNs of the trails that apply there (`DescribeTrails` with shadow trails).
    pub regions: Regional<Vec<String>>,
    /// Every distinct trail seen, described from its home region.
    pub trails: Vec<Trail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub arn: String,
    pub name: String,
    pub home_region: Region,
    pub multi_region: bool,
    pub organization: bool,
    pub include_global_service_events: bool,
    pub s3_bucket: Option<String>,
    pub s3_key_prefix: Option<String>,
    pub kms_key_id: Option<String>,
    pub log_file_validation: bool,
    pub log_group_arn: Option<String>,
    pub cloudwatch_logs_role_arn: Option<String>,
    pub status: Fetched<TrailStatus>,
    pub selectors: Fetched<EventSelectors>,
}

impl Trail {
    /// Whether the trail records events of `region`.
    pub fn covers(&self, region: &Region) -> bool {
        self.multi_region || &self.home_region == region
    }

    /// The log group name from `log_group_arn` (`arn:aws:logs:R:A:log-group:NAME:*`).
    pub fn log_group_name(&self) -> Option<&str> {
        let arn = self.log_group_arn.as_deref()?;
        let rest = arn.split_once(":log-group:")?.1;
        Some(rest.strip_suffix(":*").unwrap_or(rest))
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub latest_delivery_error: Option<String>,
    pub latest_cloudwatch_logs_delivery_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EventSelectors {
    pub basic: Vec<EventSelector>,
    pub advanced: Vec<AdvancedEventSelector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    pub include_management_events: bool,
    pub exclude_management_event_sources: Vec<String>,
    pub data_resources: Vec<DataResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataResource {
    /// e.g. `AWS::S3::Object`.
    pub resource_type: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvancedEventSelector {
    pub name: Option<String>,
    pub field_selectors: Vec<FieldSelector>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FieldSelector {
    pub field: String,
    pub equals: Vec<String>,
    pub not_equals: Vec<String>,
    pub starts_with: Vec<String>,
    pub not_starts_with: Vec<String>,
    pub ends_with: Vec<String>,
    pub not_ends_with: Vec<String>,
}
