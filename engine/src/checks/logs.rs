//! CloudWatch Logs checks: retention of the log groups that hold security logs.

use super::{Check, CheckMeta, Outcome, Remediation, Severity};
use crate::inventory::{Inventory, Service};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Minimum retention for log groups that hold CloudTrail events.
pub const MIN_RETENTION_DAYS: i32 = 365;

pub(super) const CHECKS: &[Check] = &[Check {
    meta: CheckMeta {
        id: "logs_trail_log_group_retention",
        title: "CloudTrail log groups keep events for at least a year",
        service: Service::Logs,
        severity: Severity::Low,
        rationale: "Investigations often start months after an intrusion. Log groups that receive CloudTrail events should keep them for at least 365 days (or forever) so the history is there when needed.",
        remediation: Remediation {
            console: "CloudWatch → Log groups → the group → Actions → Edit retention setting → 1 year or more (or Never expire).",
            cli: "aws logs put-retention-policy --log-group-name <group> --retention-in-days 365",
        },
    },
    eval: trail_log_group_retention,
}];

fn trail_log_group_retention(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let (Some(logs), Some(ct)) = (&inv.logs, &inv.cloudtrail) else {
        return vec![];
    };
    let mut out = Vec::new();
    for t in &ct.trails {
        let Some(group) = t.log_group_name() else {
            continue;
        };
        let region = &t.home_region;
        let Some(data) = logs.get(region) else {
            continue;
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                out.push(
                    Outcome::error(
                        "AwsLogsLogGroup",
                        t.log_group_arn.clone().unwrap_or_default(),
                        &format!("log groups in `{region}`"),
                        e,
                    )
                    .in_region(region),
                );
                continue;
            }
        };
        let Some(g) = data.log_groups.iter().find(|g| g.name == group) else {
            continue;
        };
        let ok = g.retention_days.is_none_or(|d| d >= MIN_RETENTION_DAYS);
        let kept = g
            .retention_days
            .map(|d| format!("{d} days"))
            .unwrap_or_else(|| "forever".into());
        out.push(
            Outcome::pass_if(
                ok,
                "AwsLogsLogGroup",
                &g.arn,
                format!(
                    "log group `{group}` of trail `{}` keeps events {kept}",
                    t.name
                ),
            )
            .in_region(region)
            .with_evidence(
                json!({"log_group": g.name, "retention_in_days": g.retention_days, "trail": t.arn}),
            ),
        );
    }
    out
}

#[cfg(test)]
mod builder_inventory_tests {
    //! Cases on inventories built in tests; the moto-backed cases live in `tests/it`.
    use super::*;
    use crate::checks::Status;
    use crate::testing::{InventoryBuilder, access_denied, now};

    fn statuses(inv: &Inventory) -> Vec<Status> {
        trail_log_group_retention(inv, now())
            .into_iter()
            .map(|o| o.status)
            .collect()
    }

    #[test]
    fn a_year_or_unlimited_retention_passes() {
        let mut b = InventoryBuilder::new();
        assert_eq!(statuses(&b.clone().build()), [Status::Pass]);
        b.logs("us-east-1").as_mut().unwrap().log_groups[0].retention_days = None;
        assert_eq!(statuses(&b.build()), [Status::Pass]);
    }

    #[test]
    fn short_retention_fails() {
        let mut b = InventoryBuilder::new();
        b.logs("us-east-1").as_mut().unwrap().log_groups[0].retention_days = Some(30);
        assert_eq!(statuses(&b.build()), [Status::Fail]);
    }

    #[test]
    fn unreadable_log_groups_are_an_error() {
        let mut b = InventoryBuilder::new();
        *b.logs("us-east-1") = Err(access_denied());
        assert_eq!(statuses(&b.build()), [Status::Error]);
    }
}
