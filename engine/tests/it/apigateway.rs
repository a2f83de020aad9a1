//! API Gateway through the real SDK path against moto: REST APIs with their methods,
//! stages, usage plans and domains; HTTP APIs with routes, authorizers and stages; a WAF
//! association seen on the stage.

use super::*;
use aws_sdk_apigateway::types::{
    EndpointConfiguration, EndpointType, Op, PatchOperation, QuotaPeriodType, QuotaSettings,
    SecurityPolicy, ThrottleSettings,
};
use aws_sdk_apigatewayv2::types::{
    AuthorizationType, AuthorizerType, JwtConfiguration, ProtocolType,
};

const REGION: &str = "eu-west-1";

fn replace(path: &str, value: &str) -> PatchOperation {
    PatchOperation::builder()
        .op(Op::Replace)
        .path(path)
        .value(value)
        .build()
}

/// A REST API with `GET /orders` (authorization `auth`) deployed to stage `prod`.
async fn rest_api(gw: &aws_sdk_apigateway::Client, name: &str, auth: &str) -> String {
    let api = gw
        .create_rest_api()
        .name(name)
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Regional)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = api.id().unwrap().to_owned();
    let root = gw
        .get_resources()
        .rest_api_id(&id)
        .send()
        .await
        .unwrap()
        .items()[0]
        .id()
        .unwrap()
        .to_owned();
    let res = gw
        .create_resource()
        .rest_api_id(&id)
        .parent_id(&root)
        .path_part("orders")
        .send()
        .await
        .unwrap();
    let rid = res.id().unwrap();
    gw.put_method()
        .rest_api_id(&id)
        .resource_id(rid)
        .http_method("GET")
        .authorization_type(auth)
        .send()
        .await
        .unwrap();
    gw.put_integration()
        .rest_api_id(&id)
        .resource_id(rid)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
        .send()
        .await
        .unwrap();
    gw.create_deployment()
        .rest_api_id(&id)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn rest_stages_pass_and_fail_logging_tracing_waf_usage_plan_and_authorization_checks() {
    let acct = account().await;
    let gw = acct.apigateway(REGION);
    let good = rest_api(&gw, "good", "AWS_IAM").await;
    let bad = rest_api(&gw, "bad", "NONE").await;
    gw.update_stage()
        .rest_api_id(&good)
        .stage_name("prod")
        .patch_operations(replace("/*/*/logging/loglevel", "ERROR"))
        .patch_operations(replace("/tracingEnabled", "true"))
        .patch_operations(replace(
            "/accessLogSettings/destinationArn",
            &format!(
                "arn:aws:logs:{REGION}:{}:log-group:api-access",
                acct.account_id
            ),
        ))
        .patch_operations(replace("/accessLogSettings/format", "$context.requestId"))
        .patch_operations(replace("/*/*/caching/enabled", "true"))
        .patch_operations(replace("/*/*/caching/dataEncrypted", "false"))
        .send()
        .await
        .unwrap();
    gw.create_usage_plan()
        .name("metered")
        .api_stages(
            aws_sdk_apigateway::types::ApiStage::builder()
                .api_id(&good)
                .stage("prod")
                .build(),
        )
        .throttle(
            ThrottleSettings::builder()
                .burst_limit(100)
                .rate_limit(50.0)
                .build(),
        )
        .quota(
            QuotaSettings::builder()
                .limit(10_000)
                .period(QuotaPeriodType::Month)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Associating a web ACL marks the stage (GetStage's webAclArn).
    let waf = acct.wafv2(REGION);
    let acl = waf
        .create_web_acl()
        .name("api-protection")
        .scope(aws_sdk_wafv2::types::Scope::Regional)
        .default_action(
            aws_sdk_wafv2::types::DefaultAction::builder()
                .allow(aws_sdk_wafv2::types::AllowAction::builder().build())
                .build(),
        )
        .visibility_config(
            aws_sdk_wafv2::types::VisibilityConfig::builder()
                .sampled_requests_enabled(true)
                .cloud_watch_metrics_enabled(true)
                .metric_name("api")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let stage_arn = |id: &str| format!("arn:aws:apigateway:{REGION}::/restapis/{id}/stages/prod");
    waf.associate_web_acl()
        .web_acl_arn(acl.summary().unwrap().arn().unwrap())
        .resource_arn(stage_arn(&good))
        .send()
        .await
        .unwrap();
    gw.create_domain_name()
        .domain_name("legacy.example.com")
        .regional_certificate_arn(format!(
            "arn:aws:acm:{REGION}:{}:certificate/0000",
            acct.account_id
        ))
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Regional)
                .build(),
        )
        .security_policy(SecurityPolicy::Tls10)
        .send()
        .await
        .unwrap();
    gw.create_domain_name()
        .domain_name("api.example.com")
        .regional_certificate_arn(format!(
            "arn:aws:acm:{REGION}:{}:certificate/0001",
            acct.account_id
        ))
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Regional)
                .build(),
        )
        .security_policy(SecurityPolicy::Tls12)
        .send()
        .await
        .unwrap();

    let inv = scan(&acct, &[Service::ApiGateway], &[REGION]).await;
    let good_stage = format!("/restapis/{good}/stages/prod");
    let bad_stage = format!("/restapis/{bad}/stages/prod");
    for (check, good_status) in [
        ("apigateway_stage_execution_logging", Status::Pass),
        ("apigateway_rest_stage_access_logging", Status::Pass),
        ("apigateway_rest_stage_tracing", Status::Pass),
        ("apigateway_rest_stage_waf", Status::Pass),
        ("apigateway_rest_stage_usage_plan", Status::Pass),
        ("apigateway_rest_stage_cache_encrypted", Status::Fail),
    ] {
        assert_eq!(status(&inv, check, &good_stage), good_status, "{check}");
    }
    for check in [
        "apigateway_stage_execution_logging",
        "apigateway_rest_stage_access_logging",
        "apigateway_rest_stage_tracing",
        "apigateway_rest_stage_waf",
        "apigateway_rest_stage_usage_plan",
        "apigateway_rest_stage_client_certificate",
    ] {
        assert_eq!(status(&inv, check, &bad_stage), Status::Fail, "{check}");
    }
    assert_eq!(
        status(&inv, "apigateway_rest_stage_cache_encrypted", &bad_stage),
        Status::Pass
    );
    assert_eq!(
        status(
            &inv,
            "apigateway_rest_method_authorized",
            &format!("/restapis/{good}")
        ),
        Status::Pass
    );
    let open = findings(&inv, "apigateway_rest_method_authorized")
        .into_iter()
        .find(|f| f.resource_arn.ends_with(&format!("/restapis/{bad}")))
        .unwrap();
    assert_eq!(open.status, Status::Fail);
    assert!(open.message.contains("`GET /orders`"), "{}", open.message);
    assert_eq!(
        status(
            &inv,
            "apigateway_domain_tls12",
            "/domainnames/legacy.example.com"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            &inv,
            "apigateway_domain_tls12",
            "/domainnames/api.example.com"
        ),
        Status::Pass
    );
}

#[tokio::test]
async fn a_public_resource_policy_fails_and_a_vpc_endpoint_restricted_one_passes() {
    let acct = account().await;
    let gw = acct.apigateway(REGION);
    let statement = |condition: serde_json::Value| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "Invoke", "Effect": "Allow", "Principal": "*",
            "Action": "execute-api:Invoke", "Resource": "execute-api:/*", "Condition": condition}]})
        .to_string()
    };
    let open = gw
        .create_rest_api()
        .name("open")
        .policy(statement(serde_json::json!({})))
        .send()
        .await
        .unwrap();
    let vpce = gw
        .create_rest_api()
        .name("vpce")
        .policy(statement(
            serde_json::json!({"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}),
        ))
        .send()
        .await
        .unwrap();
    let plain = gw.create_rest_api().name("plain").send().await.unwrap();
    let inv = scan(&acct, &[Service::ApiGateway], &[REGION]).await;
    let check = "apigateway_rest_api_policy_not_public";
    let suffix = |api: &Option<String>| format!("/restapis/{}", api.as_deref().unwrap());
    assert_eq!(status(&inv, check, &suffix(&open.id)), Status::Fail);
    assert_eq!(status(&inv, check, &suffix(&vpce.id)), Status::Pass);
    assert_eq!(status(&inv, check, &suffix(&plain.id)), Status::Pass);
}

#[tokio::test]
async fn http_api_routes_without_authorization_and_stages_without_access_logs_fail() {
    let acct = account().await;
    let gw = acct.apigatewayv2(REGION);
    let api = gw
        .create_api()
        .name("catalog")
        .protocol_type(ProtocolType::Http)
        .send()
        .await
        .unwrap();
    let id = api.api_id().unwrap();
    let jwt = gw
        .create_authorizer()
        .api_id(id)
        .name("users")
        .authorizer_type(AuthorizerType::Jwt)
        .identity_source("$request.header.Authorization")
        .jwt_configuration(
            JwtConfiguration::builder()
                .audience("client")
                .issuer(format!(
                    "https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Example"
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();
    gw.create_route()
        .api_id(id)
        .route_key("GET /items")
        .authorization_type(AuthorizationType::Jwt)
        .authorizer_id(jwt.authorizer_id().unwrap())
        .send()
        .await
        .unwrap();
    gw.create_route()
        .api_id(id)
        .route_key("OPTIONS /items")
        .send()
        .await
        .unwrap();
    gw.create_stage()
        .api_id(id)
        .stage_name("prod")
        .access_log_settings(
            aws_sdk_apigatewayv2::types::AccessLogSettings::builder()
                .destination_arn(format!(
                    "arn:aws:logs:{REGION}:{}:log-group:catalog",
                    acct.account_id
                ))
                .format("$context.requestId")
                .build(),
        )
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .throttling_burst_limit(100)
                .throttling_rate_limit(50.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    gw.create_stage()
        .api_id(id)
        .stage_name("dev")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::ApiGateway], &[REGION]).await;
    let api_suffix = format!("/apis/{id}");
    assert_eq!(
        status(&inv, "apigateway_v2_route_authorized", &api_suffix),
        Status::Pass
    );
    let authorizers = inv.apigateway.as_ref().unwrap().values().next().unwrap();
    let collected = &authorizers.as_ref().unwrap().apis.as_ref().unwrap()[0];
    assert_eq!(
        collected.authorizers.as_ref().unwrap()[0]
            .jwt_issuer
            .as_deref(),
        Some(format!("https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Example").as_str())
    );
    assert_eq!(
        status(
            &inv,
            "apigateway_v2_stage_access_logging",
            &format!("{api_suffix}/stages/prod")
        ),
        Status::Pass
    );
    assert_eq!(
        status(
            &inv,
            "apigateway_v2_stage_access_logging",
            &format!("{api_suffix}/stages/dev")
        ),
        Status::Fail
    );

    gw.create_route()
        .api_id(id)
        .route_key("POST /items")
        .send()
        .await
        .unwrap();
    let inv = scan(&acct, &[Service::ApiGateway], &[REGION]).await;
    let f = findings(&inv, "apigateway_v2_route_authorized");
    assert_eq!(f[0].status, Status::Fail);
    assert!(f[0].message.contains("`POST /items`"), "{}", f[0].message);
    assert!(!f[0].message.contains("OPTIONS"), "{}", f[0].message);
}
