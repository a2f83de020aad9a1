//! The report model: everything a compliance report says, computed once from engine types
//! (scan reports, the frameworks catalogue, [`evaluate_control`]) and nothing else, so the
//! HTML and PDF renderers only lay it out and tests can check the facts without a renderer.

use crate::error::ReportError;
use chrono::{DateTime, NaiveDate, Utc};
use rampart_engine::checks::{self, Finding, Severity, Status};
use rampart_engine::coverage::{Coverage, Level};
use rampart_engine::frameworks::{
    CheckCounts, ControlKind, ControlStatus, Framework, catalog, evaluate_control,
};
use rampart_engine::report::ScanReport;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How much of a finding's evidence a report prints: auditors need the proof, not pages of
/// policy JSON (the full evidence stays in the JSON export).
pub const EVIDENCE_MAX_CHARS: usize = 700;
pub const EVIDENCE_MAX_LINES: usize = 14;
/// How many failed checks the executive summary lists as top risks.
pub const TOP_RISKS: usize = 8;

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub kind: ScopeKind,
    /// Shown on the cover and in every page header: an account name, a team, "Organisation".
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Account,
    Team,
    Organisation,
}

impl Scope {
    pub fn account(name: &str, id: &str) -> Self {
        Scope {
            kind: ScopeKind::Account,
            label: format!("{name} ({id})"),
        }
    }

    pub fn team(team: &str) -> Self {
        Scope {
            kind: ScopeKind::Team,
            label: format!("Team {team}"),
        }
    }

    pub fn organisation() -> Self {
        Scope {
            kind: ScopeKind::Organisation,
            label: "Organisation".to_owned(),
        }
    }
}

/// A score at one scan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendPoint {
    pub at: DateTime<Utc>,
    pub score: f64,
    /// PASS and FAIL findings of that scan: the point's weight in an organisation's mean.
    pub evaluated: usize,
}

/// A finding someone accepted, and why. Matched to a FAIL or ERROR finding by check,
/// resource and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mute {
    pub check_id: String,
    pub resource_arn: String,
    pub region: Option<String>,
    pub reason: String,
    pub owner: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// One account as the report builder receives it.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
    /// The latest scan (the account id comes from it).
    pub scan: ScanReport,
    /// Earlier scores, oldest first (the latest scan's score is added when missing).
    pub trend: Vec<TrendPoint>,
    pub coverage: Option<Coverage>,
    pub mutes: Vec<Mute>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub title: String,
    pub scope: Scope,
    pub generated_at: DateTime<Utc>,
    pub framework: FrameworkInfo,
    pub summary: ExecutiveSummary,
    /// Every control of the framework with its worst status over the accounts in scope.
    pub controls: Vec<ControlRow>,
    pub accounts: Vec<AccountSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkInfo {
    pub key: String,
    pub title: String,
    pub version: String,
    pub source: String,
    /// What of the standard the mapping covers.
    pub coverage_note: String,
}

/// Controls per status, for the summary and for each account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub fail: usize,
    pub error: usize,
    pub muted: usize,
    pub pass: usize,
    pub not_applicable: usize,
    pub manual: usize,
    pub not_covered: usize,
}

impl StatusCounts {
    pub fn add(&mut self, status: ControlStatus) {
        *self.slot(status) += 1;
    }

    pub fn get(&self, status: ControlStatus) -> usize {
        match status {
            ControlStatus::Fail => self.fail,
            ControlStatus::Error => self.error,
            ControlStatus::Muted => self.muted,
            ControlStatus::Pass => self.pass,
            ControlStatus::NotApplicable => self.not_applicable,
            ControlStatus::Manual => self.manual,
            ControlStatus::NotCovered => self.not_covered,
        }
    }

    fn slot(&mut self, status: ControlStatus) -> &mut usize {
        match status {
            ControlStatus::Fail => &mut self.fail,
            ControlStatus::Error => &mut self.error,
            ControlStatus::Muted => &mut self.muted,
            ControlStatus::Pass => &mut self.pass,
            ControlStatus::NotApplicable => &mut self.not_applicable,
            ControlStatus::Manual => &mut self.manual,
            ControlStatus::NotCovered => &mut self.not_covered,
        }
    }

    pub fn total(&self) -> usize {
        ControlStatus::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutiveSummary {
    /// Mean of the account scores weighted by evaluated findings, as on the overview.
    pub score: Option<f64>,
    /// One point per day with a scan, the mean score of that day's scans.
    pub trend: Vec<TrendPoint>,
    pub accounts: usize,
    pub controls: StatusCounts,
    /// FAIL findings of checks mapped to the framework (muted ones excluded).
    pub failed_findings: usize,
    pub failed_by_severity: Vec<SeverityCount>,
    pub muted_findings: usize,
    pub errored_findings: usize,
    pub collection_errors: usize,
    pub top_risks: Vec<Risk>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

/// A failed check, over every account in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub check_id: String,
    pub title: String,
    pub severity: Severity,
    pub accounts: usize,
    pub resources: usize,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlRow {
    pub id: String,
    pub section: String,
    pub title: String,
    pub status: ControlStatus,
    /// The status as both renderers print it: `FAIL`, `PASS`, `NOT APPLICABLE`, ...
    pub status_label: &'static str,
    pub counts: CheckCounts,
    /// Accounts in which the control fails.
    pub failing_accounts: usize,
    pub checks: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSection {
    pub id: String,
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
    pub scanned_at: DateTime<Utc>,
    pub score: Option<f64>,
    /// PASS and FAIL findings of every check (the score's base).
    pub evaluated_findings: usize,
    /// ERROR findings of checks mapped to the framework (muted ones excluded).
    pub errored_findings: usize,
    pub trend: Vec<TrendPoint>,
    pub control_counts: StatusCounts,
    pub controls: Vec<ControlRow>,
    pub failed: Vec<FailedFinding>,
    pub muted: Vec<MutedFinding>,
    pub coverage: Vec<CoverageRow>,
    pub errors: Vec<ErrorRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedFinding {
    pub check_id: String,
    pub title: String,
    pub severity: Severity,
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    /// Pretty JSON, cut at [`EVIDENCE_MAX_CHARS`] / [`EVIDENCE_MAX_LINES`].
    pub evidence: String,
    pub evidence_truncated: bool,
    pub remediation_console: Option<String>,
    pub remediation_cli: Option<String>,
    /// The framework's controls this finding fails.
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MutedFinding {
    pub check_id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub region: Option<String>,
    pub resource: String,
    pub reason: String,
    pub owner: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub controls: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    pub region: String,
    pub cloudtrail: String,
    pub cloudwatch: String,
    pub config: String,
    pub api_logging: String,
    pub gaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorRow {
    pub service: String,
    pub region: Option<String>,
    pub api: String,
    pub code: String,
    pub message: String,
}

/// Builds the report of `accounts` against `framework` as of `generated_at`.
pub fn build(
    scope: Scope,
    framework: Framework,
    generated_at: DateTime<Utc>,
    accounts: Vec<AccountInput>,
) -> Result<Report, ReportError> {
    let catalog = catalog().map_err(|e| ReportError::Catalog(e.to_string()))?;
    let data = catalog
        .framework(framework)
        .ok_or(ReportError::UnknownFramework(framework.key()))?;
    let controls_of = |check: &str| -> Vec<String> {
        catalog
            .compliance_of(check)
            .remove(&framework)
            .unwrap_or_default()
    };

    let mut sections = Vec::with_capacity(accounts.len());
    // control index → (worst status, counts, failing accounts)
    let mut overall: Vec<(Option<ControlStatus>, CheckCounts, usize)> =
        vec![(None, CheckCounts::default(), 0); data.controls.len()];
    for input in accounts {
        let Split {
            tally,
            failed,
            muted,
            errored,
        } = split_findings(&input, &controls_of);
        let mut control_counts = StatusCounts::default();
        let mut rows = Vec::with_capacity(data.controls.len());
        for (i, control) in data.controls.iter().enumerate() {
            let result = evaluate_control(control, |id| tally.get(id).copied().unwrap_or_default());
            control_counts.add(result.status);
            let slot = &mut overall[i];
            slot.0 = Some(slot.0.map_or(result.status, |s| s.min(result.status)));
            slot.1.add(result.counts);
            if result.status == ControlStatus::Fail {
                slot.2 += 1;
            }
            rows.push(control_row(
                control,
                result.status,
                result.counts,
                usize::from(result.status == ControlStatus::Fail),
            ));
        }
        let mut trend = input.trend.clone();
        if let Some(score) = input.scan.score
            && trend.last().is_none_or(|p| p.at < input.scan.scanned_at)
        {
            trend.push(TrendPoint {
                at: input.scan.scanned_at,
                score,
                evaluated: input.scan.summary.passed + input.scan.summary.failed,
            });
        }
        sections.push(AccountSection {
            id: input.scan.account_id.as_str().to_owned(),
            name: input.name,
            team: input.team,
            environment: input.environment,
            scanned_at: input.scan.scanned_at,
            score: input.scan.score,
            evaluated_findings: input.scan.summary.passed + input.scan.summary.failed,
            errored_findings: errored,
            trend,
            control_counts,
            controls: rows,
            failed,
            muted,
            coverage: input.coverage.map(coverage_rows).unwrap_or_default(),
            errors: input
                .scan
                .errors
                .iter()
                .map(|e| ErrorRow {
                    service: e.service.label().to_owned(),
                    region: e.region.as_ref().map(|r| r.as_str().to_owned()),
                    api: e.api.clone(),
                    code: e.code.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        });
    }

    let controls: Vec<ControlRow> = data
        .controls
        .iter()
        .zip(overall)
        .map(|(control, (status, counts, failing))| {
            let status = status.unwrap_or(match control.kind {
                ControlKind::Automated { .. } => ControlStatus::NotApplicable,
                ControlKind::Manual { .. } => ControlStatus::Manual,
                ControlKind::NotCovered { .. } => ControlStatus::NotCovered,
            });
            control_row(control, status, counts, failing)
        })
        .collect();
    let summary = summarize(&sections, &controls);
    Ok(Report {
        title: format!("{} compliance report", data.title),
        scope,
        generated_at,
        framework: FrameworkInfo {
            key: framework.key().to_owned(),
            title: data.title.clone(),
            version: data.version.clone(),
            source: data.source.clone(),
            coverage_note: data.scope.clone(),
        },
        summary,
        controls,
        accounts: sections,
    })
}

fn control_row(
    control: &rampart_engine::frameworks::Control,
    status: ControlStatus,
    counts: CheckCounts,
    failing_accounts: usize,
) -> ControlRow {
    ControlRow {
        id: control.id.clone(),
        section: control.section.clone(),
        title: control.title.clone(),
        status,
        status_label: status_label(status),
        counts,
        failing_accounts,
        checks: control.checks().to_vec(),
        note: control.note().map(str::to_owned),
    }
}

/// How reports print a control status.
pub fn status_label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Fail => "FAIL",
        ControlStatus::Error => "ERROR",
        ControlStatus::Muted => "MUTED",
        ControlStatus::Pass => "PASS",
        ControlStatus::NotApplicable => "NOT APPLICABLE",
        ControlStatus::Manual => "MANUAL",
        ControlStatus::NotCovered => "NOT COVERED",
    }
}

fn mute_of<'a>(mutes: &'a [Mute], f: &Finding) -> Option<&'a Mute> {
    mutes.iter().find(|m| {
        m.check_id == f.check_id
            && m.resource_arn == f.resource_arn
            && m.region.as_deref() == f.region.as_ref().map(|r| r.as_str())
    })
}

/// One account's findings, sorted for the report.
struct Split {
    /// Counts per check; muted FAIL and ERROR findings count as muted.
    tally: BTreeMap<String, CheckCounts>,
    /// FAIL findings of checks the framework maps, worst first.
    failed: Vec<FailedFinding>,
    muted: Vec<MutedFinding>,
    /// ERROR findings of checks the framework maps.
    errored: usize,
}

fn split_findings(input: &AccountInput, controls_of: &dyn Fn(&str) -> Vec<String>) -> Split {
    let mut tally: BTreeMap<String, CheckCounts> = BTreeMap::new();
    let mut failed = Vec::new();
    let mut muted = Vec::new();
    let mut errored = 0;
    for f in &input.scan.findings {
        let counts = tally.entry(f.check_id.clone()).or_default();
        let mute = (f.status != Status::Pass)
            .then(|| mute_of(&input.mutes, f))
            .flatten();
        if mute.is_some() {
            counts.muted += 1;
        } else {
            counts.add_status(f.status, 1);
        }
        let controls = controls_of(&f.check_id);
        if controls.is_empty() {
            continue;
        }
        let region = f.region.as_ref().map(|r| r.as_str().to_owned());
        match (mute, f.status) {
            (Some(m), _) => muted.push(MutedFinding {
                check_id: f.check_id.clone(),
                title: f.title.clone(),
                severity: f.severity,
                status: f.status,
                region,
                resource: f.resource_arn.clone(),
                reason: m.reason.clone(),
                owner: m.owner.clone(),
                expires_at: m.expires_at,
                controls,
            }),
            (None, Status::Fail) => {
                let remediation = checks::find(&f.check_id).map(|c| c.meta.remediation);
                let (evidence, evidence_truncated) = evidence_text(&f.evidence);
                failed.push(FailedFinding {
                    check_id: f.check_id.clone(),
                    title: f.title.clone(),
                    severity: f.severity,
                    region,
                    resource: f.resource_arn.clone(),
                    message: f.message.clone(),
                    evidence,
                    evidence_truncated,
                    remediation_console: remediation.map(|r| r.console.to_owned()),
                    remediation_cli: remediation.map(|r| r.cli.to_owned()),
                    controls,
                });
            }
            (None, Status::Error) => errored += 1,
            (None, Status::Pass) => {}
        }
    }
    failed.sort_by(|a, b| {
        (b.severity, &a.check_id, &a.resource).cmp(&(a.severity, &b.check_id, &b.resource))
    });
    muted.sort_by(|a, b| (b.severity, &a.check_id).cmp(&(a.severity, &b.check_id)));
    Split {
        tally,
        failed,
        muted,
        errored,
    }
}

/// Pretty JSON evidence, cut to what a page can hold. `null` evidence prints nothing.
pub fn evidence_text(evidence: &serde_json::Value) -> (String, bool) {
    if evidence.is_null() {
        return (String::new(), false);
    }
    let full = serde_json::to_string_pretty(evidence).unwrap_or_else(|_| evidence.to_string());
    let mut out = String::new();
    let mut truncated = false;
    for (i, line) in full.lines().enumerate() {
        if i >= EVIDENCE_MAX_LINES || out.len() + line.len() > EVIDENCE_MAX_CHARS {
            truncated = true;
            break;
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
    (out, truncated)
}

fn level(level: Level) -> String {
    match level {
        Level::Full => "full",
        Level::Partial => "partial",
        Level::None => "none",
        Level::Unknown => "unknown",
        Level::NotApplicable => "n/a",
    }
    .to_owned()
}

fn coverage_rows(coverage: Coverage) -> Vec<CoverageRow> {
    coverage
        .regions
        .into_iter()
        .map(|r| {
            let mut gaps = Vec::new();
            gaps.extend(r.cloudtrail.gaps);
            gaps.extend(r.cloudwatch.gaps);
            gaps.extend(r.config.gaps);
            let api_logging = match r.api_logging {
                Some(api) => {
                    gaps.extend(api.gaps);
                    level(api.level)
                }
                None => level(Level::Unknown),
            };
            CoverageRow {
                region: r.region.as_str().to_owned(),
                cloudtrail: level(r.cloudtrail.level),
                cloudwatch: level(r.cloudwatch.level),
                config: level(r.config.level),
                api_logging,
                gaps,
            }
        })
        .collect()
}

fn summarize(accounts: &[AccountSection], controls: &[ControlRow]) -> ExecutiveSummary {
    let mut counts = StatusCounts::default();
    for c in controls {
        counts.add(c.status);
    }
    // Score weighted by evaluated findings, as the overview does.
    let (mut weight, mut sum) = (0.0, 0.0);
    for a in accounts {
        if let Some(score) = a.score {
            let w = a.evaluated_findings as f64;
            weight += w;
            sum += score * w;
        }
    }
    let score = (weight > 0.0).then(|| (10.0 * sum / weight).round() / 10.0);

    // Per day, the scans' scores weighted like the headline score.
    let mut by_day: BTreeMap<NaiveDate, (f64, usize)> = BTreeMap::new();
    for a in accounts {
        for p in &a.trend {
            let e = by_day.entry(p.at.date_naive()).or_insert((0.0, 0));
            e.0 += p.score * p.evaluated as f64;
            e.1 += p.evaluated;
        }
    }
    let trend = by_day
        .into_iter()
        .filter(|(_, (_, n))| *n > 0)
        .filter_map(|(day, (sum, n))| {
            let at = day.and_hms_opt(0, 0, 0)?.and_utc();
            Some(TrendPoint {
                at,
                score: (10.0 * sum / n as f64).round() / 10.0,
                evaluated: n,
            })
        })
        .collect();

    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    // check → (risk, accounts where it fails)
    let mut risks: BTreeMap<&str, (Risk, BTreeSet<&str>)> = BTreeMap::new();
    for a in accounts {
        for f in &a.failed {
            *by_severity.entry(f.severity).or_default() += 1;
            let (risk, seen) = risks.entry(f.check_id.as_str()).or_insert_with(|| {
                let risk = Risk {
                    check_id: f.check_id.clone(),
                    title: f.title.clone(),
                    severity: f.severity,
                    accounts: 0,
                    resources: 0,
                    controls: f.controls.clone(),
                };
                (risk, BTreeSet::new())
            });
            seen.insert(a.id.as_str());
            risk.accounts = seen.len();
            risk.resources += 1;
        }
    }
    let mut top_risks: Vec<Risk> = risks.into_values().map(|(risk, _)| risk).collect();
    top_risks.sort_by(|a, b| {
        (b.severity, b.accounts, b.resources, &a.check_id).cmp(&(
            a.severity,
            a.accounts,
            a.resources,
            &b.check_id,
        ))
    });
    top_risks.truncate(TOP_RISKS);

    ExecutiveSummary {
        score,
        trend,
        accounts: accounts.len(),
        controls: counts,
        failed_findings: accounts.iter().map(|a| a.failed.len()).sum(),
        failed_by_severity: Severity::ALL
            .into_iter()
            .map(|severity| SeverityCount {
                severity,
                count: by_severity.get(&severity).copied().unwrap_or(0),
            })
            .collect(),
        muted_findings: accounts.iter().map(|a| a.muted.len()).sum(),
        errored_findings: accounts.iter().map(|a| a.errored_findings).sum(),
        collection_errors: accounts.iter().map(|a| a.errors.len()).sum(),
        top_risks,
    }
}
