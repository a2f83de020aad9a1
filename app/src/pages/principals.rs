//! IAM principals of an account: the list with what the policy analyses found, and one
//! principal's effective permissions by service and access level, its escalation paths and
//! their graph (server-rendered SVG).

use crate::components::*;
use crate::model::{Chrome, GraphView, PrincipalData, PrincipalRow, PrincipalsData};
use crate::util::{enc, url};
use leptos::prelude::*;

fn principal_href(account: &str, arn: &str) -> String {
    url(
        &format!("/accounts/{}/principal", enc(account)),
        &[("arn", Some(arn.to_owned()))],
    )
}

fn flags(p: &PrincipalRow) -> impl IntoView + use<> {
    let admin = p
        .admin
        .then(|| view! { <span class="badge sev-critical">"admin-equivalent"</span>" " });
    let paths = (p.escalation_paths > 0).then(|| {
        view! { <span class="badge sev-high">{format!("{} escalation path(s)", p.escalation_paths)}</span>" " }
    });
    let exposure = p
        .exposure
        .clone()
        .map(|e| view! { <span class="badge sev-medium">{e}</span> });
    view! { {admin}{paths}{exposure} }
}

pub fn render_list(chrome: &Chrome, data: PrincipalsData) -> String {
    let a = data.account.clone();
    let rows = data
        .principals
        .iter()
        .map(|p| {
            let href = principal_href(&a.id, &p.arn);
            view! {
                <tr>
                    <td>{p.kind.clone()}</td>
                    <td><a href=href>{p.name.clone()}</a></td>
                    <td>{flags(p)}</td>
                    <td class="num">{p.allowed_actions}</td>
                    <td class="num">{p.unrestricted_actions}</td>
                </tr>
            }
        })
        .collect_view();
    let problems = (!data.problems.is_empty()).then(|| {
        let items = data
            .problems
            .iter()
            .map(|(label, e)| view! { <li><code>{label.clone()}</code>": "{e.clone()}</li> })
            .collect_view();
        view! {
            <h2>"Documents that could not be analysed"</h2>
            <ul class="errors">{items}</ul>
        }
    });
    let title = format!("{} · principals", a.name);
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs"><a href="/">"Overview"</a>" / "<a href=account_href(&a.id)>{a.name.clone()}</a>" / "</div>
                <h1>"IAM principals"</h1>
                <p class="muted">{format!("From scan #{}: effective permissions evaluated the way AWS evaluates policies (boundaries and explicit denies applied).", data.scan_id)}</p>
            </div>
        </div>
        <table class="grid">
            <thead><tr><th>"Kind"</th><th>"Name"</th><th>"Analysis"</th><th class="num">"Allowed actions"</th><th class="num">"On every resource"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {problems}
    }
    .into_any();
    shell(&title, chrome, body, None)
}

pub fn render_one(chrome: &Chrome, data: PrincipalData) -> String {
    let a = data.account.clone();
    let p = data.principal.clone();
    let list_href = format!("/accounts/{}/principals", enc(&a.id));
    let policies = data
        .policies
        .iter()
        .map(|(label, via)| view! { <li><code>{label.clone()}</code>" "<span class="muted">{format!("({via})")}</span></li> })
        .collect_view();
    let boundary = data
        .boundary
        .clone()
        .map(|b| view! { <p>"Permissions boundary: "<code>{b}</code></p> });
    let services = data
        .by_service
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td>{s.service.clone()}</td>
                    <td class="num">{s.list}</td>
                    <td class="num">{s.read}</td>
                    <td class="num">{s.write}</td>
                    <td class="num">{s.permissions_management}</td>
                    <td class="num">{s.tagging}</td>
                    <td class="num">{s.total()}</td>
                </tr>
            }
        })
        .collect_view();
    let admin = (!data.admin_evidence.is_empty()).then(|| {
        let items = data
            .admin_evidence
            .iter()
            .map(|e| view! { <li>{e.clone()}</li> })
            .collect_view();
        view! { <h2>"Admin-equivalent"</h2><ul>{items}</ul> }
    });
    let exposures = (!data.exposures.is_empty()).then(|| {
        let items = data
            .exposures
            .iter()
            .map(|e| view! { <li>{e.clone()}</li> })
            .collect_view();
        view! { <h2>"Who can assume it"</h2><ul>{items}</ul> }
    });
    let paths = data
        .paths
        .iter()
        .map(|path| {
            let steps = path
                .steps
                .iter()
                .map(|s| {
                    view! {
                        <li>
                            <strong>{s.technique.clone()}</strong>" on "<code>{s.target.clone()}</code>
                            " using "<code>{s.actions.join(", ")}</code>
                            <div class="muted">"granted by "{s.granted_by.join("; ")}</div>
                        </li>
                    }
                })
                .collect_view();
            view! { <li>"→ "<code>{path.reaches.clone()}</code><ol>{steps}</ol></li> }
        })
        .collect_view();
    let graph = (!data.graph.edges.is_empty()).then(|| escalation_svg(&data.graph));
    let title = format!("{} · {}", p.name, a.name);
    let body = view! {
        <div class="page-head">
            <div>
                <div class="crumbs">
                    <a href="/">"Overview"</a>" / "<a href=account_href(&a.id)>{a.name.clone()}</a>" / "
                    <a href=list_href>"Principals"</a>" / "
                </div>
                <h1>{format!("{} {}", p.kind, p.name)}</h1>
                <p><code>{p.arn.clone()}</code></p>
                <p>{flags(&p)}</p>
            </div>
        </div>
        {admin}
        {exposures}
        <h2>"Effective permissions"</h2>
        <p class="muted">{format!("{} actions allowed, {} of them on every resource.", p.allowed_actions, p.unrestricted_actions)}</p>
        <table class="grid">
            <thead><tr><th>"Service"</th><th class="num">"List"</th><th class="num">"Read"</th><th class="num">"Write"</th><th class="num">"Permissions mgmt"</th><th class="num">"Tagging"</th><th class="num">"Total"</th></tr></thead>
            <tbody>{services}</tbody>
        </table>
        <h2>"Privilege-escalation paths"</h2>
        {graph}
        <ol class="paths">{paths}</ol>
        <h2>"Policies"</h2>
        <ul>{policies}</ul>
        {boundary}
    }
    .into_any();
    shell(&title, chrome, body, None)
}

const NODE_W: usize = 220;
const NODE_H: usize = 36;
const COL_GAP: usize = 90;
const ROW_GAP: usize = 24;

/// The escalation graph as SVG: one column per step, arrows labelled with the technique.
fn escalation_svg(g: &GraphView) -> impl IntoView + use<> {
    let columns = g.nodes.iter().map(|n| n.column + 1).max().unwrap_or(1);
    let rows = g.nodes.iter().map(|n| n.row + 1).max().unwrap_or(1);
    let width = columns * (NODE_W + COL_GAP);
    let height = rows * (NODE_H + ROW_GAP) + ROW_GAP;
    let pos = |id: &str| {
        g.nodes.iter().find(|n| n.id == id).map(|n| {
            (
                n.column * (NODE_W + COL_GAP) + 10,
                n.row * (NODE_H + ROW_GAP) + ROW_GAP,
            )
        })
    };
    let edges = g
        .edges
        .iter()
        .filter_map(|e| {
            let (x1, y1) = pos(&e.from)?;
            let (x2, y2) = pos(&e.to)?;
            let (x1, y1) = (x1 + NODE_W, y1 + NODE_H / 2);
            let (x2, y2) = (x2, y2 + NODE_H / 2);
            let (lx, ly) = ((x1 + x2) / 2, (y1 + y2) / 2 - 4);
            Some(view! {
                <g class="edge">
                    <line x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"/>
                    <text x=lx y=ly text-anchor="middle">{e.label.clone()}</text>
                </g>
            })
        })
        .collect_view();
    let nodes = g
        .nodes
        .iter()
        .map(|n| {
            let x = n.column * (NODE_W + COL_GAP) + 10;
            let y = n.row * (NODE_H + ROW_GAP) + ROW_GAP;
            let label: String = if n.label.chars().count() > 30 {
                format!(
                    "…{}",
                    n.label
                        .chars()
                        .rev()
                        .take(29)
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect::<String>()
                )
            } else {
                n.label.clone()
            };
            view! {
                <g class=format!("node node-{}", n.role)>
                    <title>{n.id.clone()}</title>
                    <rect x=x y=y width=NODE_W height=NODE_H rx="6"/>
                    <text x=x + NODE_W / 2 y=y + NODE_H / 2 + 4 text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="graph" role="img" aria-label="privilege-escalation graph" width=width + 20 height=height viewBox=format!("0 0 {} {height}", width + 20)>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z"/>
                </marker>
            </defs>
            {edges}
            {nodes}
        </svg>
    }
}
