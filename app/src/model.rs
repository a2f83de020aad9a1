//! View models: what each page shows, filled by the server from storage. They serialise to
//! the JSON twins of the pages under `/api/`, so a page and its JSON always agree.

use rampart_engine::coverage::{Coverage, CoverageSummary};
use rampart_engine::inventory::CollectionError;
use serde::{Deserialize, Serialize};

/// What every page needs besides its own data.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Demo mode: authentication off, loopback only; said on every page.
    pub demo: bool,
    /// The CSRF token that POST forms carry.
    pub csrf: String,
    /// Path of the current page (for the navigation's active item).
    pub path: String,
    /// The signed-in user (with a sign-out button); `None` without sign-in.
    pub user: Option<String>,
}

/// Failed findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
    pub informational: i64,
}

impl SeverityCounts {
    pub fn total(&self) -> i64 {
        self.critical + self.high + self.medium + self.low + self.informational
    }
    pub fn get(&self, severity: &str) -> i64 {
        match severity {
            "critical" => self.critical,
            "high" => self.high,
            "medium" => self.medium,
            "low" => self.low,
            _ => self.informational,
        }
    }
    pub fn add(&mut self, severity: &str, n: i64) {
        match severity {
            "critical" => self.critical += n,
            "high" => self.high += n,
            "medium" => self.medium += n,
            "low" => self.low += n,
            _ => self.informational += n,
        }
    }
}

/// Progress of a running scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub done: i64,
    pub total: i64,
    pub label: String,
}

/// One scan, briefly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanBrief {
    pub id: i64,
    pub account_id: String,
    pub source: String,
    /// `running`, `succeeded`, `partial` or `failed`.
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub collected_at: Option<String>,
    pub score: Option<f64>,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    pub failed_by_severity: SeverityCounts,
    pub collection_errors: i64,
    pub message: String,
    pub progress: Option<Progress>,
    /// Failures muted now (risk accepted): counted apart, left out of `failed`,
    /// `failed_by_severity` and `score`. Only the latest scan of an account, as the overview
    /// and the account page show it, is re-scored this way; older scans keep their figures.
    #[serde(default)]
    pub muted: i64,
}

/// A point of an account's score trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub scan_id: i64,
    pub at: String,
    pub score: Option<f64>,
}

/// A linked account as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
    pub environment: String,
    pub owner_team: String,
    pub role_arn: Option<String>,
    pub regions: Vec<String>,
    pub source: String,
    /// Whether "Scan now" can run (a role or the server's own credentials are usable).
    pub scannable: bool,
}

/// A row of the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub account: AccountInfo,
    /// Without muted findings (see [`ScanBrief::muted`]).
    pub score: Option<f64>,
    pub trend: Vec<TrendPoint>,
    /// Unmuted failures by severity.
    pub failed: SeverityCounts,
    /// Muted failures, counted apart.
    #[serde(default)]
    pub muted: i64,
    pub last_scan: Option<ScanBrief>,
    pub running: Option<ScanBrief>,
    pub coverage: Option<CoverageSummary>,
}

/// Overview sort/filter parameters (GET query).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OverviewQuery {
    pub q: Option<String>,
    pub environment: Option<String>,
    /// `name`, `score`, `failed`, `last_scan`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewData {
    /// Over every account that matches the filter, not only this page.
    pub org_score: Option<f64>,
    pub failed: SeverityCounts,
    /// Muted failures of those accounts, counted apart from `failed`.
    #[serde(default)]
    pub muted: i64,
    /// Accounts matching the filter (all pages).
    pub total_accounts: i64,
    pub page: i64,
    pub per_page: i64,
    /// This page of accounts.
    pub accounts: Vec<AccountRow>,
    pub environments: Vec<String>,
    pub query: OverviewQuery,
}

/// Pass/fail/error and failed-by-severity for one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceBreakdown {
    pub service: String,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    pub failed_by_severity: SeverityCounts,
    /// Failures muted now, not in `failed`.
    #[serde(default)]
    pub muted: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountData {
    pub account: AccountInfo,
    pub latest: Option<ScanBrief>,
    pub running: Option<ScanBrief>,
    pub trend: Vec<TrendPoint>,
    pub by_service: Vec<ServiceBreakdown>,
    pub coverage: Option<Coverage>,
    pub collection_errors: Vec<CollectionError>,
}

/// Findings explorer filters (GET query). Empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingQuery {
    pub account: Option<String>,
    /// One scan instead of each account's latest.
    pub scan: Option<i64>,
    pub service: Option<String>,
    pub severity: Option<String>,
    /// `PASS`, `FAIL` (not muted), `MUTED`, `ERROR` or `any`; default `FAIL` on the page.
    pub status: Option<String>,
    pub check: Option<String>,
    /// `framework:control`, e.g. `cis-aws-3.0:1.4`.
    pub control: Option<String>,
    pub region: Option<String>,
    pub q: Option<String>,
    /// `severity` (default), `account`, `check`, `resource`, `region`.
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// One finding as a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub key_id: i64,
    pub scan_id: i64,
    pub account_id: String,
    pub account_name: String,
    pub check_id: String,
    pub title: String,
    pub service: String,
    pub severity: String,
    /// `PASS`, `FAIL`, `ERROR`, or `MUTED`: a failure an unexpired mute covers now.
    pub status: String,
    pub region: String,
    pub resource_arn: String,
    pub resource_type: String,
    pub message: String,
    pub controls: Vec<String>,
    /// The mute behind a `MUTED` status (the one expiring last when several cover it).
    #[serde(default)]
    pub mute: Option<MuteInfo>,
}

/// A mute (risk acceptance) as the pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteInfo {
    pub id: i64,
    pub account_id: String,
    pub check_id: String,
    /// An exact ARN or a glob with `*`; `None`: every resource of the check in the account.
    pub resource: Option<String>,
    pub reason: String,
    pub owner: String,
    pub expires_at: String,
    pub created_by: String,
    pub created_at: String,
    /// `ui` (made in the dashboard) or `file` (`rampart mutes apply`).
    pub source: String,
    /// Not expired when it was read.
    pub active: bool,
}

/// `/mutes`: the mutes of the user's accounts, active first, then expired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutesData {
    pub active: Vec<MuteInfo>,
    pub expired: Vec<MuteInfo>,
    /// Account names by id, for display.
    pub accounts: Vec<(String, String)>,
    /// Whether the user may mute and unmute.
    pub can_mute: bool,
}

/// Counts per value of one facet, for the current filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsData {
    pub query: FindingQuery,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub rows: Vec<FindingRow>,
    pub facets: Vec<Facet>,
    pub accounts: Vec<(String, String)>,
    pub controls: Vec<String>,
    /// Whether the user may mute (the explorer offers to mute a check of an account).
    #[serde(default)]
    pub can_mute: bool,
}

/// A finding's status in one scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub scan_id: i64,
    pub at: String,
    pub status: String,
    pub message: String,
}

/// A check's description for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInfo {
    pub id: String,
    pub title: String,
    pub service: String,
    pub severity: String,
    pub rationale: String,
    pub remediation_console: String,
    pub remediation_cli: String,
    pub compliance: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingDetail {
    pub finding: FindingRow,
    pub evidence: serde_json::Value,
    pub check: Option<CheckInfo>,
    pub first_seen_at: String,
    pub last_seen_at: String,
    pub first_failed_at: Option<String>,
    pub resolved_at: Option<String>,
    pub history: Vec<HistoryPoint>,
    /// Whether the user may mute this finding (or unmute the mute behind it).
    #[serde(default)]
    pub can_mute: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckDetail {
    pub check: CheckInfo,
    /// Latest results of this check in every account: (account id, name, passed, failed, errored).
    /// `failed` leaves out muted failures, which `muted` counts per account id.
    pub accounts: Vec<(String, String, i64, i64, i64)>,
    #[serde(default)]
    pub muted: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScansData {
    pub account: AccountInfo,
    pub scans: Vec<ScanBrief>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffData {
    pub account: AccountInfo,
    pub from: ScanBrief,
    pub to: ScanBrief,
    pub new: Vec<FindingRow>,
    pub resolved: Vec<FindingRow>,
    pub still_failing: Vec<FindingRow>,
}

/// Everything about one scan (the JSON twin `/api/scans/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanData {
    pub account: AccountInfo,
    pub scan: ScanBrief,
    pub collection_errors: Vec<CollectionError>,
}

/// One control in one account: its status (`pass`, `fail`, `error`, `muted`,
/// `not_applicable`, `manual`, `not_covered`, or `unscanned` for an account without a scan)
/// and the latest findings of its checks there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlCell {
    pub status: String,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    /// FAIL and ERROR findings someone muted: neither failed nor passed.
    pub muted: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlRow {
    /// The control id, exactly as the standard numbers it.
    pub control: String,
    pub section: String,
    /// Our own short title.
    pub title: String,
    /// `automated`, `manual` or `not_covered`.
    pub kind: String,
    /// What to check by hand (manual, not covered), or a caveat (automated).
    pub note: Option<String>,
    /// The checks that answer it: (id, title).
    pub checks: Vec<(String, String)>,
    /// One cell per account, in the order of `ComplianceData::accounts`.
    pub cells: Vec<ControlCell>,
    /// The worst status across the filter's accounts (its kind for manual and not covered
    /// controls).
    pub overall: String,
}

/// Compliance page parameters (GET query; the JSON twin takes the same). Empty strings
/// mean "all".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplianceQuery {
    /// A framework key; CIS AWS Foundations 3.0 when absent.
    pub framework: Option<String>,
    /// One account id: that account only.
    pub account: Option<String>,
    /// One owner team: its accounts only.
    pub team: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplianceData {
    pub framework: String,
    /// The account chosen by the filter (`None`: all), as given.
    pub account: Option<String>,
    /// The team chosen by the filter (`None`: all), as given.
    pub team: Option<String>,
    /// What the filter offers: every account the user may see, (id, name, owner team).
    pub account_choices: Vec<(String, String, String)>,
    /// ... and every team owning one of them, sorted.
    pub team_choices: Vec<String>,
    pub framework_title: String,
    pub framework_version: String,
    pub framework_source: String,
    /// What of the standard is listed, and what is left out.
    pub framework_scope: String,
    /// Every framework: (key, title).
    pub frameworks: Vec<(String, String)>,
    /// The accounts of the filter, the grid's columns: (id, name).
    pub accounts: Vec<(String, String)>,
    pub controls: Vec<ControlRow>,
    /// Controls by overall status across the filter's accounts, worst first: (status, count).
    pub summary: Vec<(String, i64)>,
}

/// Result of an import (upload or `rampart import`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub account_id: String,
    pub scan_id: i64,
    pub findings: i64,
}

/// `/accounts/{id}/principals`: every IAM user, role and group of the latest scan with what
/// the policy analyses found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalsData {
    pub account: AccountInfo,
    /// The scan whose inventory was analysed.
    pub scan_id: i64,
    pub principals: Vec<PrincipalRow>,
    /// Policy documents that could not be analysed: label and the parser's message.
    pub problems: Vec<(String, String)>,
}

/// One principal in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalRow {
    pub arn: String,
    pub name: String,
    /// `user`, `role` or `group`.
    pub kind: String,
    /// Admin-equivalent (full access, or permission management on every resource).
    pub admin: bool,
    /// How many escalation paths start here.
    pub escalation_paths: usize,
    /// Actions allowed (catalogue actions, after boundary and denies).
    pub allowed_actions: usize,
    /// Of those, allowed on every resource (`*`).
    pub unrestricted_actions: usize,
    /// Public, cross-account or audience-less federated trust (roles).
    pub exposure: Option<String>,
}

/// `/accounts/{id}/principal?arn=…`: one principal's effective permissions and paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalData {
    pub account: AccountInfo,
    pub scan_id: i64,
    pub principal: PrincipalRow,
    /// Its policies: label and how they reach it (`attached`, `inline`, `group devs`).
    pub policies: Vec<(String, String)>,
    pub boundary: Option<String>,
    /// Allowed actions by service and access level, busiest services first.
    pub by_service: Vec<ServicePermissions>,
    /// Why it is admin-equivalent: one line per reason with its granting statements.
    pub admin_evidence: Vec<String>,
    pub paths: Vec<EscalationPathView>,
    /// The escalation graph around this principal, laid out for SVG.
    pub graph: GraphView,
    /// Trust-policy exposures (roles): one line each.
    pub exposures: Vec<String>,
}

/// Allowed actions of one service by access level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServicePermissions {
    pub service: String,
    pub list: usize,
    pub read: usize,
    pub write: usize,
    pub permissions_management: usize,
    pub tagging: usize,
}

impl ServicePermissions {
    pub fn total(&self) -> usize {
        self.list + self.read + self.write + self.permissions_management + self.tagging
    }
}

/// A privilege-escalation path from the principal to admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationPathView {
    /// The ARN reached, or `admin` for direct full access.
    pub reaches: String,
    pub steps: Vec<EscalationStepView>,
}

/// One step: the technique, the actions it uses, its target and the granting statements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationStepView {
    pub technique: String,
    pub actions: Vec<String>,
    pub target: String,
    pub granted_by: Vec<String>,
}

/// Nodes and edges placed on a grid (column = steps from the principal).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphView {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    pub id: String,
    pub label: String,
    /// `start`, `principal` or `admin`.
    pub role: String,
    pub column: usize,
    pub row: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub label: String,
}

/// One row of the audit log as `/admin/audit` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    /// The client's address, when known.
    pub source: Option<String>,
    /// `scan_started`, `export`, `sign_in`, ...
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
}

/// The query string of `/admin/audit` and `/admin/audit.csv`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub page: Option<i64>,
}

/// `/admin/audit`: a page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditData {
    pub query: AuditQuery,
    pub rows: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Every action, for the filter.
    pub actions: Vec<String>,
}
