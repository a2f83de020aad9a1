//! The overview: every account at a glance.

use crate::components::*;
use crate::model::{AccountRow, Chrome, OverviewData};
use crate::util::{score, score_class, url, when_opt};
use leptos::prelude::*;

pub fn render(chrome: &Chrome, data: OverviewData) -> String {
    let running = data.accounts.iter().any(|a| a.running.is_some());
    let q = data.query.clone();
    let sort_link = move |key: &str, label: &'static str| {
        let current = q.sort.as_deref().unwrap_or("score") == key;
        let dir = if current && q.dir.as_deref() != Some("desc") {
            "desc"
        } else {
            "asc"
        };
        let href = url(
            "/",
            &[
                ("q", q.q.clone()),
                ("environment", q.environment.clone()),
                ("sort", Some(key.to_owned())),
                ("dir", Some(dir.to_owned())),
            ],
        );
        let mark = if current {
            if q.dir.as_deref() == Some("desc") {
                " ▼"
            } else {
                " ▲"
            }
        } else {
            ""
        };
        view! { <a href=href class="sort">{label}{mark}</a> }
    };
    let env_options = data
        .environments
        .iter()
        .map(|e| {
            let selected = data.query.environment.as_deref() == Some(e.as_str());
            view! { <option value=e.clone() selected=selected>{e.clone()}</option> }
        })
        .collect_view();
    let pager = (data.total_accounts > data.per_page).then(|| {
        let base = url(
            "/",
            &[
                ("q", data.query.q.clone()),
                ("environment", data.query.environment.clone()),
                ("sort", data.query.sort.clone()),
                ("dir", data.query.dir.clone()),
            ],
        );
        view! { <Pager page=data.page per_page=data.per_page total=data.total_accounts base=base noun="accounts"/> }
    });
    let rows = data.accounts.into_iter().map(account_row).collect_view();
    let org = data.org_score;
    let body = view! {
        <div class="page-head">
            <h1>"Organisation overview"</h1>
            <div class="org-score">
                <span class="label">"Organisation score"</span>
                <span class=score_class(org)>{score(org)}</span>
            </div>
            <div class="org-failed">
                <span class="label">"Failed findings"</span>
                <SeverityBar counts=data.failed width=220/>
                <span class="muted">{format!("{} critical · {} high · {} medium · {} low", data.failed.critical, data.failed.high, data.failed.medium, data.failed.low)}</span>
                {(data.muted > 0).then(|| view! { <a class="muted" href="/findings?status=MUTED">{format!(" · {} muted", data.muted)}</a> })}
            </div>
        </div>
        <form method="get" action="/" class="filters">
            <label>"Search " <input type="search" name="q" value=data.query.q.clone().unwrap_or_default() placeholder="name, id or team"/></label>
            <label>"Environment "
                <select name="environment">
                    <option value="">"all"</option>
                    {env_options}
                </select>
            </label>
            <input type="hidden" name="sort" value=data.query.sort.clone().unwrap_or_default()/>
            <input type="hidden" name="dir" value=data.query.dir.clone().unwrap_or_default()/>
            <button type="submit">"Apply"</button>
            <a href="/" class="reset">"Reset"</a>
        </form>
        <table class="grid accounts">
            <thead>
                <tr>
                    <th>{sort_link("name", "Account")}</th>
                    <th>"Environment"</th>
                    <th class="num">{sort_link("score", "Score")}</th>
                    <th>"Trend"</th>
                    <th class="num" title="failed critical">{sort_link("failed", "Crit")}</th>
                    <th class="num">"High"</th>
                    <th class="num">"Med"</th>
                    <th class="num">"Low"</th>
                    <th>{sort_link("last_scan", "Last scan")}</th>
                    <th title="Regions fully covered by CloudTrail / CloudWatch monitoring / AWS Config">"Coverage"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {pager}
    }
    .into_any();
    shell("Overview", chrome, body, running.then_some(5))
}

fn account_row(row: AccountRow) -> impl IntoView {
    let href = account_href(&row.account.id);
    let last = row.last_scan.clone();
    let last_cell = match (&row.running, last) {
        (Some(r), _) => {
            let p = r.progress.clone().unwrap_or_default();
            view! { <span class="badge scan-running">{format!("scanning {}/{}", p.done, p.total)}</span> }.into_any()
        }
        (None, Some(s)) => view! {
            <span>{when_opt(s.collected_at.as_deref())}</span>
            " "
            <ScanStatus status=s.status.clone()/>
        }
        .into_any(),
        (None, None) => view! { <span class="muted">"never scanned"</span> }.into_any(),
    };
    let team = row.account.owner_team.clone();
    view! {
        <tr>
            <td>
                <a href=href class="account-name">{row.account.name.clone()}</a>
                <div class="sub">{row.account.id.clone()}{(!team.is_empty()).then(|| format!(" · {team}"))}</div>
            </td>
            <td>{row.account.environment.clone()}</td>
            <td class="num"><span class=score_class(row.score)>{score(row.score)}</span></td>
            <td><Sparkline points=row.trend.clone()/></td>
            <SeverityCells counts=row.failed/>
            <td>{last_cell}</td>
            <td><CoverageChips summary=row.coverage.clone()/></td>
        </tr>
    }
}
