//! The compliance page per framework, on SQLite and PostgreSQL: each control's status per
//! visible account comes from the framework files and the accounts' latest findings
//! (manual controls stay manual, a failing check fails its control, an account with nothing
//! to judge is not applicable), and a team sees only its accounts' columns.

use crate::dashboard::{Db, open_store_at};
use rampart::config::ScanDefaults;
use rampart::ingest::ingest;
use rampart::store::{AccountRecord, FindingFilter, Scope, Store};
use rampart::web::{AppState, serve};
use rampart_app::model::{ComplianceData, ControlRow, FindingQuery};
use rampart_engine::checks::Framework;
use rampart_engine::testing::InventoryBuilder;
use reqwest::StatusCode;

/// Root access keys, team `web`.
const WEB: &str = "111111111111";
/// Compliant, team `data`.
const DATA: &str = "222222222222";
/// Never scanned, team `web`.
const IDLE: &str = "333333333333";

async fn three_accounts(db: Db) -> (Store, tempfile::TempDir) {
    let (store, dir, _) = open_store_at(db).await;
    for (id, team) in [(WEB, "web"), (DATA, "data"), (IDLE, "web")] {
        store
            .upsert_account(&AccountRecord {
                id: id.into(),
                name: format!("acct-{id}"),
                owner_team: team.into(),
                source: "config".into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let mut web = InventoryBuilder::for_account(WEB, &["eu-west-1"]);
    web.report_row("<root_account>").access_key_1_active = true;
    let data = InventoryBuilder::for_account(DATA, &["eu-west-1"]);
    for inv in [web.build(), data.build()] {
        ingest(&store, &inv, "import", None, chrono::Utc::now())
            .await
            .unwrap();
    }
    (store, dir)
}

fn control<'a>(data: &'a ComplianceData, id: &str) -> &'a ControlRow {
    data.controls.iter().find(|c| c.control == id).unwrap()
}

fn column(data: &ComplianceData, account: &str) -> usize {
    data.accounts.iter().position(|a| a.0 == account).unwrap()
}

async fn compliance_shows_each_controls_status_per_visible_account(db: Db) {
    let (store, _dir) = three_accounts(db).await;
    let cis = store
        .compliance(Framework::CisAws3, &Scope::All)
        .await
        .unwrap();
    assert_eq!(
        cis.controls.len(),
        62,
        "every recommendation, manual ones too"
    );
    let (web, data, idle) = (column(&cis, WEB), column(&cis, DATA), column(&cis, IDLE));

    // A manual control is manual everywhere, with what to check by hand.
    let contact = control(&cis, "1.1");
    assert_eq!(contact.kind, "manual");
    assert!(contact.note.as_deref().is_some_and(|n| !n.is_empty()));
    assert!(contact.checks.is_empty());
    assert!(contact.cells.iter().all(|c| c.status == "manual"));
    assert_eq!(contact.overall, "manual");

    // The failing check fails its control in that account only.
    let root_keys = control(&cis, "1.4");
    assert_eq!(root_keys.cells[web].status, "fail");
    assert!(root_keys.cells[web].failed >= 1);
    assert_eq!(root_keys.cells[data].status, "pass");
    assert_eq!(root_keys.cells[idle].status, "unscanned");
    assert_eq!(root_keys.overall, "fail");
    assert!(cis.summary.iter().any(|(s, n)| s == "fail" && *n >= 1));
    assert!(cis.summary.iter().any(|(s, n)| s == "manual" && *n >= 1));

    // Its drill-down is the control's findings in that account, mapped by the file.
    let q = FindingQuery {
        account: Some(WEB.into()),
        control: Some("cis-aws-3.0:1.4".into()),
        status: Some("FAIL".into()),
        ..Default::default()
    };
    let (rows, total, _) = store
        .findings(&FindingFilter::from_query(&q, None).unwrap(), &Scope::All)
        .await
        .unwrap();
    assert_eq!(total, root_keys.cells[web].failed);
    assert!(
        rows.iter()
            .all(|r| r.check_id == "iam_root_access_keys_absent")
    );
    assert!(rows[0].controls.contains(&"cis-aws-5.0:1.3".to_owned()));
    let manual = FindingQuery {
        control: Some("cis-aws-3.0:1.1".into()),
        status: Some("any".into()),
        ..Default::default()
    };
    let (_, total, _) = store
        .findings(
            &FindingFilter::from_query(&manual, None).unwrap(),
            &Scope::All,
        )
        .await
        .unwrap();
    assert_eq!(total, 0, "no check answers a manual control");
    let unknown = FindingQuery {
        control: Some("cis-aws-3.0:9.9".into()),
        ..Default::default()
    };
    assert!(FindingFilter::from_query(&unknown, None).is_err());

    // No API Gateway data: its controls have nothing to judge, which is not a pass.
    let fsbp = store
        .compliance(Framework::AwsFsbp, &Scope::All)
        .await
        .unwrap();
    let logging = control(&fsbp, "APIGateway.1");
    assert_eq!(logging.cells[column(&fsbp, DATA)].status, "not_applicable");
    assert_eq!(
        control(&fsbp, "S3.10").cells[column(&fsbp, DATA)].status,
        "not_covered"
    );

    // A team sees its accounts' columns only.
    let team = Scope::Teams(["web".to_owned()].into());
    let mine = store.compliance(Framework::CisAws5, &team).await.unwrap();
    let ids: Vec<&str> = mine.accounts.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(ids, [WEB, IDLE]);
    assert_eq!(control(&mine, "1.3").cells[0].status, "fail");
}

async fn every_framework_has_a_compliance_page_and_json_twin(db: Db) {
    let (store, _dir) = three_accounts(db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(serve(
        listener,
        AppState::new(store, true, ScanDefaults::default()),
    ));
    let http = reqwest::Client::new();
    for f in Framework::ALL {
        let page = http
            .get(format!("{base}/compliance?framework={}", f.key()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{}", f.key());
        let html = page.text().await.unwrap();
        assert!(html.contains(f.title()) && html.contains("acct-111111111111"));
        let json: serde_json::Value = http
            .get(format!("{base}/api/compliance?framework={}", f.key()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["framework"], f.key());
        assert!(!json["controls"].as_array().unwrap().is_empty());
    }
    let html = http
        .get(format!("{base}/compliance?framework=cis-aws-5.0"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("verdict-manual") && html.contains("verdict-fail"));
    let drill_down = format!("control={}", rampart_app::util::enc("cis-aws-5.0:1.3"));
    assert!(
        html.contains(&drill_down),
        "a link to the control's findings"
    );
}

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

on_both_databases!(
    compliance_shows_each_controls_status_per_visible_account,
    every_framework_has_a_compliance_page_and_json_twin,
);
