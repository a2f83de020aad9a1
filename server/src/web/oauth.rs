//! Sign-in through the user pool's hosted pages (`auth::oauth` is the protocol):
//! `GET /signin/oauth` sends the browser to the hosted UI, `GET /signin/oauth/callback`
//! takes it back and creates the session the way the password form does
//! ([`super::signin::signed_in`]). Sign-out can pass through the hosted UI's logout.
//!
//! Between the two, `state`, `nonce` and the PKCE verifier stay on the server, under a
//! random id in a cookie that is `SameSite=Lax`, not `Strict` like the password form's: the
//! callback is a top-level navigation coming from the hosted UI's site, and browsers send
//! `Strict` cookies on no cross-site request at all, so the callback would never find its
//! sign-in. `Lax` cookies go with cross-site top-level GET navigations (this one) and with
//! no cross-site subrequest or POST; the `state` in the URL must match the cookie's entry.

use super::AppState;
use super::pages::PageChrome;
use super::session::{cookie, set_cookie};
use super::signin::{Visitor, signed_in};
use crate::auth::oauth::{self, Callback, HostedUi, OAuthError};
use crate::auth::{Auth, Cognito, TokenError};
use crate::store::{AuditAction, AuditOutcome};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rampart_app::model::Chrome;
use rampart_app::pages::signin::{SignInOptions, SignInStep, render_with};
use std::net::IpAddr;
use std::sync::Arc;

/// What the first sign-in page offers under `c`.
pub fn options(c: &Cognito) -> SignInOptions {
    SignInOptions {
        password: c.password_sign_in(),
        hosted_ui: c.hosted_ui.as_ref().map(|h| h.label().to_owned()),
    }
}

/// The first sign-in page, with `error`.
pub fn page(c: &Cognito, chrome: &Chrome, status: StatusCode, error: Option<&str>) -> Response {
    let html = render_with(chrome, &SignInStep::Password, error, &options(c));
    (status, Html(html)).into_response()
}

/// The answer to a password sign-in when the password form is turned off.
pub fn password_off(c: &Cognito, chrome: &Chrome) -> Response {
    page(
        c,
        chrome,
        StatusCode::FORBIDDEN,
        Some("Password sign-in is turned off on this server; use the link below."),
    )
}

fn cookie_name(c: &Cognito) -> &'static str {
    if c.policy.secure_cookie {
        "__Host-rampart_oauth"
    } else {
        "rampart_oauth"
    }
}

fn cognito(s: &AppState) -> Option<Arc<Cognito>> {
    match s.auth() {
        Auth::Cognito(c) => Some(c.clone()),
        Auth::Disabled => None,
    }
}

fn not_configured() -> Response {
    (
        StatusCode::NOT_FOUND,
        "sign-in through the hosted UI is not configured on this server",
    )
        .into_response()
}

/// `GET /signin/oauth`: a new sign-in, kept server-side; off to the hosted UI.
pub async fn start(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    Visitor { addr, .. }: Visitor,
) -> Response {
    let Some(c) = cognito(&s) else {
        return not_configured();
    };
    let Some(hosted_ui) = c.hosted_ui.as_ref() else {
        return not_configured();
    };
    let now = c.now();
    if c.authorizations.count(now, |p| p.client == addr) >= oauth::MAX_PER_CLIENT {
        tracing::warn!(client = ?addr, "too many hosted-UI sign-ins in progress");
        return page(
            &c,
            &chrome,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many sign-ins were started from your address; wait a few minutes."),
        );
    }
    let stored = hosted_ui
        .begin(now, addr)
        .ok()
        .and_then(|(pending, url)| Some((c.authorizations.insert(pending, now)?, url)));
    let Some((id, url)) = stored else {
        tracing::error!("no randomness, or too many sign-ins in progress");
        return page(
            &c,
            &chrome,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("Sign-in is not possible right now; try again in a minute."),
        );
    };
    let mut resp = Redirect::to(&url).into_response();
    let max_age = oauth::LIFETIME.num_seconds();
    if let Some(v) = set_cookie(&c, cookie_name(&c), Some(&id), "Lax", Some(max_age)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /signin/oauth/callback`: the hosted UI's answer. The pending sign-in is used up
/// whatever the outcome; a session is created only when everything checks out.
pub async fn callback(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    visitor: Visitor,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> Response {
    let Some(c) = cognito(&s) else {
        return not_configured();
    };
    let Some(hosted_ui) = c.hosted_ui.as_ref() else {
        return not_configured();
    };
    let pending =
        cookie(&headers, cookie_name(&c)).and_then(|id| c.authorizations.take(id, c.now()));
    let mut resp = match oauth::finish(&c, hosted_ui, pending, &cb).await {
        Ok((user, tokens)) => {
            // A session stored is audited there, with the method.
            let v = Visitor {
                method: "oauth",
                ..visitor
            };
            let resp = signed_in(&s, &c, &chrome, &v, None, &user.username, tokens).await;
            if resp.status() != StatusCode::SEE_OTHER {
                audit(&s, v.addr, &user.username, None).await;
            }
            resp
        }
        Err(e) => refused(&s, &c, &chrome, visitor.addr, &e).await,
    };
    if let Some(v) = set_cookie(&c, cookie_name(&c), None, "Lax", None) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Logs and audits a refused callback, and says why on the sign-in page.
async fn refused(
    s: &AppState,
    c: &Cognito,
    chrome: &Chrome,
    addr: Option<IpAddr>,
    e: &OAuthError,
) -> Response {
    let (status, message) = explain(e);
    if status.is_server_error() {
        tracing::error!(error = %e, client = ?addr, "hosted-UI sign-in failed");
    } else {
        tracing::warn!(error = %e, client = ?addr, "hosted-UI sign-in refused");
    }
    audit(s, addr, "unknown", Some(e)).await;
    page(c, chrome, status, Some(&message))
}

/// The status and the user's message for a refused callback.
fn explain(e: &OAuthError) -> (StatusCode, String) {
    match e {
        OAuthError::Denied { error, description } => (
            StatusCode::UNAUTHORIZED,
            format!(
                "The sign-in was refused or cancelled at the identity provider ({error}{}).",
                description
                    .as_deref()
                    .map(|d| format!(": {}", d.chars().take(200).collect::<String>()))
                    .unwrap_or_default()
            ),
        ),
        OAuthError::NoPending => (
            StatusCode::BAD_REQUEST,
            "Your sign-in took too long or was started in another browser; sign in again.".into(),
        ),
        OAuthError::State | OAuthError::NoCode => (
            StatusCode::BAD_REQUEST,
            "This sign-in answer does not belong to the sign-in this browser started; sign in again."
                .into(),
        ),
        OAuthError::Grant(e)
            if matches!(
                e.as_str(),
                "invalid_client" | "unauthorized_client" | "unsupported_grant_type"
            ) =>
        {
            (
                StatusCode::BAD_GATEWAY,
                "The user pool refused this server's app client; an administrator must check its settings."
                    .into(),
            )
        }
        OAuthError::Grant(_) => (
            StatusCode::BAD_REQUEST,
            "The user pool did not accept the sign-in code (it may have expired or been used); sign in again."
                .into(),
        ),
        OAuthError::Token(TokenError::Jwks(_)) | OAuthError::Endpoint(_) => (
            StatusCode::BAD_GATEWAY,
            "The user pool could not be reached; try again later.".into(),
        ),
        OAuthError::Token(_) => (
            StatusCode::UNAUTHORIZED,
            "The user pool's answer could not be verified; sign in again.".into(),
        ),
        OAuthError::Randomness => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is not possible right now; try again in a minute.".into(),
        ),
    }
}

/// The audit row of a refused callback: who (the ID token's username, or "unknown"), from
/// where, why. A failure to write it is logged; the sign-in's answer stands. (A successful
/// one is audited where its session is stored, in `signin::signed_in`.)
async fn audit(s: &AppState, addr: Option<IpAddr>, username: &str, error: Option<&OAuthError>) {
    let mut detail = serde_json::json!({ "method": "oauth" });
    if let Some(e) = error {
        detail["reason"] = serde_json::Value::String(e.to_string());
    }
    let written = super::signin::audit(
        s,
        username,
        addr,
        AuditAction::SignInFailed,
        AuditOutcome::Failure,
        detail,
    )
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "writing the sign-in's audit row failed");
    }
}

/// What a sign-out answers once the session is gone: back to the sign-in page, or, when
/// the hosted UI has a `logout_uri`, a page that sends the browser through the hosted UI's
/// logout (which ends its own session, then returns to `logout_uri`). That hop is a
/// `Refresh` header and a link, not a redirect: the sign-out form's `form-action 'self'`
/// would block a redirect to another origin.
pub fn after_sign_out(c: &Cognito) -> Response {
    let Some(url) = c.hosted_ui.as_ref().and_then(HostedUi::logout_url) else {
        return Redirect::to("/signin").into_response();
    };
    let step = SignInStep::SignedOut {
        logout_url: url.clone(),
    };
    let html = render_with(&Chrome::default(), &step, None, &options(c));
    let mut resp = (StatusCode::OK, Html(html)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("0; url={url}")) {
        resp.headers_mut().insert(header::REFRESH, v);
    }
    resp
}
