//! The compliance read model: each control of a framework, in each account the user may
//! see, from the accounts' latest findings and the framework files (`engine/frameworks`).
//! A control whose only failures are muted is `muted`, neither failed nor passed.

use super::{AccountRecord, Result, Scope, Store, StoreError, scope_condition};
use rampart_app::model::{ComplianceData, ControlCell, ControlRow};
use rampart_engine::Status;
use rampart_engine::checks::Framework;
use rampart_engine::frameworks::{
    CheckCounts, ControlKind, ControlStatus, catalog, evaluate_control,
};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

impl Store {
    /// The status of each control of `framework` in each account of `scope`, from the
    /// accounts' latest scans. One query counts findings per account, check and status; the
    /// framework file maps checks to controls here, so every control shows (manual and not
    /// covered ones too) and a new mapping applies to scans already stored.
    pub async fn compliance(&self, framework: Framework, scope: &Scope) -> Result<ComplianceData> {
        let catalog = catalog().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let data = catalog
            .framework(framework)
            .ok_or_else(|| StoreError::Corrupt(format!("no data for `{}`", framework.key())))?;
        let accounts: Vec<AccountRecord> = self
            .accounts()
            .await?
            .into_iter()
            .filter(|a| scope.allows_team(&a.owner_team))
            .collect();
        let muting = self.muting().await?;
        let (visible, teams) = scope_condition(scope, "f.account_id", 1);
        let sql = format!(
            "SELECT account_id, check_id, status, COUNT(*) AS n FROM (
                 SELECT f.account_id, f.check_id, {} AS status FROM findings f
                 WHERE {visible} AND f.scan_id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)
             ) t GROUP BY account_id, check_id, status",
            muting.status_sql()
        );
        let mut q = sqlx::query(&sql);
        for t in teams {
            q = q.bind(t);
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
                let cells = accounts
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
            accounts: accounts
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
