//! Command-line interface: `scan`, `evaluate`, `checks`, `serve`, `demo`, `import`, `mutes`,
//! `policy`, `report`.

mod checks;
mod demo;
mod mutes;
mod output;
mod policy;
mod report;
mod scan;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use rampart_engine::Severity;
use std::path::PathBuf;

/// Nothing at or above `--fail-on` failed (or `--fail-on` was not given).
pub const EXIT_OK: u8 = 0;
/// Findings at or above `--fail-on` failed.
pub const EXIT_FINDINGS: u8 = 1;
/// Bad arguments (clap's own code) or a malformed input document.
pub const EXIT_USAGE: u8 = 2;
/// The scan or evaluation could not be done (no credentials, unreadable snapshot, ...).
pub const EXIT_FAILED: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "rampart",
    version,
    about = "AWS security posture: scan accounts, evaluate checks, report findings."
)]
#[command(
    after_help = "Exit codes: 0 ok; 1 findings at or above --fail-on; 2 bad arguments; 3 scan or evaluation failed."
)]
pub struct Cli {
    /// More logging on stderr (repeat for more); `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan one AWS account (read-only calls) and report findings.
    Scan(scan::ScanArgs),
    /// Evaluate the checks offline on a saved inventory snapshot.
    Evaluate(scan::EvaluateArgs),
    /// List the checks with their severity and compliance mappings.
    Checks(checks::ChecksArgs),
    /// Serve the web dashboard for the linked accounts of the configuration.
    Serve(serve::ServeArgs),
    /// Start the dashboard on a demo organisation (SQLite, loopback, no authentication).
    Demo(serve::DemoArgs),
    /// Import an inventory snapshot as a scan of its account.
    Import(serve::ImportArgs),
    /// Risk acceptance: apply the mutes file kept in version control, list mutes.
    #[command(subcommand)]
    Mutes(mutes::MutesCommand),
    /// Test an IAM policy document: decide a request (`eval`) or analyse it (`check`).
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Write a compliance report (PDF, HTML) or the findings in scope (CSV, JSON, OCSF,
    /// ASFF) from the database or from a snapshot.
    Report(report::ReportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// A JSON array of OCSF 1.4.0 Detection Findings.
    Ocsf,
    /// A JSON array of AWS Security Finding Format findings, for Security Hub's
    /// `BatchImportFindings` (at most 100 per call).
    Asff,
}

/// Options shared by `scan` and `evaluate` for presenting results.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Output format. `json` follows the documented scan schema (docs/scan-schema.md); `ocsf`
    /// and `asff` are JSON arrays of OCSF Detection Findings and ASFF findings.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a finding of this severity or higher failed.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| {
        format!("`{s}` is not a severity (critical, high, medium, low, informational)")
    })
}

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    // A broken framework file of this build must stop the program: findings would otherwise
    // carry no compliance ids and the compliance page would have nothing to show.
    rampart_engine::frameworks::catalog().map_err(|e| anyhow::anyhow!("{e}"))?;
    match cli.command {
        Command::Scan(args) => scan::scan(args).await,
        Command::Evaluate(args) => scan::evaluate(args),
        Command::Checks(args) => checks::list(args),
        Command::Serve(args) => serve::serve_cmd(args).await,
        Command::Demo(args) => serve::demo_cmd(args).await,
        Command::Import(args) => serve::import_cmd(args).await,
        Command::Mutes(cmd) => mutes::run(cmd).await,
        Command::Policy(cmd) => policy::run(cmd),
        Command::Report(args) => report::run(args).await,
    }
}

pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info,rampart=debug,rampart_engine=debug",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
