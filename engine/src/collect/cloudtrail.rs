//! CloudTrail collector: every trail that applies to each region (shadow trails included),
//! then each distinct trail's status and event selectors, asked of its home region.

use super::{Ctx, client};
use crate::inventory::{
    AdvancedEventSelector, CloudTrailInventory, DataResource, EventSelector, EventSelectors,
    Fetched, FieldSelector, Service, Trail, TrailStatus,
};
use crate::types::Region;
use std::collections::BTreeMap;

const S: Service = Service::CloudTrail;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> CloudTrailInventory {
    let described = ctx.per_region(S, regions, |r| describe(ctx, r)).await;
    let mut trails: BTreeMap<String, aws_sdk_cloudtrail::types::Trail> = BTreeMap::new();
    let mut per_region = BTreeMap::new();
    for (region, result) in described {
        per_region.insert(
            region,
            result.map(|list| {
                list.into_iter()
                    .filter_map(|t| {
                        let arn = t.trail_arn()?.to_owned();
                        trails.entry(arn.clone()).or_insert(t);
                        Some(arn)
                    })
                    .collect::<Vec<_>>()
            }),
        );
    }
    let trails = ctx
        .map_bounded(trails.into_values().collect(), |t| detail(ctx, t, regions))
        .await
        .into_iter()
        .flatten()
        .collect();
    CloudTrailInventory {
        regions: per_region,
        trails,
    }
}

async fn describe(ctx: &Ctx, region: Region) -> Fetched<Vec<aws_sdk_cloudtrail::types::Trail>> {
    let ct = client!(aws_sdk_cloudtrail, ctx, &region);
    let out = ctx
        .call(S, Some(&region), "DescribeTrails", None, async {
            ct.describe_trails()
                .include_shadow_trails(true)
                .send()
                .await
        })
        .await?;
    Ok(out.trail_list().to_vec())
}

async fn detail(
    ctx: &Ctx,
    t: aws_sdk_cloudtrail::types::Trail,
    scanned: &[Region],
) -> Option<Trail> {
    let arn = t.trail_arn()?.to_owned();
    let home_region = t
        .home_region()
        .and_then(|r| Region::parse(r).ok())
        .or_else(|| scanned.first().cloned())?;
    let ct = client!(aws_sdk_cloudtrail, ctx, &home_region);
    let r = Some(&home_region);
    let (status, selectors) = tokio::join!(
        ctx.call(S, r, "GetTrailStatus", Some(&arn), async {
            ct.get_trail_status().name(&arn).send().await
        }),
        ctx.call(S, r, "GetEventSelectors", Some(&arn), async {
            ct.get_event_selectors().trail_name(&arn).send().await
        }),
    );
    Some(Trail {
        name: t.name().unwrap_or_default().to_owned(),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization: t.is_organization_trail().unwrap_or(false),
        include_global_service_events: t.include_global_service_events().unwrap_or(false),
        s3_bucket: t.s3_bucket_name().map(str::to_owned),
        s3_key_prefix: t.s3_key_prefix().map(str::to_owned),
        kms_key_id: t.kms_key_id().map(str::to_owned),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_owned),
        cloudwatch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_owned),
        status: status.map(|s| TrailStatus {
            is_logging: s.is_logging().unwrap_or(false),
            latest_delivery_error: s
                .latest_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
            latest_cloudwatch_logs_delivery_error: s
                .latest_cloud_watch_logs_delivery_error()
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
        }),
        selectors: selectors.map(|s| EventSelectors {
            basic: s
                .event_selectors()
                .iter()
                .map(|e| EventSelector {
                    read_write_type: e
                        .read_write_type()
                        .map(|t| t.as_str().to_owned())
                        .unwrap_or_else(|| "All".into()),
                    include_management_events: e.include_management_events().unwrap_or(true),
                    exclude_management_event_sources: e.exclude_management_event_sources().to_vec(),
                    data_resources: e
                        .data_resources()
                        .iter()
                        .map(|d| DataResource {
                            resource_type: d.r#type().unwrap_or_default().to_owned(),
                            values: d.values().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
            advanced: s
                .advanced_event_selectors()
                .iter()
                .map(|a| AdvancedEventSelector {
                    name: a.name().map(str::to_owned),
                    field_selectors: a
                        .field_selectors()
                        .iter()
                        .map(|f| FieldSelector {
                            field: f.field().to_owned(),
                            equals: f.equals().to_vec(),
                            not_equals: f.not_equals().to_vec(),
                            starts_with: f.starts_with().to_vec(),
                            not_starts_with: f.not_starts_with().to_vec(),
                            ends_with: f.ends_with().to_vec(),
                            not_ends_with: f.not_ends_with().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
        }),
        arn,
        home_region,
    })
}
