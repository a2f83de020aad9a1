//! SNS topics and their access policies.

use super::{Fetched, PolicyDocument};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnsRegion {
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub arn: String,
    /// The topic's access policy (`GetTopicAttributes` → `Policy`); `None` when it has none.
    pub policy: Fetched<Option<PolicyDocument>>,
}
