//! Errors of the web layer: a status and a message for people. Internal details (database
//! errors) are logged, not shown.

use crate::store::{ChoiceError, ComplianceError, StoreError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rampart_app::model::Chrome;

#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
}

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => Self::not_found(e.to_string()),
            other => {
                tracing::error!(error = %other, "storage error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the database could not answer; the server log has the details",
                )
            }
        }
    }
}

impl From<ChoiceError> for WebError {
    fn from(e: ChoiceError) -> Self {
        match e {
            ChoiceError::UnknownAccount(_) | ChoiceError::UnknownTeam(_) => {
                Self::not_found(e.to_string())
            }
            ChoiceError::NotInTeam { .. } => Self::bad_request(e.to_string()),
        }
    }
}

impl From<ComplianceError> for WebError {
    fn from(e: ComplianceError) -> Self {
        match e {
            ComplianceError::Store(e) => e.into(),
            ComplianceError::Choice(e) => e.into(),
        }
    }
}

/// A `WebError` rendered as an HTML page.
#[derive(Debug)]
pub struct PageError(pub WebError, pub Chrome);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let html = rampart_app::pages::error(&self.1, self.0.status.as_u16(), &self.0.message);
        (self.0.status, Html(html)).into_response()
    }
}

/// A `WebError` rendered as JSON `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0.status,
            Json(serde_json::json!({ "error": self.0.message })),
        )
            .into_response()
    }
}
