//! API Gateway checks: logging and tracing of stages, backend client certificates, WAF,
//! cache encryption, authorization of every method and route, usage-plan throttling,
//! resource policies and custom-domain TLS.

use super::{Check, Outcome, Status, not_collected, resource_policy};
use crate::inventory::*;
use crate::types::Region;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

pub(super) const CHECKS: &[Check] = &[
    check!(
        ApiGateway,
        "apigateway_stage_execution_logging",
        "API Gateway REST and WebSocket stages log execution (ERROR or INFO)",
        Medium,
        "Execution logs record each request's authorization, integration and errors in CloudWatch Logs: without them an attack on the API, or a misbehaving authorizer, leaves no trace. HTTP APIs have no execution logging; their access logs are checked separately.",
        "API Gateway → the API → Stages → the stage → Logs and tracing → Edit → CloudWatch logs: Errors only (or Errors and info logs).",
        "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR   # WebSocket: aws apigatewayv2 update-stage --api-id <api-id> --stage-name <stage> --default-route-settings LoggingLevel=ERROR",
        execution_logging
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_access_logging",
        "API Gateway REST stages write access logs",
        Medium,
        "Access logs record who called which method from where and with what result, one line per request: the record an investigation starts from. Execution logs do not replace them (they are sampled by level and hard to query).",
        "API Gateway → the API → Stages → the stage → Logs and tracing → Edit → Custom access logging: on, with a CloudWatch Logs group or Firehose stream and a log format.",
        "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/accessLogSettings/destinationArn,value=<log-group-arn> op=replace,path=/accessLogSettings/format,value='$context.requestId $context.identity.sourceIp $context.httpMethod $context.resourcePath $context.status'",
        rest_access_logging
    ),
    check!(
        ApiGateway,
        "apigateway_v2_stage_access_logging",
        "API Gateway HTTP and WebSocket stages write access logs",
        Medium,
        "Access logs are the only per-request record of an HTTP or WebSocket API: caller, route, status and latency. Without them nobody can tell who used the API.",
        "API Gateway → the API → Monitor → Logging → the stage → Edit → Access logging: on, with a CloudWatch Logs group and a log format.",
        "aws apigatewayv2 update-stage --api-id <api-id> --stage-name <stage> --access-log-settings DestinationArn=<log-group-arn>,Format='$context.requestId $context.identity.sourceIp $context.routeKey $context.status'",
        v2_access_logging
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_client_certificate",
        "API Gateway REST stages present a client certificate to their backend",
        Medium,
        "A client certificate lets the backend verify that a request really comes from API Gateway, so callers cannot bypass the API's authorization and throttling by calling the backend directly.",
        "API Gateway → Client certificates → Generate; then the API → Stages → the stage → Edit → Client certificate: select it, and have the backend require it.",
        "aws apigateway generate-client-certificate --description <api> && aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/clientCertificateId,value=<certificate-id>",
        client_certificate
    ),
    check!(
        ApiGateway,
        "apigateway_client_certificate_not_expired",
        "Client certificates of API Gateway stages are valid for at least 30 more days",
        High,
        "When the certificate a stage presents to its backend expires, a backend that verifies it rejects every request (an outage), and one that keeps accepting it no longer authenticates API Gateway at all. Rotate before expiry.",
        "API Gateway → Client certificates → Generate a new certificate, install its public key on the backend, then select it on the stage.",
        "aws apigateway generate-client-certificate && aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/clientCertificateId,value=<new-certificate-id>",
        client_certificate_not_expired
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_tracing",
        "API Gateway REST stages have X-Ray tracing enabled",
        Low,
        "Active tracing follows each request through API Gateway into its backends, which shows where a suspicious or failing request went and how long each hop took.",
        "API Gateway → the API → Stages → the stage → Logs and tracing → Edit → X-Ray tracing: on.",
        "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/tracingEnabled,value=true",
        tracing
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_waf",
        "API Gateway REST stages are protected by an AWS WAF web ACL",
        Medium,
        "A web ACL in front of the stage filters SQL injection, cross-site scripting, known bad inputs and floods from single sources before they reach the backend.",
        "WAF & Shield → Web ACLs (the stage's region) → the web ACL → Associated AWS resources → Add → API Gateway REST API: the stage.",
        "aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn arn:aws:apigateway:<region>::/restapis/<api-id>/stages/<stage>",
        waf
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_cache_encrypted",
        "API Gateway REST stage caches are encrypted at rest",
        Medium,
        "A stage cache holds backend responses, often personal or authorization-dependent data; unencrypted it sits in clear on the cache cluster's disks.",
        "API Gateway → the API → Stages → the stage → Edit → Cache settings: Encrypt cache data.",
        "aws apigateway update-stage --rest-api-id <api-id> --stage-name <stage> --patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true",
        cache_encrypted
    ),
    check!(
        ApiGateway,
        "apigateway_rest_method_authorized",
        "Every method of a public REST API requires authorization or an API key under a usage plan",
        High,
        "A method with authorization NONE answers anyone on the internet. Use IAM, a Cognito user pool or a Lambda authorizer; a deliberately public method should at least require an API key tied to a usage plan, so its callers are known and throttled. OPTIONS (CORS preflight) methods are exempt; private APIs are reachable only through the VPC endpoints their resource policy allows.",
        "API Gateway → the API → Resources → the method → Method request → Edit → Authorization: AWS IAM, a Cognito user pool or a Lambda authorizer (or API key required: true), then deploy the API.",
        "aws apigateway update-method --rest-api-id <api-id> --resource-id <resource-id> --http-method <verb> --patch-operations op=replace,path=/authorizationType,value=AWS_IAM && aws apigateway create-deployment --rest-api-id <api-id> --stage-name <stage>",
        rest_methods_authorized
    ),
    check!(
        ApiGateway,
        "apigateway_v2_route_authorized",
        "API Gateway HTTP routes and WebSocket $connect routes specify an authorization type",
        High,
        "A route with authorization NONE is open to anyone who knows the endpoint. HTTP APIs support IAM, JWT (Cognito or any OIDC issuer) and Lambda authorizers; WebSocket APIs authorize once, on $connect.",
        "API Gateway → the API → Authorization → the route → Attach authorizer (JWT, Lambda or IAM).",
        "aws apigatewayv2 update-route --api-id <api-id> --route-id <route-id> --authorization-type JWT --authorizer-id <authorizer-id>",
        v2_routes_authorized
    ),
    check!(
        ApiGateway,
        "apigateway_rest_stage_usage_plan",
        "Public API Gateway REST stages are covered by a usage plan with throttle and quota",
        Medium,
        "A usage plan caps the request rate and the total requests each API key may make, so one caller (or one leaked key) cannot exhaust the backend or run up its bill.",
        "API Gateway → Usage plans → Create (Throttling: rate and burst; Quota: requests per day/week/month) → Associated stages → Add the API stage.",
        "aws apigateway create-usage-plan --name <name> --throttle burstLimit=100,rateLimit=50 --quota limit=100000,period=MONTH --api-stages apiId=<api-id>,stage=<stage>",
        usage_plan
    ),
    check!(
        ApiGateway,
        "apigateway_rest_api_policy_not_public",
        "API Gateway resource policies do not allow everyone without a condition",
        Medium,
        "A resource policy statement granting `execute-api:Invoke` to `*` without a source IP, VPC endpoint or organisation condition makes every method that lacks its own authorization callable by anyone.",
        "API Gateway → the API → Resource policy: restrict the `*` principal with aws:SourceVpce, aws:SourceIp or aws:PrincipalOrgID, then deploy the API.",
        "aws apigateway update-rest-api --rest-api-id <api-id> --patch-operations op=replace,path=/policy,value='<policy json>' && aws apigateway create-deployment --rest-api-id <api-id> --stage-name <stage>",
        api_policy_not_public
    ),
    check!(
        ApiGateway,
        "apigateway_domain_tls12",
        "API Gateway custom domain names require TLS 1.2 or later",
        Medium,
        "The TLS_1_0 security policy accepts TLS 1.0 and 1.1, which have known weaknesses and are deprecated (RFC 8996).",
        "API Gateway → Custom domain names → the domain → Edit → Minimum TLS version: TLS 1.2 (or an enhanced security policy).",
        "aws apigateway update-domain-name --domain-name <domain> --patch-operations op=replace,path=/securityPolicy,value=TLS_1_2",
        domain_tls12
    ),
    check!(
        ApiGateway,
        "apigateway_v2_stage_throttled",
        "API Gateway HTTP and WebSocket stages set default route throttling",
        Low,
        "Without stage throttling a v2 API accepts up to the account-wide limit (10,000 requests/s by default) and one noisy or malicious caller can starve every other API in the region.",
        "API Gateway → the API → Protect → Throttling → the stage → Edit default route throttling: burst and rate limits.",
        "aws apigatewayv2 update-stage --api-id <api-id> --stage-name <stage> --default-route-settings ThrottlingBurstLimit=100,ThrottlingRateLimit=50",
        v2_throttled
    ),
];

const REST_API: &str = "AwsApiGatewayRestApi";
const STAGE: &str = "AwsApiGatewayStage";
const V2_API: &str = "AwsApiGatewayV2Api";
const V2_STAGE: &str = "AwsApiGatewayV2Stage";
const DOMAIN: &str = "AwsApiGatewayDomainName";

/// Each region's API Gateway data; a region that could not be read is one ERROR.
fn regions<'a>(
    inv: &'a Inventory,
    out: &mut Vec<Outcome>,
) -> Vec<(&'a Region, &'a ApiGatewayRegion)> {
    let Some(regions) = &inv.apigateway else {
        out.push(not_collected(
            REST_API,
            format!("arn:{}:apigateway:::{}", inv.partition, inv.account_id),
            "API Gateway",
        ));
        return vec![];
    };
    let mut ok = Vec::new();
    for (region, data) in regions {
        match data {
            Ok(d) => ok.push((region, d)),
            Err(e) => out.push(
                Outcome::error(
                    REST_API,
                    format!("arn:{}:apigateway:{region}::/restapis", inv.partition),
                    "the region's REST APIs",
                    e,
                )
                .in_region(region),
            ),
        }
    }
    ok
}

type Regions<'a> = Vec<(&'a Region, &'a ApiGatewayRegion)>;
type Stages<'a> = Vec<(&'a Region, &'a ApiGatewayRegion, &'a RestApi, &'a RestStage)>;

/// Every REST stage, with ERRORs for APIs whose stages could not be read.
fn rest_stages<'a>(inv: &'a Inventory, out: &mut Vec<Outcome>) -> Stages<'a> {
    let regions = regions(inv, out);
    rest_stages_of(&regions, out)
}

fn rest_stages_of<'a>(regions: &Regions<'a>, out: &mut Vec<Outcome>) -> Stages<'a> {
    let mut stages = Vec::new();
    for &(region, data) in regions {
        for api in &data.rest_apis {
            match &api.stages {
                Ok(s) => stages.extend(s.iter().map(|s| (region, data, api, s))),
                Err(e) => out.push(
                    Outcome::error(REST_API, &api.arn, "the API's stages", e).in_region(region),
                ),
            }
        }
    }
    stages
}

/// Every HTTP/WebSocket API, with ERRORs for regions whose v2 APIs could not be read.
fn v2_apis<'a>(inv: &'a Inventory, out: &mut Vec<Outcome>) -> Vec<(&'a Region, &'a Api)> {
    let regions = regions(inv, out);
    v2_apis_of(inv, &regions, out)
}

fn v2_apis_of<'a>(
    inv: &Inventory,
    regions: &Regions<'a>,
    out: &mut Vec<Outcome>,
) -> Vec<(&'a Region, &'a Api)> {
    let mut apis = Vec::new();
    for &(region, data) in regions {
        match &data.apis {
            Ok(a) => apis.extend(a.iter().map(|a| (region, a))),
            Err(e) => out.push(
                Outcome::error(
                    V2_API,
                    format!("arn:{}:apigateway:{region}::/apis", inv.partition),
                    "the region's HTTP and WebSocket APIs",
                    e,
                )
                .in_region(region),
            ),
        }
    }
    apis
}

fn v2_stages<'a>(
    inv: &'a Inventory,
    out: &mut Vec<Outcome>,
) -> Vec<(&'a Region, &'a Api, &'a ApiStage)> {
    let regions = regions(inv, out);
    v2_stages_of(inv, &regions, out)
}

fn v2_stages_of<'a>(
    inv: &Inventory,
    regions: &Regions<'a>,
    out: &mut Vec<Outcome>,
) -> Vec<(&'a Region, &'a Api, &'a ApiStage)> {
    let mut stages = Vec::new();
    for (region, api) in v2_apis_of(inv, regions, out) {
        match &api.stages {
            Ok(s) => stages.extend(s.iter().map(|s| (region, api, s))),
            Err(e) => {
                out.push(Outcome::error(V2_API, &api.arn, "the API's stages", e).in_region(region))
            }
        }
    }
    stages
}

/// Runs `judge` on every REST stage.
fn per_rest_stage(
    inv: &Inventory,
    judge: impl Fn(&ApiGatewayRegion, &RestApi, &RestStage) -> Outcome,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, data, api, stage) in rest_stages(inv, &mut out) {
        out.push(judge(data, api, stage).in_region(region));
    }
    out
}

fn stage_label(api: &RestApi, stage: &RestStage) -> String {
    format!("stage `{}` of REST API `{}`", stage.name, api.name)
}

fn logs_at(level: Option<&str>) -> bool {
    matches!(level, Some("ERROR" | "INFO"))
}

fn execution_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    let regions = regions(inv, &mut out);
    for (region, _, api, stage) in rest_stages_of(&regions, &mut out) {
        let level = stage.defaults().and_then(|d| d.logging_level.as_deref());
        out.push(
            Outcome::pass_if(
                logs_at(level),
                STAGE,
                &stage.arn,
                format!(
                    "{} logs execution at level {}",
                    stage_label(api, stage),
                    level.unwrap_or("OFF")
                ),
            )
            .with_evidence(json!({"logging_level": level}))
            .in_region(region),
        );
    }
    for (region, api, stage) in v2_stages_of(inv, &regions, &mut out) {
        if api.protocol != ApiProtocol::Websocket {
            continue;
        }
        let level = stage.logging_level.as_deref();
        out.push(
            Outcome::pass_if(
                logs_at(level),
                V2_STAGE,
                &stage.arn,
                format!(
                    "stage `{}` of WebSocket API `{}` logs execution at level {}",
                    stage.name,
                    api.name,
                    level.unwrap_or("OFF")
                ),
            )
            .with_evidence(json!({"logging_level": level}))
            .in_region(region),
        );
    }
    out
}

fn rest_access_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_rest_stage(inv, |_, api, stage| {
        access_log_outcome(
            STAGE,
            &stage.arn,
            &stage_label(api, stage),
            stage.access_log.as_ref(),
        )
    })
}

fn access_log_outcome(
    kind: &'static str,
    arn: &str,
    label: &str,
    log: Option<&AccessLog>,
) -> Outcome {
    match log {
        Some(l) => Outcome::pass(kind, arn, format!("{label} writes access logs to {}", l.destination_arn)),
        None => Outcome::fail(kind, arn, format!("{label} writes no access logs")),
    }
    .with_evidence(json!({"access_log": log.map(|l| json!({"destination_arn": l.destination_arn, "format": l.format}))}))
}

fn v2_access_logging(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, api, stage) in v2_stages(inv, &mut out) {
        let label = format!(
            "stage `{}` of {} API `{}`",
            stage.name,
            api.protocol.as_str(),
            api.name
        );
        out.push(
            access_log_outcome(V2_STAGE, &stage.arn, &label, stage.access_log.as_ref())
                .in_region(region),
        );
    }
    out
}

fn client_certificate(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_rest_stage(inv, |_, api, stage| {
        Outcome::pass_if(
            stage.client_certificate_id.is_some(),
            STAGE,
            &stage.arn,
            match &stage.client_certificate_id {
                Some(id) => format!(
                    "{} presents client certificate {id} to its backend",
                    stage_label(api, stage)
                ),
                None => format!(
                    "{} presents no client certificate to its backend",
                    stage_label(api, stage)
                ),
            },
        )
        .with_evidence(json!({"client_certificate_id": stage.client_certificate_id}))
    })
}

/// Days of validity a certificate must have left.
const CERT_MIN_DAYS: i64 = 30;

fn client_certificate_not_expired(inv: &Inventory, now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, _, api, stage) in rest_stages(inv, &mut out) {
        let Some(cert) = &stage.client_certificate else {
            continue;
        };
        let label = stage_label(api, stage);
        let o = match cert {
            Err(e) => Outcome::error(STAGE, &stage.arn, "the stage's client certificate", e),
            Ok(ClientCertificate {
                id,
                expiration_date: None,
            }) => Outcome::new(
                Status::Error,
                STAGE,
                &stage.arn,
                format!("client certificate {id} of {label} has no expiration date"),
            ),
            Ok(ClientCertificate {
                id,
                expiration_date: Some(exp),
            }) => {
                let left = (*exp - now).num_days();
                let msg = if *exp <= now {
                    format!(
                        "client certificate {id} of {label} expired on {}",
                        exp.date_naive()
                    )
                } else {
                    format!(
                        "client certificate {id} of {label} expires on {} ({left} days left)",
                        exp.date_naive()
                    )
                };
                Outcome::pass_if(
                    *exp - now >= Duration::days(CERT_MIN_DAYS),
                    STAGE,
                    &stage.arn,
                    msg,
                )
                .with_evidence(
                    json!({"client_certificate_id": id, "expiration_date": exp, "days_left": left}),
                )
            }
        };
        out.push(o.in_region(region));
    }
    out
}

fn tracing(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_rest_stage(inv, |_, api, stage| {
        Outcome::pass_if(
            stage.tracing_enabled,
            STAGE,
            &stage.arn,
            format!(
                "{} has X-Ray tracing {}",
                stage_label(api, stage),
                if stage.tracing_enabled {
                    "enabled"
                } else {
                    "disabled"
                }
            ),
        )
        .with_evidence(json!({"tracing_enabled": stage.tracing_enabled}))
    })
}

fn waf(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_rest_stage(inv, |_, api, stage| {
        match &stage.web_acl_arn {
            Some(acl) => Outcome::pass(
                STAGE,
                &stage.arn,
                format!("{} is protected by web ACL {acl}", stage_label(api, stage)),
            ),
            None => Outcome::fail(
                STAGE,
                &stage.arn,
                format!("{} has no AWS WAF web ACL", stage_label(api, stage)),
            ),
        }
        .with_evidence(json!({"web_acl_arn": stage.web_acl_arn}))
    })
}

fn cache_encrypted(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    per_rest_stage(inv, |_, api, stage| {
        let cached: Vec<(&String, &MethodSetting)> = stage
            .method_settings
            .iter()
            .filter(|(_, m)| m.caching_enabled)
            .collect();
        let label = stage_label(api, stage);
        if cached.is_empty() {
            return Outcome::pass(STAGE, &stage.arn, format!("{label} caches no responses"))
                .with_evidence(json!({"cache_cluster_enabled": stage.cache_cluster_enabled, "cached_methods": []}));
        }
        let clear: Vec<&String> = cached
            .iter()
            .filter(|(_, m)| !m.cache_data_encrypted)
            .map(|(k, _)| *k)
            .collect();
        Outcome::pass_if(
            clear.is_empty(),
            STAGE,
            &stage.arn,
            if clear.is_empty() {
                format!("{label} encrypts its cache")
            } else {
                format!("{label} caches responses unencrypted for {}", join(&clear))
            },
        )
        .with_evidence(json!({
            "cache_cluster_enabled": stage.cache_cluster_enabled,
            "cached_methods": cached.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            "unencrypted": clear,
        }))
    })
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether some usage plan covers a stage of this API.
fn api_in_usage_plan(plans: &[UsagePlan], api_id: &str) -> bool {
    plans
        .iter()
        .any(|p| p.api_stages.iter().any(|s| s.api_id == api_id))
}

fn rest_methods_authorized(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, data) in regions(inv, &mut out) {
        for api in &data.rest_apis {
            let o = match &api.methods {
                Err(e) => Outcome::error(REST_API, &api.arn, "the API's methods", e),
                Ok(_) if api.is_private() => Outcome::pass(
                    REST_API,
                    &api.arn,
                    format!("REST API `{}` is private: only the VPC endpoints its resource policy allows reach it", api.name),
                )
                .with_evidence(json!({"endpoint_types": api.endpoint_types})),
                Ok(methods) => {
                    let planned = data
                        .usage_plans
                        .as_ref()
                        .map(|p| api_in_usage_plan(p, &api.id))
                        .unwrap_or(false);
                    let open: Vec<String> = methods
                        .iter()
                        .filter(|m| m.http_method != "OPTIONS" && m.authorization_type == "NONE")
                        .filter(|m| !(m.api_key_required && planned))
                        .map(|m| format!("{} {}", m.http_method, m.path))
                        .collect();
                    Outcome::pass_if(
                        open.is_empty(),
                        REST_API,
                        &api.arn,
                        if open.is_empty() {
                            format!("every method of REST API `{}` requires authorization or a planned API key", api.name)
                        } else {
                            format!("REST API `{}` answers anyone on {}", api.name, join(&open))
                        },
                    )
                    .with_evidence(json!({
                        "unauthorized_methods": open,
                        "methods": methods.iter().map(|m| json!({
                            "method": m.http_method, "path": m.path,
                            "authorization_type": m.authorization_type,
                            "api_key_required": m.api_key_required,
                        })).collect::<Vec<_>>(),
                        "in_usage_plan": planned,
                    }))
                }
            };
            out.push(o.in_region(region));
        }
    }
    out
}

fn v2_routes_authorized(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, api) in v2_apis(inv, &mut out) {
        let o = match &api.routes {
            Err(e) => Outcome::error(V2_API, &api.arn, "the API's routes", e),
            Ok(routes) => {
                let judged: Vec<&Route> = routes
                    .iter()
                    .filter(|r| match api.protocol {
                        // WebSocket APIs authorize the connection, not each message.
                        ApiProtocol::Websocket => r.route_key == "$connect",
                        ApiProtocol::Http => !r.route_key.starts_with("OPTIONS "),
                    })
                    .collect();
                let open: Vec<&str> = judged
                    .iter()
                    .filter(|r| r.authorization_type == "NONE")
                    .map(|r| r.route_key.as_str())
                    .collect();
                let what = match api.protocol {
                    ApiProtocol::Websocket if judged.is_empty() => {
                        "has no $connect route; anyone may connect".to_owned()
                    }
                    _ if open.is_empty() => "authorizes every route".to_owned(),
                    _ => format!("answers anyone on {}", join(&open)),
                };
                let ok = open.is_empty()
                    && !(api.protocol == ApiProtocol::Websocket && judged.is_empty());
                Outcome::pass_if(
                    ok,
                    V2_API,
                    &api.arn,
                    format!("{} API `{}` {what}", api.protocol.as_str(), api.name),
                )
                .with_evidence(json!({
                    "unauthorized_routes": open,
                    "routes": routes.iter().map(|r| json!({
                        "route_key": r.route_key,
                        "authorization_type": r.authorization_type,
                        "authorizer_id": r.authorizer_id,
                    })).collect::<Vec<_>>(),
                }))
            }
        };
        out.push(o.in_region(region));
    }
    out
}

fn usage_plan(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, data, api, stage) in rest_stages(inv, &mut out) {
        if api.is_private() {
            continue;
        }
        let o = match &data.usage_plans {
            Err(e) => Outcome::error(STAGE, &stage.arn, "the region's usage plans", e),
            Ok(plans) => {
                let covering: Vec<&UsagePlan> = plans
                    .iter()
                    .filter(|p| {
                        p.api_stages
                            .iter()
                            .any(|s| s.api_id == api.id && s.stage == stage.name)
                    })
                    .collect();
                let limited: Vec<&str> = covering
                    .iter()
                    .filter(|p| p.throttle.is_some() && p.quota.is_some())
                    .map(|p| p.name.as_str())
                    .collect();
                let label = stage_label(api, stage);
                let msg = if !limited.is_empty() {
                    format!(
                        "{label} is throttled and capped by usage plan {}",
                        join(&limited)
                    )
                } else if covering.is_empty() {
                    format!("{label} is in no usage plan")
                } else {
                    format!(
                        "{label} is in usage plan {} without both a throttle and a quota",
                        join(&covering.iter().map(|p| p.name.as_str()).collect::<Vec<_>>())
                    )
                };
                Outcome::pass_if(!limited.is_empty(), STAGE, &stage.arn, msg).with_evidence(json!({
                    "usage_plans": covering.iter().map(|p| json!({
                        "id": p.id, "name": p.name,
                        "throttle": p.throttle.as_ref().map(|t| json!({"burst_limit": t.burst_limit, "rate_limit": t.rate_limit})),
                        "quota": p.quota.as_ref().map(|q| json!({"limit": q.limit, "period": q.period})),
                    })).collect::<Vec<_>>(),
                }))
            }
        };
        out.push(o.in_region(region));
    }
    out
}

fn api_policy_not_public(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, data) in regions(inv, &mut out) {
        for api in &data.rest_apis {
            let o = resource_policy::judge(
                REST_API,
                &api.arn,
                "the API's resource policy",
                &api.policy,
                &format!("REST API `{}` has no resource policy", api.name),
                |policy, doc| {
                    resource_policy::not_public(
                        REST_API,
                        &api.arn,
                        policy,
                        doc,
                        inv.account_id.as_str(),
                        &format!("REST API `{}`'s resource policy", api.name),
                        &format!("REST API `{}`", api.name),
                    )
                },
            );
            out.push(o.in_region(region));
        }
    }
    out
}

fn domain_tls12(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, data) in regions(inv, &mut out) {
        let domains = match &data.domain_names {
            Ok(d) => d,
            Err(e) => {
                out.push(
                    Outcome::error(
                        DOMAIN,
                        format!("arn:{}:apigateway:{region}::/domainnames", inv.partition),
                        "the region's custom domain names",
                        e,
                    )
                    .in_region(region),
                );
                continue;
            }
        };
        for d in domains {
            let arn = format!(
                "arn:{}:apigateway:{region}::/domainnames/{}",
                inv.partition, d.name
            );
            // API Gateway's default is TLS_1_2; TLS_1_0 is the one policy that allows older versions.
            let policy = d.security_policy.as_deref().unwrap_or("TLS_1_2");
            let weak =
                policy == "TLS_1_0" || policy.contains("TLS_1_0") || policy.contains("TLS10");
            out.push(
                Outcome::pass_if(
                    !weak,
                    DOMAIN,
                    arn,
                    format!("custom domain `{}` uses security policy {policy}", d.name),
                )
                .with_evidence(json!({
                    "security_policy": d.security_policy,
                    "endpoint_types": d.endpoint_types,
                    "mutual_tls_truststore": d.mtls_truststore_uri,
                }))
                .in_region(region),
            );
        }
    }
    out
}

fn v2_throttled(inv: &Inventory, _now: DateTime<Utc>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (region, api, stage) in v2_stages(inv, &mut out) {
        let set = |v: Option<f64>| v.is_some_and(|v| v > 0.0);
        let ok =
            set(stage.throttling_burst_limit.map(|b| b as f64)) && set(stage.throttling_rate_limit);
        out.push(
            Outcome::pass_if(
                ok,
                V2_STAGE,
                &stage.arn,
                if ok {
                    format!(
                        "stage `{}` of {} API `{}` throttles its routes",
                        stage.name,
                        api.protocol.as_str(),
                        api.name
                    )
                } else {
                    format!(
                        "stage `{}` of {} API `{}` sets no default route throttling",
                        stage.name,
                        api.protocol.as_str(),
                        api.name
                    )
                },
            )
            .with_evidence(json!({
                "throttling_burst_limit": stage.throttling_burst_limit,
                "throttling_rate_limit": stage.throttling_rate_limit,
            }))
            .in_region(region),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ACCOUNT, InventoryBuilder, access_denied, apigateway, now};

    const R: &str = "us-east-1";

    fn inventory(edit: impl FnOnce(&mut ApiGatewayRegion)) -> Inventory {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        let mut region = apigateway::region(ACCOUNT, R);
        edit(&mut region);
        b.inventory().apigateway = Some([(home, Ok(region))].into_iter().collect());
        b.build()
    }

    fn rest(region: &mut ApiGatewayRegion) -> &mut RestApi {
        &mut region.rest_apis[0]
    }

    fn stage(region: &mut ApiGatewayRegion) -> &mut RestStage {
        &mut rest(region).stages.as_mut().unwrap()[0]
    }

    fn v2(region: &mut ApiGatewayRegion, i: usize) -> &mut Api {
        &mut region.apis.as_mut().unwrap()[i]
    }

    fn statuses(
        check: fn(&Inventory, DateTime<Utc>) -> Vec<Outcome>,
        inv: &Inventory,
    ) -> Vec<Status> {
        check(inv, now()).iter().map(|o| o.status).collect()
    }

    #[test]
    fn the_compliant_region_passes_every_api_gateway_check() {
        let inv = inventory(|_| {});
        for c in CHECKS {
            let out = (c.eval)(&inv, now());
            assert!(!out.is_empty(), "{} judged nothing", c.meta.id);
            assert!(
                out.iter().all(|o| o.status == Status::Pass),
                "{}: {out:#?}",
                c.meta.id
            );
        }
    }

    #[test]
    fn stages_without_logging_tracing_certificate_or_waf_fail_their_checks() {
        let inv = inventory(|r| {
            let s = stage(r);
            s.method_settings.clear();
            s.access_log = None;
            s.tracing_enabled = false;
            s.client_certificate_id = None;
            s.client_certificate = None;
            s.web_acl_arn = None;
            v2(r, 1).stages.as_mut().unwrap()[0].logging_level = Some("OFF".into());
            v2(r, 0).stages.as_mut().unwrap()[0].access_log = None;
        });
        assert_eq!(
            statuses(execution_logging, &inv),
            [Status::Fail, Status::Fail]
        );
        assert_eq!(statuses(rest_access_logging, &inv), [Status::Fail]);
        assert_eq!(
            statuses(v2_access_logging, &inv),
            [Status::Fail, Status::Pass]
        );
        assert_eq!(statuses(tracing, &inv), [Status::Fail]);
        assert_eq!(statuses(client_certificate, &inv), [Status::Fail]);
        assert_eq!(statuses(waf, &inv), [Status::Fail]);
        // No certificate, nothing to expire.
        assert!(client_certificate_not_expired(&inv, now()).is_empty());
    }

    #[test]
    fn an_execution_log_level_is_read_from_the_stage_defaults_only() {
        let inv = inventory(|r| {
            let s = stage(r);
            s.method_settings.remove("*/*");
            s.method_settings.insert(
                "orders/GET".into(),
                MethodSetting {
                    logging_level: Some("INFO".into()),
                    ..Default::default()
                },
            );
        });
        assert_eq!(statuses(execution_logging, &inv)[0], Status::Fail);
    }

    #[test]
    fn expired_and_soon_expiring_client_certificates_fail_and_unreadable_ones_are_errors() {
        let with_expiry = |days: i64| {
            inventory(move |r| {
                stage(r).client_certificate = Some(Ok(ClientCertificate {
                    id: "c".into(),
                    expiration_date: Some(now() + Duration::days(days)),
                }));
            })
        };
        assert_eq!(
            statuses(client_certificate_not_expired, &with_expiry(-1)),
            [Status::Fail]
        );
        assert_eq!(
            statuses(client_certificate_not_expired, &with_expiry(10)),
            [Status::Fail]
        );
        assert_eq!(
            statuses(client_certificate_not_expired, &with_expiry(31)),
            [Status::Pass]
        );
        let msg = &client_certificate_not_expired(&with_expiry(-1), now())[0].message;
        assert!(msg.contains("expired"), "{msg}");
        let denied = inventory(|r| stage(r).client_certificate = Some(Err(access_denied())));
        assert_eq!(
            statuses(client_certificate_not_expired, &denied),
            [Status::Error]
        );
    }

    #[test]
    fn caching_without_encryption_fails_and_no_caching_passes() {
        let clear = inventory(|r| {
            stage(r)
                .method_settings
                .get_mut("*/*")
                .unwrap()
                .cache_data_encrypted = false;
        });
        let out = cache_encrypted(&clear, now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(out[0].message.contains("`*/*`"), "{}", out[0].message);
        let uncached = inventory(|r| {
            let s = stage(r);
            s.cache_cluster_enabled = false;
            s.method_settings.get_mut("*/*").unwrap().caching_enabled = false;
        });
        assert_eq!(statuses(cache_encrypted, &uncached), [Status::Pass]);
    }

    #[test]
    fn an_open_method_fails_unless_it_requires_an_api_key_under_a_usage_plan() {
        let open = |key: bool, planned: bool| {
            inventory(move |r| {
                let m = &mut rest(r).methods.as_mut().unwrap()[2];
                m.authorization_type = "NONE".into();
                m.api_key_required = key;
                if !planned {
                    r.usage_plans = Ok(vec![]);
                }
            })
        };
        let out = rest_methods_authorized(&open(false, true), now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.contains("`POST /orders`"),
            "{}",
            out[0].message
        );
        assert_eq!(
            statuses(rest_methods_authorized, &open(true, true)),
            [Status::Pass]
        );
        assert_eq!(
            statuses(rest_methods_authorized, &open(true, false)),
            [Status::Fail]
        );
        let private = inventory(|r| {
            rest(r).endpoint_types = vec!["PRIVATE".into()];
            rest(r).methods.as_mut().unwrap()[2].authorization_type = "NONE".into();
        });
        assert_eq!(statuses(rest_methods_authorized, &private), [Status::Pass]);
        let denied = inventory(|r| rest(r).methods = Err(access_denied()));
        assert_eq!(statuses(rest_methods_authorized, &denied), [Status::Error]);
    }

    #[test]
    fn open_http_routes_and_an_open_websocket_connect_fail_but_other_websocket_routes_do_not_count()
    {
        let inv = inventory(|r| {
            v2(r, 0).routes.as_mut().unwrap()[0].authorization_type = "NONE".into();
        });
        let out = v2_routes_authorized(&inv, now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.contains("`GET /items`"),
            "{}",
            out[0].message
        );
        // The compliant WebSocket API has `$default` open: messages ride an authorized connection.
        assert_eq!(out[1].status, Status::Pass);
        let ws = inventory(|r| {
            v2(r, 1).routes.as_mut().unwrap()[0].authorization_type = "NONE".into();
        });
        assert_eq!(
            statuses(v2_routes_authorized, &ws),
            [Status::Pass, Status::Fail]
        );
        let no_connect = inventory(|r| {
            v2(r, 1).routes.as_mut().unwrap().remove(0);
        });
        assert_eq!(statuses(v2_routes_authorized, &no_connect)[1], Status::Fail);
    }

    #[test]
    fn a_stage_needs_a_usage_plan_with_both_throttle_and_quota() {
        let no_quota = inventory(|r| r.usage_plans.as_mut().unwrap()[0].quota = None);
        assert_eq!(statuses(usage_plan, &no_quota), [Status::Fail]);
        let other_stage =
            inventory(|r| r.usage_plans.as_mut().unwrap()[0].api_stages[0].stage = "dev".into());
        let out = usage_plan(&other_stage, now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.contains("no usage plan"),
            "{}",
            out[0].message
        );
        let denied = inventory(|r| r.usage_plans = Err(access_denied()));
        assert_eq!(statuses(usage_plan, &denied), [Status::Error]);
    }

    #[test]
    fn a_resource_policy_open_to_everyone_fails_unless_a_vpc_endpoint_condition_restricts_it() {
        let policy = |condition: Option<serde_json::Value>| {
            let mut s = json!({"Sid": "Everyone", "Effect": "Allow", "Principal": "*",
                "Action": "execute-api:Invoke", "Resource": "execute-api:/*"});
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            inventory(move |r| {
                rest(r).policy = Ok(Some(json!({"Version": "2012-10-17", "Statement": [s]})))
            })
        };
        let out = api_policy_not_public(&policy(None), now());
        assert_eq!(out[0].status, Status::Fail);
        assert!(out[0].message.contains("Everyone"), "{}", out[0].message);
        let vpce = policy(Some(
            json!({"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}),
        ));
        assert_eq!(statuses(api_policy_not_public, &vpce), [Status::Pass]);
        let malformed = inventory(|r| {
            rest(r).policy = Ok(Some(
                json!({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "execute-api:Invoke"}]}),
            ));
        });
        assert_eq!(statuses(api_policy_not_public, &malformed), [Status::Error]);
    }

    #[test]
    fn tls_1_0_custom_domains_fail() {
        let inv = inventory(|r| {
            r.domain_names.as_mut().unwrap()[0].security_policy = Some("TLS_1_0".into())
        });
        assert_eq!(statuses(domain_tls12, &inv), [Status::Fail]);
    }

    #[test]
    fn v2_stages_without_default_throttling_fail() {
        let inv = inventory(|r| {
            let s = &mut v2(r, 0).stages.as_mut().unwrap()[0];
            s.throttling_burst_limit = None;
            s.throttling_rate_limit = None;
        });
        assert_eq!(statuses(v2_throttled, &inv), [Status::Fail, Status::Pass]);
    }

    #[test]
    fn unreadable_regions_and_api_gateway_not_scanned_are_errors_not_passes() {
        let mut b = InventoryBuilder::new();
        let home = b.home();
        b.inventory().apigateway = Some([(home, Err(access_denied()))].into_iter().collect());
        let inv = b.build();
        for c in CHECKS {
            let out = (c.eval)(&inv, now());
            assert!(
                out.iter().all(|o| o.status == Status::Error),
                "{}: {out:#?}",
                c.meta.id
            );
            assert!(!out.is_empty(), "{}", c.meta.id);
        }
        let none = InventoryBuilder::new().build();
        for c in CHECKS {
            assert_eq!(statuses(c.eval, &none), [Status::Error], "{}", c.meta.id);
        }
    }
}
