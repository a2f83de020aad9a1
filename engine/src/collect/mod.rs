//! Collectors: fetch one account's configuration with aws-sdk-rust and normalise it into
//! the typed [`Inventory`]. One module per AWS service; nothing here judges anything.
//!
//! Every call goes through [`Ctx::call`], which bounds the calls in flight, counts them,
//! and turns SDK errors into [`FetchError`]s that are both stored next to the data and
//! listed in `Inventory::errors`. A failed call never aborts the scan.

mod apigateway;
mod cloudtrail;
mod cloudwatch;
mod cognito;
mod config;
mod endpoint;
mod glacier;
mod iam;
mod kms;
mod logs;
mod s3;
mod shield;
mod sns;
mod storagegateway;
mod wafv2;

use crate::inventory::{CollectionError, FetchError, Fetched, Inventory, Regional, Service};
use crate::types::{AccountId, Region};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

pub use endpoint::{CallCounter, StripAccountHostPrefix};

/// Which account to scan and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// A named profile from the shared config files; the default chain when `None`.
    pub profile: Option<String>,
    /// Scan a linked account through `sts:AssumeRole`.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

/// What to collect.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// `None`: every region enabled in the account (EC2 `DescribeRegions`).
    pub regions: Option<Vec<Region>>,
    pub services: BTreeSet<Service>,
    /// Upper bound on AWS calls in flight.
    pub concurrency: usize,
    /// Also ask IAM which services each user and role last used (one report job per
    /// principal: `GenerateServiceLastAccessedDetails`, then `GetServiceLastAccessedDetails`).
    pub last_accessed: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            regions: None,
            services: Service::ALL.into_iter().collect(),
            concurrency: 32,
            last_accessed: false,
        }
    }
}

/// The scan could not start at all (as opposed to a partial scan, which succeeds with errors).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("identifying the scanned account with `sts:GetCallerIdentity`: {0}")]
    Identity(FetchError),
    #[error("listing the account's enabled regions with `ec2:DescribeRegions`: {0}")]
    Regions(FetchError),
    #[error("the AWS response was not understood: {0}")]
    Unexpected(String),
}

/// Receives progress as collection tasks start and finish (the CLI draws a bar).
pub trait Progress: Send + Sync {
    fn add_tasks(&self, n: u64);
    fn task_done(&self, label: &str);
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {
    fn add_tasks(&self, _: u64) {}
    fn task_done(&self, _: &str) {}
}

/// The inventory plus figures about the scan itself.
#[derive(Debug)]
pub struct ScanResult {
    pub inventory: Inventory,
    /// HTTP requests sent to AWS, retries included.
    pub api_calls: u64,
}

/// Loads the SDK configuration: default credential chain (or a profile), adaptive retries
/// for throttling, and an assumed role when asked. `AWS_ENDPOINT_URL` is honoured by the SDK.
pub async fn load_sdk_config(target: &Target) -> SdkConfig {
    let mut loader = tune(aws_config::defaults(BehaviorVersion::latest()));
    if let Some(profile) = &target.profile {
        loader = loader.profile_name(profile);
    }
    let mut base = loader.load().await;
    if base.region().is_none() {
        base = base
            .into_builder()
            .region(aws_config::Region::from_static("us-east-1"))
            .build();
    }
    match &target.role_arn {
        None => base,
        Some(role_arn) => assume_role(base, role_arn, target.external_id.as_deref()).await,
    }
}

/// Rampart's SDK settings: adaptive retries (client-side rate limiting when throttled)
/// and bounded timeouts.
pub fn tune(loader: aws_config::ConfigLoader) -> aws_config::ConfigLoader {
    loader
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(max_attempts())
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(30))
                .connect_timeout(Duration::from_secs(5))
                .build(),
        )
}

/// Attempts per call: `AWS_MAX_ATTEMPTS` when set, else 8 (throttling storms need room).
fn max_attempts() -> u32 {
    std::env::var("AWS_MAX_ATTEMPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(8)
}

/// Credentials of a linked account through `sts:AssumeRole` (with its external id).
pub async fn assume_role(base: SdkConfig, role_arn: &str, external_id: Option<&str>) -> SdkConfig {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("rampart-scan")
        .configure(&base);
    if let Some(external_id) = external_id {
        builder = builder.external_id(external_id);
    }
    let provider = builder.build().await;
    base.into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// Shared state of one scan.
pub(crate) struct Ctx {
    sdk: SdkConfig,
    pub(crate) account_id: AccountId,
    pub(crate) partition: String,
    permits: Semaphore,
    concurrency: usize,
    errors: Mutex<Vec<CollectionError>>,
    counter: CallCounter,
    progress: Arc<dyn Progress>,
    pub(crate) last_accessed: bool,
}

impl Ctx {
    /// The SDK configuration for one region.
    pub(crate) fn region_config(&self, region: &Region) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(aws_config::Region::new(region.as_str().to_owned()))
            .build()
    }

    pub(crate) fn counter(&self) -> CallCounter {
        self.counter.clone()
    }

    pub(crate) fn endpoint_overridden(&self) -> bool {
        self.sdk.endpoint_url().is_some()
    }

    pub(crate) fn progress(&self) -> &dyn Progress {
        self.progress.as_ref()
    }

    /// Runs one AWS operation (or one whole paginated listing) under the concurrency bound.
    /// Failures are recorded and returned as [`FetchError`].
    pub(crate) async fn call<T, E, R, F>(
        &self,
        service: Service,
        region: Option<&Region>,
        api: &'static str,
        resource: Option<&str>,
        fut: F,
    ) -> Fetched<T>
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        self.call_opt(service, region, api, resource, &[], fut)
            .await
            .and_then(|v| v.ok_or_else(|| FetchError::new("Internal", "absent result")))
    }

    /// Like [`Ctx::call`], but the error codes in `absent` mean "not configured": `Ok(None)`.
    pub(crate) async fn call_opt<T, E, R, F>(
        &self,
        service: Service,
        region: Option<&Region>,
        api: &'static str,
        resource: Option<&str>,
        absent: &[&str],
        fut: F,
    ) -> Fetched<Option<T>>
    where
        F: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let result = {
            let _permit = match self.permits.acquire().await {
                Ok(p) => p,
                Err(_) => return Err(FetchError::new("Internal", "scan was shut down")),
            };
            fut.await
        };
        match result {
            Ok(v) => Ok(Some(v)),
            Err(err) => {
                let fe = fetch_error(&err);
                if absent.contains(&fe.code.as_str()) {
                    return Ok(None);
                }
                self.record(service, region, api, resource, &fe);
                Err(fe)
            }
        }
    }

    /// A slot among the calls in flight, for work that makes several calls in a row.
    pub(crate) async fn permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }

    /// Records a failure that did not come from an SDK call (e.g. a malformed document).
    pub(crate) fn record(
        &self,
        service: Service,
        region: Option<&Region>,
        api: &str,
        resource: Option<&str>,
        err: &FetchError,
    ) {
        tracing::debug!(%service, region = region.map(Region::as_str), api, resource, code = %err.code, "collection error");
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(CollectionError {
                service,
                region: region.cloned(),
                api: api.to_owned(),
                resource: resource.map(str::to_owned),
                code: err.code.clone(),
                message: err.message.clone(),
            });
        }
    }

    /// Runs `f` for every region, at most `concurrency` regions at a time.
    pub(crate) async fn per_region<T, F, Fut>(
        &self,
        service: Service,
        regions: &[Region],
        f: F,
    ) -> Regional<T>
    where
        F: Fn(Region) -> Fut,
        Fut: Future<Output = Fetched<T>>,
    {
        self.progress.add_tasks(regions.len() as u64);
        let results: Vec<(Region, Fetched<T>)> = futures::stream::iter(regions.iter().cloned())
            .map(|r| {
                let fut = f(r.clone());
                async move {
                    let out = fut.await;
                    self.progress.task_done(&format!("{service} {r}"));
                    (r, out)
                }
            })
            .buffer_unordered(self.concurrency.max(1))
            .collect()
            .await;
        results.into_iter().collect::<BTreeMap<_, _>>()
    }

    /// Maps `f` over `items` with bounded concurrency, keeping the input order.
    pub(crate) async fn map_bounded<I, T, F, Fut>(&self, items: Vec<I>, f: F) -> Vec<T>
    where
        F: Fn(I) -> Fut,
        Fut: Future<Output = T>,
    {
        futures::stream::iter(items.into_iter().map(f))
            .buffered(self.concurrency.max(1))
            .collect()
            .await
    }
}

/// Turns an SDK error into the code and message a security engineer can act on.
pub(crate) fn fetch_error<E, R>(err: &SdkError<E, R>) -> FetchError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            FetchError::new(
                e.code().unwrap_or("Unknown"),
                e.message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| DisplayErrorContext(e).to_string()),
            )
        }
        SdkError::TimeoutError(_) => {
            FetchError::new("Timeout", DisplayErrorContext(err).to_string())
        }
        SdkError::DispatchFailure(_) => {
            FetchError::new("DispatchFailure", DisplayErrorContext(err).to_string())
        }
        SdkError::ResponseError(_) => {
            FetchError::new("MalformedResponse", DisplayErrorContext(err).to_string())
        }
        SdkError::ConstructionFailure(_) => {
            FetchError::new("ConstructionFailure", DisplayErrorContext(err).to_string())
        }
        _ => FetchError::new("Unknown", DisplayErrorContext(err).to_string()),
    }
}

/// Converts an SDK timestamp.
pub(crate) fn time(
    t: Option<&aws_smithy_types::DateTime>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = t?;
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Collects the whole account.
#[tracing::instrument(skip_all)]
pub async fn scan(
    sdk: &SdkConfig,
    opts: &ScanOptions,
    progress: Arc<dyn Progress>,
) -> Result<ScanResult, ScanError> {
    let counter = CallCounter::default();
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(sdk)
            .interceptor(counter.clone())
            .build(),
    );
    let identity = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| ScanError::Identity(fetch_error(&e)))?;
    let account = identity.account().unwrap_or_default();
    let account_id = AccountId::parse(account).map_err(|e| ScanError::Unexpected(e.to_string()))?;
    let partition = identity
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_owned();

    let regions = match &opts.regions {
        Some(r) => r.clone(),
        None => enabled_regions(sdk, &counter).await?,
    };

    let ctx = Ctx {
        sdk: sdk.clone(),
        account_id: account_id.clone(),
        partition: partition.clone(),
        permits: Semaphore::new(opts.concurrency.max(1)),
        concurrency: opts.concurrency.max(1),
        errors: Mutex::new(Vec::new()),
        counter: counter.clone(),
        progress,
        last_accessed: opts.last_accessed,
    };
    let wants = |s: Service| opts.services.contains(&s);

    let (
        iam,
        s3,
        cloudtrail,
        logs,
        cloudwatch,
        config,
        kms,
        sns,
        apigateway,
        wafv2,
        shield,
        cognito,
        glacier,
        storagegateway,
    ) = tokio::join!(
        when(wants(Service::Iam), iam::collect(&ctx, &regions)),
        when(wants(Service::S3), s3::collect(&ctx, &regions)),
        when(
            wants(Service::CloudTrail),
            cloudtrail::collect(&ctx, &regions)
        ),
        when(wants(Service::Logs), logs::collect(&ctx, &regions)),
        when(
            wants(Service::CloudWatch),
            cloudwatch::collect(&ctx, &regions)
        ),
        when(wants(Service::Config), config::collect(&ctx, &regions)),
        when(wants(Service::Kms), kms::collect(&ctx, &regions)),
        when(wants(Service::Sns), sns::collect(&ctx, &regions)),
        when(
            wants(Service::ApiGateway),
            apigateway::collect(&ctx, &regions)
        ),
        when(wants(Service::Wafv2), wafv2::collect(&ctx, &regions)),
        when(wants(Service::Shield), shield::collect(&ctx, &regions)),
        when(wants(Service::Cognito), cognito::collect(&ctx, &regions)),
        when(wants(Service::Glacier), glacier::collect(&ctx, &regions)),
        when(
            wants(Service::StorageGateway),
            storagegateway::collect(&ctx, &regions)
        ),
    );

    let mut inventory = Inventory::empty(account_id, chrono::Utc::now(), regions);
    inventory.partition = partition;
    inventory.iam = iam;
    inventory.s3 = s3;
    inventory.cloudtrail = cloudtrail;
    inventory.logs = logs;
    inventory.cloudwatch = cloudwatch;
    inventory.config = config;
    inventory.kms = kms;
    inventory.sns = sns;
    inventory.apigateway = apigateway;
    inventory.wafv2 = wafv2;
    inventory.shield = shield;
    inventory.cognito = cognito;
    inventory.glacier = glacier;
    inventory.storagegateway = storagegateway;
    inventory.errors = ctx.errors.into_inner().unwrap_or_default();
    Ok(ScanResult {
        inventory,
        api_calls: counter.load(),
    })
}

/// Runs a collector when its service was asked for. The collector's future is boxed: the
/// collectors' state machines are large, and seven of them side by side would not fit on
/// a small (test or worker) thread stack.
async fn when<T>(enabled: bool, fut: impl Future<Output = T>) -> Option<T> {
    if enabled {
        Some(Box::pin(fut).await)
    } else {
        None
    }
}

/// The regions enabled for the account (opted-in and default regions).
async fn enabled_regions(sdk: &SdkConfig, counter: &CallCounter) -> Result<Vec<Region>, ScanError> {
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(sdk)
            .interceptor(counter.clone())
            .build(),
    );
    let out = ec2
        .describe_regions()
        .all_regions(false)
        .send()
        .await
        .map_err(|e| ScanError::Regions(fetch_error(&e)))?;
    let mut regions: Vec<Region> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() != Some("not-opted-in"))
        .filter_map(|r| r.region_name())
        .filter_map(|name| Region::parse(name).ok())
        .collect();
    regions.sort();
    Ok(regions)
}

impl CallCounter {
    pub fn load(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[doc(hidden)]
pub type Counter = Arc<AtomicU64>;

/// Builds an SDK client for one region, with the scan's call counter.
macro_rules! client {
    ($sdk:ident, $ctx:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from(&$ctx.region_config($region))
                .interceptor($ctx.counter())
                .build(),
        )
    };
}
pub(crate) use client;

/// Percent-decodes (as IAM returns them) and parses a policy document.
pub(crate) fn policy_document(raw: &str) -> Result<serde_json::Value, FetchError> {
    let parsed = serde_json::from_str(raw).or_else(|_| {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|e| {
                FetchError::new(
                    "MalformedPolicyDocument",
                    format!("not UTF-8 after URL decoding: {e}"),
                )
            })?;
        serde_json::from_str(&decoded)
            .map_err(|e| FetchError::new("MalformedPolicyDocument", format!("not valid JSON: {e}")))
    })?;
    Ok(parsed)
}

/// The region used for global services (IAM, S3 listing, S3 Control).
pub(crate) fn home_region(regions: &[Region]) -> Region {
    regions
        .iter()
        .find(|r| r.as_str() == "us-east-1")
        .or_else(|| regions.first())
        .cloned()
        .unwrap_or_else(Region::us_east_1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_and_plain_policy_documents_both_parse() {
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            policy_document(plain).unwrap(),
            policy_document(encoded).unwrap()
        );
    }

    #[test]
    fn malformed_policy_document_is_an_error_not_a_panic() {
        let err = policy_document("%7B%22Version").unwrap_err();
        assert_eq!(err.code, "MalformedPolicyDocument");
        assert!(policy_document("%FF%FE").is_err());
    }

    #[test]
    fn service_errors_keep_their_aws_code_and_message() {
        use aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError;
        use aws_smithy_runtime_api::http::{Response, StatusCode};
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let denied = GetBucketPolicyError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("Access Denied")
                .build(),
        );
        let raw = Response::new(StatusCode::try_from(403).unwrap(), SdkBody::empty());
        let err = fetch_error(&SdkError::service_error(denied, raw));
        assert_eq!(err, FetchError::new("AccessDenied", "Access Denied"));
    }

    #[test]
    fn transport_failures_are_named_for_what_they_are() {
        let timeout: SdkError<aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError, ()> =
            SdkError::timeout_error("attempt timed out");
        assert_eq!(fetch_error(&timeout).code, "Timeout");
        let construction: SdkError<
            aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError,
            (),
        > = SdkError::construction_failure("bad input");
        assert_eq!(fetch_error(&construction).code, "ConstructionFailure");
    }

    #[test]
    fn home_region_prefers_us_east_1() {
        let r = |s: &str| Region::parse(s).unwrap();
        assert_eq!(
            home_region(&[r("eu-west-1"), r("us-east-1")]).as_str(),
            "us-east-1"
        );
        assert_eq!(home_region(&[r("eu-west-1")]).as_str(), "eu-west-1");
        assert_eq!(home_region(&[]).as_str(), "us-east-1");
    }
}
