//! `rampart scan` and `rampart evaluate`.

use super::output::{write_report, write_summary};
use super::{EXIT_FINDINGS, EXIT_OK, ReportArgs};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rampart_engine::collect::{self, Progress, ScanOptions, Target};
use rampart_engine::inventory::{Inventory, Service};
use rampart_engine::report::ScanReport;
use rampart_engine::types::Region;
use rampart_engine::{Severity, Status};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Named profile from the AWS shared config files (default credential chain otherwise).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Scan a linked account by assuming this role.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External id required by the linked account's role trust policy.
    #[arg(long, requires = "role_arn")]
    pub external_id: Option<String>,
    /// Regions to scan, comma separated (default: every enabled region).
    #[arg(long, value_delimiter = ',', value_parser = parse_region)]
    pub regions: Option<Vec<Region>>,
    /// Services to collect, comma separated: iam,s3,cloudtrail,logs,cloudwatch,config,kms (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_service)]
    pub services: Option<Vec<Service>>,
    /// Maximum AWS calls in flight.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Also collect IAM's service-last-accessed report of every user and role (one report
    /// job per principal), so granted-but-unused services are found.
    #[arg(long)]
    pub last_accessed: bool,
    /// Also save the collected inventory to FILE (for `rampart evaluate`).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// Inventory snapshot saved by `rampart scan --snapshot`.
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

fn parse_region(s: &str) -> Result<Region, String> {
    Region::parse(s.trim()).map_err(|e| e.to_string())
}

fn parse_service(s: &str) -> Result<Service, String> {
    Service::parse(s).ok_or_else(|| {
        format!("`{s}` is not a service (iam, s3, cloudtrail, logs, cloudwatch, config, kms)")
    })
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn add_tasks(&self, n: u64) {
        self.0.inc_length(n);
    }
    fn task_done(&self, label: &str) {
        self.0.set_message(label.to_owned());
        self.0.inc(1);
    }
}

pub async fn scan(args: ScanArgs) -> anyhow::Result<u8> {
    let target = Target {
        profile: args.profile,
        role_arn: args.role_arn,
        external_id: args.external_id,
    };
    let sdk = collect::load_sdk_config(&target).await;
    let opts = ScanOptions {
        regions: args.regions,
        services: args
            .services
            .map(|s| s.into_iter().collect())
            .unwrap_or_else(|| Service::ALL.into_iter().collect()),
        concurrency: args.concurrency,
        last_accessed: args.last_accessed,
    };
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} collecting [{bar:30}] {pos}/{len} {elapsed} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let progress = Arc::new(Bar(bar.clone()));
    let result = collect::scan(&sdk, &opts, progress).await;
    bar.finish_and_clear();
    let result = result.context("scan failed")?;
    if let Some(path) = &args.snapshot {
        let bytes = result
            .inventory
            .to_json()
            .context("serialising the inventory")?;
        std::fs::write(path, bytes)
            .with_context(|| format!("writing snapshot `{}`", path.display()))?;
    }
    tracing::info!(api_calls = result.api_calls, "collection finished");
    report(&result.inventory, &args.report)
}

pub fn evaluate(args: EvaluateArgs) -> anyhow::Result<u8> {
    let bytes = std::fs::read(&args.snapshot)
        .with_context(|| format!("reading snapshot `{}`", args.snapshot.display()))?;
    let inventory = Inventory::from_json(&bytes)
        .with_context(|| format!("loading snapshot `{}`", args.snapshot.display()))?;
    report(&inventory, &args.report)
}

fn report(inventory: &Inventory, args: &ReportArgs) -> anyhow::Result<u8> {
    let report = ScanReport::evaluate(inventory, chrono::Utc::now());
    write_report(&report, args.format, args.output.as_deref())?;
    if args.output.is_some() || args.format == super::Format::Table {
        write_summary(&report, &mut std::io::stderr())?;
    }
    Ok(exit_code(&report, args.fail_on))
}

/// `EXIT_FINDINGS` when a failed finding is at or above `fail_on`.
pub fn exit_code(report: &ScanReport, fail_on: Option<Severity>) -> u8 {
    match fail_on {
        Some(threshold)
            if report
                .findings
                .iter()
                .any(|f| f.status == Status::Fail && f.severity >= threshold) =>
        {
            EXIT_FINDINGS
        }
        _ => EXIT_OK,
    }
}
