//! Cognito user pools: collector. `ListUserPools`, then per pool `DescribeUserPool`,
//! `GetUserPoolMfaConfig` and `ListUserPoolClients`, then `DescribeUserPoolClient` per
//! app client. Client secrets are never stored, only whether one exists.

use super::{Ctx, client};
use crate::inventory::{
    AppClient, AppClientSettings, CognitoRegion, Fetched, Regional, Service, UserPool,
    UserPoolMfaConfig, UserPoolPasswordPolicy, UserPoolSettings,
};
use crate::types::Region;
use aws_sdk_cognitoidentityprovider::types::{UserPoolClientType, UserPoolType};

const S: Service = Service::Cognito;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<CognitoRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<CognitoRegion> {
    let idp = client!(aws_sdk_cognitoidentityprovider, ctx, &region);
    let idp = &idp;
    let region = &region;
    let r = Some(region);
    let listed: Vec<(String, String)> = ctx
        .call(S, r, "ListUserPools", None, async {
            idp.list_user_pools()
                .max_results(60)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?
        .iter()
        .filter_map(|p| Some((p.id()?.to_owned(), p.name().unwrap_or_default().to_owned())))
        .collect();
    let user_pools = ctx
        .map_bounded(listed, |(id, name)| async move {
            let arn = format!(
                "arn:{}:cognito-idp:{region}:{}:userpool/{id}",
                ctx.partition, ctx.account_id
            );
            let described = ctx
                .call(S, r, "DescribeUserPool", Some(&arn), async {
                    idp.describe_user_pool().user_pool_id(&id).send().await
                })
                .await;
            let settings = described.map(|out| out.user_pool().map(settings).unwrap_or_default());
            let mfa = ctx
                .call(S, r, "GetUserPoolMfaConfig", Some(&arn), async {
                    idp.get_user_pool_mfa_config()
                        .user_pool_id(&id)
                        .send()
                        .await
                })
                .await
                .map(|out| UserPoolMfaConfig {
                    mfa_configuration: out.mfa_configuration().map(|m| m.as_str().to_owned()),
                    software_token_enabled: out
                        .software_token_mfa_configuration()
                        .is_some_and(|t| t.enabled()),
                    sms_enabled: out.sms_mfa_configuration().is_some(),
                    email_enabled: out.email_mfa_configuration().is_some(),
                });
            let clients = app_clients(ctx, idp, region, &id, &arn).await;
            UserPool {
                id,
                name,
                arn,
                settings,
                mfa,
                clients,
            }
        })
        .await;
    Ok(CognitoRegion { user_pools })
}

async fn app_clients(
    ctx: &Ctx,
    idp: &aws_sdk_cognitoidentityprovider::Client,
    region: &Region,
    pool_id: &str,
    pool_arn: &str,
) -> Fetched<Vec<AppClient>> {
    let r = Some(region);
    let listed: Vec<(String, Option<String>)> = ctx
        .call(S, r, "ListUserPoolClients", Some(pool_arn), async {
            idp.list_user_pool_clients()
                .user_pool_id(pool_id)
                .max_results(60)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?
        .iter()
        .filter_map(|c| {
            Some((
                c.client_id()?.to_owned(),
                c.client_name().map(str::to_owned),
            ))
        })
        .collect();
    Ok(ctx
        .map_bounded(listed, |(id, name)| async move {
            let resource = format!("{pool_arn}/client/{id}");
            let settings = ctx
                .call(S, r, "DescribeUserPoolClient", Some(&resource), async {
                    idp.describe_user_pool_client()
                        .user_pool_id(pool_id)
                        .client_id(&id)
                        .send()
                        .await
                })
                .await
                .map(|out| {
                    out.user_pool_client()
                        .map(client_settings)
                        .unwrap_or_default()
                });
            AppClient { id, name, settings }
        })
        .await)
}

fn settings(p: &UserPoolType) -> UserPoolSettings {
    let add_ons = p.user_pool_add_ons();
    UserPoolSettings {
        mfa_configuration: p.mfa_configuration().map(|m| m.as_str().to_owned()),
        password_policy: p.policies().and_then(|p| p.password_policy()).map(|pp| {
            UserPoolPasswordPolicy {
                minimum_length: pp.minimum_length(),
                require_uppercase: Some(pp.require_uppercase()),
                require_lowercase: Some(pp.require_lowercase()),
                require_numbers: Some(pp.require_numbers()),
                require_symbols: Some(pp.require_symbols()),
                temporary_password_validity_days: Some(pp.temporary_password_validity_days())
                    .filter(|d| *d > 0),
            }
        }),
        advanced_security_mode: add_ons.map(|a| a.advanced_security_mode().as_str().to_owned()),
        advanced_security_custom_auth_mode: add_ons
            .and_then(|a| a.advanced_security_additional_flows())
            .and_then(|f| f.custom_auth_mode())
            .map(|m| m.as_str().to_owned()),
        deletion_protection: p.deletion_protection().map(|d| d.as_str().to_owned()),
        allow_admin_create_user_only: p
            .admin_create_user_config()
            .map(|c| c.allow_admin_create_user_only()),
        auto_verified_attributes: p
            .auto_verified_attributes()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
    }
}

fn client_settings(c: &UserPoolClientType) -> AppClientSettings {
    let units = c.token_validity_units();
    AppClientSettings {
        has_secret: c.client_secret().is_some_and(|s| !s.is_empty()),
        explicit_auth_flows: c
            .explicit_auth_flows()
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
        allowed_oauth_flows: c
            .allowed_o_auth_flows()
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
        callback_urls: c.callback_urls().to_vec(),
        prevent_user_existence_errors: c
            .prevent_user_existence_errors()
            .map(|p| p.as_str().to_owned()),
        // 0 (absent) means the default, 30 days.
        refresh_token_validity: Some(c.refresh_token_validity()).filter(|v| *v > 0),
        access_token_validity: c.access_token_validity(),
        id_token_validity: c.id_token_validity(),
        refresh_token_unit: units
            .and_then(|u| u.refresh_token())
            .map(|t| t.as_str().to_owned()),
        access_token_unit: units
            .and_then(|u| u.access_token())
            .map(|t| t.as_str().to_owned()),
        id_token_unit: units
            .and_then(|u| u.id_token())
            .map(|t| t.as_str().to_owned()),
    }
}
