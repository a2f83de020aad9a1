//! CloudWatch Logs inventory types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogsRegion {
    pub log_groups: Vec<LogGroup>,
    pub metric_filters: Vec<MetricFilter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    pub arn: String,
    /// `None` means logs are kept forever.
    pub retention_days: Option<i32>,
    pub kms_key_id: Option<String>,
    pub creation_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricFilter {
    pub name: String,
    pub log_group: String,
    pub pattern: String,
    pub metrics: Vec<MetricRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MetricRef {
    pub namespace: String,
    pub name: String,
}
