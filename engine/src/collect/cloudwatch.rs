//! CloudWatch collector: metric alarms, and the region's SNS subscriptions so alarm actions
//! can be followed to a real subscriber.

use super::{Ctx, client};
use crate::inventory::{
    Alarm, CloudWatchRegion, Fetched, MetricRef, Regional, Service, Subscription,
};
use crate::types::Region;

const S: Service = Service::CloudWatch;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<CloudWatchRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<CloudWatchRegion> {
    let cw = client!(aws_sdk_cloudwatch, ctx, &region);
    let sns = client!(aws_sdk_sns, ctx, &region);
    let r = Some(&region);
    let (alarms, subscriptions) = tokio::join!(
        ctx.call(S, r, "DescribeAlarms", None, async {
            cw.describe_alarms()
                .into_paginator()
                .send()
                .try_collect()
                .await
        }),
        ctx.call(S, r, "sns:ListSubscriptions", None, async {
            sns.list_subscriptions()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        }),
    );
    Ok(CloudWatchRegion {
        alarms: alarms?
            .iter()
            .flat_map(|page| page.metric_alarms())
            .map(|a| Alarm {
                name: a.alarm_name().unwrap_or_default().to_owned(),
                arn: a.alarm_arn().unwrap_or_default().to_owned(),
                metric: match (a.namespace(), a.metric_name()) {
                    (Some(ns), Some(name)) => Some(MetricRef {
                        namespace: ns.to_owned(),
                        name: name.to_owned(),
                    }),
                    _ => None,
                },
                actions_enabled: a.actions_enabled().unwrap_or(true),
                alarm_actions: a.alarm_actions().to_vec(),
                state: a.state_value().map(|s| s.as_str().to_owned()),
            })
            .collect(),
        subscriptions: subscriptions.map(|subs| {
            subs.iter()
                .map(|s| Subscription {
                    topic_arn: s.topic_arn().unwrap_or_default().to_owned(),
                    protocol: s.protocol().unwrap_or_default().to_owned(),
                    subscription_arn: s.subscription_arn().unwrap_or_default().to_owned(),
                })
                .collect()
        }),
    })
}
