//! Rampart benchmarks. They print figures; they never assert timings.
//!
//! `scan`: seeds a moto server with a synthetic account (by default 1,000 roles, 300 users,
//! 200 buckets, 100 KMS keys and 200 API Gateway REST APIs over 3 regions), runs Rampart's full scan against it and prints
//! wall time, API calls and calls per second, next to moto's own ceiling measured in the same
//! run: the throughput of the same kinds of read calls issued back to back, with the same
//! concurrency and no processing, straight from the SDK.
//!
//! Run: `cargo run --release -p rampart-bench -- scan [--roles N] [--users N] [--buckets N] [--keys N] [--apis N]`
//!
//! It also scans API Gateway alone, so its share of the scan is visible.
//!
//! `dashboard`: see [`dashboard`] (1 M findings on SQLite and PostgreSQL, page latency
//! under load, full CSV export time and memory).
//!
//! `report`: see [`report`] (`rampart report` over 1,000 accounts and 1 M findings: time,
//! peak memory and size of each format).
//!
//! `policy`: see [`policy`] (parse, evaluation and account-analysis throughput on 5,000 roles
//! and 20,000 policies, and per-document analysis against Parliament and Cloudsplaining).

mod dashboard;
mod policy;
mod report;

use anyhow::{Context, bail};
use futures::StreamExt;
use rampart_engine::collect::{self, NoProgress, ScanOptions};
use rampart_engine::inventory::Service;
use rampart_engine::testing::moto::{MotoAccount, MotoServer};
use rampart_engine::types::Region;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const CONCURRENCY: usize = 32;

struct Size {
    roles: usize,
    users: usize,
    buckets: usize,
    keys: usize,
    apis: usize,
}

fn arg(args: &[String], name: &str, default: usize) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .context("missing value")?
            .parse()
            .with_context(|| format!("{name} takes a number")),
    }
}

fn text_arg(args: &[String], name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("scan") | None => {
            let size = Size {
                roles: arg(&args, "--roles", 1000)?,
                users: arg(&args, "--users", 300)?,
                buckets: arg(&args, "--buckets", 200)?,
                keys: arg(&args, "--keys", 100)?,
                apis: arg(&args, "--apis", 200)?,
            };
            scan_bench(size).await
        }
        Some("dashboard") => {
            let db = match args.iter().position(|a| a == "--db") {
                Some(i) => args
                    .get(i + 1)
                    .context("--db takes sqlite, postgres or both")?
                    .clone(),
                None => "both".to_owned(),
            };
            if !["sqlite", "postgres", "both"].contains(&db.as_str()) {
                bail!("--db takes sqlite, postgres or both");
            }
            dashboard::run(dashboard::Options {
                accounts: arg(&args, "--accounts", 1000)?,
                findings: arg(&args, "--findings", 1000)?,
                db,
                clients: arg(&args, "--clients", 16)?,
                seconds: arg(&args, "--seconds", 10)? as u64,
                sqlite_path: text_arg(&args, "--sqlite-path").map(Into::into),
                postgres_url: text_arg(&args, "--postgres-url"),
            })
            .await
        }
        Some("policy") => policy::run(policy::Options {
            roles: arg(&args, "--roles", 5000)?,
            policies: arg(&args, "--policies", 20_000)?,
            decisions: arg(&args, "--decisions", 1_000_000)?,
            python_sample: if args.iter().any(|a| a == "--python-sample") {
                Some(arg(&args, "--python-sample", 0)?)
            } else {
                None
            },
            seed: arg(&args, "--seed", 5)? as u64,
            python: !args.iter().any(|a| a == "--no-python"),
        }),
        Some("report") => {
            let formats = text_arg(&args, "--formats")
                .unwrap_or_else(|| "pdf,html,json,csv,ocsf,asff".to_owned());
            report::run(report::Options {
                accounts: arg(&args, "--accounts", 1000)?,
                findings: arg(&args, "--findings", 1000)?,
                formats: formats.split(',').map(str::to_owned).collect(),
                db: text_arg(&args, "--db").unwrap_or_else(|| "sqlite".to_owned()),
                sqlite_path: text_arg(&args, "--sqlite-path").map(Into::into),
            })
            .await
        }
        Some(other) => {
            bail!("unknown benchmark `{other}` (available: scan, dashboard, policy, report)")
        }
    }
}

async fn bounded<F, Fut>(n: usize, f: F) -> anyhow::Result<()>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let results: Vec<anyhow::Result<()>> = futures::stream::iter(0..n)
        .map(f)
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.into_iter().collect()
}

async fn seed(acct: &MotoAccount, size: &Size) -> anyhow::Result<()> {
    let iam = acct.iam();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}"#;
    bounded(size.roles, |i| {
        let iam = iam.clone();
        async move {
            iam.create_role()
                .role_name(format!("svc-role-{i}"))
                .assume_role_policy_document(trust)
                .send()
                .await?;
            iam.put_role_policy()
                .role_name(format!("svc-role-{i}"))
                .policy_name("data")
                .policy_document(inline)
                .send()
                .await?;
            Ok(())
        }
    })
    .await?;
    bounded(size.users, |i| {
        let iam = iam.clone();
        async move {
            let name = format!("user-{i}");
            iam.create_user().user_name(&name).send().await?;
            iam.create_access_key().user_name(&name).send().await?;
            if i % 3 == 0 {
                iam.create_login_profile()
                    .user_name(&name)
                    .password("Bench-Password-123!")
                    .send()
                    .await?;
            }
            Ok(())
        }
    })
    .await?;
    bounded(size.buckets, |i| {
        let region = REGIONS[i % REGIONS.len()];
        let s3 = acct.s3(region);
        let name = format!("bench-{}-{i}", acct.account_id);
        async move {
            let mut req = s3.create_bucket().bucket(&name);
            if region != "us-east-1" {
                req = req.create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            region,
                        ))
                        .build(),
                );
            }
            req.send().await?;
            Ok(())
        }
    })
    .await?;
    bounded(size.keys, |i| {
        let kms = acct.kms(REGIONS[i % REGIONS.len()]);
        async move {
            let key = kms.create_key().send().await?;
            if i % 2 == 0
                && let Some(id) = key.key_metadata().map(|m| m.key_id())
            {
                kms.enable_key_rotation().key_id(id).send().await?;
            }
            Ok(())
        }
    })
    .await?;
    seed_apis(acct, size.apis).await
}

/// REST APIs spread over the regions: each has `/items` with GET (IAM-authorized) and POST
/// (open on every third API), a mock integration, a `prod` stage (logging on every other
/// API) and, for half of them, a usage plan.
async fn seed_apis(acct: &MotoAccount, n: usize) -> anyhow::Result<()> {
    use aws_sdk_apigateway::types::{
        Op, PatchOperation, QuotaPeriodType, QuotaSettings, ThrottleSettings,
    };
    bounded(n, |i| {
        let gw = acct.apigateway(REGIONS[i % REGIONS.len()]);
        async move {
            let api = gw.create_rest_api().name(format!("api-{i}")).send().await?;
            let id = api.id().context("no api id")?.to_owned();
            let resources = gw.get_resources().rest_api_id(&id).send().await?;
            let root = resources
                .items()
                .first()
                .and_then(|r| r.id())
                .context("no root resource")?
                .to_owned();
            let res = gw
                .create_resource()
                .rest_api_id(&id)
                .parent_id(&root)
                .path_part("items")
                .send()
                .await?;
            let rid = res.id().context("no resource id")?;
            for (verb, auth) in [
                ("GET", "AWS_IAM"),
                ("POST", if i % 3 == 0 { "NONE" } else { "AWS_IAM" }),
            ] {
                gw.put_method()
                    .rest_api_id(&id)
                    .resource_id(rid)
                    .http_method(verb)
                    .authorization_type(auth)
                    .send()
                    .await?;
                gw.put_integration()
                    .rest_api_id(&id)
                    .resource_id(rid)
                    .http_method(verb)
                    .r#type(aws_sdk_apigateway::types::IntegrationType::Mock)
                    .send()
                    .await?;
            }
            gw.create_deployment()
                .rest_api_id(&id)
                .stage_name("prod")
                .send()
                .await?;
            if i % 2 == 0 {
                gw.update_stage()
                    .rest_api_id(&id)
                    .stage_name("prod")
                    .patch_operations(
                        PatchOperation::builder()
                            .op(Op::Replace)
                            .path("/*/*/logging/loglevel")
                            .value("ERROR")
                            .build(),
                    )
                    .send()
                    .await?;
                gw.create_usage_plan()
                    .name(format!("plan-{i}"))
                    .api_stages(
                        aws_sdk_apigateway::types::ApiStage::builder()
                            .api_id(&id)
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
                            .limit(100_000)
                            .period(QuotaPeriodType::Month)
                            .build(),
                    )
                    .send()
                    .await?;
            }
            Ok(())
        }
    })
    .await
}

/// Moto's throughput for plain read calls at the scan's concurrency: the ceiling any scanner
/// could reach against this emulator on this machine.
async fn ceiling(acct: &MotoAccount, calls: usize) -> anyhow::Result<f64> {
    let iam = acct.iam();
    let s3 = acct.s3("us-east-1");
    let kms = acct.kms("us-east-1");
    let bucket = format!("bench-{}-0", acct.account_id);
    let start = Instant::now();
    bounded(calls, |i| {
        let (iam, s3, kms, bucket) = (iam.clone(), s3.clone(), kms.clone(), bucket.clone());
        async move {
            match i % 3 {
                0 => {
                    iam.list_access_keys()
                        .user_name(format!("user-{}", i % 10))
                        .send()
                        .await?;
                }
                1 => {
                    s3.get_bucket_acl().bucket(&bucket).send().await?;
                }
                _ => {
                    kms.list_aliases().send().await?;
                }
            }
            Ok(())
        }
    })
    .await?;
    Ok(calls as f64 / start.elapsed().as_secs_f64())
}

async fn scan_bench(size: Size) -> anyhow::Result<()> {
    let moto = MotoServer::start().map_err(anyhow::Error::msg)?;
    let acct = moto.new_account().await;
    println!(
        "synthetic account {}: {} roles, {} users, {} buckets, {} KMS keys, {} REST APIs, {} regions",
        acct.account_id,
        size.roles,
        size.users,
        size.buckets,
        size.keys,
        size.apis,
        REGIONS.len()
    );
    let t = Instant::now();
    seed(&acct, &size).await?;
    println!("seeded in {:.1} s", t.elapsed().as_secs_f64());

    let opts = ScanOptions {
        regions: Some(
            REGIONS
                .iter()
                .filter_map(|r| Region::parse(r).ok())
                .collect(),
        ),
        services: Service::ALL.into_iter().collect(),
        concurrency: CONCURRENCY,
        last_accessed: false,
    };
    let t = Instant::now();
    let result = collect::scan(&acct.sdk, &opts, Arc::new(NoProgress)).await?;
    let scan_time = t.elapsed();
    let t = Instant::now();
    let report =
        rampart_engine::report::ScanReport::evaluate(&result.inventory, chrono::Utc::now());
    let eval_time = t.elapsed();
    let rate = result.api_calls as f64 / scan_time.as_secs_f64();
    println!(
        "scan finished in {:.1} s with {} calls; measuring moto's ceiling...",
        scan_time.as_secs_f64(),
        result.api_calls
    );
    let api_opts = ScanOptions {
        services: [Service::ApiGateway].into_iter().collect(),
        ..opts.clone()
    };
    let t = Instant::now();
    let apis = collect::scan(&acct.sdk, &api_opts, Arc::new(NoProgress)).await?;
    let api_time = t.elapsed();
    let api_findings =
        rampart_engine::report::ScanReport::evaluate(&apis.inventory, chrono::Utc::now())
            .findings
            .len();
    let ceiling = ceiling(&acct, 3000).await?;
    println!();
    println!("{:<34} {:>12}", "metric", "value");
    println!(
        "{:<34} {:>12.2}",
        "scan wall time (s)",
        scan_time.as_secs_f64()
    );
    println!(
        "{:<34} {:>12}",
        "API calls (incl. retries)", result.api_calls
    );
    println!("{:<34} {:>12.0}", "Rampart calls/s", rate);
    println!(
        "{:<34} {:>12.0}",
        "moto ceiling calls/s (same run)", ceiling
    );
    println!(
        "{:<34} {:>11.0}%",
        "Rampart / ceiling",
        100.0 * rate / ceiling
    );
    println!(
        "{:<34} {:>12.1}",
        "check evaluation (ms)",
        duration_ms(eval_time)
    );
    println!("{:<34} {:>12}", "findings", report.findings.len());
    println!(
        "{:<34} {:>12.2}",
        "API Gateway alone: wall time (s)",
        api_time.as_secs_f64()
    );
    println!(
        "{:<34} {:>12}",
        "API Gateway alone: API calls", apis.api_calls
    );
    println!("{:<34} {:>12}", "API Gateway alone: findings", api_findings);
    println!(
        "{:<34} {:>12}",
        "collection errors",
        result.inventory.errors.len()
    );
    let mut by_api: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in &result.inventory.errors {
        *by_api.entry(e.api.as_str()).or_default() += 1;
    }
    for (api, n) in by_api {
        println!("  error {api}: {n} (an emulator gap: unserved or malformed reply)");
    }
    Ok(())
}

fn duration_ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
