//! Scan history, one scan, and the diff of two scans.

use crate::components::*;
use crate::model::{Chrome, DiffData, FindingRow, ScanData, ScansData};
use crate::pages::findings::finding_row;
use crate::util::{enc, score, score_class, url, when_opt};
use leptos::prelude::*;

pub fn render_list(chrome: &Chrome, data: ScansData) -> String {
    let a = data.account.clone();
    let account_href = account_href(&a.id);
    let diff_action = format!("/accounts/{}/diff", enc(&a.id));
    let finished: Vec<_> = data
        .scans
        .iter()
        .filter(|s| s.status == "succeeded" || s.status == "partial")
        .cloned()
        .collect();
    let default_to = finished.first().map(|s| s.id);
    let default_from = finished.get(1).map(|s| s.id);
    let select = move |name: &'static str, default: Option<i64>| {
        let options = finished
            .iter()
            .map(|s| {
                let label = format!("#{} · {} · score {}", s.id, when_opt(s.collected_at.as_deref()), score(s.score));
                view! { <option value=s.id.to_string() selected=default == Some(s.id)>{label}</option> }
            })
            .collect_view();
        view! { <select name=name>{options}</select> }
    };
    let rows = data
        .scans
        .iter()
        .map(|s| {
            let href = format!("/scans/{}", s.id);
            let progress = s
                .progress
                .clone()
                .map(|p| format!(" {}/{}", p.done, p.total))
                .unwrap_or_default();
            view! {
                <tr>
                    <td><a href=href>{format!("#{}", s.id)}</a></td>
                    <td>{when_opt(s.collected_at.as_deref().or(Some(s.started_at.as_str())))}</td>
                    <td><ScanStatus status=s.status.clone()/>{progress}</td>
                    <td>{s.source.clone()}</td>
                    <td class="num"><span class=score_class(s.score)>{score(s.score)}</span></td>
                    <td class="num">{s.passed}</td>
                    <td class="num">{s.failed}</td>
                    <SeverityCells counts=s.failed_by_severity/>
                    <td class="num">{s.collection_errors}</td>
                    <td class="wrap">{s.message.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let title = format!("{} · scans", a.name);
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/">"Overview"</a>" / "<a href=account_href>{a.name.clone()}</a>" / "</div>
                <h1>"Scan history"</h1>
            </div>
        </div>
        <form method="get" action=diff_action class="filters">
            <label>"Compare " {select("from", default_from)}</label>
            <label>" with " {select("to", default_to)}</label>
            <button type="submit">"Show differences"</button>
        </form>
        <table class="grid">
            <thead><tr><th>"Scan"</th><th>"Collected"</th><th>"Status"</th><th>"Source"</th><th class="num">"Score"</th><th class="num">"Passed"</th><th class="num">"Failed"</th><th class="num">"Crit"</th><th class="num">"High"</th><th class="num">"Med"</th><th class="num">"Low"</th><th class="num">"Coll. errors"</th><th>"Note"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any();
    shell(
        &title,
        chrome,
        body,
        data.scans
            .iter()
            .any(|s| s.status == "running")
            .then_some(5),
    )
}

pub fn render_scan(chrome: &Chrome, data: ScanData) -> String {
    let s = data.scan.clone();
    let a = data.account.clone();
    let account_href = account_href(&a.id);
    let findings_href = url(
        "/findings",
        &[
            ("scan", Some(s.id.to_string())),
            ("status", Some("any".into())),
        ],
    );
    let json_href = format!("/api/scans/{}", s.id);
    let n_errors = data.collection_errors.len();
    let errors = data.collection_errors.clone();
    let title = format!("Scan #{}", s.id);
    let running = s.status == "running";
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/">"Overview"</a>" / "<a href=account_href>{a.name.clone()}</a>" / "</div>
                <h1>{format!("Scan #{}", s.id)}</h1>
                <ScanStatus status=s.status.clone()/>
            </div>
            <div class="actions">
                <a class="button secondary" href=findings_href>"Findings of this scan"</a>
                <a class="button secondary" href=json_href>"JSON"</a>
            </div>
        </div>
        <dl class="facts">
            <dt>"Started"</dt><dd>{when_opt(Some(s.started_at.as_str()))}</dd>
            <dt>"Finished"</dt><dd>{when_opt(s.finished_at.as_deref())}</dd>
            <dt>"Inventory collected"</dt><dd>{when_opt(s.collected_at.as_deref())}</dd>
            <dt>"Source"</dt><dd>{s.source.clone()}</dd>
            <dt>"Score"</dt><dd><span class=score_class(s.score)>{score(s.score)}</span></dd>
            <dt>"Findings"</dt><dd>{format!("{} passed, {} failed, {} could not be evaluated", s.passed, s.failed, s.errored)}</dd>
            <dt>"Note"</dt><dd>{if s.message.is_empty() { "—".to_owned() } else { s.message.clone() }}</dd>
        </dl>
        <section>
            <h2>{format!("Collection errors ({n_errors})")}</h2>
            <CollectionErrors errors=errors/>
        </section>
    }
    .into_any();
    shell(&title, chrome, body, running.then_some(3))
}

fn diff_section(title: &'static str, class: &'static str, rows: Vec<FindingRow>) -> impl IntoView {
    let n = rows.len();
    let body = if rows.is_empty() {
        view! { <tr><td colspan="7" class="empty">"None."</td></tr> }.into_any()
    } else {
        rows.into_iter().map(finding_row).collect_view().into_any()
    };
    view! {
        <section class=class>
            <h2>{format!("{title} ({n})")}</h2>
            <table class="grid findings">
                <thead><tr><th>"Severity"</th><th>"Status"</th><th>"Check"</th><th>"Resource"</th><th>"Region"</th><th>"Account"</th><th>"Controls"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

pub fn render_diff(chrome: &Chrome, d: DiffData) -> String {
    let a = d.account.clone();
    let account_href = account_href(&a.id);
    let scans_href = format!("/accounts/{}/scans", enc(&a.id));
    let summary = format!(
        "From scan #{} ({}, score {}) to scan #{} ({}, score {}): {} new, {} resolved, {} still failing.",
        d.from.id,
        when_opt(d.from.collected_at.as_deref()),
        score(d.from.score),
        d.to.id,
        when_opt(d.to.collected_at.as_deref()),
        score(d.to.score),
        d.new.len(),
        d.resolved.len(),
        d.still_failing.len()
    );
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/">"Overview"</a>" / "<a href=account_href>{a.name.clone()}</a>" / "<a href=scans_href>"Scans"</a>" / "</div>
                <h1>"What changed"</h1>
                <p>{summary}</p>
            </div>
        </div>
        {diff_section("New failures", "diff-new", d.new)}
        {diff_section("Resolved", "diff-resolved", d.resolved)}
        {diff_section("Still failing", "diff-still", d.still_failing)}
    }
    .into_any();
    shell("Scan diff", chrome, body, None)
}
