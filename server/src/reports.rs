//! Compliance reports of stored scans: which accounts a request covers (the user's scope,
//! `--account` ids, a team) and their latest scans as the report builder's inputs. The
//! `rampart report` command and (later) the web routes call this; rendering is
//! `rampart-report`'s.

use crate::access::Scope;
use crate::store::{Store, StoreError};
use chrono::DateTime;
use rampart_engine::coverage::coverage;
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
        inputs.push(AccountInput {
            name: account.name.clone(),
            team: Some(account.owner_team.clone()).filter(|t| !t.is_empty()),
            environment: Some(account.environment.clone()).filter(|e| !e.is_empty()),
            coverage: Some(coverage(&inventory)),
            scan,
            trend,
            // Mutes are stored by the mutes feature (branch wt-mutes); none until it lands.
            mutes: Vec::new(),
        });
    }
    if inputs.is_empty() {
        return Err(ReportsError::NothingScanned);
    }
    Ok(inputs)
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
