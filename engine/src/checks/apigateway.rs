//! API Gateway REST, HTTP and WebSocket APIs: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
