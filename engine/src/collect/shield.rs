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

#[cfg(test)]
mod shield_tests_without_moto_from_aws_documented_responses {
    //! moto serves no `DescribeDRTAccess` nor `DescribeEmergencyContactSettings`, and its
    //! `DescribeSubscription` sends timestamps as formatted strings; these bodies follow the
    //! Shield API reference (JSON 1.1, `X-Amz-Target: AWSShield_20160616.<Operation>`).
    use super::*;
    use crate::inventory::FetchError;
    use crate::testing::fake_aws::{self, Response};

    const SUBSCRIPTION: &str = r#"{"Subscription": {
        "AutoRenew": "DISABLED",
        "EndTime": 1767225600,
        "Limits": [{"Max": 1000, "Type": "MitigationCapacityUnits"}],
        "ProactiveEngagementStatus": "ENABLED",
        "StartTime": 1735689600,
        "SubscriptionArn": "arn:aws:shield::123456789012:subscription/1a2b-3c4d-5e6f",
        "SubscriptionLimits": {
            "ProtectionGroupLimits": {"MaxProtectionGroups": 1000,
                "PatternTypeLimits": {"ArbitraryPatternLimits": {"MaxMembers": 10000}}},
            "ProtectionLimits": {"ProtectedResourceTypeLimits": [
                {"Max": 1000, "Type": "ELASTIC_IP_ADDRESS"}]}
        },
        "TimeCommitmentInSeconds": 31536000
    }}"#;

    const DRT_ACCESS: &str = r#"{"LogBucketList": ["alb-access-logs-123456789012"],
        "RoleArn": "arn:aws:iam::123456789012:role/AWSSRTAccess"}"#;

    const CONTACTS: &str = r#"{"EmergencyContactList": [
        {"ContactNotes": "security on-call", "EmailAddress": "oncall@example.com",
         "PhoneNumber": "+15555550100"}]}"#;

    const PROTECTIONS: &str = r#"{"Protections": [{
        "HealthCheckIds": [],
        "Id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "Name": "cdn",
        "ProtectionArn": "arn:aws:shield::123456789012:protection/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "ResourceArn": "arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE"}]}"#;

    async fn client(handler: fn(&str) -> Response) -> Client {
        let url = fake_aws::serve(move |req| {
            assert!(
                req.header("x-amz-target")
                    .is_some_and(|t| t.starts_with("AWSShield_20160616.")),
                "{:?}",
                req.headers
            );
            handler(req.target())
        })
        .await;
        Client::new(&fake_aws::sdk_config(&url, "us-east-1"))
    }

    fn documented(op: &str) -> Response {
        match op {
            "DescribeSubscription" => Response::json(SUBSCRIPTION),
            "DescribeDRTAccess" => Response::json(DRT_ACCESS),
            "DescribeEmergencyContactSettings" => Response::json(CONTACTS),
            "ListProtections" => Response::json(PROTECTIONS),
            _ => Response::json_error(400, "InvalidOperationException", op),
        }
    }

    #[tokio::test]
    async fn a_subscription_is_read_with_its_renewal_engagement_and_dates() {
        let shield = client(documented).await;
        let head = subscription(&shield).await.unwrap();
        assert_eq!(
            head.arn.as_deref(),
            Some("arn:aws:shield::123456789012:subscription/1a2b-3c4d-5e6f")
        );
        assert_eq!(head.auto_renew.as_deref(), Some("DISABLED"));
        assert_eq!(head.proactive_engagement.as_deref(), Some("ENABLED"));
        assert_eq!(
            head.end_time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-01-01T00:00:00+00:00")
        );
    }

    #[tokio::test]
    async fn srt_access_emergency_contacts_and_protections_are_read() {
        let shield = client(documented).await;
        let access = drt_access(&shield).await.unwrap();
        assert_eq!(
            access.role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/AWSSRTAccess")
        );
        assert_eq!(access.log_buckets, vec!["alb-access-logs-123456789012"]);
        let contacts = emergency_contacts(&shield).await.unwrap();
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].email, "oncall@example.com");
        assert_eq!(contacts[0].phone.as_deref(), Some("+15555550100"));
        let protected = protections(&shield).await.unwrap();
        assert_eq!(protected.len(), 1);
        assert_eq!(
            protected[0].resource_arn.as_deref(),
            Some("arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE")
        );
    }

    #[tokio::test]
    async fn no_srt_role_and_no_contacts_are_read_as_absent() {
        let shield = client(|op| match op {
            "DescribeDRTAccess" => Response::json("{}"),
            _ => Response::json(r#"{"EmergencyContactList": []}"#),
        })
        .await;
        assert_eq!(drt_access(&shield).await.unwrap(), DrtAccess::default());
        assert!(emergency_contacts(&shield).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn not_subscribed_and_denied_keep_their_aws_codes() {
        let shield = client(|op| match op {
            "DescribeSubscription" => Response::json_error(
                400,
                "ResourceNotFoundException",
                "The subscription does not exist.",
            ),
            _ => Response::json_error(400, "AccessDeniedException", "not authorized"),
        })
        .await;
        let err = subscription(&shield).await.map(|_| ()).unwrap_err();
        assert_eq!(
            super::super::fetch_error(&err).code,
            "ResourceNotFoundException"
        );
        let err = drt_access(&shield).await.unwrap_err();
        let err: FetchError = super::super::fetch_error(&err);
        assert_eq!(err.code, "AccessDeniedException");
    }
}
