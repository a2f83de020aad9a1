//! Shield Advanced subscription and protections: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
