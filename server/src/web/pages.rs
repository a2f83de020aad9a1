//! HTML handlers: parse the request, load the view model, render the page.

use super::AppState;
use super::current::{CurrentAccess, SourceAddr};
use super::error::{PageError, WebError};
use super::security::{CsrfToken, tokens_match};
use crate::ingest::import_snapshot;
use crate::jobs::JobError;
use crate::store::{AuditAction, AuditOutcome};
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rampart_app::model::{Chrome, ComplianceQuery, FindingQuery, OverviewQuery};
use rampart_app::pages;
use serde::Deserialize;

/// The page chrome of the current request (demo flag, CSRF token, path).
pub struct PageChrome(pub Chrome);

impl FromRequestParts<AppState> for PageChrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageChrome(Chrome {
            demo: state.demo(),
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            path: parts.uri.path().to_owned(),
            user: parts
                .extensions
                .get::<crate::auth::Principal>()
                .map(|p| p.username.clone()),
        }))
    }
}

type PageResult = Result<Html<String>, PageError>;

fn fail(chrome: &Chrome) -> impl FnOnce(WebError) -> PageError + '_ {
    move |e| PageError(e, chrome.clone())
}

pub async fn overview(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    let data = s.overview(&q, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::overview::render(&c, data)))
}

pub async fn account(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> PageResult {
    let data = s.account(&id, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::account::render(&c, data)))
}

pub async fn scans(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> PageResult {
    let data = s.scans(&id, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::scans::render_list(&c, data)))
}

pub async fn principals(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> PageResult {
    let data = s.principals(&id, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::principals::render_list(&c, data)))
}

#[derive(Debug, Deserialize)]
pub struct PrincipalQuery {
    pub arn: String,
}

pub async fn principal(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
    Query(q): Query<PrincipalQuery>,
) -> PageResult {
    let data = s.principal(&id, &q.arn, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::principals::render_one(&c, data)))
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub from: i64,
    pub to: i64,
}

pub async fn diff(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> PageResult {
    let data = s
        .diff(&id, q.from, q.to, &a.scope)
        .await
        .map_err(fail(&c))?;
    Ok(Html(pages::scans::render_diff(&c, data)))
}

pub async fn scan(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<i64>,
) -> PageResult {
    let data = s
        .store()
        .scan(id, &a.scope)
        .await
        .map_err(WebError::from)
        .map_err(fail(&c))?;
    Ok(Html(pages::scans::render_scan(&c, data)))
}

pub async fn findings(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<FindingQuery>,
) -> PageResult {
    let data = s.findings(&q, &a).await.map_err(fail(&c))?;
    Ok(Html(pages::findings::render(&c, data)))
}

pub async fn finding(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(key): Path<i64>,
) -> PageResult {
    let data = s.finding(key, &a).await.map_err(fail(&c))?;
    Ok(Html(pages::findings::render_detail(&c, data)))
}

pub async fn checks(State(s): State<AppState>, PageChrome(c): PageChrome) -> Html<String> {
    Html(pages::compliance::render_checks(&c, s.checks()))
}

pub async fn check(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Path(id): Path<String>,
) -> PageResult {
    let data = s.check(&id, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::compliance::render_check(&c, data)))
}

pub async fn compliance(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    Query(q): Query<ComplianceQuery>,
) -> PageResult {
    let data = s.compliance(&q, &a.scope).await.map_err(fail(&c))?;
    Ok(Html(pages::compliance::render(&c, data)))
}

/// POST: start a background scan (analysts and admins, within their scope), then back to
/// the account page (which shows progress). A started scan is audited.
pub async fn scan_now(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Path(id): Path<String>,
) -> Result<Redirect, PageError> {
    let account = s
        .store()
        .visible_account(&id, &a.scope)
        .await
        .map_err(WebError::from)
        .map_err(fail(&c))?;
    s.authorize(
        a.can_scan(),
        &a,
        source.clone(),
        AuditAction::ScanStarted,
        &id,
    )
    .await
    .map_err(fail(&c))?;
    match s.inner.jobs.start(s.store(), &s.inner.scan, account).await {
        Ok(scan_id) => {
            s.audit(
                &a,
                source,
                AuditAction::ScanStarted,
                &id,
                serde_json::json!({ "scan_id": scan_id }),
                AuditOutcome::Success,
            )
            .await
            .map_err(fail(&c))?;
            Ok(Redirect::to(&format!(
                "/accounts/{}",
                rampart_app::util::enc(&id)
            )))
        }
        Err(JobError::AlreadyRunning(_)) => Ok(Redirect::to(&format!(
            "/accounts/{}",
            rampart_app::util::enc(&id)
        ))),
        Err(JobError::NotScannable(a)) => Err(fail(&c)(WebError::new(
            StatusCode::CONFLICT,
            format!(
                "account {a} cannot be scanned from the dashboard: it is a demo or imported account without a role"
            ),
        ))),
        Err(JobError::Store(e)) => Err(fail(&c)(e.into())),
    }
}

pub async fn import_form(PageChrome(c): PageChrome) -> Html<String> {
    Html(pages::import(&c, None))
}

/// POST (multipart): a snapshot upload (`Access::can_import`). The CSRF field is checked
/// before the file is used; an import is audited.
pub async fn import_upload(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    mut form: Multipart,
) -> Response {
    if let Err(e) = s
        .authorize(a.can_import(), &a, source.clone(), AuditAction::Import, "")
        .await
    {
        return PageError(e, c).into_response();
    }
    let mut csrf = None;
    let mut file: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(bytes) if name == "csrf" => {
                        csrf = Some(String::from_utf8_lossy(&bytes).into_owned())
                    }
                    Ok(bytes) if name == "snapshot" => file = Some(bytes.to_vec()),
                    Ok(_) => {}
                    Err(e) => {
                        let status = e.status();
                        return (
                            status,
                            Html(pages::import(
                                &c,
                                Some(Err(format!(
                                    "the upload could not be read: {}",
                                    e.body_text()
                                ))),
                            )),
                        )
                            .into_response();
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                return (
                    e.status(),
                    Html(pages::import(
                        &c,
                        Some(Err(format!(
                            "the upload could not be read: {}",
                            e.body_text()
                        ))),
                    )),
                )
                    .into_response();
            }
        }
    }
    if !csrf.is_some_and(|t| tokens_match(&t, &c.csrf)) {
        return PageError(
            WebError::new(
                StatusCode::FORBIDDEN,
                "invalid CSRF token: reload the page and try again",
            ),
            c,
        )
        .into_response();
    }
    let Some(bytes) = file else {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::import(&c, Some(Err("no file was uploaded".into())))),
        )
            .into_response();
    };
    match import_snapshot(s.store(), &bytes).await {
        Ok(result) => {
            if let Err(e) = s
                .audit(
                    &a,
                    source,
                    AuditAction::Import,
                    &result.account_id,
                    serde_json::json!({ "scan_id": result.scan_id, "findings": result.findings }),
                    AuditOutcome::Success,
                )
                .await
            {
                return PageError(e, c).into_response();
            }
            Html(pages::import(&c, Some(Ok(result)))).into_response()
        }
        Err(crate::ingest::ImportError::Store(e)) => PageError(e.into(), c).into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(pages::import(&c, Some(Err(e.to_string())))),
        )
            .into_response(),
    }
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        rampart_app::STYLESHEET,
    )
}

pub async fn not_found(PageChrome(c): PageChrome) -> PageError {
    PageError(WebError::not_found("there is no page at this address"), c)
}
