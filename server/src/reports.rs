//! Compliance reports of stored scans: which accounts a request covers (the user's scope,
//! `--account` ids, a team), and the report folded from their latest scans one account at
//! a time. Findings are read as the scans stored them (with the mutes in force now), one
//! database row at a time, so a report over a thousand accounts and a million findings
//! holds one account's rows and the report's bounded detail, never every finding. The
//! `rampart report` command and the web routes call this; rendering is `rampart-report`'s.

use crate::access::Scope;
use crate::store::{
    AccountRecord, ChoiceError, ExportRow, FindingFilter, Store, StoreError, choose_accounts,
};
use chrono::{DateTime, Utc};
use rampart_engine::coverage::coverage;
use rampart_engine::frameworks::Framework;
use rampart_report::{
    AccountFold, AccountMeta, Limits, MuteNote, Report, ReportBuilder, TrendPoint,
};
use thiserror::Error;
use tokio::sync::mpsc;

/// Rows buffered between the database cursor and the report builder.
const ROWS: usize = 512;

#[derive(Debug, Error)]
pub enum ReportsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Report(#[from] rampart_report::ReportError),
    /// An `--account` id or a team that is not linked, or not in the user's scope.
    #[error(transparent)]
    Choice(#[from] ChoiceError),
    #[error("no account in scope has a completed scan")]
    NothingScanned,
}

/// What to report on: every visible account, these ids, or one team's accounts.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub accounts: Vec<String>,
    pub team: Option<String>,
}

/// The linked accounts `selection` picks among those `scope` may see (the compliance page's
/// rule); an id or team that picks nothing is an error, never an empty report.
pub async fn chosen_accounts(
    store: &Store,
    scope: &Scope,
    selection: &Selection,
) -> Result<Vec<AccountRecord>, ReportsError> {
    let visible = store.accounts_in(scope).await?;
    let chosen = choose_accounts(&visible, &selection.accounts, selection.team.as_deref())?
        .into_iter()
        .cloned()
        .collect();
    Ok(chosen)
}

/// The compliance report of the latest scan of every selected account that has one:
/// findings as stored (muted ones with their mute), earlier scans as the trend, coverage
/// and collection errors from the scan's stored inventory; detail bounded by the
/// [`Limits`] of that many accounts.
pub async fn compliance_report(
    store: &Store,
    scope: &Scope,
    selection: &Selection,
    framework: Framework,
    generated_at: DateTime<Utc>,
) -> Result<Report, ReportsError> {
    let chosen = chosen_accounts(store, scope, selection).await?;
    let limits = Limits::for_accounts(chosen.len());
    let mut builder = ReportBuilder::new(framework, generated_at, limits)?;
    let mut reported: Vec<(String, String)> = Vec::new();
    for account in chosen {
        let Some(scan_id) = store.latest_scan_id(&account.id).await? else {
            continue;
        };
        let mut inventory = store.scan_inventory(scan_id).await?;
        let scanned_at = inventory.collected_at;
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
            .filter(|p| p.at < scanned_at)
            .collect();
        trend.sort_by_key(|p| p.at);
        let meta = AccountMeta {
            id: account.id.clone(),
            name: account.name.clone(),
            team: Some(account.owner_team.clone()).filter(|t| !t.is_empty()),
            environment: Some(account.environment.clone()).filter(|e| !e.is_empty()),
            scanned_at,
            trend,
            coverage: Some(coverage(&inventory)),
            errors: std::mem::take(&mut inventory.errors),
        };
        drop(inventory);
        let mut fold = builder.account(meta);
        fold_findings(store, scope, scan_id, &mut fold).await?;
        builder.add(fold);
        reported.push((account.name, account.id));
    }
    if reported.is_empty() {
        return Err(ReportsError::NothingScanned);
    }
    Ok(builder.finish(report_scope(&reported, selection)))
}

/// Streams the stored findings of `scan_id` into `fold`, most severe first.
async fn fold_findings(
    store: &Store,
    scope: &Scope,
    scan_id: i64,
    fold: &mut AccountFold,
) -> Result<(), ReportsError> {
    let filter = FindingFilter {
        scan: Some(scan_id),
        descending: true,
        ..FindingFilter::default()
    };
    let (tx, mut rx) = mpsc::channel::<Result<ExportRow, String>>(ROWS);
    let producer = store.export_findings(&filter, scope, tx);
    let consumer = async {
        let mut unreadable = 0usize;
        while let Some(row) = rx.recv().await {
            let Ok(row) = row else { continue };
            match row.to_finding() {
                Some(finding) => fold.push(finding, mute_note(&row)),
                None => unreadable += 1,
            }
        }
        unreadable
    };
    let (sent, unreadable) = tokio::join!(producer, consumer);
    sent?;
    if unreadable > 0 {
        tracing::warn!(
            scan_id,
            unreadable,
            "findings left out of the report: they no longer parse"
        );
    }
    Ok(())
}

/// The mute of a finding muted now, as the report prints it.
fn mute_note(row: &ExportRow) -> Option<MuteNote> {
    let m = row.row.mute.as_ref().filter(|_| row.muted())?;
    Some(MuteNote {
        reason: m.reason.clone(),
        owner: m.owner.clone(),
        expires_at: DateTime::parse_from_rfc3339(&m.expires_at)
            .ok()
            .map(|t| t.to_utc()),
    })
}

/// The scope line of a report on the accounts `reported` (name, id) chosen by `selection`.
fn report_scope(reported: &[(String, String)], selection: &Selection) -> rampart_report::Scope {
    match (reported, &selection.team) {
        ([(name, id)], None) if !selection.accounts.is_empty() => {
            rampart_report::Scope::account(name, id)
        }
        (_, Some(team)) => rampart_report::Scope::team(team),
        _ if !selection.accounts.is_empty() => rampart_report::Scope {
            kind: rampart_report::ScopeKind::Organisation,
            label: format!("{} selected accounts", reported.len()),
        },
        _ => rampart_report::Scope::organisation(),
    }
}
