//! Cognito user pools: sign-in security settings and app clients.

use super::Fetched;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CognitoRegion {
    pub user_pools: Vec<UserPool>,
}

/// One user pool (`ListUserPools`) with what `DescribeUserPool`, `GetUserPoolMfaConfig`
/// and the app-client calls returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPool {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub settings: Fetched<UserPoolSettings>,
    pub mfa: Fetched<UserPoolMfaConfig>,
    /// `ListUserPoolClients`; each client's details are fetched on their own.
    pub clients: Fetched<Vec<AppClient>>,
}

/// The security-relevant part of `DescribeUserPool`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPoolSettings {
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa_configuration: Option<String>,
    pub password_policy: Option<UserPoolPasswordPolicy>,
    /// Threat protection for standard authentication: `OFF`, `AUDIT` or `ENFORCED`;
    /// `None` when the pool has no add-ons configured (off).
    pub advanced_security_mode: Option<String>,
    /// Threat protection for custom authentication: `AUDIT` or `ENFORCED`.
    pub advanced_security_custom_auth_mode: Option<String>,
    /// `ACTIVE` or `INACTIVE`.
    pub deletion_protection: Option<String>,
    /// `false`: anyone may sign up (self-registration).
    pub allow_admin_create_user_only: Option<bool>,
    pub auto_verified_attributes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPoolPasswordPolicy {
    pub minimum_length: Option<i32>,
    pub require_uppercase: Option<bool>,
    pub require_lowercase: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_symbols: Option<bool>,
    pub temporary_password_validity_days: Option<i32>,
}

/// `GetUserPoolMfaConfig`: which second factors the pool offers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserPoolMfaConfig {
    pub mfa_configuration: Option<String>,
    /// Authenticator apps (TOTP).
    pub software_token_enabled: bool,
    /// SMS text messages.
    pub sms_enabled: bool,
    pub email_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppClient {
    pub id: String,
    pub name: Option<String>,
    pub settings: Fetched<AppClientSettings>,
}

/// The security-relevant part of `DescribeUserPoolClient` (never the secret itself).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppClientSettings {
    pub has_secret: bool,
    pub explicit_auth_flows: Vec<String>,
    pub allowed_oauth_flows: Vec<String>,
    pub callback_urls: Vec<String>,
    /// `ENABLED` or `LEGACY`.
    pub prevent_user_existence_errors: Option<String>,
    pub refresh_token_validity: Option<i32>,
    pub access_token_validity: Option<i32>,
    pub id_token_validity: Option<i32>,
    /// `TokenValidityUnits.RefreshToken`: `seconds`, `minutes`, `hours` or `days` (the
    /// default for refresh tokens).
    pub refresh_token_unit: Option<String>,
    pub access_token_unit: Option<String>,
    pub id_token_unit: Option<String>,
}

impl AppClientSettings {
    /// How long a refresh token stays valid, in seconds (Cognito's default: 30 days).
    pub fn refresh_token_seconds(&self) -> i64 {
        let value = i64::from(self.refresh_token_validity.unwrap_or(30));
        let unit = match self.refresh_token_unit.as_deref() {
            Some("seconds") => 1,
            Some("minutes") => 60,
            Some("hours") => 3_600,
            _ => 86_400,
        };
        value * unit
    }
}
