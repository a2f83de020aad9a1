//! S3 inventory types.

use super::{Fetched, PolicyDocument};
use crate::types::Region;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct S3Inventory {
    pub buckets: Fetched<Vec<Bucket>>,
    /// The account-level Block Public Access settings (S3 Control); `None` when never set.
    pub account_public_access_block: Fetched<Option<PublicAccessBlock>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub arn: String,
    pub region: Fetched<Region>,
    pub creation_date: Option<DateTime<Utc>>,
    /// `None` when the bucket has no default encryption configuration.
    pub encryption: Fetched<Option<Vec<EncryptionRule>>>,
    pub public_access_block: Fetched<Option<PublicAccessBlock>>,
    pub policy: Fetched<Option<PolicyDocument>>,
    /// `GetBucketPolicyStatus`: S3's own judgement of whether the policy is public.
    pub policy_is_public: Fetched<Option<bool>>,
    pub acl: Fetched<Vec<Grant>>,
    /// `BucketOwnerEnforced` means ACLs are disabled.
    pub object_ownership: Fetched<Option<String>>,
    pub versioning: Fetched<Versioning>,
    pub logging: Fetched<Option<LoggingTarget>>,
    pub object_lock: Fetched<Option<ObjectLock>>,
    pub tags: Fetched<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncryptionRule {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    pub grantee_id: Option<String>,
    pub grantee_uri: Option<String>,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP`.
    pub permission: String,
}

impl Grant {
    /// Grants to `AllUsers` or `AuthenticatedUsers` (any AWS account) are public.
    pub fn is_public(&self) -> bool {
        self.grantee_uri.as_deref().is_some_and(|u| {
            u.ends_with("/global/AllUsers") || u.ends_with("/global/AuthenticatedUsers")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Versioning {
    /// `Enabled`, `Suspended`, or `None` when never enabled.
    pub status: Option<String>,
    /// `Enabled` or `Disabled` (absent when never configured).
    pub mfa_delete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggingTarget {
    pub target_bucket: String,
    pub target_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectLock {
    pub enabled: bool,
    pub default_mode: Option<String>,
    pub default_days: Option<i32>,
    pub default_years: Option<i32>,
}
