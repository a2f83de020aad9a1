//! Shield Advanced subscription and protections: collector. Shield Advanced is global; its
//! API is called once, in us-east-1. The protections, SRT access and emergency contacts
//! are read only for a subscribed account.

use super::{Ctx, client, time};
use crate::inventory::{
    DrtAccess, EmergencyContact, Service, ShieldInventory, ShieldProtection, ShieldSubscription,
};
use crate::types::Region;
use aws_sdk_shield::Client;
use aws_sdk_shield::error::SdkError;
use aws_sdk_shield::operation::describe_drt_access::DescribeDRTAccessError;
use aws_sdk_shield::operation::describe_emergency_contact_settings::DescribeEmergencyContactSettingsError;
use aws_sdk_shield::operation::describe_subscription::DescribeSubscriptionError;
use aws_sdk_shield::operation::list_protections::ListProtectionsError;

const S: Service = Service::Shield;

/// What `DescribeSubscription` says, before the per-subscription calls.
struct SubscriptionHead {
    arn: Option<String>,
    start_time: Option<chrono::DateTime<chrono::Utc>>,
    end_time: Option<chrono::DateTime<chrono::Utc>>,
    auto_renew: Option<String>,
    proactive_engagement: Option<String>,
}

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, _regions: &[Region]) -> ShieldInventory {
    let region = Region::us_east_1();
    let shield = client!(aws_sdk_shield, ctx, &region);
    let r = Some(&region);
    ctx.progress().add_tasks(1);
    let head = ctx
        .call_opt(
            S,
            r,
            "DescribeSubscription",
            None,
            &["ResourceNotFoundException"],
            subscription(&shield),
        )
        .await;
    let subscription = match head {
        Err(e) => Err(e),
        Ok(None) => Ok(None),
        Ok(Some(head)) => {
            let (protections, drt_access, emergency_contacts) = tokio::join!(
                ctx.call_opt(
                    S,
                    r,
                    "ListProtections",
                    None,
                    // Shield answers ResourceNotFoundException when nothing is protected.
                    &["ResourceNotFoundException"],
                    protections(&shield),
                ),
                ctx.call(S, r, "DescribeDRTAccess", None, drt_access(&shield)),
                ctx.call(
                    S,
                    r,
                    "DescribeEmergencyContactSettings",
                    None,
                    emergency_contacts(&shield)
                ),
            );
            Ok(Some(ShieldSubscription {
                arn: head.arn,
                start_time: head.start_time,
                end_time: head.end_time,
                auto_renew: head.auto_renew,
                proactive_engagement: head.proactive_engagement,
                protections: protections.map(Option::unwrap_or_default),
                drt_access,
                emergency_contacts,
            }))
        }
    };
    ctx.progress().task_done("shield");
    ShieldInventory { subscription }
}

async fn subscription(
    shield: &Client,
) -> Result<SubscriptionHead, SdkError<DescribeSubscriptionError>> {
    let out = shield.describe_subscription().send().await?;
    let sub = out.subscription();
    Ok(SubscriptionHead {
        arn: sub.and_then(|s| s.subscription_arn()).map(str::to_owned),
        start_time: time(sub.and_then(|s| s.start_time())),
        end_time: time(sub.and_then(|s| s.end_time())),
        auto_renew: sub
            .and_then(|s| s.auto_renew())
            .map(|a| a.as_str().to_owned()),
        proactive_engagement: sub
            .and_then(|s| s.proactive_engagement_status())
            .map(|p| p.as_str().to_owned()),
    })
}

async fn protections(
    shield: &Client,
) -> Result<Vec<ShieldProtection>, SdkError<ListProtectionsError>> {
    let all: Vec<aws_sdk_shield::types::Protection> = shield
        .list_protections()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await?;
    Ok(all
        .iter()
        .map(|p| ShieldProtection {
            id: p.id().map(str::to_owned),
            name: p.name().map(str::to_owned),
            resource_arn: p.resource_arn().map(str::to_owned),
        })
        .collect())
}

async fn drt_access(shield: &Client) -> Result<DrtAccess, SdkError<DescribeDRTAccessError>> {
    let out = shield.describe_drt_access().send().await?;
    Ok(DrtAccess {
        role_arn: out.role_arn().filter(|r| !r.is_empty()).map(str::to_owned),
        log_buckets: out.log_bucket_list().to_vec(),
    })
}

async fn emergency_contacts(
    shield: &Client,
) -> Result<Vec<EmergencyContact>, SdkError<DescribeEmergencyContactSettingsError>> {
    let out = shield.describe_emergency_contact_settings().send().await?;
    Ok(out
        .emergency_contact_list()
        .iter()
        .map(|c| EmergencyContact {
            email: c.email_address().to_owned(),
            phone: c.phone_number().map(str::to_owned),
            notes: c.contact_notes().map(str::to_owned),
        })
        .collect())
}
