//! The HTML report: the same facts as the PDF, in one self-contained file.

use crate::fixture::{self, SANDBOX};
use rampart_engine::frameworks::{Framework, catalog};
use rampart_report::{Scope, build, html};

/// The status label on the row of control `id`.
fn status_in_html<'a>(page: &'a str, id: &str) -> Option<&'a str> {
    let row = page.find(&format!("<tr><td><code>{id}</code></td>"))?;
    let rest = &page[row..];
    let badge = rest.find("<span class=\"st ")?;
    let rest = &rest[badge..];
    let open = rest.find('>')? + 1;
    let close = rest.find("</span>")?;
    rest.get(open..close)
}

#[test]
fn html_report_is_one_file_without_scripts_or_external_resources() -> anyhow::Result<()> {
    let report = build(
        Scope::organisation(),
        Framework::AwsFsbp,
        fixture::now(),
        fixture::organisation(),
    )?;
    let page = html::render(&report).to_lowercase();
    for forbidden in [
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
        "<iframe",
        "<img",
    ] {
        assert!(
            !page.contains(forbidden),
            "`{forbidden}` in the HTML report"
        );
    }
    assert!(page.contains("<style>") && page.contains("<svg"));
    Ok(())
}

#[test]
fn html_report_shows_every_control_with_the_status_its_findings_give() -> anyhow::Result<()> {
    let mut input = fixture::sandbox()?;
    fixture::mute_first(&mut input, "iam_root_hardware_mfa")?;
    let inputs = [input.clone()];
    let failed = fixture::expected_failed_findings(&input, Framework::AwsFsbp);
    let (failing, total) = fixture::expected_failing(&inputs, Framework::AwsFsbp)?;
    let report = build(
        Scope::account(&input.name, SANDBOX),
        Framework::AwsFsbp,
        fixture::now(),
        vec![input],
    )?;
    let page = html::render(&report);
    let data = catalog()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .framework(Framework::AwsFsbp)
        .ok_or_else(|| anyhow::anyhow!("fsbp"))?;
    for control in &data.controls {
        let expected = fixture::expected_status(&inputs, Framework::AwsFsbp, &control.id)?;
        assert_eq!(
            status_in_html(&page, &control.id),
            Some(expected),
            "control {}",
            control.id
        );
    }
    assert_eq!(status_in_html(&page, "IAM.6"), Some("MUTED"));
    assert!(page.contains(&format!("{failing} of {total} controls fail")));
    assert!(page.contains(&format!("Failed findings ({failed})")));
    assert!(page.contains("Muted findings (1)"));
    assert!(page.contains(&html::escape(fixture::MUTE_REASON)));
    assert!(page.contains("acme-sandbox") && page.contains(SANDBOX));
    for section in [
        "Executive summary",
        "Top risks",
        "Appendix A: scan coverage",
        "Appendix B: collection errors",
    ] {
        assert!(page.contains(section), "section `{section}`");
    }
    Ok(())
}

#[test]
fn html_report_escapes_names_and_evidence_from_aws() -> anyhow::Result<()> {
    let mut input = fixture::sandbox()?;
    input.name = "<script>alert(1)</script>".to_owned();
    let report = build(
        Scope::account(&input.name, SANDBOX),
        Framework::CisAws3,
        fixture::now(),
        vec![input],
    )?;
    let page = html::render(&report);
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    Ok(())
}

#[test]
fn organisation_trend_ends_at_the_headline_score_when_scans_share_a_day() -> anyhow::Result<()> {
    let report = build(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        fixture::organisation(),
    )?;
    let last = report.summary.trend.last().map(|p| p.score);
    assert!(report.summary.score.is_some());
    assert_eq!(last, report.summary.score);
    Ok(())
}
