//! The compliance read model: each control of a framework, in each account the user may
//! see (or the account or team a filter chooses among them), from the accounts' latest
//! findings and the framework files (`engine/frameworks`). A control whose only failures
//! are muted is `muted`, neither failed nor passed.

use super::accounts::{ChoiceError, choose_accounts};
use super::{AccountRecord, Result, Scope, Store, StoreError, scope_condition};
use rampart_app::model::{ComplianceData, ComplianceQuery, ControlCell, ControlRow};
use rampart_engine::Status;
use rampart_engine::checks::Framework;
use rampart_engine::frameworks::{
    CheckCounts, ControlKind, ControlStatus, catalog, evaluate_control,
};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// A validated compliance filter, built from a [`ComplianceQuery`]: a known framework, and
/// at most one account and one team (`None`: every account the user may see).
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceFilter {
    pub framework: Framework,
    pub account: Option<String>,
    pub team: Option<String>,
}

/// Why a compliance filter cannot be shown. An account or team outside the user's scope is
/// unknown, exactly like one that does not exist.
#[derive(Debug, thiserror::Error)]
pub enum ComplianceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Choice(#[from] ChoiceError),
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl ComplianceFilter {
    /// Every account the user may see, against `framework`.
    pub fn all(framework: Framework) -> Self {
        Self {
            framework,
            account: None,
            team: None,
        }
    }

    /// The filter `q` asks for (CIS AWS 3.0 without a framework; empty values mean all);
    /// an unknown framework is refused with the reason.
    pub fn from_query(q: &ComplianceQuery) -> Result<Self, String> {
        let framework = match nonempty(&q.framework) {
            None => Framework::CisAws3,
            Some(f) => Framework::parse(&f).ok_or_else(|| format!("unknown framework `{f}`"))?,
        };
        Ok(Self {
            framework,
            account: nonempty(&q.account),
            team: nonempty(&q.team),
        })
    }

    /// The accounts of `visible` (the user's) that the filter chooses, in their order.
    fn choose<'a>(
        &self,
        visible: &'a [AccountRecord],
    ) -> Result<Vec<&'a AccountRecord>, ChoiceError> {
        choose_accounts(visible, self.account.as_slice(), self.team.as_deref())
    }
}

impl Store {
    /// The status of each control of `framework` in each account of `scope`.
    pub async fn compliance(&self, framework: Framework, scope: &Scope) -> Result<ComplianceData> {
        let visible = self.accounts_in(scope).await?;
        let chosen: Vec<&AccountRecord> = visible.iter().collect();
        self.grid(&ComplianceFilter::all(framework), &visible, &chosen, scope)
            .await
    }

    /// The status of each control of the filter's framework in each account of `scope` that
    /// the filter chooses; the summary counts those accounts only. An account or team the
    /// scope does not show is [`ChoiceError::UnknownAccount`] or `UnknownTeam`.
    pub async fn compliance_for(
        &self,
        filter: &ComplianceFilter,
        scope: &Scope,
    ) -> Result<ComplianceData, ComplianceError> {
        let visible = self.accounts_in(scope).await?;
        let chosen = filter.choose(&visible)?;
        Ok(self.grid(filter, &visible, &chosen, scope).await?)
    }

    /// The grid of `chosen` (among `visible`, the accounts of `scope`), from the accounts'
    /// latest scans. One query counts findings per account, check and status; the
    /// framework file maps checks to controls here, so every control shows (manual and not
    /// covered ones too) and a new mapping applies to scans already stored.
    async fn grid(
        &self,
        filter: &ComplianceFilter,
        visible: &[AccountRecord],
        chosen: &[&AccountRecord],
        scope: &Scope,
    ) -> Result<ComplianceData> {
        let framework = filter.framework;
        let catalog = catalog().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let data = catalog
            .framework(framework)
            .ok_or_else(|| StoreError::Corrupt(format!("no data for `{}`", framework.key())))?;
        let muting = self.muting().await?;
        let (in_scope, teams) = scope_condition(scope, "f.account_id", 1);
        // The filter narrows the query too, after the scope's own parameters.
        let mut narrow = String::new();
        let mut params = teams;
        if let Some(account) = &filter.account {
            params.push(account.clone());
            narrow.push_str(&format!(" AND f.account_id = ${}", params.len()));
        }
        if let Some(team) = &filter.team {
            params.push(team.clone());
            narrow.push_str(&format!(
                " AND f.account_id IN (SELECT id FROM accounts WHERE owner_team = ${})",
                params.len()
            ));
        }
        let sql = format!(
            "SELECT account_id, check_id, status, COUNT(*) AS n FROM (
                 SELECT f.account_id, f.check_id, {} AS status FROM findings f
                 WHERE {in_scope}{narrow} AND f.scan_id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)
             ) t GROUP BY account_id, check_id, status",
            muting.status_sql()
        );
        let mut q = sqlx::query(&sql);
        for p in params {
            q = q.bind(p);
        }
        let rows = q.fetch_all(&self.pool).await?;
        // account → check → counts
        let mut counts: BTreeMap<String, BTreeMap<String, CheckCounts>> = BTreeMap::new();
        for r in &rows {
            let status: String = r.try_get("status")?;
            let n = u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0);
            let cell = counts
                .entry(r.try_get("account_id")?)
                .or_default()
                .entry(r.try_get("check_id")?)
                .or_default();
            match Status::parse(&status) {
                Some(status) => cell.add_status(status, n),
                None if status == "MUTED" => cell.muted += n,
                None => {}
            }
        }
        let scanned: BTreeSet<String> =
            sqlx::query_scalar("SELECT id FROM accounts WHERE latest_scan_id IS NOT NULL")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .collect();
        let mut summary: BTreeMap<ControlStatus, i64> = BTreeMap::new();
        let controls = data
            .controls
            .iter()
            .map(|control| {
                let mut overall: Option<ControlStatus> = None;
                let cells = chosen
                    .iter()
                    .map(|a| {
                        let scanned = scanned.contains(&a.id);
                        let checks = counts.get(&a.id);
                        let result = evaluate_control(control, |id| {
                            checks.and_then(|c| c.get(id)).copied().unwrap_or_default()
                        });
                        let status = if scanned || control.checks().is_empty() {
                            overall = Some(overall.map_or(result.status, |o| o.min(result.status)));
                            result.status.as_str()
                        } else {
                            "unscanned"
                        };
                        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
                        ControlCell {
                            status: status.to_owned(),
                            passed: n(result.counts.passed),
                            failed: n(result.counts.failed),
                            errored: n(result.counts.errored),
                            muted: n(result.counts.muted),
                        }
                    })
                    .collect();
                let overall = overall.unwrap_or(match control.kind {
                    ControlKind::Automated { .. } => ControlStatus::NotApplicable,
                    ControlKind::Manual { .. } => ControlStatus::Manual,
                    ControlKind::NotCovered { .. } => ControlStatus::NotCovered,
                });
                *summary.entry(overall).or_default() += 1;
                ControlRow {
                    control: control.id.clone(),
                    section: control.section.clone(),
                    title: control.title.clone(),
                    kind: match control.kind {
                        ControlKind::Automated { .. } => "automated",
                        ControlKind::Manual { .. } => "manual",
                        ControlKind::NotCovered { .. } => "not_covered",
                    }
                    .to_owned(),
                    note: control.note().map(str::to_owned),
                    checks: control
                        .checks()
                        .iter()
                        .map(|id| {
                            let title = rampart_engine::checks::find(id)
                                .map(|c| c.meta.title.to_owned())
                                .unwrap_or_else(|| id.clone());
                            (id.clone(), title)
                        })
                        .collect(),
                    cells,
                    overall: overall.as_str().to_owned(),
                }
            })
            .collect();
        Ok(ComplianceData {
            framework: framework.key().to_owned(),
            framework_title: data.title.clone(),
            framework_version: data.version.clone(),
            framework_source: data.source.clone(),
            framework_scope: data.scope.clone(),
            frameworks: Framework::ALL
                .iter()
                .map(|f| (f.key().to_owned(), f.title().to_owned()))
                .collect(),
            account: filter.account.clone(),
            team: filter.team.clone(),
            account_choices: visible
                .iter()
                .map(|a| (a.id.clone(), a.name.clone(), a.owner_team.clone()))
                .collect(),
            team_choices: visible
                .iter()
                .map(|a| a.owner_team.clone())
                .filter(|t| !t.is_empty())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            accounts: chosen
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
            controls,
            summary: summary
                .into_iter()
                .map(|(s, n)| (s.as_str().to_owned(), n))
                .collect(),
        })
    }
}
