//! `rampart report`: from a snapshot without a server, and from the database; exit codes 2
//! (bad arguments) and 3 (unreadable input); the output file replaced whole or not at all.

use rampart_engine::demo;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SANDBOX: &str = "666677778888";

fn rampart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

/// The demo sandbox account's inventory as a snapshot file in `dir`.
fn sandbox_snapshot(dir: &Path) -> PathBuf {
    let account = demo::organisation()
        .into_iter()
        .find(|a| a.id == SANDBOX)
        .unwrap();
    let inventory = account.inventory(rampart_engine::testing::now(), 0);
    let path = dir.join("sandbox.json");
    std::fs::write(&path, inventory.to_json().unwrap()).unwrap();
    path
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_from_a_snapshot_writes_pdf_and_html_without_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let snap = sandbox_snapshot(dir.path());
    let pdf = dir.path().join("sandbox.pdf");
    let out = rampart(&[
        "report",
        "--snapshot",
        snap.to_str().unwrap(),
        "--framework",
        "aws-fsbp",
        "--format",
        "pdf",
        "--output",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    assert!(text.contains("AWS Foundational Security Best Practices"));
    assert!(text.contains(SANDBOX));
    assert!(text.contains("IAM.6"));

    let html = dir.path().join("sandbox.html");
    let out = rampart(&[
        "report",
        "--snapshot",
        snap.to_str().unwrap(),
        "--framework",
        "fsbp",
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<code>IAM.6</code>") && page.contains(SANDBOX));
    assert!(!page.contains("<script"));
}

#[test]
fn report_exits_2_on_bad_arguments_and_3_on_unreadable_input_leaving_the_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let snap = sandbox_snapshot(dir.path());
    let output = dir.path().join("report.pdf");
    std::fs::write(&output, b"previous report").unwrap();
    let out_arg = output.to_str().unwrap();
    let snap_arg = snap.to_str().unwrap();
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, b"{\"account_id\": 12").unwrap();

    let bad_framework = rampart(&[
        "report",
        "--snapshot",
        snap_arg,
        "--framework",
        "iso-27001",
        "--format",
        "pdf",
        "--output",
        out_arg,
    ]);
    assert_eq!(bad_framework.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_framework.stderr).contains("iso-27001"));
    let no_format = rampart(&["report", "--snapshot", snap_arg, "--output", out_arg]);
    assert_eq!(no_format.status.code(), Some(2));
    let other_account = rampart(&[
        "report",
        "--snapshot",
        snap_arg,
        "--account",
        "111122223333",
        "--format",
        "pdf",
        "--output",
        out_arg,
    ]);
    assert_eq!(other_account.status.code(), Some(2));
    let missing = rampart(&[
        "report",
        "--snapshot",
        "/nonexistent/snap.json",
        "--format",
        "pdf",
        "--output",
        out_arg,
    ]);
    assert_eq!(missing.status.code(), Some(3));
    let broken = rampart(&[
        "report",
        "--snapshot",
        corrupt.to_str().unwrap(),
        "--format",
        "html",
        "--output",
        out_arg,
    ]);
    assert_eq!(broken.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("corrupt.json"));

    assert_eq!(std::fs::read(&output).unwrap(), b"previous report");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 3, "no temporary file left behind");
}

#[test]
fn report_from_the_database_covers_the_chosen_account_and_rejects_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let snap = sandbox_snapshot(dir.path());
    let db = dir.path().join("rampart.db");
    let db_arg = db.to_str().unwrap();
    let import = rampart(&["import", snap.to_str().unwrap(), "--database-url", db_arg]);
    assert_eq!(
        import.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let json = dir.path().join("report.json");
    let out = rampart(&[
        "report",
        "--database-url",
        db_arg,
        "--account",
        SANDBOX,
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["framework"]["key"], "cis-aws-3.0");
    assert_eq!(report["scope"]["kind"], "account");
    assert_eq!(report["accounts"][0]["id"], SANDBOX);
    let failing = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .count();
    assert_eq!(report["summary"]["controls"]["fail"], failing);
    assert!(failing > 0);

    // A check accepted through a mutes file: its failures move to the muted findings,
    // with the justification.
    let failed = report["accounts"][0]["failed"].as_array().unwrap();
    let check = failed[0]["check_id"].as_str().unwrap().to_owned();
    let of_check = failed
        .iter()
        .filter(|f| f["check_id"] == check.as_str())
        .count();
    let expires = (chrono::Utc::now() + chrono::Duration::days(60)).format("%Y-%m-%d");
    let mutes = dir.path().join("mutes.toml");
    std::fs::write(
        &mutes,
        format!(
            "[[mute]]\naccount = \"{SANDBOX}\"\ncheck = \"{check}\"\nreason = \"compensating control: SCP\"\nowner = \"sec-team\"\nexpires = {expires}\n"
        ),
    )
    .unwrap();
    let applied = rampart(&[
        "mutes",
        "apply",
        mutes.to_str().unwrap(),
        "--database-url",
        db_arg,
    ]);
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let out = rampart(&[
        "report",
        "--database-url",
        db_arg,
        "--account",
        SANDBOX,
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let muted_report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let account = &muted_report["accounts"][0];
    let muted = account["muted"].as_array().unwrap();
    assert_eq!(muted.len(), of_check, "{muted:?}");
    assert!(muted.iter().all(|m| m["check_id"] == check.as_str()
        && m["reason"] == "compensating control: SCP"
        && m["owner"] == "sec-team"));
    assert!(
        account["failed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["check_id"] != check.as_str())
    );

    let csv = dir.path().join("findings.csv");
    let out = rampart(&[
        "report",
        "--database-url",
        db_arg,
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.starts_with("account_id,account_name,check_id,"));
    assert!(rows.lines().skip(1).all(|l| l.starts_with(SANDBOX)));

    // The streamed CSV of the framework's checks and the report count the same failures.
    let out = rampart(&[
        "report",
        "--database-url",
        db_arg,
        "--framework",
        "cis-aws-3.0",
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let statuses: Vec<String> = reader.records().map(|r| r.unwrap()[6].to_owned()).collect();
    let count = |s: &str| statuses.iter().filter(|x| *x == s).count();
    assert_eq!(account["failed_findings"], count("FAIL"));
    assert_eq!(account["muted_findings"], count("MUTED"));
    assert!(count("MUTED") > 0 && count("PASS") > 0);

    let unknown = rampart(&[
        "report",
        "--database-url",
        db_arg,
        "--account",
        "000000000000",
        "--format",
        "pdf",
        "--output",
        dir.path().join("x.pdf").to_str().unwrap(),
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("000000000000"));
}
