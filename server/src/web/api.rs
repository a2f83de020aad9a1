//! JSON twins of the pages, with the same query parameters.

use super::AppState;
use super::current::CurrentAccess;
use super::error::ApiError;
use super::pages::DiffQuery;
use axum::Json;
use axum::extract::{Path, Query, State};
use rampart_app::model::{
    AccountData, CheckDetail, CheckInfo, ComplianceData, ComplianceQuery, DiffData, FindingDetail,
    FindingQuery, FindingRow, FindingsData, OverviewData, OverviewQuery, ScanData, ScansData,
};
use serde::Serialize;

type ApiResult<T> = Result<Json<T>, ApiError>;

pub async fn overview(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<OverviewQuery>,
) -> ApiResult<OverviewData> {
    Ok(Json(s.overview(&q, &a.scope).await?))
}

pub async fn accounts(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<OverviewQuery>,
) -> ApiResult<Vec<rampart_app::model::AccountRow>> {
    Ok(Json(s.overview(&q, &a.scope).await?.accounts))
}

pub async fn account(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> ApiResult<AccountData> {
    Ok(Json(s.account(&id, &a.scope).await?))
}

pub async fn scans(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> ApiResult<ScansData> {
    Ok(Json(s.scans(&id, &a.scope).await?))
}

pub async fn diff(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<DiffData> {
    Ok(Json(s.diff(&id, q.from, q.to, &a.scope).await?))
}

pub async fn findings(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<FindingQuery>,
) -> ApiResult<FindingsData> {
    Ok(Json(s.findings(&q, &a).await?))
}

pub async fn finding(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(key): Path<i64>,
) -> ApiResult<FindingDetail> {
    Ok(Json(s.finding(key, &a).await?))
}

/// A scan with its findings.
#[derive(Serialize)]
pub struct ScanWithFindings {
    #[serde(flatten)]
    pub scan: ScanData,
    pub findings: Vec<FindingRow>,
}

pub async fn scan(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<i64>,
) -> ApiResult<ScanWithFindings> {
    let (scan, findings) = s.scan(id, &a.scope).await?;
    Ok(Json(ScanWithFindings { scan, findings }))
}

pub async fn compliance(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<ComplianceQuery>,
) -> ApiResult<ComplianceData> {
    Ok(Json(s.compliance(&q, &a.scope).await?))
}

pub async fn checks(State(s): State<AppState>) -> Json<Vec<CheckInfo>> {
    Json(s.checks())
}

pub async fn check(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> ApiResult<CheckDetail> {
    Ok(Json(s.check(&id, &a.scope).await?))
}

pub async fn principals(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> ApiResult<rampart_app::model::PrincipalsData> {
    Ok(Json(s.principals(&id, &a.scope).await?))
}

pub async fn principal(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
    Query(q): Query<super::pages::PrincipalQuery>,
) -> ApiResult<rampart_app::model::PrincipalData> {
    Ok(Json(s.principal(&id, &q.arn, &a.scope).await?))
}

pub async fn not_found() -> ApiError {
    ApiError(super::WebError::not_found(
        "there is no API endpoint at this address",
    ))
}
