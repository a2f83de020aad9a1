//! Rampart's dashboard: Leptos components and pages rendered on the server to HTML, with no
//! hydration and no script. Every page is a function of a view model ([`model`]) and the
//! page chrome; the server fills the models from storage and serves the same models as
//! JSON under `/api/`.

pub mod components;
pub mod model;
pub mod pages;
pub mod util;

/// The dashboard's stylesheet, served at `/static/rampart.css`.
pub const STYLESHEET: &str = include_str!("../../style/rampart.css");
