//! The findings explorer and a finding's detail.

use crate::components::*;
use crate::model::{Chrome, FindingDetail, FindingQuery, FindingRow, FindingsData};
use crate::util::{framework_short, region_label, service_name, url, when, when_opt};
use leptos::prelude::*;

/// The query as (key, value) pairs, page excluded, for building links.
pub fn query_pairs(q: &FindingQuery) -> Vec<(String, Option<String>)> {
    vec![
        ("account".into(), q.account.clone()),
        ("scan".into(), q.scan.map(|s| s.to_string())),
        ("service".into(), q.service.clone()),
        ("severity".into(), q.severity.clone()),
        ("status".into(), q.status.clone()),
        ("check".into(), q.check.clone()),
        ("control".into(), q.control.clone()),
        ("region".into(), q.region.clone()),
        ("q".into(), q.q.clone()),
        ("sort".into(), q.sort.clone()),
        ("dir".into(), q.dir.clone()),
        ("per_page".into(), q.per_page.map(|p| p.to_string())),
    ]
}

fn link(path: &str, pairs: &[(String, Option<String>)]) -> String {
    let params: Vec<(&str, Option<String>)> =
        pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    url(path, &params)
}

pub fn render(chrome: &Chrome, data: FindingsData) -> String {
    let q = data.query.clone();
    let pairs = query_pairs(&q);
    let csv = link("/export/findings.csv", &pairs);
    let json = link("/export/findings.json", &pairs);
    let ocsf = link("/export/findings.ocsf.json", &pairs);
    let asff = link("/export/findings.asff.json", &pairs);
    let api = link("/api/findings", &pairs);
    let status_value = q.status.clone().unwrap_or_else(|| "FAIL".into());
    let selected_for = |name: &str| -> Option<String> {
        match name {
            "severity" => q.severity.clone(),
            "status" => Some(status_value.clone()).filter(|s| s != "any"),
            "service" => q.service.clone(),
            "account" => q.account.clone(),
            "region" => q.region.clone(),
            "check" => q.check.clone(),
            _ => None,
        }
    };
    let facets = data
        .facets
        .iter()
        .cloned()
        .map(|f| {
            let selected = selected_for(&f.name);
            view! { <FacetList facet=f selected=selected base=pairs.clone()/> }
        })
        .collect_view();
    let account_options = data
        .accounts
        .iter()
        .map(|(id, name)| {
            let selected = q.account.as_deref() == Some(id.as_str());
            view! { <option value=id.clone() selected=selected>{format!("{name} ({id})")}</option> }
        })
        .collect_view();
    let control_options = data
        .controls
        .iter()
        .map(|c| {
            let selected = q.control.as_deref() == Some(c.as_str());
            let label = match c.split_once(':') {
                Some((fw, id)) => format!("{} {id}", framework_short(fw)),
                None => c.clone(),
            };
            view! { <option value=c.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let opt = |value: &'static str, label: &'static str, current: Option<&str>| {
        let selected = current == Some(value);
        view! { <option value=value selected=selected>{label}</option> }
    };
    let sev = q.severity.clone();
    let svc = q.service.clone();
    let sort = q.sort.clone();
    let service_options = rampart_engine::inventory::Service::ALL
        .into_iter()
        .map(|s| opt(s.as_str(), s.label(), svc.as_deref()))
        .collect_view();
    let rows = if data.rows.is_empty() {
        view! { <tr><td colspan="7" class="empty">"No finding matches these filters."</td></tr> }
            .into_any()
    } else {
        data.rows
            .into_iter()
            .map(finding_row)
            .collect_view()
            .into_any()
    };
    let pager_base = link("/findings", &pairs);
    // One check of one account: offer to mute it (every resource, or a pattern).
    let mute = match (&q.account, &q.check) {
        (Some(account), Some(check))
            if data.can_mute && !account.is_empty() && !check.is_empty() =>
        {
            let summary = format!("Mute {check} in account {account}…");
            Some(view! {
                <details class="mute">
                    <summary>{summary}</summary>
                    <MuteForm csrf=chrome.csrf.clone() account=account.clone() check=check.clone() resource=String::new() next=pager_base.clone()/>
                </details>
            })
        }
        _ => None,
    };
    let body = view! {
        <div class="page-head">
            <h1>"Findings"</h1>
            <div class="actions">
                <a class="button secondary" href=csv download="">"Export CSV"</a>
                <a class="button secondary" href=json>"Export JSON"</a>
                <a class="button secondary" href=ocsf title="OCSF 1.4.0 Detection Findings">"OCSF"</a>
                <a class="button secondary" href=asff title="AWS Security Finding Format, for Security Hub">"ASFF"</a>
                <a class="button secondary" href=api>"API"</a>
            </div>
        </div>
        <form method="get" action="/findings" class="filters" id="filters">
            <label>"Account "
                <select name="account"><option value="">"all"</option>{account_options}</select>
            </label>
            <label>"Severity "
                <select name="severity">
                    <option value="">"any"</option>
                    {opt("critical", "critical", sev.as_deref())}
                    {opt("high", "high", sev.as_deref())}
                    {opt("medium", "medium", sev.as_deref())}
                    {opt("low", "low", sev.as_deref())}
                    {opt("informational", "informational", sev.as_deref())}
                </select>
            </label>
            <label>"Status "
                <select name="status">
                    {opt("FAIL", "FAIL", Some(status_value.as_str()))}
                    {opt("MUTED", "MUTED", Some(status_value.as_str()))}
                    {opt("ERROR", "ERROR", Some(status_value.as_str()))}
                    {opt("PASS", "PASS", Some(status_value.as_str()))}
                    {opt("any", "any", Some(status_value.as_str()))}
                </select>
            </label>
            <label>"Service "
                <select name="service">
                    <option value="">"any"</option>
                    {service_options}
                </select>
            </label>
            <label>"Control "
                <select name="control"><option value="">"any"</option>{control_options}</select>
            </label>
            <label>"Check " <input type="text" name="check" size="8" value=q.check.clone().unwrap_or_default() placeholder="iam_root_mfa_enabled"/></label>
            <label>"Region " <input type="text" name="region" size="10" value=q.region.clone().unwrap_or_default() placeholder="us-east-1"/></label>
            <label>"Text " <input type="search" name="q" value=q.q.clone().unwrap_or_default() placeholder="resource, message"/></label>
            <label>"Sort "
                <select name="sort">
                    {opt("severity", "severity", sort.as_deref().or(Some("severity")))}
                    {opt("account", "account", sort.as_deref())}
                    {opt("check", "check", sort.as_deref())}
                    {opt("resource", "resource", sort.as_deref())}
                    {opt("region", "region", sort.as_deref())}
                </select>
            </label>
            <button type="submit">"Filter"</button>
            <a href="/findings" class="reset">"Reset"</a>
        </form>
        {mute}
        <div class="explorer">
            <aside class="facets" aria-label="Facets">{facets}</aside>
            <div class="results">
                <table class="grid findings">
                    <thead>
                        <tr><th>"Severity"</th><th>"Status"</th><th>"Check"</th><th>"Resource"</th><th>"Region"</th><th>"Account"</th><th>"Controls"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <Pager page=data.page per_page=data.per_page total=data.total base=pager_base/>
            </div>
        </div>
    }
    .into_any();
    shell("Findings", chrome, body, None)
}

/// The first few controls of a finding, and how many more (the detail page lists them all).
fn controls_text(controls: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = controls
        .iter()
        .take(SHOWN)
        .map(|c| match c.split_once(':') {
            Some((fw, id)) => format!("{} {id}", framework_short(fw)),
            None => c.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if controls.len() > SHOWN {
        text.push_str(&format!(" +{} more", controls.len() - SHOWN));
    }
    text
}

/// One finding in a table (also used by the diff page).
pub fn finding_row(r: FindingRow) -> impl IntoView {
    let href = format!("/findings/{}", r.key_id);
    let account_href = account_href(&r.account_id);
    let controls = controls_text(&r.controls);
    view! {
        <tr>
            <td><SeverityBadge severity=r.severity.clone()/></td>
            <td title=r.mute.as_ref().map(|m| format!("muted until {}: {}", m.expires_at, m.reason))><StatusBadge status=r.status.clone()/></td>
            <td>
                <a href=href class="finding-link">{r.title.clone()}</a>
                <div class="sub"><code>{r.check_id.clone()}</code>" · "{service_name(&r.service).to_owned()}</div>
            </td>
            <td class="wrap"><code>{r.resource_arn.clone()}</code><div class="sub">{r.message.clone()}</div></td>
            <td>{region_label(&r.region).to_owned()}</td>
            <td><a href=account_href>{r.account_name.clone()}</a></td>
            <td class="controls">{controls}</td>
        </tr>
    }
}

pub fn render_detail(chrome: &Chrome, d: FindingDetail) -> String {
    let f = d.finding.clone();
    let evidence = serde_json::to_string_pretty(&d.evidence).unwrap_or_default();
    let check = d.check.clone();
    let check_href = format!("/checks/{}", crate::util::enc(&f.check_id));
    let account_href = account_href(&f.account_id);
    let about = match check {
        Some(c) => view! { <CheckAbout check=c/> }.into_any(),
        None => view! { <p class="muted">"This check is not known to this version of Rampart (imported from another version)."</p> }.into_any(),
    };
    let history = d
        .history
        .iter()
        .map(|h| {
            let scan_href = format!("/scans/{}", h.scan_id);
            view! {
                <tr>
                    <td><a href=scan_href>{format!("#{}", h.scan_id)}</a></td>
                    <td>{when(&h.at)}</td>
                    <td><StatusBadge status=h.status.clone()/></td>
                    <td class="wrap">{h.message.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let resolved = d.resolved_at.clone().map(
        |t| view! { <span class="badge status-pass">{format!("resolved {}", when(&t))}</span> },
    );
    let next = format!("/findings/{}", f.key_id);
    let acceptance = match (f.mute.clone(), f.status.as_str(), d.can_mute) {
        (Some(m), _, can_mute) => Some(view! {
            <section>
                <h2>"Risk accepted"</h2>
                <MuteRecord mute=m csrf=chrome.csrf.clone() can_mute=can_mute next=next.clone()/>
            </section>
        }.into_any()),
        (None, "FAIL", true) => Some(view! {
            <section>
                <details class="mute">
                    <summary>"Accept this risk (mute)…"</summary>
                    <MuteForm csrf=chrome.csrf.clone() account=f.account_id.clone() check=f.check_id.clone() resource=f.resource_arn.clone() next=next.clone()/>
                </details>
            </section>
        }.into_any()),
        _ => None,
    };
    let title = f.title.clone();
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/findings">"Findings"</a>" / "</div>
                <h1>{f.title.clone()}</h1>
                <div class="badges">
                    <SeverityBadge severity=f.severity.clone()/>
                    " "<StatusBadge status=f.status.clone()/>
                    " "{resolved}
                </div>
            </div>
        </div>
        <dl class="facts">
            <dt>"Resource"</dt><dd><code>{f.resource_arn.clone()}</code>" ("{f.resource_type.clone()}")"</dd>
            <dt>"Account"</dt><dd><a href=account_href>{f.account_name.clone()}</a>" ("{f.account_id.clone()}")"</dd>
            <dt>"Region"</dt><dd>{region_label(&f.region).to_owned()}</dd>
            <dt>"Check"</dt><dd><a href=check_href><code>{f.check_id.clone()}</code></a>" · "{service_name(&f.service).to_owned()}</dd>
            <dt>"Result"</dt><dd>{f.message.clone()}</dd>
            <dt>"First seen"</dt><dd>{when(&d.first_seen_at)}</dd>
            <dt>"First failed"</dt><dd>{when_opt(d.first_failed_at.as_deref())}</dd>
            <dt>"Last seen"</dt><dd>{when(&d.last_seen_at)}</dd>
        </dl>
        {acceptance}
        <section>
            <h2>"Evidence"</h2>
            <pre class="evidence"><code>{evidence}</code></pre>
        </section>
        {about}
        <section>
            <h2>"History across scans"</h2>
            <table class="grid">
                <thead><tr><th>"Scan"</th><th>"Collected"</th><th>"Status"</th><th>"Result"</th></tr></thead>
                <tbody>{history}</tbody>
            </table>
        </section>
    }
    .into_any();
    shell(&title, chrome, body, None)
}
