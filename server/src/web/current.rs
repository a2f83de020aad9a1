//! Who is asking: the [`CurrentAccess`] extractor, the one place handlers get the user's
//! [`Access`] from. The authentication middleware inserts an `Access` into the request
//! extensions; without authentication (`rampart demo`, loopback serving) every request has
//! full access.

use super::AppState;
use super::error::{PageError, WebError};
use crate::access::Access;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use rampart_app::model::Chrome;

/// The user of the unauthenticated dashboard, as the audit log names them.
pub const ANONYMOUS: &str = "anonymous";

/// The current request's access. When the app requires authentication
/// ([`AppState::auth_required`]) and no `Access` is in the request extensions, the request
/// is refused: 401 JSON under `/api/`, a 401 page elsewhere.
#[derive(Debug, Clone)]
pub struct CurrentAccess(pub Access);

impl FromRequestParts<AppState> for CurrentAccess {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(access) = parts.extensions.get::<Access>() {
            return Ok(CurrentAccess(access.clone()));
        }
        if !state.auth_required() {
            return Ok(CurrentAccess(Access::full(ANONYMOUS)));
        }
        let e = WebError::new(StatusCode::UNAUTHORIZED, "sign in to use Rampart");
        if parts.uri.path().starts_with("/api/") {
            return Err(super::error::ApiError(e).into_response());
        }
        let chrome = Chrome {
            demo: state.demo(),
            csrf: String::new(),
            path: parts.uri.path().to_owned(),
            user: None,
        };
        Err(PageError(e, chrome).into_response())
    }
}

/// The client's address, for the audit log (see [`super::client`]; absent when the server
/// was not started with connection info, e.g. in tests driving the router directly).
#[derive(Debug, Clone)]
pub struct SourceAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SourceAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SourceAddr(
            super::client::of(&parts.extensions)
                .addr
                .map(|ip| ip.to_string()),
        ))
    }
}

/// `Ok` when `allowed`, else 403 with `what` the user may not do.
pub fn require(allowed: bool, what: &str) -> Result<(), WebError> {
    if allowed {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::FORBIDDEN,
            format!("your role does not allow you to {what}"),
        ))
    }
}
