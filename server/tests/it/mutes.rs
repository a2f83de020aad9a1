//! Risk acceptance ("mutes"), on SQLite and PostgreSQL: what a mute covers (its account,
//! check and resource pattern, failures only), scores and counts without muted findings,
//! expiry judged on every read, roles and team scopes at the HTTP layer, the audit trail,
//! and `rampart mutes apply`.

use crate::access::{access, client, csrf, demo_store, ids_of, serve_as};
use crate::dashboard::{Db, PROD, SANDBOX};
use chrono::{DateTime, Duration, Utc};
use rampart::mutes::{MuteFileError, apply_file};
use rampart::store::{
    Actor, AuditAction, AuditFilter, ExportRow, FindingFilter, MuteSource, NewMute, Scope, Store,
};
use rampart_app::model::{FindingQuery, FindingRow, MuteInfo, OverviewQuery};
use rampart_engine::Status;
use rampart_engine::mute::{MuteTarget, ResourcePattern};
use reqwest::StatusCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

fn filter(account: &str, status: &str) -> FindingFilter {
    let q = FindingQuery {
        account: Some(account.to_owned()),
        status: Some(status.to_owned()),
        per_page: Some(500),
        ..Default::default()
    };
    FindingFilter::from_query(&q, None).unwrap()
}

async fn rows(store: &Store, account: &str, status: &str) -> Vec<FindingRow> {
    let (rows, total, _) = store
        .findings(&filter(account, status), &Scope::All)
        .await
        .unwrap();
    assert!(total <= 500, "the account has more findings than one page");
    rows
}

/// Every finding of the account's latest scan, as exported (status as of now).
async fn export(store: &Store, account: &str) -> Vec<ExportRow> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(100_000);
    store
        .export_findings(&filter(account, "any"), &Scope::All, tx)
        .await
        .unwrap();
    let mut out = Vec::new();
    while let Some(r) = rx.recv().await {
        out.push(r.unwrap());
    }
    out
}

/// A demo account and a check failing there on at least two resources, with those failures.
async fn check_failing_twice(store: &Store) -> (String, String, Vec<FindingRow>) {
    for account in [
        SANDBOX,
        PROD,
        "444455556666",
        "555566667777",
        "111122223333",
    ] {
        let mut by_check: BTreeMap<String, Vec<FindingRow>> = BTreeMap::new();
        for r in rows(store, account, "FAIL").await {
            by_check.entry(r.check_id.clone()).or_default().push(r);
        }
        if let Some((check, fails)) = by_check.into_iter().find(|(_, f)| f.len() >= 2) {
            return (account.to_owned(), check, fails);
        }
    }
    panic!("no demo account fails a check on two resources");
}

fn new_mute(account: &str, check: &str, resource: Option<&str>, until: DateTime<Utc>) -> NewMute {
    NewMute {
        target: MuteTarget {
            account_id: account.to_owned(),
            check_id: check.to_owned(),
            resource: resource.and_then(|r| ResourcePattern::parse(r).unwrap()),
        },
        reason: "accepted for the test".into(),
        owner: "sec@example.com".into(),
        expires_at: until,
    }
}

fn admin() -> Actor {
    Actor {
        name: "ada".into(),
        source: None,
    }
}

async fn mute(store: &Store, account: &str, check: &str, resource: Option<&str>) -> MuteInfo {
    let until = store.now() + Duration::days(30);
    store
        .create_mute(
            &new_mute(account, check, resource, until),
            MuteSource::Ui,
            &admin(),
        )
        .await
        .unwrap()
}

async fn a_mute_turns_matching_failures_muted_and_leaves_the_rest(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (account, check, fails) = check_failing_twice(&store).await;
    let (target, other) = (&fails[0], &fails[1]);
    let before = export(&store, &account).await;
    let m = mute(&store, &account, &check, Some(&target.resource_arn)).await;
    // Only that failure is muted, with its record; the other failure still fails.
    let muted = rows(&store, &account, "MUTED").await;
    assert_eq!(
        muted.iter().map(|r| r.key_id).collect::<Vec<_>>(),
        [target.key_id]
    );
    assert_eq!(muted[0].status, "MUTED");
    assert_eq!(muted[0].mute.as_ref().map(|m| m.id), Some(m.id));
    assert_eq!(
        muted[0].mute.as_ref().map(|m| m.reason.as_str()),
        Some("accepted for the test")
    );
    let failing = rows(&store, &account, "FAIL").await;
    assert!(failing.iter().all(|r| r.key_id != target.key_id));
    assert!(failing.iter().any(|r| r.key_id == other.key_id));
    assert!(failing.iter().all(|r| r.mute.is_none()));
    // The detail shows it; the history keeps what the scans stored.
    let d = store
        .finding_detail(target.key_id, &Scope::All)
        .await
        .unwrap();
    assert_eq!(d.finding.status, "MUTED");
    assert_eq!(
        d.finding.mute.map(|m| m.owner),
        Some("sec@example.com".into())
    );
    assert!(d.history.iter().all(|h| h.status == "FAIL"));
    // The status facet counts it apart; `any` still counts everything.
    let (_, total, facets) = store
        .findings(&filter(&account, "any"), &Scope::All)
        .await
        .unwrap();
    assert_eq!(usize::try_from(total).unwrap(), before.len());
    let status: BTreeMap<String, i64> = facets
        .iter()
        .find(|f| f.name == "status")
        .unwrap()
        .values
        .iter()
        .map(|v| (v.value.clone(), v.count))
        .collect();
    assert_eq!(status.get("MUTED"), Some(&1));
    // Exports: MUTED in the rows; the scan schema keeps FAIL and carries the mute.
    let after = export(&store, &account).await;
    let row = after
        .iter()
        .find(|r| r.row.key_id == target.key_id)
        .unwrap();
    assert!(row.muted());
    let doc = row.to_schema_json();
    assert_eq!(doc["status"], "FAIL");
    assert_eq!(doc["mute"]["owner"], "sec@example.com");
    assert!(row.to_finding().is_some());
    // Muting the whole check mutes its failures only: passes and errors are untouched.
    mute(&store, &account, &check, None).await;
    let stored: BTreeMap<i64, String> = before
        .iter()
        .map(|r| (r.row.key_id, r.row.status.clone()))
        .collect();
    for r in export(&store, &account).await {
        let was = &stored[&r.row.key_id];
        let expected = if r.row.check_id == check && was == "FAIL" {
            "MUTED"
        } else {
            was.as_str()
        };
        assert_eq!(
            r.row.status, expected,
            "{} {}",
            r.row.check_id, r.row.resource_arn
        );
    }
}

async fn muted_failures_leave_the_score_and_are_counted_apart(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (account, check, fails) = check_failing_twice(&store).await;
    let n = i64::try_from(fails.len()).unwrap();
    let overview = |store: Store| async move {
        store
            .overview(&OverviewQuery::default(), &Scope::All, |_| false)
            .await
            .unwrap()
    };
    let before = overview(store.clone()).await;
    let row0 = before
        .accounts
        .iter()
        .find(|r| r.account.id == account)
        .unwrap()
        .clone();
    assert_eq!((row0.muted, before.muted), (0, 0));
    mute(&store, &account, &check, None).await;
    // The expected score: the engine's formula over what is not muted.
    let mut per_check: BTreeMap<String, (rampart_engine::Severity, usize, usize)> = BTreeMap::new();
    for r in export(&store, &account).await {
        let e = per_check.entry(r.row.check_id.clone()).or_insert((
            rampart_engine::Severity::parse(&r.row.severity).unwrap(),
            0,
            0,
        ));
        match r.row.status.as_str() {
            "PASS" => e.1 += 1,
            "FAIL" => e.2 += 1,
            _ => {}
        }
    }
    let expected = rampart_engine::score::score_of_checks(per_check.into_values());
    // Overview: the account and the organisation, read from a cache the mute invalidated.
    let after = overview(store.clone()).await;
    let row = after
        .accounts
        .iter()
        .find(|r| r.account.id == account)
        .unwrap();
    assert_eq!(row.muted, n);
    assert_eq!(row.failed.total(), row0.failed.total() - n);
    assert_eq!(row.score, expected);
    assert!(
        row.score >= row0.score,
        "{:?} < {:?}",
        row.score,
        row0.score
    );
    assert_eq!(row.trend.last().unwrap().score, expected);
    assert_eq!(after.muted, n);
    assert_eq!(after.failed.total(), before.failed.total() - n);
    // The account page agrees, service by service.
    let page = store
        .account_page(&account, &Scope::All, |_| false)
        .await
        .unwrap();
    let latest = page.latest.unwrap();
    assert_eq!((latest.score, latest.muted), (expected, n));
    assert_eq!(latest.failed, row.failed.total());
    assert_eq!(page.by_service.iter().map(|s| s.muted).sum::<i64>(), n);
    // The check's page counts them apart; the stored scan keeps its own figures.
    let detail = store.check_detail(&check, &Scope::All).await.unwrap();
    assert_eq!(detail.muted.get(&account), Some(&n));
    let (_, _, _, failed, _) = detail.accounts.iter().find(|a| a.0 == account).unwrap();
    assert_eq!(*failed, 0);
    // The compliance grid counts them apart in every control of the check.
    if let Some((framework, ids)) = rampart_engine::frameworks::compliance_of(&check)
        .into_iter()
        .next()
    {
        let grid = store.compliance(framework, &Scope::All).await.unwrap();
        let col = grid.accounts.iter().position(|a| a.0 == account).unwrap();
        let control = grid.controls.iter().find(|c| c.control == ids[0]).unwrap();
        assert!(control.cells[col].muted >= n, "{:?}", control.cells[col]);
    }
    let scans = store.scans(&account, &Scope::All).await.unwrap();
    assert_eq!(scans[0].score, row0.score);
    assert_eq!(scans[0].muted, 0);
}

async fn an_expired_mute_lets_the_finding_fail_again(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let ahead = Arc::new(AtomicI64::new(0));
    let clock = ahead.clone();
    let store =
        store.with_clock(move || Utc::now() + Duration::hours(clock.load(Ordering::SeqCst)));
    let (account, check, fails) = check_failing_twice(&store).await;
    let key = fails[0].key_id;
    let until = store.now() + Duration::hours(24);
    let m = store
        .create_mute(
            &new_mute(&account, &check, None, until),
            MuteSource::Ui,
            &admin(),
        )
        .await
        .unwrap();
    let status = |store: Store| async move {
        store
            .finding_detail(key, &Scope::All)
            .await
            .unwrap()
            .finding
            .status
    };
    let muted_in_overview = |store: Store| async move {
        store
            .overview(&OverviewQuery::default(), &Scope::All, |_| false)
            .await
            .unwrap()
            .muted
    };
    assert_eq!(status(store.clone()).await, "MUTED");
    assert!(muted_in_overview(store.clone()).await > 0);
    // A day and an hour later, with no write at all: the mute is over by itself.
    ahead.store(25, Ordering::SeqCst);
    assert_eq!(status(store.clone()).await, "FAIL");
    assert_eq!(
        muted_in_overview(store.clone()).await,
        0,
        "the cached overview went stale when the mute expired"
    );
    assert!(rows(&store, &account, "MUTED").await.is_empty());
    let listed = store.mutes(&Scope::All).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, m.id);
    assert!(!listed[0].active, "listed as expired");
    // An expiry written straight into the database is judged the same way.
    let m = mute(&store, &account, &check, None).await;
    assert_eq!(status(store.clone()).await, "MUTED");
    sqlx::query("UPDATE mutes SET expires_at = $1 WHERE id = $2")
        .bind(rampart::store::ts(Utc::now() - Duration::minutes(1)))
        .bind(m.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(status(store.clone()).await, "FAIL");
}

async fn resource_patterns_mute_exactly_what_the_engine_matches(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (account, check, fails) = check_failing_twice(&store).await;
    let stored = export(&store, &account).await;
    let arn = fails[0].resource_arn.clone();
    let cut = arn.rfind([':', '/']).unwrap_or(0);
    let last = arn.chars().last().unwrap();
    let patterns = [
        arn.clone(),
        format!("{}*", &arn[..=cut]),
        format!(
            "*{}",
            &fails[1].resource_arn[fails[1].resource_arn.len() - 4..]
        ),
        "arn:*".to_owned(),
        // `_` is a literal, not LIKE's any-character.
        format!(
            "{}{}",
            &arn[..arn.len() - last.len_utf8()],
            if last == '_' { 'x' } else { '_' }
        ),
        // ARNs compare case-sensitively.
        arn.to_uppercase(),
        format!("{arn}*"),
    ];
    for pattern in patterns {
        let m = mute(&store, &account, &check, Some(&pattern)).await;
        let target = MuteTarget {
            account_id: account.clone(),
            check_id: check.clone(),
            resource: ResourcePattern::parse(&pattern).unwrap(),
        };
        let expected: BTreeSet<i64> = stored
            .iter()
            .filter(|r| {
                let status = match r.row.status.as_str() {
                    "PASS" => Status::Pass,
                    "FAIL" => Status::Fail,
                    _ => Status::Error,
                };
                target.covers(
                    &r.row.account_id,
                    &r.row.check_id,
                    &r.row.resource_arn,
                    status,
                )
            })
            .map(|r| r.row.key_id)
            .collect();
        let muted: BTreeSet<i64> = rows(&store, &account, "MUTED")
            .await
            .iter()
            .map(|r| r.key_id)
            .collect();
        assert_eq!(muted, expected, "pattern {pattern}");
        store
            .remove_mute(m.id, &Scope::All, &admin())
            .await
            .unwrap();
    }
}

/// Posts a form with the CSRF token.
async fn post(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf(http, base).await;
    let mut form = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    http.post(format!("{base}{path}"))
        .header("cookie", format!("rampart_csrf={token}"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// A failing finding of the production account (team payments).
async fn prod_failure(store: &Store) -> FindingRow {
    rows(store, PROD, "FAIL").await.into_iter().next().unwrap()
}

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn a_viewer_may_not_mute_or_unmute_and_is_audited_as_denied(db: Db) {
    let (base, store, _dir) =
        serve_as(db, access("vic", &["rampart-viewer", "team-payments"])).await;
    let http = client();
    let f = prod_failure(&store).await;
    let expires = in_days(30);
    let r = post(
        &http,
        &base,
        "/mutes",
        &[
            ("account", PROD),
            ("check", f.check_id.as_str()),
            ("resource", f.resource_arn.as_str()),
            ("reason", "r"),
            ("owner", "o"),
            ("expires", expires.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let existing = mute(&store, PROD, &f.check_id, None).await;
    let r = post(&http, &base, &format!("/mutes/{}/remove", existing.id), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(store.mutes(&Scope::All).await.unwrap(), [existing]);
    // The page shows the mute but offers no form to a viewer.
    let html = http
        .get(format!("{base}/findings/{}", f.key_id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("accepted for the test") && !html.contains("/remove"),
        "{html}"
    );
    let vic = AuditFilter {
        actor: Some("vic".into()),
        action: None,
    };
    let (rows, _) = store.audit_log(&vic, 1, 100).await.unwrap();
    let denied: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.action.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        denied,
        [("mute_removed", "denied"), ("mute_created", "denied")]
    );
    assert!(rows.iter().all(|r| r.target == PROD));
}

async fn another_teams_accounts_and_mutes_are_not_found(db: Db) {
    let (base, store, _dir) =
        serve_as(db, access("ana", &["rampart-analyst", "team-payments"])).await;
    let http = client();
    let (_, others) = ids_of(&store, "payments").await;
    assert!(others.contains(SANDBOX));
    let theirs = rows(&store, SANDBOX, "FAIL")
        .await
        .into_iter()
        .next()
        .unwrap();
    let expires = in_days(30);
    let r = post(
        &http,
        &base,
        "/mutes",
        &[
            ("account", SANDBOX),
            ("check", theirs.check_id.as_str()),
            ("reason", "r"),
            ("owner", "o"),
            ("expires", expires.as_str()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let their_mute = mute(&store, SANDBOX, &theirs.check_id, None).await;
    let mine = mute(&store, PROD, &prod_failure(&store).await.check_id, None).await;
    let r = post(
        &http,
        &base,
        &format!("/mutes/{}/remove", their_mute.id),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let listed: serde_json::Value = http
        .get(format!("{base}/api/mutes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = listed["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [mine.id]);
    assert_eq!(
        store.mutes(&Scope::All).await.unwrap().len(),
        2,
        "nothing created or removed"
    );
    // A refused 404 leaves no success in the audit log.
    let (rows, _) = store
        .audit_log(&AuditFilter::default(), 1, 100)
        .await
        .unwrap();
    assert!(rows.iter().all(|r| r.actor != "ana"));
}

async fn mutes_and_unmutes_leave_audit_rows_with_the_mute(db: Db) {
    let (base, store, _dir) =
        serve_as(db, access("ana", &["rampart-analyst", "team-payments"])).await;
    let http = client();
    let f = prod_failure(&store).await;
    let next = format!("/findings/{}", f.key_id);
    let expires = in_days(30);
    let fields = [
        ("account", PROD),
        ("check", f.check_id.as_str()),
        ("resource", f.resource_arn.as_str()),
        ("reason", "compensating control: SCP denies it"),
        ("owner", "payments-lead@example.com"),
        ("expires", expires.as_str()),
        ("next", next.as_str()),
    ];
    // Bad input is refused with the reason and creates nothing.
    let mut past = fields;
    past[5] = ("expires", "2020-01-01");
    let r = post(&http, &base, "/mutes", &past).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not in the future"));
    assert!(store.mutes(&Scope::All).await.unwrap().is_empty());
    // The finding's page offers the form (with the CSRF token); muting goes back to it.
    let html = http
        .get(format!("{base}{next}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"action="/mutes""#) && html.contains(r#"name="csrf""#),
        "{html}"
    );
    let r = post(&http, &base, "/mutes", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], next.as_str());
    let detail: serde_json::Value = http
        .get(format!("{base}/api/findings/{}", f.key_id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["finding"]["status"], "MUTED");
    assert_eq!(
        detail["finding"]["mute"]["owner"],
        "payments-lead@example.com"
    );
    let html = http
        .get(format!("{base}{next}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("compensating control: SCP denies it") && html.contains("Unmute"));
    // The CSV export says MUTED.
    let csv = http
        .get(format!(
            "{base}/export/findings.csv?account={PROD}&status=MUTED"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let exported: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(exported.len(), 1);
    assert_eq!(&exported[0][col("status")], "MUTED");
    assert_eq!(
        &exported[0][col("mute_reason")],
        "compensating control: SCP denies it"
    );
    assert_eq!(&exported[0][col("mute_owner")], "payments-lead@example.com");
    // OCSF says suppressed.
    let ocsf: serde_json::Value = http
        .get(format!(
            "{base}/export/findings.ocsf.json?account={PROD}&status=MUTED"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ocsf[0]["status"], "Suppressed");
    let m = store.mutes(&Scope::All).await.unwrap().remove(0);
    let r = post(
        &http,
        &base,
        &format!("/mutes/{}/remove", m.id),
        &[("next", "/mutes")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = store.finding_detail(f.key_id, &Scope::All).await.unwrap();
    assert_eq!(back.finding.status, "FAIL");
    assert!(store.mutes(&Scope::All).await.unwrap().is_empty());
    // Both changes are in the audit log with every field of the mute.
    for (action, label) in [
        (AuditAction::MuteCreated, "mute_created"),
        (AuditAction::MuteRemoved, "mute_removed"),
    ] {
        let (rows, total) = store
            .audit_log(
                &AuditFilter {
                    action: Some(action),
                    ..Default::default()
                },
                1,
                10,
            )
            .await
            .unwrap();
        assert_eq!(total, 1, "{label}");
        let r = &rows[0];
        assert_eq!(
            (r.actor.as_str(), r.outcome.as_str(), r.target.as_str()),
            ("ana", "success", PROD)
        );
        assert_eq!(r.source.as_deref(), Some("127.0.0.1"));
        assert_eq!(r.detail["id"], m.id);
        assert_eq!(r.detail["check_id"], f.check_id.as_str());
        assert_eq!(r.detail["resource"], f.resource_arn.as_str());
        assert_eq!(r.detail["reason"], "compensating control: SCP denies it");
        assert_eq!(r.detail["owner"], "payments-lead@example.com");
        assert_eq!(r.detail["expires_at"], m.expires_at.as_str());
        assert_eq!(r.detail["source"], "ui");
    }
    // A mute kept in a file is changed in the file, not here.
    let file = format!(
        "[[mute]]\naccount = \"{PROD}\"\ncheck = \"{}\"\nreason = \"r\"\nowner = \"o\"\nexpires = {}\n",
        f.check_id,
        in_days(10)
    );
    apply_file(&store, "mutes.toml", &file).await.unwrap();
    let from_file = store.mutes(&Scope::All).await.unwrap().remove(0);
    let r = post(
        &http,
        &base,
        &format!("/mutes/{}/remove", from_file.id),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(store.mutes(&Scope::All).await.unwrap().len(), 1);
}

fn file_entry(account: &str, check: &str, resource: Option<&str>, reason: &str) -> String {
    let resource = resource
        .map(|r| format!("resource = \"{r}\"\n"))
        .unwrap_or_default();
    format!(
        "[[mute]]\naccount = \"{account}\"\ncheck = \"{check}\"\n{resource}reason = \"{reason}\"\nowner = \"platform@example.com\"\nexpires = {}\n\n",
        in_days(90)
    )
}

async fn audit_count(store: &Store) -> i64 {
    store
        .audit_log(&AuditFilter::default(), 1, 1)
        .await
        .unwrap()
        .1
}

async fn applying_a_mutes_file_adds_updates_and_removes_only_file_mutes(db: Db) {
    let (store, _dir) = demo_store(db).await;
    let (account, check, fails) = check_failing_twice(&store).await;
    let ui = mute(&store, &account, &check, Some(&fails[1].resource_arn)).await;
    let arn = fails[0].resource_arn.as_str();
    let other_check = rows(&store, PROD, "FAIL")
        .await
        .into_iter()
        .find(|r| account != PROD || r.check_id != check)
        .unwrap()
        .check_id;
    let v1 = file_entry(&account, &check, None, "whole check")
        + &file_entry(&account, &check, Some(arn), "one resource");
    let r = apply_file(&store, "mutes.toml", &v1).await.unwrap();
    assert_eq!(
        (r.added.len(), r.updated.len(), r.removed.len(), r.unchanged),
        (2, 0, 0, 0)
    );
    assert!(
        r.added
            .iter()
            .all(|m| m.source == "file" && m.created_by == "file:mutes.toml")
    );
    // v2: the first entry changes its reason, the second goes, a third comes.
    let v2 = file_entry(&account, &check, None, "whole check, reviewed")
        + &file_entry(PROD, &other_check, None, "new");
    let r = apply_file(&store, "mutes.toml", &v2).await.unwrap();
    assert_eq!(
        (r.added.len(), r.updated.len(), r.removed.len(), r.unchanged),
        (1, 1, 1, 0)
    );
    assert_eq!(r.updated[0].0.reason, "whole check");
    assert_eq!(r.updated[0].1.reason, "whole check, reviewed");
    assert_eq!(r.removed[0].resource.as_deref(), Some(arn));
    let all = store.mutes(&Scope::All).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.contains(&ui), "the dashboard's mute is untouched");
    // Each change is audited as the file, the update with what it was.
    let (log, _) = store
        .audit_log(
            &AuditFilter {
                actor: Some("file:mutes.toml".into()),
                action: None,
            },
            1,
            100,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "mute_created",
            "mute_created",
            "mute_updated",
            "mute_created",
            "mute_removed"
        ]
    );
    let updated = log.iter().find(|r| r.action == "mute_updated").unwrap();
    assert_eq!(updated.detail["reason"], "whole check, reviewed");
    assert_eq!(updated.detail["previous"]["reason"], "whole check");
    // The same file again changes nothing and audits nothing.
    let logged = audit_count(&store).await;
    let r = apply_file(&store, "mutes.toml", &v2).await.unwrap();
    assert_eq!(
        (r.added.len(), r.updated.len(), r.removed.len(), r.unchanged),
        (0, 0, 0, 2)
    );
    assert_eq!(audit_count(&store).await, logged);
    // A file with one bad entry changes nothing at all, and says which entry.
    let v3 = file_entry(&account, &check, None, "changed")
        + &file_entry("000000000000", &check, None, "no such account");
    let Err(MuteFileError::Entries(errors)) = apply_file(&store, "mutes.toml", &v3).await else {
        panic!("a bad file must be refused");
    };
    assert_eq!((errors[0].index, errors[0].line), (2, 8));
    assert_eq!(store.mutes(&Scope::All).await.unwrap(), all);
    assert_eq!(audit_count(&store).await, logged);
    // An empty file removes every file mute and only those.
    let r = apply_file(&store, "mutes.toml", "").await.unwrap();
    assert_eq!(r.removed.len(), 2);
    assert_eq!(store.mutes(&Scope::All).await.unwrap(), [ui]);
}

on_both_databases!(
    a_mute_turns_matching_failures_muted_and_leaves_the_rest,
    muted_failures_leave_the_score_and_are_counted_apart,
    an_expired_mute_lets_the_finding_fail_again,
    resource_patterns_mute_exactly_what_the_engine_matches,
    a_viewer_may_not_mute_or_unmute_and_is_audited_as_denied,
    another_teams_accounts_and_mutes_are_not_found,
    mutes_and_unmutes_leave_audit_rows_with_the_mute,
    applying_a_mutes_file_adds_updates_and_removes_only_file_mutes,
);

fn rampart(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_remove("RAMPART_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .env_remove("RAMPART_ACCOUNTS")
        .output()
        .unwrap()
}

#[tokio::test]
async fn mutes_apply_prints_the_changes_and_exits_2_on_a_bad_file_changing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let db = db.to_str().unwrap();
    let store = Store::open(db).await.unwrap();
    rampart::ingest::load_demo(&store, Utc::now(), 0)
        .await
        .unwrap();
    let check = rows(&store, PROD, "FAIL").await.remove(0).check_id;
    store.close().await;
    let file = dir.path().join("mutes.toml");
    std::fs::write(&file, file_entry(PROD, &check, None, "accepted")).unwrap();
    let file = file.to_str().unwrap();
    let out = rampart(&["mutes", "apply", file, "--database-url", db]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("+ {PROD} {check} *")), "{stdout}");
    assert!(
        stdout.contains("1 added, 0 updated, 0 removed, 0 unchanged"),
        "{stdout}"
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[mute]]\naccount = \"333344445555\"\ncheck = \"nope\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2020-01-01\n").unwrap();
    let out = rampart(&[
        "mutes",
        "apply",
        bad.to_str().unwrap(),
        "--database-url",
        db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nothing changed")
            && stderr.contains("mute #1 (line 1)")
            && stderr.contains("unknown check `nope`"),
        "{stderr}"
    );
    let out = rampart(&["mutes", "list", "--json", "--database-url", db]);
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<MuteInfo> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].check_id.as_str(), listed[0].source.as_str()),
        (check.as_str(), "file")
    );
}
