//! Storage Gateway gateways, file shares and volumes: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
