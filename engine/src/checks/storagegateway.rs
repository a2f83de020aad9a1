//! Storage Gateway checks: KMS keys on file shares and volumes, NFS client lists, SMB
//! encryption, and gateway software support and updates.

use super::{Check, Outcome, not_collected};
use crate::Status;
use crate::inventory::{FileShare, Gateway, GatewayInfo, Inventory, StorageGatewayRegion};
use crate::types::Region;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

/// An available software update not installed within this many days fails.
const UPDATE_GRACE_DAYS: i64 = 30;

pub(super) const CHECKS: &[Check] = &[
    check!(
        StorageGateway,
        "storagegateway_file_share_kms_encrypted",
        "Storage Gateway file shares encrypt objects with a customer KMS key",
        Low,
        "File shares always encrypt the S3 objects they write; by default with S3-managed keys (SSE-S3), which anyone with S3 read access can decrypt. A customer KMS key (SSE-KMS or DSSE-KMS) adds a key policy as a second gate, CloudTrail records of every use, and the option to revoke access by disabling the key.",
        "Storage Gateway → File shares → the share → Edit → Encryption: SSE-KMS (or DSSE-KMS) with your KMS key.",
        "aws storagegateway update-nfs-file-share --file-share-arn <arn> --encryption-type SseKms --kms-key <key-arn>  (SMB: update-smb-file-share)",
        file_share_kms
    ),
    check!(
        StorageGateway,
        "storagegateway_volume_kms_encrypted",
        "Storage Gateway volumes are encrypted with a customer KMS key",
        Low,
        "Volume data stored in AWS is always encrypted, by default with S3-managed keys. A customer KMS key puts a key policy and CloudTrail-logged key use in front of the data. The key is chosen at creation: an existing volume is re-created from a snapshot with the key.",
        "Storage Gateway → Volumes → Create volume from a snapshot of the volume, with Encryption: KMS key; move initiators over, then delete the old volume.",
        "aws storagegateway create-cached-iscsi-volume --gateway-arn <gw-arn> --snapshot-id <snap-id> --kms-encrypted --kms-key <key-arn> --target-name <name> --network-interface-id <ip> --volume-size-in-bytes <n> --client-token <token>",
        volume_kms
    ),
    check!(
        StorageGateway,
        "storagegateway_nfs_share_not_open_to_all",
        "Storage Gateway NFS file shares are not mountable from any address",
        Medium,
        "NFS trusts the client's claimed identity; a share whose allowed clients include `0.0.0.0/0` can be mounted by any host that reaches the gateway, and with `NoSquash` act as root on the files. List the clients' CIDRs instead.",
        "Storage Gateway → File shares → the NFS share → Edit → Allowed clients: replace 0.0.0.0/0 with the client networks.",
        "aws storagegateway update-nfs-file-share --file-share-arn <arn> --client-list 10.0.0.0/24",
        nfs_not_open
    ),
    check!(
        StorageGateway,
        "storagegateway_smb_encryption_required",
        "Storage Gateway SMB shares require encrypted connections",
        Medium,
        "With the SMB security level `ClientSpecified` (or only signing required), clients may connect without SMB encryption, sending file contents and credentials' derivatives readable on the network. `MandatoryEncryption` refuses unencrypted sessions (SMBv3 clients).",
        "Storage Gateway → Gateways → the gateway → Actions → Edit SMB settings → Security level: Enforce encryption.",
        "aws storagegateway update-smb-security-strategy --gateway-arn <arn> --smb-security-strategy MandatoryEncryption",
        smb_encryption
    ),
    check!(
        StorageGateway,
        "storagegateway_gateway_software_supported",
        "Storage Gateway gateways still receive software updates",
        Medium,
        "After its software-updates end date (or deprecation date) a gateway gets no more fixes, security fixes included. Replace it with a gateway on a supported appliance before then.",
        "Storage Gateway → Gateways → the gateway → Details: check Software updates end date; deploy a new gateway and migrate the shares or volumes to it.",
        "aws storagegateway describe-gateway-information --gateway-arn <arn> --query '[SoftwareUpdatesEndDate,DeprecationDate]'",
        software_supported
    ),
    check!(
        StorageGateway,
        "storagegateway_gateway_software_up_to_date",
        "Storage Gateway gateways install available software updates within 30 days",
        Low,
        "Gateway updates carry security fixes. An update that has been available for more than 30 days and is still not applied means the maintenance window or automatic updates are not working.",
        "Storage Gateway → Gateways → the gateway → Actions → Apply update now (or set a maintenance window with automatic updates).",
        "aws storagegateway update-gateway-software-now --gateway-arn <arn>",
        software_up_to_date
    ),
];

const GATEWAY: &str = "AwsStorageGatewayGateway";
const SHARE: &str = "AwsStorageGatewayFileShare";
const VOLUME: &str = "AwsStorageGatewayVolume";

/// Runs `judge` on each region's data; regions that could not be read become errors.
fn each_region(
    inv: &Inventory,
    kind: &'static str,
    judge: impl Fn(&Region, &StorageGatewayRegion) -> Vec<Outcome>,
) -> Vec<Outcome> {
    let Some(regions) = &inv.storagegateway else {
        return vec![not_collected(
            kind,
            format!("arn:{}:storagegateway:::{}", inv.partition, inv.account_id),
            "Storage Gateway",
        )];
    };
    let mut out = Vec::new();
    for (region, data) in regions {
        let outcomes = match data {
            Err(e) => vec![Outcome::error(
                kind,
                format!(
                    "arn:{}:storagegateway:{region}:{}",
                    inv.partition, inv.account_id
                ),
                "Storage Gateway gateways",
                e,
            )],
            Ok(d) => judge(region, d),
        };
        out.extend(outcomes.into_iter().map(|o| o.in_region(region)));
    }
    out
}

/// Judges each file share of `protocol` (any when `None`).
fn each_share(
    inv: &Inventory,
    protocol: Option<&str>,
    judge: impl Fn(&FileShare, &crate::inventory::FileShareDetails) -> Outcome,
) -> Vec<Outcome> {
    each_region(inv, SHARE, |region, d| match &d.file_shares {
        Err(e) => vec![Outcome::error(
            SHARE,
            format!(
                "arn:{}:storagegateway:{region}:{}",
                inv.partition, inv.account_id
            ),
            "the file shares",
            e,
        )],
        Ok(shares) => shares
            .iter()
            .filter(|s| protocol.is_none_or(|p| s.protocol == p))
            .map(|s| match &s.details {
                Err(e) => Outcome::error(SHARE, &s.arn, "the file share settings", e),
                Ok(details) => judge(s, details),
            })
            .collect(),
    })
}

fn file_share_kms(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_share(inv, None, |s, d| {
        let ok = d.kms_key_used();
        Outcome::pass_if(
            ok,
            SHARE,
            &s.arn,
            if ok {
                format!(
                    "objects are encrypted with KMS key {}",
                    d.kms_key.as_deref().unwrap_or("(unnamed)")
                )
            } else {
                "objects are encrypted with S3-managed keys (SSE-S3), not a customer KMS key"
                    .to_owned()
            },
        )
        .with_evidence(json!({"protocol": s.protocol, "encryption_type": d.encryption_type, "kms_encrypted": d.kms_encrypted, "kms_key": d.kms_key}))
    })
}

fn volume_kms(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_region(inv, VOLUME, |_, d| {
        d.gateways
            .iter()
            .flat_map(|g| match &g.volumes {
                Err(e) => vec![Outcome::error(VOLUME, &g.arn, "the gateway's volumes", e)],
                Ok(volumes) => volumes
                    .iter()
                    .map(|v| match &v.kms_key {
                        Err(e) => Outcome::error(VOLUME, &v.arn, "the volume's encryption", e),
                        Ok(key) => Outcome::pass_if(
                            key.is_some(),
                            VOLUME,
                            &v.arn,
                            match key {
                                Some(k) => format!("the volume is encrypted with KMS key {k}"),
                                None => "the volume is encrypted with S3-managed keys, not a customer KMS key".to_owned(),
                            },
                        )
                        .with_evidence(json!({"gateway": g.arn, "volume_type": v.volume_type, "kms_key": key})),
                    })
                    .collect(),
            })
            .collect()
    })
}

fn nfs_not_open(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_share(inv, Some("NFS"), |s, d| {
        let open = d
            .client_list
            .iter()
            .any(|c| matches!(c.trim(), "0.0.0.0/0" | "::/0"));
        Outcome::pass_if(
            !open,
            SHARE,
            &s.arn,
            if open {
                format!(
                    "any host that reaches the gateway may mount the share (squash: {})",
                    d.squash.as_deref().unwrap_or("unknown")
                )
            } else {
                "the share is limited to listed client networks".to_owned()
            },
        )
        .with_evidence(json!({"client_list": d.client_list, "squash": d.squash}))
    })
}

fn smb_encryption(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    each_region(inv, GATEWAY, |_, d| {
        d.gateways
            .iter()
            .filter_map(|g| match &g.smb_security_strategy {
                Err(e) => Some(Outcome::error(GATEWAY, &g.arn, "the SMB settings", e)),
                Ok(None) => None,
                Ok(Some(strategy)) => {
                    let ok = strategy.starts_with("MandatoryEncryption");
                    Some(
                        Outcome::pass_if(
                            ok,
                            GATEWAY,
                            &g.arn,
                            if ok {
                                format!("SMB security level `{strategy}`: connections are encrypted")
                            } else {
                                format!("SMB security level `{strategy}`: clients may connect without encryption")
                            },
                        )
                        .with_evidence(json!({"smb_security_strategy": strategy})),
                    )
                }
            })
            .collect()
    })
}

/// The day of an AWS date string (`YYYY-MM-DD`, optionally followed by a time).
fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Judges each gateway's software information; unreadable dates are errors.
fn each_gateway_info(
    inv: &Inventory,
    judge: impl Fn(&Gateway, &GatewayInfo) -> Result<Outcome, String>,
) -> Vec<Outcome> {
    each_region(inv, GATEWAY, |_, d| {
        d.gateways
            .iter()
            .map(|g| match &g.info {
                Err(e) => Outcome::error(GATEWAY, &g.arn, "the gateway information", e),
                Ok(info) => judge(g, info).unwrap_or_else(|bad| {
                    Outcome::new(
                        Status::Error,
                        GATEWAY,
                        &g.arn,
                        format!("the gateway reported a date Rampart cannot read: `{bad}`"),
                    )
                }),
            })
            .collect()
    })
}

fn parse(s: &Option<String>) -> Result<Option<NaiveDate>, String> {
    s.as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| day(s).ok_or_else(|| s.to_owned()))
        .transpose()
}

fn software_supported(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let today = now.date_naive();
    each_gateway_info(inv, |g, info| {
        let end = [
            parse(&info.software_updates_end_date)?,
            parse(&info.deprecation_date)?,
        ]
        .into_iter()
        .flatten()
        .min();
        let ended = end.is_some_and(|e| e <= today);
        Ok(Outcome::pass_if(
            !ended,
            GATEWAY,
            &g.arn,
            match end {
                Some(e) if ended => {
                    format!("the gateway stopped receiving software updates on {e}")
                }
                Some(e) => format!("the gateway receives software updates until {e}"),
                None => "no end of software updates is announced for the gateway".to_owned(),
            },
        )
        .with_evidence(json!({
            "software_version": info.software_version,
            "software_updates_end_date": info.software_updates_end_date,
            "deprecation_date": info.deprecation_date,
        })))
    })
}

fn software_up_to_date(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let today = now.date_naive();
    each_gateway_info(inv, |g, info| {
        let available = parse(&info.next_update_availability_date)?;
        let overdue = available.is_some_and(|a| (today - a).num_days() > UPDATE_GRACE_DAYS);
        Ok(Outcome::pass_if(
            !overdue,
            GATEWAY,
            &g.arn,
            match available {
                Some(a) if overdue => {
                    format!("a software update has been available since {a} and is not installed")
                }
                Some(a) => format!(
                    "a software update is available since {a} (within {UPDATE_GRACE_DAYS} days)"
                ),
                None => "no software update is pending".to_owned(),
            },
        )
        .with_evidence(json!({
            "software_version": info.software_version,
            "next_update_availability_date": info.next_update_availability_date,
            "last_software_update": info.last_software_update,
        })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, now};

    fn gateway(id: &str) -> Gateway {
        crate::testing::workloads::gateway(ACCOUNT, "us-east-1", id)
    }

    fn share(id: &str, protocol: &str) -> FileShare {
        crate::testing::workloads::share(ACCOUNT, "us-east-1", id, protocol)
    }

    fn inv(gateways: Vec<Gateway>, file_shares: Vec<FileShare>) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().storagegateway = Some(
            [(
                home,
                Ok(StorageGatewayRegion {
                    gateways,
                    file_shares: Ok(file_shares),
                }),
            )]
            .into_iter()
            .collect(),
        );
        b.build()
    }

    fn status(out: &[Outcome], suffix: &str) -> Status {
        let found: Vec<&Outcome> = out
            .iter()
            .filter(|o| o.resource_arn.ends_with(suffix))
            .collect();
        assert_eq!(found.len(), 1, "{suffix}: {out:#?}");
        found[0].status
    }

    #[test]
    fn a_well_configured_gateway_passes_every_check() {
        let inv = inv(
            vec![gateway("gw")],
            vec![share("n", "NFS"), share("s", "SMB")],
        );
        for check in CHECKS {
            let out = (check.eval)(&inv, now());
            assert!(!out.is_empty(), "{}", check.meta.id);
            assert!(
                out.iter().all(|o| o.status == Status::Pass),
                "{}: {out:#?}",
                check.meta.id
            );
        }
    }

    #[test]
    fn s3_managed_encryption_fails_the_kms_checks_but_says_it_is_encrypted() {
        let mut sse_s3 = share("s3", "NFS");
        let d = sse_s3.details.as_mut().unwrap();
        d.encryption_type = Some("SseS3".into());
        d.kms_encrypted = false;
        d.kms_key = None;
        let mut legacy = share("legacy", "SMB");
        let d = legacy.details.as_mut().unwrap();
        d.encryption_type = None;
        d.kms_encrypted = true;
        let mut g = gateway("gw");
        g.volumes.as_mut().unwrap()[0].kms_key = Ok(None);
        let inv = inv(vec![g], vec![sse_s3, legacy]);
        let out = file_share_kms(&inv, now());
        assert_eq!(status(&out, "share-s3"), Status::Fail);
        assert!(out[0].message.contains("S3-managed"), "{}", out[0].message);
        assert_eq!(status(&out, "share-legacy"), Status::Pass);
        let out = volume_kms(&inv, now());
        assert_eq!(status(&out, "vol-gw"), Status::Fail);
    }

    #[test]
    fn an_nfs_share_open_to_every_address_fails() {
        let mut open = share("open", "NFS");
        open.details.as_mut().unwrap().client_list = vec!["0.0.0.0/0".into()];
        open.details.as_mut().unwrap().squash = Some("NoSquash".into());
        let out = nfs_not_open(
            &inv(vec![], vec![open, share("ok", "NFS"), share("smb", "SMB")]),
            now(),
        );
        assert_eq!(out.len(), 2, "SMB shares are not judged: {out:#?}");
        assert_eq!(status(&out, "share-open"), Status::Fail);
        assert!(out.iter().any(|o| o.message.contains("NoSquash")));
        assert_eq!(status(&out, "share-ok"), Status::Pass);
    }

    #[test]
    fn smb_without_mandatory_encryption_fails_and_gateways_without_smb_are_skipped() {
        let mut client = gateway("client");
        client.smb_security_strategy = Ok(Some("ClientSpecified".into()));
        let mut signing = gateway("signing");
        signing.smb_security_strategy = Ok(Some("MandatorySigning".into()));
        let mut no_smb = gateway("nosmb");
        no_smb.smb_security_strategy = Ok(None);
        let out = smb_encryption(
            &inv(vec![client, signing, no_smb, gateway("enc")], vec![]),
            now(),
        );
        assert_eq!(out.len(), 3);
        assert_eq!(status(&out, "gateway/client"), Status::Fail);
        assert_eq!(status(&out, "gateway/signing"), Status::Fail);
        assert_eq!(status(&out, "gateway/enc"), Status::Pass);
    }

    #[test]
    fn gateways_past_their_update_end_or_with_an_old_pending_update_fail() {
        let mut ended = gateway("ended");
        ended.info.as_mut().unwrap().software_updates_end_date = Some("2025-12-31".into());
        let mut deprecated = gateway("deprecated");
        deprecated.info.as_mut().unwrap().deprecation_date = Some("2026-01-15T00:00:00".into());
        let mut stale = gateway("stale");
        stale.info.as_mut().unwrap().next_update_availability_date =
            Some("2026-03-01T16:02:00".into());
        let mut fresh = gateway("fresh");
        fresh.info.as_mut().unwrap().next_update_availability_date = Some("2026-05-25".into());
        let inv = inv(vec![ended, deprecated, stale, fresh], vec![]);
        let out = software_supported(&inv, now());
        assert_eq!(status(&out, "gateway/ended"), Status::Fail);
        assert_eq!(status(&out, "gateway/deprecated"), Status::Fail);
        assert_eq!(status(&out, "gateway/stale"), Status::Pass);
        let out = software_up_to_date(&inv, now());
        assert_eq!(status(&out, "gateway/stale"), Status::Fail);
        assert_eq!(status(&out, "gateway/fresh"), Status::Pass);
        assert_eq!(status(&out, "gateway/ended"), Status::Pass);
    }

    #[test]
    fn unreadable_data_and_dates_are_errors_for_every_check() {
        let mut g = gateway("gw");
        g.info = Err(access_denied());
        g.smb_security_strategy = Err(access_denied());
        g.volumes = Err(access_denied());
        let mut s = share("n", "NFS");
        s.details = Err(access_denied());
        let inv1 = inv(vec![g], vec![s]);
        for check in CHECKS {
            let out = (check.eval)(&inv1, now());
            assert!(!out.is_empty(), "{}", check.meta.id);
            assert!(
                out.iter().all(|o| o.status == Status::Error),
                "{}: {out:#?}",
                check.meta.id
            );
        }
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().storagegateway = Some([(home, Err(access_denied()))].into_iter().collect());
        let denied = b.build();
        for check in CHECKS {
            let out = (check.eval)(&denied, now());
            assert_eq!(out.len(), 1, "{}", check.meta.id);
            assert_eq!(out[0].status, Status::Error, "{}", check.meta.id);
        }
        let mut odd = gateway("odd");
        odd.info.as_mut().unwrap().software_updates_end_date = Some("soon".into());
        let out = software_supported(&inv(vec![odd], vec![]), now());
        assert_eq!(out[0].status, Status::Error);
        assert_eq!(
            file_share_kms(&InventoryBuilder::new().build(), now())[0].status,
            Status::Error
        );
    }
}
