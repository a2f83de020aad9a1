//! API Gateway REST, HTTP and WebSocket APIs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiGatewayRegion {}
