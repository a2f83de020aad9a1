//! API Gateway collector: REST APIs (v1) and HTTP/WebSocket APIs (v2), usage plans,
//! custom domain names, and the client certificates stages present to their backends.

use super::{Ctx, client, policy_document, time};
use crate::inventory::*;
use crate::types::Region;
use aws_sdk_apigateway as v1;
use aws_sdk_apigatewayv2 as v2;
use std::collections::{BTreeMap, BTreeSet};

const S: Service = Service::ApiGateway;

#[tracing::instrument(skip_all)]
pub(crate) async fn collect(ctx: &Ctx, regions: &[Region]) -> Regional<ApiGatewayRegion> {
    ctx.per_region(S, regions, |r| region(ctx, r)).await
}

async fn region(ctx: &Ctx, region: Region) -> Fetched<ApiGatewayRegion> {
    let gw = client!(aws_sdk_apigateway, ctx, &region);
    let gw2 = client!(aws_sdk_apigatewayv2, ctx, &region);
    let r = Some(&region);
    let listed = ctx
        .call(S, r, "GetRestApis", None, async {
            gw.get_rest_apis()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    let (rest_apis, apis, usage_plans, domain_names) = tokio::join!(
        ctx.map_bounded(listed, |api| rest_api(ctx, &gw, &region, api)),
        http_apis(ctx, &gw2, &region),
        usage_plans(ctx, &gw, &region),
        domain_names(ctx, &gw, &region),
    );
    Ok(ApiGatewayRegion {
        rest_apis,
        apis,
        usage_plans,
        domain_names,
    })
}

/// API Gateway returns resource policies with their quotes escaped (`{\"Version\":...}`).
pub(crate) fn api_policy(raw: &str) -> Fetched<PolicyDocument> {
    policy_document(raw).or_else(|e| {
        let unescaped = raw
            .replace("\\\"", "\"")
            .replace("\\/", "/")
            .replace("\\\\", "\\");
        policy_document(&unescaped).map_err(|_| e)
    })
}

async fn rest_api(ctx: &Ctx, gw: &v1::Client, region: &Region, api: v1::types::RestApi) -> RestApi {
    let r = Some(region);
    let id = api.id().unwrap_or_default().to_owned();
    let arn = format!("arn:{}:apigateway:{region}::/restapis/{id}", ctx.partition);
    let policy = api
        .policy()
        .filter(|p| !p.trim().is_empty())
        .map(api_policy)
        .transpose();
    if let Err(e) = &policy {
        ctx.record(S, r, "GetRestApis", Some(&arn), e);
    }
    let (stages, methods, authorizers) = tokio::join!(
        rest_stages(ctx, gw, region, &id, &arn),
        async {
            ctx.call(S, r, "GetResources", Some(&arn), async {
                gw.get_resources()
                    .rest_api_id(&id)
                    .embed("methods")
                    .limit(500)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
            })
            .await
            .map(|resources| {
                let mut methods: Vec<RestMethod> = resources
                    .iter()
                    .flat_map(|res| {
                        let path = res.path().unwrap_or("/").to_owned();
                        res.resource_methods()
                            .into_iter()
                            .flatten()
                            .map(move |(verb, m)| RestMethod {
                                path: path.clone(),
                                http_method: m.http_method().unwrap_or(verb).to_owned(),
                                authorization_type: m
                                    .authorization_type()
                                    .unwrap_or("NONE")
                                    .to_owned(),
                                authorizer_id: m.authorizer_id().map(str::to_owned),
                                api_key_required: m.api_key_required().unwrap_or(false),
                            })
                    })
                    .collect();
                methods.sort_by(|a, b| (&a.path, &a.http_method).cmp(&(&b.path, &b.http_method)));
                methods
            })
        },
        async {
            ctx.call(S, r, "GetAuthorizers", Some(&arn), async {
                gw.get_authorizers()
                    .rest_api_id(&id)
                    .limit(500)
                    .send()
                    .await
            })
            .await
            .map(|out| {
                out.items()
                    .iter()
                    .map(|a| Authorizer {
                        id: a.id().unwrap_or_default().to_owned(),
                        name: a.name().unwrap_or_default().to_owned(),
                        kind: a
                            .r#type()
                            .map(|t| t.as_str().to_owned())
                            .unwrap_or_default(),
                        provider_arns: a.provider_arns().to_vec(),
                    })
                    .collect()
            })
        },
    );
    RestApi {
        name: api.name().unwrap_or_default().to_owned(),
        endpoint_types: api
            .endpoint_configuration()
            .map(|c| c.types().iter().map(|t| t.as_str().to_owned()).collect())
            .unwrap_or_default(),
        policy,
        api_key_source: api.api_key_source().map(|s| s.as_str().to_owned()),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint(),
        stages,
        methods,
        authorizers,
        id,
        arn,
    }
}

async fn rest_stages(
    ctx: &Ctx,
    gw: &v1::Client,
    region: &Region,
    api_id: &str,
    api_arn: &str,
) -> Fetched<Vec<RestStage>> {
    let r = Some(region);
    let out = ctx
        .call(S, r, "GetStages", Some(api_arn), async {
            gw.get_stages().rest_api_id(api_id).send().await
        })
        .await?;
    // Certificates are fetched once each, however many stages share them.
    let cert_ids: BTreeSet<String> = out
        .item()
        .iter()
        .filter_map(|s| s.client_certificate_id())
        .map(str::to_owned)
        .collect();
    let certs: BTreeMap<String, Fetched<ClientCertificate>> = ctx
        .map_bounded(cert_ids.into_iter().collect(), |cid| async move {
            let cert = ctx
                .call(S, r, "GetClientCertificate", Some(&cid), async {
                    gw.get_client_certificate()
                        .client_certificate_id(&cid)
                        .send()
                        .await
                })
                .await
                .map(|c| ClientCertificate {
                    id: cid.clone(),
                    expiration_date: time(c.expiration_date()),
                });
            (cid, cert)
        })
        .await
        .into_iter()
        .collect();
    let mut stages: Vec<RestStage> = out
        .item()
        .iter()
        .map(|s| {
            let name = s.stage_name().unwrap_or_default().to_owned();
            RestStage {
                arn: format!("{api_arn}/stages/{name}"),
                name,
                method_settings: s
                    .method_settings()
                    .into_iter()
                    .flatten()
                    .map(|(k, m)| {
                        (
                            k.clone(),
                            MethodSetting {
                                logging_level: m.logging_level().map(str::to_owned),
                                metrics_enabled: m.metrics_enabled(),
                                data_trace_enabled: m.data_trace_enabled(),
                                caching_enabled: m.caching_enabled(),
                                cache_data_encrypted: m.cache_data_encrypted(),
                                throttling_burst_limit: Some(i64::from(m.throttling_burst_limit())),
                                throttling_rate_limit: Some(m.throttling_rate_limit()),
                            },
                        )
                    })
                    .collect(),
                access_log: s.access_log_settings().and_then(|a| {
                    a.destination_arn().map(|d| AccessLog {
                        destination_arn: d.to_owned(),
                        format: a.format().map(str::to_owned),
                    })
                }),
                tracing_enabled: s.tracing_enabled(),
                cache_cluster_enabled: s.cache_cluster_enabled(),
                client_certificate_id: s.client_certificate_id().map(str::to_owned),
                client_certificate: s
                    .client_certificate_id()
                    .and_then(|c| certs.get(c).cloned()),
                web_acl_arn: s.web_acl_arn().map(str::to_owned),
            }
        })
        .collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(stages)
}

async fn usage_plans(ctx: &Ctx, gw: &v1::Client, region: &Region) -> Fetched<Vec<UsagePlan>> {
    let plans: Vec<v1::types::UsagePlan> = ctx
        .call(S, Some(region), "GetUsagePlans", None, async {
            gw.get_usage_plans()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    Ok(plans
        .iter()
        .map(|p| UsagePlan {
            id: p.id().unwrap_or_default().to_owned(),
            name: p.name().unwrap_or_default().to_owned(),
            api_stages: p
                .api_stages()
                .iter()
                .map(|s| UsagePlanStage {
                    api_id: s.api_id().unwrap_or_default().to_owned(),
                    stage: s.stage().unwrap_or_default().to_owned(),
                })
                .collect(),
            throttle: p.throttle().map(|t| Throttle {
                burst_limit: Some(i64::from(t.burst_limit())),
                rate_limit: Some(t.rate_limit()),
            }),
            quota: p.quota().map(|q| Quota {
                limit: i64::from(q.limit()),
                period: q.period().map(|p| p.as_str().to_owned()),
            }),
        })
        .collect())
}

async fn domain_names(ctx: &Ctx, gw: &v1::Client, region: &Region) -> Fetched<Vec<DomainName>> {
    let names: Vec<v1::types::DomainName> = ctx
        .call(S, Some(region), "GetDomainNames", None, async {
            gw.get_domain_names()
                .limit(500)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
        })
        .await?;
    Ok(names
        .iter()
        .map(|d| DomainName {
            name: d.domain_name().unwrap_or_default().to_owned(),
            security_policy: d.security_policy().map(|p| p.as_str().to_owned()),
            endpoint_types: d
                .endpoint_configuration()
                .map(|c| c.types().iter().map(|t| t.as_str().to_owned()).collect())
                .unwrap_or_default(),
            mtls_truststore_uri: d
                .mutual_tls_authentication()
                .and_then(|m| m.truststore_uri())
                .map(str::to_owned),
        })
        .collect())
}

async fn http_apis(ctx: &Ctx, gw: &v2::Client, region: &Region) -> Fetched<Vec<Api>> {
    let r = Some(region);
    let mut listed = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .call(S, r, "GetApis", None, async {
                gw.get_apis()
                    .max_results("500")
                    .set_next_token(token.clone())
                    .send()
                    .await
            })
            .await?;
        listed.extend(out.items().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(ctx
        .map_bounded(listed, |api| http_api(ctx, gw, region, api))
        .await)
}

async fn http_api(ctx: &Ctx, gw: &v2::Client, region: &Region, api: v2::types::Api) -> Api {
    let r = Some(region);
    let id = api.api_id().unwrap_or_default().to_owned();
    let arn = format!("arn:{}:apigateway:{region}::/apis/{id}", ctx.partition);
    let protocol = match api.protocol_type() {
        Some(v2::types::ProtocolType::Websocket) => ApiProtocol::Websocket,
        _ => ApiProtocol::Http,
    };
    let (routes, stages) = tokio::join!(
        ctx.call(S, r, "GetRoutes", Some(&arn), async {
            gw.get_routes().api_id(&id).max_results("500").send().await
        }),
        ctx.call(S, r, "GetStages", Some(&arn), async {
            gw.get_stages().api_id(&id).max_results("500").send().await
        }),
    );
    let routes: Fetched<Vec<Route>> = routes.map(|out| {
        let mut routes: Vec<Route> = out
            .items()
            .iter()
            .map(|rt| Route {
                id: rt.route_id().unwrap_or_default().to_owned(),
                route_key: rt.route_key().unwrap_or_default().to_owned(),
                authorization_type: rt
                    .authorization_type()
                    .map(|a| a.as_str().to_owned())
                    .unwrap_or_else(|| "NONE".to_owned()),
                authorizer_id: rt.authorizer_id().map(str::to_owned),
                api_key_required: rt.api_key_required().unwrap_or(false),
            })
            .collect();
        routes.sort_by(|a, b| a.route_key.cmp(&b.route_key));
        routes
    });
    // Only the authorizers routes refer to matter; fetch each once.
    let authorizer_ids: Vec<String> = routes
        .as_ref()
        .map(|rs| {
            rs.iter()
                .filter_map(|rt| rt.authorizer_id.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    let api_id = id.as_str();
    let authorizers = ctx
        .map_bounded(authorizer_ids, |aid| async move {
            ctx.call(S, r, "GetAuthorizer", Some(&aid), async {
                gw.get_authorizer()
                    .api_id(api_id)
                    .authorizer_id(&aid)
                    .send()
                    .await
            })
            .await
            .map(|a| ApiAuthorizer {
                id: aid.clone(),
                name: a.name().unwrap_or_default().to_owned(),
                kind: a
                    .authorizer_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                jwt_issuer: a
                    .jwt_configuration()
                    .and_then(|j| j.issuer())
                    .map(str::to_owned),
            })
        })
        .await
        .into_iter()
        .collect::<Fetched<Vec<_>>>();
    let stages = stages.map(|out| {
        let mut stages: Vec<ApiStage> = out
            .items()
            .iter()
            .map(|s| {
                let name = s.stage_name().unwrap_or_default().to_owned();
                let d = s.default_route_settings();
                ApiStage {
                    arn: format!("{arn}/stages/{name}"),
                    name,
                    access_log: s.access_log_settings().and_then(|a| {
                        a.destination_arn().map(|dst| AccessLog {
                            destination_arn: dst.to_owned(),
                            format: a.format().map(str::to_owned),
                        })
                    }),
                    logging_level: d
                        .and_then(|d| d.logging_level())
                        .map(|l| l.as_str().to_owned()),
                    throttling_burst_limit: d
                        .and_then(|d| d.throttling_burst_limit())
                        .map(i64::from),
                    throttling_rate_limit: d.and_then(|d| d.throttling_rate_limit()),
                    auto_deploy: s.auto_deploy().unwrap_or(false),
                }
            })
            .collect();
        stages.sort_by(|a, b| a.name.cmp(&b.name));
        stages
    });
    Api {
        name: api.name().unwrap_or_default().to_owned(),
        protocol,
        endpoint: api.api_endpoint().map(str::to_owned),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint().unwrap_or(false),
        routes,
        authorizers,
        stages,
        id,
        arn,
    }
}

/// moto does not serve API Gateway client certificates, so this test serves the REST API
/// calls of one region as the API Gateway reference documents them (`GetRestApis`,
/// `GetStages`, `GetClientCertificate`, ...) from a loopback server and runs the real scan.
#[cfg(test)]
mod client_certificate_tests_without_moto_from_aws_documented_responses {
    use crate::inventory::Service;
    use crate::testing::fake_aws::{self, Response};
    use crate::testing::scan_fake;
    use std::sync::Arc;

    fn respond(req: &fake_aws::Request) -> Response {
        let path = req.path.split('?').next().unwrap_or_default();
        let json = |v: serde_json::Value| Response {
            status: 200,
            content_type: "application/json",
            body: v.to_string(),
        };
        match path {
            "/" => Response::xml(crate::testing::CALLER_IDENTITY),
            "/restapis" => json(serde_json::json!({"item": [{
                "id": "a1b2c3", "name": "payments", "createdDate": 1_700_000_000,
                "endpointConfiguration": {"types": ["REGIONAL"]},
                "policy": "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"execute-api:Invoke\\\",\\\"Resource\\\":\\\"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3\\/*\\\"}]}"
            }]})),
            "/restapis/a1b2c3/stages" => json(serde_json::json!({"item": [
                {"stageName": "prod", "deploymentId": "d1", "clientCertificateId": "cert1",
                 "tracingEnabled": false, "cacheClusterEnabled": false,
                 "methodSettings": {"*/*": {"loggingLevel": "INFO", "metricsEnabled": true,
                     "dataTraceEnabled": false, "throttlingBurstLimit": 5000,
                     "throttlingRateLimit": 10000.0, "cachingEnabled": false,
                     "cacheTtlInSeconds": 300, "cacheDataEncrypted": false,
                     "requireAuthorizationForCacheControl": true,
                     "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER"}}},
                {"stageName": "beta", "deploymentId": "d1", "clientCertificateId": "cert1"}
            ]})),
            "/clientcertificates/cert1" => json(serde_json::json!({
                "clientCertificateId": "cert1", "description": "backend",
                "pemEncodedCertificate": "-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----",
                "createdDate": 1_600_000_000, "expirationDate": 1_631_536_000, "tags": {}
            })),
            "/restapis/a1b2c3/resources" => json(serde_json::json!({"item": [
                {"id": "r0", "path": "/", "resourceMethods": {"GET": {
                    "httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": false}}}
            ]})),
            "/restapis/a1b2c3/authorizers" | "/usageplans" | "/domainnames" => {
                json(serde_json::json!({"item": []}))
            }
            "/v2/apis" => json(serde_json::json!({"items": []})),
            _ => Response::json_error(404, "NotFoundException", &format!("no route {path}")),
        }
    }

    #[tokio::test]
    async fn client_certificates_are_fetched_once_and_escaped_resource_policies_parse() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let url = fake_aws::serve(move |req| {
            log.lock().unwrap().push(req.path.clone());
            respond(req)
        })
        .await;
        let inv = scan_fake(&url, &[Service::ApiGateway], "eu-west-1")
            .await
            .unwrap();
        assert!(inv.errors.is_empty(), "{:#?}", inv.errors);
        let region = inv.apigateway.as_ref().unwrap().values().next().unwrap();
        let api = &region.as_ref().unwrap().rest_apis[0];
        let stages = api.stages.as_ref().unwrap();
        assert_eq!(stages.len(), 2);
        let prod = stages.iter().find(|s| s.name == "prod").unwrap();
        assert_eq!(
            prod.arn,
            "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod"
        );
        let cert = prod.client_certificate.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(
            cert.expiration_date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2021-09-13T12:26:40+00:00")
        );
        assert_eq!(
            prod.defaults().and_then(|d| d.logging_level.as_deref()),
            Some("INFO")
        );
        let fetched = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.starts_with("/clientcertificates/"))
            .count();
        assert_eq!(
            fetched, 1,
            "one certificate shared by two stages is fetched once"
        );
        let policy = api.policy.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(policy["Statement"][0]["Principal"], "*");
        assert_eq!(
            policy["Statement"][0]["Resource"],
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*"
        );
        let methods = api.methods.as_ref().unwrap();
        assert_eq!(methods[0].authorization_type, "NONE");

        let f = crate::checks::evaluate(&inv, chrono::Utc::now());
        let expired: Vec<_> = f
            .iter()
            .filter(|f| f.check_id == "apigateway_client_certificate_not_expired")
            .collect();
        assert_eq!(expired.len(), 2);
        assert!(expired.iter().all(|f| f.status == crate::Status::Fail));
        assert!(
            expired[0].message.contains("expired on 2021-09-13"),
            "{}",
            expired[0].message
        );
    }
}
