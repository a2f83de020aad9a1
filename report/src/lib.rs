//! Compliance reports: [`ReportBuilder`] folds engine types (scan reports, the frameworks
//! catalogue, control evaluation) into a [`Report`]; [`html::render`] lays it out as one
//! self-contained HTML file and [`pdf::render`] typesets it with Typst (used as a library,
//! with the fonts of `typst-assets` compiled in, so the PDF is the same on every machine).
//!
//! A crate of its own so Typst's dependencies build only for the server binary and these
//! tests, never for the engine. Nothing here reads the database or the clock.

mod chart;
mod error;
pub mod html;
pub mod model;
pub mod pdf;

pub use error::ReportError;
pub use model::{
    AccountFold, AccountInput, AccountMeta, Limits, Mute, MuteNote, Report, ReportBuilder, Scope,
    ScopeKind, TrendPoint, build, build_with,
};
