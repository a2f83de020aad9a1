//! Shield Advanced subscription and protections.

use super::Fetched;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShieldInventory {
    /// `DescribeSubscription` (global, through us-east-1); `None` when the account does not
    /// subscribe to Shield Advanced (`ResourceNotFoundException`).
    pub subscription: Fetched<Option<ShieldSubscription>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShieldSubscription {
    pub arn: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    /// `ENABLED` or `DISABLED`.
    pub auto_renew: Option<String>,
    /// `ENABLED`, `DISABLED` or `PENDING`: whether the Shield Response Team contacts the
    /// account's emergency contacts when a protected resource's health check turns unhealthy.
    pub proactive_engagement: Option<String>,
    /// `ListProtections`.
    pub protections: Fetched<Vec<ShieldProtection>>,
    /// `DescribeDRTAccess`.
    pub drt_access: Fetched<DrtAccess>,
    /// `DescribeEmergencyContactSettings`.
    pub emergency_contacts: Fetched<Vec<EmergencyContact>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShieldProtection {
    pub id: Option<String>,
    pub name: Option<String>,
    pub resource_arn: Option<String>,
}

/// What the Shield Response Team (SRT, formerly DRT) may do in the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DrtAccess {
    /// The role the SRT assumes to manage WAF rules during an attack; `None` when not granted.
    pub role_arn: Option<String>,
    /// The buckets of flow logs the SRT may read.
    pub log_buckets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmergencyContact {
    pub email: String,
    pub phone: Option<String>,
    pub notes: Option<String>,
}
