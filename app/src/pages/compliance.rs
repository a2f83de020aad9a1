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

/// What the grid covers, in words: "All accounts · 6 accounts", "Team payments · 2
/// accounts", "Account acme-production (333344445555)".
pub fn filter_label(data: &ComplianceData) -> String {
    let n = data.accounts.len();
    let count = format!("{n} account{}", if n == 1 { "" } else { "s" });
    match (&data.account, &data.team) {
        (Some(id), team) => {
            let name = data
                .accounts
                .iter()
                .find(|a| &a.0 == id)
                .map_or(id.as_str(), |a| a.1.as_str());
            let team = team
                .as_ref()
                .map(|t| format!(" · team {t}"))
                .unwrap_or_default();
            format!("Account {name} ({id}){team}")
        }
        (None, Some(team)) => format!("Team {team} · {count}"),
        (None, None) => format!("All accounts · {count}"),
    }
}

/// The page's address, or a report's, for `framework` and the current account and team.
fn filtered(path: &str, framework: &str, data: &ComplianceData) -> String {
    url(
        path,
        &[
            ("framework", Some(framework.to_owned())),
            ("account", data.account.clone()),
            ("team", data.team.clone()),
        ],
    )
}

pub fn render(chrome: &Chrome, data: ComplianceData) -> String {
    let tabs = data
        .frameworks
        .iter()
        .map(|(key, title)| {
            let href = filtered("/compliance", key, &data);
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
    let pdf = filtered("/reports/compliance.pdf", &data.framework, &data);
    let html = filtered("/reports/compliance.html", &data.framework, &data);
    let team_options = data
        .team_choices
        .iter()
        .map(|t| {
            let selected = data.team.as_deref() == Some(t.as_str());
            view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
        })
        .collect_view();
    let account_options = data
        .account_choices
        .iter()
        .map(|(id, name, team)| {
            let selected = data.account.as_deref() == Some(id.as_str());
            let label = if team.is_empty() {
                format!("{name} ({id})")
            } else {
                format!("{name} ({id}) · {team}")
            };
            view! { <option value=id.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let reset = url(
        "/compliance",
        &[("framework", Some(data.framework.clone()))],
    );
    let scope = filter_label(&data);
    let body = view! {
        <div class="page-head">
            <h1>"Compliance"</h1>
            <div class="actions">
                <a class="button secondary" href=pdf download="" title="The report of this framework for the accounts shown: summary, controls, failed findings with evidence, coverage">"Report (PDF)"</a>
                <a class="button secondary" href=html download="" title="The same report as one HTML file, readable offline">"Report (HTML)"</a>
            </div>
        </div>
        <nav class="tabs">{tabs}</nav>
        <form method="get" action="/compliance" class="filters" id="compliance-filter">
            <input type="hidden" name="framework" value=data.framework.clone()/>
            <label>"Team "
                <select name="team"><option value="">"all"</option>{team_options}</select>
            </label>
            <label>"Account "
                <select name="account"><option value="">"all"</option>{account_options}</select>
            </label>
            <button type="submit">"Filter"</button>
            <a href=reset class="reset">"Reset"</a>
        </form>
        <h2>{data.framework_title.clone()}</h2>
        <p class="filter-scope" id="filter-scope">{scope}</p>
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
            let muted = d.muted.get(id).copied().unwrap_or(0);
            let muted_cell = if muted > 0 {
                let href = url("/findings", &[("account", Some(id.clone())), ("check", Some(c.id.clone())), ("status", Some("MUTED".into()))]);
                view! { <td class="num"><a href=href>{muted}</a></td> }.into_any()
            } else {
                view! { <td class="num zero">"0"</td> }.into_any()
            };
            view! {
                <tr>
                    <td><a href=href>{name.clone()}</a><div class="sub">{id.clone()}</div></td>
                    <td class="num">{*passed}</td>
                    <td class={if *failed > 0 { "num sev-text-high" } else { "num zero" }}>{*failed}</td>
                    {muted_cell}
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
                <thead><tr><th>"Account"</th><th class="num">"Passed"</th><th class="num">"Failed"</th><th class="num" title="failures accepted as risks (not in Failed, nor in the score)">"Muted"</th><th class="num">"Errors"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any();
    shell(&title, chrome, body, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(
        accounts: &[(&str, &str)],
        account: Option<&str>,
        team: Option<&str>,
    ) -> ComplianceData {
        ComplianceData {
            framework: "cis-aws-3.0".into(),
            account: account.map(str::to_owned),
            team: team.map(str::to_owned),
            account_choices: Vec::new(),
            team_choices: Vec::new(),
            framework_title: String::new(),
            framework_version: String::new(),
            framework_source: String::new(),
            framework_scope: String::new(),
            frameworks: Vec::new(),
            accounts: accounts
                .iter()
                .map(|(id, name)| ((*id).to_owned(), (*name).to_owned()))
                .collect(),
            controls: Vec::new(),
            summary: Vec::new(),
        }
    }

    #[test]
    fn the_filter_label_names_the_team_and_counts_its_accounts() {
        let d = data(
            &[("1", "a"), ("2", "b"), ("3", "c")],
            None,
            Some("payments"),
        );
        assert_eq!(filter_label(&d), "Team payments · 3 accounts");
        let d = data(&[("1", "a")], None, None);
        assert_eq!(filter_label(&d), "All accounts · 1 account");
    }

    #[test]
    fn the_filter_label_names_a_chosen_account_and_its_team() {
        let d = data(&[("111", "prod")], Some("111"), None);
        assert_eq!(filter_label(&d), "Account prod (111)");
        let d = data(&[("111", "prod")], Some("111"), Some("web"));
        assert_eq!(filter_label(&d), "Account prod (111) · team web");
    }

    #[test]
    fn report_links_and_tabs_carry_the_framework_account_and_team_url_encoded() {
        let d = data(&[], Some("111"), Some("a&b c"));
        assert_eq!(
            filtered("/reports/compliance.pdf", "aws-fsbp", &d),
            "/reports/compliance.pdf?framework=aws%2Dfsbp&account=111&team=a%26b%20c"
        );
        let all = data(&[], None, None);
        assert_eq!(
            filtered("/compliance", "hipaa", &all),
            "/compliance?framework=hipaa"
        );
    }

    #[test]
    fn the_check_page_counts_muted_failures_apart_and_links_to_them() {
        let check = CheckInfo {
            id: "s3_bucket_versioning".into(),
            title: "Versioning".into(),
            service: "s3".into(),
            severity: "low".into(),
            rationale: String::new(),
            remediation_console: String::new(),
            remediation_cli: String::new(),
            compliance: Vec::new(),
        };
        let d = CheckDetail {
            check,
            accounts: vec![
                ("111".into(), "prod".into(), 4, 1, 0),
                ("222".into(), "dev".into(), 2, 0, 0),
            ],
            muted: [("111".to_owned(), 3)].into_iter().collect(),
        };
        let html = render_check(&Chrome::default(), d);
        assert!(html.contains(">Muted</th>"), "{html}");
        let muted_href = url(
            "/findings",
            &[
                ("account", Some("111".into())),
                ("check", Some("s3_bucket_versioning".into())),
                ("status", Some("MUTED".into())),
            ],
        )
        .replace('&', "&amp;");
        assert!(
            html.contains(&format!("href=\"{muted_href}\">3</a>")),
            "{html}"
        );
        assert_eq!(
            html.matches("status=MUTED").count(),
            1,
            "only where something is muted"
        );
    }
}
