//! The demo organisation as report inputs, and an independent oracle for control statuses.

use chrono::{DateTime, TimeZone, Utc};
use rampart_engine::Status;
use rampart_engine::coverage::coverage;
use rampart_engine::demo::{self, DemoAccount};
use rampart_engine::frameworks::{ControlKind, Framework, catalog};
use rampart_engine::report::ScanReport;
use rampart_report::{AccountInput, Mute, TrendPoint};

pub const SANDBOX: &str = "666677778888";
pub const MUTE_REASON: &str =
    "Sandbox vendor role, accepted by the CISO until the vendor moves to external ids (RISK-42)";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .unwrap_or_default()
}

/// One demo account as the report builder receives it: latest scan, five weekly scores
/// before it, coverage, and no mutes.
pub fn input(account: &DemoAccount) -> AccountInput {
    let inventory = account.inventory(now(), 0);
    let scan = ScanReport::evaluate(&inventory, inventory.collected_at);
    let trend = (1..=5)
        .rev()
        .filter_map(|ago| {
            let inv = account.inventory(now(), ago);
            let old = ScanReport::evaluate(&inv, inv.collected_at);
            old.score.map(|score| TrendPoint {
                at: old.scanned_at,
                score,
                evaluated: old.summary.passed + old.summary.failed,
            })
        })
        .collect();
    AccountInput {
        name: account.name.to_owned(),
        team: Some(account.owner_team.to_owned()),
        environment: Some(account.environment.to_owned()),
        coverage: Some(coverage(&inventory)),
        scan,
        trend,
        mutes: Vec::new(),
    }
}

pub fn organisation() -> Vec<AccountInput> {
    demo::organisation().iter().map(input).collect()
}

pub fn sandbox() -> anyhow::Result<AccountInput> {
    demo::organisation()
        .iter()
        .find(|a| a.id == SANDBOX)
        .map(input)
        .ok_or_else(|| anyhow::anyhow!("no sandbox account in the demo"))
}

/// Mutes the first failed finding of `check` in `input`.
pub fn mute_first(input: &mut AccountInput, check: &str) -> anyhow::Result<()> {
    let f = input
        .scan
        .findings
        .iter()
        .find(|f| f.check_id == check && f.status == Status::Fail)
        .ok_or_else(|| anyhow::anyhow!("no failed `{check}` finding to mute"))?;
    input.mutes.push(Mute {
        check_id: f.check_id.clone(),
        resource_arn: f.resource_arn.clone(),
        region: f.region.as_ref().map(|r| r.as_str().to_owned()),
        reason: MUTE_REASON.to_owned(),
        owner: "security@acme.example".to_owned(),
        expires_at: Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).single(),
    });
    Ok(())
}

/// The label a control should show, judged straight from the findings: any unmuted FAIL
/// fails it, else any unmuted ERROR, else a muted finding mutes it, else any PASS passes it.
pub fn expected_status(
    inputs: &[AccountInput],
    framework: Framework,
    id: &str,
) -> anyhow::Result<&'static str> {
    let catalog = catalog().map_err(|e| anyhow::anyhow!("{e}"))?;
    let control = catalog
        .control(framework, id)
        .ok_or_else(|| anyhow::anyhow!("no control `{id}`"))?;
    let checks = match &control.kind {
        ControlKind::Manual { .. } => return Ok("MANUAL"),
        ControlKind::NotCovered { .. } => return Ok("NOT COVERED"),
        ControlKind::Automated { checks } => checks,
    };
    let mut worst = "NOT APPLICABLE";
    let rank = |s: &str| {
        ["FAIL", "ERROR", "MUTED", "PASS", "NOT APPLICABLE"]
            .iter()
            .position(|x| *x == s)
    };
    for input in inputs {
        for f in input
            .scan
            .findings
            .iter()
            .filter(|f| checks.contains(&f.check_id))
        {
            let muted = f.status != Status::Pass
                && input
                    .mutes
                    .iter()
                    .any(|m| m.check_id == f.check_id && m.resource_arn == f.resource_arn);
            let s = match (muted, f.status) {
                (true, _) => "MUTED",
                (false, Status::Fail) => "FAIL",
                (false, Status::Error) => "ERROR",
                (false, Status::Pass) => "PASS",
            };
            if rank(s) < rank(worst) {
                worst = s;
            }
        }
    }
    Ok(worst)
}

/// How many controls of `framework` fail in `inputs`, by the same oracle.
pub fn expected_failing(
    inputs: &[AccountInput],
    framework: Framework,
) -> anyhow::Result<(usize, usize)> {
    let catalog = catalog().map_err(|e| anyhow::anyhow!("{e}"))?;
    let data = catalog
        .framework(framework)
        .ok_or_else(|| anyhow::anyhow!("no framework"))?;
    let mut failing = 0;
    for c in &data.controls {
        if expected_status(inputs, framework, &c.id)? == "FAIL" {
            failing += 1;
        }
    }
    Ok((failing, data.controls.len()))
}

/// Unmuted FAIL findings of checks the framework maps.
pub fn expected_failed_findings(input: &AccountInput, framework: Framework) -> usize {
    input
        .scan
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.compliance.contains_key(&framework))
        .filter(|f| {
            !input
                .mutes
                .iter()
                .any(|m| m.check_id == f.check_id && m.resource_arn == f.resource_arn)
        })
        .count()
}
