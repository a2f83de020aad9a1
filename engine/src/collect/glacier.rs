//! S3 Glacier vaults: collector. `ListVaults`, then per vault its access policy, vault lock
//! and notification configuration. Glacier answers `ResourceNotFoundException` when a vault
//! has none of these, which is recorded as "not configured", not as an error.

use super::{Ctx, client, policy_document};
use crate::inventory::{
    FetchError, Fetched, GlacierRegion, Regional, Service, Vault, VaultLock, VaultNotifications,
};
use crate::types::Region;

const S: Service = Service::Glacier;
const ABSENT: &[&str] = &["ResourceNotFoundException"];

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<GlacierRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<GlacierRegion> {
    let glacier = client!(aws_sdk_glacier, ctx, &region);
    let glacier = &glacier;
    let r = Some(&region);
    let listed: Vec<(String, String)> = ctx
        .call(S, r, "ListVaults", None, async {
            glacier
                .list_vaults()
                .account_id("-")
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?
        .iter()
        .filter_map(|v| Some((v.vault_arn()?.to_owned(), v.vault_name()?.to_owned())))
        .collect();
    let vaults = ctx
        .map_bounded(listed, |(arn, name)| async move {
            let policy = ctx
                .call_opt(S, r, "GetVaultAccessPolicy", Some(&arn), ABSENT, async {
                    glacier
                        .get_vault_access_policy()
                        .account_id("-")
                        .vault_name(&name)
                        .send()
                        .await
                })
                .await
                .and_then(|out| {
                    out.as_ref()
                        .and_then(|o| o.policy())
                        .and_then(|p| p.policy())
                        .filter(|p| !p.trim().is_empty())
                        .map(policy_document)
                        .transpose()
                });
            let lock = ctx
                .call_opt(S, r, "GetVaultLock", Some(&arn), ABSENT, async {
                    glacier
                        .get_vault_lock()
                        .account_id("-")
                        .vault_name(&name)
                        .send()
                        .await
                })
                .await
                .and_then(|out| {
                    out.map(|o| {
                        Ok::<_, FetchError>(VaultLock {
                            state: o.state().map(str::to_owned),
                            policy: o
                                .policy()
                                .filter(|p| !p.trim().is_empty())
                                .map(policy_document)
                                .transpose()?,
                        })
                    })
                    .transpose()
                });
            let notifications = ctx
                .call_opt(S, r, "GetVaultNotifications", Some(&arn), ABSENT, async {
                    glacier
                        .get_vault_notifications()
                        .account_id("-")
                        .vault_name(&name)
                        .send()
                        .await
                })
                .await
                .map(|out| {
                    out.and_then(|o| {
                        o.vault_notification_config().map(|c| VaultNotifications {
                            sns_topic: c.sns_topic().map(str::to_owned),
                            events: c.events().to_vec(),
                        })
                    })
                });
            Vault {
                arn,
                name,
                policy,
                lock,
                notifications,
            }
        })
        .await;
    Ok(GlacierRegion { vaults })
}

#[cfg(test)]
mod tests_without_moto_from_aws_documented_responses {
    //! Moto serves `ListVaults` only; the per-vault calls are answered here with the bodies
    //! of the S3 Glacier API reference (REST-JSON; errors carry `code`, `message`, `type`).
    use crate::checks::{Status, evaluate_checks, find};
    use crate::inventory::{Inventory, Service};
    use crate::testing::fake_aws::{self, Response};
    use crate::testing::{CALLER_IDENTITY, now, scan_fake};

    const VAULTS: &str = r#"{"Marker": null, "VaultList": [
        {"CreationDate": "2015-04-06T21:23:45.708Z", "LastInventoryDate": "2015-04-07T00:26:19.028Z", "NumberOfArchives": 1, "SizeInBytes": 3178496, "VaultARN": "arn:aws:glacier:us-west-2:123456789012:vaults/public", "VaultName": "public"},
        {"CreationDate": "2015-04-06T21:23:45.708Z", "NumberOfArchives": 0, "SizeInBytes": 0, "VaultARN": "arn:aws:glacier:us-west-2:123456789012:vaults/plain", "VaultName": "plain"}]}"#;

    fn json(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "application/json",
            body: body.to_owned(),
        }
    }

    fn not_found(what: &str) -> Response {
        json(
            404,
            &format!(
                r#"{{"code": "ResourceNotFoundException", "message": "No {what} is set for the vault", "type": "Client"}}"#
            ),
        )
    }

    async fn server() -> String {
        let public = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Sid": "everyone", "Effect": "Allow",
            "Principal": "*", "Action": "glacier:InitiateJob", "Resource": "arn:aws:glacier:us-west-2:123456789012:vaults/public"}]});
        // The output's `policy` is the HTTP payload: the body is `{"Policy": "<json>"}`.
        let policy = serde_json::json!({"Policy": public.to_string()}).to_string();
        let lock = serde_json::json!({"Policy": public.to_string(), "State": "Locked", "ExpirationDate": null, "CreationDate": "2016-02-15T22:14:42.000Z"}).to_string();
        fake_aws::serve(move |req| {
            if req.body.contains("Action=GetCallerIdentity") {
                return Response::xml(CALLER_IDENTITY);
            }
            match (req.method.as_str(), req.path.as_str()) {
                ("GET", p) if p.starts_with("/-/vaults?") || p == "/-/vaults" => json(200, VAULTS),
                ("GET", "/-/vaults/public/access-policy") => json(200, &policy),
                ("GET", "/-/vaults/public/lock-policy") => json(200, &lock),
                ("GET", "/-/vaults/public/notification-configuration") => json(
                    200,
                    r#"{"SNSTopic": "arn:aws:sns:us-west-2:123456789012:mytopic", "Events": ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"]}"#,
                ),
                ("GET", "/-/vaults/plain/access-policy") => not_found("vault access policy"),
                ("GET", "/-/vaults/plain/lock-policy") => not_found("vault lock policy"),
                ("GET", "/-/vaults/plain/notification-configuration") => {
                    not_found("notification configuration")
                }
                _ => json(400, r#"{"code": "InvalidParameterValueException", "message": "unexpected request", "type": "Client"}"#),
            }
        })
        .await
    }

    fn status(inv: &Inventory, check: &str, vault: &str) -> Status {
        let check = find(check).unwrap();
        let f = evaluate_checks(&[check], inv, now());
        f.iter()
            .find(|f| f.resource_arn.ends_with(&format!("vaults/{vault}")))
            .unwrap_or_else(|| panic!("no finding for {vault}: {f:#?}"))
            .status
    }

    #[tokio::test]
    async fn a_public_vault_policy_fails_and_a_vault_without_one_passes() {
        let url = server().await;
        let inv = scan_fake(&url, &[Service::Glacier], "us-west-2")
            .await
            .unwrap();
        assert!(inv.errors.is_empty(), "{:#?}", inv.errors);
        let p = "glacier_vault_policy_not_public";
        assert_eq!(status(&inv, p, "public"), Status::Fail);
        assert_eq!(status(&inv, p, "plain"), Status::Pass);
    }

    #[tokio::test]
    async fn vault_locks_and_notifications_are_read_and_their_absence_is_not_an_error() {
        let url = server().await;
        let inv = scan_fake(&url, &[Service::Glacier], "us-west-2")
            .await
            .unwrap();
        let lock = "glacier_vault_lock_locked";
        let notify = "glacier_vault_notifications_configured";
        assert_eq!(status(&inv, lock, "public"), Status::Pass);
        assert_eq!(status(&inv, lock, "plain"), Status::Fail);
        assert_eq!(status(&inv, notify, "public"), Status::Pass);
        assert_eq!(status(&inv, notify, "plain"), Status::Fail);
    }

    #[tokio::test]
    async fn a_region_where_listing_vaults_is_denied_is_an_error() {
        let url = fake_aws::serve(|req| {
            if req.body.contains("Action=GetCallerIdentity") {
                Response::xml(CALLER_IDENTITY)
            } else {
                json(403, r#"{"code": "AccessDeniedException", "message": "User is not authorized to perform: glacier:ListVaults", "type": "Client"}"#)
            }
        })
        .await;
        let inv = scan_fake(&url, &[Service::Glacier], "us-west-2")
            .await
            .unwrap();
        assert_eq!(inv.errors.len(), 1, "{:#?}", inv.errors);
        assert_eq!(inv.errors[0].code, "AccessDeniedException");
        let check = find("glacier_vault_policy_not_public").unwrap();
        let f = evaluate_checks(&[check], &inv, now());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, Status::Error);
    }
}
