//! Dashboard sessions over HTTP: the session cookie, and the middleware that requires a
//! session on every HTML page when Cognito is configured (`/signin`, `/static/*`,
//! `/healthz` and the Bearer-authenticated `/api/*` are routed around it). The signed-in
//! user goes into request extensions as the same [`Principal`] the Bearer middleware
//! inserts, so authorization reads one type for both.

use super::AppState;
use super::error::{PageError, WebError};
use crate::auth::session::{self, Verdict, hash_id, well_formed};
use crate::auth::{Auth, Cognito, Principal, SignInError};
use crate::store::{SessionRecord, StoreError};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rampart_app::model::Chrome;

/// How long the page asked for before sign-in is remembered, in seconds.
const NEXT_MAX_AGE: i64 = 15 * 60;

/// Activity is written at most this often (the idle timeout is minutes long).
const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(30);

/// The value of cookie `name`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` for cookie `name` (HttpOnly, Path=/, `Secure` per the policy); `None`
/// clears it.
pub fn set_cookie(
    c: &Cognito,
    name: &str,
    value: Option<&str>,
    same_site: &str,
    max_age: Option<i64>,
) -> Option<HeaderValue> {
    let mut v = format!(
        "{name}={}; Path=/; HttpOnly; SameSite={same_site}",
        value.unwrap_or("")
    );
    match (value, max_age) {
        (None, _) => v.push_str("; Max-Age=0"),
        (Some(_), Some(secs)) => v.push_str(&format!("; Max-Age={secs}")),
        (Some(_), None) => {}
    }
    if c.policy.secure_cookie {
        v.push_str("; Secure");
    }
    HeaderValue::from_str(&v).ok()
}

/// The session cookie for session `id` (a browser-session cookie; the server enforces the
/// timeouts).
pub fn session_cookie(c: &Cognito, id: Option<&str>) -> Option<HeaderValue> {
    set_cookie(c, c.policy.cookie_name(), id, "Lax", None)
}

/// The session of the request, valid at the current time (refreshed if its access token
/// is about to expire); `None` when there is none or it is over.
pub async fn current(
    s: &AppState,
    c: &Cognito,
    headers: &HeaderMap,
) -> Result<Option<(String, Principal)>, StoreError> {
    let Some(id) = cookie(headers, c.policy.cookie_name()).filter(|id| well_formed(id)) else {
        return Ok(None);
    };
    let hash = hash_id(id);
    let Some(mut record) = s.store().session(&hash).await? else {
        return Ok(None);
    };
    let now = c.now();
    match c.policy.judge(&record, now) {
        Verdict::Expired(why) => {
            tracing::info!(user = %record.username, why, "session expired");
            s.store().delete_session(&hash).await?;
            return Ok(None);
        }
        Verdict::Refresh => match refresh(c, &record).await {
            Ok((access, expires_at, groups)) => {
                s.store()
                    .refresh_session(&hash, &access, expires_at, &groups)
                    .await?;
                record.access_token = access;
                record.access_expires_at = expires_at;
                record.groups = groups;
            }
            Err(SignInError::Credentials) => {
                tracing::info!(user = %record.username, "refresh token refused; session ended");
                s.store().delete_session(&hash).await?;
                return Ok(None);
            }
            Err(e) if record.access_expires_at > now => {
                tracing::warn!(error = %e, "refresh failed; the access token is still valid");
            }
            Err(e) => {
                tracing::warn!(error = %e, "refresh failed and the access token expired");
                return Ok(None);
            }
        },
        Verdict::Valid => {}
    }
    if now - record.last_seen_at >= TOUCH_EVERY {
        s.store().touch_session(&hash, now).await?;
    }
    Ok(Some((hash, session::principal(&record))))
}

/// `REFRESH_TOKEN_AUTH`, then the new tokens verified: the access token's expiry and the
/// ID token's groups.
async fn refresh(
    c: &Cognito,
    record: &SessionRecord,
) -> Result<(String, chrono::DateTime<chrono::Utc>, Vec<String>), SignInError> {
    let tokens = c
        .idp
        .refresh(&record.username, &record.refresh_token)
        .await?;
    let refused = |e: crate::auth::TokenError| {
        tracing::error!(error = %e, "refreshed token refused");
        SignInError::Service("the refreshed tokens did not verify".into())
    };
    let access = c
        .verifier
        .verify_access(&tokens.access)
        .await
        .map_err(refused)?;
    let id = c.verifier.verify_id(&tokens.id).await.map_err(refused)?;
    if id.sub != record.sub {
        return Err(SignInError::Service(
            "the refreshed tokens name another user".into(),
        ));
    }
    Ok((tokens.access, access.expires_at, id.groups))
}

/// A page the user navigated to (not an image, icon or stylesheet the browser fetched on
/// its own): only those are worth returning to after sign-in.
fn is_navigation(headers: &HeaderMap) -> bool {
    // Every current browser says what it fetches; other clients are taken at their word.
    headers
        .get("sec-fetch-dest")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|dest| dest == "document")
}

/// Deletes the sessions that `policy` has ended by `now` (idle or too old), which would
/// otherwise stay in the database until their user came back; returns how many.
pub async fn sweep_expired(
    store: &crate::store::Store,
    policy: &crate::auth::SessionPolicy,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    store
        .delete_expired_sessions(now - policy.idle, now - policy.absolute)
        .await
}

/// Sweeps expired sessions every `every`, for as long as the server runs.
pub fn spawn_sweeper(
    store: crate::store::Store,
    policy: crate::auth::SessionPolicy,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match sweep_expired(&store, &policy, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
                Err(e) => tracing::warn!(error = %e, "sweeping expired sessions failed"),
            }
        }
    })
}

/// The middleware in front of every HTML page.
pub async fn require_session(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let Auth::Cognito(c) = s.auth() else {
        return next.run(req).await;
    };
    match current(&s, c, req.headers()).await {
        Ok(Some((_, principal))) => {
            // What the user may see and do follows their Cognito groups.
            let Some(access) =
                crate::access::Access::from_groups(&principal.username, &principal.groups)
            else {
                return PageError(
                    WebError::new(
                        StatusCode::FORBIDDEN,
                        "your account has no Rampart role: ask an administrator to add you to rampart-viewer, rampart-analyst or rampart-admin (and a team-<name> group)",
                    ),
                    Chrome::default(),
                )
                .into_response();
            };
            req.extensions_mut().insert(access);
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Ok(None) => {
            let stale = cookie(req.headers(), c.policy.cookie_name()).is_some();
            let mut resp = if req.method() == Method::GET || req.method() == Method::HEAD {
                let mut resp = Redirect::to("/signin").into_response();
                // Back to this page after signing in.
                let wanted = req.uri().path_and_query().map_or("/", |p| p.as_str());
                if wanted != "/"
                    && is_navigation(req.headers())
                    && super::signin::local_path(wanted)
                    && let Some(v) = set_cookie(
                        c,
                        super::signin::NEXT_COOKIE,
                        Some(&utf8_percent_encode(wanted, NON_ALPHANUMERIC).to_string()),
                        "Lax",
                        Some(NEXT_MAX_AGE),
                    )
                {
                    resp.headers_mut().append(header::SET_COOKIE, v);
                }
                resp
            } else {
                PageError(
                    WebError::new(StatusCode::UNAUTHORIZED, "sign in first"),
                    Chrome::default(),
                )
                .into_response()
            };
            if stale && let Some(v) = session_cookie(c, None) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e) => PageError(WebError::from(e), Chrome::default()).into_response(),
    }
}
