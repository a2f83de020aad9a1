use super::*;
use crate::checks::{Finding, Status, registry};
use regex::Regex;

fn known() -> BTreeSet<&'static str> {
    registry().into_iter().map(|c| c.meta.id).collect()
}

/// The embedded files with `file` replaced by `text`.
fn parse_with(file: &str, text: &str) -> Result<Catalog, FrameworkError> {
    let files: Vec<(&str, &str)> = FILES
        .iter()
        .map(|(name, t)| {
            if *name == file {
                (*name, text)
            } else {
                (*name, *t)
            }
        })
        .collect();
    Catalog::parse(&files, UNMAPPED_FILE, &known())
}

const HEAD: &str = "key = \"hipaa\"\ntitle = \"HIPAA Security Rule\"\nversion = \"x\"\nsource = \"x\"\nscope = \"x\"\n";

fn problem_of(text: &str) -> Problem {
    parse_with("hipaa.toml", text).unwrap_err().problem
}

#[test]
fn embedded_frameworks_load() {
    let catalog = catalog().unwrap();
    assert_eq!(catalog.frameworks().len(), Framework::ALL.len());
}

#[test]
fn each_framework_has_one_file_whose_key_and_title_match_the_enum() {
    let catalog = catalog().unwrap();
    for (data, framework) in catalog.frameworks().iter().zip(Framework::ALL) {
        assert_eq!(data.framework, framework);
        assert_eq!(data.title, framework.title());
        assert!(!data.source.is_empty() && !data.scope.is_empty() && !data.version.is_empty());
        assert_eq!(Framework::parse(framework.key()), Some(framework));
    }
}

#[test]
fn control_ids_are_unique_and_numbered_as_each_standard_numbers_them() {
    let patterns = [
        (Framework::CisAws3, r"^\d+(\.\d+)+$"),
        (Framework::CisAws5, r"^\d+(\.\d+)+$"),
        (Framework::AwsFsbp, r"^[A-Za-z0-9]+\.\d+$"),
        (Framework::Nist80053R5, r"^[A-Z]{2}-\d+(\(\d+\))?$"),
        (Framework::PciDss4, r"^(\d+|A\d+)(\.\d+){1,3}$"),
        (Framework::Hipaa, r"^164\.\d{3}(\([0-9A-Za-z]+\))+$"),
    ];
    let catalog = catalog().unwrap();
    for (framework, pattern) in patterns {
        let re = Regex::new(pattern).unwrap();
        let data = catalog.framework(framework).unwrap();
        let mut seen = BTreeSet::new();
        for c in &data.controls {
            assert!(re.is_match(&c.id), "{}: `{}`", framework.key(), c.id);
            assert!(seen.insert(&c.id), "{}: `{}` twice", framework.key(), c.id);
        }
    }
}

#[test]
fn the_id_matcher_rejects_ids_numbered_the_wrong_way() {
    let cases = [
        (Framework::CisAws3, "1.4", true),
        (Framework::CisAws3, "2.1.4", true),
        (Framework::CisAws3, "1", false),
        (Framework::CisAws3, "1.", false),
        (Framework::CisAws3, "IAM.4", false),
        (Framework::AwsFsbp, "APIGateway.9", true),
        (Framework::AwsFsbp, "S3.", false),
        (Framework::AwsFsbp, "S3.1.2", false),
        (Framework::AwsFsbp, ".1", false),
        (Framework::Nist80053R5, "AC-2", true),
        (Framework::Nist80053R5, "AC-2(3)", true),
        (Framework::Nist80053R5, "AC-2(", false),
        (Framework::Nist80053R5, "AC-2()", false),
        (Framework::Nist80053R5, "ac-2", false),
        (Framework::Nist80053R5, "AC2", false),
        (Framework::Nist80053R5, "AC-2(1)(a)", false),
        (Framework::PciDss4, "8.3.6", true),
        (Framework::PciDss4, "10.2.1.1", true),
        (Framework::PciDss4, "A3.2.1", true),
        (Framework::PciDss4, "8", false),
        (Framework::PciDss4, "10.2.1.1.2", false),
        (Framework::Hipaa, "164.312(b)", true),
        (Framework::Hipaa, "164.312(a)(2)(iv)", true),
        (Framework::Hipaa, "164.308(a)(1)(ii)(D)", true),
        (Framework::Hipaa, "164.312", false),
        (Framework::Hipaa, "164.312(a", false),
        (Framework::Hipaa, "164.312()", false),
        (Framework::Hipaa, "164.31(a)", false),
        (Framework::Hipaa, "164.312(a)x", false),
    ];
    for (framework, id, ok) in cases {
        assert_eq!(
            framework.is_well_formed(id),
            ok,
            "{} `{id}`",
            framework.key()
        );
    }
}

#[test]
fn every_check_is_mapped_to_a_control_or_listed_as_unmapped_with_a_reason() {
    let catalog = catalog().unwrap();
    let unmapped: BTreeSet<&str> = catalog
        .unmapped()
        .iter()
        .map(|u| u.check.as_str())
        .collect();
    for check in registry() {
        let mapped = !catalog.compliance_of(check.meta.id).is_empty();
        assert!(
            mapped != unmapped.contains(check.meta.id),
            "`{}` must be mapped or listed in unmapped.toml, not both",
            check.meta.id
        );
    }
}

#[test]
fn manual_and_not_covered_controls_have_a_note_and_no_checks() {
    for data in catalog().unwrap().frameworks() {
        for c in &data.controls {
            match &c.kind {
                ControlKind::Automated { checks } => assert!(!checks.is_empty(), "{}", c.id),
                ControlKind::Manual { note } | ControlKind::NotCovered { note } => {
                    assert!(c.checks().is_empty() && !note.trim().is_empty(), "{}", c.id);
                }
            }
        }
    }
}

#[test]
fn cis_files_list_every_recommendation_of_their_version() {
    let catalog = catalog().unwrap();
    let cis3 = catalog.framework(Framework::CisAws3).unwrap();
    let cis5 = catalog.framework(Framework::CisAws5).unwrap();
    assert_eq!(cis3.controls.len(), 62);
    assert_eq!(cis5.controls.len(), 63);
    // v5 dropped the security questions (v3 1.3), so section 1 moved up by one, and EBS
    // encryption moved from storage (v3 2.2.1) to networking's EC2 part (v5 5.1.1).
    assert_eq!(
        catalog.control(Framework::CisAws5, "1.3").unwrap().checks(),
        ["iam_root_access_keys_absent"]
    );
    assert!(matches!(
        catalog.control(Framework::CisAws3, "1.3").unwrap().kind,
        ControlKind::Manual { .. }
    ));
    assert_eq!(
        catalog.control(Framework::CisAws5, "5.1.1").unwrap().title,
        catalog.control(Framework::CisAws3, "2.2.1").unwrap().title
    );
    assert!(catalog.control(Framework::CisAws5, "1.22").is_none());
}

#[test]
fn a_checks_compliance_comes_from_the_files() {
    let map = compliance_of("iam_root_access_keys_absent");
    assert_eq!(map[&Framework::CisAws3], ["1.4"]);
    assert_eq!(map[&Framework::CisAws5], ["1.3"]);
    assert_eq!(map[&Framework::AwsFsbp], ["IAM.4"]);
    assert!(map[&Framework::PciDss4].contains(&"8.2.2".to_owned()));
    assert!(compliance_of("no_such_check").is_empty());
}

#[test]
fn malformed_toml_is_reported_with_the_file_name() {
    let err = parse_with("hipaa.toml", "key = \"hipaa\"\ntitle = ").unwrap_err();
    assert_eq!(err.file, "hipaa.toml");
    assert!(matches!(err.problem, Problem::Toml(_)));
    assert!(
        err.to_string().starts_with("framework file `hipaa.toml`: "),
        "{err}"
    );
}

#[test]
fn an_unknown_field_is_an_error_not_ignored() {
    let text = format!(
        "{HEAD}[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\nchecks = [\"cloudtrail_log_file_validation\"]\nautomated = true\n"
    );
    assert!(matches!(problem_of(&text), Problem::Toml(m) if m.contains("automated")));
}

#[test]
fn a_control_naming_an_unknown_check_is_an_error() {
    let text = format!(
        "{HEAD}[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\nchecks = [\"no_such_check\"]\n"
    );
    assert_eq!(
        problem_of(&text),
        Problem::UnknownCheck {
            control: "164.312(b)".into(),
            check: "no_such_check".into()
        }
    );
}

#[test]
fn a_control_must_be_answered_exactly_one_way() {
    let both = format!(
        "{HEAD}[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\nchecks = [\"cloudtrail_log_file_validation\"]\nmanual = \"look\"\n"
    );
    assert_eq!(problem_of(&both), Problem::Kind("164.312(b)".into()));
    let neither =
        format!("{HEAD}[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\n");
    assert_eq!(problem_of(&neither), Problem::Kind("164.312(b)".into()));
    let empty = format!(
        "{HEAD}[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\nchecks = []\n"
    );
    assert_eq!(problem_of(&empty), Problem::NoChecks("164.312(b)".into()));
}

#[test]
fn duplicate_and_misnumbered_controls_are_errors() {
    let control =
        "[[controls]]\nid = \"164.312(b)\"\nsection = \"s\"\ntitle = \"t\"\nmanual = \"look\"\n";
    assert_eq!(
        problem_of(&format!("{HEAD}{control}{control}")),
        Problem::DuplicateControl("164.312(b)".into())
    );
    let bad = format!(
        "{HEAD}[[controls]]\nid = \"AC-2\"\nsection = \"s\"\ntitle = \"t\"\nmanual = \"look\"\n"
    );
    assert!(matches!(problem_of(&bad), Problem::BadControlId { id, .. } if id == "AC-2"));
}

#[test]
fn an_unknown_or_missing_framework_is_an_error() {
    let other = HEAD.replace("key = \"hipaa\"", "key = \"iso-27001\"") + "controls = []\n";
    assert_eq!(
        problem_of(&other),
        Problem::UnknownFramework("iso-27001".into())
    );
    let err = Catalog::parse(&FILES[..5], UNMAPPED_FILE, &known()).unwrap_err();
    assert_eq!(err.problem, Problem::MissingFramework("hipaa"));
}

#[test]
fn a_check_cannot_be_both_mapped_and_listed_as_unmapped() {
    let unmapped = (
        "unmapped.toml",
        "[[unmapped]]\ncheck = \"iam_root_mfa_enabled\"\nreason = \"r\"\n",
    );
    let err = Catalog::parse(&FILES, unmapped, &known()).unwrap_err();
    assert!(matches!(err.problem, Problem::UnmappedButMapped(c, _) if c == "iam_root_mfa_enabled"));
}

fn automated(checks: &[&str]) -> Control {
    Control {
        id: "1.1".into(),
        section: "s".into(),
        title: "t".into(),
        kind: ControlKind::Automated {
            checks: checks.iter().map(|c| (*c).to_owned()).collect(),
        },
        note: None,
    }
}

fn counts(passed: u64, failed: u64, errored: u64, muted: u64) -> CheckCounts {
    CheckCounts {
        passed,
        failed,
        errored,
        muted,
    }
}

#[test]
fn one_failing_finding_fails_the_control() {
    let c = automated(&["a", "b"]);
    let r = evaluate_control(&c, |id| {
        if id == "a" {
            counts(5, 0, 1, 0)
        } else {
            counts(0, 1, 0, 0)
        }
    });
    assert_eq!(r.status, ControlStatus::Fail);
    assert_eq!(r.counts, counts(5, 1, 1, 0));
}

#[test]
fn an_error_without_failures_is_an_error_never_a_pass() {
    let r = evaluate_control(&automated(&["a"]), |_| counts(3, 0, 1, 0));
    assert_eq!(r.status, ControlStatus::Error);
}

#[test]
fn muted_findings_neither_fail_nor_pass_the_control() {
    let r = evaluate_control(&automated(&["a"]), |_| counts(3, 0, 0, 1));
    assert_eq!(r.status, ControlStatus::Muted);
    assert_eq!(r.counts.muted, 1);
}

#[test]
fn a_control_whose_findings_all_pass_passes() {
    let r = evaluate_control(&automated(&["a", "b"]), |_| counts(2, 0, 0, 0));
    assert_eq!(r.status, ControlStatus::Pass);
}

#[test]
fn a_control_without_findings_is_not_applicable() {
    let r = evaluate_control(&automated(&["a"]), |_| CheckCounts::default());
    assert_eq!(r.status, ControlStatus::NotApplicable);
}

#[test]
fn manual_and_not_covered_controls_keep_their_kind_whatever_the_findings() {
    let mut c = automated(&[]);
    c.kind = ControlKind::Manual {
        note: "look".into(),
    };
    assert_eq!(
        evaluate_control(&c, |_| counts(0, 9, 0, 0)).status,
        ControlStatus::Manual
    );
    c.kind = ControlKind::NotCovered {
        note: "elsewhere".into(),
    };
    assert_eq!(
        evaluate_control(&c, |_| counts(9, 0, 0, 0)).status,
        ControlStatus::NotCovered
    );
}

#[test]
fn tally_counts_an_accounts_findings_per_check() {
    let inv = crate::testing::InventoryBuilder::new().build();
    let findings: Vec<Finding> = crate::checks::evaluate(&inv, chrono::Utc::now());
    let t = tally(&findings);
    let total: u64 = t.values().map(|c| c.passed + c.failed + c.errored).sum();
    assert_eq!(total, findings.len() as u64);
    let root = catalog()
        .unwrap()
        .control(Framework::CisAws3, "1.4")
        .unwrap();
    let r = evaluate_control(root, |id| t.get(id).copied().unwrap_or_default());
    assert_eq!(r.status, ControlStatus::Pass);
    assert!(findings.iter().any(|f| f.status == Status::Pass));
}

#[test]
fn worst_status_across_accounts_is_the_minimum() {
    assert!(ControlStatus::Fail < ControlStatus::Error);
    assert!(ControlStatus::Error < ControlStatus::Muted);
    assert!(ControlStatus::Muted < ControlStatus::Pass);
    assert!(ControlStatus::Pass < ControlStatus::NotApplicable);
}
