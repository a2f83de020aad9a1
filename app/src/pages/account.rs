//! One account: score breakdown, the CloudTrail / CloudWatch Logs / Config comparison,
//! recent scans and "Scan now".

use crate::components::*;
use crate::model::{AccountData, Chrome, ServiceBreakdown};
use crate::util::{enc, score, score_class, service_name, url, when, when_opt};
use leptos::prelude::*;
use rampart_engine::coverage::{ApiLoggingCoverage, CAPTURES, Coverage, Level, RegionCoverage};

pub fn render(chrome: &Chrome, data: AccountData) -> String {
    let a = data.account.clone();
    let id = a.id.clone();
    let findings_href = url("/findings", &[("account", Some(id.clone()))]);
    let scans_href = format!("/accounts/{}/scans", enc(&id));
    let principals_href = format!("/accounts/{}/principals", enc(&id));
    let scan_action = format!("/accounts/{}/scan", enc(&id));
    let running = data.running.clone();
    let scan_control = match (&running, a.scannable) {
        (Some(r), _) => {
            let p = r.progress.clone().unwrap_or_default();
            let pct = if p.total > 0 { 100 * p.done / p.total } else { 0 };
            view! {
                <div class="progress" role="status">
                    <span class="badge scan-running">"Scan running"</span>
                    <progress max=p.total.max(1).to_string() value=p.done.to_string()></progress>
                    <span>{format!("{}/{} collection tasks ({pct}%) {}", p.done, p.total, p.label)}</span>
                    <span class="muted">" — this page refreshes itself every few seconds."</span>
                </div>
            }
            .into_any()
        }
        (None, true) => view! { <PostButton action=scan_action csrf=chrome.csrf.clone() label="Scan now"/> }.into_any(),
        (None, false) => view! {
            <span class="muted" title="Add a role_arn for this account in the configuration file to scan it from here">"Scanning needs a role (see configuration)"</span>
        }
        .into_any(),
    };
    let latest = data.latest.clone();
    let summary = match &latest {
        Some(s) => {
            let message =
                (!s.message.is_empty()).then(|| view! { <p class="muted">{s.message.clone()}</p> });
            let scan_href = format!("/scans/{}", s.id);
            view! {
                <div class="cards">
                    <div class="card">
                        <div class="label">"Score"</div>
                        <div class=score_class(s.score)>{score(s.score)}</div>
                        <Sparkline points=data.trend.clone()/>
                    </div>
                    <div class="card">
                        <div class="label">"Findings"</div>
                        <div class="big">{format!("{} failed", s.failed)}</div>
                        <div class="muted">{format!("{} passed · {} could not be evaluated", s.passed, s.errored)}</div>
                        {(s.muted > 0).then(|| {
                            let href = url("/findings", &[("account", Some(id.clone())), ("status", Some("MUTED".into()))]);
                            view! { <div><a href=href>{format!("{} muted (risk accepted, not scored)", s.muted)}</a></div> }
                        })}
                        <SeverityBar counts=s.failed_by_severity width=200/>
                    </div>
                    <div class="card">
                        <div class="label">"Last scan"</div>
                        <div>{when_opt(s.collected_at.as_deref())}" "<ScanStatus status=s.status.clone()/></div>
                        <div class="muted">{format!("{} collection errors · source: {}", s.collection_errors, s.source)}</div>
                        <a href=scan_href>"Scan details"</a>
                        {message}
                    </div>
                </div>
            }
            .into_any()
        }
        None => view! { <p class="empty">"No finished scan yet for this account."</p> }.into_any(),
    };
    let services = breakdown_table(&id, data.by_service.clone());
    let comparison = data
        .coverage
        .clone()
        .map(comparison_table)
        .map(|v| v.into_any())
        .unwrap_or_else(|| {
            view! { <p class="empty">"No coverage data yet (scan the account first)."</p> }
                .into_any()
        });
    let errors = (!data.collection_errors.is_empty()).then(|| {
        let errors = data.collection_errors.clone();
        view! {
            <section>
                <h2>"Collection errors"</h2>
                <p class="muted">"Data Rampart could not read. Checks that needed it report ERROR, never PASS."</p>
                <CollectionErrors errors=errors/>
            </section>
        }
    });
    let meta = format!(
        "{} · {}{}",
        a.id,
        if a.environment.is_empty() {
            "no environment".to_owned()
        } else {
            a.environment.clone()
        },
        if a.owner_team.is_empty() {
            String::new()
        } else {
            format!(" · owned by {}", a.owner_team)
        }
    );
    let export_csv = url(
        "/export/findings.csv",
        &[
            ("account", Some(id.clone())),
            ("status", Some("any".into())),
        ],
    );
    let title = a.name.clone();
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/">"Overview"</a>" / "</div>
                <h1>{a.name.clone()}</h1>
                <div class="muted">{meta}</div>
            </div>
            <div class="actions">
                {scan_control}
                <a class="button secondary" href=findings_href>"Failed findings"</a>
                <a class="button secondary" href=scans_href>"Scan history"</a>
                <a class="button secondary" href=principals_href>"IAM principals"</a>
                <a class="button secondary" href=export_csv>"Export CSV"</a>
            </div>
        </div>
        {summary}
        <section>
            <h2>"By service and severity"</h2>
            {services}
        </section>
        <section>
            <h2 id="comparison">"CloudTrail, CloudWatch Logs and AWS Config, region by region"</h2>
            {comparison}
        </section>
        {errors}
    }
    .into_any();
    shell(&title, chrome, body, running.map(|_| 3))
}

fn breakdown_table(account: &str, rows: Vec<ServiceBreakdown>) -> impl IntoView + use<> {
    if rows.is_empty() {
        return view! { <p class="empty">"No findings."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| {
            let href = url(
                "/findings",
                &[
                    ("account", Some(account.to_owned())),
                    ("service", Some(r.service.clone())),
                ],
            );
            let total = r.passed + r.failed;
            let pct = if total > 0 {
                100.0 * r.passed as f64 / total as f64
            } else {
                100.0
            };
            view! {
                <tr>
                    <td><a href=href>{service_name(&r.service).to_owned()}</a></td>
                    <td class="num">{r.passed}</td>
                    <td class="num">{r.failed}</td>
                    <td class="num">{r.muted}</td>
                    <td class="num">{r.errored}</td>
                    <SeverityCells counts=r.failed_by_severity/>
                    <td class="num">{format!("{pct:.0}%")}</td>
                    <td><SeverityBar counts=r.failed_by_severity width=140/></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th>"Service"</th><th class="num">"Passed"</th><th class="num">"Failed"</th><th class="num" title="Failures with an accepted risk, not scored">"Muted"</th><th class="num">"Errors"</th>
                    <th class="num">"Crit"</th><th class="num">"High"</th><th class="num">"Med"</th><th class="num">"Low"</th>
                    <th class="num">"Pass rate"</th><th>"Failed by severity"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

fn cell(ok: bool) -> impl IntoView {
    view! { <td class={if ok { "ok" } else { "gap" }}><Yes ok=ok/></td> }
}

fn comparison_table(coverage: Coverage) -> impl IntoView {
    let captures = CAPTURES
        .iter()
        .map(|(service, captures, usage)| {
            view! {
                <div class="capture">
                    <h3>{*service}</h3>
                    <p><strong>"Captures: "</strong>{*captures}</p>
                    <p><strong>"Used for: "</strong>{*usage}</p>
                </div>
            }
        })
        .collect_view();
    let rows = coverage.regions.into_iter().map(region_row).collect_view();
    view! {
        <div class="captures">{captures}</div>
        <div class="scroll">
            <table class="grid comparison">
                <thead>
                    <tr>
                        <th rowspan="2">"Region"</th>
                        <th colspan="8" class="group">"CloudTrail"</th>
                        <th colspan="3" class="group">"CloudWatch (CIS 4.x monitoring)"</th>
                        <th colspan="5" class="group">"AWS Config"</th>
                        <th colspan="3" class="group">"API Gateway logging"</th>
                    </tr>
                    <tr>
                        <th>"Coverage"</th><th>"Trails"</th><th>"Logging"</th><th>"Mgmt read / write"</th>
                        <th>"Data events"</th><th>"Validation"</th><th>"KMS"</th><th>"→ CW Logs"</th>
                        <th>"Coverage"</th><th>"Monitors"</th><th>"Subscribed alarms"</th>
                        <th>"Coverage"</th><th>"Recording"</th><th>"All types"</th><th>"Global types"</th><th>"Delivery"</th>
                        <th>"Coverage"</th><th>"Access logs"</th><th>"Execution logs"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn region_row(r: RegionCoverage) -> impl IntoView {
    let ct = r.cloudtrail;
    let cw = r.cloudwatch;
    let cfg = r.config;
    let mut gaps: Vec<String> = Vec::new();
    gaps.extend(ct.gaps.iter().map(|g| format!("CloudTrail: {g}")));
    gaps.extend(cw.gaps.iter().map(|g| format!("CloudWatch: {g}")));
    gaps.extend(cfg.gaps.iter().map(|g| format!("Config: {g}")));
    if let Some(api) = &r.api_logging {
        gaps.extend(api.gaps.iter().map(|g| format!("API Gateway: {g}")));
    }
    let api_cells = api_logging_cells(r.api_logging);
    let monitors_total = cw.monitors_present.len() + cw.monitors_missing.len();
    let missing = if cw.monitors_missing.is_empty() {
        String::new()
    } else {
        format!("missing {}", cw.monitors_missing.join(", "))
    };
    let trails = if ct.trails.is_empty() {
        "none".to_owned()
    } else {
        ct.trails.join(", ")
    };
    let gap_row = (!gaps.is_empty()).then(|| {
        let items = gaps
            .into_iter()
            .map(|g| view! { <li>{g}</li> })
            .collect_view();
        view! { <tr class="gaps"><td></td><td colspan="19"><ul>{items}</ul></td></tr> }
    });
    view! {
        <tr>
            <th scope="row">{r.region.as_str().to_owned()}</th>
            <td><LevelCell level=ct.level/></td>
            <td class="wrap">{trails}</td>
            {cell(ct.logging)}
            <td class={if ct.management_read && ct.management_write { "ok" } else { "gap" }}>
                {format!("{} / {}", if ct.management_read { "yes" } else { "no" }, if ct.management_write { "yes" } else { "no" })}
            </td>
            <td>{if ct.data_events { "yes" } else { "no" }}</td>
            {cell(ct.log_file_validation)}
            {cell(ct.kms_encrypted)}
            {cell(ct.cloudwatch_logs)}
            <td><LevelCell level=cw.level/></td>
            <td class={if cw.monitors_missing.is_empty() { "ok" } else { "gap" }} title=missing>
                {format!("{}/{}", cw.monitors_present.len(), monitors_total)}
            </td>
            <td class="num">{cw.alarms_with_subscribers}</td>
            <td><LevelCell level=cfg.level/></td>
            {cell(cfg.recording)}
            {cell(cfg.all_supported)}
            <td>{if cfg.global_types { "yes" } else { "no" }}</td>
            {cell(cfg.delivery_channel)}
            {api_cells}
        </tr>
        {gap_row}
    }
}

/// The API Gateway logging cells: level, then stages logged out of those that can log.
fn api_logging_cells(api: Option<ApiLoggingCoverage>) -> impl IntoView {
    let Some(api) = api else {
        // Scans made before API Gateway was collected.
        return view! { <td><LevelCell level=Level::Unknown/></td><td></td><td></td> }.into_any();
    };
    let ratio = |done: usize, of: usize| {
        let class = if done == of { "num ok" } else { "num gap" };
        view! { <td class=class>{format!("{done}/{of}")}</td> }
    };
    let counts = (api.stages > 0).then(|| {
        view! {
            {ratio(api.access_logged, api.stages)}
            {ratio(api.execution_logged, api.execution_capable)}
        }
    });
    let empty = (api.stages == 0).then(|| view! { <td></td><td></td> });
    view! { <td><LevelCell level=api.level/></td>{counts}{empty} }.into_any()
}

/// Formats a time for the page title of scans.
pub fn scan_label(at: Option<&str>, id: i64) -> String {
    match at {
        Some(t) => format!("#{id} · {}", when(t)),
        None => format!("#{id}"),
    }
}
