//! CIS section 4 monitoring checks: for each sensitive activity, a metric filter on the log
//! group of a multi-region trail that catches it (judged by meaning, see
//! [`monitoring_spec`](super::monitoring_spec)), an alarm on the filter's metric, and an
//! alarm action on an SNS topic with a confirmed subscriber.

use super::monitoring_spec::{self, MonitoringControl};
use super::{Check, CheckMeta, Outcome, Remediation, Severity, account_arn, not_collected};
use crate::filter_pattern;
use crate::inventory::{Inventory, Service, Trail};
use chrono::{DateTime, Utc};
use serde_json::json;

macro_rules! monitoring_check {
    ($idx:literal, $id:literal, $title:literal, $sev:expr, $cis:literal) => {
        Check {
            meta: CheckMeta {
                id: $id,
                title: $title,
                service: Service::CloudWatch,
                severity: $sev,
                rationale: "Real-time alarms on this activity let the security team react within minutes instead of finding it weeks later in an audit. CIS requires a metric filter on the CloudTrail log group of a multi-region trail, an alarm on it, and an alarm action that reaches a subscriber.",
                remediation: Remediation {
                    console: "CloudWatch → Log groups → the CloudTrail log group → Metric filters → Create: paste the recommended pattern (see evidence), then Create alarm on the metric (threshold ≥ 1 in 5 minutes) with an SNS topic that has a confirmed subscriber.",
                    cli: "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name <name> --metric-transformations metricName=<name>,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '<recommended pattern>' && aws cloudwatch put-metric-alarm --alarm-name <name> --metric-name <name> --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <sns-topic-arn>",
                },
            },
            eval: monitoring::<$idx>,
        }
    };
}

pub(super) const CHECKS: &[Check] = &[
    monitoring_check!(
        0,
        "cloudwatch_alarm_unauthorized_api_calls",
        "Unauthorized API calls are alarmed",
        Severity::Low,
        "4.1"
    ),
    monitoring_check!(
        1,
        "cloudwatch_alarm_console_signin_without_mfa",
        "Console sign-ins without MFA are alarmed",
        Severity::Medium,
        "4.2"
    ),
    monitoring_check!(
        2,
        "cloudwatch_alarm_root_usage",
        "Use of the root user is alarmed",
        Severity::High,
        "4.3"
    ),
    monitoring_check!(
        3,
        "cloudwatch_alarm_iam_policy_changes",
        "IAM policy changes are alarmed",
        Severity::Medium,
        "4.4"
    ),
    monitoring_check!(
        4,
        "cloudwatch_alarm_cloudtrail_changes",
        "CloudTrail configuration changes are alarmed",
        Severity::Medium,
        "4.5"
    ),
    monitoring_check!(
        5,
        "cloudwatch_alarm_console_auth_failures",
        "Console authentication failures are alarmed",
        Severity::Low,
        "4.6"
    ),
    monitoring_check!(
        6,
        "cloudwatch_alarm_cmk_disable_or_deletion",
        "Disabling or scheduled deletion of customer-managed KMS keys is alarmed",
        Severity::Medium,
        "4.7"
    ),
    monitoring_check!(
        7,
        "cloudwatch_alarm_s3_bucket_policy_changes",
        "S3 bucket policy changes are alarmed",
        Severity::Medium,
        "4.8"
    ),
    monitoring_check!(
        8,
        "cloudwatch_alarm_config_changes",
        "AWS Config configuration changes are alarmed",
        Severity::Medium,
        "4.9"
    ),
    monitoring_check!(
        9,
        "cloudwatch_alarm_security_group_changes",
        "Security group changes are alarmed",
        Severity::Medium,
        "4.10"
    ),
    monitoring_check!(
        10,
        "cloudwatch_alarm_nacl_changes",
        "Network ACL changes are alarmed",
        Severity::Medium,
        "4.11"
    ),
    monitoring_check!(
        11,
        "cloudwatch_alarm_network_gateway_changes",
        "Network gateway changes are alarmed",
        Severity::Medium,
        "4.12"
    ),
    monitoring_check!(
        12,
        "cloudwatch_alarm_route_table_changes",
        "Route table changes are alarmed",
        Severity::Medium,
        "4.13"
    ),
    monitoring_check!(
        13,
        "cloudwatch_alarm_vpc_changes",
        "VPC changes are alarmed",
        Severity::Medium,
        "4.14"
    ),
    monitoring_check!(
        14,
        "cloudwatch_alarm_organizations_changes",
        "AWS Organizations changes are alarmed",
        Severity::Medium,
        "4.15"
    ),
];

/// Evaluates the `IDX`-th CIS monitoring control.
fn monitoring<const IDX: usize>(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    match monitoring_spec::controls().get(IDX) {
        Some(control) => vec![evaluate(control, inv)],
        None => vec![],
    }
}

const ACCOUNT: &str = "AwsAccount";

/// How far one trail's log group got towards a working alarm.
pub(crate) enum Chain {
    Complete(serde_json::Value),
    Broken(String, serde_json::Value),
}

fn evaluate(control: &MonitoringControl, inv: &Inventory) -> Outcome {
    let arn = account_arn(inv);
    let (Some(ct), Some(logs), Some(cw)) = (&inv.cloudtrail, &inv.logs, &inv.cloudwatch) else {
        return not_collected(
            ACCOUNT,
            arn,
            "CloudTrail, CloudWatch Logs and CloudWatch data",
        );
    };
    let candidates: Vec<&Trail> = ct
        .trails
        .iter()
        .filter(|t| {
            t.multi_region
                && t.status.as_ref().is_ok_and(|s| s.is_logging)
                && t.log_group_name().is_some()
        })
        .collect();
    if candidates.is_empty() {
        return Outcome::fail(
            ACCOUNT,
            arn,
            format!("CIS {}: no logging multi-region trail delivers to CloudWatch Logs, so no metric filter can watch for this activity", control.cis_id),
        )
        .with_evidence(json!({"recommended_pattern": control.recommended_pattern}));
    }
    let mut broken = Vec::new();
    for trail in candidates {
        let region = &trail.home_region;
        let (Some(logs_r), Some(cw_r)) = (logs.get(region), cw.get(region)) else {
            broken.push(json!({"trail": trail.name, "problem": format!("region `{region}` was not scanned")}));
            continue;
        };
        let logs_r = match logs_r {
            Ok(l) => l,
            Err(e) => {
                return Outcome::error(ACCOUNT, arn, &format!("metric filters in `{region}`"), e)
                    .in_region(region);
            }
        };
        let cw_r = match cw_r {
            Ok(c) => c,
            Err(e) => {
                return Outcome::error(ACCOUNT, arn, &format!("alarms in `{region}`"), e)
                    .in_region(region);
            }
        };
        match chain(control, trail, logs_r, cw_r) {
            Ok(Chain::Complete(evidence)) => {
                return Outcome::pass(
                    ACCOUNT,
                    arn,
                    format!(
                        "CIS {}: {} (trail `{}`)",
                        control.cis_id, control.events, trail.name
                    ),
                )
                .in_region(region)
                .with_evidence(evidence);
            }
            Ok(Chain::Broken(problem, evidence)) => {
                broken.push(json!({"trail": trail.name, "problem": problem, "detail": evidence}))
            }
            Err(e) => {
                return Outcome::error(
                    ACCOUNT,
                    arn,
                    &format!("SNS subscriptions in `{region}`"),
                    &e,
                )
                .in_region(region);
            }
        }
    }
    let first = broken
        .first()
        .and_then(|b| b["problem"].as_str())
        .unwrap_or("no complete filter, alarm and subscriber chain")
        .to_owned();
    Outcome::fail(ACCOUNT, arn, format!("CIS {}: {first}", control.cis_id)).with_evidence(
        json!({"trails": broken, "recommended_pattern": control.recommended_pattern}),
    )
}

pub(crate) fn chain(
    control: &MonitoringControl,
    trail: &Trail,
    logs: &crate::inventory::LogsRegion,
    cw: &crate::inventory::CloudWatchRegion,
) -> Result<Chain, crate::inventory::FetchError> {
    let group = trail.log_group_name().unwrap_or_default();
    let mut judged = Vec::new();
    let mut adequate = Vec::new();
    for f in logs.metric_filters.iter().filter(|f| f.log_group == group) {
        match filter_pattern::parse(&f.pattern) {
            Err(e) => judged.push(
                json!({"filter": f.name, "pattern": f.pattern, "parse_error": e.to_string()}),
            ),
            Ok(p) => {
                let j = monitoring_spec::judge(control, &p);
                if j.is_adequate() {
                    adequate.push(f);
                } else {
                    judged.push(json!({"filter": f.name, "pattern": f.pattern, "misses": j.missed, "too_broad_for": j.overbroad}));
                }
            }
        }
    }
    if adequate.is_empty() {
        let problem = if judged.is_empty() {
            format!("log group `{group}` has no metric filter for this activity")
        } else {
            format!(
                "none of the {} metric filters on `{group}` catches every required event",
                judged.len()
            )
        };
        return Ok(Chain::Broken(problem, json!({"filters": judged})));
    }
    let mut last_problem = String::new();
    let mut detail = json!({});
    for f in adequate {
        let alarms: Vec<_> = cw
            .alarms
            .iter()
            .filter(|a| a.metric.as_ref().is_some_and(|m| f.metrics.contains(m)))
            .collect();
        if alarms.is_empty() {
            last_problem = format!("metric filter `{}` has no alarm on its metric", f.name);
            detail = json!({"filter": f.name, "pattern": f.pattern, "metrics": f.metrics});
            continue;
        }
        for alarm in alarms {
            let topics: Vec<&String> = alarm
                .alarm_actions
                .iter()
                .filter(|a| a.starts_with("arn:") && a.contains(":sns:"))
                .collect();
            if !alarm.actions_enabled || topics.is_empty() {
                last_problem = format!("alarm `{}` has no enabled SNS action", alarm.name);
                detail = json!({"filter": f.name, "alarm": alarm.name, "actions_enabled": alarm.actions_enabled, "alarm_actions": alarm.alarm_actions});
                continue;
            }
            let subscriptions = cw.subscriptions.as_ref().map_err(Clone::clone)?;
            let subscribed = topics.iter().find(|t| {
                subscriptions
                    .iter()
                    .any(|s| s.topic_arn.as_str() == t.as_str() && s.is_confirmed())
            });
            match subscribed {
                Some(topic) => {
                    return Ok(Chain::Complete(json!({
                        "trail": trail.arn,
                        "log_group": group,
                        "metric_filter": {"name": f.name, "pattern": f.pattern},
                        "alarm": alarm.name,
                        "topic": topic,
                    })));
                }
                None => {
                    last_problem = format!(
                        "alarm `{}` notifies topics without a confirmed subscriber",
                        alarm.name
                    );
                    detail = json!({"filter": f.name, "alarm": alarm.name, "topics": topics});
                }
            }
        }
    }
    Ok(Chain::Broken(last_problem, detail))
}

#[cfg(test)]
mod builder_inventory_tests {
    //! Cases on inventories built in tests; the moto-backed cases live in `tests/it`.
    use super::*;
    use crate::checks::Status;
    use crate::testing::{InventoryBuilder, access_denied, now};

    fn run_all(inv: &Inventory) -> Vec<Outcome> {
        CHECKS.iter().flat_map(|c| (c.eval)(inv, now())).collect()
    }

    fn run(id: &str, inv: &Inventory) -> Outcome {
        let c = CHECKS.iter().find(|c| c.meta.id == id).unwrap();
        (c.eval)(inv, now()).remove(0)
    }

    #[test]
    fn every_cis_monitoring_control_has_a_check() {
        assert_eq!(CHECKS.len(), monitoring_spec::controls().len());
        for (c, spec) in CHECKS.iter().zip(monitoring_spec::controls()) {
            assert_eq!(
                c.meta.compliance_map()[&crate::frameworks::Framework::CisAws3],
                [spec.cis_id]
            );
        }
    }

    #[test]
    fn complete_chain_passes_every_control() {
        let out = run_all(&InventoryBuilder::new().build());
        assert_eq!(out.len(), 15);
        assert!(out.iter().all(|o| o.status == Status::Pass), "{out:#?}");
    }

    #[test]
    fn filter_missing_an_event_fails_and_names_it() {
        let mut b = InventoryBuilder::new();
        let logs = b.logs("us-east-1").as_mut().unwrap();
        let f = logs
            .metric_filters
            .iter_mut()
            .find(|f| f.name == "cis-4-5")
            .unwrap();
        f.pattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }".into();
        let o = run("cloudwatch_alarm_cloudtrail_changes", &b.build());
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.evidence.to_string().contains("StopLogging"),
            "{}",
            o.evidence
        );
    }

    #[test]
    fn equivalent_filter_written_differently_passes() {
        let mut b = InventoryBuilder::new();
        let logs = b.logs("us-east-1").as_mut().unwrap();
        let f = logs
            .metric_filters
            .iter_mut()
            .find(|f| f.name == "cis-4-5")
            .unwrap();
        f.pattern = "{($.eventName=StopLogging)||($.eventName=StartLogging)||(($.eventName=DeleteTrail)||($.eventName=UpdateTrail))||($.eventName=CreateTrail)}".into();
        assert_eq!(
            run("cloudwatch_alarm_cloudtrail_changes", &b.build()).status,
            Status::Pass
        );
    }

    #[test]
    fn overbroad_filter_is_not_accepted() {
        let mut b = InventoryBuilder::new();
        let logs = b.logs("us-east-1").as_mut().unwrap();
        logs.metric_filters
            .iter_mut()
            .find(|f| f.name == "cis-4-3")
            .unwrap()
            .pattern = "{ $.eventName = * }".into();
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Fail
        );
    }

    #[test]
    fn unparsable_filter_fails_with_the_parse_error_in_evidence() {
        let mut b = InventoryBuilder::new();
        let logs = b.logs("us-east-1").as_mut().unwrap();
        logs.metric_filters
            .iter_mut()
            .find(|f| f.name == "cis-4-3")
            .unwrap()
            .pattern = "{ ($.userIdentity.type = \"Root\" ".into();
        let o = run("cloudwatch_alarm_root_usage", &b.build());
        assert_eq!(o.status, Status::Fail);
        assert!(o.evidence.to_string().contains("parse_error"));
    }

    #[test]
    fn filter_without_alarm_fails() {
        let mut b = InventoryBuilder::new();
        b.cloudwatch("us-east-1")
            .as_mut()
            .unwrap()
            .alarms
            .retain(|a| a.name != "cis-4-3");
        let o = run("cloudwatch_alarm_root_usage", &b.build());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("no alarm"), "{}", o.message);
    }

    #[test]
    fn alarm_without_subscribed_topic_fails() {
        let mut b = InventoryBuilder::new();
        b.cloudwatch("us-east-1").as_mut().unwrap().subscriptions = Ok(vec![]);
        let o = run("cloudwatch_alarm_root_usage", &b.build());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("confirmed subscriber"), "{}", o.message);
    }

    #[test]
    fn pending_subscription_does_not_count() {
        let mut b = InventoryBuilder::new();
        let cw = b.cloudwatch("us-east-1").as_mut().unwrap();
        cw.subscriptions.as_mut().unwrap()[0].subscription_arn = "PendingConfirmation".into();
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Fail
        );
    }

    #[test]
    fn disabled_alarm_actions_fail() {
        let mut b = InventoryBuilder::new();
        for a in &mut b.cloudwatch("us-east-1").as_mut().unwrap().alarms {
            a.actions_enabled = false;
        }
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Fail
        );
    }

    #[test]
    fn filter_on_a_log_group_without_multi_region_trail_does_not_count() {
        let mut b = InventoryBuilder::new();
        b.trail().multi_region = false;
        let o = run("cloudwatch_alarm_root_usage", &b.build());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("multi-region trail"));
    }

    #[test]
    fn filters_on_another_log_group_do_not_count() {
        let mut b = InventoryBuilder::new();
        for f in &mut b.logs("us-east-1").as_mut().unwrap().metric_filters {
            f.log_group = "application-logs".into();
        }
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Fail
        );
    }

    #[test]
    fn unreadable_filters_or_subscriptions_are_errors() {
        let mut b = InventoryBuilder::new();
        *b.logs("us-east-1") = Err(access_denied());
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Error
        );
        let mut b = InventoryBuilder::new();
        b.cloudwatch("us-east-1").as_mut().unwrap().subscriptions = Err(access_denied());
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Error
        );
    }

    #[test]
    fn missing_logs_collection_is_an_error_not_a_pass() {
        let mut b = InventoryBuilder::new();
        b.inventory().logs = None;
        assert_eq!(
            run("cloudwatch_alarm_root_usage", &b.build()).status,
            Status::Error
        );
    }
}
