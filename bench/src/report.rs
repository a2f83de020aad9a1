//! `report`: loads N accounts × M findings (default 1,000 × 1,000 = 1 M findings) into
//! SQLite and/or PostgreSQL through the real storage code, then runs the real `rampart report` binary once per
//! format over every account, and prints each run's wall time, peak memory (the child's
//! VmHWM, sampled every 10 ms until it exits), output size and, for the PDF, its pages.
//!
//! Run: `cargo build --release -p rampart -p rampart-bench && target/release/rampart-bench
//! report [--accounts N] [--findings N] [--formats pdf,html,json,csv,ocsf,asff]
//! [--db sqlite|postgres|both] [--sqlite-path FILE]` (the last keeps and reuses the loaded
//! data between runs). With SQLite the report process holds the database's page cache (64 MiB
//! per connection) besides the report; with PostgreSQL the cache is the server's, so its
//! figures are the report's own footprint.

use crate::dashboard::{self, memory_kib, rampart_bin};
use anyhow::{Context, bail};
use rampart::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub accounts: usize,
    pub findings: usize,
    pub formats: Vec<String>,
    /// `sqlite`, `postgres` or `both`.
    pub db: String,
    pub sqlite_path: Option<PathBuf>,
}

/// One `rampart report` run: wall time, peak resident memory (KiB), output bytes.
struct Run {
    took: Duration,
    peak_kib: u64,
    bytes: u64,
}

fn report(db: &str, format: &str, output: &Path) -> anyhow::Result<Run> {
    let start = Instant::now();
    let mut child = Command::new(rampart_bin()?)
        .args(["report", "--format", format, "--output"])
        .arg(output)
        .arg("--database-url")
        .arg(db)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting rampart report")?;
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        // VmHWM only grows: the last reading before the exit is the peak (to within 10 ms).
        let (hwm, _) = memory_kib(pid);
        peak = peak.max(hwm);
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        bail!("rampart report --format {format} failed ({status}): {err}");
    }
    Ok(Run {
        took,
        peak_kib: peak,
        bytes: std::fs::metadata(output)?.len(),
    })
}

/// The page count `pdfinfo` reads (poppler-utils), when it is installed.
fn pdf_pages(path: &Path) -> Option<u64> {
    let out = Command::new("pdfinfo").arg(path).output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    if !["sqlite", "postgres", "both"].contains(&o.db.as_str()) {
        bail!("--db takes sqlite, postgres or both");
    }
    let dir = tempfile::tempdir()?;
    if o.db == "sqlite" || o.db == "both" {
        let db = o
            .sqlite_path
            .clone()
            .unwrap_or_else(|| dir.path().join("bench.db"));
        run_one("SQLite", &db.display().to_string(), dir.path(), &o).await?;
    }
    if o.db == "postgres" || o.db == "both" {
        let cluster = rampart_end2end::postgres::PgCluster::start()?;
        let url = cluster.create_database("rampart_report_bench")?;
        run_one("PostgreSQL", &url, dir.path(), &o).await?;
    }
    Ok(())
}

async fn run_one(kind: &str, db: &str, dir: &Path, o: &Options) -> anyhow::Result<()> {
    println!(
        "\n== report: {} accounts × {} findings = {} findings ({kind})",
        o.accounts,
        o.findings,
        o.accounts * o.findings
    );
    let store = Store::open(db).await.context("opening the database")?;
    if store.accounts().await?.len() >= o.accounts {
        println!("  reusing the data already in the database");
    } else {
        let took = dashboard::load(
            &store,
            &dashboard::Options {
                accounts: o.accounts,
                findings: o.findings,
                db: kind.to_owned(),
                clients: 0,
                seconds: 0,
                sqlite_path: None,
                postgres_url: None,
            },
        )
        .await?;
        println!(
            "  load through the storage code: {:.1} s ({:.0} findings/s)",
            took.as_secs_f64(),
            (o.accounts * o.findings) as f64 / took.as_secs_f64()
        );
    }
    store.close().await;
    println!(
        "  {:<6} {:>9} {:>14} {:>12}  notes",
        "format", "wall", "peak memory", "output"
    );
    for format in &o.formats {
        let ext = match format.as_str() {
            "ocsf" | "asff" => format!("{format}.json"),
            other => other.to_owned(),
        };
        let output = dir.join(format!("report.{ext}"));
        let run = report(db, format, &output)?;
        let notes = match format.as_str() {
            "pdf" => pdf_pages(&output)
                .map(|p| format!("{p} pages"))
                .unwrap_or_default(),
            "csv" => {
                let lines = std::fs::read(&output)?
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                format!("{lines} lines")
            }
            _ => String::new(),
        };
        println!(
            "  {format:<6} {:>7.1} s {:>10} MiB {:>8.1} MiB  {notes}",
            run.took.as_secs_f64(),
            run.peak_kib / 1024,
            run.bytes as f64 / 1_048_576.0,
        );
        let _ = std::fs::remove_file(&output);
    }
    Ok(())
}
