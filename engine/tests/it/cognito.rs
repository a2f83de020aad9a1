//! Cognito user pools and app clients collected through the real SDK path against moto
//! (which keeps every setting given to CreateUserPool / CreateUserPoolClient and serves the
//! MFA configuration).

use super::*;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AdvancedSecurityModeType, DeletionProtectionType,
    ExplicitAuthFlowsType, OAuthFlowType, PasswordPolicyType, PreventUserExistenceErrorTypes,
    SoftwareTokenMfaConfigType, TimeUnitsType, TokenValidityUnitsType, UserPoolAddOnsType,
    UserPoolMfaType, UserPoolPolicyType,
};

fn password_policy(length: i32, symbols: bool) -> UserPoolPolicyType {
    UserPoolPolicyType::builder()
        .password_policy(
            PasswordPolicyType::builder()
                .minimum_length(length)
                .require_uppercase(true)
                .require_lowercase(true)
                .require_numbers(true)
                .require_symbols(symbols)
                .temporary_password_validity_days(7)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn a_hardened_pool_and_client_pass_and_a_default_one_fails() {
    let acct = account().await;
    let idp = acct.cognito("us-east-1");
    let hardened = idp
        .create_user_pool()
        .pool_name("hardened")
        .policies(password_policy(14, true))
        .user_pool_add_ons(
            UserPoolAddOnsType::builder()
                .advanced_security_mode(AdvancedSecurityModeType::Enforced)
                .build()
                .unwrap(),
        )
        .deletion_protection(DeletionProtectionType::Active)
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    idp.set_user_pool_mfa_config()
        .user_pool_id(&hardened)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    let good_client = idp
        .create_user_pool_client()
        .user_pool_id(&hardened)
        .client_name("web")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .callback_urls("https://app.example.com/cb")
        .callback_urls("http://localhost:3000/cb")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .refresh_token_validity(30)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();

    let default = idp
        .create_user_pool()
        .pool_name("default")
        .policies(password_policy(8, false))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let bad_client = idp
        .create_user_pool_client()
        .user_pool_id(&default)
        .client_name("legacy")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .allowed_o_auth_flows(OAuthFlowType::Implicit)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_scopes("openid")
        .callback_urls("http://app.example.com/cb")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Legacy)
        .refresh_token_validity(3650)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let (bad_client, secret) = (
        bad_client.client_id.unwrap(),
        bad_client.client_secret.unwrap(),
    );

    let inv = scan(&acct, &[Service::Cognito], &["us-east-1"]).await;
    assert!(inv.errors.is_empty(), "{:#?}", inv.errors);

    for check in [
        "cognito_user_pool_mfa_enabled",
        "cognito_user_pool_mfa_required",
        "cognito_user_pool_password_policy_strong",
        "cognito_user_pool_threat_protection_enforced",
        "cognito_user_pool_deletion_protection",
        "cognito_user_pool_self_signup_disabled",
    ] {
        let pass = format!("userpool/{hardened}");
        let fail = format!("userpool/{default}");
        assert_eq!(status(&inv, check, &pass), Status::Pass, "{check}");
        assert_eq!(status(&inv, check, &fail), Status::Fail, "{check}");
    }
    assert_eq!(
        status(
            &inv,
            "cognito_user_pool_mfa_totp_enabled",
            &format!("userpool/{hardened}")
        ),
        Status::Pass
    );
    for check in [
        "cognito_client_no_user_password_auth",
        "cognito_client_no_implicit_oauth_flow",
        "cognito_client_callback_urls_https",
        "cognito_client_prevent_user_existence_errors",
        "cognito_client_refresh_token_validity",
    ] {
        assert_eq!(
            status(&inv, check, &format!("client/{good_client}")),
            Status::Pass,
            "{check}"
        );
        assert_eq!(
            status(&inv, check, &format!("client/{bad_client}")),
            Status::Fail,
            "{check}"
        );
    }
    // The secret's existence is recorded, never the secret.
    let json = serde_json::to_string(&inv.cognito).unwrap();
    assert!(json.contains("\"has_secret\":true"));
    assert!(!json.contains(&secret));
}
