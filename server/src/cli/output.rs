//! Report writers: table, JSON (the documented schema), CSV, and the engine's finding formats
//! (OCSF, ASFF).

use super::Format;
use anyhow::Context;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rampart_engine::formats;
use rampart_engine::report::ScanReport;
use rampart_engine::{Finding, Severity, Status};
use std::io::Write;
use std::path::Path;

pub fn write_report(
    report: &ScanReport,
    format: Format,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("creating `{}`", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, report)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&report.findings, &mut out)?,
        Format::Ocsf => write_formatted(report, formats::to_ocsf, &mut out)?,
        Format::Asff => write_formatted(report, formats::to_asff, &mut out)?,
        Format::Table => write_table(report, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

/// The report's findings as a JSON array in one of the engine's formats.
fn write_formatted(
    report: &ScanReport,
    format: fn(&Finding, &formats::Context<'_>) -> serde_json::Value,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let ctx = formats::Context::new(report.scanned_at, env!("CARGO_PKG_VERSION"));
    let docs: Vec<serde_json::Value> = report.findings.iter().map(|f| format(f, &ctx)).collect();
    serde_json::to_writer_pretty(&mut *out, &docs)?;
    writeln!(out)?;
    Ok(())
}

pub const CSV_HEADER: [&str; 12] = [
    "account_id",
    "check_id",
    "title",
    "service",
    "status",
    "severity",
    "region",
    "resource_type",
    "resource_arn",
    "message",
    "compliance",
    "evidence",
];

pub fn write_csv(findings: &[Finding], out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for f in findings {
        let compliance = f
            .compliance
            .iter()
            .flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{}:{id}", fw.key())))
            .collect::<Vec<_>>()
            .join(";");
        w.write_record([
            f.account_id.as_str(),
            &f.check_id,
            &f.title,
            f.service.as_str(),
            f.status.as_str(),
            f.severity.as_str(),
            f.region.as_ref().map(|r| r.as_str()).unwrap_or(""),
            &f.resource_type,
            &f.resource_arn,
            &f.message,
            &compliance,
            &serde_json::to_string(&f.evidence)?,
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_table(report: &ScanReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut rows: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status != Status::Pass)
        .collect();
    rows.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.check_id.cmp(&b.check_id))
    });
    if rows.is_empty() {
        writeln!(out, "No failed findings.")?;
        return Ok(());
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table.set_header([
        "Status", "Severity", "Check", "Region", "Resource", "Message",
    ]);
    for f in rows {
        table.add_row([
            f.status.as_str(),
            f.severity.as_str(),
            &f.check_id,
            f.region.as_ref().map(|r| r.as_str()).unwrap_or("global"),
            &f.resource_arn,
            &f.message,
        ]);
    }
    writeln!(out, "{table}")?;
    Ok(())
}

/// The end-of-scan summary: score, failures by severity and by service, errors.
pub fn write_summary(report: &ScanReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let s = &report.summary;
    let score = s
        .score
        .map(|v| format!("{v:.1}/100"))
        .unwrap_or_else(|| "n/a".into());
    writeln!(out, "\nAccount {}  score {score}", report.account_id)?;
    writeln!(
        out,
        "{} passed, {} failed, {} errors ({} collection errors)",
        s.passed,
        s.failed,
        s.errors,
        report.errors.len()
    )?;
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["Failed by severity", "Count"]);
    for sev in Severity::ALL {
        t.add_row([
            sev.as_str().to_owned(),
            s.failed_by_severity
                .get(&sev)
                .copied()
                .unwrap_or(0)
                .to_string(),
        ]);
    }
    writeln!(out, "{t}")?;
    if !s.failed_by_service.is_empty() {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header(["Failed by service", "Count"]);
        for (svc, n) in &s.failed_by_service {
            t.add_row([svc.as_str().to_owned(), n.to_string()]);
        }
        writeln!(out, "{t}")?;
    }
    Ok(())
}
