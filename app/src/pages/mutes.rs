//! Mutes (risk acceptance): those in force and those expired, with unmute buttons.

use crate::components::*;
use crate::model::{Chrome, MuteInfo, MutesData};
use crate::util::{url, when};
use leptos::prelude::*;
use std::collections::HashMap;

pub fn render(chrome: &Chrome, data: MutesData) -> String {
    let names: HashMap<String, String> = data.accounts.iter().cloned().collect();
    let table = |mutes: Vec<MuteInfo>, empty: &'static str| {
        if mutes.is_empty() {
            return view! { <p class="empty">{empty}</p> }.into_any();
        }
        let rows = mutes
            .into_iter()
            .map(|m| mute_row(m, &names, &chrome.csrf, data.can_mute))
            .collect_view();
        view! {
            <table class="grid mutes">
                <thead>
                    <tr><th>"Account"</th><th>"Check"</th><th>"Resources"</th><th>"Reason"</th><th>"Owner"</th><th>"Expires"</th><th>"Muted by"</th><th></th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let active = table(data.active, "No mute is in force.");
    let expired = table(data.expired, "No expired mute.");
    let body = view! {
        <div class="page-head">
            <h1>"Mutes"</h1>
            <div class="actions">
                <a class="button secondary" href="/findings?status=MUTED">"Muted findings"</a>
                <a class="button secondary" href="/api/mutes">"API"</a>
            </div>
        </div>
        <p class="muted">"A mute accepts the risk of failing findings of one check in one account (all its resources, or those matching an ARN pattern) for a while, with a reason and an owner. Muted findings show as MUTED, leave the score and are counted apart; they come back as FAIL when the mute expires. Mute from a finding's page, or from the findings of one check in one account. Mutes kept in version control are applied with "<code>"rampart mutes apply FILE"</code>"."</p>
        <section>
            <h2>"In force"</h2>
            {active}
        </section>
        <section>
            <h2>"Expired"</h2>
            {expired}
        </section>
    }
    .into_any();
    shell("Mutes", chrome, body, None)
}

fn mute_row(
    m: MuteInfo,
    names: &HashMap<String, String>,
    csrf: &str,
    can_mute: bool,
) -> impl IntoView {
    let name = names
        .get(&m.account_id)
        .cloned()
        .unwrap_or_else(|| m.account_id.clone());
    let findings = url(
        "/findings",
        &[
            ("account", Some(m.account_id.clone())),
            ("check", Some(m.check_id.clone())),
            ("status", Some("any".into())),
        ],
    );
    let resources = match &m.resource {
        Some(p) => view! { <code>{p.clone()}</code> }.into_any(),
        None => view! { <span class="muted">"every resource"</span> }.into_any(),
    };
    let action = if m.source == "file" {
        view! { <span class="muted" title="Change it in the mutes file and run rampart mutes apply">"mutes file"</span> }.into_any()
    } else if can_mute {
        let remove = format!("/mutes/{}/remove", m.id);
        let label = if m.active { "Unmute" } else { "Delete" };
        view! {
            <form method="post" action=remove class="inline">
                <input type="hidden" name="csrf" value=csrf.to_owned()/>
                <input type="hidden" name="next" value="/mutes"/>
                <button type="submit" class="button secondary">{label}</button>
            </form>
        }
        .into_any()
    } else {
        view! { <span></span> }.into_any()
    };
    view! {
        <tr>
            <td><a href=account_href(&m.account_id)>{name}</a><div class="sub">{m.account_id.clone()}</div></td>
            <td><a href=findings><code>{m.check_id.clone()}</code></a></td>
            <td class="wrap">{resources}</td>
            <td class="wrap">{m.reason.clone()}</td>
            <td>{m.owner.clone()}</td>
            <td>{when(&m.expires_at)}</td>
            <td>{m.created_by.clone()}<div class="sub">{when(&m.created_at)}</div></td>
            <td>{action}</td>
        </tr>
    }
}
