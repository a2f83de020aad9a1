//! Bearer authentication of the JSON API: when Cognito is configured, every `/api/*`
//! request carries `Authorization: Bearer <access token>`; the verified
//! [`Principal`](crate::auth::Principal) is put in the request's extensions, so handlers
//! take it with `Extension<Principal>`. Clients only learn "invalid token"; the reason is
//! logged.

use super::AppState;
use crate::auth::{Auth, TokenError};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware in front of `/api/*`.
pub async fn require_bearer(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let Auth::Cognito(cognito) = s.auth() else {
        return next.run(req).await;
    };
    let Some(token) = bearer_token(req.headers()) else {
        return unauthorized(None);
    };
    match cognito.verifier.verify_access(token).await {
        Ok(principal) => {
            // What the user may see and do follows their Cognito groups; no role group, no access.
            let Some(access) =
                crate::access::Access::from_groups(&principal.username, &principal.groups)
            else {
                tracing::info!(user = %principal.username, "no Rampart role group");
                return forbidden();
            };
            req.extensions_mut().insert(access);
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(e @ TokenError::Jwks(_)) => {
            tracing::error!(error = %e, "cannot verify tokens");
            unauthorized(Some("invalid_token"))
        }
        Err(e) => {
            tracing::info!(error = %e, "token refused");
            unauthorized(Some("invalid_token"))
        }
    }
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// 401 with a `WWW-Authenticate` challenge (RFC 6750 §3: no error code when the request
/// had no token at all).
fn unauthorized(error: Option<&'static str>) -> Response {
    let (challenge, message) = match error {
        Some(code) => (
            format!("Bearer realm=\"rampart\", error=\"{code}\""),
            "invalid token",
        ),
        None => (
            "Bearer realm=\"rampart\"".to_owned(),
            "authentication required: send `Authorization: Bearer <Cognito access token>`",
        ),
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(serde_json::json!({ "error": message })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// A verified user without any Rampart role.
fn forbidden() -> Response {
    (
        axum::http::StatusCode::FORBIDDEN,
        axum::Json(serde_json::json!({"error": "no Rampart role: ask an administrator for a rampart-* group"})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_token_is_read_from_the_authorization_header() {
        let token = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
            bearer_token(&h).map(str::to_owned)
        };
        assert_eq!(token("Bearer abc.def.ghi").as_deref(), Some("abc.def.ghi"));
        assert_eq!(token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("Basic dXNlcjpwYXNz"), None);
        assert_eq!(token("Bearer "), None);
        assert_eq!(token("Bearer"), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
