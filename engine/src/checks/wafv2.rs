//! AWS WAF (v2) web ACLs: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
