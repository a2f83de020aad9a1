//! CloudWatch Logs collector: log groups (retention, encryption) and metric filters.

use super::{Ctx, client};
use crate::inventory::{Fetched, LogGroup, LogsRegion, MetricFilter, MetricRef, Regional, Service};
use crate::types::Region;

const S: Service = Service::Logs;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<LogsRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<LogsRegion> {
    let logs = client!(aws_sdk_cloudwatchlogs, ctx, &region);
    let r = Some(&region);
    let (groups, filters) = tokio::join!(
        ctx.call(S, r, "DescribeLogGroups", None, async {
            logs.describe_log_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        }),
        ctx.call(S, r, "DescribeMetricFilters", None, async {
            logs.describe_metric_filters()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        }),
    );
    Ok(LogsRegion {
        log_groups: groups?
            .iter()
            .map(|g| LogGroup {
                name: g.log_group_name().unwrap_or_default().to_owned(),
                arn: g.arn().unwrap_or_default().to_owned(),
                retention_days: g.retention_in_days(),
                kms_key_id: g.kms_key_id().map(str::to_owned),
                creation_time: g
                    .creation_time()
                    .and_then(chrono::DateTime::from_timestamp_millis),
            })
            .collect(),
        metric_filters: filters?
            .iter()
            .map(|f| MetricFilter {
                name: f.filter_name().unwrap_or_default().to_owned(),
                log_group: f.log_group_name().unwrap_or_default().to_owned(),
                pattern: f.filter_pattern().unwrap_or_default().to_owned(),
                metrics: f
                    .metric_transformations()
                    .iter()
                    .map(|m| MetricRef {
                        namespace: m.metric_namespace().to_owned(),
                        name: m.metric_name().to_owned(),
                    })
                    .collect(),
            })
            .collect(),
    })
}
