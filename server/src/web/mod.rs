//! The dashboard's HTTP server: axum routes, thin handlers over storage and the Leptos
//! pages, JSON twins under `/api/`, streamed exports, security headers and CSRF.

mod admin;
mod api;
mod auth;
pub mod client;
mod current;
mod error;
mod export;
mod mutes;
mod oauth;
mod pages;
mod principals;
mod report;
mod security;
mod session;
mod signin;

pub use current::{ANONYMOUS, CurrentAccess, SourceAddr};
pub use error::WebError;
pub use session::{spawn_sweeper, sweep_expired};

use crate::access::{Access, Scope};
use crate::auth::Auth;
use crate::config::ScanDefaults;
use crate::jobs::{Jobs, scannable};
use crate::store::{AuditAction, AuditEntry, AuditOutcome, ComplianceFilter, FindingFilter, Store};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use rampart_app::model::{
    AccountData, CheckDetail, CheckInfo, ComplianceData, ComplianceQuery, DiffData, FindingDetail,
    FindingQuery, FindingRow, FindingsData, OverviewData, OverviewQuery, ScanData, ScansData,
};
use rampart_engine::checks::registry;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every `framework:control` that checks answer, framework by framework in the standards'
/// order (the explorer's control filter); computed once from the framework files.
static CONTROLS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    rampart_engine::frameworks::catalog()
        .map(|catalog| {
            catalog
                .frameworks()
                .iter()
                .flat_map(|data| {
                    data.controls
                        .iter()
                        .filter(|c| !c.checks().is_empty())
                        .map(|c| format!("{}:{}", data.framework.key(), c.id))
                })
                .collect()
        })
        .unwrap_or_default()
});

/// Shared by every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// Requests must carry an [`Access`] (inserted by the authentication middleware);
    /// without one they get 401. Off: every request has full access (demo, loopback).
    auth_required: bool,
    proxies: Arc<client::TrustedProxies>,
}

struct Inner {
    store: Store,
    demo: bool,
    scan: ScanDefaults,
    jobs: Arc<Jobs>,
    analyses: principals::AnalysisCache,
    auth: Auth,
}

impl AppState {
    /// Without authentication (`rampart demo`, tests).
    pub fn new(store: Store, demo: bool, scan: ScanDefaults) -> Self {
        Self::with_auth(store, demo, scan, Auth::Disabled)
    }

    /// With the given authentication of the JSON API and the pages.
    pub fn with_auth(store: Store, demo: bool, scan: ScanDefaults, auth: Auth) -> Self {
        let auth_enabled = auth.is_enabled();
        Self {
            inner: Arc::new(Inner {
                store,
                demo,
                scan,
                jobs: Arc::new(Jobs::default()),
                analyses: Default::default(),
                auth,
            }),
            auth_required: false,
            proxies: Arc::default(),
        }
        .with_auth_required(auth_enabled)
    }

    /// The same state, believing the forwarding headers of `proxies`.
    pub fn with_trusted_proxies(mut self, proxies: client::TrustedProxies) -> Self {
        self.proxies = Arc::new(proxies);
        self
    }

    pub fn trusted_proxies(&self) -> &client::TrustedProxies {
        &self.proxies
    }

    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    /// The same state, refusing requests that carry no [`Access`] when `required`.
    pub fn with_auth_required(mut self, required: bool) -> Self {
        self.auth_required = required;
        self
    }

    pub fn auth_required(&self) -> bool {
        self.auth_required
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn demo(&self) -> bool {
        self.inner.demo
    }

    // Loaders: one per page, shared by the HTML page and its JSON twin.

    // Every loader takes the user's scope: another team's account, scan or finding is a
    // 404, exactly like one that does not exist.

    pub async fn overview(
        &self,
        q: &OverviewQuery,
        scope: &Scope,
    ) -> Result<OverviewData, WebError> {
        Ok(self.store().overview(q, scope, scannable).await?)
    }

    pub async fn account(&self, id: &str, scope: &Scope) -> Result<AccountData, WebError> {
        Ok(self.store().account_page(id, scope, scannable).await?)
    }

    pub async fn findings(&self, q: &FindingQuery, a: &Access) -> Result<FindingsData, WebError> {
        let scope = &a.scope;
        let filter = FindingFilter::from_query(q, Some("FAIL")).map_err(WebError::bad_request)?;
        let ((rows, total, mut facets), accounts) = futures::try_join!(
            self.store().findings(&filter, scope),
            self.store().account_names(scope)
        )?;
        let names: std::collections::HashMap<&str, &str> = accounts
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect();
        for facet in facets.iter_mut().filter(|f| f.name == "account") {
            for v in &mut facet.values {
                if let Some(name) = names.get(v.value.as_str()) {
                    v.label = (*name).to_owned();
                }
            }
        }
        Ok(FindingsData {
            query: q.clone(),
            total,
            page: filter.page,
            per_page: filter.per_page,
            rows,
            facets,
            accounts,
            controls: CONTROLS.clone(),
            can_mute: a.can_mute(),
        })
    }

    pub async fn finding(&self, key: i64, a: &Access) -> Result<FindingDetail, WebError> {
        Ok(FindingDetail {
            can_mute: a.can_mute(),
            ..self.store().finding_detail(key, &a.scope).await?
        })
    }

    pub async fn scan(
        &self,
        id: i64,
        scope: &Scope,
    ) -> Result<(ScanData, Vec<FindingRow>), WebError> {
        Ok(futures::try_join!(
            self.store().scan(id, scope),
            self.store().scan_findings(id, scope)
        )?)
    }

    pub async fn scans(&self, account: &str, scope: &Scope) -> Result<ScansData, WebError> {
        let (a, scans) = futures::try_join!(
            self.store().visible_account(account, scope),
            self.store().scans(account, scope)
        )?;
        Ok(ScansData {
            account: a.info(scannable(&a)),
            scans,
        })
    }

    pub async fn diff(
        &self,
        account: &str,
        from: i64,
        to: i64,
        scope: &Scope,
    ) -> Result<DiffData, WebError> {
        let a = self.store().visible_account(account, scope).await?;
        let (sa, sb) =
            futures::try_join!(self.store().scan(from, scope), self.store().scan(to, scope))?;
        if sa.scan.account_id != a.id || sb.scan.account_id != a.id {
            return Err(WebError::bad_request(format!(
                "scans {from} and {to} must both be scans of account {}",
                a.id
            )));
        }
        let (new, resolved, still_failing) = self.store().diff(from, to, scope).await?;
        Ok(DiffData {
            account: a.info(scannable(&a)),
            from: sa.scan,
            to: sb.scan,
            new,
            resolved,
            still_failing,
        })
    }

    /// The compliance page's data, shared with its JSON twin: the grid of the framework
    /// over the accounts of `scope` that the query's account and team choose.
    pub async fn compliance(
        &self,
        q: &ComplianceQuery,
        scope: &Scope,
    ) -> Result<ComplianceData, WebError> {
        let filter = ComplianceFilter::from_query(q).map_err(WebError::bad_request)?;
        Ok(self.store().compliance_for(&filter, scope).await?)
    }

    pub fn checks(&self) -> Vec<CheckInfo> {
        registry()
            .iter()
            .filter_map(|c| crate::store::check_info(c.meta.id))
            .collect()
    }

    pub async fn check(&self, id: &str, scope: &Scope) -> Result<CheckDetail, WebError> {
        Ok(self.store().check_detail(id, scope).await?)
    }

    /// Appends to the audit log. A failure is logged and becomes a 500: an audited action
    /// whose record cannot be written should not go unnoticed.
    pub async fn audit(
        &self,
        access: &Access,
        source: Option<String>,
        action: AuditAction,
        target: &str,
        detail: serde_json::Value,
        outcome: AuditOutcome,
    ) -> Result<(), WebError> {
        let entry = AuditEntry {
            actor: access.user.clone(),
            source,
            action,
            target: target.to_owned(),
            detail,
            outcome,
        };
        self.store().audit(&entry).await?;
        Ok(())
    }

    /// `Ok` when `allowed`; else records the refused attempt and returns 403.
    pub async fn authorize(
        &self,
        allowed: bool,
        access: &Access,
        source: Option<String>,
        action: AuditAction,
        target: &str,
    ) -> Result<(), WebError> {
        if allowed {
            return Ok(());
        }
        let what = action.as_str().replace('_', " ");
        self.audit(
            access,
            source,
            action,
            target,
            serde_json::json!({ "role": access.role.as_str() }),
            AuditOutcome::Denied,
        )
        .await?;
        current::require(false, &format!("do this ({what})"))
    }
}

/// The largest request body: snapshots for import.
const MAX_UPLOAD: usize = crate::ingest::MAX_SNAPSHOT_BYTES;

/// Every route of the dashboard, every request with `access` (for embedding Rampart behind
/// an authenticating layer that knows its user, and for tests). An `Access` the request
/// already carries wins.
pub fn router_with_access(state: AppState, access: Access) -> Router {
    router(state).layer(axum::middleware::from_fn(
        move |mut req: axum::extract::Request, next: axum::middleware::Next| {
            let access = access.clone();
            async move {
                if req.extensions().get::<Access>().is_none() {
                    req.extensions_mut().insert(access);
                }
                next.run(req).await
            }
        },
    ))
}

/// The streamed exports and the compliance reports: links on the pages (session) and the
/// same under `/api/` (Bearer token).
fn downloads() -> Router<AppState> {
    Router::new()
        .route("/export/findings.csv", get(export::csv))
        .route("/export/findings.json", get(export::json))
        .route("/export/findings.ocsf.json", get(export::ocsf))
        .route("/export/findings.asff.json", get(export::asff))
        .route("/reports/compliance.pdf", get(report::pdf))
        .route("/reports/compliance.html", get(report::html))
}

/// Every route of the dashboard.
pub fn router(state: AppState) -> Router {
    let import = Router::new()
        .route(
            "/import",
            get(pages::import_form).post(pages::import_upload),
        )
        .layer(DefaultBodyLimit::max(MAX_UPLOAD));
    // The JSON API: Bearer-authenticated when Cognito is configured, including its 404s.
    let api = Router::new()
        .route("/overview", get(api::overview))
        .route("/accounts", get(api::accounts))
        .route("/accounts/{id}", get(api::account))
        .route("/accounts/{id}/scans", get(api::scans))
        .route("/accounts/{id}/diff", get(api::diff))
        .route("/accounts/{id}/principals", get(api::principals))
        .route("/accounts/{id}/principal", get(api::principal))
        .route("/findings", get(api::findings))
        .route("/findings/{key}", get(api::finding))
        .route("/mutes", get(mutes::api_list))
        .route("/scans/{id}", get(api::scan))
        .route("/compliance", get(api::compliance))
        .route("/checks", get(api::checks))
        .route("/checks/{id}", get(api::check))
        .merge(downloads())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_bearer,
        ));
    // HTML pages: behind a session when Cognito is configured, including their 404s.
    let pages = Router::new()
        .route("/", get(pages::overview))
        .route("/accounts/{id}", get(pages::account))
        .route("/accounts/{id}/scan", post(pages::scan_now))
        .route("/accounts/{id}/scans", get(pages::scans))
        .route("/accounts/{id}/diff", get(pages::diff))
        .route("/accounts/{id}/principals", get(pages::principals))
        .route("/accounts/{id}/principal", get(pages::principal))
        .route("/scans/{id}", get(pages::scan))
        .route("/findings", get(pages::findings))
        .route("/findings/{key}", get(pages::finding))
        .route("/mutes", get(mutes::list).post(mutes::create))
        .route("/mutes/{id}/remove", post(mutes::remove))
        .route("/checks", get(pages::checks))
        .route("/checks/{id}", get(pages::check))
        .route("/compliance", get(pages::compliance))
        .merge(downloads())
        .route("/admin/audit", get(admin::audit))
        .route("/admin/audit.csv", get(admin::audit_csv))
        .route("/signout", post(signin::sign_out))
        .merge(import)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::require_session,
        ));
    Router::new()
        .route("/signin", get(signin::form).post(signin::password))
        .route(
            "/signin/new-password",
            get(signin::new_password_form).post(signin::new_password),
        )
        .route(
            "/signin/mfa-setup",
            get(signin::mfa_setup_form).post(signin::mfa_setup),
        )
        .route("/signin/mfa", get(signin::mfa_form).post(signin::mfa))
        .route("/signin/oauth", get(oauth::start))
        .route("/signin/oauth/callback", get(oauth::callback))
        .nest("/api", api)
        .route("/static/rampart.css", get(pages::stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        // Browsers ask for it on their own; no icon, and no sign-in redirect for it.
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .merge(pages)
        .layer(axum::middleware::from_fn(security::csrf))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client::resolve,
        ))
        .layer(security::headers())
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_router(listener, router(state)).await
}

/// Serves `app` (from [`router`] or [`router_with_access`]) until Ctrl-C / SIGTERM, with
/// the client's address available to handlers (the audit log records it).
pub async fn serve_router(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
