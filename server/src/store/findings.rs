//! Findings: the explorer's filtered, sorted, paginated list with facet counts; streamed
//! exports; a finding's detail and history; the diff of two scans.
//!
//! Every read applies the mutes in force at that moment ([`Muting`]): a covered failure
//! reads as `MUTED` with its mute, `status=FAIL` means failures not muted, and the status
//! facet counts `MUTED` apart. A finding's history keeps the statuses its scans stored.

use super::mutes::Muting;
use super::{Result, Scope, Store, StoreError, scope_condition};
use rampart_app::model::{
    Facet, FacetValue, FindingDetail, FindingQuery, FindingRow, HistoryPoint,
};
use rampart_engine::checks::Framework;
use rampart_engine::inventory::Service;
use rampart_engine::{Severity, Status};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A validated findings filter. Built from a [`FindingQuery`]; bad values are refused with
/// the reason, never silently ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingFilter {
    pub account: Option<String>,
    pub scan: Option<i64>,
    pub service: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    pub check: Option<String>,
    pub control: Option<String>,
    pub region: Option<String>,
    pub q: Option<String>,
    pub sort: Sort,
    pub descending: bool,
    pub page: i64,
    pub per_page: i64,
}

/// Sort orders of the explorer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Severity,
    Account,
    Check,
    Resource,
    Region,
}

pub const MAX_PER_PAGE: i64 = 500;

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "any")
        .map(str::to_owned)
}

impl FindingFilter {
    /// Validates a query. `default_status` applies when the query says nothing of status
    /// (the explorer shows failures by default; `status=any` shows all).
    pub fn from_query(q: &FindingQuery, default_status: Option<&str>) -> Result<Self, String> {
        let service = nonempty(&q.service)
            .map(|s| {
                Service::parse(&s)
                    .map(|v| v.as_str().to_owned())
                    .ok_or_else(|| format!("unknown service `{s}`"))
            })
            .transpose()?;
        let severity = nonempty(&q.severity)
            .map(|s| {
                Severity::parse(&s)
                    .map(|v| v.as_str().to_owned())
                    .ok_or_else(|| format!("unknown severity `{s}`"))
            })
            .transpose()?;
        let status = match q.status.as_deref().map(str::trim) {
            None | Some("") => default_status.map(str::to_owned),
            Some("any") => None,
            Some(s) => Some(
                ["PASS", "FAIL", "MUTED", "ERROR"]
                    .into_iter()
                    .find(|v| v.eq_ignore_ascii_case(s))
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        format!("unknown status `{s}` (PASS, FAIL, MUTED, ERROR or any)")
                    })?,
            ),
        };
        let control = nonempty(&q.control)
            .map(|c| {
                let (fw, id) = c
                    .split_once(':')
                    .ok_or_else(|| format!("control `{c}` is not `framework:control`"))?;
                let fw = Framework::parse(fw).ok_or_else(|| format!("unknown framework `{fw}`"))?;
                if control_checks(fw, id).is_none() {
                    return Err(format!("`{id}` is not a control of {}", fw.title()));
                }
                Ok(format!("{}:{id}", fw.key()))
            })
            .transpose()?;
        let sort = match nonempty(&q.sort).as_deref() {
            None | Some("severity") => Sort::Severity,
            Some("account") => Sort::Account,
            Some("check") => Sort::Check,
            Some("resource") => Sort::Resource,
            Some("region") => Sort::Region,
            Some(s) => return Err(format!("unknown sort `{s}`")),
        };
        let descending = match nonempty(&q.dir).as_deref() {
            None => sort == Sort::Severity,
            Some("desc") => true,
            Some("asc") => false,
            Some(d) => return Err(format!("unknown sort direction `{d}` (asc or desc)")),
        };
        let per_page = q.per_page.unwrap_or(50).clamp(1, MAX_PER_PAGE);
        let page = q.page.unwrap_or(1).max(1);
        Ok(Self {
            account: nonempty(&q.account),
            scan: q.scan,
            service,
            severity,
            status,
            check: nonempty(&q.check),
            control,
            region: nonempty(&q.region).map(|r| if r == "global" { String::new() } else { r }),
            q: nonempty(&q.q),
            sort,
            descending,
            page,
            per_page,
        })
    }
}

/// Bind values collected while building a WHERE clause.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

struct Where {
    sql: String,
    args: Vec<Arg>,
}

impl Where {
    fn push(&mut self, cond: &str, arg: Arg) {
        self.args.push(arg);
        let n = self.args.len();
        self.sql.push_str(" AND ");
        self.sql.push_str(&cond.replace("$?", &format!("${n}")));
    }
}

/// Which facet to leave out of the filter (facet counts ignore their own selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    None,
    Account,
    Service,
    Severity,
    Status,
    Region,
    Check,
    /// Every facet's selection (the scope, control and text search still apply).
    Facets,
}

fn where_clause(f: &FindingFilter, scope: &Scope, skip: Skip, muting: &Muting) -> Where {
    let mut w = Where {
        sql: String::new(),
        args: Vec::new(),
    };
    // Scope: one scan, or the latest scan of one account, or the latest scans of all.
    match (&f.scan, &f.account) {
        (Some(scan), _) => {
            w.args.push(Arg::Int(*scan));
            w.sql = format!("f.scan_id = ${}", w.args.len());
        }
        (None, Some(account)) if skip != Skip::Account => {
            w.args.push(Arg::Text(account.clone()));
            w.sql = format!(
                "f.scan_id = (SELECT latest_scan_id FROM accounts WHERE id = ${})",
                w.args.len()
            );
        }
        _ => {
            w.sql = "f.scan_id IN (SELECT latest_scan_id FROM accounts WHERE latest_scan_id IS NOT NULL)".into();
        }
    }
    // The user's accounts, whatever else is asked.
    let (visible, teams) = scope_condition(scope, "f.account_id", w.args.len() + 1);
    w.args.extend(teams.into_iter().map(Arg::Text));
    w.sql.push_str(" AND ");
    w.sql.push_str(&visible);
    let exact: [(&Option<String>, Skip, &str); 6] = [
        (
            if f.scan.is_some() { &f.account } else { &None },
            Skip::Account,
            "f.account_id",
        ),
        (&f.service, Skip::Service, "f.service"),
        (&f.severity, Skip::Severity, "f.severity"),
        (&f.status, Skip::Status, "f.status"),
        (&f.region, Skip::Region, "f.region"),
        (&f.check, Skip::Check, "f.check_id"),
    ];
    for (value, facet, column) in exact {
        if let Some(v) = value
            && skip != facet
            && skip != Skip::Facets
        {
            match (facet, muting.status_filter(v)) {
                (Skip::Status, Some(cond)) => {
                    w.sql.push_str(" AND ");
                    w.sql.push_str(&cond);
                }
                _ => w.push(&format!("{column} = $?"), Arg::Text(v.clone())),
            }
        }
    }
    if let Some(v) = &f.control {
        // The framework file says which checks answer the control; none (a manual control)
        // matches nothing.
        let checks = v
            .split_once(':')
            .and_then(|(fw, id)| control_checks(Framework::parse(fw)?, id))
            .unwrap_or_default();
        if checks.is_empty() {
            w.sql.push_str(" AND 1 = 0");
        } else {
            let mut params = Vec::with_capacity(checks.len());
            for check in checks {
                w.args.push(Arg::Text(check));
                params.push(format!("${}", w.args.len()));
            }
            w.sql
                .push_str(&format!(" AND f.check_id IN ({})", params.join(", ")));
        }
    }
    if let Some(v) = &f.q {
        let pattern = format!("%{}%", escape_like(&v.to_lowercase()));
        w.args.push(Arg::Text(pattern));
        let n = w.args.len();
        w.sql.push_str(&format!(
            " AND (LOWER(f.resource_arn) LIKE ${n} ESCAPE '\\' OR LOWER(f.message) LIKE ${n} ESCAPE '\\' OR LOWER(f.title) LIKE ${n} ESCAPE '\\' OR LOWER(f.check_id) LIKE ${n} ESCAPE '\\')"
        ));
    }
    w
}

/// A facet value as the page links it: the empty region is "global".
fn facet_value(facet: &str, value: String, count: i64) -> FacetValue {
    let label = if facet == "region" && value.is_empty() {
        "global".to_owned()
    } else {
        value
    };
    FacetValue {
        value: label.clone(),
        label,
        count,
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &[Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.clone()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    q
}

/// The checks answering `framework`'s control `id` (`None`: no such control).
fn control_checks(framework: Framework, id: &str) -> Option<Vec<String>> {
    let control = rampart_engine::frameworks::catalog()
        .ok()?
        .control(framework, id)?;
    Some(control.checks().to_vec())
}

/// `framework:control` for every control `check_id` answers, from the framework files (so
/// findings of older scans carry today's mappings).
pub fn controls_of(check_id: &str) -> Vec<String> {
    rampart_engine::frameworks::compliance_of(check_id)
        .into_iter()
        .flat_map(|(f, ids)| ids.into_iter().map(move |id| format!("{}:{id}", f.key())))
        .collect()
}

/// The columns of a [`FindingRow`] (over `findings f JOIN accounts a`), the status as it is now.
fn row_columns(muting: &Muting) -> String {
    format!(
        "f.key_id, f.scan_id, f.account_id, a.name AS account_name, f.check_id, f.title, f.service, f.severity, {} AS status, {} AS mute_id, f.region, f.resource_arn, f.resource_type, f.message",
        muting.status_sql(),
        muting.mute_id_sql()
    )
}

fn finding_row(row: &AnyRow, muting: &Muting) -> Result<FindingRow> {
    let check_id: String = row.try_get("check_id")?;
    Ok(FindingRow {
        mute: muting.get(row.try_get("mute_id")?),
        controls: controls_of(&check_id),
        key_id: row.try_get("key_id")?,
        scan_id: row.try_get("scan_id")?,
        account_id: row.try_get("account_id")?,
        account_name: row.try_get("account_name")?,
        check_id,
        title: row.try_get("title")?,
        service: row.try_get("service")?,
        severity: row.try_get("severity")?,
        status: row.try_get("status")?,
        region: row.try_get("region")?,
        resource_arn: row.try_get("resource_arn")?,
        resource_type: row.try_get("resource_type")?,
        message: row.try_get("message")?,
    })
}

fn order_by(f: &FindingFilter) -> String {
    let dir = if f.descending { "DESC" } else { "ASC" };
    match f.sort {
        Sort::Severity => {
            format!("f.severity_rank {dir}, f.account_id, f.check_id, f.region, f.resource_arn")
        }
        Sort::Account => format!(
            "a.name {dir}, f.account_id {dir}, f.severity_rank DESC, f.check_id, f.resource_arn"
        ),
        Sort::Check => {
            format!("f.check_id {dir}, f.severity_rank DESC, f.account_id, f.resource_arn")
        }
        Sort::Resource => format!("f.resource_arn {dir}, f.check_id, f.account_id"),
        Sort::Region => format!("f.region {dir}, f.severity_rank DESC, f.check_id, f.resource_arn"),
    }
}

/// One finding with everything the scan schema has, for exports.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub row: FindingRow,
    pub evidence: String,
    /// When the scan that produced this result collected its inventory (RFC 3339).
    pub collected_at: Option<String>,
    /// When this finding (account + check + region + resource) was first and last seen.
    pub first_seen_at: Option<String>,
    pub last_seen_at: Option<String>,
}

impl ExportRow {
    /// The finding as the engine's type, for the engine's formats; `None` when a stored value
    /// no longer parses (a service or framework this version dropped).
    pub fn to_finding(&self) -> Option<rampart_engine::Finding> {
        serde_json::from_value(self.to_schema_json()).ok()
    }

    /// The finding as the scan schema's finding object (docs/scan-schema.md): a muted
    /// finding keeps its `FAIL` status there and carries its `mute`.
    pub fn to_schema_json(&self) -> serde_json::Value {
        let evidence: serde_json::Value =
            serde_json::from_str(&self.evidence).unwrap_or(serde_json::Value::Null);
        let mut compliance = serde_json::Map::new();
        for c in &self.row.controls {
            if let Some((fw, id)) = c.split_once(':') {
                let entry = compliance
                    .entry(fw.to_owned())
                    .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                if let serde_json::Value::Array(ids) = entry {
                    ids.push(serde_json::Value::String(id.to_owned()));
                }
            }
        }
        let r = &self.row;
        let status = if r.status == "MUTED" {
            Status::Fail.as_str()
        } else {
            r.status.as_str()
        };
        let mut doc = serde_json::json!({
            "check_id": r.check_id,
            "title": r.title,
            "service": r.service,
            "status": status,
            "severity": r.severity,
            "account_id": r.account_id,
            "region": if r.region.is_empty() { serde_json::Value::Null } else { serde_json::Value::String(r.region.clone()) },
            "resource_arn": r.resource_arn,
            "resource_type": r.resource_type,
            "message": r.message,
            "evidence": evidence,
            "compliance": compliance,
        });
        if let (Some(m), serde_json::Value::Object(map)) = (&r.mute, &mut doc) {
            map.insert(
                "mute".to_owned(),
                serde_json::json!({
                    "reason": m.reason,
                    "owner": m.owner,
                    "expires_at": m.expires_at,
                    "resource": m.resource,
                    "created_by": m.created_by,
                    "source": m.source,
                }),
            );
        }
        doc
    }

    /// Whether the finding is muted now.
    pub fn muted(&self) -> bool {
        self.row.status == "MUTED"
    }
}

impl Store {
    /// A page of findings, the total, and facet counts, all within `scope`.
    pub async fn findings(
        &self,
        f: &FindingFilter,
        scope: &Scope,
    ) -> Result<(Vec<FindingRow>, i64, Vec<Facet>)> {
        let muting = self.muting().await?;
        let muting = &muting;
        let w = where_clause(f, scope, Skip::None, muting);
        let list_sql = format!(
            "SELECT {} FROM findings f JOIN accounts a ON a.id = f.account_id WHERE {} ORDER BY {} LIMIT {} OFFSET {}",
            row_columns(muting),
            w.sql,
            order_by(f),
            f.per_page,
            (f.page - 1).saturating_mul(f.per_page)
        );
        let count_sql = format!("SELECT COUNT(*) FROM findings f WHERE {}", w.sql);
        let list = async {
            let rows = bind_all(sqlx::query(&list_sql), &w.args)
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| finding_row(r, muting))
                .collect::<Result<Vec<_>>>()
        };
        let count = async {
            let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
            for a in &w.args {
                q = match a {
                    Arg::Text(s) => q.bind(s.clone()),
                    Arg::Int(i) => q.bind(*i),
                };
            }
            Ok::<i64, StoreError>(q.fetch_one(&self.pool).await?)
        };
        if f.account.is_some() || f.scan.is_some() {
            // Within one account or scan: one grouped query gives the count and every facet.
            let (rows, (total, facets)) =
                futures::try_join!(list, self.scoped_facets(f, scope, muting))?;
            return Ok((rows, total, facets));
        }
        let facets = self.facets(f, scope, muting);
        let (rows, total, facets) = futures::try_join!(list, count, facets)?;
        Ok((rows, total, facets))
    }

    /// The total and the facets of a filter scoped to one account or scan, from one query
    /// grouping the scope's findings by every facet column at once (a few hundred groups at
    /// most); each facet then counts the groups that match every selection but its own.
    async fn scoped_facets(
        &self,
        f: &FindingFilter,
        scope: &Scope,
        muting: &Muting,
    ) -> Result<(i64, Vec<Facet>)> {
        let w = where_clause(f, scope, Skip::Facets, muting);
        let sql = format!(
            "SELECT account_id, service, severity, status, region, check_id, COUNT(*) AS n FROM (
                 SELECT f.account_id, f.service, f.severity, {} AS status, f.region, f.check_id
                 FROM findings f WHERE {}
             ) t GROUP BY account_id, service, severity, status, region, check_id",
            muting.status_sql(),
            w.sql
        );
        let rows = bind_all(sqlx::query(&sql), &w.args)
            .fetch_all(&self.pool)
            .await?;
        // Facet order as the page shows them; the account facet counts the full filter.
        const NAMES: [&str; 6] = [
            "severity", "status", "service", "account", "region", "check",
        ];
        const COLUMNS: [&str; 6] = [
            "severity",
            "status",
            "service",
            "account_id",
            "region",
            "check_id",
        ];
        let account_filter = if f.scan.is_some() { &f.account } else { &None };
        let wanted: [&Option<String>; 6] = [
            &f.severity,
            &f.status,
            &f.service,
            account_filter,
            &f.region,
            &f.check,
        ];
        let mut counts: [std::collections::HashMap<String, i64>; 6] = Default::default();
        let mut total = 0;
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            let mut values: [String; 6] = Default::default();
            let mut misses = [false; 6];
            for (i, column) in COLUMNS.iter().enumerate() {
                values[i] = row.try_get(*column)?;
                misses[i] = wanted[i].as_ref().is_some_and(|w| *w != values[i]);
            }
            let missed = misses.iter().filter(|m| **m).count();
            if missed == 0 {
                total += n;
            }
            for i in 0..6 {
                // A facet ignores its own selection, except the account facet.
                let counts_here =
                    missed == 0 || (missed == 1 && misses[i] && NAMES[i] != "account");
                if counts_here {
                    *counts[i].entry(values[i].clone()).or_default() += n;
                }
            }
        }
        let facets = NAMES
            .iter()
            .zip(counts)
            .map(|(name, counts)| {
                let mut values: Vec<(String, i64)> = counts.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(200);
                Facet {
                    name: (*name).to_owned(),
                    values: values
                        .into_iter()
                        .map(|(value, count)| facet_value(name, value, count))
                        .collect(),
                }
            })
            .collect();
        Ok((total, facets))
    }

    async fn facets(
        &self,
        f: &FindingFilter,
        scope: &Scope,
        muting: &Muting,
    ) -> Result<Vec<Facet>> {
        let status = muting.status_sql();
        let specs: [(&str, &str, Skip); 6] = [
            ("severity", "f.severity", Skip::Severity),
            ("status", status.as_str(), Skip::Status),
            ("service", "f.service", Skip::Service),
            ("account", "f.account_id", Skip::Account),
            ("region", "f.region", Skip::Region),
            ("check", "f.check_id", Skip::Check),
        ];
        // A facet ignores its own selection (so its other values stay visible) within one
        // account or scan; across all accounts that would mean scanning every latest finding
        // per facet, so there facets count within the whole filter.
        let scoped = f.account.is_some() || f.scan.is_some();
        let futures = specs.iter().map(|(name, column, skip)| async move {
            let skip = if scoped && *skip != Skip::Account {
                *skip
            } else {
                Skip::None
            };
            let w = where_clause(f, scope, skip, muting);
            let sql = format!(
                "SELECT v, COUNT(*) AS n FROM (SELECT {column} AS v FROM findings f WHERE {}) t GROUP BY v ORDER BY n DESC, v LIMIT 200",
                w.sql
            );
            let rows = bind_all(sqlx::query(&sql), &w.args)
                .fetch_all(&self.pool)
                .await?;
            let mut values = Vec::with_capacity(rows.len());
            for row in &rows {
                values.push(facet_value(name, row.try_get("v")?, row.try_get("n")?));
            }
            Ok::<Facet, StoreError>(Facet {
                name: (*name).to_owned(),
                values,
            })
        });
        futures::future::try_join_all(futures).await
    }

    /// Streams every finding of the filter (no pagination) in the explorer's order, one
    /// database row at a time, into `tx`; stops early when the receiver is gone. Returns how
    /// many rows were sent.
    pub async fn export_findings(
        &self,
        f: &FindingFilter,
        scope: &Scope,
        tx: tokio::sync::mpsc::Sender<std::result::Result<ExportRow, String>>,
    ) -> Result<u64> {
        use futures::TryStreamExt;
        let muting = self.muting().await?;
        let w = where_clause(f, scope, Skip::None, &muting);
        let sql = format!(
            "SELECT {}, f.evidence, COALESCE(xs.collected_at, xs.started_at) AS collected_at, xk.first_seen_at, xk.last_seen_at
             FROM findings f JOIN accounts a ON a.id = f.account_id
             LEFT JOIN scans xs ON xs.id = f.scan_id LEFT JOIN finding_keys xk ON xk.id = f.key_id
             WHERE {} ORDER BY {}",
            row_columns(&muting),
            w.sql,
            order_by(f)
        );
        let mut stream = bind_all(sqlx::query(&sql), &w.args).fetch(&self.pool);
        let mut n = 0;
        while let Some(row) = stream.try_next().await? {
            let export = ExportRow {
                row: finding_row(&row, &muting)?,
                evidence: row.try_get("evidence")?,
                collected_at: row.try_get("collected_at")?,
                first_seen_at: row.try_get("first_seen_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            };
            if tx.send(Ok(export)).await.is_err() {
                break;
            }
            n += 1;
        }
        Ok(n)
    }

    /// Every finding of one scan, most severe first (none outside `scope`).
    pub async fn scan_findings(&self, scan_id: i64, scope: &Scope) -> Result<Vec<FindingRow>> {
        let muting = self.muting().await?;
        let (visible, teams) = scope_condition(scope, "f.account_id", 2);
        let sql = format!(
            "SELECT {} FROM findings f JOIN accounts a ON a.id = f.account_id WHERE f.scan_id = $1 AND {visible}
             ORDER BY f.severity_rank DESC, f.check_id, f.region, f.resource_arn",
            row_columns(&muting)
        );
        let mut q = sqlx::query(&sql).bind(scan_id);
        for t in teams {
            q = q.bind(t);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(|r| finding_row(r, &muting)).collect()
    }

    /// A finding (by its identity across scans), its latest result, evidence and history;
    /// `NotFound` when its account is outside `scope`.
    pub async fn finding_detail(&self, key_id: i64, scope: &Scope) -> Result<FindingDetail> {
        let (visible, teams) = scope_condition(scope, "account_id", 2);
        let sql = format!(
            "SELECT first_seen_at, last_seen_at, first_failed_at, resolved_at FROM finding_keys WHERE id = $1 AND {visible}"
        );
        let mut q = sqlx::query(&sql).bind(key_id);
        for t in teams {
            q = q.bind(t);
        }
        let key = q
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "finding",
                id: key_id.to_string(),
            })?;
        let history_rows = sqlx::query(
            "SELECT f.scan_id, s.collected_at, f.status, f.message FROM findings f JOIN scans s ON s.id = f.scan_id
             WHERE f.key_id = $1 ORDER BY s.collected_at DESC, f.scan_id DESC LIMIT 200",
        )
        .bind(key_id)
        .fetch_all(&self.pool)
        .await?;
        let mut history = Vec::with_capacity(history_rows.len());
        for r in &history_rows {
            history.push(HistoryPoint {
                scan_id: r.try_get("scan_id")?,
                at: r
                    .try_get::<Option<String>, _>("collected_at")?
                    .unwrap_or_default(),
                status: r.try_get("status")?,
                message: r.try_get("message")?,
            });
        }
        let latest_scan = history.first().map(|h| h.scan_id).ok_or_else(|| {
            StoreError::Corrupt(format!("finding {key_id} has no result in any scan"))
        })?;
        let muting = self.muting().await?;
        let row = sqlx::query(&format!(
            "SELECT {}, f.evidence FROM findings f JOIN accounts a ON a.id = f.account_id WHERE f.key_id = $1 AND f.scan_id = $2",
            row_columns(&muting)
        ))
        .bind(key_id)
        .bind(latest_scan)
        .fetch_one(&self.pool)
        .await?;
        let finding = finding_row(&row, &muting)?;
        let evidence: String = row.try_get("evidence")?;
        Ok(FindingDetail {
            check: super::views::check_info(&finding.check_id),
            finding,
            evidence: serde_json::from_str(&evidence).unwrap_or(serde_json::Value::Null),
            first_seen_at: key.try_get("first_seen_at")?,
            last_seen_at: key.try_get("last_seen_at")?,
            first_failed_at: key.try_get("first_failed_at")?,
            resolved_at: key.try_get("resolved_at")?,
            history,
            can_mute: false,
        })
    }

    /// The failing findings of two scans of one account compared: new, resolved, still failing.
    /// Only findings within `scope` count.
    pub async fn diff(
        &self,
        from: i64,
        to: i64,
        scope: &Scope,
    ) -> Result<(Vec<FindingRow>, Vec<FindingRow>, Vec<FindingRow>)> {
        let (a, b) = futures::try_join!(
            self.scan_findings(from, scope),
            self.scan_findings(to, scope)
        )?;
        let failing = |rows: &[FindingRow]| -> std::collections::HashSet<i64> {
            rows.iter()
                .filter(|r| r.status == Status::Fail.as_str())
                .map(|r| r.key_id)
                .collect()
        };
        let (fa, fb) = (failing(&a), failing(&b));
        let new = b
            .iter()
            .filter(|r| fb.contains(&r.key_id) && !fa.contains(&r.key_id))
            .cloned()
            .collect();
        let still = b
            .iter()
            .filter(|r| fb.contains(&r.key_id) && fa.contains(&r.key_id))
            .cloned()
            .collect();
        let resolved = a
            .into_iter()
            .filter(|r| fa.contains(&r.key_id) && !fb.contains(&r.key_id))
            .collect();
        Ok((new, resolved, still))
    }
}
