//! AWS Config collector: configuration recorders with their status, and delivery channels.

use super::{Ctx, client};
use crate::inventory::{ConfigRegion, DeliveryChannel, Fetched, Recorder, Regional, Service};
use crate::types::Region;

const S: Service = Service::Config;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<ConfigRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<ConfigRegion> {
    let cfg = client!(aws_sdk_config, ctx, &region);
    let r = Some(&region);
    let (recorders, statuses, channels) = tokio::join!(
        ctx.call(S, r, "DescribeConfigurationRecorders", None, async {
            cfg.describe_configuration_recorders().send().await
        }),
        ctx.call(S, r, "DescribeConfigurationRecorderStatus", None, async {
            cfg.describe_configuration_recorder_status().send().await
        }),
        ctx.call(S, r, "DescribeDeliveryChannels", None, async {
            cfg.describe_delivery_channels().send().await
        }),
    );
    let statuses = statuses?;
    Ok(ConfigRegion {
        recorders: recorders?
            .configuration_recorders()
            .iter()
            .map(|rec| {
                let name = rec.name().unwrap_or_default().to_owned();
                let status = statuses
                    .configuration_recorders_status()
                    .iter()
                    .find(|s| s.name() == Some(name.as_str()));
                let group = rec.recording_group();
                Recorder {
                    role_arn: rec.role_arn().map(str::to_owned),
                    all_supported: group.is_some_and(|g| g.all_supported()),
                    include_global_resource_types: group
                        .is_some_and(|g| g.include_global_resource_types()),
                    resource_types: group
                        .map(|g| {
                            g.resource_types()
                                .iter()
                                .map(|t| t.as_str().to_owned())
                                .collect()
                        })
                        .unwrap_or_default(),
                    recording: status.is_some_and(|s| s.recording()),
                    last_status: status
                        .and_then(|s| s.last_status())
                        .map(|s| s.as_str().to_owned()),
                    last_error_code: status.and_then(|s| s.last_error_code()).map(str::to_owned),
                    name,
                }
            })
            .collect(),
        delivery_channels: channels?
            .delivery_channels()
            .iter()
            .map(|c| DeliveryChannel {
                name: c.name().unwrap_or_default().to_owned(),
                s3_bucket: c.s3_bucket_name().map(str::to_owned),
                sns_topic_arn: c.sns_topic_arn().map(str::to_owned),
            })
            .collect(),
    })
}
