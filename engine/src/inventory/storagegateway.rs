//! Storage Gateway gateways, file shares and volumes.

use super::Fetched;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageGatewayRegion {
    pub gateways: Vec<Gateway>,
    /// Every file share of the region (`ListFileShares` without a gateway).
    pub file_shares: Fetched<Vec<FileShare>>,
}

impl Default for StorageGatewayRegion {
    fn default() -> Self {
        Self {
            gateways: vec![],
            file_shares: Ok(vec![]),
        }
    }
}

/// One gateway (`ListGateways`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gateway {
    pub arn: String,
    pub name: Option<String>,
    /// `FILE_S3`, `FILE_FSX_SMB`, `CACHED`, `STORED`, `VTL` ...
    pub gateway_type: Option<String>,
    pub info: Fetched<GatewayInfo>,
    /// `DescribeSMBSettings` → `SMBSecurityStrategy`, asked only of gateways that have SMB
    /// file shares (`None` otherwise).
    pub smb_security_strategy: Fetched<Option<String>>,
    /// iSCSI volumes (`ListVolumes`, then `DescribeCachediSCSIVolumes` /
    /// `DescribeStorediSCSIVolumes`).
    pub volumes: Fetched<Vec<Volume>>,
}

/// The software part of `DescribeGatewayInformation`. Dates are kept as AWS sends them
/// (`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss`, in the gateway's time zone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GatewayInfo {
    pub gateway_state: Option<String>,
    pub software_version: Option<String>,
    /// After this date the gateway gets no more software updates.
    pub software_updates_end_date: Option<String>,
    pub deprecation_date: Option<String>,
    /// Present when an update is available: the date it became (or becomes) available.
    pub next_update_availability_date: Option<String>,
    pub last_software_update: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileShare {
    pub arn: String,
    pub gateway_arn: Option<String>,
    /// `NFS` or `SMB`.
    pub protocol: String,
    pub details: Fetched<FileShareDetails>,
}

/// From `DescribeNFSFileShares` / `DescribeSMBFileShares`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileShareDetails {
    /// `SseS3`, `SseKms` or `DsseKms` (newer gateways report this).
    pub encryption_type: Option<String>,
    /// The older flag: objects encrypted with a KMS key.
    pub kms_encrypted: bool,
    pub kms_key: Option<String>,
    /// NFS only: the client CIDRs allowed to mount.
    pub client_list: Vec<String>,
    /// NFS only: `RootSquash`, `NoSquash` or `AllSquash`.
    pub squash: Option<String>,
}

impl FileShareDetails {
    /// Objects are encrypted under a KMS key the customer chose (not S3-managed keys).
    pub fn kms_key_used(&self) -> bool {
        match self.encryption_type.as_deref() {
            Some("SseKms" | "DsseKms") => true,
            Some(_) => false,
            None => self.kms_encrypted,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Volume {
    pub arn: String,
    /// `CACHED` or `STORED`.
    pub volume_type: Option<String>,
    /// The customer KMS key; `None`: S3-managed encryption (SSE-S3).
    pub kms_key: Fetched<Option<String>>,
}
