//! `rampart demo --terminal`: the demo organisation, evaluated by the real checks, in the terminal.

use super::EXIT_OK;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rampart_engine::report::ScanReport;
use rampart_engine::{Severity, demo};
use std::io::Write;

/// Prints the demo organisation with `history` weekly scans of trend.
pub fn run(history: usize) -> anyhow::Result<u8> {
    let now = chrono::Utc::now();
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table.set_header([
        "Account",
        "Id",
        "Environment",
        "Team",
        "Score",
        "Trend (oldest → now)",
        "Critical",
        "High",
        "Medium",
        "Low",
    ]);
    let mut total = Vec::new();
    for account in demo::organisation() {
        let report = ScanReport::evaluate(&account.inventory(now, 0), now);
        let trend: Vec<String> = (0..=history)
            .rev()
            .map(|ago| {
                let inv = account.inventory(now, ago);
                let r = ScanReport::evaluate(&inv, inv.collected_at);
                r.score
                    .map(|s| format!("{s:.0}"))
                    .unwrap_or_else(|| "-".into())
            })
            .collect();
        let fails = |s: Severity| {
            report
                .summary
                .failed_by_severity
                .get(&s)
                .copied()
                .unwrap_or(0)
                .to_string()
        };
        table.add_row([
            account.name.to_owned(),
            account.id.to_owned(),
            account.environment.to_owned(),
            account.owner_team.to_owned(),
            report
                .score
                .map(|s| format!("{s:.1}"))
                .unwrap_or_else(|| "n/a".into()),
            trend.join(" → "),
            fails(Severity::Critical),
            fails(Severity::High),
            fails(Severity::Medium),
            fails(Severity::Low),
        ]);
        total.extend(report.findings);
    }
    let org = rampart_engine::score::summarize(&total);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Rampart demo organisation (fictional accounts, generated inventories, real checks)\n"
    )?;
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "Organisation score {}: {} passed, {} failed, {} errors across {} findings.",
        org.score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "n/a".into()),
        org.passed,
        org.failed,
        org.errors,
        total.len()
    )?;
    writeln!(
        out,
        "Try `rampart checks` for the catalogue; `rampart demo` serves this organisation as a web dashboard."
    )?;
    Ok(EXIT_OK)
}
