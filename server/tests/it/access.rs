//! Authorization and the audit log, on SQLite and PostgreSQL: team scopes in the store
//! (overview, findings, facets, compliance, exports, ids of other teams' data) and roles
//! at the HTTP layer (a router built with `router_with_access`, as an embedding would).

use crate::dashboard::{Db, open_store_at};
use rampart::access::{Access, Scope};
use rampart::config::ScanDefaults;
use rampart::ingest::load_demo;
use rampart::store::{AccountRecord, AuditAction, AuditFilter, FindingFilter, Store, StoreError};
use rampart::web::{AppState, router_with_access, serve_router};
use rampart_app::model::{FindingQuery, OverviewQuery};
use reqwest::StatusCode;
use std::collections::BTreeSet;

fn teams(t: &[&str]) -> Scope {
    Scope::Teams(t.iter().map(|s| (*s).to_owned()).collect())
}

pub fn access(user: &str, groups: &[&str]) -> Access {
    let groups: Vec<String> = groups.iter().map(|s| (*s).to_owned()).collect();
    Access::from_groups(user, &groups).unwrap()
}

pub async fn demo_store(db: Db) -> (Store, tempfile::TempDir) {
    let (store, dir, _) = open_store_at(db).await;
    load_demo(&store, chrono::Utc::now(), 1).await.unwrap();
    (store, dir)
}

/// The demo's accounts of `team`, and of every other team.
pub async fn ids_of(store: &Store, team: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let all = store.accounts().await.unwrap();
    let (mine, others): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| a.owner_team == team);
    let ids = |v: Vec<AccountRecord>| v.into_iter().map(|a| a.id).collect::<BTreeSet<_>>();
    (ids(mine), ids(others))
}

fn all_findings() -> FindingFilter {
    let q = FindingQuery {
        status: Some("any".into()),
        per_page: Some(500),
        ..Default::default()
    };
    FindingFilter::from_query(&q, None).unwrap()
}

async fn a_team_scope_sees_only_its_accounts_everywhere(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (payments, others) = ids_of(&store, "payments").await;
    assert_eq!(payments.len(), 2);
    assert_eq!(others.len(), 4);
    let scope = teams(&["payments"]);
    // Overview: rows and org-wide totals are the payments accounts' only.
    let all = store
        .overview(&OverviewQuery::default(), &Scope::All, |_| false)
        .await
        .unwrap();
    assert_eq!(all.total_accounts, 6, "an admin sees every account");
    let mine = store
        .overview(&OverviewQuery::default(), &scope, |_| false)
        .await
        .unwrap();
    let seen: BTreeSet<String> = mine.accounts.iter().map(|r| r.account.id.clone()).collect();
    assert_eq!(seen, payments);
    assert_eq!(mine.total_accounts, 2);
    let expected_failed: i64 = all
        .accounts
        .iter()
        .filter(|r| payments.contains(&r.account.id))
        .map(|r| r.failed.total())
        .sum();
    assert!(expected_failed > 0);
    assert_eq!(mine.failed.total(), expected_failed);
    assert!(mine.failed.total() < all.failed.total());
    // Findings: rows, total and facets.
    let (_, all_total, all_facets) = store.findings(&all_findings(), &Scope::All).await.unwrap();
    let (rows, total, facets) = store.findings(&all_findings(), &scope).await.unwrap();
    assert!(rows.iter().all(|r| payments.contains(&r.account_id)));
    let account_facet = |f: &[rampart_app::model::Facet]| -> Vec<(String, i64)> {
        f.iter()
            .find(|f| f.name == "account")
            .unwrap()
            .values
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect()
    };
    let expected_total: i64 = account_facet(&all_facets)
        .iter()
        .filter(|(id, _)| payments.contains(id))
        .map(|(_, n)| n)
        .sum();
    assert!(total > 0 && total < all_total);
    assert_eq!(total, expected_total);
    let facet_ids: BTreeSet<String> = account_facet(&facets).into_iter().map(|v| v.0).collect();
    assert_eq!(facet_ids, payments);
    let severity_sum: i64 = facets
        .iter()
        .find(|f| f.name == "severity")
        .unwrap()
        .values
        .iter()
        .map(|v| v.count)
        .sum();
    assert_eq!(severity_sum, total, "facets count only visible findings");
    // Asking for another team's account by filter gives nothing.
    let other = others.iter().next().unwrap().clone();
    let mut f = all_findings();
    f.account = Some(other.clone());
    let (rows, total, _) = store.findings(&f, &scope).await.unwrap();
    assert!(rows.is_empty());
    assert_eq!(total, 0);
    // Compliance and account names.
    let c = store
        .compliance(rampart_engine::checks::Framework::CisAws3, &scope)
        .await
        .unwrap();
    let cols: BTreeSet<String> = c.accounts.iter().map(|a| a.0.clone()).collect();
    assert_eq!(cols, payments);
    let names: BTreeSet<String> = store
        .account_names(&scope)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.0)
        .collect();
    assert_eq!(names, payments);
    // Exports.
    let (tx, mut rx) = tokio::sync::mpsc::channel(10_000);
    let n = store
        .export_findings(&all_findings(), &scope, tx)
        .await
        .unwrap();
    assert_eq!(i64::try_from(n).unwrap(), expected_total);
    while let Some(row) = rx.recv().await {
        assert!(payments.contains(&row.unwrap().row.account_id));
    }
    // A scope without teams sees nothing at all.
    let none = store
        .overview(&OverviewQuery::default(), &teams(&[]), |_| false)
        .await
        .unwrap();
    assert_eq!(none.total_accounts, 0);
    assert_eq!(none.failed.total(), 0);
}

async fn another_teams_ids_are_not_found(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (_, others) = ids_of(&store, "payments").await;
    let scope = teams(&["payments"]);
    let other = others.iter().next().unwrap().clone();
    let not_found = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound { .. }));
    assert!(not_found(
        store
            .account_page(&other, &scope, |_| false)
            .await
            .map(drop)
    ));
    assert!(not_found(
        store.visible_account(&other, &scope).await.map(drop)
    ));
    assert!(
        store
            .account_page(&other, &Scope::All, |_| false)
            .await
            .is_ok()
    );
    let scan = store.latest_scan_id(&other).await.unwrap().unwrap();
    assert!(not_found(store.scan(scan, &scope).await.map(drop)));
    assert!(store.scan(scan, &Scope::All).await.is_ok());
    assert!(store.scans(&other, &scope).await.unwrap().is_empty());
    assert!(!store.scans(&other, &Scope::All).await.unwrap().is_empty());
    assert!(store.scan_findings(scan, &scope).await.unwrap().is_empty());
    let mut f = all_findings();
    f.account = Some(other.clone());
    let (rows, _, _) = store.findings(&f, &Scope::All).await.unwrap();
    let key = rows[0].key_id;
    assert!(not_found(store.finding_detail(key, &scope).await.map(drop)));
    assert!(store.finding_detail(key, &Scope::All).await.is_ok());
    // Check detail lists only visible accounts.
    let check = &rows[0].check_id;
    let d = store.check_detail(check, &scope).await.unwrap();
    assert!(d.accounts.iter().all(|a| !others.contains(&a.0)));
    let d = store.check_detail(check, &Scope::All).await.unwrap();
    assert!(d.accounts.iter().any(|a| a.0 == other));
}

/// A server over the demo with every request made as `access`; one account of the
/// payments team is scannable (source `config`).
pub async fn serve_as(db: Db, access: Access) -> (String, Store, tempfile::TempDir) {
    let (store, dir) = demo_store(db).await;
    store
        .upsert_account(&AccountRecord {
            id: SCANNABLE.into(),
            name: "payments-config".into(),
            owner_team: "payments".into(),
            role_arn: Some(format!("arn:aws:iam::{SCANNABLE}:role/rampart")),
            regions: vec!["us-east-1".into()],
            source: "config".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), false, ScanDefaults::default());
    tokio::spawn(serve_router(listener, router_with_access(state, access)));
    (base, store, dir)
}

pub const SCANNABLE: &str = "135791357913";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn csrf(http: &reqwest::Client, base: &str) -> String {
    let r = http.get(format!("{base}/import")).send().await.unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("rampart_csrf="))
        .unwrap()
        .to_owned();
    cookie["rampart_csrf=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn post_scan(http: &reqwest::Client, base: &str, account: &str) -> StatusCode {
    let token = csrf(http, base).await;
    http.post(format!("{base}/accounts/{account}/scan"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("rampart_csrf={token}"))
        .body(format!("csrf={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn get(http: &reqwest::Client, url: String) -> StatusCode {
    http.get(url).send().await.unwrap().status()
}

async fn a_viewer_reads_its_teams_accounts_but_cannot_scan_export_or_audit(db: Db) {
    let viewer = access("vic", &["rampart-viewer", "team-payments"]);
    let (base, store, _dir) = serve_as(db, viewer).await;
    let http = client();
    let (payments, others) = ids_of(&store, "payments").await;
    let overview: serde_json::Value = http
        .get(format!("{base}/api/overview"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        overview["total_accounts"].as_i64(),
        Some(i64::try_from(payments.len()).unwrap())
    );
    // The newest and oldest scan of each account that has scans.
    let mut scanned = Vec::new();
    for account in payments.iter().chain(others.iter()) {
        let scans = store.scans(account, &Scope::All).await.unwrap();
        if let (Some(first), Some(last)) = (scans.first(), scans.last()) {
            scanned.push((account.clone(), first.id, last.id));
        }
    }
    let (mine, m1, m2) = scanned.iter().find(|s| payments.contains(&s.0)).unwrap();
    let (other, o1, o2) = scanned.iter().find(|s| others.contains(&s.0)).unwrap();
    // Its own account's diff opens, so the 404s below are about scope.
    assert_eq!(
        get(
            &http,
            format!("{base}/accounts/{mine}/diff?from={m2}&to={m1}")
        )
        .await,
        StatusCode::OK
    );
    for path in [
        format!("/api/accounts/{other}"),
        format!("/accounts/{other}"),
        format!("/api/accounts/{other}/scans"),
        format!("/accounts/{other}/principals"),
        format!("/accounts/{other}/diff?from={o2}&to={o1}"),
        format!("/api/accounts/{other}/diff?from={o2}&to={o1}"),
        // Another team's scans through its own account's URL.
        format!("/accounts/{mine}/diff?from={o2}&to={m1}"),
        format!("/api/accounts/{mine}/diff?from={m2}&to={o1}"),
        format!("/scans/{o1}"),
        format!("/api/scans/{o1}"),
    ] {
        assert_eq!(
            get(&http, format!("{base}{path}")).await,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        post_scan(&http, &base, SCANNABLE).await,
        StatusCode::FORBIDDEN
    );
    for path in [
        "/export/findings.csv",
        "/export/findings.json",
        "/reports/compliance.pdf",
        "/reports/compliance.html",
        "/admin/audit",
        "/admin/audit.csv",
    ] {
        assert_eq!(
            get(&http, format!("{base}{path}")).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // The refused attempts are audited as such; nothing succeeded.
    let (rows, _) = store
        .audit_log(&AuditFilter::default(), 1, 100)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r.outcome == "denied" && r.actor == "vic")
    );
}

async fn scans_and_exports_leave_audit_rows_that_admins_read_and_export(db: Db) {
    let analyst = access("ana", &["rampart-analyst", "team-payments"]);
    let (base, store, _dir) = serve_as(db, analyst).await;
    let http = client();
    // Another team's account cannot be scanned (it does not exist for this user).
    let (_, others) = ids_of(&store, "payments").await;
    let other = others.iter().next().unwrap();
    assert_eq!(post_scan(&http, &base, other).await, StatusCode::NOT_FOUND);
    assert_eq!(
        post_scan(&http, &base, SCANNABLE).await,
        StatusCode::SEE_OTHER
    );
    // The analyst's organisation report holds its team's accounts only, and another
    // team's account is not found.
    let report = http
        .get(format!("{base}/reports/compliance.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let report = report.text().await.unwrap();
    let (payments, others) = ids_of(&store, "payments").await;
    assert!(payments.iter().any(|id| report.contains(id.as_str())));
    assert!(
        others.iter().all(|id| !report.contains(id.as_str())),
        "another team's account in the report"
    );
    assert_eq!(
        get(
            &http,
            format!("{base}/reports/compliance.pdf?account={other}")
        )
        .await,
        StatusCode::NOT_FOUND
    );
    let csv = http
        .get(format!("{base}/export/findings.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    let (payments, _) = ids_of(&store, "payments").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut n = 0;
    for record in reader.records() {
        let record = record.unwrap();
        assert!(payments.contains(&record[0]), "{}", &record[0]);
        n += 1;
    }
    assert!(n > 0);
    let (started, _) = store
        .audit_log(
            &AuditFilter {
                action: Some(AuditAction::ScanStarted),
                ..Default::default()
            },
            1,
            100,
        )
        .await
        .unwrap();
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].actor, "ana");
    assert_eq!(started[0].target, SCANNABLE);
    assert_eq!(started[0].outcome, "success");
    assert_eq!(started[0].source.as_deref(), Some("127.0.0.1"));
    let (exports, total) = store
        .audit_log(
            &AuditFilter {
                actor: Some("ana".into()),
                action: Some(AuditAction::Export),
            },
            1,
            100,
        )
        .await
        .unwrap();
    // The report and the CSV; the refused report of another team's account left nothing.
    assert_eq!(total, 2);
    let mut targets: Vec<&str> = exports.iter().map(|e| e.target.as_str()).collect();
    targets.sort_unstable();
    assert_eq!(targets, ["compliance.html", "findings.csv"]);
    // The analyst may not read the log; an admin on the same database may.
    assert_eq!(
        get(&http, format!("{base}/admin/audit")).await,
        StatusCode::FORBIDDEN
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin_base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), false, ScanDefaults::default());
    tokio::spawn(serve_router(
        listener,
        router_with_access(state, access("ada", &["rampart-admin"])),
    ));
    let page = http
        .get(format!("{admin_base}/admin/audit?action=scan_started"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Audit log") && html.contains("ana") && html.contains(SCANNABLE));
    assert!(!html.contains("findings.csv"), "the action filter applies");
    let csv = http
        .get(format!("{admin_base}/admin/audit.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("id,at,actor,source,action,target,outcome,detail"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",ana,") && l.contains(",scan_started,"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",ana,") && l.contains(",export,"))
    );
}

async fn requests_without_access_are_refused_when_authentication_is_required(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state =
        AppState::new(store.clone(), false, ScanDefaults::default()).with_auth_required(true);
    tokio::spawn(rampart::web::serve(listener, state));
    let http = client();
    assert_eq!(
        get(&http, format!("{base}/api/overview")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&http, format!("{base}/")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&http, format!("{base}/export/findings.csv")).await,
        StatusCode::UNAUTHORIZED
    );
}

async fn configuration_changes_to_accounts_are_audited_with_before_and_after(db: Db) {
    let (store, _dir, _) = open_store_at(db).await;
    let mut a = AccountRecord {
        id: "246813579024".into(),
        name: "payments-prod".into(),
        environment: "production".into(),
        owner_team: "payments".into(),
        role_arn: Some("arn:aws:iam::246813579024:role/rampart".into()),
        external_id: Some("secret-ish-external-id".into()),
        regions: vec!["eu-west-1".into()],
        source: "config".into(),
    };
    assert!(
        store
            .configure_account(&a, "config:/etc/rampart.toml")
            .await
            .unwrap()
    );
    // The same configuration again changes nothing and records nothing.
    assert!(
        !store
            .configure_account(&a, "config:/etc/rampart.toml")
            .await
            .unwrap()
    );
    a.owner_team = "platform".into();
    assert!(
        store
            .configure_account(&a, "config:/etc/rampart.toml")
            .await
            .unwrap()
    );
    assert_eq!(store.account(&a.id).await.unwrap().owner_team, "platform");
    let filter = AuditFilter {
        action: Some(AuditAction::AccountChanged),
        ..AuditFilter::default()
    };
    let (rows, total) = store.audit_log(&filter, 1, 10).await.unwrap();
    assert_eq!(total, 2);
    let (changed, created) = (&rows[0], &rows[1]);
    assert_eq!(created.actor, "config:/etc/rampart.toml");
    assert_eq!(created.target, a.id);
    assert!(created.detail["before"].is_null());
    assert_eq!(created.detail["after"]["owner_team"], "payments");
    assert_eq!(changed.detail["before"]["owner_team"], "payments");
    assert_eq!(changed.detail["after"]["owner_team"], "platform");
    assert_eq!(changed.detail["after"]["external_id_set"], true);
    assert!(
        !changed
            .detail
            .to_string()
            .contains("secret-ish-external-id")
    );
}

on_both_databases!(
    configuration_changes_to_accounts_are_audited_with_before_and_after,
    a_team_scope_sees_only_its_accounts_everywhere,
    another_teams_ids_are_not_found,
    a_viewer_reads_its_teams_accounts_but_cannot_scan_export_or_audit,
    scans_and_exports_leave_audit_rows_that_admins_read_and_export,
    requests_without_access_are_refused_when_authentication_is_required,
);
