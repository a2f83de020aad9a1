//! Authentication: who is calling. Amazon Cognito issues the tokens; this module verifies
//! them ([`Verifier`]) and says who they name ([`Principal`]). It knows nothing of HTTP:
//! the web layer (`web::auth`) reads the `Authorization` header and calls [`Verifier`].
//!
//! The dashboard's sign-in form talks to the pool through [`IdentityProvider`]; a signed-in
//! browser holds a session ([`session`]) whose [`Principal`] was verified from the ID token;
//! roles are read from [`Principal::groups`] (`cognito:groups`). Pools that federate other
//! identity providers can sign users in through their hosted pages instead ([`oauth`]).

mod cognito;
mod jwks;
mod jwt;
pub mod oauth;
pub mod pending;
pub mod session;
#[cfg(test)]
mod tests;
pub mod throttle;

pub use cognito::{IdentityProvider, SignInError, Step, Tokens, secret_hash};
pub use jwt::{Verifier, VerifierOptions};
pub use session::SessionPolicy;

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// How requests are authenticated.
#[derive(Clone)]
pub enum Auth {
    /// Everyone is allowed: `rampart demo`, tests, and `rampart serve --insecure-no-auth`
    /// on loopback.
    Disabled,
    /// A Cognito access token (API) or a session (pages) is required.
    Cognito(Arc<Cognito>),
}

/// Everything sign-in with a Cognito user pool needs.
pub struct Cognito {
    pub verifier: Verifier,
    pub idp: IdentityProvider,
    pub policy: SessionPolicy,
    pub throttle: throttle::Throttle,
    pub pending: pending::PendingSignIns,
    /// Sign-in through the pool's hosted pages, when configured.
    pub hosted_ui: Option<oauth::HostedUi>,
    /// Hosted-UI sign-ins between the redirect and the callback.
    pub authorizations: pending::PendingMap<oauth::PendingAuthorization>,
    pub clock: Arc<dyn Clock>,
}

impl Cognito {
    pub fn new(verifier: Verifier, idp: IdentityProvider, policy: SessionPolicy) -> Self {
        Self {
            verifier,
            idp,
            policy,
            throttle: Default::default(),
            pending: Default::default(),
            hosted_ui: None,
            authorizations: Default::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same, offering sign-in through the pool's hosted pages too.
    pub fn with_hosted_ui(mut self, hosted_ui: oauth::HostedUi) -> Self {
        self.hosted_ui = Some(hosted_ui);
        self
    }

    /// Whether the username-and-password form is offered.
    pub fn password_sign_in(&self) -> bool {
        self.hosted_ui
            .as_ref()
            .is_none_or(oauth::HostedUi::password_sign_in)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

impl Auth {
    pub fn is_enabled(&self) -> bool {
        matches!(self, Auth::Cognito(_))
    }
}

/// The two kinds of Cognito tokens (the `token_use` claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenUse {
    /// Sent by API clients as `Authorization: Bearer …`; its audience is the `client_id`
    /// claim.
    Access,
    /// Describes the user to the client (email, …); its audience is the `aud` claim.
    Id,
}

impl TokenUse {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

/// A user whose token was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The user's stable id in the pool (`sub`).
    pub sub: String,
    /// `username` (access tokens) or `cognito:username` (ID tokens).
    pub username: String,
    /// `cognito:groups`; empty when the user is in no group.
    pub groups: Vec<String>,
    /// `email`, in ID tokens when the app client may read it.
    pub email: Option<String>,
    pub token_use: TokenUse,
    /// When the token expires (`exp`); a session must not outlive it.
    pub expires_at: DateTime<Utc>,
}

impl Principal {
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// Why a token was refused. Shown to operators in logs; HTTP clients only ever learn
/// "invalid token".
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is not a JWT (three base64url parts with a JSON header)")]
    Malformed,
    #[error("algorithm `{0}` is not accepted (RS256 only)")]
    Algorithm(String),
    #[error("the token header has no `kid`")]
    MissingKeyId,
    #[error("no key `{0}` in the user pool's JWKS")]
    UnknownKey(String),
    #[error("the signature does not match")]
    Signature,
    #[error("the claims are not those of a Cognito token: {0}")]
    Claims(String),
    #[error("issuer `{0}` is not the configured user pool")]
    Issuer(String),
    #[error("a `{found}` token was offered where an `{expected}` token is required")]
    TokenUse {
        expected: &'static str,
        found: String,
    },
    #[error("the token was issued to client `{0}`, not to this application")]
    Audience(String),
    #[error("the token expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("the token is not valid before {0}")]
    NotYetValid(DateTime<Utc>),
    #[error("the ID token's `nonce` is not the one this sign-in sent")]
    Nonce,
    #[error("fetching the user pool's JWKS: {0}")]
    Jwks(String),
}

/// The current time, injectable so tests can verify tokens at any instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
