//! Compliance per framework, and the check catalogue.

use crate::components::*;
use crate::model::{CheckDetail, CheckInfo, Chrome, ComplianceData, ControlCell};
use crate::util::{enc, framework_short, service_name, url};
use leptos::prelude::*;

/// A status as people read it in a cell.
fn status_label(status: &str) -> &str {
    match status {
        "not_applicable" => "n/a",
        "not_covered" => "not covered",
        "unscanned" => "not scanned",
        other => other,
    }
}

/// The text of one account's cell.
fn cell_text(cell: &ControlCell) -> String {
    match cell.status.as_str() {
        "pass" => "✔ pass".to_owned(),
        "fail" => format!("✘ {}", cell.failed),
        "error" => format!("? {}", cell.errored),
        "muted" => format!("muted {}", cell.muted),
        other => status_label(other).to_owned(),
    }
}

pub fn render(chrome: &Chrome, data: ComplianceData) -> String {
    let tabs = data
        .frameworks
        .iter()
        .map(|(key, title)| {
            let href = url("/compliance", &[("framework", Some(key.clone()))]);
            let class = if *key == data.framework {
                "tab active"
            } else {
                "tab"
            };
            view! { <a href=href class=class>{title.clone()}</a> }
        })
        .collect_view();
    let summary = data
        .summary
        .iter()
        .map(|(status, n)| {
            let class = format!("chip verdict-{status}");
            view! { <span class=class>{format!("{n} {}", status_label(status))}</span>" " }
        })
        .collect_view();
    let heads = data
        .accounts
        .iter()
        .map(|(id, name)| {
            let href = account_href(id);
            view! { <th class="account-col"><a href=href title=id.clone()>{name.clone()}</a></th> }
        })
        .collect_view();
    let framework = data.framework.clone();
    let accounts = data.accounts.clone();
    let mut section = String::new();
    let columns = accounts.len() + 1;
    let rows = data
        .controls
        .iter()
        .map(|c| {
            let heading = (c.section != section).then(|| {
                section = c.section.clone();
                view! { <tr class="section"><th colspan=columns.to_string()>{c.section.clone()}</th></tr> }
            });
            let checks = c
                .checks
                .iter()
                .map(|(id, title)| {
                    let href = format!("/checks/{}", enc(id));
                    view! { <div class="sub"><a href=href>{title.clone()}</a></div> }
                })
                .collect_view();
            let note = c.note.clone().map(|n| view! { <div class="sub note">{n}</div> });
            let kind = (c.kind != "automated")
                .then(|| view! { " "<span class=format!("chip verdict-{}", c.kind)>{status_label(&c.kind).to_owned()}</span> });
            let cells = c
                .cells
                .iter()
                .zip(accounts.iter())
                .map(|(cell, (account, _))| {
                    let class = format!("verdict verdict-{}", cell.status);
                    let title = format!(
                        "{}: {} passed, {} failed, {} errors, {} muted",
                        status_label(&cell.status), cell.passed, cell.failed, cell.errored, cell.muted
                    );
                    let text = cell_text(cell);
                    if c.checks.is_empty() {
                        view! { <td class=class title=title>{text}</td> }.into_any()
                    } else {
                        let href = url(
                            "/findings",
                            &[
                                ("account", Some(account.clone())),
                                ("control", Some(format!("{framework}:{}", c.control))),
                                ("status", Some("any".into())),
                            ],
                        );
                        view! { <td class=class title=title><a href=href>{text}</a></td> }.into_any()
                    }
                })
                .collect_view();
            view! {
                {heading}
                <tr>
                    <th scope="row"><span class="control">{c.control.clone()}</span>" "{c.title.clone()}{kind}{note}{checks}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let passing: Vec<String> = (0..data.accounts.len())
        .map(|i| {
            let (mut pass, mut evaluated) = (0, 0);
            for c in &data.controls {
                if let Some(cell) = c.cells.get(i) {
                    match cell.status.as_str() {
                        "pass" => {
                            pass += 1;
                            evaluated += 1;
                        }
                        "fail" | "error" | "muted" => evaluated += 1,
                        _ => {}
                    }
                }
            }
            format!("{pass}/{evaluated}")
        })
        .collect();
    let totals = passing
        .into_iter()
        .map(|t| view! { <td class="num">{t}</td> })
        .collect_view();
    let title = data.framework_title.clone();
    let pdf = url(
        "/reports/compliance.pdf",
        &[("framework", Some(data.framework.clone()))],
    );
    let html = url(
        "/reports/compliance.html",
        &[("framework", Some(data.framework.clone()))],
    );
    let body = view! {
        <div class="page-head">
            <h1>"Compliance"</h1>
            <div class="actions">
                <a class="button secondary" href=pdf download="" title="The report of this framework for the accounts you see: summary, controls, failed findings with evidence, coverage">"Report (PDF)"</a>
                <a class="button secondary" href=html download="" title="The same report as one HTML file, readable offline">"Report (HTML)"</a>
            </div>
        </div>
        <nav class="tabs">{tabs}</nav>
        <h2>{data.framework_title.clone()}</h2>
        <p class="muted">{data.framework_scope.clone()}" "<a href=data.framework_source.clone()>"The standard"</a>" (version "{data.framework_version.clone()}")."</p>
        <p class="summary">"Controls, by their worst status across these accounts: "{summary}</p>
        <p class="muted">"Each cell: the control in the account's latest scan (✔ every finding of its checks passes, ✘ failures, ? could not be evaluated, n/a its checks found nothing to judge, manual and not covered controls need checking outside Rampart and never count as passed). Click a cell for the findings."</p>
        <div class="scroll">
            <table class="grid compliance">
                <thead><tr><th>"Control"</th>{heads}</tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr><th>"Controls passing"</th>{totals}</tr></tfoot>
            </table>
        </div>
    }
    .into_any();
    shell(&title, chrome, body, None)
}

fn compliance_list(info: &CheckInfo) -> String {
    info.compliance
        .iter()
        .flat_map(|(fw, ids)| {
            ids.iter()
                .map(move |id| format!("{} {id}", framework_short(fw)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn render_checks(chrome: &Chrome, checks: Vec<CheckInfo>) -> String {
    let rows = checks
        .into_iter()
        .map(|c| {
            let href = format!("/checks/{}", enc(&c.id));
            let controls = compliance_list(&c);
            view! {
                <tr>
                    <td><a href=href>{c.title.clone()}</a><div class="sub"><code>{c.id.clone()}</code></div></td>
                    <td>{service_name(&c.service).to_owned()}</td>
                    <td><SeverityBadge severity=c.severity.clone()/></td>
                    <td class="controls">{controls}</td>
                </tr>
            }
        })
        .collect_view();
    let body = view! {
        <div class="page-head"><h1>"Checks"</h1></div>
        <table class="grid">
            <thead><tr><th>"Check"</th><th>"Service"</th><th>"Severity"</th><th>"Controls"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any();
    shell("Checks", chrome, body, None)
}

pub fn render_check(chrome: &Chrome, d: CheckDetail) -> String {
    let c = d.check.clone();
    let rows = d
        .accounts
        .iter()
        .map(|(id, name, passed, failed, errored)| {
            let href = url("/findings", &[("account", Some(id.clone())), ("check", Some(c.id.clone())), ("status", Some("any".into()))]);
            view! {
                <tr>
                    <td><a href=href>{name.clone()}</a><div class="sub">{id.clone()}</div></td>
                    <td class="num">{*passed}</td>
                    <td class={if *failed > 0 { "num sev-text-high" } else { "num zero" }}>{*failed}</td>
                    <td class="num">{*errored}</td>
                </tr>
            }
        })
        .collect_view();
    let title = c.title.clone();
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/checks">"Checks"</a>" / "</div>
                <h1>{c.title.clone()}</h1>
                <SeverityBadge severity=c.severity.clone()/>
                " "<code>{c.id.clone()}</code>" · "{service_name(&c.service).to_owned()}
            </div>
        </div>
        <CheckAbout check=c.clone()/>
        <section>
            <h2>"Latest results per account"</h2>
            <table class="grid">
                <thead><tr><th>"Account"</th><th class="num">"Passed"</th><th class="num">"Failed"</th><th class="num">"Errors"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any();
    shell(&title, chrome, body, None)
}
