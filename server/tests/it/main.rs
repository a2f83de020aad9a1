//! `rampart` command-line tests: the real binary against a real moto server, reached the way
//! users reach AWS (`AWS_ENDPOINT_URL`, environment credentials, `--role-arn`/`--external-id`).
#![expect(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

/// Runs each named `async fn(Db)` as two tests, on SQLite and on PostgreSQL.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Db::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(super::Db::Postgres).await })*
        }
    };
}

mod access;
mod auth;
mod cli_dashboard;
mod cli_policy;
mod cli_report;
mod compliance;
mod dashboard;
mod mutes;
mod oauth;
mod signin;

use rampart_engine::testing::moto::{MotoAccount, MotoServer};
use std::process::{Command, Output};

fn rampart(args: &[&str]) -> Output {
    let moto = MotoServer::shared();
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "2")
        .env("AWS_CONFIG_FILE", "/nonexistent/rampart-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rampart-test-credentials",
        )
        .output()
        .unwrap()
}

fn scan_args<'a>(acct: &'a MotoAccount, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "scan",
        "--quiet",
        "--role-arn",
        acct.role_arn.as_str(),
        "--external-id",
        "rampart-test",
        "--regions",
        "us-east-1",
        "--services",
        "kms,config",
    ];
    args.extend_from_slice(extra);
    args
}

async fn account_with_unrotated_key() -> (MotoAccount, String) {
    let acct = MotoServer::shared().new_account().await;
    let kms = aws_sdk_kms::Client::new(&acct.sdk);
    let key = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    (acct, key)
}

fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test]
async fn json_report_follows_the_documented_schema_for_the_assumed_account() {
    let (acct, key) = account_with_unrotated_key().await;
    let out = rampart(&scan_args(&acct, &["--format", "json"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["account_id"], acct.account_id.as_str());
    assert!(report["scanned_at"].as_str().unwrap().contains('T'));
    assert!(report["score"].is_number());
    assert!(report["errors"].is_array());
    let findings = report["findings"].as_array().unwrap();
    let rotation = findings
        .iter()
        .find(|f| {
            f["check_id"] == "kms_symmetric_key_rotation"
                && f["resource_arn"].as_str().unwrap().ends_with(&key)
        })
        .unwrap();
    for field in [
        "title",
        "status",
        "severity",
        "account_id",
        "region",
        "resource_arn",
        "resource_type",
        "message",
        "evidence",
        "compliance",
    ] {
        assert!(
            rotation.get(field).is_some(),
            "finding lacks `{field}`: {rotation}"
        );
    }
    assert_eq!(rotation["status"], "FAIL");
    assert_eq!(rotation["severity"], "medium");
    assert_eq!(rotation["region"], "us-east-1");
    assert_eq!(rotation["compliance"]["cis-aws-3.0"][0], "3.6");
    // KMS.4 is a Security Hub control of the CIS standard, not of FSBP.
    assert!(
        rotation["compliance"].get("aws-fsbp").is_none(),
        "{rotation}"
    );
}

#[tokio::test]
async fn fail_on_sets_the_exit_code_by_severity() {
    let (acct, _) = account_with_unrotated_key().await;
    let out = rampart(&scan_args(
        &acct,
        &["--format", "json", "--fail-on", "medium"],
    ));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a medium failure at --fail-on medium"
    );
    let out = rampart(&scan_args(
        &acct,
        &["--format", "json", "--fail-on", "critical"],
    ));
    assert_eq!(out.status.code(), Some(0), "no critical failure");
}

#[tokio::test]
async fn snapshot_evaluates_offline_to_the_same_findings() {
    let (acct, _) = account_with_unrotated_key().await;
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("inv.json");
    let report = dir.path().join("scan.json");
    let out = rampart(&scan_args(
        &acct,
        &[
            "--format",
            "json",
            "--snapshot",
            snap.to_str().unwrap(),
            "--output",
            report.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let online: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let out = rampart(&[
        "evaluate",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let offline = stdout_json(&out);
    assert_eq!(online["findings"], offline["findings"]);
    assert_eq!(online["account_id"], offline["account_id"]);
}

#[tokio::test]
async fn corrupt_snapshot_exits_3_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("bad.json");
    std::fs::write(&snap, b"{\"format_version\": 1, \"account_id\": \"12\"").unwrap();
    let out = rampart(&["evaluate", "--snapshot", snap.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json") && err.contains("not valid JSON"),
        "{err}"
    );
    let missing = rampart(&["evaluate", "--snapshot", "/nonexistent/snap.json"]);
    assert_eq!(missing.status.code(), Some(3));
}

#[tokio::test]
async fn csv_export_has_a_header_and_one_row_per_finding() {
    let (acct, key) = account_with_unrotated_key().await;
    let out = rampart(&scan_args(&acct, &["--format", "csv"]));
    assert_eq!(out.status.code(), Some(0));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["account_id", "check_id", "title"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        rows.iter().any(|r| r[1] == *"kms_symmetric_key_rotation"
            && r[8].ends_with(&key)
            && r[4] == *"FAIL")
    );
    assert!(rows.iter().all(|r| r.len() == header.len()));
}

#[tokio::test]
async fn table_output_ends_with_a_summary_on_stderr() {
    let (acct, _) = account_with_unrotated_key().await;
    let out = rampart(&scan_args(&acct, &[]));
    assert_eq!(out.status.code(), Some(0));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("kms_symmetric_key_rotation"), "{table}");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains(&format!("Account {}", acct.account_id))
            && summary.contains("Failed by severity"),
        "{summary}"
    );
}

#[test]
fn checks_lists_only_the_framework_asked_for() {
    let out = rampart(&["checks", "--framework", "cis-aws-3.0", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let checks = stdout_json(&out);
    let checks = checks.as_array().unwrap();
    assert!(checks.len() > 30, "{}", checks.len());
    assert!(
        checks
            .iter()
            .all(|c| c["compliance"]["cis-aws-3.0"].is_array())
    );
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(
        rampart(&["scan", "--regions", "not a region"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        rampart(&["scan", "--fail-on", "severe"]).status.code(),
        Some(2)
    );
    assert_eq!(
        rampart(&["checks", "--framework", "iso-27001"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn unreachable_aws_exits_3() {
    let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["scan", "--quiet", "--regions", "us-east-1"])
        .env_clear()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_CONFIG_FILE", "/nonexistent/c")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GetCallerIdentity"));
}

#[test]
fn demo_in_the_terminal_shows_the_six_accounts_of_the_organisation_with_scores() {
    let out = rampart(&["demo", "--terminal"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "acme-management",
        "acme-security",
        "acme-production",
        "acme-staging",
        "acme-development",
        "acme-sandbox",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    assert!(text.contains("Organisation score"), "{text}");
}

#[test]
fn evaluate_prints_ocsf_and_asff_arrays_of_every_finding() {
    let now = chrono::Utc::now();
    let inventory = rampart_engine::demo::organisation()[2].inventory(now, 0);
    let expected = rampart_engine::checks::evaluate(&inventory, now).len();
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("inv.json");
    std::fs::write(&snap, inventory.to_json().unwrap()).unwrap();
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args([
                "evaluate",
                "--snapshot",
                snap.to_str().unwrap(),
                "--format",
                format,
            ])
            .env_clear()
            .env("HOME", std::env::temp_dir())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let docs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(docs.len(), expected);
        docs
    };
    let ocsf = run("ocsf");
    assert!(ocsf.iter().all(|d| d["class_uid"] == 2004
        && d["time"] == inventory.collected_at.timestamp_millis()
        && d["cloud"]["account"]["uid"] == inventory.account_id.as_str()));
    assert!(ocsf.iter().any(|d| d["status_code"] == "FAIL"));
    let asff = run("asff");
    assert!(asff.iter().all(|d| d["SchemaVersion"] == "2018-10-08"
        && d["AwsAccountId"] == inventory.account_id.as_str()));
    assert!(asff.iter().any(|d| d["Compliance"]["Status"] == "FAILED"));
    assert!(asff.iter().any(|d| d["Compliance"]["Status"] == "PASSED"));
}
