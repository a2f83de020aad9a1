//! Admin-only pages: the audit log and its CSV export. Everyone else gets 403.

use super::AppState;
use super::current::{CurrentAccess, require};
use super::error::{ApiError, PageError, WebError};
use super::pages::PageChrome;
use crate::store::{AuditAction, AuditFilter, MAX_AUDIT_ROWS};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use rampart_app::model::{AuditData, AuditQuery};

/// Rows per page of `/admin/audit`.
const PER_PAGE: i64 = 100;

impl AppState {
    pub async fn audit_page(&self, q: &AuditQuery, per_page: i64) -> Result<AuditData, WebError> {
        let filter = audit_filter(q)?;
        let page = q.page.unwrap_or(1).max(1);
        let (rows, total) = self.store().audit_log(&filter, page, per_page).await?;
        Ok(AuditData {
            query: q.clone(),
            rows,
            total,
            page,
            per_page,
            actions: AuditAction::ALL
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
        })
    }
}

fn audit_filter(q: &AuditQuery) -> Result<AuditFilter, WebError> {
    let action = match q.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(a) => Some(
            AuditAction::parse(a)
                .ok_or_else(|| WebError::bad_request(format!("unknown action `{a}`")))?,
        ),
    };
    Ok(AuditFilter {
        actor: q
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        action,
    })
}

pub async fn audit(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(access): CurrentAccess,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, c.clone());
    require(access.can_admin(), "read the audit log").map_err(fail)?;
    let data = s.audit_page(&q, PER_PAGE).await.map_err(fail)?;
    Ok(Html(rampart_app::pages::audit::render(&c, data)))
}

pub const AUDIT_CSV_HEADER: [&str; 8] = [
    "id", "at", "actor", "source", "action", "target", "outcome", "detail",
];

/// The newest [`MAX_AUDIT_ROWS`] rows of the filter as CSV.
pub async fn audit_csv(
    State(s): State<AppState>,
    CurrentAccess(access): CurrentAccess,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    require(access.can_admin(), "read the audit log")?;
    let q = AuditQuery { page: None, ..q };
    let data = s.audit_page(&q, MAX_AUDIT_ROWS).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = || -> Result<Vec<u8>, csv::Error> {
        w.write_record(AUDIT_CSV_HEADER)?;
        for r in &data.rows {
            w.write_record([
                r.id.to_string().as_str(),
                r.at.as_str(),
                r.actor.as_str(),
                r.source.as_deref().unwrap_or_default(),
                r.action.as_str(),
                r.target.as_str(),
                r.outcome.as_str(),
                r.detail.to_string().as_str(),
            ])?;
        }
        w.flush()?;
        Ok(w.get_ref().clone())
    };
    let bytes = write().map_err(|e| {
        tracing::error!(error = %e, "audit csv");
        WebError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "the audit log could not be written as CSV",
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"rampart-audit.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
