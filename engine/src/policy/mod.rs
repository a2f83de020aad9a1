//! The IAM policy language: parser, typed model, canonical printer, condition operators,
//! policy variables and the authorisation evaluator.
//!
//! This is the engine's judge of what a policy *means*. Checks and analyses (admin
//! detection, privilege escalation, public access) ask it questions instead of reading
//! policy JSON by hand: [`parse_policy`] turns a document (raw or URL-encoded, as IAM
//! returns it) into a [`Policy`]; [`evaluate`] decides one [`Request`] against a
//! [`PolicySet`] the way AWS documents its evaluation logic; the [`Statement`] methods
//! (`matches_action`, `matches_resource`, `principal_matches`, `conditions_hold`) and
//! [`ConditionClause::is_satisfied`] answer narrower questions.
//!
//! Policies are untrusted text: nothing here panics, every rejection is a [`PolicyError`]
//! naming the place in the document, and wildcard matching cannot backtrack exponentially.
//! Pure: no AWS calls, no clock. The behaviour is pinned by the JSON corpus in
//! `engine/tests/data/policy-vectors/` (format in its `README.md`), run by one test here.

pub mod analysis;
pub mod catalog;
mod condition;
mod context;
mod error;
mod eval;
mod matching;
mod model;
mod parse;
mod print;
mod request;
mod variables;
pub mod wildcard;

#[cfg(test)]
mod tests;

pub use context::Context;
pub use error::PolicyError;
pub use eval::{Decision, Labelled, Layer, Outcome, PolicySet, StatementRef, evaluate};
pub use matching::MatchStrength;
pub use model::{
    ActionSpec, ConditionClause, Effect, Operator, OperatorFamily, Policy, PrincipalSpec,
    PrincipalType, Principals, ResourceSpec, SetQualifier, Statement, Version,
};
pub use parse::{decode, parse_policy, parse_value};
pub use print::print;
pub use request::{Principal, PrincipalKind, Request};
pub use variables::has_variables;
pub use wildcard::{matches_action, matches_resource};
