//! Unit tests of the conversions, and their validation against the published schemas through
//! `scripts/validate_findings.py` (tools pinned by `scripts/ensure-format-validators`).

use super::*;
use crate::checks::{Severity, Status, evaluate};
use crate::inventory::Service;
use crate::types::{AccountId, Region};
use chrono::TimeZone;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).unwrap()
}

fn ctx() -> Context<'static> {
    Context::new(now(), "0.1.0")
}

/// Every finding of the demo organisation's accounts (many services, PASS and FAIL), plus
/// hand-made ones for what the demo lacks: ERROR, a global finding, a China-partition
/// resource, an unknown check and oversized text.
fn corpus() -> Vec<Finding> {
    let mut findings: Vec<Finding> = crate::demo::organisation()
        .iter()
        .flat_map(|a| evaluate(&a.inventory(now(), 0), now()))
        .collect();
    findings.push(error_finding());
    findings.push(Finding {
        region: None,
        ..fail_finding()
    });
    findings.push(Finding {
        resource_arn: "arn:aws-cn:s3:::logs-cn".into(),
        region: Some(Region::parse("cn-north-1").unwrap()),
        ..fail_finding()
    });
    findings.push(Finding {
        check_id: "retired_check".into(),
        title: "A check this version no longer has".into(),
        compliance: BTreeMap::new(),
        evidence: Value::Null,
        ..fail_finding()
    });
    findings.push(Finding {
        title: "Ü".repeat(300),
        message: "é".repeat(2000),
        evidence: json!({ "big": "x".repeat(5000) }),
        ..fail_finding()
    });
    findings
}

fn fail_finding() -> Finding {
    let check = crate::checks::find("s3_bucket_encryption_in_transit")
        .or_else(|| {
            crate::checks::registry()
                .into_iter()
                .find(|c| c.meta.service == Service::S3)
        })
        .unwrap();
    Finding {
        check_id: check.meta.id.into(),
        title: check.meta.title.into(),
        service: check.meta.service,
        status: Status::Fail,
        severity: check.meta.severity,
        account_id: AccountId::parse("123456789012").unwrap(),
        region: Some(Region::parse("eu-west-1").unwrap()),
        resource_arn: "arn:aws:s3:::logs-123".into(),
        resource_type: "AwsS3Bucket".into(),
        message: "Bucket `logs-123` accepts plain HTTP requests.".into(),
        evidence: json!({ "policy": null }),
        compliance: check.meta.compliance_map(),
    }
}

fn error_finding() -> Finding {
    let check = crate::checks::registry()
        .into_iter()
        .find(|c| c.meta.service == Service::Kms)
        .unwrap();
    Finding {
        check_id: check.meta.id.into(),
        title: check.meta.title.into(),
        service: Service::Kms,
        status: Status::Error,
        severity: check.meta.severity,
        account_id: AccountId::parse("123456789012").unwrap(),
        region: Some(Region::parse("us-east-1").unwrap()),
        resource_arn: "arn:aws:kms:us-east-1:123456789012:key/*".into(),
        resource_type: "AwsKmsKey".into(),
        message: "listing keys in `us-east-1`: AccessDenied".into(),
        evidence: Value::Null,
        compliance: check.meta.compliance_map(),
    }
}

#[test]
fn the_corpus_covers_every_status_and_several_services() {
    let findings = corpus();
    for s in [Status::Pass, Status::Fail, Status::Error] {
        assert!(findings.iter().any(|f| f.status == s), "no {s} finding");
    }
    let services: std::collections::BTreeSet<_> = findings.iter().map(|f| f.service).collect();
    assert!(services.len() >= 5, "only {services:?}");
}

#[test]
fn truncation_cuts_at_a_char_boundary_within_the_limit() {
    assert_eq!(truncate("short", 10), "short");
    let cut = truncate(&"é".repeat(10), 7);
    assert!(cut.len() <= 7, "{cut}");
    assert!(cut.ends_with('…'));
    assert_eq!(truncate("abcdef", 2), "");
}

#[test]
fn ocsf_documents_carry_the_verdict_severity_and_identity() {
    let f = fail_finding();
    let d = to_ocsf(&f, &ctx());
    assert_eq!(d["class_uid"], 2004);
    assert_eq!(d["category_uid"], 2);
    assert_eq!(d["type_uid"], 200401);
    assert_eq!(d["time"], now().timestamp_millis());
    assert_eq!(d["status_code"], "FAIL");
    assert_eq!(d["status_id"], 1);
    assert_eq!(d["metadata"]["version"], ocsf::OCSF_VERSION);
    assert_eq!(d["finding_info"]["uid"], finding_uid(&f));
    assert_eq!(d["finding_info"]["analytic"]["uid"], f.check_id);
    assert_eq!(d["resources"][0]["uid"], "arn:aws:s3:::logs-123");
    assert_eq!(d["cloud"]["account"]["uid"], "123456789012");
    let pass = to_ocsf(
        &Finding {
            status: Status::Pass,
            ..f.clone()
        },
        &ctx(),
    );
    assert_eq!(
        (pass["status_code"].as_str(), pass["status"].as_str()),
        (Some("PASS"), Some("Resolved"))
    );
    let muted = to_ocsf(
        &f,
        &Context {
            muted: true,
            ..ctx()
        },
    );
    assert_eq!(muted["status"], "Suppressed");
    let e = to_ocsf(&error_finding(), &ctx());
    assert_eq!(
        (e["status_code"].as_str(), e["status"].as_str()),
        (Some("ERROR"), Some("New"))
    );
}

#[test]
fn asff_findings_map_status_severity_and_requirements() {
    let f = fail_finding();
    let d = to_asff(&f, &ctx());
    assert_eq!(d["Compliance"]["Status"], "FAILED");
    assert_eq!(
        d["ProductArn"],
        "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
    );
    assert_eq!(d["Severity"]["Label"], asff::severity_label(f.severity));
    assert_eq!(d["Workflow"]["Status"], "NEW");
    assert_eq!(d["Id"], finding_uid(&f));
    let pass = to_asff(
        &Finding {
            status: Status::Pass,
            severity: Severity::High,
            ..f.clone()
        },
        &ctx(),
    );
    assert_eq!(pass["Compliance"]["Status"], "PASSED");
    assert_eq!(pass["Severity"]["Label"], "INFORMATIONAL");
    assert_eq!(pass["Severity"]["Original"], "HIGH");
    assert_eq!(
        to_asff(&error_finding(), &ctx())["Compliance"]["Status"],
        "NOT_AVAILABLE"
    );
    let muted = to_asff(
        &f,
        &Context {
            muted: true,
            ..ctx()
        },
    );
    assert_eq!(muted["Workflow"]["Status"], "SUPPRESSED");
    let cn = Finding {
        resource_arn: "arn:aws-cn:s3:::b".into(),
        region: Some(Region::parse("cn-north-1").unwrap()),
        ..f
    };
    assert_eq!(to_asff(&cn, &ctx())["Resources"][0]["Partition"], "aws-cn");
}

#[test]
fn an_account_resource_has_security_hubs_account_id_in_asff() {
    let f = Finding {
        resource_type: "AwsAccount".into(),
        resource_arn: "arn:aws:::123456789012".into(),
        ..fail_finding()
    };
    let d = to_asff(&f, &ctx());
    assert_eq!(d["Resources"][0]["Id"], "AWS::::Account:123456789012");
    assert_eq!(
        to_ocsf(&f, &ctx())["resources"][0]["uid"],
        "arn:aws:::123456789012"
    );
}

#[test]
fn a_cis_control_becomes_a_related_requirement() {
    let f = corpus()
        .into_iter()
        .find(|f| f.compliance.contains_key(&Framework::CisAws3))
        .unwrap();
    let id = &f.compliance[&Framework::CisAws3][0];
    let req = asff::related_requirements(&f);
    assert!(
        req.contains(&format!("CIS AWS Foundations Benchmark v3.0.0/{id}")),
        "{req:?}"
    );
}

// ---- schema validation ----

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The python of the validators' venv, installed when missing.
fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        if let Ok(p) = std::env::var("RAMPART_FORMATS_PYTHON") {
            return p;
        }
        let out = Command::new("bash")
            .arg(repo_root().join("scripts/ensure-format-validators"))
            .stderr(Stdio::inherit())
            .output()
            .expect("running scripts/ensure-format-validators");
        assert!(
            out.status.success(),
            "scripts/ensure-format-validators failed"
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    })
}

/// Runs the validator over `docs`: `Ok` when valid, else its problem lines.
pub(crate) fn validate(args: &[&str], docs: &[Value]) -> Result<(), Vec<String>> {
    let mut child = Command::new(python())
        .arg(repo_root().join("scripts/validate_findings.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting the validator");
    let input = serde_json::to_vec(docs).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(lines),
        other => panic!("validator exited with {other:?}: {lines:?}"),
    }
}

fn validate_ocsf(docs: &[Value]) -> Result<(), Vec<String>> {
    validate(
        &["ocsf", ocsf::OCSF_VERSION, "detection_finding", "cloud"],
        docs,
    )
}

fn validate_asff(docs: &[Value]) -> Result<(), Vec<String>> {
    validate(&["asff"], docs)
}

fn contexts() -> [Context<'static>; 2] {
    let later = now() + chrono::Duration::days(1);
    [
        ctx(),
        Context {
            first_seen: Some(now() - chrono::Duration::days(30)),
            last_seen: Some(later),
            muted: true,
            securityhub_region: Some("eu-central-1"),
            ..Context::new(later, "0.1.0")
        },
    ]
}

#[test]
fn every_ocsf_document_is_a_valid_detection_finding() {
    let docs: Vec<Value> = contexts()
        .iter()
        .flat_map(|c| corpus().into_iter().map(move |f| to_ocsf(&f, c)))
        .collect();
    if let Err(problems) = validate_ocsf(&docs) {
        panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

#[test]
fn every_asff_finding_is_accepted_by_the_batch_import_findings_model() {
    let docs: Vec<Value> = contexts()
        .iter()
        .flat_map(|c| corpus().into_iter().map(move |f| to_asff(&f, c)))
        .collect();
    assert!(docs.len() > 100, "one batch only: {}", docs.len());
    if let Err(problems) = validate_asff(&docs) {
        panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

/// Each broken document and the text its rejection must mention.
fn assert_rejected(
    validate: fn(&[Value]) -> Result<(), Vec<String>>,
    good: &Value,
    cases: Vec<(&str, Value)>,
) {
    validate(std::slice::from_ref(good)).expect("the unbroken document is valid");
    for (expect, doc) in cases {
        let problems = validate(std::slice::from_ref(&doc)).expect_err(expect);
        assert!(
            problems.iter().any(|p| p.contains(expect)),
            "`{expect}` not in {problems:?}"
        );
    }
}

fn without(doc: &Value, path: &[&str]) -> Value {
    let mut doc = doc.clone();
    let (last, parents) = path.split_last().unwrap();
    let mut at = &mut doc;
    for p in parents {
        at = &mut at[*p];
    }
    at.as_object_mut().unwrap().remove(*last);
    doc
}

fn with(doc: &Value, path: &[&str], value: Value) -> Value {
    let mut doc = doc.clone();
    let mut at = &mut doc;
    for p in path {
        at = &mut at[*p];
    }
    *at = value;
    doc
}

#[test]
fn the_ocsf_validator_rejects_broken_documents() {
    let good = to_ocsf(&fail_finding(), &ctx());
    assert_rejected(
        validate_ocsf,
        &good,
        vec![
            ("finding_info", without(&good, &["finding_info"])),
            (
                "'provider' is a required property",
                without(&good, &["cloud", "provider"]),
            ),
            (
                "2004 was expected",
                with(&good, &["class_uid"], json!(2003)),
            ),
            ("is not one of", with(&good, &["severity_id"], json!(7))),
            ("type_uid", with(&good, &["type_uid"], json!(200403))),
            (
                "is not of type 'integer'",
                with(&good, &["time"], json!("2026-11-02T09:30:00Z")),
            ),
            (
                "Additional properties",
                with(&good, &["finding_info", "check"], json!("x")),
            ),
            ("caption", with(&good, &["severity"], json!("Severe"))),
            (
                "metadata.version",
                with(&good, &["metadata", "version"], json!("1.0.0")),
            ),
        ],
    );
}

#[test]
fn the_asff_validator_rejects_broken_findings() {
    let good = to_asff(&fail_finding(), &ctx());
    assert_rejected(
        validate_asff,
        &good,
        vec![
            (
                "Missing required parameter",
                without(&good, &["ProductArn"]),
            ),
            (
                "Unknown parameter",
                with(&good, &["Severity", "Level"], json!("HIGH")),
            ),
            (
                "is not one of",
                with(&good, &["Compliance", "Status"], json!("ERROR")),
            ),
            (
                "Title: 257 characters",
                with(&good, &["Title"], json!("t".repeat(257))),
            ),
            (
                "Invalid type",
                with(&good, &["Resources"], json!({"Type": "AwsS3Bucket"})),
            ),
            ("RFC 3339", with(&good, &["CreatedAt"], json!("yesterday"))),
        ],
    );
}
