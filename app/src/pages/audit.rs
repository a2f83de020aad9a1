//! `/admin/audit`: the audit log, newest first, filtered by actor and action (admins only;
//! the server refuses everyone else before rendering).

use crate::components::*;
use crate::model::{AuditData, Chrome};
use crate::util::{url, when};
use leptos::prelude::*;

pub fn render(chrome: &Chrome, data: AuditData) -> String {
    let q = data.query.clone();
    let params = [("actor", q.actor.clone()), ("action", q.action.clone())];
    let base = url("/admin/audit", &params);
    let csv = url("/admin/audit.csv", &params);
    let selected = q.action.clone().unwrap_or_default();
    let options = data
        .actions
        .iter()
        .map(|a| {
            view! { <option value=a.clone() selected=*a == selected>{a.clone()}</option> }
        })
        .collect_view();
    let rows = data
        .rows
        .iter()
        .map(|r| {
            let outcome_class = format!("outcome-{}", r.outcome);
            view! {
                <tr>
                    <td class="num">{r.id}</td>
                    <td>{when(&r.at)}</td>
                    <td>{r.actor.clone()}</td>
                    <td>{r.source.clone().unwrap_or_default()}</td>
                    <td>{r.action.clone()}</td>
                    <td>{r.target.clone()}</td>
                    <td class=outcome_class>{r.outcome.clone()}</td>
                    <td class="wrap"><code>{r.detail.to_string()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let body = view! {
        <div class="page-head">
            <div><h1>"Audit log"</h1></div>
            <a href=csv>"Export CSV"</a>
        </div>
        <form method="get" action="/admin/audit" class="filters">
            <label>"Actor "<input type="text" name="actor" value=q.actor.clone().unwrap_or_default()/></label>
            <label>"Action "<select name="action"><option value="">"any"</option>{options}</select></label>
            <button type="submit">"Filter"</button>
        </form>
        <table class="grid">
            <thead><tr><th class="num">"#"</th><th>"When"</th><th>"Actor"</th><th>"From"</th><th>"Action"</th><th>"Target"</th><th>"Outcome"</th><th>"Detail"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager page=data.page per_page=data.per_page total=data.total base=base noun="events"/>
    }
    .into_any();
    shell("Audit log", chrome, body, None)
}
