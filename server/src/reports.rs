//! Compliance reports of stored scans: which accounts a request covers (the user's scope,
//! `--account` ids, a team) and their latest scans as the report builder's inputs. The
//! `rampart report` command and (later) the web routes call this; rendering is
//! `rampart-report`'s.

use crate::access::Scope;
use crate::store::{Store, StoreError};
use chrono::DateTime;
use rampart_app::model::MuteInfo;
use rampart_engine::coverage::coverage;
use rampart_engine::mute::{MuteTarget, ResourcePattern};
use rampart_engine::report::ScanReport;
use rampart_report::{AccountInput, TrendPoint};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ReportsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An `--account` id that is not linked, or not in the user's scope.
    #[error("account `{0}` is not linked (or not visible to you)")]
    UnknownAccount(String),
    #[error("no account of team `{0}` is linked (or visible to you)")]
    UnknownTeam(String),
    #[error("no account in scope has a completed scan")]
    NothingScanned,
}

/// What to report on: every visible account, these ids, or one team's accounts.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub accounts: Vec<String>,
    pub team: Option<String>,
}

/// The latest scan of every selected account that has one, oldest scans as its trend.
/// Findings are re-judged on the scan's stored inventory as of its collection time, which
/// also gives the coverage and the collection errors of that scan.
pub async fn account_inputs(
    store: &Store,
    scope: &Scope,
    selection: &Selection,
) -> Result<Vec<AccountInput>, ReportsError> {
    let visible: Vec<_> = store
        .accounts()
        .await?
        .into_iter()
        .filter(|a| scope.allows_team(&a.owner_team))
        .collect();
    for id in &selection.accounts {
        if !visible.iter().any(|a| &a.id == id) {
            return Err(ReportsError::UnknownAccount(id.clone()));
        }
    }
    let chosen: Vec<_> = visible
        .into_iter()
        .filter(|a| selection.accounts.is_empty() || selection.accounts.contains(&a.id))
        .filter(|a| selection.team.as_ref().is_none_or(|t| &a.owner_team == t))
        .collect();
    if let Some(team) = &selection.team
        && chosen.is_empty()
    {
        return Err(ReportsError::UnknownTeam(team.clone()));
    }
    let active: Vec<MuteInfo> = store
        .mutes(scope)
        .await?
        .into_iter()
        .filter(|m| m.active)
        .collect();
    let mut inputs = Vec::with_capacity(chosen.len());
    for account in chosen {
        let Some(scan_id) = store.latest_scan_id(&account.id).await? else {
            continue;
        };
        let inventory = store.scan_inventory(scan_id).await?;
        let scan = ScanReport::evaluate(&inventory, inventory.collected_at);
        let mut trend: Vec<TrendPoint> = store
            .scans(&account.id, scope)
            .await?
            .into_iter()
            .filter(|s| s.id != scan_id)
            .filter_map(|s| {
                let at = DateTime::parse_from_rfc3339(s.collected_at.as_deref()?).ok()?;
                Some(TrendPoint {
                    at: at.to_utc(),
                    score: s.score?,
                    evaluated: usize::try_from(s.passed + s.failed).unwrap_or(0),
                })
            })
            .filter(|p| p.at < scan.scanned_at)
            .collect();
        trend.sort_by_key(|p| p.at);
        let mutes = mutes_of(&active, &scan);
        inputs.push(AccountInput {
            name: account.name.clone(),
            team: Some(account.owner_team.clone()).filter(|t| !t.is_empty()),
            environment: Some(account.environment.clone()).filter(|e| !e.is_empty()),
            coverage: Some(coverage(&inventory)),
            scan,
            trend,
            mutes,
        });
    }
    if inputs.is_empty() {
        return Err(ReportsError::NothingScanned);
    }
    Ok(inputs)
}

/// The active mutes of `active` that cover failed findings of `scan`, one per finding, as
/// the report shows them (the mute expiring last when several cover a finding).
fn mutes_of(active: &[MuteInfo], scan: &ScanReport) -> Vec<rampart_report::Mute> {
    let account = scan.account_id.as_str();
    // Each mute's target, read once; a stored pattern that no longer parses covers nothing.
    let targets: Vec<(MuteTarget, &MuteInfo)> = active
        .iter()
        .filter(|m| m.account_id == account)
        .filter_map(|m| {
            let resource = match &m.resource {
                Some(p) => ResourcePattern::parse(p).ok()?,
                None => None,
            };
            let target = MuteTarget {
                account_id: m.account_id.clone(),
                check_id: m.check_id.clone(),
                resource,
            };
            Some((target, m))
        })
        .collect();
    let mut out = Vec::new();
    if targets.is_empty() {
        return out;
    }
    for f in &scan.findings {
        let covering = targets
            .iter()
            .filter(|(t, _)| t.covers(account, &f.check_id, &f.resource_arn, f.status))
            .map(|(_, m)| *m);
        if let Some(m) = covering.max_by(|a, b| a.expires_at.cmp(&b.expires_at)) {
            out.push(rampart_report::Mute {
                check_id: f.check_id.clone(),
                resource_arn: f.resource_arn.clone(),
                region: f.region.as_ref().map(|r| r.as_str().to_owned()),
                reason: m.reason.clone(),
                owner: m.owner.clone(),
                expires_at: DateTime::parse_from_rfc3339(&m.expires_at)
                    .ok()
                    .map(|t| t.to_utc()),
            });
        }
    }
    out
}

/// The scope line of a report on `inputs` chosen by `selection`.
pub fn report_scope(inputs: &[AccountInput], selection: &Selection) -> rampart_report::Scope {
    match (inputs, &selection.team) {
        ([one], None) if !selection.accounts.is_empty() => {
            rampart_report::Scope::account(&one.name, one.scan.account_id.as_str())
        }
        (_, Some(team)) => rampart_report::Scope::team(team),
        _ if !selection.accounts.is_empty() => rampart_report::Scope {
            kind: rampart_report::ScopeKind::Organisation,
            label: format!("{} selected accounts", inputs.len()),
        },
        _ => rampart_report::Scope::organisation(),
    }
}
