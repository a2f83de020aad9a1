//! HTTP-level tests of every page, JSON twin, export and import, on SQLite and on
//! PostgreSQL (a throwaway cluster started by the harness), against the real router serving
//! the demo organisation evaluated by the real checks.

use rampart::config::ScanDefaults;
use rampart::ingest::load_demo;
use rampart::store::{Scope, Store};
use rampart::web::{AppState, serve};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const PROD: &str = "333344445555";
/// The demo account with the most failures (critical and high among them).
pub const SANDBOX: &str = "666677778888";

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct App {
    pub base: String,
    pub store: Store,
    pub url: String,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

static DB_SEQ: AtomicUsize = AtomicUsize::new(0);

pub async fn open_store(db: Db) -> (Store, tempfile::TempDir) {
    let (store, dir, _) = open_store_at(db).await;
    (store, dir)
}

/// A fresh database: its store, its folder and its URL (to open a second store on it).
pub async fn open_store_at(db: Db) -> (Store, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = match db {
        Db::Sqlite => dir.path().join("rampart.db").display().to_string(),
        Db::Postgres => {
            let cluster = rampart_end2end::postgres::PgCluster::shared().unwrap();
            let name = format!(
                "rampart_{}_{}",
                std::process::id(),
                DB_SEQ.fetch_add(1, Ordering::Relaxed)
            );
            cluster.create_database(&name).unwrap()
        }
    };
    (Store::open(&url).await.unwrap(), dir, url)
}

/// A server on a free loopback port over a fresh database holding the demo organisation.
pub async fn app(db: Db, history: usize) -> App {
    let (store, dir, url) = open_store_at(db).await;
    load_demo(&store, chrono::Utc::now(), history)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), true, ScanDefaults::default());
    tokio::spawn(serve(listener, state));
    App {
        base,
        store,
        url,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        _dir: dir,
    }
}

impl App {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }
    pub async fn html(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.text().await.unwrap()
    }
    pub async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.unwrap()
    }
    /// The CSRF cookie a first visit sets.
    pub async fn csrf(&self) -> String {
        let r = self.get("/import").await;
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("rampart_csrf="))
            .unwrap()
            .to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        cookie["rampart_csrf=".len()..]
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }
}

fn rows(v: &Value) -> &Vec<Value> {
    v["rows"].as_array().unwrap()
}

async fn every_page_renders_without_script_under_a_strict_policy(db: Db) {
    let app = app(db, 2).await;
    let key = app.json("/api/findings?per_page=1").await["rows"][0]["key_id"]
        .as_i64()
        .unwrap();
    let scan = app.json(&format!("/api/accounts/{PROD}")).await["latest"]["id"]
        .as_i64()
        .unwrap();
    for path in [
        "/".to_owned(),
        format!("/accounts/{PROD}"),
        format!("/accounts/{PROD}/scans"),
        format!("/scans/{scan}"),
        "/findings".to_owned(),
        format!("/findings/{key}"),
        "/checks".to_owned(),
        "/checks/iam_root_mfa_enabled".to_owned(),
        "/compliance".to_owned(),
        "/compliance?framework=aws-fsbp".to_owned(),
        "/compliance?framework=aws-fsbp&team=payments".to_owned(),
        "/import".to_owned(),
        "/mutes".to_owned(),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("script-src"),
            "{path}: scripts must not be allowed"
        );
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        let html = r.text().await.unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(!html.contains("<script"), "{path} has a script");
        assert!(html.contains("Demo mode"), "{path} must say demo mode");
    }
}

async fn overview_shows_each_account_with_score_trend_and_coverage(db: Db) {
    let app = app(db, 3).await;
    let html = app.html("/").await;
    for account in rampart_engine::demo::organisation() {
        assert!(html.contains(account.name), "{} missing", account.name);
    }
    assert!(html.contains("class=\"sparkline\""));
    assert!(html.contains("CT "), "coverage chips");
    let api = app.json("/api/overview").await;
    let accounts = api["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 6);
    for a in accounts {
        assert_eq!(a["trend"].as_array().unwrap().len(), 4, "history 3 + now");
        let score = a["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
        let failed: i64 = ["critical", "high", "medium", "low", "informational"]
            .iter()
            .map(|s| a["failed"][s].as_i64().unwrap())
            .sum();
        assert_eq!(failed, a["last_scan"]["failed"].as_i64().unwrap());
    }
    // Sorting by score puts the worst first; filtering by environment narrows.
    let scores: Vec<f64> = accounts
        .iter()
        .map(|a| a["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let prod = app.json("/api/overview?environment=production").await;
    let names: Vec<&str> = prod["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"]["environment"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|e| *e == "production"));
    // Pages of accounts; the organisation figures cover every page.
    let p1 = app.json("/api/overview?sort=name&per_page=4").await;
    let p2 = app.json("/api/overview?sort=name&per_page=4&page=2").await;
    assert_eq!(p1["total_accounts"], 6);
    assert_eq!(p1["accounts"].as_array().unwrap().len(), 4);
    assert_eq!(p2["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(p1["org_score"], api["org_score"]);
    assert!(
        app.html("/?per_page=4")
            .await
            .contains("Page 1 of 2 · 6 accounts")
    );
    let desc = app.json("/api/overview?sort=name&dir=desc").await;
    let names: Vec<String> = desc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"]["name"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
}

async fn account_page_compares_cloudtrail_cloudwatch_and_config_per_region(db: Db) {
    let app = app(db, 1).await;
    let api = app.json(&format!("/api/accounts/{PROD}")).await;
    let regions = api["coverage"]["regions"].as_array().unwrap();
    assert!(!regions.is_empty());
    let html = app.html(&format!("/accounts/{PROD}")).await;
    assert!(html.contains("CloudTrail, CloudWatch Logs and AWS Config"));
    // API Gateway logging: production serves its APIs from its first region only.
    assert!(html.contains("API Gateway logging"));
    let levels: Vec<&str> = regions
        .iter()
        .map(|r| r["api_logging"]["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels[0], "full", "{levels:?}");
    assert!(levels[1..].iter().all(|l| *l == "n/a"), "{levels:?}");
    let staging = app.json("/api/accounts/444455556666").await;
    assert_eq!(
        staging["coverage"]["regions"][0]["api_logging"]["level"],
        "none"
    );
    for r in regions {
        let region = r["region"].as_str().unwrap();
        assert!(
            html.contains(&format!("<th scope=\"row\">{region}</th>")),
            "{region}"
        );
    }
    // The breakdown by service adds up to the scan's counts.
    let failed: i64 = api["by_service"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["failed"].as_i64().unwrap())
        .sum();
    assert_eq!(failed, api["latest"]["failed"].as_i64().unwrap());
    assert_eq!(
        app.get("/accounts/000000000000").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn findings_explorer_filters_sorts_pages_and_counts_facets(db: Db) {
    let app = app(db, 1).await;
    let all = app.json("/api/findings?status=any&per_page=500").await;
    let total_any = all["total"].as_i64().unwrap();
    let failed = app.json("/api/findings").await;
    assert!(
        failed["total"].as_i64().unwrap() < total_any,
        "default shows FAIL only"
    );
    assert!(rows(&failed).iter().all(|r| r["status"] == "FAIL"));
    // Facet counts ignore their own selection and add up to the total.
    let high = app
        .json(&format!("/api/findings?account={SANDBOX}&severity=high"))
        .await;
    assert!(high["total"].as_i64().unwrap() > 0);
    assert!(
        rows(&high)
            .iter()
            .all(|r| r["severity"] == "high" && r["account_id"] == SANDBOX)
    );
    let sev_facet = high["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "severity")
        .unwrap();
    let high_count = sev_facet["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "high")
        .unwrap()["count"]
        .as_i64()
        .unwrap();
    assert_eq!(high_count, high["total"].as_i64().unwrap());
    // Text search, region and control filters.
    let q = app.json("/api/findings?status=any&q=ROOT").await;
    assert!(rows(&q).iter().all(|r| {
        let hay = format!(
            "{} {} {} {}",
            r["resource_arn"], r["message"], r["title"], r["check_id"]
        )
        .to_lowercase();
        hay.contains("root")
    }));
    assert!(q["total"].as_i64().unwrap() > 0);
    let control = app
        .json("/api/findings?status=any&control=cis-aws-3.0:1.4")
        .await;
    assert!(control["total"].as_i64().unwrap() > 0);
    assert!(rows(&control).iter().all(|r| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "cis-aws-3.0:1.4")
    }));
    // Pagination: pages don't overlap and cover the total.
    let p1 = app.json("/api/findings?status=any&per_page=7&page=1").await;
    let p2 = app.json("/api/findings?status=any&per_page=7&page=2").await;
    let keys = |v: &Value| -> Vec<(i64, i64)> {
        rows(v)
            .iter()
            .map(|r| {
                (
                    r["key_id"].as_i64().unwrap(),
                    r["scan_id"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(keys(&p1).len(), 7);
    assert!(keys(&p1).iter().all(|k| !keys(&p2).contains(k)));
    // Sorted by severity, most severe first.
    let ranks: Vec<usize> = rows(&all)
        .iter()
        .map(|r| {
            ["critical", "high", "medium", "low", "informational"]
                .iter()
                .position(|s| r["severity"] == *s)
                .unwrap()
        })
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    // The HTML page shows the same rows and links each to its detail.
    let html = app
        .html(&format!("/findings?account={SANDBOX}&severity=high"))
        .await;
    for r in rows(&high) {
        assert!(html.contains(&format!("/findings/{}", r["key_id"])));
    }
    // Bad filters are refused with the reason.
    let r = app.get("/api/findings?severity=urgent").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("unknown severity"));
    assert_eq!(
        app.get("/findings?control=nonsense").await.status(),
        StatusCode::BAD_REQUEST
    );
}

async fn finding_detail_has_evidence_remediation_mappings_and_history(db: Db) {
    let app = app(db, 3).await;
    let list = app
        .json(&format!(
            "/api/findings?account={SANDBOX}&severity=critical"
        ))
        .await;
    let row = &rows(&list)[0];
    let key = row["key_id"].as_i64().unwrap();
    let detail = app.json(&format!("/api/findings/{key}")).await;
    assert_eq!(detail["finding"]["check_id"], row["check_id"]);
    assert!(detail["check"]["remediation_cli"].as_str().unwrap().len() > 5);
    let history = detail["history"].as_array().unwrap();
    assert!(!history.is_empty() && history.len() <= 4);
    let html = app.html(&format!("/findings/{key}")).await;
    assert!(
        html.contains("How to fix it")
            && html.contains("Evidence")
            && html.contains("History across scans")
    );
    assert_eq!(
        app.get("/findings/999999999").await.status(),
        StatusCode::NOT_FOUND
    );
    let check = app
        .json(&format!(
            "/api/checks/{}",
            row["check_id"].as_str().unwrap()
        ))
        .await;
    assert!(
        check["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a[0] == SANDBOX)
    );
}

async fn scan_history_lists_scans_and_diff_matches_the_two_scans(db: Db) {
    let app = app(db, 3).await;
    let scans = app.json(&format!("/api/accounts/{PROD}/scans")).await;
    let scans = scans["scans"].as_array().unwrap();
    assert_eq!(scans.len(), 4);
    let (newest, oldest) = (
        scans[0]["id"].as_i64().unwrap(),
        scans[3]["id"].as_i64().unwrap(),
    );
    let failing = |v: &Value| -> std::collections::BTreeSet<i64> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "FAIL")
            .map(|f| f["key_id"].as_i64().unwrap())
            .collect()
    };
    let a = failing(&app.json(&format!("/api/scans/{oldest}")).await);
    let b = failing(&app.json(&format!("/api/scans/{newest}")).await);
    let diff = app
        .json(&format!(
            "/api/accounts/{PROD}/diff?from={oldest}&to={newest}"
        ))
        .await;
    let ids = |k: &str| -> std::collections::BTreeSet<i64> {
        diff[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("new"), b.difference(&a).copied().collect());
    assert_eq!(ids("resolved"), a.difference(&b).copied().collect());
    assert_eq!(ids("still_failing"), a.intersection(&b).copied().collect());
    assert!(
        !ids("new").is_empty() || !ids("resolved").is_empty(),
        "the demo changes over time"
    );
    let html = app
        .html(&format!("/accounts/{PROD}/diff?from={oldest}&to={newest}"))
        .await;
    assert!(
        html.contains("New failures")
            && html.contains("Resolved")
            && html.contains("Still failing")
    );
    // Scans of another account can't be compared here.
    let other = app.json("/api/accounts/111122223333/scans").await["scans"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.get(&format!(
            "/api/accounts/{PROD}/diff?from={other}&to={newest}"
        ))
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
}

async fn compliance_shows_each_control_per_account_consistently_with_findings(db: Db) {
    let app = app(db, 0).await;
    let cis = app.json("/api/compliance?framework=cis-aws-3.0").await;
    let accounts = cis["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 6);
    let controls = cis["controls"].as_array().unwrap();
    let c14 = controls.iter().find(|c| c["control"] == "1.4").unwrap();
    let prod = accounts.iter().position(|a| a[0] == PROD).unwrap();
    let cell = &c14["cells"][prod];
    let findings = app
        .json(&format!(
            "/api/findings?account={PROD}&control=cis-aws-3.0:1.4&status=FAIL"
        ))
        .await;
    assert_eq!(
        cell["failed"].as_i64().unwrap(),
        findings["total"].as_i64().unwrap()
    );
    assert_eq!(
        cell["status"] == "fail",
        cell["failed"].as_i64().unwrap() > 0
    );
    let fsbp = app.json("/api/compliance?framework=aws-fsbp").await;
    assert!(
        fsbp["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["control"] == "IAM.6")
    );
    let html = app.html("/compliance").await;
    assert!(html.contains("CIS AWS Foundations Benchmark v3.0.0"));
    assert_eq!(
        app.get("/api/compliance?framework=sox").await.status(),
        StatusCode::BAD_REQUEST
    );
}

async fn compliance_reports_download_as_pdf_and_html_for_the_filter(db: Db) {
    let app = app(db, 1).await;
    let r = app
        .get(&format!(
            "/reports/compliance.pdf?framework=aws-fsbp&account={PROD}"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    let r = app
        .get(&format!("/reports/compliance.html?account={PROD}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(PROD) && html.contains("CIS AWS Foundations Benchmark v3.0.0"));
    assert!(!html.contains("<script"));
    assert_eq!(
        app.get("/reports/compliance.pdf?framework=sox")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/reports/compliance.html?account=000000000000")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn exports_stream_every_finding_of_the_filter_in_csv_and_json(db: Db) {
    let app = app(db, 0).await;
    let total = app
        .json(&format!("/api/findings?account={PROD}&status=any"))
        .await["total"]
        .as_i64()
        .unwrap();
    let r = app
        .get(&format!("/export/findings.csv?account={PROD}&status=any"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let body = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().next(), Some("account_id"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len() as i64, total);
    assert!(records.iter().all(|r| &r[0] == PROD));
    let failed_high = app
        .get("/export/findings.csv?severity=high")
        .await
        .text()
        .await
        .unwrap();
    let n = csv::Reader::from_reader(failed_high.as_bytes())
        .records()
        .count() as i64;
    assert_eq!(
        n,
        app.json("/api/findings?severity=high").await["total"]
            .as_i64()
            .unwrap()
    );
    // JSON: each finding is the scan schema's finding object.
    let json: Value = app
        .get(&format!("/export/findings.json?account={PROD}&status=any"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["schema_version"], 1);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len() as i64, total);
    for f in findings {
        let _: rampart_engine::Finding = serde_json::from_value(f.clone()).unwrap();
    }
}

/// Runs `scripts/validate_findings.py` (the engine's format tests' validator) over `body`.
fn schema_problems(args: &[&str], body: &str) -> Vec<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let ensure = Command::new("bash")
        .arg(root.join("scripts/ensure-format-validators"))
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(
        ensure.status.success(),
        "scripts/ensure-format-validators failed"
    );
    let python = String::from_utf8_lossy(&ensure.stdout).trim().to_owned();
    let mut child = Command::new(python)
        .arg(root.join("scripts/validate_findings.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let problems: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "validator failed: {problems:?}"
    );
    problems
}

async fn exports_stream_ocsf_and_asff_findings_that_match_their_schemas(db: Db) {
    let app = app(db, 2).await;
    let total = app
        .json(&format!("/api/findings?account={PROD}&status=any"))
        .await["total"]
        .as_i64()
        .unwrap();
    let failed = app.json(&format!("/api/findings?account={PROD}")).await["total"]
        .as_i64()
        .unwrap();
    assert!(total > failed && failed > 0, "{total} {failed}");

    let r = app
        .get(&format!(
            "/export/findings.ocsf.json?account={PROD}&status=any"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".ocsf.json")
    );
    let body = r.text().await.unwrap();
    let ocsf: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(ocsf.len() as i64, total);
    let problems = schema_problems(
        &[
            "ocsf",
            rampart_engine::formats::ocsf::OCSF_VERSION,
            "detection_finding",
            "cloud",
        ],
        &body,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        ocsf.iter()
            .all(|d| d["class_uid"] == 2004 && d["cloud"]["account"]["uid"] == PROD)
    );
    let fails = ocsf.iter().filter(|d| d["status_code"] == "FAIL").count() as i64;
    assert_eq!(fails, failed);
    assert!(
        ocsf.iter()
            .any(|d| d["status_code"] == "PASS" && d["status"] == "Resolved")
    );
    // Known history: seen first in an older scan than the last.
    assert!(
        ocsf.iter()
            .any(|d| d["finding_info"]["first_seen_time"].as_i64()
                < d["finding_info"]["last_seen_time"].as_i64())
    );
    let uids: std::collections::BTreeSet<&str> = ocsf
        .iter()
        .map(|d| d["finding_info"]["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), ocsf.len(), "finding uids are unique");

    // ASFF, default filter (failures only).
    let body = app
        .get(&format!("/export/findings.asff.json?account={PROD}"))
        .await
        .text()
        .await
        .unwrap();
    let asff: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(asff.len() as i64, failed);
    let problems = schema_problems(&["asff"], &body);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(asff.iter().all(|d| {
        d["AwsAccountId"] == PROD
            && d["Compliance"]["Status"] == "FAILED"
            && d["Workflow"]["Status"] == "NEW"
            && d["ProductArn"]
                .as_str()
                .unwrap()
                .ends_with(&format!(":{PROD}:product/{PROD}/default"))
    }));
    assert!(asff.iter().any(|d| {
        d["Compliance"]["RelatedRequirements"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    }));

    // An empty selection is an empty array.
    let none: Vec<Value> = app
        .get("/export/findings.asff.json?account=000000000000")
        .await
        .json()
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn imports_become_scans_and_bad_files_change_nothing(db: Db) {
    let app = app(db, 0).await;
    let csrf = app.csrf().await;
    let upload = |bytes: Vec<u8>, token: Option<String>| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("csrf", t);
        }
        form = form.part(
            "snapshot",
            reqwest::multipart::Part::bytes(bytes).file_name("snap.json"),
        );
        app.http
            .post(format!("{}/import", app.base))
            .header("cookie", format!("rampart_csrf={csrf}"))
            .multipart(form)
            .send()
    };
    assert_eq!(
        app.get("/api/accounts/999988887777/scans").await.status(),
        StatusCode::NOT_FOUND
    );
    let mut inv =
        rampart_engine::testing::InventoryBuilder::for_account("999988887777", &["us-east-1"])
            .build();
    inv.collected_at = chrono::Utc::now();
    let bytes = inv.to_json().unwrap();
    // Without the CSRF field: refused.
    let r = upload(bytes.clone(), None).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Malformed and foreign files: refused with a clear message, nothing written.
    for (bad, why) in [
        (b"{not json".to_vec(), "not a Rampart inventory snapshot"),
        (br#"{"format_version": 99}"#.to_vec(), "format version"),
        (br#"{"hello": "world"}"#.to_vec(), "format version"),
    ] {
        let r = upload(bad, Some(csrf.clone())).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(why));
    }
    assert_eq!(
        app.get("/api/accounts/999988887777").await.status(),
        StatusCode::NOT_FOUND
    );
    let r = upload(bytes, Some(csrf.clone())).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Imported"));
    let account = app.json("/api/accounts/999988887777").await;
    assert_eq!(account["latest"]["source"], "import");
    assert!(account["latest"]["passed"].as_i64().unwrap() > 0);
}

async fn posts_need_the_csrf_token_and_the_same_origin(db: Db) {
    let app = app(db, 0).await;
    let csrf = app.csrf().await;
    let post = |body: String, cookie: Option<String>, origin: Option<&str>| {
        let mut r = app
            .http
            .post(format!("{}/accounts/{PROD}/scan", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            r = r.header("cookie", format!("rampart_csrf={c}"));
        }
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        r.send()
    };
    assert_eq!(
        post(format!("csrf={csrf}"), None, None)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post("csrf=0000".into(), Some(csrf.clone()), None)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            format!("csrf={csrf}"),
            Some(csrf.clone()),
            Some("https://evil.example")
        )
        .await
        .unwrap()
        .status(),
        StatusCode::FORBIDDEN
    );
    // With the token: accepted, but a demo account can't be scanned from here.
    let r = post(format!("csrf={csrf}"), Some(csrf.clone()), None)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

async fn a_failed_write_leaves_the_previous_scan_intact(db: Db) {
    let app = app(db, 0).await;
    let before = app.json(&format!("/api/accounts/{PROD}")).await;
    // A scan whose account row is missing fails on its first finding's foreign key, after
    // the scan row was written: the transaction must roll all of it back.
    let inv =
        rampart_engine::testing::InventoryBuilder::for_account("121212121212", &["us-east-1"])
            .build();
    let err = rampart::ingest::ingest(&app.store, &inv, "scan", None, chrono::Utc::now()).await;
    assert!(err.is_err());
    assert_eq!(
        app.get("/api/accounts/121212121212/scans").await.status(),
        StatusCode::NOT_FOUND
    );
    let after = app.json(&format!("/api/accounts/{PROD}")).await;
    assert_eq!(before, after);
    let orphan: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM scans WHERE account_id = '121212121212'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(orphan, 0);
}

async fn findings_are_tracked_across_scans_first_seen_and_resolved(db: Db) {
    let (store, _dir) = open_store(db).await;
    store
        .ensure_account("777788889999", "import")
        .await
        .unwrap();
    let t0 = chrono::Utc::now() - chrono::Duration::days(7);
    let mut builder =
        rampart_engine::testing::InventoryBuilder::for_account("777788889999", &["us-east-1"]);
    builder.iam().password_policy = Ok(None);
    let mut bad = builder.build();
    bad.collected_at = t0;
    let (s1, _) = rampart::ingest::ingest(&store, &bad, "import", None, t0)
        .await
        .unwrap();
    let mut good =
        rampart_engine::testing::InventoryBuilder::for_account("777788889999", &["us-east-1"])
            .build();
    good.collected_at = t0 + chrono::Duration::days(7);
    let (s2, _) = rampart::ingest::ingest(&store, &good, "import", None, good.collected_at)
        .await
        .unwrap();
    let (new, resolved, still) = store.diff(s1, s2, &Scope::All).await.unwrap();
    assert!(new.is_empty());
    assert!(
        !resolved.is_empty(),
        "the password policy findings are resolved"
    );
    assert!(
        still
            .iter()
            .all(|r| !resolved.iter().any(|x| x.key_id == r.key_id))
    );
    let detail = store
        .finding_detail(resolved[0].key_id, &Scope::All)
        .await
        .unwrap();
    assert!(detail.resolved_at.is_some());
    assert_eq!(detail.history.len(), 2);
    assert_eq!(detail.history[0].status, "PASS");
    assert_eq!(detail.history[1].status, "FAIL");
    assert!(detail.first_failed_at.is_some());
    // Importing an older snapshot afterwards does not un-resolve it.
    let mut older = bad.clone();
    older.collected_at = t0 - chrono::Duration::days(7);
    rampart::ingest::ingest(&store, &older, "import", None, older.collected_at)
        .await
        .unwrap();
    let detail = store
        .finding_detail(resolved[0].key_id, &Scope::All)
        .await
        .unwrap();
    assert!(detail.resolved_at.is_some());
    assert_eq!(detail.first_seen_at, rampart::store::ts(older.collected_at));
}

async fn interrupted_scans_are_marked_failed_at_start(db: Db) {
    let (store, _dir) = open_store(db).await;
    store
        .ensure_account("777788889999", "config")
        .await
        .unwrap();
    let id = store
        .begin_scan("777788889999", "scan", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(store.running_scan("777788889999").await.unwrap(), Some(id));
    assert_eq!(store.fail_interrupted_scans().await.unwrap(), 1);
    let scan = store.scan(id, &Scope::All).await.unwrap();
    assert_eq!(scan.scan.status, "failed");
    assert!(scan.scan.message.contains("interrupted"));
}

/// Counts of `column` over the rows that match every selection in `filters` but `column`'s
/// own (the account selection always applies).
fn oracle_facet(all: &[Value], filters: &[(&str, &str)], column: &str) -> Vec<(String, i64)> {
    let mut counts = std::collections::BTreeMap::<String, i64>::new();
    for r in all {
        let keep = filters
            .iter()
            .all(|(k, v)| (*k == column && *k != "account_id") || r[*k] == *v);
        if keep {
            let v = r[column].as_str().unwrap();
            *counts
                .entry(if column == "region" && v.is_empty() {
                    "global".into()
                } else {
                    v.into()
                })
                .or_default() += 1;
        }
    }
    let mut out: Vec<(String, i64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

async fn facets_within_an_account_count_every_selection_but_their_own(db: Db) {
    let app = app(db, 1).await;
    let all = app
        .json(&format!(
            "/api/findings?account={SANDBOX}&status=any&per_page=500"
        ))
        .await;
    let all = rows(&all).clone();
    assert!(all.len() > 20, "the sandbox has enough findings to facet");
    for (query, filters) in [
        (
            "status=FAIL&severity=high",
            vec![
                ("account_id", SANDBOX),
                ("status", "FAIL"),
                ("severity", "high"),
            ],
        ),
        (
            "status=any&service=s3",
            vec![("account_id", SANDBOX), ("service", "s3")],
        ),
        (
            "status=PASS&service=iam&severity=medium",
            vec![
                ("account_id", SANDBOX),
                ("status", "PASS"),
                ("service", "iam"),
                ("severity", "medium"),
            ],
        ),
    ] {
        let got = app
            .json(&format!("/api/findings?account={SANDBOX}&{query}"))
            .await;
        let expected_total = all
            .iter()
            .filter(|r| filters.iter().all(|(k, v)| r[*k] == *v))
            .count() as i64;
        assert_eq!(got["total"].as_i64().unwrap(), expected_total, "{query}");
        for (facet, column) in [
            ("severity", "severity"),
            ("status", "status"),
            ("service", "service"),
            ("account", "account_id"),
            ("region", "region"),
            ("check", "check_id"),
        ] {
            let shown: Vec<(String, i64)> = got["facets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == facet)
                .unwrap()["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    (
                        v["value"].as_str().unwrap().to_owned(),
                        v["count"].as_i64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                shown,
                oracle_facet(&all, &filters, column),
                "{query}: {facet}"
            );
        }
    }
}

async fn overview_shows_new_scans_at_once_even_when_written_by_another_server(db: Db) {
    let app = app(db, 0).await;
    let account = |v: &Value, id: &str| {
        v["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"]["id"] == id)
            .cloned()
    };
    let before = app.json("/api/overview").await;
    assert!(account(&before, "121212121212").is_none());
    // Another replica: its own store (own pool, own cache) on the same database.
    let other = Store::open(&app.url).await.unwrap();
    other
        .ensure_account("121212121212", "import")
        .await
        .unwrap();
    let inv =
        rampart_engine::testing::InventoryBuilder::for_account("121212121212", &["us-east-1"])
            .build();
    rampart::ingest::ingest(&other, &inv, "import", None, chrono::Utc::now())
        .await
        .unwrap();
    let after = app.json("/api/overview").await;
    let row = account(&after, "121212121212").unwrap();
    assert!(row["score"].as_f64().is_some());
    assert_eq!(
        after["total_accounts"].as_i64().unwrap(),
        before["total_accounts"].as_i64().unwrap() + 1
    );
    // A running scan shows at once too.
    let scan = other
        .begin_scan("121212121212", "scan", chrono::Utc::now())
        .await
        .unwrap();
    let running = app.json("/api/overview").await;
    assert_eq!(
        account(&running, "121212121212").unwrap()["running"]["id"].as_i64(),
        Some(scan)
    );
}

async fn principal_pages_show_effective_permissions_and_escalation_paths(db: Db) {
    let app = app(db, 0).await;
    let list = app
        .json(&format!("/api/accounts/{SANDBOX}/principals"))
        .await;
    let principals = list["principals"].as_array().unwrap();
    let find = |name: &str| {
        principals
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no principal {name}: {list}"))
    };
    // The break-glass inline policy makes the contractor an administrator; the CI user can
    // pass the Lambda admin role to a function it creates; the vendor role lacks an
    // external id.
    assert_eq!(find("contractor-jordan")["admin"], true);
    assert_eq!(find("ci-deployer")["admin"], false);
    assert!(find("ci-deployer")["escalation_paths"].as_u64().unwrap() >= 1);
    assert_eq!(find("alice")["escalation_paths"], 0);
    assert!(
        find("vendor-audit")["exposure"]
            .as_str()
            .unwrap()
            .contains("external id")
    );
    let ci = find("ci-deployer")["arn"].as_str().unwrap().to_owned();
    let detail_path = format!(
        "/accounts/{SANDBOX}/principal?arn={}",
        ci.replace(':', "%3A").replace('/', "%2F")
    );
    let detail = app.json(&format!("/api{detail_path}")).await;
    let steps = &detail["paths"][0]["steps"];
    assert!(
        steps[0]["technique"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("lambda"),
        "{detail}"
    );
    assert!(
        steps[0]["granted_by"]
            .to_string()
            .contains("inline:user/ci-deployer/deploy-functions"),
        "{detail}"
    );
    let lambda = detail["by_service"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "lambda")
        .unwrap();
    assert!(lambda["write"].as_u64().unwrap() >= 2, "{lambda}");
    // The HTML page draws the path as SVG and links back to the list.
    let html = app.html(&detail_path).await;
    assert!(
        html.contains("aria-label=\"privilege-escalation graph\""),
        "no graph"
    );
    assert!(html.contains("<line "), "no edge drawn");
    assert!(html.contains("lambda-ops-admin"));
    assert!(html.contains(&format!("/accounts/{SANDBOX}/principals")));
    let list_html = app.html(&format!("/accounts/{SANDBOX}/principals")).await;
    assert!(list_html.contains("admin-equivalent"));
    // Unknown principals and accounts without scans are 404s, not errors.
    assert_eq!(
        app.get(&format!(
            "/accounts/{SANDBOX}/principal?arn=arn%3Aaws%3Aiam%3A%3A1%3Auser%2Fnobody"
        ))
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/accounts/121212121212/principals").await.status(),
        StatusCode::NOT_FOUND
    );
}

on_both_databases!(
    every_page_renders_without_script_under_a_strict_policy,
    overview_shows_each_account_with_score_trend_and_coverage,
    account_page_compares_cloudtrail_cloudwatch_and_config_per_region,
    findings_explorer_filters_sorts_pages_and_counts_facets,
    finding_detail_has_evidence_remediation_mappings_and_history,
    scan_history_lists_scans_and_diff_matches_the_two_scans,
    compliance_shows_each_control_per_account_consistently_with_findings,
    exports_stream_every_finding_of_the_filter_in_csv_and_json,
    exports_stream_ocsf_and_asff_findings_that_match_their_schemas,
    compliance_reports_download_as_pdf_and_html_for_the_filter,
    imports_become_scans_and_bad_files_change_nothing,
    posts_need_the_csrf_token_and_the_same_origin,
    a_failed_write_leaves_the_previous_scan_intact,
    findings_are_tracked_across_scans_first_seen_and_resolved,
    interrupted_scans_are_marked_failed_at_start,
    facets_within_an_account_count_every_selection_but_their_own,
    overview_shows_new_scans_at_once_even_when_written_by_another_server,
    principal_pages_show_effective_permissions_and_escalation_paths,
);
