//! Resource policies as collected, judged by the policy analyser: the part every
//! "policy not public" check shares (unreadable, absent, malformed, then the verdict).

use super::Outcome;
use crate::Status;
use crate::inventory::{Fetched, PolicyDocument};
use crate::policy::analysis::{Exposure, classify_statement};
use crate::policy::{Policy, parse_value};
use serde_json::json;

/// Judges a resource's policy: ERROR when it could not be read or parsed, PASS with `none`
/// when the resource has none, else `judge` on the parsed policy and its document.
pub(super) fn judge(
    kind: &'static str,
    arn: &str,
    what: &str,
    policy: &Fetched<Option<PolicyDocument>>,
    none: &str,
    judge: impl FnOnce(&Policy, &PolicyDocument) -> Outcome,
) -> Outcome {
    match policy {
        Err(e) => Outcome::error(kind, arn, what, e),
        Ok(None) => Outcome::pass(kind, arn, none).with_evidence(json!({"policy": null})),
        Ok(Some(doc)) => match parse_value(doc) {
            Err(e) => Outcome::new(
                Status::Error,
                kind,
                arn,
                format!("{what} could not be analysed: {e}"),
            )
            .with_evidence(json!({"path": e.path, "expected": e.expected, "found": e.found})),
            Ok(parsed) => judge(&parsed, doc),
        },
    }
}

/// The names of the statements of `policy` that anyone may use (no restricting condition).
pub(super) fn public_statements(policy: &Policy, owner: &str) -> Vec<String> {
    policy
        .statements
        .iter()
        .filter(|s| classify_statement(s, owner, false) == Exposure::Public)
        .map(|s| s.name())
        .collect()
}

/// PASS when no statement is public, else FAIL naming them; `subject` completes
/// "no statement of {subject} is open to everyone" and "anyone may use {thing} through ...".
pub(super) fn not_public(
    kind: &'static str,
    arn: &str,
    policy: &Policy,
    doc: &PolicyDocument,
    owner: &str,
    subject: &str,
    thing: &str,
) -> Outcome {
    let public = public_statements(policy, owner);
    Outcome::pass_if(
        public.is_empty(),
        kind,
        arn,
        if public.is_empty() {
            format!("no statement of {subject} is open to everyone")
        } else {
            format!("anyone may use {thing} through {}", public.join(", "))
        },
    )
    .with_evidence(json!({"public_statements": public, "policy": doc}))
}
