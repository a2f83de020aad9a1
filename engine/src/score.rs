//! The posture score of an account, 0–100.
//!
//! Formula (documented in the README): every check that produced at least one `PASS` or
//! `FAIL` finding contributes its severity weight (critical 10, high 5, medium 3, low 1,
//! informational 0) times the share of its resources that passed. The score is
//! `100 × Σ weight × passed_share / Σ weight`, rounded to one decimal. `ERROR` findings are
//! left out of both sums and counted apart: an unreadable resource is neither a pass nor a
//! fail. With no evaluated check the score is `None`.

use crate::checks::{Finding, Severity, Status};
use crate::inventory::Service;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The weight of a check's severity in the score.
pub fn weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 3.0,
        Severity::Low => 1.0,
        Severity::Informational => 0.0,
    }
}

/// Score and counts for a set of findings (usually one account's scan).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub score: Option<f64>,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub failed_by_severity: BTreeMap<Severity, usize>,
    pub failed_by_service: BTreeMap<Service, usize>,
    pub checks_evaluated: usize,
}

pub fn summarize(findings: &[Finding]) -> Summary {
    let mut per_check: BTreeMap<&str, (Severity, usize, usize)> = BTreeMap::new();
    let mut s = Summary::default();
    for f in findings {
        match f.status {
            Status::Pass => s.passed += 1,
            Status::Fail => {
                s.failed += 1;
                *s.failed_by_severity.entry(f.severity).or_default() += 1;
                *s.failed_by_service.entry(f.service).or_default() += 1;
            }
            Status::Error => s.errors += 1,
        }
        if f.status != Status::Error {
            let e = per_check
                .entry(f.check_id.as_str())
                .or_insert((f.severity, 0, 0));
            if f.status == Status::Pass {
                e.1 += 1;
            } else {
                e.2 += 1;
            }
        }
    }
    s.checks_evaluated = per_check.len();
    s.score = score_of_checks(per_check.into_values());
    s
}

/// The score of per-check counts `(severity, passed, failed)`, one item per check (the
/// formula above). Checks with neither a pass nor a failure are left out. The server uses it
/// to re-score a stored scan without the findings that are muted now.
pub fn score_of_checks(checks: impl IntoIterator<Item = (Severity, usize, usize)>) -> Option<f64> {
    let (mut evaluated, mut total, mut earned) = (false, 0.0, 0.0);
    for (severity, pass, fail) in checks {
        if pass + fail == 0 {
            continue;
        }
        evaluated = true;
        let w = weight(severity);
        total += w;
        earned += w * (pass as f64) / ((pass + fail) as f64);
    }
    if !evaluated {
        None
    } else if total == 0.0 {
        Some(100.0)
    } else {
        Some((1000.0 * earned / total).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Finding;
    use crate::types::AccountId;

    fn finding(check: &str, severity: Severity, status: Status) -> Finding {
        Finding {
            check_id: check.into(),
            title: String::new(),
            service: Service::Iam,
            status,
            severity,
            account_id: AccountId::parse("123456789012").unwrap(),
            region: None,
            resource_arn: "arn:aws:iam::123456789012:user/x".into(),
            resource_type: "AwsIamUser".into(),
            message: String::new(),
            evidence: serde_json::Value::Null,
            compliance: Default::default(),
        }
    }

    #[test]
    fn all_passing_scores_one_hundred_and_all_failing_zero() {
        let pass = [finding("a", Severity::High, Status::Pass)];
        assert_eq!(summarize(&pass).score, Some(100.0));
        let fail = [finding("a", Severity::High, Status::Fail)];
        assert_eq!(summarize(&fail).score, Some(0.0));
    }

    #[test]
    fn critical_failures_weigh_more_than_low_ones() {
        let crit_fail = [
            finding("a", Severity::Critical, Status::Fail),
            finding("b", Severity::Low, Status::Pass),
        ];
        let low_fail = [
            finding("a", Severity::Critical, Status::Pass),
            finding("b", Severity::Low, Status::Fail),
        ];
        assert!(summarize(&crit_fail).score < summarize(&low_fail).score);
        assert_eq!(summarize(&low_fail).score, Some(90.9));
    }

    #[test]
    fn errors_are_counted_apart_and_never_as_passes() {
        let f = [
            finding("a", Severity::High, Status::Fail),
            finding("b", Severity::High, Status::Error),
        ];
        let s = summarize(&f);
        assert_eq!(s.score, Some(0.0));
        assert_eq!(s.errors, 1);
        assert_eq!(s.checks_evaluated, 1);
        let only_errors = [finding("b", Severity::High, Status::Error)];
        assert_eq!(summarize(&only_errors).score, None);
    }

    #[test]
    fn scoring_per_check_counts_agrees_with_summarize_and_skips_empty_checks() {
        let f = [
            finding("a", Severity::Critical, Status::Pass),
            finding("b", Severity::Low, Status::Fail),
        ];
        let counts = [(Severity::Critical, 1, 0), (Severity::Low, 0, 1)];
        assert_eq!(score_of_checks(counts), summarize(&f).score);
        // A check whose only failures are left out (muted) no longer counts at all.
        assert_eq!(
            score_of_checks([(Severity::Critical, 1, 0), (Severity::Low, 0, 0)]),
            Some(100.0)
        );
        assert_eq!(score_of_checks([(Severity::High, 0, 0)]), None);
    }

    #[test]
    fn partial_pass_counts_the_share_of_resources() {
        let f = [
            finding("a", Severity::Medium, Status::Pass),
            finding("a", Severity::Medium, Status::Pass),
            finding("a", Severity::Medium, Status::Pass),
            finding("a", Severity::Medium, Status::Fail),
        ];
        assert_eq!(summarize(&f).score, Some(75.0));
        assert_eq!(
            summarize(&f).failed_by_severity.get(&Severity::Medium),
            Some(&1)
        );
    }
}
