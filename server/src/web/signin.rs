//! The sign-in form and its challenge steps, and sign-out. Each step is a plain form; the
//! Cognito `Session` of a challenge stays server-side in
//! [`PendingSignIns`](crate::auth::pending::PendingSignIns), found through a short-lived
//! random cookie. Wrong password and unknown user get one answer; attempts are throttled
//! per username and per client address.

use super::AppState;
use super::pages::PageChrome;
use super::session::{cookie, current, session_cookie, set_cookie};
use crate::auth::pending::{Challenge, Pending};
use crate::auth::session::{hash_id, new_id};
use crate::auth::throttle::{keys, user_key};
use crate::auth::{Auth, Cognito, SignInError, Step, Tokens};
use crate::store::{AuditAction, AuditEntry, AuditOutcome, SessionRecord, StoreError};
use axum::Form;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rampart_app::model::Chrome;
use rampart_app::pages::signin::{SignInStep, render};
use serde::Deserialize;
use std::net::IpAddr;
use std::sync::Arc;

/// The generic answer to a wrong password and to an unknown user alike.
pub const BAD_CREDENTIALS: &str = "Incorrect username or password.";
const EXPIRED: &str = "Your sign-in took too long or was interrupted; sign in again.";

/// Who is signing in: the client's address, and the page they asked for before being sent
/// to sign in (the [`NEXT_COOKIE`], only ever a path on this server).
pub struct Visitor {
    pub addr: Option<IpAddr>,
    pub next: Option<String>,
    /// How they sign in, for the audit log: `password` (this form) or `oauth`.
    pub method: &'static str,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let next = cookie(&parts.headers, NEXT_COOKIE)
            .map(|v| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .filter(|p| local_path(p));
        Ok(Visitor {
            addr: super::client::of(&parts.extensions).addr,
            next,
            method: "password",
        })
    }
}

/// The cookie holding the page to return to after sign-in.
pub const NEXT_COOKIE: &str = "rampart_next";

/// A path on this server (never `//host`, `/\\host` or a URL of another origin), so a
/// planted return address cannot send the user elsewhere.
pub fn local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.chars().any(|c| c.is_control() || c == '\\')
        && !p.starts_with("/signin")
        && p.len() <= 2048
}

/// Appends a sign-in event to the audit log. `actor` is the username as typed (cut to a
/// sane length, "unknown" when empty); `detail` never holds a password, code or token.
pub(super) async fn audit(
    s: &AppState,
    actor: &str,
    addr: Option<IpAddr>,
    action: AuditAction,
    outcome: AuditOutcome,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    let actor = match actor.char_indices().nth(MAX_AUDITED_NAME) {
        Some((cut, _)) => &actor[..cut],
        None => actor,
    };
    let actor = if actor.is_empty() { "unknown" } else { actor };
    let entry = AuditEntry {
        actor: actor.to_owned(),
        source: addr.map(|a| a.to_string()),
        action,
        target: actor.to_owned(),
        detail,
        outcome,
    };
    s.store().audit(&entry).await.map(|_| ())
}

/// Usernames are at most 128 characters in Cognito; anything typed beyond is cut.
const MAX_AUDITED_NAME: usize = 128;

fn cognito(s: &AppState) -> Option<Arc<Cognito>> {
    match s.auth() {
        Auth::Cognito(c) => Some(c.clone()),
        Auth::Disabled => None,
    }
}

fn pending_cookie_name(c: &Cognito) -> &'static str {
    if c.policy.secure_cookie {
        "__Host-rampart_signin"
    } else {
        "rampart_signin"
    }
}

fn page(chrome: &Chrome, status: StatusCode, step: &SignInStep, error: Option<&str>) -> Response {
    (status, Html(render(chrome, step, error))).into_response()
}

fn no_sign_in() -> Response {
    (
        StatusCode::NOT_FOUND,
        "sign-in is not configured on this server",
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    username: String,
    password: String,
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    password: String,
    confirm: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// `GET /signin`.
pub async fn form(State(s): State<AppState>, PageChrome(chrome): PageChrome) -> Response {
    let Some(c) = cognito(&s) else {
        return Redirect::to("/").into_response();
    };
    super::oauth::page(&c, &chrome, StatusCode::OK, None)
}

/// `POST /signin`: the password.
pub async fn password(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    v: Visitor,
    Form(f): Form<PasswordForm>,
) -> Response {
    let Some(c) = cognito(&s) else {
        return no_sign_in();
    };
    if !c.password_sign_in() {
        return super::oauth::password_off(&c, &chrome);
    }
    let username = f.username.trim().to_owned();
    let keys = keys(&username, v.addr);
    wait(&c, &keys).await;
    let result = if username.is_empty() || f.password.is_empty() {
        Err(SignInError::Credentials)
    } else {
        c.idp.password(&username, &f.password).await
    };
    match result {
        Ok(step) => {
            c.throttle.succeeded(&user_key(&username));
            advance(&s, &c, &chrome, &v, None, username, step).await
        }
        Err(SignInError::Credentials) => {
            c.throttle.failed(&keys, c.now());
            tracing::info!(client = ?v.addr, "sign-in refused");
            let detail = serde_json::json!({ "method": "password", "step": "password" });
            if let Err(e) = audit(
                &s,
                &username,
                v.addr,
                AuditAction::SignInFailed,
                AuditOutcome::Failure,
                detail,
            )
            .await
            {
                return super::error::PageError(e.into(), chrome).into_response();
            }
            page(
                &chrome,
                StatusCode::UNAUTHORIZED,
                &SignInStep::Password,
                Some(BAD_CREDENTIALS),
            )
        }
        Err(e) => failed(&chrome, &SignInStep::Password, &e),
    }
}

async fn wait(c: &Cognito, keys: &[String]) {
    let delay = c.throttle.delay(keys, c.now());
    if !delay.is_zero() {
        tracing::info!(delay_s = delay.as_secs(), "sign-in throttled");
        tokio::time::sleep(delay).await;
    }
}

fn failed(chrome: &Chrome, step: &SignInStep, e: &SignInError) -> Response {
    let status = match e {
        SignInError::Service(_) => {
            tracing::error!(error = %e, "sign-in failed");
            StatusCode::BAD_GATEWAY
        }
        SignInError::Unsupported(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    let message = match e {
        SignInError::Service(_) => {
            "The user pool could not be reached; try again later.".to_owned()
        }
        other => {
            let mut m = other.to_string();
            if let Some(first) = m.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{m}.")
        }
    };
    page(chrome, status, step, Some(&message))
}

/// The pending sign-in of the request, if it waits on a challenge of this kind.
fn pending(
    c: &Cognito,
    headers: &HeaderMap,
    want: fn(&Challenge) -> bool,
) -> Option<(String, Pending)> {
    let id = cookie(headers, pending_cookie_name(c))?;
    let p = c.pending.get(id, c.now())?;
    want(&p.challenge).then(|| (id.to_owned(), p))
}

fn restart(chrome: &Chrome) -> Response {
    page(
        chrome,
        StatusCode::BAD_REQUEST,
        &SignInStep::Password,
        Some(EXPIRED),
    )
}

/// What to do with the pool's answer: the next form, or a session.
async fn advance(
    s: &AppState,
    c: &Cognito,
    chrome: &Chrome,
    v: &Visitor,
    pending_id: Option<String>,
    username: String,
    step: Step,
) -> Response {
    let (session, challenge, to) = match step {
        Step::Done(tokens) => {
            return signed_in(s, c, chrome, v, pending_id, &username, tokens).await;
        }
        Step::NewPassword { session } => (session, Challenge::NewPassword, "/signin/new-password"),
        Step::Totp { session } => (session, Challenge::Totp, "/signin/mfa"),
        Step::MfaSetup { session } => match c.idp.associate_token(&session).await {
            Ok((secret, session)) => (session, Challenge::MfaSetup { secret }, "/signin/mfa-setup"),
            Err(e) => return failed(chrome, &SignInStep::Password, &e),
        },
    };
    let mut resp = Redirect::to(to).into_response();
    match pending_id {
        Some(id) => c.pending.update(&id, session, challenge),
        None => {
            let now = c.now();
            let p = Pending {
                username,
                session,
                challenge,
                expires_at: now + c.policy.pending,
            };
            let Some(id) = c.pending.insert(p, now) else {
                return failed(
                    chrome,
                    &SignInStep::Password,
                    &SignInError::Service("too many sign-ins in progress".into()),
                );
            };
            let max_age = c.policy.pending.num_seconds();
            if let Some(v) = set_cookie(
                c,
                pending_cookie_name(c),
                Some(&id),
                "Strict",
                Some(max_age),
            ) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    resp
}

/// Verifies the tokens, stores a session, sets its cookie and goes to the overview (for the
/// password form and the hosted UI's callback alike).
pub(super) async fn signed_in(
    s: &AppState,
    c: &Cognito,
    chrome: &Chrome,
    v: &Visitor,
    pending_id: Option<String>,
    username: &str,
    tokens: Tokens,
) -> Response {
    if let Some(id) = &pending_id {
        c.pending.remove(id);
    }
    let verified = futures::try_join!(
        c.verifier.verify_id(&tokens.id),
        c.verifier.verify_access(&tokens.access)
    );
    let (id_user, access) = match verified {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "the pool's tokens did not verify");
            return failed(
                chrome,
                &SignInStep::Password,
                &SignInError::Service("tokens did not verify".into()),
            );
        }
    };
    let (Some(refresh), Some(session_id)) = (tokens.refresh, new_id()) else {
        return failed(
            chrome,
            &SignInStep::Password,
            &SignInError::Service("no refresh token or no randomness".into()),
        );
    };
    let now = c.now();
    let record = SessionRecord {
        id_hash: hash_id(&session_id),
        sub: id_user.sub,
        username: id_user.username,
        email: id_user.email,
        groups: id_user.groups,
        refresh_token: refresh,
        access_token: tokens.access,
        access_expires_at: access.expires_at,
        created_at: now,
        last_seen_at: now,
    };
    let detail = serde_json::json!({ "method": v.method, "groups": record.groups });
    let stored = match s.store().create_session(&record).await {
        Ok(()) => {
            audit(
                s,
                &record.username,
                v.addr,
                AuditAction::SignIn,
                AuditOutcome::Success,
                detail,
            )
            .await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = stored {
        return super::error::PageError(e.into(), chrome.clone()).into_response();
    }
    tracing::info!(user = %username, "signed in");
    let mut resp = Redirect::to(v.next.as_deref().unwrap_or("/")).into_response();
    let headers = resp.headers_mut();
    if v.next.is_some()
        && let Some(v) = set_cookie(c, NEXT_COOKIE, None, "Lax", None)
    {
        headers.append(header::SET_COOKIE, v);
    }
    if let Some(v) = session_cookie(c, Some(&session_id)) {
        headers.append(header::SET_COOKIE, v);
    }
    if pending_id.is_some()
        && let Some(v) = set_cookie(c, pending_cookie_name(c), None, "Strict", None)
    {
        headers.append(header::SET_COOKIE, v);
    }
    resp
}

/// `GET /signin/new-password`, `/signin/mfa-setup`, `/signin/mfa`.
pub async fn new_password_form(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
) -> Response {
    step_form(&s, &chrome, &headers, |ch| {
        matches!(ch, Challenge::NewPassword)
    })
}

pub async fn mfa_setup_form(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
) -> Response {
    step_form(&s, &chrome, &headers, |ch| {
        matches!(ch, Challenge::MfaSetup { .. })
    })
}

pub async fn mfa_form(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
) -> Response {
    step_form(&s, &chrome, &headers, |ch| matches!(ch, Challenge::Totp))
}

fn step_form(
    s: &AppState,
    chrome: &Chrome,
    headers: &HeaderMap,
    want: fn(&Challenge) -> bool,
) -> Response {
    let Some(c) = cognito(s) else {
        return no_sign_in();
    };
    match pending(&c, headers, want) {
        Some((_, p)) => page(chrome, StatusCode::OK, &view_of(&p), None),
        None => Redirect::to("/signin").into_response(),
    }
}

fn view_of(p: &Pending) -> SignInStep {
    match &p.challenge {
        Challenge::NewPassword => SignInStep::NewPassword,
        Challenge::Totp => SignInStep::Totp,
        Challenge::MfaSetup { secret } => SignInStep::MfaSetup {
            secret: secret.clone(),
            qr_svg: qr_svg(&p.username, secret),
        },
    }
}

/// The `otpauth://` URI of the secret as an inline SVG QR code (empty if it cannot be
/// encoded; the key is shown as text anyway).
pub fn qr_svg(username: &str, secret: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let uri = format!(
        "otpauth://totp/Rampart:{}?secret={}&issuer=Rampart",
        utf8_percent_encode(username, NON_ALPHANUMERIC),
        utf8_percent_encode(secret, NON_ALPHANUMERIC)
    );
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build();
            // Inline in HTML: without the XML declaration.
            match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => String::new(),
            }
        }
        Err(_) => String::new(),
    }
}

/// `POST /signin/new-password`.
pub async fn new_password(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
    v: Visitor,
    Form(f): Form<NewPasswordForm>,
) -> Response {
    let Some(c) = cognito(&s) else {
        return no_sign_in();
    };
    let Some((id, p)) = pending(&c, &headers, |ch| matches!(ch, Challenge::NewPassword)) else {
        return restart(&chrome);
    };
    if f.password != f.confirm {
        return page(
            &chrome,
            StatusCode::BAD_REQUEST,
            &SignInStep::NewPassword,
            Some("The two passwords differ."),
        );
    }
    match c
        .idp
        .new_password(&p.session, &p.username, &f.password)
        .await
    {
        Ok(step) => advance(&s, &c, &chrome, &v, Some(id), p.username, step).await,
        Err(SignInError::Credentials | SignInError::Expired) => {
            c.pending.remove(&id);
            restart(&chrome)
        }
        Err(e) => failed(&chrome, &SignInStep::NewPassword, &e),
    }
}

/// `POST /signin/mfa-setup`: the first code of the new authenticator.
pub async fn mfa_setup(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
    v: Visitor,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some(c) = cognito(&s) else {
        return no_sign_in();
    };
    let Some((id, p)) = pending(&c, &headers, |ch| matches!(ch, Challenge::MfaSetup { .. })) else {
        return restart(&chrome);
    };
    let keys = keys(&p.username, v.addr);
    wait(&c, &keys).await;
    let result = c
        .idp
        .finish_mfa_setup(&p.session, &p.username, f.code.trim())
        .await;
    code_result(&s, &c, &chrome, &v, id, p, result).await
}

/// `POST /signin/mfa`: a code of the authenticator.
pub async fn mfa(
    State(s): State<AppState>,
    PageChrome(chrome): PageChrome,
    headers: HeaderMap,
    v: Visitor,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some(c) = cognito(&s) else {
        return no_sign_in();
    };
    let Some((id, p)) = pending(&c, &headers, |ch| matches!(ch, Challenge::Totp)) else {
        return restart(&chrome);
    };
    let keys = keys(&p.username, v.addr);
    wait(&c, &keys).await;
    let result = c.idp.totp(&p.session, &p.username, f.code.trim()).await;
    code_result(&s, &c, &chrome, &v, id, p, result).await
}

async fn code_result(
    s: &AppState,
    c: &Cognito,
    chrome: &Chrome,
    v: &Visitor,
    id: String,
    p: Pending,
    result: Result<Step, SignInError>,
) -> Response {
    match result {
        Ok(step) => advance(s, c, chrome, v, Some(id), p.username, step).await,
        Err(SignInError::Code) => {
            c.throttle.failed(&keys(&p.username, v.addr), c.now());
            let detail = serde_json::json!({ "method": "password", "step": "mfa" });
            if let Err(e) = audit(
                s,
                &p.username,
                v.addr,
                AuditAction::SignInFailed,
                AuditOutcome::Failure,
                detail,
            )
            .await
            {
                return super::error::PageError(e.into(), chrome.clone()).into_response();
            }
            page(
                chrome,
                StatusCode::UNAUTHORIZED,
                &view_of(&p),
                Some("The code is not valid; try the next one."),
            )
        }
        Err(SignInError::Credentials | SignInError::Expired) => {
            c.pending.remove(&id);
            restart(chrome)
        }
        Err(e) => failed(chrome, &view_of(&p), &e),
    }
}

/// `POST /signout`: revokes the refresh token at the pool (best effort), deletes the
/// session and its cookie.
pub async fn sign_out(State(s): State<AppState>, headers: HeaderMap, v: Visitor) -> Response {
    let Some(c) = cognito(&s) else {
        return Redirect::to("/").into_response();
    };
    let session = match current(&s, &c, &headers).await {
        Ok(v) => v,
        Err(e) => return super::error::ApiError(e.into()).into_response(),
    };
    if let Some((hash, principal)) = session {
        if let Ok(Some(record)) = s.store().session(&hash).await {
            c.idp
                .sign_out(&record.refresh_token, &record.access_token)
                .await;
        }
        let deleted = match s.store().delete_session(&hash).await {
            Ok(_) => {
                let detail = serde_json::json!({});
                audit(
                    &s,
                    &principal.username,
                    v.addr,
                    AuditAction::SignOut,
                    AuditOutcome::Success,
                    detail,
                )
                .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = deleted {
            return super::error::ApiError(e.into()).into_response();
        }
    }
    let mut resp = super::oauth::after_sign_out(&c);
    if let Some(v) = session_cookie(&c, None) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authenticator_qr_code_is_an_inline_svg_without_xml_declaration() {
        let svg = qr_svg("alice@example.com", "JBSWY3DPEHPK3PXP");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("<path") && !svg.contains("<?xml") && !svg.contains("style="));
        assert_ne!(svg, qr_svg("bob", "JBSWY3DPEHPK3PXP"));
    }
}
