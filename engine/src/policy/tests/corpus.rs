//! The harness of the test-vector corpus: every `*.json` file of
//! `engine/tests/data/policy-vectors/` (format in that folder's `README.md`), every case
//! evaluated, every failure reported by file and case name.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::super::*;

/// The smallest corpus the harness accepts, so that a lost folder cannot pass silently.
const MIN_CASES: usize = 80;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policy-vectors")
}

#[test]
fn every_policy_vector_gives_its_expected_decision() {
    let dir = corpus_dir();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("reading `{}`: {e}", dir.display()),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in &files {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match run_file(file) {
            Ok((count, mut failed)) => {
                cases += count;
                failures.extend(failed.drain(..).map(|f| format!("{name}: {f}")));
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} policy vectors failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    assert!(
        cases >= MIN_CASES,
        "only {cases} cases in {} files",
        files.len()
    );
}

/// Runs one file: the number of cases and the failures, or why the file is unreadable.
fn run_file(path: &Path) -> Result<(usize, Vec<String>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let file_policies = match doc.get("policies") {
        Some(p) => Some(policy_set(p)?),
        None => None,
    };
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .ok_or("no `cases` array")?;
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("case {i}"), str::to_owned);
        if let Err(e) = run_case(case, file_policies.as_ref()) {
            failures.push(format!("{name}: {e}"));
        }
    }
    Ok((cases.len(), failures))
}

fn run_case(case: &Value, file_policies: Option<&PolicySet>) -> Result<(), String> {
    let own;
    let policies = match case.get("policies") {
        Some(p) => {
            own = policy_set(p)?;
            &own
        }
        None => file_policies.ok_or("no `policies` in the case or the file")?,
    };
    let request = request(case.get("request").ok_or("no `request`")?)?;
    let expected = case
        .get("expect")
        .and_then(Value::as_str)
        .ok_or("no `expect`")?;
    let decision = evaluate(&request, policies);
    let outcome = format!("{:?}", decision.outcome);
    if outcome != expected {
        return Err(format!(
            "expected {expected}, got {outcome} (deciding: {})",
            refs(&decision)
        ));
    }
    if let Some(want) = case.get("deciding") {
        let want: Vec<&str> = want
            .as_array()
            .ok_or("`deciding` is not an array")?
            .iter()
            .map(|v| v.as_str().ok_or("`deciding` holds a non-string"))
            .collect::<Result<_, _>>()?;
        let mut want: Vec<String> = want.into_iter().map(str::to_owned).collect();
        let mut got: Vec<String> = decision.deciding.iter().map(reference).collect();
        want.sort();
        got.sort();
        if want != got {
            return Err(format!("deciding: expected {want:?}, got {got:?}"));
        }
    }
    Ok(())
}

/// `label#index`, as `deciding` lists name statements.
fn reference(r: &StatementRef) -> String {
    format!("{}#{}", r.policy, r.index)
}

fn refs(d: &Decision) -> String {
    d.deciding
        .iter()
        .map(reference)
        .collect::<Vec<_>>()
        .join(", ")
}

fn policy_set(v: &Value) -> Result<PolicySet, String> {
    let obj = v.as_object().ok_or("`policies` is not an object")?;
    let list = |key: &str| -> Result<Vec<Labelled>, String> {
        match obj.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, p)| labelled(format!("{key}[{i}]"), p))
                .collect(),
            Some(_) => Err(format!("`{key}` is not an array")),
        }
    };
    let one = |key: &str| {
        obj.get(key)
            .map(|p| labelled(key.to_owned(), p))
            .transpose()
    };
    let scps = match obj.get("scps") {
        None => Vec::new(),
        Some(Value::Array(levels)) => levels
            .iter()
            .enumerate()
            .map(|(l, level)| {
                level
                    .as_array()
                    .ok_or_else(|| format!("`scps[{l}]` is not an array"))?
                    .iter()
                    .enumerate()
                    .map(|(i, p)| labelled(format!("scps[{l}][{i}]"), p))
                    .collect()
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err("`scps` is not an array of arrays".to_owned()),
    };
    let known = ["identity", "boundary", "scps", "resource", "session"];
    if let Some(key) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("unknown policy kind `{key}`"));
    }
    Ok(PolicySet {
        identity: list("identity")?,
        permission_boundary: one("boundary")?,
        scps,
        resource_policy: one("resource")?,
        session_policies: obj
            .contains_key("session")
            .then(|| list("session"))
            .transpose()?,
    })
}

/// A policy of the corpus: a JSON document, or a string holding one (raw or URL-encoded).
/// Every policy must also survive a print/parse round trip.
fn labelled(label: String, v: &Value) -> Result<Labelled, String> {
    let policy = match v {
        Value::String(text) => parse_policy(text),
        doc => parse_value(doc),
    }
    .map_err(|e| format!("policy `{label}`: {e}"))?;
    if parse_value(&print(&policy)).as_ref() != Ok(&policy) {
        return Err(format!("policy `{label}` does not survive printing"));
    }
    Ok((label, policy))
}

fn request(v: &Value) -> Result<Request, String> {
    let text = |key: &str| v.get(key).and_then(Value::as_str);
    let principal = text("principal").ok_or("request without `principal`")?;
    let action = text("action").ok_or("request without `action`")?;
    let mut request = Request::new(
        Principal::from_arn(principal),
        action,
        text("resource").unwrap_or("*"),
    );
    request.resource_account = text("resource_account").map(str::to_owned);
    if let Some(ctx) = v.get("context") {
        request.context = context(ctx.as_object().ok_or("`context` is not an object")?)?;
    }
    Ok(request)
}

fn context(obj: &Map<String, Value>) -> Result<Context, String> {
    let mut ctx = Context::new();
    for (key, values) in obj {
        let values: Vec<String> = match values {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("`{key}`: not a string"))
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(format!("context `{key}`: expected a string or an array")),
        };
        ctx.insert(key, values);
    }
    Ok(ctx)
}
