//! API Gateway: REST APIs (v1) with their stages, methods, authorizers and resource
//! policies; HTTP and WebSocket APIs (v2) with their routes and stages; usage plans, custom
//! domain names and the client certificates stages present to their backends.

use super::{Fetched, PolicyDocument};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiGatewayRegion {
    pub rest_apis: Vec<RestApi>,
    /// HTTP and WebSocket APIs (API Gateway v2).
    pub apis: Fetched<Vec<Api>>,
    pub usage_plans: Fetched<Vec<UsagePlan>>,
    /// REST custom domain names (`GetDomainNames`).
    pub domain_names: Fetched<Vec<DomainName>>,
}

/// A REST API (v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    /// `arn:aws:apigateway:<region>::/restapis/<id>`.
    pub arn: String,
    /// `EDGE`, `REGIONAL` or `PRIVATE`.
    pub endpoint_types: Vec<String>,
    /// The resource policy; `None` when the API has none. An error when it is not JSON.
    pub policy: Fetched<Option<PolicyDocument>>,
    /// `HEADER` or `AUTHORIZER`.
    pub api_key_source: Option<String>,
    pub disable_execute_api_endpoint: bool,
    pub stages: Fetched<Vec<RestStage>>,
    /// Every method of every resource (`GetResources` with `embed=methods`).
    pub methods: Fetched<Vec<RestMethod>>,
    pub authorizers: Fetched<Vec<Authorizer>>,
}

impl RestApi {
    /// A private API is reachable only through interface VPC endpoints.
    pub fn is_private(&self) -> bool {
        !self.endpoint_types.is_empty() && self.endpoint_types.iter().all(|t| t == "PRIVATE")
    }
}

/// A deployed stage of a REST API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestStage {
    pub name: String,
    /// `arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>`.
    pub arn: String,
    /// Per-method settings keyed `<resource path>/<HTTP method>`; `*/*` is the stage default.
    pub method_settings: BTreeMap<String, MethodSetting>,
    pub access_log: Option<AccessLog>,
    pub tracing_enabled: bool,
    pub cache_cluster_enabled: bool,
    pub client_certificate_id: Option<String>,
    /// The certificate the stage presents to its backend (`GetClientCertificate`).
    pub client_certificate: Option<Fetched<ClientCertificate>>,
    pub web_acl_arn: Option<String>,
}

impl RestStage {
    /// The stage-wide default settings (`*/*`).
    pub fn defaults(&self) -> Option<&MethodSetting> {
        self.method_settings.get("*/*")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodSetting {
    /// `OFF`, `ERROR` or `INFO`; `None` when not set (off).
    pub logging_level: Option<String>,
    pub metrics_enabled: bool,
    pub data_trace_enabled: bool,
    pub caching_enabled: bool,
    pub cache_data_encrypted: bool,
    pub throttling_burst_limit: Option<i64>,
    pub throttling_rate_limit: Option<f64>,
}

/// Where a stage writes its access log (a CloudWatch Logs group or Firehose stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessLog {
    pub destination_arn: String,
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientCertificate {
    pub id: String,
    pub expiration_date: Option<DateTime<Utc>>,
}

/// One HTTP method of one resource of a REST API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestMethod {
    pub path: String,
    pub http_method: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS`.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
}

/// A REST API authorizer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    /// `TOKEN`, `REQUEST` or `COGNITO_USER_POOLS`.
    pub kind: String,
    /// The Cognito user pools of a `COGNITO_USER_POOLS` authorizer.
    pub provider_arns: Vec<String>,
}

/// A usage plan: which API stages it covers, with what throttle and quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    pub api_stages: Vec<UsagePlanStage>,
    pub throttle: Option<Throttle>,
    pub quota: Option<Quota>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsagePlanStage {
    pub api_id: String,
    pub stage: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throttle {
    pub burst_limit: Option<i64>,
    pub rate_limit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: i64,
    /// `DAY`, `WEEK` or `MONTH`.
    pub period: Option<String>,
}

/// A custom domain name of REST APIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainName {
    pub name: String,
    /// `TLS_1_0`, `TLS_1_2` or one of the enhanced `SecurityPolicy_...` policies.
    pub security_policy: Option<String>,
    pub endpoint_types: Vec<String>,
    /// The S3 URI of the mutual-TLS truststore, when clients must present certificates.
    pub mtls_truststore_uri: Option<String>,
}

/// An HTTP or WebSocket API (v2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    pub id: String,
    pub name: String,
    /// `arn:aws:apigateway:<region>::/apis/<id>`.
    pub arn: String,
    pub protocol: ApiProtocol,
    pub endpoint: Option<String>,
    pub disable_execute_api_endpoint: bool,
    pub routes: Fetched<Vec<Route>>,
    /// The authorizers routes refer to (`GetAuthorizer` for each).
    pub authorizers: Fetched<Vec<ApiAuthorizer>>,
    pub stages: Fetched<Vec<ApiStage>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ApiProtocol {
    Http,
    Websocket,
}

impl ApiProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiProtocol::Http => "HTTP",
            ApiProtocol::Websocket => "WEBSOCKET",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    /// `GET /pets`, `$default`, `$connect`, ...
    pub route_key: String,
    /// `NONE`, `AWS_IAM`, `JWT` or `CUSTOM`.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiAuthorizer {
    pub id: String,
    pub name: String,
    /// `JWT` or `REQUEST` (Lambda).
    pub kind: String,
    /// The JWT issuer (a Cognito user pool URL, for instance).
    pub jwt_issuer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiStage {
    pub name: String,
    /// `arn:aws:apigateway:<region>::/apis/<id>/stages/<name>`.
    pub arn: String,
    pub access_log: Option<AccessLog>,
    /// `OFF`, `ERROR` or `INFO` (WebSocket APIs only).
    pub logging_level: Option<String>,
    pub throttling_burst_limit: Option<i64>,
    pub throttling_rate_limit: Option<f64>,
    pub auto_deploy: bool,
}
