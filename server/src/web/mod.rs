//! The dashboard's HTTP server: axum routes, thin handlers over storage and the Leptos
//! pages, JSON twins under `/api/`, streamed exports, security headers and CSRF.

mod api;
mod auth;
mod error;
mod export;
mod pages;
mod principals;
mod security;
mod session;
mod signin;

pub use error::WebError;

use crate::auth::Auth;
use crate::config::ScanDefaults;
use crate::jobs::{Jobs, scannable};
use crate::store::{FindingFilter, Store};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use rampart_app::model::{
    AccountData, CheckDetail, CheckInfo, ComplianceData, DiffData, FindingDetail, FindingQuery,
    FindingsData, OverviewData, OverviewQuery, ScansData,
};
use rampart_engine::checks::{Framework, registry};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Every `framework:control` the registry maps to, in framework then numeric order (the
/// explorer's control filter); computed once.
static CONTROLS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut controls: Vec<String> = registry()
        .iter()
        .flat_map(|c| c.meta.compliance.iter())
        .flat_map(|(f, ids)| ids.iter().map(move |id| format!("{}:{id}", f.key())))
        .collect();
    controls.sort_by_cached_key(|s| {
        let (f, c) = s.split_once(':').unwrap_or((s, ""));
        (f.to_owned(), crate::store::control_order(c))
    });
    controls.dedup();
    controls
});

/// Shared by every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
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
        Self {
            inner: Arc::new(Inner {
                store,
                demo,
                scan,
                jobs: Arc::new(Jobs::default()),
                analyses: Default::default(),
                auth,
            }),
        }
    }

    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn demo(&self) -> bool {
        self.inner.demo
    }

    // Loaders: one per page, shared by the HTML page and its JSON twin.

    pub async fn overview(&self, q: &OverviewQuery) -> Result<OverviewData, WebError> {
        Ok(self.store().overview(q, scannable, |_| true).await?)
    }

    pub async fn account(&self, id: &str) -> Result<AccountData, WebError> {
        Ok(self.store().account_page(id, scannable).await?)
    }

    pub async fn findings(&self, q: &FindingQuery) -> Result<FindingsData, WebError> {
        let filter = FindingFilter::from_query(q, Some("FAIL")).map_err(WebError::bad_request)?;
        let ((rows, total, mut facets), accounts) =
            futures::try_join!(self.store().findings(&filter), self.store().account_names())?;
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
        })
    }

    pub async fn finding(&self, key: i64) -> Result<FindingDetail, WebError> {
        Ok(self.store().finding_detail(key).await?)
    }

    pub async fn scans(&self, account: &str) -> Result<ScansData, WebError> {
        let (a, scans) =
            futures::try_join!(self.store().account(account), self.store().scans(account))?;
        Ok(ScansData {
            account: a.info(scannable(&a)),
            scans,
        })
    }

    pub async fn diff(&self, account: &str, from: i64, to: i64) -> Result<DiffData, WebError> {
        let a = self.store().account(account).await?;
        let (sa, sb) = futures::try_join!(self.store().scan(from), self.store().scan(to))?;
        if sa.scan.account_id != a.id || sb.scan.account_id != a.id {
            return Err(WebError::bad_request(format!(
                "scans {from} and {to} must both be scans of account {}",
                a.id
            )));
        }
        let (new, resolved, still_failing) = self.store().diff(from, to).await?;
        Ok(DiffData {
            account: a.info(scannable(&a)),
            from: sa.scan,
            to: sb.scan,
            new,
            resolved,
            still_failing,
        })
    }

    pub async fn compliance(&self, framework: Option<&str>) -> Result<ComplianceData, WebError> {
        let framework = match framework.filter(|f| !f.is_empty()) {
            None => Framework::CisAws3,
            Some(f) => Framework::parse(f)
                .ok_or_else(|| WebError::bad_request(format!("unknown framework `{f}`")))?,
        };
        Ok(self.store().compliance(framework, |_| true).await?)
    }

    pub fn checks(&self) -> Vec<CheckInfo> {
        registry()
            .iter()
            .filter_map(|c| crate::store::check_info(c.meta.id))
            .collect()
    }

    pub async fn check(&self, id: &str) -> Result<CheckDetail, WebError> {
        Ok(self.store().check_detail(id, |_| true).await?)
    }
}

/// The largest request body: snapshots for import.
const MAX_UPLOAD: usize = crate::ingest::MAX_SNAPSHOT_BYTES;

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
        .route("/scans/{id}", get(api::scan))
        .route("/compliance", get(api::compliance))
        .route("/checks", get(api::checks))
        .route("/checks/{id}", get(api::check))
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
        .route("/checks", get(pages::checks))
        .route("/checks/{id}", get(pages::check))
        .route("/compliance", get(pages::compliance))
        .route("/export/findings.csv", get(export::csv))
        .route("/export/findings.json", get(export::json))
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
        .nest("/api", api)
        .route("/static/rampart.css", get(pages::stylesheet))
        .route("/healthz", get(|| async { "ok" }))
        .merge(pages)
        .layer(axum::middleware::from_fn(security::csrf))
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
    // Connection info: sign-in throttling counts failures per client address.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
