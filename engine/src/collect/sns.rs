//! SNS collector: topics and their access policies.

use super::{Ctx, client, policy_document};
use crate::inventory::{Fetched, Regional, Service, SnsRegion, Topic};
use crate::types::Region;

const S: Service = Service::Sns;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<SnsRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<SnsRegion> {
    let sns = client!(aws_sdk_sns, ctx, &region);
    let sns = &sns;
    let r = Some(&region);
    let arns: Vec<String> = ctx
        .call(S, r, "ListTopics", None, async {
            sns.list_topics()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?
        .iter()
        .filter_map(|t| t.topic_arn().map(str::to_owned))
        .collect();
    let topics = ctx
        .map_bounded(arns, |arn| async move {
            let policy = ctx
                .call(S, r, "GetTopicAttributes", Some(&arn), async {
                    sns.get_topic_attributes().topic_arn(&arn).send().await
                })
                .await
                .and_then(|out| {
                    out.attributes()
                        .and_then(|a| a.get("Policy"))
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| policy_document(p))
                        .transpose()
                });
            Topic { arn, policy }
        })
        .await;
    Ok(SnsRegion { topics })
}
