//! Streamed exports of the findings of the current filter: CSV, JSON (the scan schema's
//! finding objects), and JSON arrays of OCSF Detection Findings or ASFF findings (for AWS
//! Security Hub's `BatchImportFindings`). Rows flow from the database cursor through a small bounded channel into
//! the response body, so memory stays flat whatever the size.

use super::AppState;
use super::current::{CurrentAccess, SourceAddr};
use super::error::ApiError;
use crate::access::{Access, Scope};
use crate::store::{AuditAction, AuditOutcome};
use crate::store::{ExportRow, FindingFilter, Store};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rampart_app::model::FindingQuery;
use tokio::sync::mpsc;

use crate::exports::{Encode, asff_row, csv_head, csv_row, json_row, ocsf_row};

/// Rows buffered between the database and the body.
const CHANNEL: usize = 512;
/// Bytes per body chunk.
const CHUNK: usize = 64 * 1024;

fn spawn_rows(
    store: Store,
    filter: FindingFilter,
    scope: Scope,
) -> mpsc::Receiver<Result<ExportRow, String>> {
    let (tx, rx) = mpsc::channel(CHANNEL);
    tokio::spawn(async move {
        let result = store.export_findings(&filter, &scope, tx.clone()).await;
        if let Err(e) = result {
            tracing::error!(error = %e, "export failed");
            let _ = tx.send(Err(e.to_string())).await;
        }
    });
    rx
}

/// Turns rows into body chunks with `encode`; `head`/`tail` frame the document.
fn body(
    rx: mpsc::Receiver<Result<ExportRow, String>>,
    head: Vec<u8>,
    tail: Vec<u8>,
    encode: Encode,
) -> Body {
    struct St {
        rx: mpsc::Receiver<Result<ExportRow, String>>,
        head: Option<Vec<u8>>,
        tail: Option<Vec<u8>>,
        first: bool,
        encode: Encode,
    }
    let st = St {
        rx,
        head: Some(head),
        tail: Some(tail),
        first: true,
        encode,
    };
    let stream = futures::stream::unfold(st, |mut st| async move {
        let mut buf = st.head.take().unwrap_or_default();
        while buf.len() < CHUNK {
            match st.rx.recv().await {
                Some(Ok(row)) => {
                    if (st.encode)(&mut buf, &row, st.first) {
                        st.first = false;
                    }
                }
                Some(Err(e)) => {
                    return Some((Err(std::io::Error::other(e)), st));
                }
                None => {
                    if let Some(tail) = st.tail.take() {
                        buf.extend_from_slice(&tail);
                    }
                    break;
                }
            }
        }
        if buf.is_empty() {
            None
        } else {
            Some((Ok::<Bytes, std::io::Error>(Bytes::from(buf)), st))
        }
    });
    // Fused: the compression layer may poll again after the end.
    Body::from_stream(futures::StreamExt::fuse(stream))
}

fn filter_of(q: &FindingQuery) -> Result<FindingFilter, ApiError> {
    FindingFilter::from_query(q, Some("FAIL"))
        .map_err(|e| ApiError(super::WebError::bad_request(e)))
}

/// Checks the export permission and audits the export (or the refused attempt); then the
/// validated filter.
async fn authorize(
    s: &AppState,
    a: &Access,
    source: Option<String>,
    q: &FindingQuery,
    format: &str,
) -> Result<FindingFilter, ApiError> {
    s.authorize(
        a.can_export(),
        a,
        source.clone(),
        AuditAction::Export,
        format,
    )
    .await?;
    let filter = filter_of(q)?;
    s.audit(
        a,
        source,
        AuditAction::Export,
        format,
        serde_json::json!({ "filter": q }),
        AuditOutcome::Success,
    )
    .await?;
    Ok(filter)
}

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

pub async fn csv(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<FindingQuery>,
) -> Result<Response, ApiError> {
    let filter = authorize(&s, &a, source, &q, "findings.csv").await?;
    let rx = spawn_rows(s.store().clone(), filter, a.scope);
    let head = csv_head();
    let name = format!("attachment; filename=\"rampart-findings-{}.csv\"", stamp());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body(rx, head, Vec::new(), csv_row),
    )
        .into_response())
}

pub async fn json(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<FindingQuery>,
) -> Result<Response, ApiError> {
    let filter = authorize(&s, &a, source, &q, "findings.json").await?;
    let rx = spawn_rows(s.store().clone(), filter, a.scope);
    let head = format!(
        "{{\"schema_version\":{},\"kind\":\"findings-export\",\"exported_at\":{},\"filter\":{},\"findings\":[",
        rampart_engine::report::SCHEMA_VERSION,
        serde_json::Value::String(chrono::Utc::now().to_rfc3339()),
        serde_json::to_string(&q).unwrap_or_else(|_| "{}".into()),
    )
    .into_bytes();
    let name = format!("attachment; filename=\"rampart-findings-{}.json\"", stamp());
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body(rx, head, b"\n]}\n".to_vec(), json_row),
    )
        .into_response())
}

/// A bare JSON array of findings in one of the engine's formats, of the accounts `a` may see.
async fn array_export(
    s: &AppState,
    a: Access,
    source: Option<String>,
    q: &FindingQuery,
    ext: &str,
    encode: Encode,
) -> Result<Response, ApiError> {
    let filter = authorize(s, &a, source, q, &format!("findings.{ext}.json")).await?;
    let rx = spawn_rows(s.store().clone(), filter, a.scope);
    let name = format!(
        "attachment; filename=\"rampart-findings-{}.{ext}.json\"",
        stamp()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body(rx, b"[".to_vec(), b"\n]\n".to_vec(), encode),
    )
        .into_response())
}

/// OCSF Detection Findings (`/export/findings.ocsf.json`).
pub async fn ocsf(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<FindingQuery>,
) -> Result<Response, ApiError> {
    array_export(&s, a, source, &q, "ocsf", ocsf_row).await
}

/// ASFF findings (`/export/findings.asff.json`), ready for `BatchImportFindings`.
pub async fn asff(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Query(q): Query<FindingQuery>,
) -> Result<Response, ApiError> {
    array_export(&s, a, source, &q, "asff", asff_row).await
}
