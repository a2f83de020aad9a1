//! Storage Gateway gateways, file shares and volumes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StorageGatewayRegion {}
