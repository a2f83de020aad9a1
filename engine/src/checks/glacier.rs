//! S3 Glacier vaults: checks.

use super::Check;

pub(super) const CHECKS: &[Check] = &[];
