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

#[cfg(test)]
mod tests_without_moto_from_aws_documented_responses {
    //! Moto does not serve Storage Gateway: every call is answered here with bodies shaped
    //! as the Storage Gateway API reference documents them (JSON 1.1, `X-Amz-Target`).
    use crate::checks::{Status, evaluate_checks, find};
    use crate::inventory::{Inventory, Service};
    use crate::testing::fake_aws::{self, Request, Response};
    use crate::testing::{CALLER_IDENTITY, now, scan_fake};

    const FILE_GW: &str = "arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-12A3456B";
    const VOL_GW: &str = "arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-AABB1122";
    const NFS: &str = "arn:aws:storagegateway:us-east-1:123456789012:share/share-XXXXXXX1";
    const SMB: &str = "arn:aws:storagegateway:us-east-1:123456789012:share/share-XXXXXXX2";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn answer(req: &Request) -> Response {
        if req.body.contains("Action=GetCallerIdentity") {
            return Response::xml(CALLER_IDENTITY);
        }
        let for_file_gw = req.body.contains("sgw-12A3456B");
        let body = match req.target() {
            "ListGateways" => format!(
                r#"{{"Gateways": [
                    {{"GatewayARN": "{FILE_GW}", "GatewayId": "sgw-12A3456B", "GatewayName": "files", "GatewayOperationalState": "ACTIVE", "GatewayType": "FILE_S3", "HostEnvironment": "VMWARE", "SoftwareVersion": "1.0.0"}},
                    {{"GatewayARN": "{VOL_GW}", "GatewayId": "sgw-AABB1122", "GatewayName": "volumes", "GatewayOperationalState": "ACTIVE", "GatewayType": "STORED", "HostEnvironment": "EC2", "SoftwareVersion": "2.5.1"}}]}}"#
            ),
            "DescribeGatewayInformation" if for_file_gw => format!(
                r#"{{"GatewayARN": "{FILE_GW}", "GatewayId": "sgw-12A3456B", "GatewayName": "files", "GatewayNetworkInterfaces": [{{"Ipv4Address": "10.35.69.216"}}], "GatewayState": "STATE_RUNNING", "GatewayTimezone": "GMT-8:00", "GatewayType": "FILE_S3", "LastSoftwareUpdate": "2024-01-02T16:00:00", "SoftwareUpdatesEndDate": "2025-06-30", "SoftwareVersion": "1.0.0"}}"#
            ),
            "DescribeGatewayInformation" => format!(
                r#"{{"GatewayARN": "{VOL_GW}", "GatewayId": "sgw-AABB1122", "GatewayNetworkInterfaces": [{{"Ipv4Address": "10.35.69.217"}}], "GatewayState": "STATE_RUNNING", "GatewayTimezone": "GMT-8:00", "GatewayType": "STORED", "LastSoftwareUpdate": "2026-01-02T16:00:00", "NextUpdateAvailabilityDate": "2026-02-02T16:00:00", "SoftwareVersion": "2.5.1"}}"#
            ),
            "ListFileShares" => format!(
                r#"{{"FileShareInfoList": [
                    {{"FileShareType": "NFS", "FileShareARN": "{NFS}", "FileShareId": "share-XXXXXXX1", "FileShareStatus": "AVAILABLE", "GatewayARN": "{FILE_GW}"}},
                    {{"FileShareType": "SMB", "FileShareARN": "{SMB}", "FileShareId": "share-XXXXXXX2", "FileShareStatus": "AVAILABLE", "GatewayARN": "{FILE_GW}"}}]}}"#
            ),
            "DescribeNFSFileShares" => format!(
                r#"{{"NFSFileShareInfoList": [{{"NFSFileShareDefaults": {{"FileMode": "0666", "DirectoryMode": "0777", "GroupId": 65534, "OwnerId": 65534}},
                    "FileShareARN": "{NFS}", "FileShareId": "share-XXXXXXX1", "FileShareStatus": "AVAILABLE", "GatewayARN": "{FILE_GW}",
                    "EncryptionType": "SseS3", "KMSEncrypted": false, "Path": "/my-bucket", "Role": "arn:aws:iam::123456789012:role/sgw",
                    "LocationARN": "arn:aws:s3:::my-bucket", "DefaultStorageClass": "S3_STANDARD", "ObjectACL": "bucket-owner-full-control",
                    "ClientList": ["0.0.0.0/0"], "Squash": "NoSquash", "ReadOnly": false, "GuessMIMETypeEnabled": true, "RequesterPays": false, "Tags": []}}]}}"#
            ),
            "DescribeSMBFileShares" => format!(
                r#"{{"SMBFileShareInfoList": [{{"FileShareARN": "{SMB}", "FileShareId": "share-XXXXXXX2", "FileShareStatus": "AVAILABLE", "GatewayARN": "{FILE_GW}",
                    "EncryptionType": "SseKms", "KMSEncrypted": true, "KMSKey": "{KEY}", "Path": "/my-bucket", "Role": "arn:aws:iam::123456789012:role/sgw",
                    "LocationARN": "arn:aws:s3:::my-bucket", "DefaultStorageClass": "S3_STANDARD", "ObjectACL": "bucket-owner-full-control", "ReadOnly": false,
                    "Authentication": "ActiveDirectory", "Tags": []}}]}}"#
            ),
            "DescribeSMBSettings" if for_file_gw => format!(
                r#"{{"GatewayARN": "{FILE_GW}", "DomainName": "corp.example.com", "ActiveDirectoryStatus": "JOINED", "SMBGuestPasswordSet": false, "SMBSecurityStrategy": "ClientSpecified", "FileSharesVisible": true}}"#
            ),
            "ListVolumes" if for_file_gw => {
                format!(r#"{{"GatewayARN": "{FILE_GW}", "VolumeInfos": []}}"#)
            }
            "ListVolumes" => format!(
                r#"{{"GatewayARN": "{VOL_GW}", "VolumeInfos": [{{"VolumeARN": "{VOL_GW}/volume/vol-1122AABB", "VolumeId": "vol-1122AABB", "GatewayARN": "{VOL_GW}", "GatewayId": "sgw-AABB1122", "VolumeType": "STORED", "VolumeSizeInBytes": 107374182400, "VolumeAttachmentStatus": "ATTACHED"}}]}}"#
            ),
            "DescribeStorediSCSIVolumes" => format!(
                r#"{{"StorediSCSIVolumes": [{{"VolumeARN": "{VOL_GW}/volume/vol-1122AABB", "VolumeId": "vol-1122AABB", "VolumeType": "STORED iSCSI", "VolumeStatus": "AVAILABLE", "VolumeSizeInBytes": 107374182400, "VolumeProgress": 100, "VolumeDiskId": "pci-0000:03:00.0-scsi-0:0:0:0", "PreservedExistingData": false, "VolumeiSCSIAttributes": {{"TargetARN": "{VOL_GW}/target/iqn.1997-05.com.amazon:myvolume", "NetworkInterfaceId": "10.243.43.207", "NetworkInterfacePort": 3260, "LunNumber": 0, "ChapEnabled": true}}}}]}}"#
            ),
            other => {
                return Response::json_error(
                    400,
                    "InvalidGatewayRequestException",
                    &format!("unexpected {other}"),
                );
            }
        };
        Response::json(body)
    }

    fn status(inv: &Inventory, check: &str, suffix: &str) -> Status {
        let f = evaluate_checks(&[find(check).unwrap()], inv, now());
        let found: Vec<_> = f
            .iter()
            .filter(|f| f.resource_arn.ends_with(suffix))
            .collect();
        assert_eq!(found.len(), 1, "{check} {suffix}: {f:#?}");
        found[0].status
    }

    #[tokio::test]
    async fn gateways_shares_and_volumes_are_read_and_judged() {
        let url = fake_aws::serve(answer).await;
        let inv = scan_fake(&url, &[Service::StorageGateway], "us-east-1")
            .await
            .unwrap();
        assert!(inv.errors.is_empty(), "{:#?}", inv.errors);
        assert_eq!(
            status(
                &inv,
                "storagegateway_file_share_kms_encrypted",
                "share-XXXXXXX1"
            ),
            Status::Fail
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_file_share_kms_encrypted",
                "share-XXXXXXX2"
            ),
            Status::Pass
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_nfs_share_not_open_to_all",
                "share-XXXXXXX1"
            ),
            Status::Fail
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_smb_encryption_required",
                "sgw-12A3456B"
            ),
            Status::Fail
        );
        assert_eq!(
            status(&inv, "storagegateway_volume_kms_encrypted", "vol-1122AABB"),
            Status::Fail
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_gateway_software_supported",
                "sgw-12A3456B"
            ),
            Status::Fail
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_gateway_software_supported",
                "sgw-AABB1122"
            ),
            Status::Pass
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_gateway_software_up_to_date",
                "sgw-AABB1122"
            ),
            Status::Fail
        );
        assert_eq!(
            status(
                &inv,
                "storagegateway_gateway_software_up_to_date",
                "sgw-12A3456B"
            ),
            Status::Pass
        );
        // Only the gateway with SMB shares was asked for its SMB settings.
        let f = evaluate_checks(
            &[find("storagegateway_smb_encryption_required").unwrap()],
            &inv,
            now(),
        );
        assert_eq!(f.len(), 1);
    }

    #[tokio::test]
    async fn a_region_where_the_service_answers_with_an_error_is_an_error_not_an_empty_region() {
        let url = fake_aws::serve(|req| {
            if req.body.contains("Action=GetCallerIdentity") {
                Response::xml(CALLER_IDENTITY)
            } else {
                Response::json_error(
                    400,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid.",
                )
            }
        })
        .await;
        let inv = scan_fake(&url, &[Service::StorageGateway], "us-east-1")
            .await
            .unwrap();
        assert_eq!(inv.errors.len(), 1, "{:#?}", inv.errors);
        assert_eq!(inv.errors[0].api, "ListGateways");
        for check in [
            "storagegateway_file_share_kms_encrypted",
            "storagegateway_gateway_software_supported",
        ] {
            let f = evaluate_checks(&[find(check).unwrap()], &inv, now());
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].status, Status::Error);
        }
    }

    #[tokio::test]
    async fn a_share_whose_description_fails_is_an_error_and_the_others_are_still_judged() {
        let url = fake_aws::serve(|req| {
            if req.target() == "DescribeNFSFileShares" {
                Response::json_error(
                    400,
                    "InvalidGatewayRequestException",
                    "The specified file share was not found.",
                )
            } else {
                answer(req)
            }
        })
        .await;
        let inv = scan_fake(&url, &[Service::StorageGateway], "us-east-1")
            .await
            .unwrap();
        let check = "storagegateway_file_share_kms_encrypted";
        assert_eq!(status(&inv, check, "share-XXXXXXX1"), Status::Error);
        assert_eq!(status(&inv, check, "share-XXXXXXX2"), Status::Pass);
    }
}
