//! `rampart policy eval` and `rampart policy check` from the command line.

use std::path::Path;
use std::process::Command;

fn rampart(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const READER: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"},
    {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::reports/secret/*"},
    {"Sid": "FromOffice", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                   "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}
  ]
}"#;

#[test]
fn policy_eval_prints_the_decision_first_then_the_deciding_statements() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "reader.json", READER);
    let allow = rampart(&[
        "policy",
        "eval",
        &file,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::reports/q3.csv",
    ]);
    assert_eq!(allow.status.code(), Some(0));
    let text = stdout(&allow);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Allow"));
    assert!(
        lines
            .next()
            .unwrap()
            .contains("Statement[0] (Sid \"Read\")"),
        "{text}"
    );

    let deny = rampart(&[
        "policy",
        "eval",
        &file,
        "--action",
        "s3:getobject",
        "--resource",
        "arn:aws:s3:::reports/secret/k",
    ]);
    let text = stdout(&deny);
    assert_eq!(text.lines().next(), Some("ExplicitDeny"));
    assert!(text.contains("Sid \"NoSecrets\""), "{text}");

    let none = rampart(&[
        "policy",
        "eval",
        &file,
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::reports/k",
    ]);
    assert_eq!(stdout(&none).lines().next(), Some("ImplicitDeny"));
}

#[test]
fn policy_eval_context_is_repeatable_and_a_repeated_key_is_multi_valued() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "reader.json", READER);
    let run = |ctx: &[&str]| {
        let mut args = vec![
            "policy",
            "eval",
            file.as_str(),
            "--action",
            "s3:PutObject",
            "--resource",
            "arn:aws:s3:::x/y",
        ];
        for c in ctx {
            args.push("--context");
            args.push(c);
        }
        stdout(&rampart(&args)).lines().next().unwrap().to_owned()
    };
    assert_eq!(
        run(&[
            "aws:SourceIp=10.1.2.3",
            "aws:TagKeys=team",
            "aws:TagKeys=env"
        ]),
        "Allow"
    );
    // One tag key outside the allowed set: ForAllValues fails.
    assert_eq!(
        run(&[
            "aws:SourceIp=10.1.2.3",
            "aws:TagKeys=team",
            "aws:TagKeys=owner"
        ]),
        "ImplicitDeny"
    );
    assert_eq!(
        run(&["aws:SourceIp=192.168.1.1", "aws:TagKeys=team"]),
        "ImplicitDeny"
    );
}

#[test]
fn policy_eval_applies_the_boundary_and_cross_account_resource_policies() {
    let dir = tempfile::tempdir().unwrap();
    let admin = write(
        dir.path(),
        "admin.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
    );
    let boundary = write(
        dir.path(),
        "boundary.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}}"#,
    );
    let out = rampart(&[
        "policy",
        "eval",
        &admin,
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--boundary",
        &boundary,
    ]);
    assert_eq!(stdout(&out).lines().next(), Some("ImplicitDeny"));
    let bucket = write(
        dir.path(),
        "bucket.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    );
    let cross = |action: &str| {
        stdout(&rampart(&[
            "policy",
            "eval",
            &admin,
            "--action",
            action,
            "--resource",
            "arn:aws:s3:::b/k",
            "--resource-policy",
            &bucket,
            "--resource-account",
            "999988887777",
        ]))
        .lines()
        .next()
        .unwrap()
        .to_owned()
    };
    assert_eq!(cross("s3:GetObject"), "Allow");
    assert_eq!(
        cross("s3:PutObject"),
        "ImplicitDeny",
        "the other account's policy does not grant it"
    );
}

#[test]
fn policy_eval_refuses_a_malformed_document_with_status_2_and_where_it_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let out = rampart(&["policy", "eval", &bad, "--action", "s3:GetObject"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("$.Statement[1].Effect"), "{err}");
    assert!(out.stdout.is_empty());
    let not_json = write(dir.path(), "x.json", "{\"Statement\": [");
    assert_eq!(
        rampart(&["policy", "eval", &not_json, "--action", "s3:GetObject"])
            .status
            .code(),
        Some(2)
    );
    let bad_ctx = rampart(&[
        "policy",
        "eval",
        &bad,
        "--action",
        "s3:GetObject",
        "--context",
        "novalue",
    ]);
    assert_eq!(bad_ctx.status.code(), Some(2));
}

#[test]
fn policy_check_reports_public_admin_and_wildcard_statements_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "p.json",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["iam:CreatePolicyVersion","s3:*"],"Resource":"*"},
            {"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
             "Condition":{"StringLike":{"aws:UserAgent":"*"}}}]}"#,
    );
    let out = rampart(&["policy", "check", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let issues: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"public"), "{issues}");
    assert!(kinds.contains(&"admin-equivalent"), "{issues}");
    assert!(kinds.contains(&"wildcard-action"), "{issues}");
}

#[test]
fn policy_check_passes_a_scoped_policy_and_a_vpce_restricted_bucket_policy() {
    let dir = tempfile::tempdir().unwrap();
    let scoped = write(
        dir.path(),
        "s.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    let out = rampart(&["policy", "check", &scoped]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let vpce = write(
        dir.path(),
        "v.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}}]}"#,
    );
    assert_eq!(rampart(&["policy", "check", &vpce]).status.code(), Some(0));
}

#[test]
fn policy_check_flags_trust_without_external_id_and_refuses_a_malformed_action() {
    let dir = tempfile::tempdir().unwrap();
    let trust = write(
        dir.path(),
        "t.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}]}"#,
    );
    let out = rampart(&["policy", "check", &trust, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no-external-id"), "{}", stdout(&out));
    let bad = write(
        dir.path(),
        "b.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":5,"Resource":"*"}}"#,
    );
    let out = rampart(&["policy", "check", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("$.Statement.Action"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
