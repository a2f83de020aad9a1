//! `dashboard`: loads N accounts × M findings (default 1,000 × 1,000 = 1 M findings) into
//! SQLite and into PostgreSQL through the real storage code, starts the real `rampart serve`
//! binary on each, and measures under concurrent load the p50/p99 latency of the overview,
//! an account page and a filtered findings page; then the time and the server's peak memory
//! (VmHWM) of a full CSV export of every finding.
//!
//! Run: `cargo build --release -p rampart -p rampart-bench && target/release/rampart-bench
//! dashboard [--accounts N] [--findings N] [--db sqlite|postgres|both] [--clients N]
//! [--seconds N] [--sqlite-path FILE] [--postgres-url URL]` (the last two keep and reuse
//! the loaded data between runs)

use anyhow::{Context, bail};
use chrono::{Duration as Days, Utc};
use rampart::store::{ScanInput, Store};
use rampart_engine::Status;
use rampart_engine::checks::{Finding, registry};
use rampart_engine::coverage::coverage;
use rampart_engine::inventory::Inventory;
use rampart_engine::report::ScanReport;
use rampart_engine::types::{AccountId, Region};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub accounts: usize,
    pub findings: usize,
    pub db: String,
    pub clients: usize,
    pub seconds: u64,
    /// Keep the SQLite database at this path and reuse it when it already holds the data
    /// (saves reloading 1 M findings when iterating on the read side).
    pub sqlite_path: Option<PathBuf>,
    /// Use this PostgreSQL database instead of a throwaway cluster; reused likewise.
    pub postgres_url: Option<String>,
}

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];

pub(crate) fn account_id(i: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + i as u64)
}

/// A synthetic scan: `n` findings over the registry's checks, regions and resources.
fn synthetic(i: usize, n: usize) -> anyhow::Result<(Inventory, ScanReport)> {
    let checks = registry();
    let account = AccountId::parse(&account_id(i))?;
    let regions: Vec<Region> = REGIONS
        .iter()
        .map(|r| Region::parse(r))
        .collect::<Result<_, _>>()?;
    let inventory = Inventory::empty(
        account.clone(),
        Utc::now() - Days::hours(i as i64 % 48),
        regions.clone(),
    );
    let findings = (0..n)
        .map(|j| {
            let check = &checks[j % checks.len()];
            // Deterministic spread: about a third fail, a few errors, the rest pass.
            let h = (i * 7919 + j * 104_729) % 100;
            let status = match h {
                0..=2 => Status::Error,
                3..=34 => Status::Fail,
                _ => Status::Pass,
            };
            let region = regions[j % regions.len()].clone();
            Finding {
                check_id: check.meta.id.to_owned(),
                title: check.meta.title.to_owned(),
                service: check.meta.service,
                status,
                severity: check.meta.severity,
                account_id: account.clone(),
                region: Some(region.clone()),
                resource_arn: format!("arn:aws:s3:::bench-{i}-resource-{j}"),
                resource_type: "AWS::S3::Bucket".to_owned(),
                message: format!("synthetic finding {j} of account {i}"),
                evidence: serde_json::json!({ "bench": true, "index": j, "region": region.as_str() }),
                compliance: check.meta.compliance_map(),
            }
        })
        .collect();
    let report = ScanReport::from_findings(&inventory, findings);
    Ok((inventory, report))
}

pub(crate) async fn load(store: &Store, o: &Options) -> anyhow::Result<Duration> {
    let start = Instant::now();
    for i in 0..o.accounts {
        let id = account_id(i);
        store
            .upsert_account(&rampart::store::AccountRecord {
                id: id.clone(),
                name: format!("bench-{i:04}"),
                environment: ["production", "staging", "development"][i % 3].to_owned(),
                owner_team: format!("team-{}", i % 17),
                source: "import".to_owned(),
                ..Default::default()
            })
            .await?;
        let (inventory, report) = synthetic(i, o.findings)?;
        let cov = coverage(&inventory);
        store
            .record_scan(
                None,
                ScanInput {
                    account_id: &id,
                    source: "import",
                    started_at: inventory.collected_at,
                    finished_at: inventory.collected_at,
                    inventory: &inventory,
                    report: &report,
                    coverage: &cov,
                },
            )
            .await?;
        if (i + 1) % 100 == 0 {
            eprintln!(
                "  loaded {} accounts ({:.0} s)",
                i + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(start.elapsed())
}

pub(crate) fn rampart_bin() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("RAMPART_BIN") {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("rampart");
    if !bin.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p rampart` (or set RAMPART_BIN)",
            bin.display()
        );
    }
    Ok(bin)
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(url: &str) -> anyhow::Result<Server> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    drop(listener);
    let child = Command::new(rampart_bin()?)
        .args([
            "serve",
            "--insecure-no-auth",
            "--listen",
            &addr.to_string(),
            "--database-url",
            url,
        ])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            bail!("rampart serve did not start");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(Server {
        child,
        base: format!("http://{addr}"),
    })
}

/// VmHWM (peak resident set) and VmRSS of a process, in KiB.
pub(crate) fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn hammer(
    http: &reqwest::Client,
    url: &str,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let http = http.clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while Instant::now() < until {
                let t = Instant::now();
                match http.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    Ok((all, errors))
}

async fn measure(name: &str, url: &str, o: &Options) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients)
        .build()?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // One client alone first: the service time of the page, without queueing.
    let (alone, _) = hammer(&http, url, 1, 2).await?;
    let (lat, errors) = hammer(&http, url, o.clients, o.seconds).await?;
    println!(
        "  {name:<28} alone: p50 {:>6.1} ms  p99 {:>6.1} ms",
        ms(percentile(&alone, 0.50)),
        ms(percentile(&alone, 0.99)),
    );
    println!(
        "  {name:<28} {:>7.1} req/s  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  ({} requests, {errors} errors)",
        lat.len() as f64 / o.seconds as f64,
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        lat.len()
    );
    Ok(())
}

async fn run_one(kind: &str, url: &str, o: &Options) -> anyhow::Result<()> {
    println!(
        "\n== {kind}: {} accounts × {} findings = {} findings",
        o.accounts,
        o.findings,
        o.accounts * o.findings
    );
    let store = Store::open(url)
        .await
        .with_context(|| format!("opening {kind}"))?;
    if store.accounts().await?.len() >= o.accounts {
        println!("  reusing the data already in the database");
    } else {
        let took = load(&store, o).await?;
        println!(
            "  load through the storage code: {:.1} s ({:.0} findings/s)",
            took.as_secs_f64(),
            (o.accounts * o.findings) as f64 / took.as_secs_f64()
        );
    }
    store.close().await;
    let server = start_server(url)?;
    let pid = server.child.id();
    let account = account_id(o.accounts / 2);
    // Warm up each page once.
    let http = reqwest::Client::new();
    for path in ["/", "/findings"] {
        http.get(format!("{}{path}", server.base))
            .send()
            .await?
            .bytes()
            .await?;
    }
    println!(
        "  under load: {} concurrent clients for {} s per page",
        o.clients, o.seconds
    );
    measure("overview /", &format!("{}/", server.base), o).await?;
    measure(
        "account page",
        &format!("{}/accounts/{account}", server.base),
        o,
    )
    .await?;
    measure(
        "findings (account + high)",
        &format!("{}/findings?account={account}&severity=high", server.base),
        o,
    )
    .await?;
    measure(
        "findings (one check, all)",
        &format!("{}/findings?check=iam_root_mfa_enabled", server.base),
        o,
    )
    .await?;
    // The heaviest views, once each (not part of the latency target): every failed finding
    // of every account, and the compliance matrix of all accounts.
    for (name, path) in [
        ("findings (all failed, page 1)", "/findings"),
        ("compliance (CIS, all)", "/compliance"),
    ] {
        let t = Instant::now();
        http.get(format!("{}{path}", server.base))
            .send()
            .await?
            .bytes()
            .await?;
        println!(
            "  {name:<28} single request {:>7.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    let (hwm_before, rss_before) = memory_kib(pid);
    let t = Instant::now();
    let mut resp = http
        .get(format!("{}/export/findings.csv?status=any", server.base))
        .send()
        .await?;
    let (mut bytes, mut rows) = (0usize, 0usize);
    while let Some(chunk) = resp.chunk().await? {
        bytes += chunk.len();
        rows += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let took = t.elapsed();
    let (hwm_after, rss_after) = memory_kib(pid);
    println!(
        "  full CSV export: {} lines, {:.0} MiB in {:.1} s; server RSS {} → {} MiB, peak (VmHWM) {} → {} MiB",
        rows,
        bytes as f64 / 1_048_576.0,
        took.as_secs_f64(),
        rss_before / 1024,
        rss_after / 1024,
        hwm_before / 1024,
        hwm_after / 1024
    );
    Ok(())
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    if o.db == "sqlite" || o.db == "both" {
        let path = o
            .sqlite_path
            .clone()
            .unwrap_or_else(|| dir.path().join("bench.db"));
        run_one("SQLite", &path.display().to_string(), &o).await?;
    }
    if o.db == "postgres" || o.db == "both" {
        match &o.postgres_url {
            Some(url) => run_one("PostgreSQL", url, &o).await?,
            None => {
                let cluster = rampart_end2end::postgres::PgCluster::start()?;
                let url = cluster.create_database("rampart_bench")?;
                run_one("PostgreSQL", &url, &o).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_scans_have_the_asked_size_and_a_mix_of_results() {
        let (_, report) = super::synthetic(3, 500).unwrap();
        assert_eq!(report.findings.len(), 500);
        assert!(report.summary.failed > 50 && report.summary.passed > 50);
    }
}
