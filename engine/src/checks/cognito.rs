//! Cognito user pools: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
