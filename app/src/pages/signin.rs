//! The sign-in form and its challenge steps (new password, authenticator set-up, code).
//! Plain HTML forms posting to the same origin; the server keeps Cognito's session. With
//! the pool's hosted sign-in configured, the first page also offers a plain link to it
//! (a link, not a form: the CSP's `form-action 'self'` would block a form whose answer
//! redirects to another origin).

use crate::components::shell;
use crate::model::Chrome;
use leptos::prelude::*;

/// Which form to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Username and password.
    Password,
    /// The user pool requires a new password (first sign-in with a temporary one).
    NewPassword,
    /// The pool requires MFA: the TOTP secret, its QR code (an SVG rendered by the server)
    /// and a code field.
    MfaSetup { secret: String, qr_svg: String },
    /// A code from the authenticator app.
    Totp,
    /// Signed out of Rampart, on the way to the hosted sign-in's logout (`logout_url`),
    /// which ends its own session too.
    SignedOut { logout_url: String },
}

/// What the first sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInOptions {
    /// The username and password form.
    pub password: bool,
    /// A link to the pool's hosted sign-in, labelled "Sign in with <this>".
    pub hosted_ui: Option<String>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            password: true,
            hosted_ui: None,
        }
    }
}

/// The whole page for `step`, with an error from the previous attempt if any.
pub fn render(chrome: &Chrome, step: &SignInStep, error: Option<&str>) -> String {
    render_with(chrome, step, error, &SignInOptions::default())
}

/// [`render`], the first step offering what `options` says.
pub fn render_with(
    chrome: &Chrome,
    step: &SignInStep,
    error: Option<&str>,
    options: &SignInOptions,
) -> String {
    let csrf = chrome.csrf.clone();
    let error = error.map(|e| view! { <p class="notice error" role="alert">{e.to_owned()}</p> });
    let (title, form) = match step {
        SignInStep::Password => {
            let hosted = options.hosted_ui.clone().map(|label| {
                view! {
                    <p><a class="button" href="/signin/oauth">{format!("Sign in with {label}")}</a></p>
                }
            });
            let password = options.password.then(|| {
                view! {
                    <form method="post" action="/signin">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <label>"Username"<input type="text" name="username" autocomplete="username" required=true autofocus=true/></label>
                        <label>"Password"<input type="password" name="password" autocomplete="current-password" required=true/></label>
                        <button type="submit">"Sign in"</button>
                    </form>
                }
            });
            ("Sign in", view! { {hosted} {password} }.into_any())
        }
        SignInStep::NewPassword => (
            "Choose a new password",
            view! {
                <p>"Your password was temporary: choose a new one to continue."</p>
                <form method="post" action="/signin/new-password">
                    <input type="hidden" name="csrf" value=csrf/>
                    <label>"New password"<input type="password" name="password" autocomplete="new-password" required=true autofocus=true/></label>
                    <label>"Repeat it"<input type="password" name="confirm" autocomplete="new-password" required=true/></label>
                    <button type="submit">"Set password"</button>
                </form>
            }
            .into_any(),
        ),
        SignInStep::MfaSetup { secret, qr_svg } => (
            "Set up your authenticator",
            view! {
                <p>"This dashboard requires a one-time code at sign-in. Scan the code with an authenticator app, or enter the key by hand, then type the 6-digit code it shows."</p>
                <div class="qr" inner_html=qr_svg.clone()></div>
                <p>"Key: "<code class="secret">{secret.clone()}</code></p>
                <form method="post" action="/signin/mfa-setup">
                    <input type="hidden" name="csrf" value=csrf/>
                    <label>"Code"<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required=true autofocus=true/></label>
                    <button type="submit">"Verify"</button>
                </form>
            }
            .into_any(),
        ),
        SignInStep::Totp => (
            "Enter your code",
            view! {
                <p>"Type the 6-digit code of your authenticator app."</p>
                <form method="post" action="/signin/mfa">
                    <input type="hidden" name="csrf" value=csrf/>
                    <label>"Code"<input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required=true autofocus=true/></label>
                    <button type="submit">"Verify"</button>
                </form>
            }
            .into_any(),
        ),
        SignInStep::SignedOut { logout_url } => (
            "Signed out",
            view! {
                <p>"You are signed out of Rampart. Signing you out of the sign-in page too…"</p>
                <p><a class="button" href=logout_url.clone()>"Continue"</a></p>
            }
            .into_any(),
        ),
    };
    let restart = (!matches!(step, SignInStep::Password | SignInStep::SignedOut { .. }))
        .then(|| view! { <p><a href="/signin">"Start again"</a></p> });
    let body = view! {
        <section class="signin">
            <h1>{title}</h1>
            {error}
            {form}
            {restart}
        </section>
    }
    .into_any();
    shell(title, chrome, body, None)
}
