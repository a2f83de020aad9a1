//! IAM and IAM Access Analyzer inventory types.

use super::{Fetched, Regional};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A policy document, URL-decoded and parsed as JSON. Deeper analysis lives in the policy module.
pub type PolicyDocument = serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IamInventory {
    pub users: Fetched<Vec<User>>,
    pub groups: Fetched<Vec<Group>>,
    pub roles: Fetched<Vec<Role>>,
    /// Managed policies (customer managed, and AWS managed ones that are attached).
    pub policies: Fetched<Vec<ManagedPolicy>>,
    pub credential_report: Fetched<Vec<CredentialReportRow>>,
    /// `None` when the account has no password policy (IAM's `NoSuchEntity`).
    pub password_policy: Fetched<Option<PasswordPolicy>>,
    /// `GetAccountSummary`'s map, e.g. `AccountMFAEnabled`, `AccountAccessKeysPresent`.
    pub account_summary: Fetched<BTreeMap<String, i64>>,
    pub virtual_mfa_devices: Fetched<Vec<VirtualMfaDevice>>,
    pub server_certificates: Fetched<Vec<ServerCertificate>>,
    /// Entities the `AWSSupportAccess` managed policy is attached to.
    pub support_access_entities: Fetched<PolicyEntities>,
    /// Entities the `AWSCloudShellFullAccess` managed policy is attached to.
    pub cloudshell_full_access_entities: Fetched<PolicyEntities>,
    pub access_analyzers: Regional<Vec<Analyzer>>,
    /// Per user and role ARN, the services it last used (IAM's service-last-accessed report);
    /// `None` when not asked for (`--last-accessed`).
    #[serde(default)]
    pub last_accessed: Option<Fetched<BTreeMap<String, Vec<ServiceUse>>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: Fetched<PolicyDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub arn: String,
    pub create_date: Option<DateTime<Utc>>,
    pub password_last_used: Option<DateTime<Utc>>,
    pub groups: Vec<String>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
    pub mfa_devices: Fetched<Vec<MfaDevice>>,
    pub access_keys: Fetched<Vec<AccessKey>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub path: String,
    pub create_date: Option<DateTime<Utc>>,
    pub trust_policy: Fetched<PolicyDocument>,
    pub attached_policies: Vec<AttachedPolicy>,
    pub inline_policies: Vec<InlinePolicy>,
    pub permissions_boundary: Option<String>,
    pub last_used: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    pub aws_managed: bool,
    pub attachment_count: i32,
    pub default_version_id: Option<String>,
    /// The default version's document.
    pub document: Fetched<PolicyDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MfaDevice {
    pub serial_number: String,
    pub enable_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: String,
    pub active: bool,
    pub create_date: Option<DateTime<Utc>>,
    /// From `GetAccessKeyLastUsed`; `Ok(None)` when the key was never used.
    pub last_used: Fetched<Option<DateTime<Utc>>>,
}

/// One row of the IAM credential report. Dates are `None` for `N/A`, `no_information`, `not_supported`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: Option<DateTime<Utc>>,
    pub password_enabled: bool,
    pub password_last_used: Option<DateTime<Utc>>,
    pub password_last_changed: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub access_key_1_active: bool,
    pub access_key_1_last_rotated: Option<DateTime<Utc>>,
    pub access_key_1_last_used: Option<DateTime<Utc>>,
    pub access_key_2_active: bool,
    pub access_key_2_last_rotated: Option<DateTime<Utc>>,
    pub access_key_2_last_used: Option<DateTime<Utc>>,
    pub cert_1_active: bool,
    pub cert_2_active: bool,
}

impl CredentialReportRow {
    /// The account's root user row (`<root_account>`).
    pub fn is_root(&self) -> bool {
        self.user == "<root_account>"
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub allow_users_to_change: bool,
    pub expire_passwords: bool,
    pub max_age_days: Option<i32>,
    pub reuse_prevention: Option<i32>,
    pub hard_expiry: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    /// ARN of the user it is assigned to (`arn:aws:iam::123456789012:root` for the root user).
    pub user_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerCertificate {
    pub name: String,
    pub arn: String,
    pub expiration: Option<DateTime<Utc>>,
    pub upload_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PolicyEntities {
    pub users: Vec<String>,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
}

impl PolicyEntities {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty() && self.roles.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, ...
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
}

/// One service a principal is allowed to use, and when it last did (`None`: not in IAM's
/// tracking period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUse {
    pub namespace: String,
    pub last_authenticated: Option<DateTime<Utc>>,
}
