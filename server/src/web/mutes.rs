//! Mutes in the dashboard: the list (`/mutes` and `/api/mutes`), muting a finding or a check
//! of an account (POST `/mutes`), and unmuting (POST `/mutes/{id}/remove`). Analysts and
//! admins only, within their accounts: another team's account or mute is a 404, a viewer's
//! attempt a 403 with a `denied` audit row. Mutes kept in a file change only through the file.

use super::AppState;
use super::current::{CurrentAccess, SourceAddr};
use super::error::{ApiError, PageError, WebError};
use super::pages::PageChrome;
use crate::access::Access;
use crate::mutes::MuteForm;
use crate::store::{Actor, AuditAction, MuteSource};
use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, Redirect};
use rampart_app::model::{MuteInfo, MutesData};
use serde::Deserialize;

impl AppState {
    /// The mutes of the user's accounts, in force first, then expired.
    pub async fn mutes(&self, a: &Access) -> Result<MutesData, WebError> {
        let (mutes, accounts) = futures::try_join!(
            self.store().mutes(&a.scope),
            self.store().account_names(&a.scope)
        )?;
        let (active, expired) = mutes.into_iter().partition(|m| m.active);
        Ok(MutesData {
            active,
            expired,
            accounts,
            can_mute: a.can_mute(),
        })
    }

    /// Mutes what `form` describes, in an account `a` may see and mute; audited.
    pub async fn mute(
        &self,
        a: &Access,
        source: Option<String>,
        form: &MuteForm,
    ) -> Result<MuteInfo, WebError> {
        let account = self
            .store()
            .visible_account(form.account.trim(), &a.scope)
            .await?;
        self.authorize(
            a.can_mute(),
            a,
            source.clone(),
            AuditAction::MuteCreated,
            &account.id,
        )
        .await?;
        let new = form
            .validate(self.store().now())
            .map_err(|e| WebError::bad_request(format!("nothing was muted: {e}")))?;
        let actor = Actor {
            name: a.user.clone(),
            source,
        };
        Ok(self
            .store()
            .create_mute(&new, MuteSource::Ui, &actor)
            .await?)
    }

    /// Removes mute `id` of an account `a` may see and mute; audited.
    pub async fn unmute(
        &self,
        a: &Access,
        source: Option<String>,
        id: i64,
    ) -> Result<MuteInfo, WebError> {
        let m = self.store().mute(id, &a.scope).await?;
        self.authorize(
            a.can_mute(),
            a,
            source.clone(),
            AuditAction::MuteRemoved,
            &m.account_id,
        )
        .await?;
        if m.source == MuteSource::File.as_str() {
            return Err(WebError::new(
                StatusCode::CONFLICT,
                format!(
                    "mute {id} is kept in a mutes file: remove it there and run `rampart mutes apply`"
                ),
            ));
        }
        let actor = Actor {
            name: a.user.clone(),
            source,
        };
        Ok(self.store().remove_mute(id, &a.scope, &actor).await?)
    }
}

/// The mute form as posted (every field optional, so a missing one gets a clear message).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MutePost {
    account: String,
    check: String,
    resource: String,
    reason: String,
    owner: String,
    expires: String,
    /// Where to go next (a path of this site; else `/mutes`).
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextPost {
    next: String,
}

/// `next` when it is a path of this site, else `/mutes`.
fn local(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next } else { "/mutes" }
}

pub async fn list(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
) -> Result<Html<String>, PageError> {
    let data = s.mutes(&a).await.map_err(|e| PageError(e, c.clone()))?;
    Ok(Html(rampart_app::pages::mutes::render(&c, data)))
}

pub async fn api_list(
    State(s): State<AppState>,
    CurrentAccess(a): CurrentAccess,
) -> Result<Json<MutesData>, ApiError> {
    Ok(Json(s.mutes(&a).await?))
}

pub async fn create(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Form(p): Form<MutePost>,
) -> Result<Redirect, PageError> {
    let form = MuteForm {
        account: p.account,
        check: p.check,
        resource: Some(p.resource),
        reason: p.reason,
        owner: p.owner,
        expires: p.expires,
    };
    s.mute(&a, source, &form)
        .await
        .map_err(|e| PageError(e, c))?;
    Ok(Redirect::to(local(&p.next)))
}

pub async fn remove(
    State(s): State<AppState>,
    PageChrome(c): PageChrome,
    CurrentAccess(a): CurrentAccess,
    SourceAddr(source): SourceAddr,
    Path(id): Path<i64>,
    Form(p): Form<NextPost>,
) -> Result<Redirect, PageError> {
    s.unmute(&a, source, id)
        .await
        .map_err(|e| PageError(e, c))?;
    Ok(Redirect::to(local(&p.next)))
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_paths_of_this_site_are_followed_after_a_post() {
        assert_eq!(local("/findings/12"), "/findings/12");
        assert_eq!(
            local("/findings?account=1&check=x"),
            "/findings?account=1&check=x"
        );
        for bad in [
            "",
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/a\nb",
        ] {
            assert_eq!(local(bad), "/mutes", "{bad:?}");
        }
    }
}
