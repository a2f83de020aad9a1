//! Compliance reports for the current filter (`/reports/compliance.pdf` and `.html`):
//! the accounts the user may see, narrowed by `account` and `team`, against `framework`.
//! Allowed to those who may export, and audited like exports.

use super::AppState;
use super::current::{CurrentAccess, SourceAddr};
use super::error::{ApiError, WebError};
use crate::access::Access;
use crate::reports::{self, ReportsError, Selection};
use crate::store::{AuditAction, AuditOutcome};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rampart_engine::frameworks::Framework;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub framework: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub team: String,
}

/// A report that could not be rendered: logged, and a 500 without the details.
fn failed(e: impl std::fmt::Display) -> WebError {
    tracing::error!(error = %e, "rendering a compliance report");
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the report could not be rendered; the server log has the details",
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pdf,
    Html,
}

async fn report(
    s: AppState,
    a: Access,
    source: Option<String>,
    q: ReportQuery,
    kind: Kind,
) -> Result<Response, ApiError> {
    let ext = if kind == Kind::Pdf { "pdf" } else { "html" };
    let target = format!("compliance.{ext}");
    s.authorize(
        a.can_export(),
        &a,
        source.clone(),
        AuditAction::Export,
        &target,
    )
    .await?;
    let framework = if q.framework.is_empty() {
        Framework::CisAws3
    } else {
        Framework::parse(&q.framework)
            .ok_or_else(|| WebError::bad_request(format!("unknown framework `{}`", q.framework)))?
    };
    let selection = Selection {
        accounts: Some(q.account.clone())
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect(),
        team: Some(q.team.clone()).filter(|s| !s.is_empty()),
    };
    let report = reports::compliance_report(
        s.store(),
        &a.scope,
        &selection,
        framework,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| match e {
        ReportsError::Store(e) => WebError::from(e),
        ReportsError::Report(e) => failed(e),
        ReportsError::Choice(e) => WebError::from(e),
        e @ ReportsError::NothingScanned => WebError::not_found(e.to_string()),
    })?;
    s.audit(
        &a,
        source,
        AuditAction::Export,
        &target,
        serde_json::json!({ "filter": q }),
        AuditOutcome::Success,
    )
    .await?;
    let stamp = report.generated_at.format("%Y%m%dT%H%M%SZ");
    let name = format!(
        "attachment; filename=\"rampart-{}-{stamp}.{ext}\"",
        framework.key()
    );
    let (content_type, body) = match kind {
        // Typesetting is CPU work: off the async workers.
        Kind::Pdf => {
            let bytes = tokio::task::spawn_blocking(move || rampart_report::pdf::render(&report))
                .await
                .map_err(failed)?
                .map_err(failed)?;
            ("application/pdf", bytes)
        }
        Kind::Html => (
            "text/html; charset=utf-8",
            rampart_report::html::render(&report).into_bytes(),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

/// `/reports/compliance.pdf`
pub async fn pdf(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    report(s, a, source, q, Kind::Pdf).await
}

/// `/reports/compliance.html`
pub async fn html(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    report(s, a, source, q, Kind::Html).await
}
