//! The compliance page per framework, on SQLite and PostgreSQL: each control's status per
//! visible account comes from the framework files and the accounts' latest findings
//! (manual controls stay manual, a failing check fails its control, an account with nothing
//! to judge is not applicable), and a team sees only its accounts' columns. The page's
//! account and team filter narrows the grid, its counts, its links and its report links,
//! never beyond the user's scope.

use crate::access::{access, client, ids_of, serve_as};
use crate::dashboard::{App, Db, PROD, app, open_store_at};
use rampart::config::ScanDefaults;
use rampart::ingest::ingest;
use rampart::store::{
    AccountRecord, ChoiceError, ComplianceError, ComplianceFilter, FindingFilter, Scope, Store,
};
use rampart::web::{AppState, serve};
use rampart_app::model::{ComplianceData, ControlRow, FindingQuery};
use rampart_app::util::url;
use rampart_engine::checks::Framework;
use rampart_engine::testing::InventoryBuilder;
use reqwest::StatusCode;
use std::collections::BTreeMap;

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

fn filter(account: Option<&str>, team: Option<&str>) -> ComplianceFilter {
    ComplianceFilter {
        framework: Framework::CisAws3,
        account: account.map(str::to_owned),
        team: team.map(str::to_owned),
    }
}

/// How many controls of `data` have the overall status `status` (0 when none has).
fn summary_count(data: &ComplianceData, status: &str) -> i64 {
    data.summary
        .iter()
        .find(|(s, _)| s == status)
        .map_or(0, |(_, n)| *n)
}

async fn a_team_or_account_filter_grids_and_counts_only_its_accounts(db: Db) {
    let (store, _dir) = three_accounts(db).await;
    let all = store
        .compliance(Framework::CisAws3, &Scope::All)
        .await
        .unwrap();
    let ids = |d: &ComplianceData| d.accounts.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
    let grid = |f: ComplianceFilter| {
        let store = store.clone();
        async move { store.compliance_for(&f, &Scope::All).await.unwrap() }
    };
    let web = grid(filter(None, Some("web"))).await;
    let data = grid(filter(None, Some("data"))).await;
    let one = grid(filter(Some(WEB), None)).await;
    assert_eq!(ids(&web), [WEB, IDLE]);
    assert_eq!(ids(&data), [DATA]);
    assert_eq!(ids(&one), [WEB]);
    assert_eq!(web.team.as_deref(), Some("web"));
    assert_eq!(one.account.as_deref(), Some(WEB));
    // The filter offers every account and team of the scope, whatever it chose.
    assert_eq!(web.account_choices.len(), 3);
    assert_eq!(web.team_choices, ["data", "web"]);

    // Each filtered cell is the unfiltered grid's cell of that account.
    for filtered in [&web, &data, &one] {
        assert_eq!(filtered.controls.len(), all.controls.len());
        for (c, full) in filtered.controls.iter().zip(&all.controls) {
            for (i, (id, _)) in filtered.accounts.iter().enumerate() {
                assert_eq!(
                    c.cells[i],
                    full.cells[column(&all, id)],
                    "{} {id}",
                    c.control
                );
            }
        }
        let total: i64 = filtered.summary.iter().map(|(_, n)| n).sum();
        assert_eq!(total, i64::try_from(filtered.controls.len()).unwrap());
    }

    // The root keys fail control 1.4 in WEB only: the data team's grid passes it, and its
    // failure count is WEB's findings of that control.
    let (_, failed_in_web, _) = store
        .findings(
            &FindingFilter::from_query(
                &FindingQuery {
                    account: Some(WEB.into()),
                    control: Some("cis-aws-3.0:1.4".into()),
                    status: Some("FAIL".into()),
                    ..Default::default()
                },
                None,
            )
            .unwrap(),
            &Scope::All,
        )
        .await
        .unwrap();
    assert!(failed_in_web >= 1);
    assert_eq!(control(&all, "1.4").overall, "fail");
    assert_eq!(control(&web, "1.4").overall, "fail");
    assert_eq!(control(&web, "1.4").cells[0].failed, failed_in_web);
    assert_eq!(control(&data, "1.4").overall, "pass");
    assert_eq!(control(&data, "1.4").cells[0].failed, 0);

    // The summary counts the filter's accounts only: with one scanned account, each
    // status counts that account's cells of the status (IDLE, never scanned, adds nothing
    // to the web team's).
    let tally = |account: &str| {
        let i = column(&all, account);
        let mut n: BTreeMap<String, i64> = BTreeMap::new();
        for c in &all.controls {
            *n.entry(c.cells[i].status.clone()).or_default() += 1;
        }
        n
    };
    let summary = |d: &ComplianceData| d.summary.iter().cloned().collect::<BTreeMap<_, _>>();
    assert_eq!(summary(&data), tally(DATA));
    assert_eq!(summary(&web), tally(WEB));
    assert_eq!(summary(&one), tally(WEB));
    assert!(summary_count(&data, "fail") < summary_count(&all, "fail"));

    // Unknown, invisible and contradictory filters are refused, never widened.
    let refused = |f: ComplianceFilter, scope: Scope| {
        let store = store.clone();
        async move { store.compliance_for(&f, &scope).await.unwrap_err() }
    };
    let web_only = Scope::Teams(["web".to_owned()].into());
    assert!(matches!(
        refused(filter(Some("999999999999"), None), Scope::All).await,
        ComplianceError::Choice(ChoiceError::UnknownAccount(id)) if id == "999999999999"
    ));
    assert!(matches!(
        refused(filter(None, Some("nobody")), Scope::All).await,
        ComplianceError::Choice(ChoiceError::UnknownTeam(t)) if t == "nobody"
    ));
    assert!(matches!(
        refused(filter(Some(WEB), Some("data")), Scope::All).await,
        ComplianceError::Choice(ChoiceError::NotInTeam { .. })
    ));
    assert!(matches!(
        refused(filter(Some(DATA), None), web_only.clone()).await,
        ComplianceError::Choice(ChoiceError::UnknownAccount(_))
    ));
    assert!(matches!(
        refused(filter(None, Some("data")), web_only.clone()).await,
        ComplianceError::Choice(ChoiceError::UnknownTeam(_))
    ));
    assert!(matches!(
        refused(filter(Some(WEB), Some("data")), web_only).await,
        ComplianceError::Choice(ChoiceError::UnknownTeam(_))
    ));
}

/// Every `href` of `html` that starts with `prefix`, as the browser reads it.
fn hrefs(html: &str, prefix: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with(prefix))
        .collect()
}

/// The part of `html` from `start` to the `end` that follows it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no `{start}`"));
    let rest = &html[from..];
    let to = rest[start.len()..]
        .find(end)
        .unwrap_or_else(|| panic!("no `{end}` after `{start}`"));
    &rest[..start.len() + to]
}

/// The accounts of `team` in the store's (and the grid's) order: (id, name).
async fn team_accounts(store: &Store, team: &str) -> Vec<(String, String)> {
    store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.owner_team == team)
        .map(|a| (a.id, a.name))
        .collect()
}

async fn the_filtered_compliance_page_links_its_reports_and_findings_with_the_filter(db: Db) {
    let app = app(db, 0).await;
    let payments = team_accounts(&app.store, "payments").await;
    let others: Vec<(String, String)> = app
        .store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.owner_team != "payments")
        .map(|a| (a.id, a.name))
        .collect();
    assert!(payments.len() >= 2 && !others.is_empty());

    // A team: its accounts are the columns, said in words; every link keeps the filter.
    let html = app
        .html("/compliance?framework=aws-fsbp&team=payments")
        .await;
    assert!(html.contains(&format!("Team payments · {} accounts", payments.len())));
    let grid = between(&html, "<table class=\"grid compliance\"", "</table>");
    assert!(
        payments
            .iter()
            .all(|(_, name)| grid.contains(name.as_str()))
    );
    assert!(
        others
            .iter()
            .all(|(id, name)| !grid.contains(name.as_str()) && !grid.contains(id.as_str()))
    );
    let team = [
        ("framework", Some("aws-fsbp".to_owned())),
        ("account", None),
        ("team", Some("payments".to_owned())),
    ];
    assert_eq!(
        hrefs(&html, "/reports/compliance.pdf"),
        [url("/reports/compliance.pdf", &team)]
    );
    let report = hrefs(&html, "/reports/compliance.html");
    assert_eq!(report, [url("/reports/compliance.html", &team)]);
    let tabs = hrefs(
        between(&html, "<nav class=\"tabs\">", "</nav>"),
        "/compliance?",
    );
    assert!(
        tabs.len() >= 6 && tabs.iter().all(|t| t.ends_with("&team=payments")),
        "{tabs:?}"
    );
    // The report behind the link covers the team's accounts and no other.
    let report = app.html(&report[0]).await;
    assert!(payments.iter().all(|(id, _)| report.contains(id.as_str())));
    assert!(others.iter().all(|(id, _)| !report.contains(id.as_str())));

    // An account: one column, its drill-downs and reports carry it, the framework too.
    let html = app.html(&format!("/compliance?account={PROD}")).await;
    let prod = payments.iter().find(|a| a.0 == PROD).unwrap();
    assert!(html.contains(&format!("Account {} ({PROD})", prod.1)));
    let drill_downs = hrefs(&html, "/findings?");
    assert!(!drill_downs.is_empty());
    assert!(
        drill_downs.iter().all(|h| h.starts_with(&format!(
            "/findings?account={PROD}&control=cis%2Daws%2D3%2E0%3A"
        ))),
        "{drill_downs:?}"
    );
    assert_eq!(
        hrefs(&html, "/reports/compliance.pdf"),
        [url(
            "/reports/compliance.pdf",
            &[
                ("framework", Some("cis-aws-3.0".to_owned())),
                ("account", Some(PROD.to_owned())),
            ]
        )]
    );
    // Both, against another framework.
    let html = app
        .html(&format!(
            "/compliance?framework=hipaa&account={PROD}&team=payments"
        ))
        .await;
    assert!(html.contains(&format!("Account {} ({PROD}) · team payments", prod.1)));
    assert_eq!(
        hrefs(&html, "/reports/compliance.html"),
        [format!(
            "/reports/compliance.html?framework=hipaa&account={PROD}&team=payments"
        )]
    );
    // The unfiltered page's reports are the framework's, for every account.
    let html = app.html("/compliance").await;
    assert_eq!(
        hrefs(&html, "/reports/compliance.pdf"),
        ["/reports/compliance.pdf?framework=cis%2Daws%2D3%2E0"]
    );
    // Filters the user cannot have are error pages, without a grid.
    for (path, status) in [
        (
            "/compliance?account=000000000000".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        ("/compliance?team=nobody".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("/compliance?account={PROD}&team=web"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/compliance?framework=sox&team=payments".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status(), status, "{path}");
        assert!(
            !r.text().await.unwrap().contains("grid compliance"),
            "{path}"
        );
    }
}

/// The summary chips of a compliance page: (label, count).
fn page_summary(html: &str) -> Vec<(String, i64)> {
    between(html, "<p class=\"summary\">", "</p>")
        .split("<span class=\"chip verdict-")
        .skip(1)
        .map(|chip| {
            let text = between(chip, ">", "</span>")[1..].to_owned();
            let (n, label) = text.split_once(' ').unwrap();
            (label.to_owned(), n.parse().unwrap())
        })
        .collect()
}

async fn the_compliance_api_for_a_team_agrees_with_the_page(db: Db) {
    let app: App = app(db, 0).await;
    let web = team_accounts(&app.store, "web").await;
    let json = app.json("/api/compliance?team=web").await;
    let api: ComplianceData = serde_json::from_value(json).unwrap();
    assert_eq!(api.accounts, web);
    assert_eq!(api.team.as_deref(), Some("web"));
    let all: ComplianceData = serde_json::from_value(app.json("/api/compliance").await).unwrap();
    for (c, full) in api.controls.iter().zip(&all.controls) {
        for (i, (id, _)) in web.iter().enumerate() {
            assert_eq!(c.cells[i], full.cells[column(&all, id)]);
        }
    }
    assert_ne!(api.summary, all.summary, "the demo's teams differ");

    let html = app.html("/compliance?team=web").await;
    // The same columns in the same order ...
    let heads: Vec<String> = between(&html, "<thead>", "</thead>")
        .split("<th class=\"account-col\">")
        .skip(1)
        .map(|th| between(th, "title=\"", "\"")["title=\"".len()..].to_owned())
        .collect();
    let ids: Vec<String> = web.iter().map(|a| a.0.clone()).collect();
    assert_eq!(heads, ids);
    // ... the same summary ...
    let label = |s: &str| match s {
        "not_applicable" => "n/a".to_owned(),
        "not_covered" => "not covered".to_owned(),
        other => other.to_owned(),
    };
    let expected: Vec<(String, i64)> = api.summary.iter().map(|(s, n)| (label(s), *n)).collect();
    assert_eq!(page_summary(&html), expected);
    // ... and the same controls passing per account.
    let totals: Vec<String> = between(&html, "<tfoot>", "</tfoot>")
        .split("<td class=\"num\">")
        .skip(1)
        .map(|td| td[..td.find('<').unwrap()].to_owned())
        .collect();
    let expected: Vec<String> = (0..web.len())
        .map(|i| {
            let status = |c: &ControlRow| c.cells[i].status.clone();
            let pass = api.controls.iter().filter(|c| status(c) == "pass").count();
            let evaluated = api
                .controls
                .iter()
                .filter(|c| ["pass", "fail", "error", "muted"].contains(&status(c).as_str()))
                .count();
            format!("{pass}/{evaluated}")
        })
        .collect();
    assert_eq!(totals, expected);
}

async fn a_viewer_cannot_filter_compliance_on_another_teams_account_or_team(db: Db) {
    let viewer = access("vic", &["rampart-viewer", "team-payments"]);
    let (base, store, _dir) = serve_as(db, viewer).await;
    let http = client();
    let (payments, others) = ids_of(&store, "payments").await;
    let accounts = store.accounts().await.unwrap();
    let other = accounts.iter().find(|a| others.contains(&a.id)).unwrap();
    let mine = accounts.iter().find(|a| payments.contains(&a.id)).unwrap();
    // Nothing of another team's accounts may show: not their names, ids or teams.
    let leaks = |body: &str, except: &str| -> Vec<String> {
        accounts
            .iter()
            .filter(|a| others.contains(&a.id))
            .flat_map(|a| [a.name.clone(), a.id.clone()])
            .filter(|s| s != except && body.contains(s.as_str()))
            .collect()
    };
    for (path, asked) in [
        (
            format!("/compliance?account={}", other.id),
            other.id.as_str(),
        ),
        (format!("/compliance?team={}", other.owner_team), ""),
        (
            format!("/compliance?account={}&team={}", mine.id, other.owner_team),
            "",
        ),
        (
            format!("/api/compliance?account={}", other.id),
            other.id.as_str(),
        ),
        (format!("/api/compliance?team={}", other.owner_team), ""),
    ] {
        let r = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = r.text().await.unwrap();
        assert!(
            leaks(&body, asked).is_empty(),
            "{path}: {:?}",
            leaks(&body, asked)
        );
        assert!(!body.contains("verdict-"), "{path} shows a grid");
    }
    // Its own team: the page and the filter's choices hold its accounts only.
    let r = http
        .get(format!("{base}/compliance?team=payments"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(leaks(&html, "").is_empty(), "{:?}", leaks(&html, ""));
    assert!(html.contains(&format!("Team payments · {} accounts", payments.len())));
    let api: ComplianceData = http
        .get(format!("{base}/api/compliance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api.team_choices, ["payments"]);
    let choices: std::collections::BTreeSet<String> =
        api.account_choices.iter().map(|a| a.0.clone()).collect();
    assert_eq!(choices, payments);
}

on_both_databases!(
    compliance_shows_each_controls_status_per_visible_account,
    every_framework_has_a_compliance_page_and_json_twin,
    a_team_or_account_filter_grids_and_counts_only_its_accounts,
    the_filtered_compliance_page_links_its_reports_and_findings_with_the_filter,
    the_compliance_api_for_a_team_agrees_with_the_page,
    a_viewer_cannot_filter_compliance_on_another_teams_account_or_team,
);
