//! One module per page; each `render` returns the whole HTML document.

pub mod account;
pub mod audit;
pub mod compliance;
pub mod findings;
pub mod mutes;
pub mod overview;
pub mod principals;
pub mod scans;
pub mod signin;

use crate::components::shell;
use crate::model::{Chrome, ImportResult};
use leptos::prelude::*;

/// The import form (snapshot upload), with the outcome of a previous upload if any.
pub fn import(chrome: &Chrome, outcome: Option<Result<ImportResult, String>>) -> String {
    let outcome = outcome.map(|o| match o {
        Ok(r) => {
            let href = format!("/scans/{}", r.scan_id);
            view! {
                <div class="notice ok" role="status">
                    {format!("Imported: account {} now has scan #{} with {} findings. ", r.account_id, r.scan_id, r.findings)}
                    <a href=href>"Open the scan"</a>
                </div>
            }
            .into_any()
        }
        Err(e) => view! { <div class="notice error" role="alert">{format!("Nothing was imported: {e}")}</div> }.into_any(),
    });
    let body = view! {
        <div class="page-head"><h1>"Import a snapshot"</h1></div>
        {outcome}
        <p>"Upload an inventory snapshot saved by "<code>"rampart scan --snapshot FILE"</code>" (or use "<code>"rampart import FILE"</code>"). It becomes a scan of its account, evaluated by the current checks. A malformed or foreign file is refused and changes nothing."</p>
        <form method="post" action="/import" enctype="multipart/form-data" class="upload">
            <input type="hidden" name="csrf" value=chrome.csrf.clone()/>
            <input type="file" name="snapshot" accept=".json,application/json" required=true/>
            <button type="submit">"Import"</button>
        </form>
    }
    .into_any();
    shell("Import", chrome, body, None)
}

/// An error page: what went wrong, for people.
pub fn error(chrome: &Chrome, status: u16, message: &str) -> String {
    let title = match status {
        400 => "Bad request",
        401 => "Sign-in required",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        _ => "Something went wrong",
    };
    let body = view! {
        <div class="page-head"><h1>{title}</h1></div>
        <p class="notice error">{message.to_owned()}</p>
        <p><a href="/">"Back to the overview"</a></p>
    }
    .into_any();
    shell(title, chrome, body, None)
}
