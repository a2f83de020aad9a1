//! The PDF read back with poppler's `pdftotext -layout` (install: `scripts/ensure-poppler`).

use crate::fixture::{self, MUTE_REASON, SANDBOX};
use anyhow::{Context, bail};
use rampart_engine::frameworks::{Framework, catalog};
use rampart_report::{AccountInput, Report, Scope, build, pdf};
use std::path::PathBuf;
use std::process::Command;

/// Renders `report`, keeps the PDF under the target's test directory (for a look with
/// `pdftoppm`), and returns the path and the text `pdftotext -layout` reads from it.
fn render_and_read(report: &Report, name: &str) -> anyhow::Result<(PathBuf, String)> {
    let bytes = pdf::render(report)?;
    anyhow::ensure!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.pdf"));
    std::fs::write(&path, &bytes)?;
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .context("running pdftotext (install it with scripts/ensure-poppler)")?;
    if !out.status.success() {
        bail!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok((path, String::from_utf8(out.stdout)?))
}

fn sandbox_report(framework: Framework, input: AccountInput) -> anyhow::Result<Report> {
    let scope = Scope::account(&input.name, input.scan.account_id.as_str());
    Ok(build(scope, framework, fixture::now(), vec![input])?)
}

/// The text of the Controls section (between its heading and the first account).
fn controls_section(text: &str) -> anyhow::Result<&str> {
    let start = text
        .find("\nControls\n")
        .context("no Controls heading in the PDF text")?;
    let rest = &text[start..];
    let end = rest
        .find("Account acme-")
        .context("no account section after Controls")?;
    Ok(&rest[..end])
}

/// The status label printed on the row of control `id`.
fn status_in_pdf<'a>(section: &'a str, id: &str) -> Option<&'a str> {
    let labels = [
        "NOT APPLICABLE",
        "NOT COVERED",
        "MANUAL",
        "MUTED",
        "ERROR",
        "FAIL",
        "PASS",
    ];
    section
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .and_then(|l| labels.into_iter().find(|label| l.contains(label)))
}

fn assert_every_control_status(
    text: &str,
    inputs: &[AccountInput],
    framework: Framework,
) -> anyhow::Result<()> {
    let section = controls_section(text)?;
    let data = catalog()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .framework(framework)
        .context("framework")?;
    for control in &data.controls {
        let expected = fixture::expected_status(inputs, framework, &control.id)?;
        assert_eq!(
            status_in_pdf(section, &control.id),
            Some(expected),
            "status of control {} in the PDF",
            control.id
        );
    }
    Ok(())
}

#[test]
fn account_pdf_has_cover_summary_controls_findings_and_appendices() -> anyhow::Result<()> {
    let report = sandbox_report(Framework::CisAws3, fixture::sandbox()?)?;
    let (_, text) = render_and_read(&report, "sandbox-cis3")?;
    for needle in [
        "COMPLIANCE REPORT",
        "CIS AWS Foundations Benchmark v3.0.0",
        "acme-sandbox (666677778888)",
        "Contents",
        "Executive summary",
        "Controls by status",
        "Failed findings by severity",
        "Top risks",
        "Account acme-sandbox 666677778888",
        "Muted findings (0)",
        "Appendix A: scan coverage",
        "Appendix B: collection errors",
        "Generated 2026-03-02 09:30 UTC",
        "Page 1 of ",
    ] {
        assert!(
            text.contains(needle),
            "`{needle}` missing from the PDF text"
        );
    }
    Ok(())
}

#[test]
fn account_pdf_shows_every_cis_control_with_the_status_its_findings_give() -> anyhow::Result<()> {
    let input = fixture::sandbox()?;
    let inputs = [input.clone()];
    let report = sandbox_report(Framework::CisAws3, input)?;
    let (_, text) = render_and_read(&report, "sandbox-cis3-controls")?;
    assert_every_control_status(&text, &inputs, Framework::CisAws3)?;
    assert_eq!(
        status_in_pdf(controls_section(&text)?, "1.4"),
        Some(fixture::expected_status(
            &inputs,
            Framework::CisAws3,
            "1.4"
        )?)
    );
    Ok(())
}

#[test]
fn account_pdf_counts_failing_controls_and_failed_findings() -> anyhow::Result<()> {
    let input = fixture::sandbox()?;
    let inputs = [input.clone()];
    let (failing, total) = fixture::expected_failing(&inputs, Framework::AwsFsbp)?;
    let failed = fixture::expected_failed_findings(&input, Framework::AwsFsbp);
    assert!(failing > 0 && failed > 0, "the sandbox fails FSBP controls");
    let report = sandbox_report(Framework::AwsFsbp, input)?;
    let (_, text) = render_and_read(&report, "sandbox-fsbp")?;
    let cover = regex::Regex::new(&format!(r"Controls failing\s+{failing} of {total}\b"))?;
    assert!(
        cover.is_match(&text),
        "cover should say {failing} of {total} controls fail"
    );
    assert!(text.contains(&format!("Failed findings ({failed})")));
    assert_eq!(
        fixture::expected_status(&inputs, Framework::AwsFsbp, "IAM.6")?,
        "FAIL"
    );
    assert_eq!(
        status_in_pdf(controls_section(&text)?, "IAM.6"),
        Some("FAIL")
    );
    Ok(())
}

#[test]
fn muted_finding_shows_its_justification_and_mutes_its_control() -> anyhow::Result<()> {
    let mut input = fixture::sandbox()?;
    fixture::mute_first(&mut input, "iam_root_hardware_mfa")?;
    let inputs = [input.clone()];
    let failed = fixture::expected_failed_findings(&input, Framework::AwsFsbp);
    let report = sandbox_report(Framework::AwsFsbp, input)?;
    let (_, text) = render_and_read(&report, "sandbox-fsbp-muted")?;
    assert!(text.contains("Muted findings (1)"));
    assert!(text.contains("RISK-42"), "the justification is printed");
    assert!(
        text.contains("security@acme.example"),
        "the owner is printed"
    );
    assert!(text.contains("2026-06-30"), "the expiry is printed");
    assert!(text.contains(&format!("Failed findings ({failed})")));
    assert_eq!(
        fixture::expected_status(&inputs, Framework::AwsFsbp, "IAM.6")?,
        "MUTED"
    );
    assert_eq!(
        status_in_pdf(controls_section(&text)?, "IAM.6"),
        Some("MUTED")
    );
    assert!(MUTE_REASON.contains("RISK-42"));
    Ok(())
}

#[test]
fn organisation_pdf_judges_each_control_by_its_worst_account() -> anyhow::Result<()> {
    let inputs = fixture::organisation();
    let started = std::time::Instant::now();
    let report = build(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        inputs.clone(),
    )?;
    let (path, text) = render_and_read(&report, "organisation-cis3")?;
    eprintln!(
        "organisation PDF in {:?}: {}",
        started.elapsed(),
        path.display()
    );
    assert_every_control_status(&text, &inputs, Framework::CisAws3)?;
    for input in &inputs {
        let id = input.scan.account_id.as_str();
        assert!(
            text.contains(&format!("Account {} {id}", input.name)),
            "section of {id}"
        );
    }
    assert!(text.contains(SANDBOX));
    Ok(())
}

#[test]
fn the_same_report_gives_the_same_pdf_bytes() -> anyhow::Result<()> {
    let report = sandbox_report(Framework::CisAws3, fixture::sandbox()?)?;
    assert!(pdf::render(&report)? == pdf::render(&report)?);
    Ok(())
}

#[test]
fn organisation_pdf_over_its_limits_tables_every_account_and_says_what_it_leaves_out()
-> anyhow::Result<()> {
    let limits = rampart_report::Limits {
        detailed_accounts: 2,
        failed_per_account: 3,
        muted_per_account: 1,
        errors_per_account: 1,
    };
    let report = rampart_report::build_with(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        limits,
        fixture::organisation(),
    )?;
    let (_, text) = render_and_read(&report, "organisation-limited")?;
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = report.account_rows.len();
    assert!(
        flat.contains(&format!(
            "Sections follow for the 2 lowest-scoring of the {n} accounts"
        )),
        "{flat}"
    );
    // Every account is in the accounts table; only two have a section.
    for row in &report.account_rows {
        assert!(flat.contains(&row.id), "{} in the accounts table", row.id);
        assert_eq!(
            flat.contains(&format!("Account {} {}", row.name, row.id)),
            row.detailed,
            "section of {}",
            row.id
        );
    }
    for section in &report.accounts {
        assert!(flat.contains(&format!(
            "Failed findings ({})",
            section.account.failed_findings
        )));
        if section.account.failed_findings > 3 {
            assert!(flat.contains(&format!(
                "The 3 most severe are listed; the CSV, JSON, OCSF and ASFF exports carry all {}.",
                section.account.failed_findings
            )));
        }
    }
    Ok(())
}
