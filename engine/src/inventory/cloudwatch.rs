//! CloudWatch alarms and the SNS subscriptions behind their actions.

use super::{Fetched, MetricRef};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudWatchRegion {
    pub alarms: Vec<Alarm>,
    /// All SNS subscriptions of the region (`ListSubscriptions`), fetched apart so
    /// an SNS AccessDenied does not hide the alarms.
    pub subscriptions: Fetched<Vec<Subscription>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    /// `None` for metric-math alarms.
    pub metric: Option<MetricRef>,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub topic_arn: String,
    pub protocol: String,
    /// `PendingConfirmation` until the endpoint confirms.
    pub subscription_arn: String,
}

impl Subscription {
    pub fn is_confirmed(&self) -> bool {
        self.subscription_arn.starts_with("arn:")
    }
}
