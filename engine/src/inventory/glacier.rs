//! S3 Glacier vaults: access policies, vault locks and notifications.

use super::{Fetched, PolicyDocument};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GlacierRegion {
    pub vaults: Vec<Vault>,
}

/// One vault (`ListVaults`) and its configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vault {
    pub arn: String,
    pub name: String,
    /// The vault access policy (`GetVaultAccessPolicy`); `None` when it has none.
    pub policy: Fetched<Option<PolicyDocument>>,
    /// The vault lock (`GetVaultLock`); `None` when no lock was ever initiated.
    pub lock: Fetched<Option<VaultLock>>,
    /// Notification configuration (`GetVaultNotifications`); `None` when none is set.
    pub notifications: Fetched<Option<VaultNotifications>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaultLock {
    /// `Locked` (immutable) or `InProgress` (can still be aborted).
    pub state: Option<String>,
    pub policy: Option<PolicyDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VaultNotifications {
    pub sns_topic: Option<String>,
    pub events: Vec<String>,
}
