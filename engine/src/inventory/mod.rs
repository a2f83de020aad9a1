//! The typed inventory: everything the collectors fetched from one account, and nothing else.
//!
//! Collectors fill it, checks read it, snapshots serialise it. Every piece of data that can
//! fail to arrive is a [`Fetched`], so a check can never mistake "we could not look" for
//! "there is nothing wrong": it must handle the error arm and report `ERROR`.

mod apigateway;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod config;
mod glacier;
mod iam;
mod kms;
mod logs;
mod s3;
mod shield;
mod sns;
mod storagegateway;
mod wafv2;

pub use apigateway::*;
pub use cloudtrail::*;
pub use cloudwatch::*;
pub use cognito::*;
pub use config::*;
pub use glacier::*;
pub use iam::*;
pub use kms::*;
pub use logs::*;
pub use s3::*;
pub use shield::*;
pub use sns::*;
pub use storagegateway::*;
pub use wafv2::*;

use crate::types::{AccountId, Region};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Version of the serialised inventory format. Bump on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// Why one piece of data is missing: the AWS error code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchError {
    pub code: String,
    pub message: String,
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl FetchError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Data that was either collected or could not be (AccessDenied, throttled, malformed, ...).
pub type Fetched<T> = Result<T, FetchError>;

/// Per-region data of a regional service.
pub type Regional<T> = BTreeMap<Region, Fetched<T>>;

/// The AWS services Rampart collects, one collector and one check module each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Iam,
    S3,
    CloudTrail,
    Logs,
    CloudWatch,
    Config,
    Kms,
    Sns,
    ApiGateway,
    Wafv2,
    Shield,
    Cognito,
    Glacier,
    StorageGateway,
}

impl Service {
    pub const ALL: [Service; 14] = [
        Service::Iam,
        Service::S3,
        Service::CloudTrail,
        Service::Logs,
        Service::CloudWatch,
        Service::Config,
        Service::Kms,
        Service::Sns,
        Service::ApiGateway,
        Service::Wafv2,
        Service::Shield,
        Service::Cognito,
        Service::Glacier,
        Service::StorageGateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::S3 => "s3",
            Service::CloudTrail => "cloudtrail",
            Service::Logs => "logs",
            Service::CloudWatch => "cloudwatch",
            Service::Config => "config",
            Service::Kms => "kms",
            Service::Sns => "sns",
            Service::ApiGateway => "apigateway",
            Service::Wafv2 => "wafv2",
            Service::Shield => "shield",
            Service::Cognito => "cognito",
            Service::Glacier => "glacier",
            Service::StorageGateway => "storagegateway",
        }
    }

    /// The name people know the service by.
    pub fn label(self) -> &'static str {
        match self {
            Service::Iam => "IAM",
            Service::S3 => "S3",
            Service::CloudTrail => "CloudTrail",
            Service::Logs => "CloudWatch Logs",
            Service::CloudWatch => "CloudWatch",
            Service::Config => "AWS Config",
            Service::Kms => "KMS",
            Service::Sns => "SNS",
            Service::ApiGateway => "API Gateway",
            Service::Wafv2 => "AWS WAF",
            Service::Shield => "Shield Advanced",
            Service::Cognito => "Cognito user pools",
            Service::Glacier => "S3 Glacier",
            Service::StorageGateway => "Storage Gateway",
        }
    }

    pub fn parse(s: &str) -> Option<Service> {
        Service::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One failed call, kept in the inventory so reports show what could not be seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionError {
    pub service: Service,
    pub region: Option<Region>,
    pub api: String,
    pub resource: Option<String>,
    pub code: String,
    pub message: String,
}

/// Everything collected from one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub format_version: u32,
    pub account_id: AccountId,
    pub partition: String,
    pub collected_at: DateTime<Utc>,
    /// The regions that were scanned (enabled regions, or those asked for).
    pub regions: Vec<Region>,
    pub iam: Option<IamInventory>,
    pub s3: Option<S3Inventory>,
    pub cloudtrail: Option<CloudTrailInventory>,
    pub logs: Option<Regional<LogsRegion>>,
    pub cloudwatch: Option<Regional<CloudWatchRegion>>,
    pub config: Option<Regional<ConfigRegion>>,
    pub kms: Option<Regional<KmsRegion>>,
    /// SNS topics and their access policies (absent from snapshots of older versions).
    #[serde(default)]
    pub sns: Option<Regional<SnsRegion>>,
    /// API Gateway REST, HTTP and WebSocket APIs (absent from snapshots of older versions).
    #[serde(default)]
    pub apigateway: Option<Regional<ApiGatewayRegion>>,
    /// AWS WAF (v2) web ACLs (absent from snapshots of older versions).
    #[serde(default)]
    pub wafv2: Option<WafInventory>,
    /// Shield Advanced subscription and protections (absent from snapshots of older versions).
    #[serde(default)]
    pub shield: Option<ShieldInventory>,
    /// Cognito user pools (absent from snapshots of older versions).
    #[serde(default)]
    pub cognito: Option<Regional<CognitoRegion>>,
    /// S3 Glacier vaults (absent from snapshots of older versions).
    #[serde(default)]
    pub glacier: Option<Regional<GlacierRegion>>,
    /// Storage Gateway gateways, file shares and volumes (absent from snapshots of older versions).
    #[serde(default)]
    pub storagegateway: Option<Regional<StorageGatewayRegion>>,
    pub errors: Vec<CollectionError>,
}

/// A snapshot file could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot is not valid JSON for an inventory: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("snapshot has format version {found}; this build reads version {expected}")]
    Version { found: u64, expected: u32 },
}

impl Inventory {
    /// An empty inventory: the starting point of collectors and test builders.
    pub fn empty(account_id: AccountId, collected_at: DateTime<Utc>, regions: Vec<Region>) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            account_id,
            partition: "aws".to_owned(),
            collected_at,
            regions,
            iam: None,
            s3: None,
            cloudtrail: None,
            logs: None,
            cloudwatch: None,
            config: None,
            kms: None,
            sns: None,
            apigateway: None,
            wafv2: None,
            shield: None,
            cognito: None,
            glacier: None,
            storagegateway: None,
            errors: Vec::new(),
        }
    }

    /// Reads a snapshot, refusing other format versions with a clear error.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)?;
        let found = value
            .get("format_version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if found != u64::from(FORMAT_VERSION) {
            return Err(SnapshotError::Version {
                found,
                expected: FORMAT_VERSION,
            });
        }
        Ok(serde_json::from_value(value)?)
    }

    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}
