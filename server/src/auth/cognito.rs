//! The calls of the sign-in flow to the Cognito user pool (`InitiateAuth` with
//! `USER_PASSWORD_AUTH`, the challenges, refresh and sign-out), with `SECRET_HASH` for
//! confidential app clients. It returns Cognito's answer as a [`Step`]; it does not verify
//! tokens (the caller does, with the [`Verifier`](super::Verifier)) nor know HTTP.

use aws_sdk_cognitoidentityprovider as cognito;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito::error::ProvideErrorMetadata;
use cognito::types::{AuthFlowType, AuthenticationResultType, ChallengeNameType};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Why a sign-in step failed. `Credentials` covers both a wrong password and an unknown
/// user, so that the form cannot tell them apart.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignInError {
    #[error("incorrect username or password")]
    Credentials,
    #[error("the code is not valid")]
    Code,
    #[error("the new password is not accepted: {0}")]
    Password(String),
    #[error("the sign-in took too long; start again")]
    Expired,
    #[error("the user pool asks for `{0}`, which this dashboard does not support")]
    Unsupported(String),
    #[error("the user pool could not be reached or refused the request: {0}")]
    Service(String),
}

/// Tokens of a completed sign-in or refresh.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub id: String,
    /// Absent after a refresh (the refresh token stays the same).
    pub refresh: Option<String>,
}

/// What the user pool answered.
#[derive(Debug, Clone)]
pub enum Step {
    Done(Tokens),
    /// `NEW_PASSWORD_REQUIRED` (a user created with a temporary password).
    NewPassword {
        session: String,
    },
    /// `MFA_SETUP`: the pool requires MFA and the user has no authenticator yet.
    MfaSetup {
        session: String,
    },
    /// `SOFTWARE_TOKEN_MFA`: a code from the user's authenticator app.
    Totp {
        session: String,
    },
}

/// The app client of the user pool that the sign-in form talks to.
pub struct IdentityProvider {
    client: cognito::Client,
    client_id: String,
    client_secret: Option<SecretString>,
}

/// `SECRET_HASH` = Base64(HMAC-SHA256(client secret, username + client id)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn classify<E: ProvideErrorMetadata + std::fmt::Debug>(e: E) -> SignInError {
    match e.code() {
        Some("NotAuthorizedException" | "UserNotFoundException") => SignInError::Credentials,
        Some("CodeMismatchException" | "EnableSoftwareTokenMFAException") => SignInError::Code,
        Some("InvalidPasswordException") => SignInError::Password(
            e.message()
                .unwrap_or("it does not meet the password policy")
                .to_owned(),
        ),
        Some("ExpiredCodeException") => SignInError::Expired,
        Some("ResourceNotFoundException") if e.message().is_some_and(|m| !m.is_empty()) => {
            // Cognito answers an unknown or expired challenge session this way.
            SignInError::Expired
        }
        Some(code) => SignInError::Service(code.to_owned()),
        None => SignInError::Service(format!("{e:?}")),
    }
}

fn tokens(r: Option<&AuthenticationResultType>) -> Result<Tokens, SignInError> {
    let r = r.ok_or_else(|| SignInError::Service("no tokens in the answer".into()))?;
    match (r.access_token(), r.id_token()) {
        (Some(access), Some(id)) => Ok(Tokens {
            access: access.to_owned(),
            id: id.to_owned(),
            refresh: r.refresh_token().map(str::to_owned),
        }),
        _ => Err(SignInError::Service(
            "the answer lacks the access or ID token".into(),
        )),
    }
}

fn step(
    challenge: Option<&ChallengeNameType>,
    session: Option<&str>,
    result: Option<&AuthenticationResultType>,
) -> Result<Step, SignInError> {
    let Some(challenge) = challenge else {
        return tokens(result).map(Step::Done);
    };
    let session = session
        .ok_or_else(|| SignInError::Service("a challenge without a session".into()))?
        .to_owned();
    match challenge {
        ChallengeNameType::NewPasswordRequired => Ok(Step::NewPassword { session }),
        ChallengeNameType::MfaSetup => Ok(Step::MfaSetup { session }),
        ChallengeNameType::SoftwareTokenMfa => Ok(Step::Totp { session }),
        other => Err(SignInError::Unsupported(other.as_str().to_owned())),
    }
}

impl IdentityProvider {
    pub fn new(
        client: cognito::Client,
        client_id: String,
        client_secret: Option<SecretString>,
    ) -> Self {
        Self {
            client,
            client_id,
            client_secret,
        }
    }

    fn hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash(s.expose_secret(), username, &self.client_id))
    }

    /// `InitiateAuth` with `USER_PASSWORD_AUTH`.
    #[tracing::instrument(skip_all)]
    pub async fn password(&self, username: &str, password: &str) -> Result<Step, SignInError> {
        let mut req = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(&self.client_id)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if let Some(h) = self.hash(username) {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(classify)?;
        step(
            out.challenge_name(),
            out.session(),
            out.authentication_result(),
        )
    }

    async fn respond(
        &self,
        challenge: ChallengeNameType,
        session: &str,
        username: &str,
        responses: &[(&str, &str)],
    ) -> Result<Step, SignInError> {
        let mut req = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(challenge)
            .session(session)
            .challenge_responses("USERNAME", username);
        for (k, v) in responses {
            req = req.challenge_responses(*k, *v);
        }
        if let Some(h) = self.hash(username) {
            req = req.challenge_responses("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(classify)?;
        step(
            out.challenge_name(),
            out.session(),
            out.authentication_result(),
        )
    }

    /// Answers `NEW_PASSWORD_REQUIRED`.
    #[tracing::instrument(skip_all)]
    pub async fn new_password(
        &self,
        session: &str,
        username: &str,
        new_password: &str,
    ) -> Result<Step, SignInError> {
        self.respond(
            ChallengeNameType::NewPasswordRequired,
            session,
            username,
            &[("NEW_PASSWORD", new_password)],
        )
        .await
    }

    /// `AssociateSoftwareToken` during `MFA_SETUP`: the TOTP secret and the next session.
    #[tracing::instrument(skip_all)]
    pub async fn associate_token(&self, session: &str) -> Result<(String, String), SignInError> {
        let out = self
            .client
            .associate_software_token()
            .session(session)
            .send()
            .await
            .map_err(classify)?;
        match out.secret_code() {
            Some(secret) => Ok((
                secret.to_owned(),
                out.session().unwrap_or(session).to_owned(),
            )),
            None => Err(SignInError::Service("no secret code in the answer".into())),
        }
    }

    /// `VerifySoftwareToken` then `RespondToAuthChallenge` `MFA_SETUP`.
    #[tracing::instrument(skip_all)]
    pub async fn finish_mfa_setup(
        &self,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<Step, SignInError> {
        let out = self
            .client
            .verify_software_token()
            .session(session)
            .user_code(code)
            .friendly_device_name("Rampart")
            .send()
            .await
            .map_err(classify)?;
        if out.status() != Some(&cognito::types::VerifySoftwareTokenResponseType::Success) {
            return Err(SignInError::Code);
        }
        let session = out.session().unwrap_or(session).to_owned();
        self.respond(ChallengeNameType::MfaSetup, &session, username, &[])
            .await
    }

    /// Answers `SOFTWARE_TOKEN_MFA`.
    #[tracing::instrument(skip_all)]
    pub async fn totp(
        &self,
        session: &str,
        username: &str,
        code: &str,
    ) -> Result<Step, SignInError> {
        self.respond(
            ChallengeNameType::SoftwareTokenMfa,
            session,
            username,
            &[("SOFTWARE_TOKEN_MFA_CODE", code)],
        )
        .await
    }

    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`. `username` is the one the session was
    /// created for (`SECRET_HASH` needs it).
    #[tracing::instrument(skip_all)]
    pub async fn refresh(
        &self,
        username: &str,
        refresh_token: &str,
    ) -> Result<Tokens, SignInError> {
        let mut req = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .client_id(&self.client_id)
            .auth_parameters("REFRESH_TOKEN", refresh_token);
        if let Some(h) = self.hash(username) {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await.map_err(classify)?;
        tokens(out.authentication_result())
    }

    /// Best-effort sign-out at the pool: `RevokeToken` on the refresh token (its access
    /// tokens stop working too), then `GlobalSignOut` with the access token. Failures are
    /// logged: the local session is deleted anyway.
    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self, refresh_token: &str, access_token: &str) {
        let mut revoke = self
            .client
            .revoke_token()
            .client_id(&self.client_id)
            .token(refresh_token);
        if let Some(secret) = &self.client_secret {
            revoke = revoke.client_secret(secret.expose_secret());
        }
        if let Err(e) = revoke.send().await {
            tracing::warn!(error = ?e.code(), "RevokeToken failed");
        }
        if let Err(e) = self
            .client
            .global_sign_out()
            .access_token(access_token)
            .send()
            .await
        {
            tracing::info!(error = ?e.code(), "GlobalSignOut failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_is_base64_hmac_sha256_of_username_and_client_id() {
        // Reference: python3 -c 'import hmac,hashlib,base64;print(base64.b64encode(
        //   hmac.new(b"s3cr3t", b"alice" + b"client123", hashlib.sha256).digest()).decode())'
        assert_eq!(
            secret_hash("s3cr3t", "alice", "client123"),
            "kOPeHzvKtscBvBM4zlIffwOT074cplXWBq9MCfoDa4k="
        );
    }
}
