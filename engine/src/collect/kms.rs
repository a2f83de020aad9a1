//! KMS collector: keys with spec, usage, state and manager, rotation status where rotation
//! applies, key policies, and aliases.

use super::{Ctx, client, policy_document, time};
use crate::inventory::{Alias, Fetched, Key, KmsRegion, Regional, Service};
use crate::types::Region;

const S: Service = Service::Kms;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<KmsRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<KmsRegion> {
    let kms = client!(aws_sdk_kms, ctx, &region);
    let kms = &kms;
    let region = &region;
    let r = Some(region);
    let (keys, aliases) = tokio::join!(
        ctx.call(S, r, "ListKeys", None, async {
            kms.list_keys()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        }),
        ctx.call(S, r, "ListAliases", None, async {
            kms.list_aliases()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        }),
    );
    let ids: Vec<String> = keys?
        .iter()
        .filter_map(|k| k.key_id().map(str::to_owned))
        .collect();
    let keys = ctx
        .map_bounded(ids, |id| async move {
            let meta = ctx
                .call(S, r, "DescribeKey", Some(&id), async {
                    kms.describe_key().key_id(&id).send().await
                })
                .await
                .and_then(|o| {
                    o.key_metadata().cloned().ok_or_else(|| {
                        crate::inventory::FetchError::new(
                            "MalformedResponse",
                            "DescribeKey returned no metadata",
                        )
                    })
                });
            let meta = match meta {
                Ok(meta) => meta,
                // Keep the key, so checks report ERROR for it instead of forgetting it.
                Err(e) => return unreadable_key(id, region, &ctx.account_id, e),
            };
            let mut key = Key {
                arn: meta.arn().unwrap_or_default().to_owned(),
                description: meta
                    .description()
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned),
                spec: meta
                    .key_spec()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".into()),
                usage: meta
                    .key_usage()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                state: meta
                    .key_state()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                manager: meta
                    .key_manager()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                origin: meta
                    .origin()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_else(|| "AWS_KMS".into()),
                creation_date: time(meta.creation_date()),
                deletion_date: time(meta.deletion_date()),
                rotation_enabled: Ok(None),
                policy: Ok(None),
                id,
            };
            let id = key.id.as_str();
            let rotation = async {
                if !key.rotation_applies() {
                    return Ok(None);
                }
                ctx.call(S, r, "GetKeyRotationStatus", Some(id), async {
                    kms.get_key_rotation_status().key_id(id).send().await
                })
                .await
                .map(|o| Some(o.key_rotation_enabled()))
            };
            let policy = async {
                let out = ctx
                    .call(S, r, "GetKeyPolicy", Some(id), async {
                        kms.get_key_policy()
                            .key_id(id)
                            .policy_name("default")
                            .send()
                            .await
                    })
                    .await?;
                match out.policy() {
                    None => Ok(None),
                    Some(raw) => policy_document(raw)
                        .map(Some)
                        .inspect_err(|e| ctx.record(S, r, "GetKeyPolicy", Some(id), e)),
                }
            };
            let (rotation, policy) = tokio::join!(rotation, policy);
            key.rotation_enabled = rotation;
            key.policy = policy;
            key
        })
        .await;
    Ok(KmsRegion {
        keys,
        aliases: aliases?
            .iter()
            .map(|a| Alias {
                name: a.alias_name().unwrap_or_default().to_owned(),
                target_key_id: a.target_key_id().map(str::to_owned),
            })
            .collect(),
    })
}

fn unreadable_key(
    id: String,
    region: &Region,
    account: &crate::types::AccountId,
    e: crate::inventory::FetchError,
) -> Key {
    Key {
        arn: format!("arn:aws:kms:{region}:{account}:key/{id}"),
        description: None,
        spec: String::new(),
        usage: String::new(),
        state: "Unknown".into(),
        manager: "UNKNOWN".into(),
        origin: String::new(),
        creation_date: None,
        deletion_date: None,
        rotation_enabled: Err(e.clone()),
        policy: Err(e),
        id,
    }
}
