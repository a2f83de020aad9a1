//! CloudWatch coverage of one region: the CIS 4.x metric filter → alarm → subscriber chains on
//! the log groups of the trails that record the region.

use super::cloudtrail::{covering, listing_problem};
use super::{Level, MonitoringCoverage};
use crate::checks::cloudwatch::{Chain, chain};
use crate::checks::monitoring_spec;
use crate::inventory::{
    CloudTrailInventory, CloudWatchRegion, Inventory, LogsRegion, MetricRef, Regional, Trail,
};
use crate::types::Region;
use std::collections::BTreeSet;

fn all_missing(gap: String, level: Level) -> MonitoringCoverage {
    MonitoringCoverage {
        level,
        monitors_present: vec![],
        monitors_missing: monitoring_spec::controls()
            .iter()
            .map(|c| c.cis_id.to_owned())
            .collect(),
        alarms_with_subscribers: 0,
        gaps: vec![gap],
    }
}

/// The metric filters and alarms of a trail's home region, where its log group lives.
fn home_data<'a>(
    trail: &Trail,
    logs: &'a Regional<LogsRegion>,
    cw: &'a Regional<CloudWatchRegion>,
) -> Result<(&'a LogsRegion, &'a CloudWatchRegion), String> {
    let home = &trail.home_region;
    match (logs.get(home), cw.get(home)) {
        (Some(Ok(l)), Some(Ok(c))) => Ok((l, c)),
        (Some(Err(e)), _) => Err(format!(
            "the metric filters of `{home}` could not be read ({e})"
        )),
        (_, Some(Err(e))) => Err(format!("the alarms of `{home}` could not be read ({e})")),
        _ => Err(format!(
            "`{home}`, home of trail `{}`, was not scanned for metric filters and alarms",
            trail.name
        )),
    }
}

/// Alarms on metrics of the trail's log group whose enabled actions reach a confirmed
/// subscriber, by alarm ARN.
fn subscribed_alarms<'a>(
    trail: &Trail,
    logs: &'a LogsRegion,
    cw: &'a CloudWatchRegion,
) -> Vec<&'a str> {
    let (Some(group), Ok(subscriptions)) = (trail.log_group_name(), &cw.subscriptions) else {
        return vec![];
    };
    let metrics: Vec<&MetricRef> = logs
        .metric_filters
        .iter()
        .filter(|f| f.log_group == group)
        .flat_map(|f| &f.metrics)
        .collect();
    cw.alarms
        .iter()
        .filter(|a| {
            a.actions_enabled
                && a.metric.as_ref().is_some_and(|m| metrics.contains(&m))
                && a.alarm_actions.iter().any(|action| {
                    subscriptions
                        .iter()
                        .any(|s| s.topic_arn == *action && s.is_confirmed())
                })
        })
        .map(|a| a.arn.as_str())
        .collect()
}

/// Why no trail covering `region` feeds a log group: `Unknown` when we could not tell.
fn without_candidates(
    ct: &CloudTrailInventory,
    trails: &[&Trail],
    region: &Region,
) -> MonitoringCoverage {
    let unreadable = trails.iter().find_map(|t| {
        t.status
            .as_ref()
            .err()
            .filter(|_| t.log_group_arn.is_some())
            .map(|e| (t, e))
    });
    if let Some((t, e)) = unreadable {
        return all_missing(
            format!("the status of trail `{}` could not be read ({e})", t.name),
            Level::Unknown,
        );
    }
    if trails.is_empty()
        && let Some(problem) = listing_problem(ct, region)
    {
        return all_missing(problem, Level::Unknown);
    }
    all_missing(
        "no logging trail covering this region delivers to CloudWatch Logs, so no metric filter can watch its events".to_owned(),
        Level::None,
    )
}

/// CloudWatch's CIS 4.x monitoring of `region`.
pub(super) fn monitoring_coverage(inv: &Inventory, region: &Region) -> MonitoringCoverage {
    let (Some(ct), Some(logs), Some(cw)) = (&inv.cloudtrail, &inv.logs, &inv.cloudwatch) else {
        return all_missing(
            "CloudTrail, CloudWatch Logs and CloudWatch alarms were not all collected in this scan"
                .to_owned(),
            Level::Unknown,
        );
    };
    let trails: Vec<&Trail> = covering(&ct.trails, region).collect();
    let candidates: Vec<&Trail> = trails
        .iter()
        .copied()
        .filter(|t| t.status.as_ref().is_ok_and(|s| s.is_logging) && t.log_group_name().is_some())
        .collect();
    if candidates.is_empty() {
        return without_candidates(ct, &trails, region);
    }
    let mut cov = MonitoringCoverage {
        level: Level::Partial,
        monitors_present: vec![],
        monitors_missing: vec![],
        alarms_with_subscribers: 0,
        gaps: vec![],
    };
    let mut unknown = BTreeSet::new();
    let mut alarms = BTreeSet::new();
    for t in &candidates {
        if let Ok((l, c)) = home_data(t, logs, cw) {
            alarms.extend(subscribed_alarms(t, l, c));
        }
    }
    cov.alarms_with_subscribers = alarms.len();
    for control in monitoring_spec::controls() {
        let mut present = false;
        let mut problem = None;
        let mut unreadable = None;
        for t in &candidates {
            let chained = home_data(t, logs, cw).and_then(|(l, c)| {
                chain(control, t, l, c).map_err(|e| {
                    format!(
                        "the SNS subscriptions of `{}` could not be read ({e})",
                        t.home_region
                    )
                })
            });
            match chained {
                Ok(Chain::Complete(_)) => {
                    present = true;
                    break;
                }
                Ok(Chain::Broken(p, _)) => {
                    problem.get_or_insert(p);
                }
                Err(e) => {
                    unreadable.get_or_insert(e);
                }
            }
        }
        let id = control.cis_id.to_owned();
        if present {
            cov.monitors_present.push(id);
            continue;
        }
        match (unreadable, problem) {
            (Some(e), _) => {
                unknown.insert(e);
            }
            (None, Some(p)) => cov.gaps.push(format!("CIS {id}: {p}")),
            (None, None) => {}
        }
        cov.monitors_missing.push(id);
    }
    let unknown_gaps: Vec<String> = unknown.into_iter().collect();
    cov.level = if cov.monitors_missing.is_empty() {
        Level::Full
    } else if !unknown_gaps.is_empty() {
        Level::Unknown
    } else if cov.monitors_present.is_empty() {
        Level::None
    } else {
        Level::Partial
    };
    cov.gaps.splice(0..0, unknown_gaps);
    cov
}
