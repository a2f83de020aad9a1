//! CIS section 4 monitoring checks through the real SDK path against moto: trail → log
//! group → metric filter → alarm → SNS topic → subscription.

use super::cloudtrail::trail;
use super::*;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;

const ROOT_FILTER: &str = r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#;

async fn alarmed_filter(
    acct: &MotoAccount,
    group: &str,
    name: &str,
    pattern: &str,
    subscribe: bool,
) {
    let logs = acct.logs("us-east-1");
    logs.put_metric_filter()
        .log_group_name(group)
        .filter_name(name)
        .filter_pattern(pattern)
        .metric_transformations(
            MetricTransformation::builder()
                .metric_name(name)
                .metric_namespace("CISBenchmark")
                .metric_value("1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let sns = acct.sns("us-east-1");
    let topic = sns
        .create_topic()
        .name(format!("{name}-topic"))
        .send()
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    if subscribe {
        sns.subscribe()
            .topic_arn(&topic)
            .protocol("sqs")
            .endpoint(format!("arn:aws:sqs:us-east-1:{}:soc", acct.account_id))
            .send()
            .await
            .unwrap();
    }
    acct.cloudwatch("us-east-1")
        .put_metric_alarm()
        .alarm_name(name)
        .metric_name(name)
        .namespace("CISBenchmark")
        .statistic(Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .alarm_actions(topic)
        .send()
        .await
        .unwrap();
}

async fn monitored_account(subscribe: bool) -> Inventory {
    let acct = account().await;
    let group = "cloudtrail-events";
    acct.logs("us-east-1")
        .create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    let group_arn = format!(
        "arn:aws:logs:us-east-1:{}:log-group:{group}:*",
        acct.account_id
    );
    trail(&acct, "org-trail", true, Some(&group_arn)).await;
    alarmed_filter(&acct, group, "root-usage", ROOT_FILTER, subscribe).await;
    // A filter that forgets StopLogging: CIS 4.5 must fail.
    let ct = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }";
    alarmed_filter(&acct, group, "trail-changes", ct, subscribe).await;
    scan(
        &acct,
        &[Service::CloudTrail, Service::Logs, Service::CloudWatch],
        &["us-east-1"],
    )
    .await
}

#[tokio::test]
async fn complete_chain_passes_and_incomplete_filter_fails() {
    let inv = monitored_account(true).await;
    assert_eq!(
        status_in(&inv, "cloudwatch_alarm_root_usage", Some("us-east-1")),
        Status::Pass
    );
    assert_eq!(
        status(
            &inv,
            "cloudtrail_cloudwatch_logs_delivery",
            ":trail/org-trail"
        ),
        Status::Pass
    );
    let f = findings(&inv, "cloudwatch_alarm_cloudtrail_changes");
    assert_eq!(f[0].status, Status::Fail);
    assert!(
        f[0].evidence.to_string().contains("StopLogging"),
        "{}",
        f[0].evidence
    );
    // Nothing was set up for security groups at all.
    assert_eq!(
        findings(&inv, "cloudwatch_alarm_security_group_changes")[0].status,
        Status::Fail
    );
}

#[tokio::test]
async fn alarm_on_a_topic_without_subscribers_fails() {
    let inv = monitored_account(false).await;
    let f = findings(&inv, "cloudwatch_alarm_root_usage");
    assert_eq!(f[0].status, Status::Fail);
    assert!(f[0].message.contains("subscriber"), "{}", f[0].message);
}

#[tokio::test]
async fn log_group_retention_of_the_trail_group_is_judged() {
    let acct = account().await;
    let group = "trail-group";
    let logs = acct.logs("us-east-1");
    logs.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name(group)
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    let group_arn = format!(
        "arn:aws:logs:us-east-1:{}:log-group:{group}:*",
        acct.account_id
    );
    trail(&acct, "retention-trail", true, Some(&group_arn)).await;
    let inv = scan(&acct, &[Service::CloudTrail, Service::Logs], &["us-east-1"]).await;
    assert_eq!(
        findings(&inv, "logs_trail_log_group_retention")[0].status,
        Status::Fail
    );
}
