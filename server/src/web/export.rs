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
use chrono::{DateTime, Utc};
use rampart_app::model::FindingQuery;
use rampart_engine::formats::{self, Context};
use tokio::sync::mpsc;

/// Rows buffered between the database and the body.
const CHANNEL: usize = 512;
/// Bytes per body chunk.
const CHUNK: usize = 64 * 1024;

/// The columns of the CSV export; a muted finding's status is `MUTED` and the last three
/// columns hold its mute (empty otherwise).
pub const CSV_HEADER: [&str; 16] = [
    "account_id",
    "account_name",
    "check_id",
    "title",
    "service",
    "severity",
    "status",
    "region",
    "resource_arn",
    "resource_type",
    "message",
    "compliance",
    "evidence",
    "mute_reason",
    "mute_owner",
    "mute_expires_at",
];

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

/// Appends one row to the body (`first`: no row was written before); returns whether it
/// wrote anything.
type Encode = fn(&mut Vec<u8>, &ExportRow, bool) -> bool;

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

fn csv_row(buf: &mut Vec<u8>, r: &ExportRow, _first: bool) -> bool {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let row = &r.row;
    let compliance = row.controls.join(" ");
    let mute = row.mute.as_ref();
    let _ = w.write_record([
        row.account_id.as_str(),
        row.account_name.as_str(),
        row.check_id.as_str(),
        row.title.as_str(),
        row.service.as_str(),
        row.severity.as_str(),
        row.status.as_str(),
        row.region.as_str(),
        row.resource_arn.as_str(),
        row.resource_type.as_str(),
        row.message.as_str(),
        compliance.as_str(),
        r.evidence.as_str(),
        mute.map_or("", |m| m.reason.as_str()),
        mute.map_or("", |m| m.owner.as_str()),
        mute.map_or("", |m| m.expires_at.as_str()),
    ]);
    if let Ok(bytes) = w.into_inner() {
        buf.extend_from_slice(&bytes);
    }
    true
}

fn json_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    array_item(buf, &r.to_schema_json(), first)
}

fn array_item(buf: &mut Vec<u8>, doc: &serde_json::Value, first: bool) -> bool {
    if !first {
        buf.push(b',');
    }
    buf.push(b'\n');
    let _ = serde_json::to_writer(&mut *buf, doc);
    true
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Encodes a row with one of the engine's formats; a row that no longer parses as a finding
/// is logged and left out.
fn formatted(
    buf: &mut Vec<u8>,
    r: &ExportRow,
    first: bool,
    format: fn(&rampart_engine::Finding, &Context<'_>) -> serde_json::Value,
) -> bool {
    let Some(finding) = r.to_finding() else {
        tracing::warn!(
            key_id = r.row.key_id,
            "finding left out of the export: it no longer parses"
        );
        return false;
    };
    let scanned_at = time(r.collected_at.as_deref()).unwrap_or_else(Utc::now);
    let ctx = Context {
        first_seen: time(r.first_seen_at.as_deref()),
        last_seen: time(r.last_seen_at.as_deref()),
        muted: r.muted(),
        ..Context::new(scanned_at, env!("CARGO_PKG_VERSION"))
    };
    array_item(buf, &format(&finding, &ctx), first)
}

fn ocsf_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    formatted(buf, r, first, formats::to_ocsf)
}

fn asff_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    formatted(buf, r, first, formats::to_asff)
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
    let mut head = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut head);
        let _ = w.write_record(CSV_HEADER);
        let _ = w.flush();
    }
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
