//! KMS inventory types.

use super::{Fetched, PolicyDocument};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KmsRegion {
    pub keys: Vec<Key>,
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `ECC_NIST_P256`, `HMAC_256`, ...
    pub spec: String,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`.
    pub usage: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, ...
    pub state: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
    pub creation_date: Option<DateTime<Utc>>,
    pub deletion_date: Option<DateTime<Utc>>,
    /// `GetKeyRotationStatus`; only fetched where rotation applies, `Ok(None)` elsewhere.
    pub rotation_enabled: Fetched<Option<bool>>,
    pub policy: Fetched<Option<PolicyDocument>>,
}

impl Key {
    /// Rotation applies to enabled customer-managed symmetric keys with KMS-generated material.
    pub fn rotation_applies(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.spec == "SYMMETRIC_DEFAULT"
            && self.origin == "AWS_KMS"
            && self.state == "Enabled"
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub target_key_id: Option<String>,
}
