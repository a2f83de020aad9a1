//! Storage Gateway: collector. `ListGateways`, then per gateway its software information,
//! SMB security strategy (gateways with SMB shares) and iSCSI volumes with their KMS keys;
//! and the region's file shares (`ListFileShares`, described ten at a time, the API's
//! limit). Tapes are not collected.

use super::{Ctx, client};
use crate::inventory::{
    FetchError, Fetched, FileShare, FileShareDetails, Gateway, GatewayInfo, Regional, Service,
    StorageGatewayRegion, Volume,
};
use crate::types::Region;
use aws_sdk_storagegateway::Client;
use std::collections::BTreeMap;

const S: Service = Service::StorageGateway;
/// `DescribeNFSFileShares` / `DescribeSMBFileShares` take at most ten ARNs.
const BATCH: usize = 10;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<StorageGatewayRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<StorageGatewayRegion> {
    let sgw = client!(aws_sdk_storagegateway, ctx, &region);
    let sgw = &sgw;
    let region = &region;
    let r = Some(region);
    let listed: Vec<(String, Option<String>, Option<String>)> = ctx
        .call(S, r, "ListGateways", None, async {
            sgw.list_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?
        .iter()
        .filter_map(|g| {
            Some((
                g.gateway_arn()?.to_owned(),
                g.gateway_name().map(str::to_owned),
                g.gateway_type().map(str::to_owned),
            ))
        })
        .collect();
    let file_shares = file_shares(ctx, sgw, region).await;
    let smb_gateways: Vec<String> = file_shares
        .iter()
        .flatten()
        .filter(|s| s.protocol == "SMB")
        .filter_map(|s| s.gateway_arn.clone())
        .collect();
    let smb_gateways = &smb_gateways;
    let gateways = ctx
        .map_bounded(listed, |(arn, name, gateway_type)| async move {
            let info = ctx
                .call(S, r, "DescribeGatewayInformation", Some(&arn), async {
                    sgw.describe_gateway_information()
                        .gateway_arn(&arn)
                        .send()
                        .await
                })
                .await
                .map(|o| GatewayInfo {
                    gateway_state: o.gateway_state().map(str::to_owned),
                    software_version: o.software_version().map(str::to_owned),
                    software_updates_end_date: o.software_updates_end_date().map(str::to_owned),
                    deprecation_date: o.deprecation_date().map(str::to_owned),
                    next_update_availability_date: o
                        .next_update_availability_date()
                        .map(str::to_owned),
                    last_software_update: o.last_software_update().map(str::to_owned),
                });
            let smb_security_strategy = if smb_gateways.contains(&arn) {
                ctx.call(S, r, "DescribeSMBSettings", Some(&arn), async {
                    sgw.describe_smb_settings().gateway_arn(&arn).send().await
                })
                .await
                .map(|o| o.smb_security_strategy().map(|s| s.as_str().to_owned()))
            } else {
                Ok(None)
            };
            let volumes = volumes(ctx, sgw, region, &arn).await;
            Gateway {
                arn,
                name,
                gateway_type,
                info,
                smb_security_strategy,
                volumes,
            }
        })
        .await;
    Ok(StorageGatewayRegion {
        gateways,
        file_shares,
    })
}

async fn file_shares(ctx: &Ctx, sgw: &Client, region: &Region) -> Fetched<Vec<FileShare>> {
    let r = Some(region);
    let listed = ctx
        .call(S, r, "ListFileShares", None, async {
            sgw.list_file_shares()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    let mut nfs = Vec::new();
    let mut smb = Vec::new();
    for s in &listed {
        let Some(arn) = s.file_share_arn() else {
            continue;
        };
        match s.file_share_type().map(|t| t.as_str()) {
            Some("SMB") => smb.push(arn.to_owned()),
            _ => nfs.push(arn.to_owned()),
        }
    }
    let mut details: BTreeMap<String, Fetched<FileShareDetails>> = BTreeMap::new();
    for chunk in nfs.chunks(BATCH) {
        let got = ctx
            .call(
                S,
                r,
                "DescribeNFSFileShares",
                chunk.first().map(String::as_str),
                async {
                    sgw.describe_nfs_file_shares()
                        .set_file_share_arn_list(Some(chunk.to_vec()))
                        .send()
                        .await
                },
            )
            .await;
        match got {
            Err(e) => details.extend(chunk.iter().map(|a| (a.clone(), Err(e.clone())))),
            Ok(o) => details.extend(o.nfs_file_share_info_list().iter().filter_map(|i| {
                Some((
                    i.file_share_arn()?.to_owned(),
                    Ok(FileShareDetails {
                        encryption_type: i.encryption_type().map(|e| e.as_str().to_owned()),
                        kms_encrypted: nfs_kms_flag(i),
                        kms_key: i.kms_key().map(str::to_owned),
                        client_list: i.client_list().to_vec(),
                        squash: i.squash().map(str::to_owned),
                    }),
                ))
            })),
        }
    }
    for chunk in smb.chunks(BATCH) {
        let got = ctx
            .call(
                S,
                r,
                "DescribeSMBFileShares",
                chunk.first().map(String::as_str),
                async {
                    sgw.describe_smb_file_shares()
                        .set_file_share_arn_list(Some(chunk.to_vec()))
                        .send()
                        .await
                },
            )
            .await;
        match got {
            Err(e) => details.extend(chunk.iter().map(|a| (a.clone(), Err(e.clone())))),
            Ok(o) => details.extend(o.smb_file_share_info_list().iter().filter_map(|i| {
                Some((
                    i.file_share_arn()?.to_owned(),
                    Ok(FileShareDetails {
                        encryption_type: i.encryption_type().map(|e| e.as_str().to_owned()),
                        kms_encrypted: smb_kms_flag(i),
                        kms_key: i.kms_key().map(str::to_owned),
                        ..Default::default()
                    }),
                ))
            })),
        }
    }
    Ok(listed
        .iter()
        .filter_map(|s| {
            let arn = s.file_share_arn()?.to_owned();
            let protocol = s.file_share_type().map_or("NFS", |t| t.as_str()).to_owned();
            let details = details.remove(&arn).unwrap_or_else(|| {
                Err(FetchError::new(
                    "NotReturned",
                    "the file share was listed but not described",
                ))
            });
            Some(FileShare {
                arn,
                gateway_arn: s.gateway_arn().map(str::to_owned),
                protocol,
                details,
            })
        })
        .collect())
}

async fn volumes(ctx: &Ctx, sgw: &Client, region: &Region, gateway: &str) -> Fetched<Vec<Volume>> {
    let r = Some(region);
    let listed = ctx
        .call(S, r, "ListVolumes", Some(gateway), async {
            sgw.list_volumes()
                .gateway_arn(gateway)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    let of_type = |t: &str| -> Vec<String> {
        listed
            .iter()
            .filter(|v| v.volume_type().is_some_and(|vt| vt.starts_with(t)))
            .filter_map(|v| v.volume_arn().map(str::to_owned))
            .collect()
    };
    let (cached, stored) = (of_type("CACHED"), of_type("STORED"));
    let mut keys: BTreeMap<String, Fetched<Option<String>>> = BTreeMap::new();
    for chunk in cached.chunks(BATCH) {
        match ctx
            .call(S, r, "DescribeCachediSCSIVolumes", Some(gateway), async {
                sgw.describe_cachedi_scsi_volumes()
                    .set_volume_arns(Some(chunk.to_vec()))
                    .send()
                    .await
            })
            .await
        {
            Err(e) => keys.extend(chunk.iter().map(|a| (a.clone(), Err(e.clone())))),
            Ok(o) => keys.extend(o.cachedi_scsi_volumes().iter().filter_map(|v| {
                Some((
                    v.volume_arn()?.to_owned(),
                    Ok(v.kms_key().map(str::to_owned)),
                ))
            })),
        }
    }
    for chunk in stored.chunks(BATCH) {
        match ctx
            .call(S, r, "DescribeStorediSCSIVolumes", Some(gateway), async {
                sgw.describe_storedi_scsi_volumes()
                    .set_volume_arns(Some(chunk.to_vec()))
                    .send()
                    .await
            })
            .await
        {
            Err(e) => keys.extend(chunk.iter().map(|a| (a.clone(), Err(e.clone())))),
            Ok(o) => keys.extend(o.storedi_scsi_volumes().iter().filter_map(|v| {
                Some((
                    v.volume_arn()?.to_owned(),
                    Ok(v.kms_key().map(str::to_owned)),
                ))
            })),
        }
    }
    Ok(listed
        .iter()
        .filter_map(|v| {
            let arn = v.volume_arn()?.to_owned();
            let kms_key = keys.remove(&arn).unwrap_or_else(|| {
                Err(FetchError::new(
                    "NotReturned",
                    "the volume was listed but not described",
                ))
            });
            Some(Volume {
                arn,
                volume_type: v.volume_type().map(str::to_owned),
                kms_key,
            })
        })
        .collect())
}

/// The `KMSEncrypted` flag, which shares created before `EncryptionType` existed may be
/// the only ones to report.
#[expect(
    deprecated,
    reason = "read as a fallback when EncryptionType is absent"
)]
fn nfs_kms_flag(i: &aws_sdk_storagegateway::types::NfsFileShareInfo) -> bool {
    i.kms_encrypted()
}

#[expect(
    deprecated,
    reason = "read as a fallback when EncryptionType is absent"
)]
fn smb_kms_flag(i: &aws_sdk_storagegateway::types::SmbFileShareInfo) -> bool {
    i.kms_encrypted()
}
