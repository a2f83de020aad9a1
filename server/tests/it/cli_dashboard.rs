//! `rampart serve`, `demo` and `import` from the command line.

use rampart::store::Store;
use std::process::Command;

fn rampart(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_remove("RAMPART_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env_remove("RAMPART_ACCOUNTS")
        .env_remove("RAMPART_COGNITO_REGION")
        .env_remove("RAMPART_COGNITO_USER_POOL_ID")
        .env_remove("RAMPART_COGNITO_CLIENT_ID")
        .output()
        .unwrap()
}

#[tokio::test]
async fn import_adds_a_scan_of_the_snapshot_account_and_refuses_malformed_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let snapshot = dir.path().join("inventory.json");
    let inv =
        rampart_engine::testing::InventoryBuilder::for_account("246813579024", &["eu-west-1"])
            .build();
    std::fs::write(&snapshot, inv.to_json().unwrap()).unwrap();
    let out = rampart(&["import", snapshot.to_str().unwrap(), "--database-url", db]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("account 246813579024"), "{stdout}");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, br#"{"format_version": 1, "account_id": "nope"}"#).unwrap();
    let out = rampart(&["import", bad.to_str().unwrap(), "--database-url", db]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not a Rampart inventory snapshot"),
        "{stderr}"
    );

    let store = Store::open(db).await.unwrap();
    let scans = store
        .scans("246813579024", &rampart::store::Scope::All)
        .await
        .unwrap();
    assert_eq!(scans.len(), 1, "the bad file added nothing");
    assert_eq!(scans[0].source, "import");
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

#[test]
fn serve_help_documents_the_configuration() {
    let out = rampart(&["serve", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--config",
        "--listen",
        "--database-url",
        "RAMPART_DATABASE_URL",
        "RAMPART_ACCOUNTS",
        "[[accounts]]",
        "postgres://",
        "--insecure-no-auth",
        "RAMPART_COGNITO_USER_POOL_ID",
        "RAMPART_COGNITO_JWKS_URL",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}

#[test]
fn demo_refuses_to_listen_beyond_loopback() {
    let out = rampart(&["demo", "--listen", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn serve_refuses_an_invalid_configuration_file_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("rampart.toml");
    std::fs::write(&cfg, "[[accounts]]\nid = \"12\"\nname = \"x\"\n").unwrap();
    let out = rampart(&["serve", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("account `x`"), "{stderr}");
}

#[test]
fn serve_refuses_to_start_without_authentication() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let out = rampart(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no authentication configured") && stderr.contains("--insecure-no-auth"),
        "{stderr}"
    );
    assert!(!db.exists(), "refused before opening the database");
}

#[test]
fn serve_insecure_no_auth_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let out = rampart(&[
        "serve",
        "--insecure-no-auth",
        "--listen",
        "0.0.0.0:0",
        "--database-url",
        db.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("loopback only"), "{stderr}");
}

#[test]
fn serve_refuses_an_incomplete_cognito_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("rampart.toml");
    std::fs::write(&cfg, "[cognito]\nuser_pool_id = \"eu-west-1_AbC\"\n").unwrap();
    let out = rampart(&["serve", "--config", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cognito: region, client_id must be set"),
        "{stderr}"
    );
}
