//! A control's status in one account, from that account's latest findings: pure, so the
//! compliance page, the JSON API and reports judge controls the same way.

use super::{Control, ControlKind};
use crate::checks::{Finding, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The status of one control in one account. Ordered from worst to best for automated
/// controls, so the worst of several accounts is the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// At least one finding of its checks failed.
    Fail,
    /// Nothing failed, but some data could not be collected: never a pass.
    Error,
    /// Nothing failed or errored except findings someone muted: accepted, not passed.
    Muted,
    /// Every finding of its checks passed.
    Pass,
    /// Automated, but its checks found nothing to judge (no API Gateway APIs, say).
    NotApplicable,
    /// A person must check it.
    Manual,
    /// Automatable, but about data Rampart does not collect.
    NotCovered,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 7] = [
        ControlStatus::Fail,
        ControlStatus::Error,
        ControlStatus::Muted,
        ControlStatus::Pass,
        ControlStatus::NotApplicable,
        ControlStatus::Manual,
        ControlStatus::NotCovered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Error => "error",
            ControlStatus::Muted => "muted",
            ControlStatus::Pass => "pass",
            ControlStatus::NotApplicable => "not_applicable",
            ControlStatus::Manual => "manual",
            ControlStatus::NotCovered => "not_covered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::Fail => "fail",
            ControlStatus::Error => "error",
            ControlStatus::Muted => "muted",
            ControlStatus::Pass => "pass",
            ControlStatus::NotApplicable => "not applicable",
            ControlStatus::Manual => "manual",
            ControlStatus::NotCovered => "not covered",
        }
    }
}

/// Latest findings of one check in one account, by verdict. `muted` counts FAIL and ERROR
/// findings someone muted; they are not in `failed` or `errored`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckCounts {
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    pub muted: u64,
}

impl CheckCounts {
    pub fn add(&mut self, other: CheckCounts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.muted += other.muted;
    }

    /// Counts `n` findings of one verdict.
    pub fn add_status(&mut self, status: Status, n: u64) {
        match status {
            Status::Pass => self.passed += n,
            Status::Fail => self.failed += n,
            Status::Error => self.errored += n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.passed + self.failed + self.errored + self.muted == 0
    }
}

/// A control's status and the findings behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlResult {
    pub status: ControlStatus,
    pub counts: CheckCounts,
}

/// Judges `control` in one account; `counts(check_id)` gives that account's latest findings
/// of a check. Any FAIL fails the control; else any ERROR makes it an error; else muted
/// findings make it muted (neither failed nor passed); else any PASS passes it; with no
/// findings at all it is not applicable. Manual and not covered controls keep their kind
/// whatever the findings.
pub fn evaluate_control(control: &Control, counts: impl Fn(&str) -> CheckCounts) -> ControlResult {
    let mut total = CheckCounts::default();
    for check in control.checks() {
        total.add(counts(check));
    }
    let status = match &control.kind {
        ControlKind::Manual { .. } => ControlStatus::Manual,
        ControlKind::NotCovered { .. } => ControlStatus::NotCovered,
        ControlKind::Automated { .. } if total.failed > 0 => ControlStatus::Fail,
        ControlKind::Automated { .. } if total.errored > 0 => ControlStatus::Error,
        ControlKind::Automated { .. } if total.muted > 0 => ControlStatus::Muted,
        ControlKind::Automated { .. } if total.passed > 0 => ControlStatus::Pass,
        ControlKind::Automated { .. } => ControlStatus::NotApplicable,
    };
    ControlResult {
        status,
        counts: total,
    }
}

/// The counts per check of one account's findings (for [`evaluate_control`]).
pub fn tally(findings: &[Finding]) -> BTreeMap<String, CheckCounts> {
    let mut out: BTreeMap<String, CheckCounts> = BTreeMap::new();
    for f in findings {
        out.entry(f.check_id.clone())
            .or_default()
            .add_status(f.status, 1);
    }
    out
}
