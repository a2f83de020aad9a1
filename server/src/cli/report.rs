//! `rampart report`: a compliance report (PDF or HTML) or the findings of the accounts in
//! scope (CSV, JSON, OCSF, ASFF) from the database, or from an inventory snapshot without a
//! server. The file is written atomically: a temporary file beside it, then a rename.

use super::{EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use clap::ValueEnum;
use rampart::access::Scope;
use rampart::exports;
use rampart::reports::{self, ReportsError, Selection};
use rampart::store::{ExportRow, FindingFilter, Store, StoreError};
use rampart_engine::formats;
use rampart_engine::frameworks::Framework;
use rampart_engine::inventory::Inventory;
use rampart_engine::report::ScanReport;
use rampart_report::AccountInput;
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

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
    let started = std::time::Instant::now();
    let code = match &args.snapshot {
        Some(path) => from_snapshot(&args, path)?,
        None => from_database(&args).await?,
    };
    if code == EXIT_OK {
        tracing::info!(elapsed = ?started.elapsed(), output = %args.output.display(), "report written");
    }
    Ok(code)
}

/// A report of one inventory snapshot, judged as of its collection time.
fn from_snapshot(args: &ReportArgs, path: &Path) -> anyhow::Result<u8> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading snapshot `{}`", path.display()))?;
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
    let input = snapshot_input(&inventory);
    let scope = rampart_report::Scope::account(&input.name, &id);
    let framework = args.framework;
    let mapped =
        |f: &&rampart_engine::Finding| framework.is_none_or(|fw| f.compliance.contains_key(&fw));
    let mut out = Vec::new();
    match args.format {
        ReportFormat::Pdf | ReportFormat::Html | ReportFormat::Json => {
            let report = rampart_report::build(
                scope,
                framework.unwrap_or(Framework::CisAws3),
                chrono::Utc::now(),
                vec![input],
            )
            .context("building the report")?;
            out = render_report(args.format, &report)?;
        }
        ReportFormat::Csv => {
            out = exports::csv_head();
            for f in input.scan.findings.iter().filter(mapped) {
                exports::csv_finding(&mut out, f);
            }
        }
        ReportFormat::Ocsf | ReportFormat::Asff => {
            let to = if args.format == ReportFormat::Ocsf {
                formats::to_ocsf
            } else {
                formats::to_asff
            };
            let ctx = formats::Context::new(input.scan.scanned_at, env!("CARGO_PKG_VERSION"));
            let docs: Vec<_> = input
                .scan
                .findings
                .iter()
                .filter(mapped)
                .map(|f| to(f, &ctx))
                .collect();
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
        }
    }
    write_atomically(&args.output, |w| Ok(w.write_all(&out)?))?;
    Ok(EXIT_OK)
}

/// A report of the latest stored scans: the compliance report folded one account at a time,
/// or every finding streamed from the database into the file one row at a time.
async fn from_database(args: &ReportArgs) -> anyhow::Result<u8> {
    let config =
        super::serve::load_config(args.config.as_deref(), None, args.database_url.clone())?;
    let store = Store::open(&config.database_url)
        .await
        .context("opening the database")?;
    let result = database_report(&store, args).await;
    store.close().await;
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(Failure::Reports(e @ ReportsError::Choice(_))) => {
            eprintln!("rampart: {e}");
            Ok(EXIT_USAGE)
        }
        Err(Failure::Reports(e)) => Err(e).context("reading the scans"),
        Err(Failure::Other(e)) => Err(e),
    }
}

/// Why a report from the database failed: a selection or read problem, or writing.
enum Failure {
    Reports(ReportsError),
    Other(anyhow::Error),
}

impl From<ReportsError> for Failure {
    fn from(e: ReportsError) -> Self {
        Failure::Reports(e)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

async fn database_report(store: &Store, args: &ReportArgs) -> Result<(), Failure> {
    let selection = Selection {
        accounts: args.accounts.clone(),
        team: args.team.clone(),
    };
    let (head, tail, encode): (Vec<u8>, &'static [u8], exports::Encode) = match args.format {
        ReportFormat::Pdf | ReportFormat::Html | ReportFormat::Json => {
            let report = reports::compliance_report(
                store,
                &Scope::All,
                &selection,
                args.framework.unwrap_or(Framework::CisAws3),
                chrono::Utc::now(),
            )
            .await?;
            let format = args.format;
            // Typesetting is CPU work: off the async workers.
            let bytes = tokio::task::spawn_blocking(move || render_report(format, &report))
                .await
                .context("rendering the report")??;
            write_atomically(&args.output, |w| Ok(w.write_all(&bytes)?))?;
            return Ok(());
        }
        ReportFormat::Csv => (exports::csv_head(), b"", exports::csv_row),
        ReportFormat::Ocsf => (b"[".to_vec(), b"\n]\n", exports::ocsf_row),
        ReportFormat::Asff => (b"[".to_vec(), b"\n]\n", exports::asff_row),
    };
    let accounts = reports::chosen_accounts(store, &Scope::All, &selection).await?;
    let mut scanned = Vec::with_capacity(accounts.len());
    for a in accounts {
        if store
            .latest_scan_id(&a.id)
            .await
            .map_err(ReportsError::from)?
            .is_some()
        {
            scanned.push(a.id);
        }
    }
    if scanned.is_empty() {
        return Err(ReportsError::NothingScanned.into());
    }
    let prefix = args.framework.map(|fw| format!("{}:", fw.key()));
    let (tx, mut rx) = mpsc::channel::<Result<ExportRow, String>>(512);
    let producer = async move {
        for id in scanned {
            let filter = FindingFilter {
                account: Some(id),
                descending: true,
                ..FindingFilter::default()
            };
            if let Err(e) = store
                .export_findings(&filter, &Scope::All, tx.clone())
                .await
            {
                // The writer fails on this, so the file is never replaced by a partial one.
                let _ = tx.send(Err(e.to_string())).await;
                return Err(e);
            }
        }
        Ok::<(), StoreError>(())
    };
    let output = args.output.clone();
    let writer = tokio::task::spawn_blocking(move || {
        write_atomically(&output, |w| {
            let mut buf = head;
            let mut first = true;
            while let Some(row) = rx.blocking_recv() {
                let row = row.map_err(|e| anyhow::anyhow!(e))?;
                if prefix
                    .as_deref()
                    .is_some_and(|p| !row.row.controls.iter().any(|c| c.starts_with(p)))
                {
                    continue;
                }
                if encode(&mut buf, &row, first) {
                    first = false;
                }
                if buf.len() >= 64 * 1024 {
                    w.write_all(&buf)?;
                    buf.clear();
                }
            }
            buf.extend_from_slice(tail);
            w.write_all(&buf)?;
            Ok(())
        })
    });
    let (produced, written) = tokio::join!(producer, writer);
    produced.map_err(ReportsError::from)?;
    written.context("writing the export")??;
    Ok(())
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

/// The compliance report in `format` (PDF, HTML or its model as JSON).
fn render_report(format: ReportFormat, report: &rampart_report::Report) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Html => rampart_report::html::render(report).into_bytes(),
        ReportFormat::Json => {
            let mut out = serde_json::to_vec_pretty(report)?;
            out.push(b'\n');
            out
        }
        _ => rampart_report::pdf::render(report)?,
    })
}

/// Writes with `write` to a temporary file in `path`'s directory and renames it over `path`,
/// so readers see the old file or the whole new one, never half of it; when `write` fails,
/// `path` is left alone.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
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
    write(&mut tmp).with_context(|| format!("writing `{}`", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing `{}`", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("replacing `{}`", path.display()))?;
    Ok(())
}
