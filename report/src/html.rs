//! The HTML report: one self-contained file (inline CSS, inline SVG chart, no script, no
//! external resource) with the same content as the PDF, readable offline and printable.
//! Every string of the model is escaped; nothing from AWS reaches the markup raw.

use crate::chart::trend_svg;
use crate::model::{AccountSection, ControlRow, FailedFinding, Report, StatusCounts};
use chrono::{DateTime, Utc};
use rampart_engine::frameworks::ControlStatus;
use std::fmt::Write;

const CSS: &str = include_str!("../templates/report.css");

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"))
}

fn status_class(status: ControlStatus) -> &'static str {
    status.as_str()
}

/// Renders the whole report.
pub fn render(report: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let e = escape;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — {}</title><style>{CSS}</style></head><body>",
        e(&report.title),
        e(&report.scope.label)
    );
    cover(&mut h, report);
    summary(&mut h, report);
    let many = report.account_rows.len() > 1;
    controls(&mut h, &report.controls, many);
    if many {
        accounts_table(&mut h, report);
    }
    for a in &report.accounts {
        account(&mut h, a, many);
    }
    appendix(&mut h, report);
    h.push_str("</body></html>\n");
    h
}

fn cover(h: &mut String, r: &Report) {
    let e = escape;
    let _ = write!(
        h,
        "<header class=\"cover\"><p class=\"kicker\">Compliance report</p><h1>{}</h1>\
         <dl><dt>Scope</dt><dd>{}</dd><dt>Framework</dt><dd>{} ({})</dd>\
         <dt>Generated</dt><dd>{}</dd><dt>Accounts</dt><dd>{}</dd></dl>\
         <p class=\"note\">{}</p></header>",
        e(&r.framework.title),
        e(&r.scope.label),
        e(&r.framework.title),
        e(&r.framework.key),
        date(r.generated_at),
        r.account_rows.len(),
        e(&r.framework.coverage_note),
    );
}

fn status_counts_table(h: &mut String, c: &StatusCounts) {
    h.push_str("<table class=\"counts\"><tr>");
    for s in ControlStatus::ALL {
        let _ = write!(
            h,
            "<th><span class=\"st {}\">{}</span></th>",
            status_class(s),
            crate::model::status_label(s)
        );
    }
    h.push_str("</tr><tr>");
    for s in ControlStatus::ALL {
        let _ = write!(h, "<td>{}</td>", c.get(s));
    }
    h.push_str("</tr></table>");
}

fn summary(h: &mut String, r: &Report) {
    let s = &r.summary;
    let _ = write!(
        h,
        "<section><h2>Executive summary</h2><div class=\"summary\">\
         <div class=\"score\"><span class=\"big\">{}</span><span>posture score (0–100)</span></div>\
         <div class=\"chart\">{}</div></div>",
        score(s.score),
        trend_svg(&s.trend)
    );
    let _ = write!(
        h,
        "<p>{} of {} controls fail; {} failed findings, {} muted, {} could not be evaluated; \
         {} collection errors.</p>",
        s.controls.fail,
        s.controls.total(),
        s.failed_findings,
        s.muted_findings,
        s.errored_findings,
        s.collection_errors
    );
    h.push_str("<h3>Controls by status</h3>");
    status_counts_table(h, &s.controls);
    h.push_str("<h3>Failed findings by severity</h3><table class=\"counts\"><tr>");
    for c in &s.failed_by_severity {
        let _ = write!(
            h,
            "<th><span class=\"sev {0}\">{0}</span></th>",
            c.severity.as_str()
        );
    }
    h.push_str("</tr><tr>");
    for c in &s.failed_by_severity {
        let _ = write!(h, "<td>{}</td>", c.count);
    }
    h.push_str("</tr></table><h3>Top risks</h3>");
    if s.top_risks.is_empty() {
        h.push_str("<p>No check of this framework fails.</p>");
    } else {
        h.push_str(
            "<table><thead><tr><th>Severity</th><th>Check</th><th>Controls</th>\
             <th class=\"n\">Accounts</th><th class=\"n\">Resources</th></tr></thead><tbody>",
        );
        for risk in &s.top_risks {
            let _ = write!(
                h,
                "<tr><td><span class=\"sev {0}\">{0}</span></td><td><code>{1}</code> {2}</td>\
                 <td>{3}</td><td class=\"n\">{4}</td><td class=\"n\">{5}</td></tr>",
                risk.severity.as_str(),
                escape(&risk.check_id),
                escape(&risk.title),
                escape(&risk.controls.join(", ")),
                risk.accounts,
                risk.resources
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>");
}

fn controls(h: &mut String, rows: &[ControlRow], many_accounts: bool) {
    h.push_str("<section><h2>Controls</h2>");
    if many_accounts {
        h.push_str(
            "<p>Each control shows its worst status over the accounts in scope; \
             “Failing” counts the accounts where it fails.</p>",
        );
    }
    h.push_str(
        "<table class=\"controls\"><thead><tr><th>Control</th><th>Title</th><th>Status</th>\
         <th class=\"n\">Pass</th><th class=\"n\">Fail</th><th class=\"n\">Error</th>\
         <th class=\"n\">Muted</th>",
    );
    if many_accounts {
        h.push_str("<th class=\"n\">Failing</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for c in rows {
        let note = c
            .note
            .as_deref()
            .map(|n| format!("<div class=\"note\">{}</div>", escape(n)))
            .unwrap_or_default();
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td>{}{note}</td><td><span class=\"st {}\">{}</span></td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            escape(&c.id),
            escape(&c.title),
            status_class(c.status),
            c.status_label,
            c.counts.passed,
            c.counts.failed,
            c.counts.errored,
            c.counts.muted
        );
        if many_accounts {
            let _ = write!(h, "<td class=\"n\">{}</td>", c.failing_accounts);
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></section>");
}

/// Every account in scope, one row each, and which have a section.
fn accounts_table(h: &mut String, r: &Report) {
    let e = escape;
    h.push_str("<section><h2>Accounts</h2>");
    let detailed = r.accounts.len();
    if detailed < r.account_rows.len() {
        let _ = write!(
            h,
            "<p class=\"note\">Sections follow for the {detailed} lowest-scoring of the {} \
             accounts (at most {} per report); a report per team or per account \
             (<code>rampart report --account ID</code>) details the others.</p>",
            r.account_rows.len(),
            r.limits.detailed_accounts
        );
    }
    h.push_str(
        "<table><thead><tr><th>Account</th><th>Team</th><th>Score</th>\
         <th>Controls failing</th><th>Failed</th><th>Muted</th><th>Collection errors</th>\
         </tr></thead><tbody>",
    );
    for a in &r.account_rows {
        let _ = write!(
            h,
            "<tr><td>{} <span class=\"id\">{}</span>{}</td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            e(&a.name),
            e(&a.id),
            if a.detailed { " · section below" } else { "" },
            e(a.team.as_deref().unwrap_or("—")),
            score(a.score),
            a.controls_failing,
            a.failed_findings,
            a.muted_findings,
            a.collection_errors,
        );
    }
    h.push_str("</tbody></table></section>");
}

fn account(h: &mut String, a: &AccountSection, many_accounts: bool) {
    let e = escape;
    let row = &a.account;
    let _ = write!(
        h,
        "<section class=\"account\"><h2>Account {} <span class=\"id\">{}</span></h2>\
         <dl class=\"facts\"><dt>Score</dt><dd>{}</dd><dt>Team</dt><dd>{}</dd>\
         <dt>Environment</dt><dd>{}</dd><dt>Scanned</dt><dd>{}</dd></dl>",
        e(&row.name),
        e(&row.id),
        score(row.score),
        e(row.team.as_deref().unwrap_or("—")),
        e(row.environment.as_deref().unwrap_or("—")),
        date(row.scanned_at),
    );
    status_counts_table(h, &a.control_counts);
    if many_accounts {
        let failing: Vec<String> = a
            .controls
            .iter()
            .filter(|c| c.status == ControlStatus::Fail)
            .map(|c| format!("<code>{}</code>", escape(&c.id)))
            .collect();
        if !failing.is_empty() {
            let _ = write!(h, "<p>Failing controls: {}</p>", failing.join(", "));
        }
    }
    let _ = write!(h, "<h3>Failed findings ({})</h3>", row.failed_findings);
    if row.failed_findings == 0 {
        h.push_str("<p>None.</p>");
    } else if a.failed.len() < row.failed_findings {
        let _ = write!(
            h,
            "<p class=\"note\">The {} most severe are listed; the CSV, JSON, OCSF and ASFF \
             exports carry all {}.</p>",
            a.failed.len(),
            row.failed_findings
        );
    }
    for f in &a.failed {
        failed_finding(h, f);
    }
    let _ = write!(h, "<h3>Muted findings ({})</h3>", row.muted_findings);
    if a.muted.len() < row.muted_findings {
        let _ = write!(
            h,
            "<p class=\"note\">The {} most severe are listed, of {}.</p>",
            a.muted.len(),
            row.muted_findings
        );
    }
    if a.muted.is_empty() {
        h.push_str("<p>None.</p>");
    } else {
        h.push_str(
            "<table><thead><tr><th>Check</th><th>Resource</th><th>Justification</th>\
             <th>Owner</th><th>Expires</th></tr></thead><tbody>",
        );
        for m in &a.muted {
            let _ = write!(
                h,
                "<tr><td><span class=\"sev {}\">{}</span> <code>{}</code> {}</td><td><code>{}</code></td>\
                 <td>{}</td><td>{}</td><td>{}</td></tr>",
                m.severity.as_str(),
                m.severity.as_str(),
                e(&m.check_id),
                e(&m.title),
                e(&m.resource),
                e(&m.reason),
                e(&m.owner),
                m.expires_at.map_or_else(|| "never".to_owned(), date)
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>");
}

fn failed_finding(h: &mut String, f: &FailedFinding) {
    let e = escape;
    let _ = write!(
        h,
        "<article class=\"finding\"><h4><span class=\"sev {0}\">{0}</span> <code>{1}</code> {2}</h4>\
         <dl class=\"facts\"><dt>Resource</dt><dd><code>{3}</code></dd><dt>Region</dt><dd>{4}</dd>\
         <dt>Controls</dt><dd>{5}</dd></dl><p>{6}</p>",
        f.severity.as_str(),
        e(&f.check_id),
        e(&f.title),
        e(&f.resource),
        e(f.region.as_deref().unwrap_or("global")),
        e(&f.controls.join(", ")),
        e(&f.message),
    );
    if !f.evidence.is_empty() {
        let more = if f.evidence_truncated {
            "\n… (truncated; the JSON export has the full evidence)"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<p class=\"label\">Evidence</p><pre>{}{more}</pre>",
            e(&f.evidence)
        );
    }
    if let Some(console) = &f.remediation_console {
        let _ = write!(h, "<p class=\"label\">Remediation</p><p>{}</p>", e(console));
    }
    if let Some(cli) = f.remediation_cli.as_deref().filter(|c| !c.is_empty()) {
        let _ = write!(h, "<pre class=\"cli\">{}</pre>", e(cli));
    }
    h.push_str("</article>");
}

fn appendix(h: &mut String, r: &Report) {
    h.push_str("<section><h2>Appendix A: scan coverage</h2>");
    let detailed = r.accounts.len();
    if detailed < r.account_rows.len() {
        let _ = write!(
            h,
            "<p class=\"note\">Shown for the {detailed} accounts with a section.</p>"
        );
    }
    for a in &r.accounts {
        let _ = write!(
            h,
            "<h3>{} <span class=\"id\">{}</span></h3>",
            escape(&a.account.name),
            escape(&a.account.id)
        );
        if a.coverage.is_empty() {
            h.push_str("<p>No coverage data for this scan.</p>");
            continue;
        }
        h.push_str(
            "<table><thead><tr><th>Region</th><th>CloudTrail</th><th>CloudWatch</th>\
             <th>Config</th><th>API logs</th><th>Gaps</th></tr></thead><tbody>",
        );
        for c in &a.coverage {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td class=\"lv {1}\">{1}</td><td class=\"lv {2}\">{2}</td>\
                 <td class=\"lv {3}\">{3}</td><td class=\"lv {4}\">{4}</td><td>{5}</td></tr>",
                escape(&c.region),
                escape(&c.cloudtrail),
                escape(&c.cloudwatch),
                escape(&c.config),
                escape(&c.api_logging),
                escape(&c.gaps.join("; "))
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section><section><h2>Appendix B: collection errors</h2>");
    let listed: usize = r.accounts.iter().map(|a| a.errors.len()).sum();
    let total = r.summary.collection_errors;
    if total == 0 {
        h.push_str("<p>Every API call of every scan in scope succeeded.</p>");
    } else if listed < total {
        let _ = write!(
            h,
            "<p class=\"note\">{listed} of the {total} collection errors are listed: those of \
             the accounts with a section, at most {} each. The accounts table counts every \
             account's errors.</p>",
            r.limits.errors_per_account
        );
    }
    if listed > 0 {
        h.push_str(
            "<table><thead><tr><th>Account</th><th>Service</th><th>Region</th><th>API</th>\
             <th>Error</th></tr></thead><tbody>",
        );
        for a in &r.accounts {
            for err in &a.errors {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code> {}</td></tr>",
                    escape(&a.account.id),
                    escape(&err.service),
                    escape(err.region.as_deref().unwrap_or("global")),
                    escape(&err.api),
                    escape(&err.code),
                    escape(&err.message)
                );
            }
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>");
}
