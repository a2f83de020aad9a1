//! S3 collector: buckets with their region and every security-relevant setting, and the
//! account-level Block Public Access settings from S3 Control.

use super::endpoint::StripAccountHostPrefix;
use super::{Ctx, home_region, policy_document, time};
use crate::inventory::{
    Bucket, EncryptionRule, FetchError, Fetched, Grant, LoggingTarget, ObjectLock,
    PublicAccessBlock, S3Inventory, Service, Versioning,
};
use crate::types::Region;
use std::collections::BTreeMap;

const S: Service = Service::S3;

fn s3_client(ctx: &Ctx, region: &Region) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&ctx.region_config(region))
            // Emulators and proxies on a custom endpoint cannot serve virtual-hosted buckets.
            .force_path_style(ctx.endpoint_overridden())
            .interceptor(ctx.counter())
            .build(),
    )
}

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> S3Inventory {
    let home = home_region(regions);
    let s3 = s3_client(ctx, &home);
    ctx.progress().add_tasks(1);
    let (buckets, account_pab) = tokio::join!(
        list_buckets(ctx, &s3, &home),
        account_public_access_block(ctx, &home)
    );
    ctx.progress().task_done("s3");
    S3Inventory {
        buckets,
        account_public_access_block: account_pab,
    }
}

async fn account_public_access_block(
    ctx: &Ctx,
    home: &Region,
) -> Fetched<Option<PublicAccessBlock>> {
    let mut builder = aws_sdk_s3control::config::Builder::from(&ctx.region_config(home))
        .interceptor(ctx.counter());
    if ctx.endpoint_overridden() {
        builder = builder.interceptor(StripAccountHostPrefix {
            account_id: ctx.account_id.to_string(),
        });
    }
    let control = aws_sdk_s3control::Client::from_conf(builder.build());
    let out = ctx
        .call_opt(
            S,
            None,
            "s3control:GetPublicAccessBlock",
            None,
            &["NoSuchPublicAccessBlockConfiguration"],
            async {
                control
                    .get_public_access_block()
                    .account_id(ctx.account_id.as_str())
                    .send()
                    .await
            },
        )
        .await?;
    Ok(out
        .and_then(|o| o.public_access_block_configuration().cloned())
        .map(|c| PublicAccessBlock {
            block_public_acls: c.block_public_acls().unwrap_or(false),
            ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
            block_public_policy: c.block_public_policy().unwrap_or(false),
            restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
        }))
}

async fn list_buckets(ctx: &Ctx, s3: &aws_sdk_s3::Client, home: &Region) -> Fetched<Vec<Bucket>> {
    let listed = ctx
        .call(S, None, "ListBuckets", None, async {
            s3.list_buckets()
                .into_paginator()
                .send()
                .try_collect()
                .await
        })
        .await?;
    let names: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> = listed
        .iter()
        .flat_map(|page| page.buckets())
        .filter_map(|b| Some((b.name()?.to_owned(), time(b.creation_date()))))
        .collect();
    ctx.progress().add_tasks(names.len() as u64);
    let clients = tokio::sync::Mutex::new(BTreeMap::<Region, aws_sdk_s3::Client>::new());
    let clients = &clients;
    Ok(ctx
        .map_bounded(names, |(name, created)| async move {
            let region = bucket_region(ctx, s3, &name, home).await;
            let client = match &region {
                Ok(r) => clients
                    .lock()
                    .await
                    .entry(r.clone())
                    .or_insert_with(|| s3_client(ctx, r))
                    .clone(),
                Err(_) => s3.clone(),
            };
            let bucket = Box::pin(describe_bucket(ctx, &client, name, created, region)).await;
            ctx.progress()
                .task_done(&format!("s3 bucket {}", bucket.name));
            bucket
        })
        .await)
}

async fn bucket_region(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    name: &str,
    home: &Region,
) -> Fetched<Region> {
    let out = ctx
        .call(S, None, "GetBucketLocation", Some(name), async {
            s3.get_bucket_location().bucket(name).send().await
        })
        .await?;
    let constraint = out.location_constraint().map(|c| c.as_str()).unwrap_or("");
    let region = match constraint {
        // Buckets in us-east-1 report no constraint; `EU` is the legacy name of eu-west-1.
        "" => Ok(Region::us_east_1()),
        "EU" => Region::parse("eu-west-1"),
        other => Region::parse(other),
    };
    region.map_err(|e| {
        let err = FetchError::new("MalformedResponse", e.to_string());
        ctx.record(S, Some(home), "GetBucketLocation", Some(name), &err);
        err
    })
}

async fn describe_bucket(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    name: String,
    creation_date: Option<chrono::DateTime<chrono::Utc>>,
    region: Fetched<Region>,
) -> Bucket {
    let r = region.as_ref().ok();
    let b = name.as_str();
    let (encryption, pab, policy, policy_status, acl, ownership, versioning, logging, lock, tags) = tokio::join!(
        ctx.call_opt(
            S,
            r,
            "GetBucketEncryption",
            Some(b),
            &["ServerSideEncryptionConfigurationNotFoundError"],
            async { s3.get_bucket_encryption().bucket(b).send().await }
        ),
        ctx.call_opt(
            S,
            r,
            "GetPublicAccessBlock",
            Some(b),
            &["NoSuchPublicAccessBlockConfiguration"],
            async { s3.get_public_access_block().bucket(b).send().await }
        ),
        ctx.call_opt(
            S,
            r,
            "GetBucketPolicy",
            Some(b),
            &["NoSuchBucketPolicy"],
            async { s3.get_bucket_policy().bucket(b).send().await }
        ),
        ctx.call_opt(
            S,
            r,
            "GetBucketPolicyStatus",
            Some(b),
            &["NoSuchBucketPolicy"],
            async { s3.get_bucket_policy_status().bucket(b).send().await }
        ),
        ctx.call(S, r, "GetBucketAcl", Some(b), async {
            s3.get_bucket_acl().bucket(b).send().await
        }),
        ctx.call_opt(
            S,
            r,
            "GetBucketOwnershipControls",
            Some(b),
            &["OwnershipControlsNotFoundError"],
            async { s3.get_bucket_ownership_controls().bucket(b).send().await }
        ),
        ctx.call(S, r, "GetBucketVersioning", Some(b), async {
            s3.get_bucket_versioning().bucket(b).send().await
        }),
        ctx.call(S, r, "GetBucketLogging", Some(b), async {
            s3.get_bucket_logging().bucket(b).send().await
        }),
        ctx.call_opt(
            S,
            r,
            "GetObjectLockConfiguration",
            Some(b),
            &["ObjectLockConfigurationNotFoundError"],
            async { s3.get_object_lock_configuration().bucket(b).send().await }
        ),
        ctx.call_opt(
            S,
            r,
            "GetBucketTagging",
            Some(b),
            &["NoSuchTagSet"],
            async { s3.get_bucket_tagging().bucket(b).send().await }
        ),
    );
    let policy = policy.and_then(|p| match p.and_then(|o| o.policy) {
        None => Ok(None),
        Some(raw) => policy_document(&raw)
            .map(Some)
            .inspect_err(|e| ctx.record(S, r, "GetBucketPolicy", Some(b), e)),
    });
    Bucket {
        arn: format!("arn:{}:s3:::{name}", ctx.partition),
        region,
        creation_date,
        encryption: encryption.map(|o| {
            o.and_then(|o| o.server_side_encryption_configuration().cloned())
                .map(|c| {
                    c.rules()
                        .iter()
                        .filter_map(|rule| {
                            rule.apply_server_side_encryption_by_default()
                                .map(|d| (rule, d))
                        })
                        .map(|(rule, d)| EncryptionRule {
                            algorithm: d.sse_algorithm().as_str().to_owned(),
                            kms_key_id: d.kms_master_key_id().map(str::to_owned),
                            bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
                        })
                        .collect()
                })
        }),
        public_access_block: pab.map(|o| {
            o.and_then(|o| o.public_access_block_configuration().cloned())
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })
        }),
        policy,
        policy_is_public: policy_status
            .map(|o| o.and_then(|o| o.policy_status().and_then(|s| s.is_public()))),
        acl: acl.map(|o| {
            o.grants()
                .iter()
                .filter_map(|g| {
                    let grantee = g.grantee()?;
                    Some(Grant {
                        grantee_type: grantee.r#type().as_str().to_owned(),
                        grantee_id: grantee.id().map(str::to_owned),
                        grantee_uri: grantee.uri().map(str::to_owned),
                        permission: g
                            .permission()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                    })
                })
                .collect()
        }),
        object_ownership: ownership.map(|o| {
            o.and_then(|o| o.ownership_controls().cloned())
                .and_then(|c| {
                    c.rules()
                        .first()
                        .map(|r| r.object_ownership().as_str().to_owned())
                })
        }),
        versioning: versioning.map(|v| Versioning {
            status: v.status().map(|s| s.as_str().to_owned()),
            mfa_delete: v.mfa_delete().map(|s| s.as_str().to_owned()),
        }),
        logging: logging.map(|l| {
            l.logging_enabled().map(|e| LoggingTarget {
                target_bucket: e.target_bucket().to_owned(),
                target_prefix: e.target_prefix().to_owned(),
            })
        }),
        object_lock: lock.map(|o| {
            o.and_then(|o| o.object_lock_configuration().cloned())
                .map(|c| {
                    let retention = c.rule().and_then(|r| r.default_retention());
                    ObjectLock {
                        enabled: c
                            .object_lock_enabled()
                            .is_some_and(|e| e.as_str() == "Enabled"),
                        default_mode: retention
                            .and_then(|d| d.mode())
                            .map(|m| m.as_str().to_owned()),
                        default_days: retention.and_then(|d| d.days()),
                        default_years: retention.and_then(|d| d.years()),
                    }
                })
        }),
        tags: tags.map(|o| {
            o.map(|o| {
                o.tag_set()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
        }),
        name,
    }
}
