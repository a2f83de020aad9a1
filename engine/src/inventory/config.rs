//! AWS Config inventory types.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConfigRegion {
    pub recorders: Vec<Recorder>,
    pub delivery_channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recorder {
    pub name: String,
    pub role_arn: Option<String>,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    pub resource_types: Vec<String>,
    /// From `DescribeConfigurationRecorderStatus`.
    pub recording: bool,
    pub last_status: Option<String>,
    pub last_error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeliveryChannel {
    pub name: String,
    pub s3_bucket: Option<String>,
    pub sns_topic_arn: Option<String>,
}
