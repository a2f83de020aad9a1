//! API Gateway inventories that pass every API Gateway check, for tests, the demo and the
//! scan benchmark: a REST API with one fully protected stage, an HTTP API and a WebSocket
//! API with authorized routes and logged, throttled stages.

use super::now;
use crate::inventory::*;
use chrono::Duration;
use std::collections::BTreeMap;

/// A compliant REST API `name` (id `id`) with stage `prod`, in `region` of `account`.
pub fn rest_api(account: &str, region: &str, id: &str, name: &str) -> RestApi {
    let arn = format!("arn:aws:apigateway:{region}::/restapis/{id}");
    RestApi {
        id: id.to_owned(),
        name: name.to_owned(),
        arn: arn.clone(),
        endpoint_types: vec!["REGIONAL".into()],
        policy: Ok(None),
        api_key_source: Some("HEADER".into()),
        disable_execute_api_endpoint: false,
        stages: Ok(vec![RestStage {
            name: "prod".into(),
            arn: format!("{arn}/stages/prod"),
            method_settings: BTreeMap::from([(
                "*/*".to_owned(),
                MethodSetting {
                    logging_level: Some("ERROR".into()),
                    metrics_enabled: true,
                    caching_enabled: true,
                    cache_data_encrypted: true,
                    throttling_burst_limit: Some(100),
                    throttling_rate_limit: Some(50.0),
                    ..Default::default()
                },
            )]),
            access_log: Some(AccessLog {
                destination_arn: format!(
                    "arn:aws:logs:{region}:{account}:log-group:API-Gateway-Access-Logs_{id}/prod"
                ),
                format: Some("$context.requestId $context.status".into()),
            }),
            tracing_enabled: true,
            cache_cluster_enabled: true,
            client_certificate_id: Some(format!("cert-{id}")),
            client_certificate: Some(Ok(ClientCertificate {
                id: format!("cert-{id}"),
                expiration_date: Some(now() + Duration::days(300)),
            })),
            web_acl_arn: Some(format!(
                "arn:aws:wafv2:{region}:{account}:regional/webacl/api-protection/0f1e2d3c"
            )),
        }]),
        methods: Ok(vec![
            RestMethod {
                path: "/orders".into(),
                http_method: "GET".into(),
                authorization_type: "COGNITO_USER_POOLS".into(),
                authorizer_id: Some("auth1".into()),
                api_key_required: false,
            },
            RestMethod {
                path: "/orders".into(),
                http_method: "OPTIONS".into(),
                authorization_type: "NONE".into(),
                authorizer_id: None,
                api_key_required: false,
            },
            RestMethod {
                path: "/orders".into(),
                http_method: "POST".into(),
                authorization_type: "AWS_IAM".into(),
                authorizer_id: None,
                api_key_required: false,
            },
        ]),
        authorizers: Ok(vec![Authorizer {
            id: "auth1".into(),
            name: "users".into(),
            kind: "COGNITO_USER_POOLS".into(),
            provider_arns: vec![format!(
                "arn:aws:cognito-idp:{region}:{account}:userpool/{region}_Example"
            )],
        }]),
    }
}

/// A usage plan with throttle and quota covering `stage` of each API id.
pub fn usage_plan(id: &str, apis: &[&str], stage: &str) -> UsagePlan {
    UsagePlan {
        id: id.to_owned(),
        name: format!("plan-{id}"),
        api_stages: apis
            .iter()
            .map(|a| UsagePlanStage {
                api_id: (*a).to_owned(),
                stage: stage.to_owned(),
            })
            .collect(),
        throttle: Some(Throttle {
            burst_limit: Some(200),
            rate_limit: Some(100.0),
        }),
        quota: Some(Quota {
            limit: 1_000_000,
            period: Some("MONTH".into()),
        }),
    }
}

/// A compliant HTTP or WebSocket API with stage `prod`.
pub fn api(account: &str, region: &str, id: &str, name: &str, protocol: ApiProtocol) -> Api {
    let arn = format!("arn:aws:apigateway:{region}::/apis/{id}");
    let routes = match protocol {
        ApiProtocol::Http => vec![
            route("r1", "GET /items", "JWT", Some("jwt1")),
            route("r2", "OPTIONS /items", "NONE", None),
        ],
        ApiProtocol::Websocket => vec![
            route("r1", "$connect", "CUSTOM", Some("jwt1")),
            route("r2", "$default", "NONE", None),
        ],
    };
    Api {
        id: id.to_owned(),
        name: name.to_owned(),
        arn: arn.clone(),
        protocol,
        endpoint: Some(format!("https://{id}.execute-api.{region}.amazonaws.com")),
        disable_execute_api_endpoint: false,
        routes: Ok(routes),
        authorizers: Ok(vec![ApiAuthorizer {
            id: "jwt1".into(),
            name: "users".into(),
            kind: if protocol == ApiProtocol::Http {
                "JWT".into()
            } else {
                "REQUEST".into()
            },
            jwt_issuer: Some(format!(
                "https://cognito-idp.{region}.amazonaws.com/{region}_Example"
            )),
        }]),
        stages: Ok(vec![ApiStage {
            name: "prod".into(),
            arn: format!("{arn}/stages/prod"),
            access_log: Some(AccessLog {
                destination_arn: format!(
                    "arn:aws:logs:{region}:{account}:log-group:/aws/apigateway/{name}"
                ),
                format: Some("$context.requestId $context.status".into()),
            }),
            logging_level: (protocol == ApiProtocol::Websocket).then(|| "ERROR".to_owned()),
            throttling_burst_limit: Some(100),
            throttling_rate_limit: Some(50.0),
            auto_deploy: true,
        }]),
    }
}

fn route(id: &str, key: &str, auth: &str, authorizer: Option<&str>) -> Route {
    Route {
        id: id.to_owned(),
        route_key: key.to_owned(),
        authorization_type: auth.to_owned(),
        authorizer_id: authorizer.map(str::to_owned),
        api_key_required: false,
    }
}

/// A region with one REST API (in a usage plan), one HTTP and one WebSocket API and a
/// TLS 1.2 custom domain, all compliant.
pub fn region(account: &str, region: &str) -> ApiGatewayRegion {
    ApiGatewayRegion {
        rest_apis: vec![rest_api(account, region, "a1b2c3d4e5", "orders")],
        apis: Ok(vec![
            api(account, region, "h1h2h3h4h5", "catalog", ApiProtocol::Http),
            api(
                account,
                region,
                "w1w2w3w4w5",
                "live",
                ApiProtocol::Websocket,
            ),
        ]),
        usage_plans: Ok(vec![usage_plan("up1", &["a1b2c3d4e5"], "prod")]),
        domain_names: Ok(vec![DomainName {
            name: "api.example.com".into(),
            security_policy: Some("TLS_1_2".into()),
            endpoint_types: vec!["REGIONAL".into()],
            mtls_truststore_uri: None,
        }]),
    }
}
