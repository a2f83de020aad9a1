//! Building blocks of the pages: the document shell, badges, server-rendered SVG charts,
//! facet lists and pagination.

use crate::model::{Chrome, Facet, MuteInfo, SeverityCounts, TrendPoint};
use crate::util::{enc, region_label, service_name, when};
use leptos::prelude::*;
use rampart_engine::coverage::{CoverageSummary, Level};

/// The navigation: (path, label).
const NAV: [(&str, &str); 6] = [
    ("/", "Overview"),
    ("/findings", "Findings"),
    ("/compliance", "Compliance"),
    ("/checks", "Checks"),
    ("/mutes", "Mutes"),
    ("/import", "Import"),
];

/// Renders a whole HTML document around a page body.
pub fn shell(title: &str, chrome: &Chrome, body: AnyView, refresh: Option<u32>) -> String {
    let nav = NAV
        .iter()
        .map(|(href, label)| {
            let active = if *href == "/" {
                chrome.path == "/"
            } else {
                chrome.path.starts_with(href)
            };
            view! {
                <a href=*href class={if active { "nav-item active" } else { "nav-item" }}>{*label}</a>
            }
        })
        .collect_view();
    let banner = chrome.demo.then(|| {
        view! {
            <div class="demo-banner" role="note">
                <strong>"Demo mode"</strong>
                " — fictional accounts with generated inventories, evaluated by the real checks. Authentication is off; the server listens on loopback only."
            </div>
        }
    });
    let user = chrome.user.clone().map(|name| {
        view! {
            <div class="user">
                <span class="muted">{name}</span>
                <PostButton action="/signout".to_owned() csrf=chrome.csrf.clone() label="Sign out" class="button secondary"/>
            </div>
        }
    });
    let refresh = refresh.map(|s| view! { <meta http-equiv="refresh" content=s.to_string()/> });
    let title = format!("{title} · Rampart");
    let html = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                {refresh}
                <link rel="stylesheet" href="/static/rampart.css"/>
            </head>
            <body>
                <header class="topbar">
                    <a class="brand" href="/">
                        <svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                            <path d="M3 21V8l4-3v4l5-4v4l5-4v4l4-3v15z" fill="currentColor"></path>
                        </svg>
                        "Rampart"
                    </a>
                    <nav aria-label="Main">{nav}</nav>
                    {user}
                </header>
                {banner}
                <main>{body}</main>
                <footer class="footer">
                    "Rampart · AWS security posture · "
                    <a href="/api/accounts">"JSON API"</a>
                </footer>
            </body>
        </html>
    };
    format!("<!DOCTYPE html>{}", html.to_html())
}

/// A severity label in the colour-blind-safe palette (the word is always written).
#[component]
pub fn SeverityBadge(severity: String) -> impl IntoView {
    let class = format!("badge sev-{severity}");
    view! { <span class=class>{severity}</span> }
}

/// PASS / FAIL / ERROR / MUTED.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let class = format!("badge status-{}", status.to_lowercase());
    view! { <span class=class>{status}</span> }
}

/// Scan status: running, succeeded, partial, failed.
#[component]
pub fn ScanStatus(status: String) -> impl IntoView {
    let class = format!("badge scan-{status}");
    view! { <span class=class>{status}</span> }
}

/// Failed findings per severity as small counters.
#[component]
pub fn SeverityCells(counts: SeverityCounts) -> impl IntoView {
    ["critical", "high", "medium", "low"]
        .into_iter()
        .map(|s| {
            let n = counts.get(s);
            let class = if n > 0 {
                format!("num sev-text-{s}")
            } else {
                "num zero".to_owned()
            };
            view! { <td class=class>{n}</td> }
        })
        .collect_view()
}

/// A horizontal bar split by severity, as SVG (title elements say the numbers).
#[component]
pub fn SeverityBar(counts: SeverityCounts, #[prop(default = 160)] width: u32) -> impl IntoView {
    let total = counts.total().max(1) as f64;
    let mut x = 0.0;
    let parts = ["critical", "high", "medium", "low", "informational"]
        .into_iter()
        .filter(|s| counts.get(s) > 0)
        .map(|s| {
            let n = counts.get(s);
            let w = f64::from(width) * n as f64 / total;
            let rect = view! {
                <rect x=format!("{x:.1}") y="0" width=format!("{w:.1}") height="10" class=format!("fill-{s}")>
                    <title>{format!("{n} {s}")}</title>
                </rect>
            };
            x += w;
            rect
        })
        .collect_view();
    let label = format!(
        "{} failed: {} critical, {} high, {} medium, {} low",
        counts.total(),
        counts.critical,
        counts.high,
        counts.medium,
        counts.low
    );
    view! {
        <svg class="sevbar" viewBox=format!("0 0 {width} 10") width=width.to_string() height="10" role="img" aria-label=label>
            <rect x="0" y="0" width=width.to_string() height="10" class="fill-empty"></rect>
            {parts}
        </svg>
    }
}

/// The score trend over recent scans as an SVG sparkline (0–100 scale).
#[component]
pub fn Sparkline(points: Vec<TrendPoint>) -> impl IntoView {
    let (w, h) = (120.0_f64, 28.0_f64);
    let scores: Vec<f64> = points.iter().filter_map(|p| p.score).collect();
    let label = if scores.is_empty() {
        "no score yet".to_owned()
    } else {
        format!(
            "score trend over {} scans: {}",
            scores.len(),
            scores
                .iter()
                .map(|s| format!("{s:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let n = scores.len();
    let coords: Vec<(f64, f64)> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let x = if n <= 1 {
                w / 2.0
            } else {
                2.0 + (w - 4.0) * i as f64 / (n - 1) as f64
            };
            let y = 2.0 + (h - 4.0) * (1.0 - s.clamp(0.0, 100.0) / 100.0);
            (x, y)
        })
        .collect();
    let line = coords
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let last = coords.last().map(|(x, y)| {
        view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.5" class="spark-dot"></circle> }
    });
    let aria = label.clone();
    view! {
        <svg class="sparkline" viewBox="0 0 120 28" width="120" height="28" role="img" aria-label=aria>
            <title>{label}</title>
            <line x1="0" y1="14" x2="120" y2="14" class="spark-mid"></line>
            <polyline points=line class="spark-line"></polyline>
            {last}
        </svg>
    }
}

/// CloudTrail / CloudWatch / Config coverage of an account as three chips.
#[component]
pub fn CoverageChips(summary: Option<CoverageSummary>) -> impl IntoView {
    match summary {
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(s) => {
            let chip = |name: &'static str, full: usize| {
                let class = if s.regions == 0 {
                    "chip chip-none"
                } else if full == s.regions {
                    "chip chip-full"
                } else if full == 0 {
                    "chip chip-none"
                } else {
                    "chip chip-partial"
                };
                let title = format!("{name}: fully covered in {full} of {} regions", s.regions);
                view! { <span class=class title=title>{format!("{name} {full}/{}", s.regions)}</span> }
            };
            view! {
                <span class="chips">
                    {chip("CT", s.cloudtrail_full)}
                    {chip("CW", s.cloudwatch_full)}
                    {chip("Cfg", s.config_full)}
                </span>
            }
            .into_any()
        }
    }
}

/// A coverage level as a cell marker (symbol plus word, not colour alone).
#[component]
pub fn LevelCell(level: Level) -> impl IntoView {
    let (class, text) = match level {
        Level::Full => ("level level-full", "✔ full"),
        Level::Partial => ("level level-partial", "◐ partial"),
        Level::None => ("level level-none", "✘ none"),
        Level::Unknown => ("level level-unknown", "? unknown"),
        Level::NotApplicable => ("level level-na", "– n/a"),
    };
    view! { <span class=class>{text}</span> }
}

/// A yes/no marker.
#[component]
pub fn Yes(ok: bool) -> impl IntoView {
    if ok {
        view! { <span class="yes">"yes"</span> }
    } else {
        view! { <span class="no">"no"</span> }
    }
}

/// The counts of one facet as links that set (or clear) that filter.
#[component]
pub fn FacetList(
    facet: Facet,
    selected: Option<String>,
    base: Vec<(String, Option<String>)>,
) -> impl IntoView {
    let name = facet.name.clone();
    let link = move |value: Option<String>| {
        let mut params: Vec<(&str, Option<String>)> = base
            .iter()
            .filter(|(k, _)| *k != name && k != "page")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        params.push((name.as_str(), value));
        crate::util::url("/findings", &params)
    };
    let clear = selected.as_ref().map(|_| {
        let href = link(None);
        view! { <li><a href=href class="facet-clear">"× any"</a></li> }
    });
    let title = match facet.name.as_str() {
        "severity" => "Severity",
        "status" => "Status",
        "service" => "Service",
        "account" => "Account",
        "region" => "Region",
        "check" => "Check",
        other => other,
    }
    .to_owned();
    let facet_name = facet.name.clone();
    let items = facet
        .values
        .into_iter()
        .map(|v| {
            let is_selected = selected.as_deref() == Some(v.value.as_str());
            let href = link(Some(v.value.clone()));
            let label = if facet_name == "service" {
                service_name(&v.label).to_owned()
            } else if facet_name == "region" {
                region_label(&v.label).to_owned()
            } else {
                v.label.clone()
            };
            view! {
                <li class={if is_selected { "selected" } else { "" }}>
                    <a href=href>{label}</a>
                    <span class="count">{v.count}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="facet">
            <h3>{title}</h3>
            <ul>{clear}{items}</ul>
        </section>
    }
}

/// Previous / next page links.
#[component]
pub fn Pager(
    page: i64,
    per_page: i64,
    total: i64,
    base: String,
    #[prop(default = "findings")] noun: &'static str,
) -> impl IntoView {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let sep = if base.contains('?') { "&" } else { "?" };
    let prev = (page > 1).then(|| {
        let href = format!("{base}{sep}page={}", page - 1);
        view! { <a href=href rel="prev">"← Previous"</a> }
    });
    let next = (page < pages).then(|| {
        let href = format!("{base}{sep}page={}", page + 1);
        view! { <a href=href rel="next">"Next →"</a> }
    });
    view! {
        <nav class="pager" aria-label="Pages">
            {prev}
            <span>{format!("Page {page} of {pages} · {total} {noun}")}</span>
            {next}
        </nav>
    }
}

/// A CSRF-protected POST form with one button.
#[component]
pub fn PostButton(
    action: String,
    csrf: String,
    label: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline">
            <input type="hidden" name="csrf" value=csrf/>
            <button type="submit" class={if class.is_empty() { "button" } else { class }}>{label}</button>
        </form>
    }
}

/// The form that mutes failures of a check in an account (risk acceptance): the resources
/// (prefilled, editable), a reason, an owner and an expiry. Posts to `/mutes`, then the
/// browser goes to `next`.
#[component]
pub fn MuteForm(
    csrf: String,
    account: String,
    check: String,
    resource: String,
    next: String,
) -> impl IntoView {
    view! {
        <form method="post" action="/mutes" class="mute-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="account" value=account/>
            <input type="hidden" name="check" value=check/>
            <input type="hidden" name="next" value=next/>
            <label for="mute-resource">"Resources"</label>
            <input type="text" id="mute-resource" name="resource" value=resource placeholder="every resource of this check in this account"/>
            <span class="help">"An exact ARN, a pattern with * (arn:aws:s3:::legacy-*), or empty for every resource of this check in this account. Only failures are muted."</span>
            <label for="mute-reason">"Reason"</label>
            <textarea id="mute-reason" name="reason" rows="2" required=true maxlength="2000" placeholder="why this risk is accepted"></textarea>
            <label for="mute-owner">"Owner"</label>
            <input type="text" id="mute-owner" name="owner" required=true maxlength="200" placeholder="who answers for this risk"/>
            <label for="mute-expires">"Expires"</label>
            <input type="date" id="mute-expires" name="expires" required=true/>
            <span class="help">"At most a year away. The findings are FAIL again from that day (UTC)."</span>
            <button type="submit">"Mute"</button>
        </form>
    }
}

/// A mute's record (who accepted what, why, until when), with an unmute button when the
/// user may unmute it (mutes kept in a file change only there).
#[component]
pub fn MuteRecord(mute: MuteInfo, csrf: String, can_mute: bool, next: String) -> impl IntoView {
    let resources = match &mute.resource {
        Some(p) => view! { <code>{p.clone()}</code> }.into_any(),
        None => view! { <span>"every resource of this check in this account"</span> }.into_any(),
    };
    let action = format!("/mutes/{}/remove", mute.id);
    let unmute = if mute.source == "file" {
        Some(view! { <span class="muted">"Kept in a mutes file: change it there and run "<code>"rampart mutes apply"</code>"."</span> }.into_any())
    } else if can_mute {
        Some(
            view! {
                <form method="post" action=action class="inline">
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="next" value=next/>
                    <button type="submit" class="button secondary">"Unmute"</button>
                </form>
            }
            .into_any(),
        )
    } else {
        None
    };
    let state = if mute.active {
        "Muted until "
    } else {
        "Expired "
    };
    view! {
        <div class="notice mute-record" role="note">
            <strong>{format!("{state}{}", when(&mute.expires_at))}</strong>
            " · owner "{mute.owner.clone()}
            <p class="prewrap">{mute.reason.clone()}</p>
            <div class="sub">"Resources: "{resources}</div>
            <div class="sub">{format!("Muted by {} on {} (from the {})", mute.created_by, when(&mute.created_at), if mute.source == "file" { "mutes file" } else { "dashboard" })}</div>
            {unmute}
        </div>
    }
}

/// A link to an account page.
pub fn account_href(id: &str) -> String {
    format!("/accounts/{}", enc(id))
}

/// Why a check matters, its compliance mappings (links to their findings) and how to fix
/// a failure: shared by the finding and check pages.
#[component]
pub fn CheckAbout(check: crate::model::CheckInfo) -> impl IntoView {
    let mappings = check
        .compliance
        .iter()
        .flat_map(|(fw, ids)| {
            ids.iter().map(move |id| {
                let href = crate::util::url(
                    "/findings",
                    &[
                        ("control", Some(format!("{fw}:{id}"))),
                        ("status", Some("any".into())),
                    ],
                );
                let label = format!("{} {id}", crate::util::framework_short(fw));
                view! { <li><a href=href>{label}</a></li> }
            })
        })
        .collect_view();
    view! {
        <section class="two">
            <div>
                <h2>"Why it matters"</h2>
                <p>{check.rationale.clone()}</p>
                <h2>"Compliance"</h2>
                <ul class="tags">{mappings}</ul>
            </div>
            <div>
                <h2>"How to fix it"</h2>
                <h3>"Console"</h3>
                <p class="prewrap">{check.remediation_console.clone()}</p>
                <h3>"AWS CLI"</h3>
                <pre><code>{check.remediation_cli.clone()}</code></pre>
            </div>
        </section>
    }
}

/// The calls Rampart could not make during a scan.
#[component]
pub fn CollectionErrors(errors: Vec<rampart_engine::inventory::CollectionError>) -> impl IntoView {
    let rows = errors
        .into_iter()
        .map(|e| {
            view! {
                <tr>
                    <td>{service_name(e.service.as_str()).to_owned()}</td>
                    <td>{region_label(e.region.as_ref().map(|r| r.as_str()).unwrap_or("")).to_owned()}</td>
                    <td><code>{e.api}</code></td>
                    <td class="wrap">{e.resource.unwrap_or_default()}</td>
                    <td><code>{e.code}</code></td>
                    <td class="wrap">{e.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid">
            <thead><tr><th>"Service"</th><th>"Region"</th><th>"API"</th><th>"Resource"</th><th>"Code"</th><th>"Message"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
