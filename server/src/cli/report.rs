//! `rampart report`: a compliance report (PDF or HTML) or the findings of the accounts in
//! scope (CSV, JSON, OCSF, ASFF) from the database, or from an inventory snapshot without a
//! server. The file is written atomically: a temporary file beside it, then a rename.

use super::output::write_csv;
use super::{EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use clap::ValueEnum;
use rampart::access::Scope;
use rampart::reports::{self, ReportsError, Selection};
use rampart::store::Store;
use rampart_engine::formats;
use rampart_engine::frameworks::Framework;
use rampart_engine::inventory::Inventory;
use rampart_engine::report::ScanReport;
use rampart_report::AccountInput;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// The compliance report, typeset (cover, summary, controls, findings, appendices).
    Pdf,
    /// The same report as one self-contained HTML file.
    Html,
    /// The report's model as JSON (the facts of the PDF, for tools).
    Json,
    /// The findings of the accounts in scope, one row each.
    Csv,
    /// The findings as a JSON array of OCSF 1.4.0 Detection Findings.
    Ocsf,
    /// The findings as a JSON array of ASFF findings for Security Hub.
    Asff,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[arg(long, value_enum)]
    pub format: ReportFormat,
    /// Where to write the report (replaced atomically).
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
    /// The framework [default: cis-aws-3.0]; for csv, ocsf and asff it keeps the findings of
    /// checks mapped to it.
    #[arg(long, value_name = "KEY", value_parser = parse_framework)]
    pub framework: Option<Framework>,
    /// Only these accounts (repeat; default: every account).
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
    /// Only the accounts of this owner team.
    #[arg(long, value_name = "NAME", conflicts_with = "snapshot")]
    pub team: Option<String>,
    /// Report on an inventory snapshot (`rampart scan --snapshot`) instead of the database.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["config", "database_url"])]
    pub snapshot: Option<PathBuf>,
    /// Configuration file (for the database URL).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL or SQLite file [default: rampart.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    Framework::parse(s).ok_or_else(|| {
        let keys: Vec<&str> = Framework::ALL.iter().map(|f| f.key()).collect();
        format!("`{s}` is not a framework ({})", keys.join(", "))
    })
}

pub async fn run(args: ReportArgs) -> anyhow::Result<u8> {
    let selection = Selection {
        accounts: args.accounts.clone(),
        team: args.team.clone(),
    };
    let inputs = match &args.snapshot {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading snapshot `{}`", path.display()))?;
            let inventory = Inventory::from_json(&bytes)
                .with_context(|| format!("loading snapshot `{}`", path.display()))?;
            let id = inventory.account_id.as_str().to_owned();
            if args.accounts.iter().any(|a| a != &id) {
                eprintln!(
                    "rampart: the snapshot is of account `{id}`, not {:?}",
                    args.accounts
                );
                return Ok(EXIT_USAGE);
            }
            vec![snapshot_input(&inventory)]
        }
        None => {
            let config =
                super::serve::load_config(args.config.as_deref(), None, args.database_url.clone())?;
            let store = Store::open(&config.database_url)
                .await
                .context("opening the database")?;
            let result = reports::account_inputs(&store, &Scope::All, &selection).await;
            store.close().await;
            match result {
                Ok(inputs) => inputs,
                Err(e @ (ReportsError::UnknownAccount(_) | ReportsError::UnknownTeam(_))) => {
                    eprintln!("rampart: {e}");
                    return Ok(EXIT_USAGE);
                }
                Err(e) => return Err(e).context("reading the scans"),
            }
        }
    };
    let scope = if args.snapshot.is_some() {
        match inputs.first() {
            Some(one) => rampart_report::Scope::account(&one.name, one.scan.account_id.as_str()),
            None => rampart_report::Scope::organisation(),
        }
    } else {
        reports::report_scope(&inputs, &selection)
    };
    let started = std::time::Instant::now();
    let bytes = render(args.format, args.framework, scope, inputs)?;
    write_atomically(&args.output, &bytes)?;
    tracing::info!(elapsed = ?started.elapsed(), bytes = bytes.len(), "report written");
    Ok(EXIT_OK)
}

/// A snapshot judged as of its collection time; its account id is its name.
fn snapshot_input(inventory: &Inventory) -> AccountInput {
    let scan = ScanReport::evaluate(inventory, inventory.collected_at);
    AccountInput {
        name: inventory.account_id.as_str().to_owned(),
        team: None,
        environment: None,
        coverage: Some(rampart_engine::coverage::coverage(inventory)),
        scan,
        trend: Vec::new(),
        mutes: Vec::new(),
    }
}

fn render(
    format: ReportFormat,
    framework: Option<Framework>,
    scope: rampart_report::Scope,
    inputs: Vec<AccountInput>,
) -> anyhow::Result<Vec<u8>> {
    let now = chrono::Utc::now();
    let build = |inputs| {
        rampart_report::build(scope, framework.unwrap_or(Framework::CisAws3), now, inputs)
            .context("building the report")
    };
    let mut out = Vec::new();
    match format {
        ReportFormat::Pdf => out = rampart_report::pdf::render(&build(inputs)?)?,
        ReportFormat::Html => out = rampart_report::html::render(&build(inputs)?).into_bytes(),
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &build(inputs)?)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => {
            let findings: Vec<_> = inputs
                .iter()
                .flat_map(|i| &i.scan.findings)
                .filter(|f| framework.is_none_or(|fw| f.compliance.contains_key(&fw)))
                .cloned()
                .collect();
            write_csv(&findings, &mut out)?;
        }
        ReportFormat::Ocsf | ReportFormat::Asff => {
            let to = if format == ReportFormat::Ocsf {
                formats::to_ocsf
            } else {
                formats::to_asff
            };
            let mut docs = Vec::new();
            for input in &inputs {
                let ctx = formats::Context::new(input.scan.scanned_at, env!("CARGO_PKG_VERSION"));
                docs.extend(
                    input
                        .scan
                        .findings
                        .iter()
                        .filter(|f| framework.is_none_or(|fw| f.compliance.contains_key(&fw)))
                        .map(|f| to(f, &ctx)),
                );
            }
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
        }
    }
    Ok(out)
}

/// Writes `bytes` to a temporary file in `path`'s directory and renames it over `path`, so
/// readers see the old file or the whole new one, never half of it.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in `{}`", dir.display()))?;
    // A report is a document to share, not a secret: the usual permissions, not the
    // temporary file's owner-only ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("setting the permissions of `{}`", path.display()))?;
    }
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("writing `{}`", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("replacing `{}`", path.display()))?;
    Ok(())
}
