//! Cognito user pools, Glacier vaults and Storage Gateway resources that pass every check
//! of their service, for tests and the demo.

use crate::inventory::*;

pub fn user_pool(account: &str, region: &str, id: &str) -> UserPool {
    UserPool {
        id: id.to_owned(),
        name: id.to_owned(),
        arn: format!("arn:aws:cognito-idp:{region}:{account}:userpool/{id}"),
        settings: Ok(UserPoolSettings {
            mfa_configuration: Some("ON".into()),
            password_policy: Some(UserPoolPasswordPolicy {
                minimum_length: Some(14),
                require_uppercase: Some(true),
                require_lowercase: Some(true),
                require_numbers: Some(true),
                require_symbols: Some(true),
                temporary_password_validity_days: Some(7),
            }),
            advanced_security_mode: Some("ENFORCED".into()),
            advanced_security_custom_auth_mode: None,
            deletion_protection: Some("ACTIVE".into()),
            allow_admin_create_user_only: Some(true),
            auto_verified_attributes: vec!["email".into()],
        }),
        mfa: Ok(UserPoolMfaConfig {
            mfa_configuration: Some("ON".into()),
            software_token_enabled: true,
            sms_enabled: false,
            email_enabled: false,
        }),
        clients: Ok(vec![AppClient {
            id: "client1".into(),
            name: Some("web".into()),
            settings: Ok(AppClientSettings {
                has_secret: false,
                explicit_auth_flows: vec![
                    "ALLOW_USER_SRP_AUTH".into(),
                    "ALLOW_REFRESH_TOKEN_AUTH".into(),
                ],
                allowed_oauth_flows: vec!["code".into()],
                callback_urls: vec![
                    "https://app.example.com/cb".into(),
                    "http://localhost:3000/cb".into(),
                    "myapp://callback".into(),
                ],
                prevent_user_existence_errors: Some("ENABLED".into()),
                refresh_token_validity: Some(30),
                refresh_token_unit: Some("days".into()),
                ..Default::default()
            }),
        }]),
    }
}

fn gw_arn(account: &str, region: &str, id: &str) -> String {
    format!("arn:aws:storagegateway:{region}:{account}:gateway/{id}")
}

/// A file gateway on supported software with a KMS-encrypted cached volume, SMB requiring encryption.
pub fn gateway(account: &str, region: &str, id: &str) -> Gateway {
    Gateway {
        arn: gw_arn(account, region, id),
        name: Some(id.to_owned()),
        gateway_type: Some("FILE_S3".into()),
        info: Ok(GatewayInfo {
            software_version: Some("2.5.1".into()),
            software_updates_end_date: Some("2030-06-30".into()),
            ..Default::default()
        }),
        smb_security_strategy: Ok(Some("MandatoryEncryption".into())),
        volumes: Ok(vec![Volume {
            arn: format!("{}/volume/vol-{id}", gw_arn(account, region, id)),
            volume_type: Some("CACHED".into()),
            kms_key: Ok(Some(format!("arn:aws:kms:{region}:{account}:key/k"))),
        }]),
    }
}

/// A KMS-encrypted file share of gateway `gw`; NFS shares admit one private network.
pub fn share(account: &str, region: &str, id: &str, protocol: &str) -> FileShare {
    FileShare {
        arn: format!("arn:aws:storagegateway:{region}:{account}:share/share-{id}"),
        gateway_arn: Some(gw_arn(account, region, "gw")),
        protocol: protocol.to_owned(),
        details: Ok(FileShareDetails {
            encryption_type: Some("SseKms".into()),
            kms_encrypted: true,
            kms_key: Some(format!("arn:aws:kms:{region}:{account}:key/k")),
            client_list: if protocol == "NFS" {
                vec!["10.0.0.0/16".into()]
            } else {
                vec![]
            },
            squash: Some("RootSquash".into()),
        }),
    }
}

/// A vault readable only by its account, locked, notifying a topic when jobs complete.
pub fn vault(account: &str, region: &str, name: &str) -> Vault {
    let arn = format!("arn:aws:glacier:{region}:{account}:vaults/{name}");
    Vault {
        policy: Ok(Some(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "Retrieval", "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{account}:role/archive-retrieval")},
            "Action": ["glacier:InitiateJob", "glacier:GetJobOutput"], "Resource": arn}]}),
        )),
        lock: Ok(Some(VaultLock {
            state: Some("Locked".to_owned()),
            policy: None,
        })),
        notifications: Ok(Some(VaultNotifications {
            sns_topic: Some(format!("arn:aws:sns:{region}:{account}:archive-jobs")),
            events: vec![
                "ArchiveRetrievalCompleted".to_owned(),
                "InventoryRetrievalCompleted".to_owned(),
            ],
        })),
        name: name.to_owned(),
        arn,
    }
}
