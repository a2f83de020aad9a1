//! The report model: everything a compliance report says, computed once from engine types
//! (scan reports, the frameworks catalogue, [`evaluate_control`]) and nothing else, so the
//! HTML and PDF renderers only lay it out and tests can check the facts without a renderer.

use crate::error::ReportError;
use chrono::{DateTime, NaiveDate, Utc};
use rampart_engine::checks::{self, Finding, Severity, Status};
use rampart_engine::coverage::{Coverage, Level};
use rampart_engine::frameworks::{
    CheckCounts, ControlKind, ControlStatus, Framework, FrameworkData, catalog, evaluate_control,
};
use rampart_engine::inventory::CollectionError;
use rampart_engine::report::ScanReport;
use rampart_engine::score::score_of_checks;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
    /// What the sections list at most.
    pub limits: Limits,
    /// Every account in scope, in the order given.
    pub account_rows: Vec<AccountRow>,
    /// The accounts with a section of their own (the lowest scores, at most
    /// `limits.detailed_accounts`), in the order given.
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
    /// Who the account is and its counts, as in the accounts table (flattened into the
    /// section's JSON): `account.failed_findings` counts every failed finding, listed or not.
    #[serde(flatten)]
    pub account: AccountRow,
    /// PASS and FAIL findings of every check (the score's base).
    pub evaluated_findings: usize,
    pub trend: Vec<TrendPoint>,
    pub control_counts: StatusCounts,
    pub controls: Vec<ControlRow>,
    /// The most severe failed findings, at most `limits.failed_per_account`.
    pub failed: Vec<FailedFinding>,
    /// The most severe muted findings, at most `limits.muted_per_account`.
    pub muted: Vec<MutedFinding>,
    pub coverage: Vec<CoverageRow>,
    /// The first collection errors, at most `limits.errors_per_account`.
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

/// How much detail a report prints, so that its size stays bounded whatever the size of
/// the organisation. Every account has a row in the accounts table and counts in every
/// figure; only the `detailed_accounts` lowest-scoring accounts get a section of their own,
/// and a section lists at most so many failed and muted findings (most severe first) and
/// collection errors, saying how many it leaves out. The CSV, JSON, OCSF and ASFF exports
/// carry every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub detailed_accounts: usize,
    pub failed_per_account: usize,
    pub muted_per_account: usize,
    pub errors_per_account: usize,
}

/// Accounts with a section of their own, at most.
pub const DETAILED_ACCOUNTS: usize = 20;
/// Failed findings a report lists over all its sections (each section lists at least
/// [`FAILED_PER_SECTION_MIN`]): about 350 pages of PDF at most.
pub const LISTED_FINDINGS: usize = 1000;
pub const FAILED_PER_SECTION_MIN: usize = 50;
pub const ERRORS_PER_SECTION: usize = 50;

impl Limits {
    /// The limits of a report over `accounts` accounts: one account may list all of the
    /// report's [`LISTED_FINDINGS`], twenty share them.
    pub fn for_accounts(accounts: usize) -> Self {
        let sections = accounts.clamp(1, DETAILED_ACCOUNTS);
        let per_section = (LISTED_FINDINGS / sections).max(FAILED_PER_SECTION_MIN);
        Limits {
            detailed_accounts: DETAILED_ACCOUNTS,
            failed_per_account: per_section,
            muted_per_account: per_section,
            errors_per_account: ERRORS_PER_SECTION,
        }
    }
}

/// One account's facts apart from its findings, which stream in through an
/// [`AccountFold`].
#[derive(Debug, Clone)]
pub struct AccountMeta {
    pub id: String,
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
    pub scanned_at: DateTime<Utc>,
    /// Earlier scores, oldest first (the latest scan's score, as the fold computes it from
    /// the findings with the muted ones left out, is added at the end).
    pub trend: Vec<TrendPoint>,
    pub coverage: Option<Coverage>,
    pub errors: Vec<CollectionError>,
}

/// Why a finding is accepted, as the report prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuteNote {
    pub reason: String,
    pub owner: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// One row of the accounts table; every account in scope has one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub team: Option<String>,
    pub environment: Option<String>,
    pub scanned_at: DateTime<Utc>,
    pub score: Option<f64>,
    pub controls_failing: usize,
    /// FAIL findings of checks mapped to the framework (muted ones excluded).
    pub failed_findings: usize,
    pub muted_findings: usize,
    pub errored_findings: usize,
    pub collection_errors: usize,
    /// Whether the report has a section on this account.
    pub detailed: bool,
}

/// Builds the report of `accounts` against `framework` as of `generated_at`, with the
/// [`Limits`] of that many accounts.
pub fn build(
    scope: Scope,
    framework: Framework,
    generated_at: DateTime<Utc>,
    accounts: Vec<AccountInput>,
) -> Result<Report, ReportError> {
    let limits = Limits::for_accounts(accounts.len());
    build_with(scope, framework, generated_at, limits, accounts)
}

/// [`build`] with explicit limits.
pub fn build_with(
    scope: Scope,
    framework: Framework,
    generated_at: DateTime<Utc>,
    limits: Limits,
    accounts: Vec<AccountInput>,
) -> Result<Report, ReportError> {
    let mut builder = ReportBuilder::new(framework, generated_at, limits)?;
    for input in accounts {
        let meta = AccountMeta {
            id: input.scan.account_id.as_str().to_owned(),
            name: input.name,
            team: input.team,
            environment: input.environment,
            scanned_at: input.scan.scanned_at,
            trend: input.trend,
            coverage: input.coverage,
            errors: input.scan.errors,
        };
        let mut fold = builder.account(meta);
        for f in input.scan.findings {
            let mute = mute_of(&input.mutes, &f).map(|m| MuteNote {
                reason: m.reason.clone(),
                owner: m.owner.clone(),
                expires_at: m.expires_at,
            });
            fold.push(f, mute);
        }
        builder.add(fold);
    }
    Ok(builder.finish(scope))
}

/// Folds accounts into a report one at a time, keeping only what the report prints:
/// counts, per-control results, and the bounded detail of [`Limits`]. Memory grows with
/// the number of accounts (one table row each), not with the number of findings.
pub struct ReportBuilder {
    framework: Framework,
    data: &'static FrameworkData,
    generated_at: DateTime<Utc>,
    limits: Limits,
    /// check id → the framework's controls it answers (empty: not mapped).
    controls_of: Arc<HashMap<String, Vec<String>>>,
    /// control index → (worst status, counts, failing accounts)
    overall: Vec<(Option<ControlStatus>, CheckCounts, usize)>,
    rows: Vec<AccountRow>,
    /// (row index, section) of the accounts that get a section.
    sections: Vec<(usize, AccountSection)>,
    risks: BTreeMap<String, Risk>,
    by_severity: BTreeMap<Severity, usize>,
    /// day → (score × weight, weight)
    by_day: BTreeMap<NaiveDate, (f64, usize)>,
    /// (score × weight, weight)
    score: (f64, f64),
}

impl ReportBuilder {
    pub fn new(
        framework: Framework,
        generated_at: DateTime<Utc>,
        limits: Limits,
    ) -> Result<Self, ReportError> {
        let catalog = catalog().map_err(|e| ReportError::Catalog(e.to_string()))?;
        let data = catalog
            .framework(framework)
            .ok_or(ReportError::UnknownFramework(framework.key()))?;
        let controls_of = checks::registry()
            .iter()
            .map(|c| {
                let controls = catalog
                    .compliance_of(c.meta.id)
                    .remove(&framework)
                    .unwrap_or_default();
                (c.meta.id.to_owned(), controls)
            })
            .collect();
        Ok(ReportBuilder {
            framework,
            data,
            generated_at,
            limits,
            controls_of: Arc::new(controls_of),
            overall: vec![(None, CheckCounts::default(), 0); data.controls.len()],
            rows: Vec::new(),
            sections: Vec::new(),
            risks: BTreeMap::new(),
            by_severity: BTreeMap::new(),
            by_day: BTreeMap::new(),
            score: (0.0, 0.0),
        })
    }

    /// Starts an account; push its findings into the fold, then [`ReportBuilder::add`] it.
    pub fn account(&self, meta: AccountMeta) -> AccountFold {
        AccountFold {
            meta,
            controls_of: Arc::clone(&self.controls_of),
            limits: self.limits,
            tally: BTreeMap::new(),
            failed: Vec::new(),
            failed_total: 0,
            muted: Vec::new(),
            muted_total: 0,
            errored: 0,
            failed_by_check: BTreeMap::new(),
            failed_by_severity: BTreeMap::new(),
        }
    }

    /// Adds a folded account to the report.
    pub fn add(&mut self, fold: AccountFold) {
        let AccountFold {
            meta,
            tally,
            failed,
            failed_total,
            muted,
            muted_total,
            errored,
            failed_by_check,
            failed_by_severity,
            ..
        } = fold;
        let mut control_counts = StatusCounts::default();
        let mut rows = Vec::with_capacity(self.data.controls.len());
        for (i, control) in self.data.controls.iter().enumerate() {
            let result = evaluate_control(control, |id| {
                tally.get(id).map(|(_, c)| *c).unwrap_or_default()
            });
            control_counts.add(result.status);
            let slot = &mut self.overall[i];
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

        // The score as the dashboard shows it: muted failures left out.
        let score = score_of_checks(
            tally
                .values()
                .map(|(sev, c)| (*sev, c.passed as usize, c.failed as usize)),
        );
        let evaluated_findings: usize = tally
            .values()
            .map(|(_, c)| (c.passed + c.failed) as usize)
            .sum();
        let mut trend = meta.trend;
        trend.retain(|p| p.at < meta.scanned_at);
        if let Some(score) = score {
            trend.push(TrendPoint {
                at: meta.scanned_at,
                score,
                evaluated: evaluated_findings,
            });
        }
        for p in &trend {
            let e = self.by_day.entry(p.at.date_naive()).or_insert((0.0, 0));
            e.0 += p.score * p.evaluated as f64;
            e.1 += p.evaluated;
        }
        if let Some(score) = score {
            let w = evaluated_findings as f64;
            self.score.0 += score * w;
            self.score.1 += w;
        }
        for (check_id, (severity, title, resources)) in failed_by_check {
            let controls = self.controls_of.get(&check_id).cloned().unwrap_or_default();
            let risk = self.risks.entry(check_id.clone()).or_insert_with(|| Risk {
                check_id,
                title,
                severity,
                accounts: 0,
                resources: 0,
                controls,
            });
            risk.accounts += 1;
            risk.resources += resources;
        }
        for (severity, n) in failed_by_severity {
            *self.by_severity.entry(severity).or_default() += n;
        }

        let index = self.rows.len();
        let row = AccountRow {
            id: meta.id,
            name: meta.name,
            team: meta.team,
            environment: meta.environment,
            scanned_at: meta.scanned_at,
            score,
            controls_failing: control_counts.fail,
            failed_findings: failed_total,
            muted_findings: muted_total,
            errored_findings: errored,
            collection_errors: meta.errors.len(),
            detailed: false,
        };
        self.rows.push(row.clone());
        if self.limits.detailed_accounts == 0 {
            return;
        }
        // Evict before building when this account would be the first to go anyway.
        if self.sections.len() >= self.limits.detailed_accounts
            && let Some(best) = self.best_detailed()
            && detail_rank(score) >= detail_rank(self.sections[best].1.account.score)
        {
            return;
        }
        let section = AccountSection {
            account: AccountRow {
                detailed: true,
                ..row
            },
            evaluated_findings,
            trend,
            control_counts,
            controls: rows,
            failed: failed_rows(failed, self.limits.failed_per_account),
            muted: sorted_muted(muted, self.limits.muted_per_account),
            coverage: meta.coverage.map(coverage_rows).unwrap_or_default(),
            errors: meta
                .errors
                .into_iter()
                .take(self.limits.errors_per_account)
                .map(|e| ErrorRow {
                    service: e.service.label().to_owned(),
                    region: e.region.as_ref().map(|r| r.as_str().to_owned()),
                    api: e.api,
                    code: e.code,
                    message: e.message,
                })
                .collect(),
        };
        self.sections.push((index, section));
        if self.sections.len() > self.limits.detailed_accounts
            && let Some(best) = self.best_detailed()
        {
            self.sections.swap_remove(best);
        }
    }

    /// The detailed account that needs detail least: the highest score, the later one on
    /// a tie.
    fn best_detailed(&self) -> Option<usize> {
        self.sections
            .iter()
            .enumerate()
            .max_by(|(_, (ia, a)), (_, (ib, b))| {
                detail_rank(a.account.score)
                    .total_cmp(&detail_rank(b.account.score))
                    .then(ia.cmp(ib))
            })
            .map(|(i, _)| i)
    }

    /// The report, with `scope` on its cover.
    pub fn finish(self, scope: Scope) -> Report {
        let controls: Vec<ControlRow> = self
            .data
            .controls
            .iter()
            .zip(self.overall)
            .map(|(control, (status, counts, failing))| {
                let status = status.unwrap_or(match control.kind {
                    ControlKind::Automated { .. } => ControlStatus::NotApplicable,
                    ControlKind::Manual { .. } => ControlStatus::Manual,
                    ControlKind::NotCovered { .. } => ControlStatus::NotCovered,
                });
                control_row(control, status, counts, failing)
            })
            .collect();
        let mut counts = StatusCounts::default();
        for c in &controls {
            counts.add(c.status);
        }
        let score =
            (self.score.1 > 0.0).then(|| (10.0 * self.score.0 / self.score.1).round() / 10.0);
        // One point per day: that day's scans weighted like the headline score.
        let trend = self
            .by_day
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
        let mut top_risks: Vec<Risk> = self.risks.into_values().collect();
        top_risks.sort_by(|a, b| {
            (b.severity, b.accounts, b.resources, &a.check_id).cmp(&(
                a.severity,
                a.accounts,
                a.resources,
                &b.check_id,
            ))
        });
        top_risks.truncate(TOP_RISKS);

        let mut rows = self.rows;
        let mut sections = self.sections;
        sections.sort_by_key(|(i, _)| *i);
        for (i, _) in &sections {
            if let Some(row) = rows.get_mut(*i) {
                row.detailed = true;
            }
        }
        let summary = ExecutiveSummary {
            score,
            trend,
            accounts: rows.len(),
            controls: counts,
            failed_findings: rows.iter().map(|a| a.failed_findings).sum(),
            failed_by_severity: Severity::ALL
                .into_iter()
                .map(|severity| SeverityCount {
                    severity,
                    count: self.by_severity.get(&severity).copied().unwrap_or(0),
                })
                .collect(),
            muted_findings: rows.iter().map(|a| a.muted_findings).sum(),
            errored_findings: rows.iter().map(|a| a.errored_findings).sum(),
            collection_errors: rows.iter().map(|a| a.collection_errors).sum(),
            top_risks,
        };
        Report {
            title: format!("{} compliance report", self.data.title),
            scope,
            generated_at: self.generated_at,
            framework: FrameworkInfo {
                key: self.framework.key().to_owned(),
                title: self.data.title.clone(),
                version: self.data.version.clone(),
                source: self.data.source.clone(),
                coverage_note: self.data.scope.clone(),
            },
            summary,
            controls,
            limits: self.limits,
            account_rows: rows,
            accounts: sections.into_iter().map(|(_, s)| s).collect(),
        }
    }
}

/// Lower ranks need a section more: the score, an account without one last.
fn detail_rank(score: Option<f64>) -> f64 {
    score.unwrap_or(f64::INFINITY)
}

/// One account's findings as they stream in: counts of everything, and the most severe
/// failed and muted findings up to the limits.
pub struct AccountFold {
    meta: AccountMeta,
    controls_of: Arc<HashMap<String, Vec<String>>>,
    limits: Limits,
    /// Severity and counts per check; muted findings count as muted.
    tally: BTreeMap<String, (Severity, CheckCounts)>,
    failed: Vec<(Finding, Vec<String>)>,
    failed_total: usize,
    muted: Vec<MutedFinding>,
    muted_total: usize,
    /// ERROR findings of checks the framework maps.
    errored: usize,
    /// check → (severity, title, FAIL findings), checks the framework maps.
    failed_by_check: BTreeMap<String, (Severity, String, usize)>,
    failed_by_severity: BTreeMap<Severity, usize>,
}

impl AccountFold {
    /// Adds one finding; `mute` says why it is accepted (ignored for a PASS).
    pub fn push(&mut self, f: Finding, mute: Option<MuteNote>) {
        let mute = mute.filter(|_| f.status != Status::Pass);
        let (_, counts) = match self.tally.get_mut(&f.check_id) {
            Some(c) => c,
            None => self
                .tally
                .entry(f.check_id.clone())
                .or_insert((f.severity, CheckCounts::default())),
        };
        if mute.is_some() {
            counts.muted += 1;
        } else {
            counts.add_status(f.status, 1);
        }
        let Some(controls) = self.controls_of.get(&f.check_id).filter(|c| !c.is_empty()) else {
            return;
        };
        match (mute, f.status) {
            (Some(m), _) => {
                self.muted_total += 1;
                self.muted.push(MutedFinding {
                    check_id: f.check_id,
                    title: f.title,
                    severity: f.severity,
                    status: f.status,
                    region: f.region.map(|r| r.as_str().to_owned()),
                    resource: f.resource_arn,
                    reason: m.reason,
                    owner: m.owner,
                    expires_at: m.expires_at,
                    controls: controls.clone(),
                });
                let cap = self.limits.muted_per_account;
                if self.muted.len() >= cap.max(1).saturating_mul(2) {
                    self.muted = sorted_muted(std::mem::take(&mut self.muted), cap);
                }
            }
            (None, Status::Fail) => {
                self.failed_total += 1;
                *self.failed_by_severity.entry(f.severity).or_default() += 1;
                match self.failed_by_check.get_mut(&f.check_id) {
                    Some(e) => e.2 += 1,
                    None => {
                        self.failed_by_check
                            .insert(f.check_id.clone(), (f.severity, f.title.clone(), 1));
                    }
                }
                let controls = controls.clone();
                self.failed.push((f, controls));
                let cap = self.limits.failed_per_account;
                if self.failed.len() >= cap.max(1).saturating_mul(2) {
                    sort_failed(&mut self.failed);
                    self.failed.truncate(cap);
                }
            }
            (None, Status::Error) => self.errored += 1,
            (None, Status::Pass) => {}
        }
    }
}

/// Most severe first, then by check and resource.
fn sort_failed(failed: &mut [(Finding, Vec<String>)]) {
    failed.sort_by(|(a, _), (b, _)| {
        (b.severity, &a.check_id, &a.resource_arn).cmp(&(a.severity, &b.check_id, &b.resource_arn))
    });
}

fn failed_rows(mut failed: Vec<(Finding, Vec<String>)>, cap: usize) -> Vec<FailedFinding> {
    sort_failed(&mut failed);
    failed.truncate(cap);
    failed
        .into_iter()
        .map(|(f, controls)| {
            let remediation = checks::find(&f.check_id).map(|c| c.meta.remediation);
            let (evidence, evidence_truncated) = evidence_text(&f.evidence);
            FailedFinding {
                region: f.region.map(|r| r.as_str().to_owned()),
                check_id: f.check_id,
                title: f.title,
                severity: f.severity,
                resource: f.resource_arn,
                message: f.message,
                evidence,
                evidence_truncated,
                remediation_console: remediation.map(|r| r.console.to_owned()),
                remediation_cli: remediation.map(|r| r.cli.to_owned()),
                controls,
            }
        })
        .collect()
}

fn sorted_muted(mut muted: Vec<MutedFinding>, cap: usize) -> Vec<MutedFinding> {
    muted.sort_by(|a, b| {
        (b.severity, &a.check_id, &a.resource).cmp(&(a.severity, &b.check_id, &b.resource))
    });
    muted.truncate(cap);
    muted
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
