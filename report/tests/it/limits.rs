//! Bounded detail: a report over more accounts and findings than its [`Limits`] counts
//! every account and finding but details only the lowest-scoring accounts and the most
//! severe findings. Expectations come from an unlimited build of the same inputs.

use crate::fixture;
use rampart_engine::frameworks::Framework;
use rampart_report::{Limits, Report, Scope, build_with};

fn unlimited() -> Limits {
    Limits {
        detailed_accounts: usize::MAX,
        failed_per_account: usize::MAX,
        muted_per_account: usize::MAX,
        errors_per_account: usize::MAX,
    }
}

fn tight() -> Limits {
    Limits {
        detailed_accounts: 2,
        failed_per_account: 3,
        muted_per_account: 1,
        errors_per_account: 1,
    }
}

fn organisation(limits: Limits) -> anyhow::Result<Report> {
    Ok(build_with(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        limits,
        fixture::organisation(),
    )?)
}

#[test]
fn limits_change_what_is_listed_never_what_is_counted() -> anyhow::Result<()> {
    let full = organisation(unlimited())?;
    let cut = organisation(tight())?;
    assert!(
        full.account_rows.len() > 2,
        "the demo has more than two accounts"
    );
    assert_eq!(cut.summary, full.summary);
    assert_eq!(cut.controls, full.controls);
    assert_eq!(cut.account_rows.len(), full.account_rows.len());
    for (c, f) in cut.account_rows.iter().zip(&full.account_rows) {
        assert_eq!(
            (&c.id, c.score, c.failed_findings),
            (&f.id, f.score, f.failed_findings)
        );
        assert_eq!(c.controls_failing, f.controls_failing);
        assert_eq!(c.collection_errors, f.collection_errors);
    }
    assert_eq!(full.accounts.len(), full.account_rows.len());
    Ok(())
}

#[test]
fn only_the_lowest_scoring_accounts_get_a_section() -> anyhow::Result<()> {
    let full = organisation(unlimited())?;
    let cut = organisation(tight())?;
    let mut by_score: Vec<(f64, usize, &str)> = full
        .account_rows
        .iter()
        .enumerate()
        .map(|(i, a)| (a.score.unwrap_or(f64::INFINITY), i, a.id.as_str()))
        .collect();
    by_score.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut lowest: Vec<(usize, &str)> = by_score[..2].iter().map(|(_, i, id)| (*i, *id)).collect();
    lowest.sort();
    let sections: Vec<&str> = cut.accounts.iter().map(|a| a.account.id.as_str()).collect();
    let expected: Vec<&str> = lowest.iter().map(|(_, id)| *id).collect();
    assert_eq!(sections, expected, "sections in input order");
    let flagged: Vec<&str> = cut
        .account_rows
        .iter()
        .filter(|a| a.detailed)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(flagged, expected);
    Ok(())
}

#[test]
fn a_section_lists_the_most_severe_failed_findings_and_says_how_many_there_are()
-> anyhow::Result<()> {
    let full = organisation(unlimited())?;
    let cut = organisation(tight())?;
    let mut checked = 0;
    for section in &cut.accounts {
        let whole = full
            .accounts
            .iter()
            .find(|a| a.account.id == section.account.id)
            .ok_or_else(|| anyhow::anyhow!("no full section of {}", section.account.id))?;
        assert_eq!(section.account.failed_findings, whole.failed.len());
        assert_eq!(section.failed.len(), whole.failed.len().min(3));
        assert_eq!(section.failed[..], whole.failed[..section.failed.len()]);
        assert_eq!(section.account.collection_errors, whole.errors.len());
        assert!(section.errors.len() <= 1);
        assert_eq!(section.controls, whole.controls);
        checked += usize::from(section.account.failed_findings > 3);
    }
    assert!(
        checked > 0,
        "some detailed account fails more than three findings"
    );
    Ok(())
}

#[test]
fn findings_pushed_in_any_order_give_the_same_report() -> anyhow::Result<()> {
    let forward = organisation(tight())?;
    let mut reversed_inputs = fixture::organisation();
    for input in &mut reversed_inputs {
        input.scan.findings.reverse();
    }
    let reversed = build_with(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        tight(),
        reversed_inputs,
    )?;
    assert_eq!(forward, reversed);
    Ok(())
}

#[test]
fn a_muted_failure_is_left_out_of_the_account_score_as_on_the_dashboard() -> anyhow::Result<()> {
    let mut input = fixture::sandbox()?;
    let check = "iam_root_hardware_mfa";
    fixture::mute_first(&mut input, check)?;
    let muted = input
        .mutes
        .first()
        .ok_or_else(|| anyhow::anyhow!("no mute"))?
        .clone();
    // The oracle: the engine's own score of the findings without the muted one.
    let rest: Vec<_> = input
        .scan
        .findings
        .iter()
        .filter(|f| !(f.check_id == muted.check_id && f.resource_arn == muted.resource_arn))
        .cloned()
        .collect();
    let expected = rampart_engine::score::summarize(&rest).score;
    assert_ne!(expected, input.scan.score, "muting changes the score");
    let report = build_with(
        Scope::organisation(),
        Framework::CisAws3,
        fixture::now(),
        Limits::for_accounts(1),
        vec![input],
    )?;
    assert_eq!(report.account_rows[0].score, expected);
    assert_eq!(report.summary.score, expected);
    assert_eq!(report.summary.muted_findings, 1);
    Ok(())
}

#[test]
fn one_account_may_list_every_finding_a_report_lists_and_many_accounts_share_them() {
    use rampart_report::model::{DETAILED_ACCOUNTS, FAILED_PER_SECTION_MIN, LISTED_FINDINGS};
    let one = Limits::for_accounts(1);
    assert_eq!(one.failed_per_account, LISTED_FINDINGS);
    let many = Limits::for_accounts(1000);
    assert_eq!(many.detailed_accounts, DETAILED_ACCOUNTS);
    assert!(many.failed_per_account >= FAILED_PER_SECTION_MIN);
    assert!(
        many.failed_per_account * DETAILED_ACCOUNTS
            <= LISTED_FINDINGS.max(FAILED_PER_SECTION_MIN * DETAILED_ACCOUNTS)
    );
    // Never zero, even for an empty report.
    assert!(Limits::for_accounts(0).failed_per_account > 0);
}
