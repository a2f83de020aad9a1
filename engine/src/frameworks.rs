//! Compliance frameworks as data: one TOML file per framework in `engine/frameworks/`
//! (embedded at build time, parsed once) lists every control with our own short title and
//! either the checks that answer it, or why none does (`manual`: a person must look;
//! `not_covered`: automatable, but about data Rampart does not collect). The files are the
//! one source of truth for which controls a check answers: [`compliance_of`] derives a
//! finding's `compliance` from them, the compliance page and the findings' `control=`
//! filter read them, and [`evaluate_control`] turns an account's findings into a control's
//! status. `engine/frameworks/unmapped.toml` lists the checks deliberately mapped nowhere.

mod error;
mod status;
#[cfg(test)]
mod tests;

pub use error::{FrameworkError, Problem};
pub use status::{CheckCounts, ControlResult, ControlStatus, evaluate_control, tally};

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The frameworks Rampart maps checks to. The string form ([`Framework::key`]) is the key
/// of `compliance` maps, of `control=<key>:<id>` filters and of each data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Framework {
    /// CIS Amazon Web Services Foundations Benchmark v3.0.0.
    #[serde(rename = "cis-aws-3.0")]
    CisAws3,
    /// CIS Amazon Web Services Foundations Benchmark v5.0.0.
    #[serde(rename = "cis-aws-5.0")]
    CisAws5,
    /// AWS Foundational Security Best Practices (Security Hub). Only controls that belong to
    /// the FSBP standard; Security Hub controls that exist only in its CIS, NIST or PCI
    /// standards (IAM.9, KMS.4, S3.20, CloudWatch.1, ...) are not FSBP controls.
    #[serde(rename = "aws-fsbp")]
    AwsFsbp,
    /// NIST SP 800-53 Rev. 5: the controls the checks support.
    #[serde(rename = "nist-800-53-r5")]
    Nist80053R5,
    /// PCI DSS v4.0: the requirements the checks support.
    #[serde(rename = "pci-dss-4.0")]
    PciDss4,
    /// HIPAA Security Rule (45 CFR 164 Subpart C): the specifications the checks support.
    #[serde(rename = "hipaa")]
    Hipaa,
}

impl Framework {
    pub const ALL: [Framework; 6] = [
        Framework::CisAws3,
        Framework::CisAws5,
        Framework::AwsFsbp,
        Framework::Nist80053R5,
        Framework::PciDss4,
        Framework::Hipaa,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Framework::CisAws3 => "cis-aws-3.0",
            Framework::CisAws5 => "cis-aws-5.0",
            Framework::AwsFsbp => "aws-fsbp",
            Framework::Nist80053R5 => "nist-800-53-r5",
            Framework::PciDss4 => "pci-dss-4.0",
            Framework::Hipaa => "hipaa",
        }
    }

    /// The full name; the data file's `title` must say the same (a test pins it).
    pub fn title(self) -> &'static str {
        match self {
            Framework::CisAws3 => "CIS AWS Foundations Benchmark v3.0.0",
            Framework::CisAws5 => "CIS AWS Foundations Benchmark v5.0.0",
            Framework::AwsFsbp => "AWS Foundational Security Best Practices",
            Framework::Nist80053R5 => "NIST SP 800-53 Rev. 5",
            Framework::PciDss4 => "PCI DSS v4.0",
            Framework::Hipaa => "HIPAA Security Rule",
        }
    }

    /// A short label for table columns and lists.
    pub fn short(self) -> &'static str {
        match self {
            Framework::CisAws3 => "CIS 3.0",
            Framework::CisAws5 => "CIS 5.0",
            Framework::AwsFsbp => "FSBP",
            Framework::Nist80053R5 => "NIST 800-53",
            Framework::PciDss4 => "PCI DSS",
            Framework::Hipaa => "HIPAA",
        }
    }

    pub fn parse(s: &str) -> Option<Framework> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "cis-aws-3.0" | "cis" | "cis-3.0" => Some(Framework::CisAws3),
            "cis-aws-5.0" | "cis-5.0" => Some(Framework::CisAws5),
            "aws-fsbp" | "fsbp" => Some(Framework::AwsFsbp),
            "nist-800-53-r5" | "nist-800-53" | "nist" => Some(Framework::Nist80053R5),
            "pci-dss-4.0" | "pci-dss" | "pci" => Some(Framework::PciDss4),
            "hipaa" => Some(Framework::Hipaa),
            _ => None,
        }
    }

    /// Whether `id` is numbered the way this framework numbers its controls: CIS `2.1.4`,
    /// FSBP `S3.8`, NIST `AC-2(3)`, PCI DSS `10.2.1.1` or `A3.2.1`, HIPAA `164.312(a)(2)(iv)`.
    pub fn is_well_formed(self, id: &str) -> bool {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let dotted = |s: &str| s.split('.').count() >= 2 && s.split('.').all(digits);
        match self {
            Framework::CisAws3 | Framework::CisAws5 => dotted(id),
            Framework::AwsFsbp => id.split_once('.').is_some_and(|(service, n)| {
                !service.is_empty()
                    && service.bytes().all(|b| b.is_ascii_alphanumeric())
                    && digits(n)
            }),
            Framework::Nist80053R5 => {
                let (base, enhancement) = match id.split_once('(') {
                    Some((base, rest)) => match rest.strip_suffix(')') {
                        Some(n) => (base, Some(n)),
                        None => return false,
                    },
                    None => (id, None),
                };
                let family_ok = base.split_once('-').is_some_and(|(family, n)| {
                    family.len() == 2 && family.bytes().all(|b| b.is_ascii_uppercase()) && digits(n)
                });
                family_ok && enhancement.is_none_or(digits)
            }
            Framework::PciDss4 => {
                let rest = id.strip_prefix('A').unwrap_or(id);
                dotted(rest) && rest.split('.').count() <= 4
            }
            Framework::Hipaa => id.strip_prefix("164.").is_some_and(|rest| {
                let section_len = rest.find('(').unwrap_or(rest.len());
                let (section, mut parts) = rest.split_at(section_len);
                if section.len() != 3 || !digits(section) || parts.is_empty() {
                    return false;
                }
                while let Some(inner) = parts.strip_prefix('(') {
                    let Some(end) = inner.find(')') else {
                        return false;
                    };
                    let part = &inner[..end];
                    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        return false;
                    }
                    parts = &inner[end + 1..];
                }
                parts.is_empty()
            }),
        }
    }
}

/// One framework as its data file describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkData {
    pub framework: Framework,
    pub title: String,
    pub version: String,
    /// Where the standard is published.
    pub source: String,
    /// What of the standard the file lists, and what it leaves out.
    pub scope: String,
    /// In the standard's order.
    pub controls: Vec<Control>,
}

/// One control (recommendation, requirement, specification) of a framework.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    /// Exactly as the standard numbers it.
    pub id: String,
    pub section: String,
    /// Our own short paraphrase, never the standard's text.
    pub title: String,
    pub kind: ControlKind,
    /// A caveat for automated controls (how far the checks answer the control).
    pub note: Option<String>,
}

/// How a control is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ControlKind {
    /// By these checks (never empty).
    Automated { checks: Vec<String> },
    /// By a person; `note` says what an auditor looks at.
    Manual { note: String },
    /// Automatable, but about data Rampart does not collect; `note` says how to check it.
    NotCovered { note: String },
}

impl Control {
    /// The checks that answer this control (none for manual and not covered controls).
    pub fn checks(&self) -> &[String] {
        match &self.kind {
            ControlKind::Automated { checks } => checks,
            ControlKind::Manual { .. } | ControlKind::NotCovered { .. } => &[],
        }
    }

    /// The note a person reads next to the control: what to check by hand, or the caveat.
    pub fn note(&self) -> Option<&str> {
        match &self.kind {
            ControlKind::Manual { note } | ControlKind::NotCovered { note } => Some(note),
            ControlKind::Automated { .. } => self.note.as_deref(),
        }
    }
}

/// A check deliberately mapped to no control, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmapped {
    pub check: String,
    pub reason: String,
}

/// Every framework, parsed and cross-checked against the check registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// In [`Framework::ALL`] order.
    frameworks: Vec<FrameworkData>,
    unmapped: Vec<Unmapped>,
    /// check id → framework → control ids, in the files' order.
    by_check: BTreeMap<String, BTreeMap<Framework, Vec<String>>>,
}

/// The embedded data files, by file name.
pub const FILES: [(&str, &str); 6] = [
    (
        "cis-aws-3.0.toml",
        include_str!("../frameworks/cis-aws-3.0.toml"),
    ),
    (
        "cis-aws-5.0.toml",
        include_str!("../frameworks/cis-aws-5.0.toml"),
    ),
    ("aws-fsbp.toml", include_str!("../frameworks/aws-fsbp.toml")),
    (
        "nist-800-53-r5.toml",
        include_str!("../frameworks/nist-800-53-r5.toml"),
    ),
    (
        "pci-dss-4.0.toml",
        include_str!("../frameworks/pci-dss-4.0.toml"),
    ),
    ("hipaa.toml", include_str!("../frameworks/hipaa.toml")),
];

/// The embedded list of deliberately unmapped checks.
pub const UNMAPPED_FILE: (&str, &str) =
    ("unmapped.toml", include_str!("../frameworks/unmapped.toml"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    key: String,
    title: String,
    version: String,
    source: String,
    scope: String,
    controls: Vec<RawControl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    id: String,
    section: String,
    title: String,
    checks: Option<Vec<String>>,
    manual: Option<String>,
    not_covered: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnmapped {
    #[serde(default)]
    unmapped: Vec<Unmapped>,
}

impl Catalog {
    /// Parses framework files (`(file name, text)`) and the unmapped list, and checks them:
    /// one file per framework, well-formed unique control ids, exactly one way to answer
    /// each control, known check ids, and no check both mapped and listed as unmapped.
    pub fn parse(
        files: &[(&str, &str)],
        unmapped: (&str, &str),
        known_checks: &BTreeSet<&str>,
    ) -> Result<Catalog, FrameworkError> {
        let mut parsed: BTreeMap<Framework, FrameworkData> = BTreeMap::new();
        for (file, text) in files {
            let data = parse_file(text, known_checks).map_err(|problem| FrameworkError {
                file: (*file).to_owned(),
                problem,
            })?;
            let framework = data.framework;
            if parsed.insert(framework, data).is_some() {
                return Err(FrameworkError {
                    file: (*file).to_owned(),
                    problem: Problem::DuplicateFramework(framework.key()),
                });
            }
        }
        let mut frameworks = Vec::with_capacity(Framework::ALL.len());
        for framework in Framework::ALL {
            let data = parsed.remove(&framework).ok_or_else(|| FrameworkError {
                file: format!("{}.toml", framework.key()),
                problem: Problem::MissingFramework(framework.key()),
            })?;
            frameworks.push(data);
        }

        let mut by_check: BTreeMap<String, BTreeMap<Framework, Vec<String>>> = BTreeMap::new();
        for data in &frameworks {
            for control in &data.controls {
                for check in control.checks() {
                    let ids = by_check
                        .entry(check.clone())
                        .or_default()
                        .entry(data.framework)
                        .or_default();
                    if !ids.contains(&control.id) {
                        ids.push(control.id.clone());
                    }
                }
            }
        }

        let (unmapped_file, unmapped_text) = unmapped;
        let fail = |problem| FrameworkError {
            file: unmapped_file.to_owned(),
            problem,
        };
        let raw: RawUnmapped =
            toml::from_str(unmapped_text).map_err(|e| fail(Problem::Toml(e.to_string())))?;
        let mut seen = BTreeSet::new();
        for u in &raw.unmapped {
            if !known_checks.contains(u.check.as_str()) {
                return Err(fail(Problem::UnknownUnmappedCheck(u.check.clone())));
            }
            if let Some(map) = by_check.get(&u.check) {
                let place = map
                    .iter()
                    .flat_map(|(f, ids)| ids.iter().map(move |id| format!("{}:{id}", f.key())))
                    .next()
                    .unwrap_or_default();
                return Err(fail(Problem::UnmappedButMapped(u.check.clone(), place)));
            }
            if u.reason.trim().is_empty() || !seen.insert(u.check.as_str()) {
                return Err(fail(Problem::BadUnmapped(u.check.clone())));
            }
        }
        Ok(Catalog {
            frameworks,
            unmapped: raw.unmapped,
            by_check,
        })
    }

    pub fn frameworks(&self) -> &[FrameworkData] {
        &self.frameworks
    }

    pub fn framework(&self, framework: Framework) -> Option<&FrameworkData> {
        self.frameworks.iter().find(|d| d.framework == framework)
    }

    pub fn control(&self, framework: Framework, id: &str) -> Option<&Control> {
        self.framework(framework)?
            .controls
            .iter()
            .find(|c| c.id == id)
    }

    /// The controls `check_id` answers, per framework (empty for unknown or unmapped checks).
    pub fn compliance_of(&self, check_id: &str) -> BTreeMap<Framework, Vec<String>> {
        self.by_check.get(check_id).cloned().unwrap_or_default()
    }

    pub fn unmapped(&self) -> &[Unmapped] {
        &self.unmapped
    }
}

fn parse_file(text: &str, known_checks: &BTreeSet<&str>) -> Result<FrameworkData, Problem> {
    let raw: RawFile = toml::from_str(text).map_err(|e| Problem::Toml(e.to_string()))?;
    let framework = Framework::parse(&raw.key)
        .filter(|f| f.key() == raw.key)
        .ok_or_else(|| Problem::UnknownFramework(raw.key.clone()))?;
    let mut seen = BTreeSet::new();
    let mut controls = Vec::with_capacity(raw.controls.len());
    for c in raw.controls {
        if !framework.is_well_formed(&c.id) {
            return Err(Problem::BadControlId {
                id: c.id,
                framework: framework.key(),
            });
        }
        if !seen.insert(c.id.clone()) {
            return Err(Problem::DuplicateControl(c.id));
        }
        if c.title.trim().is_empty() || c.section.trim().is_empty() {
            return Err(Problem::MissingText(c.id));
        }
        let kind = match (c.checks, c.manual, c.not_covered) {
            (Some(checks), None, None) => {
                if checks.is_empty() {
                    return Err(Problem::NoChecks(c.id));
                }
                if let Some(unknown) = checks.iter().find(|id| !known_checks.contains(id.as_str()))
                {
                    return Err(Problem::UnknownCheck {
                        control: c.id,
                        check: unknown.clone(),
                    });
                }
                ControlKind::Automated { checks }
            }
            (None, Some(note), None) if !note.trim().is_empty() => ControlKind::Manual { note },
            (None, None, Some(note)) if !note.trim().is_empty() => ControlKind::NotCovered { note },
            _ => return Err(Problem::Kind(c.id)),
        };
        if c.note.is_some() && !matches!(kind, ControlKind::Automated { .. }) {
            return Err(Problem::Kind(c.id));
        }
        controls.push(Control {
            id: c.id,
            section: c.section,
            title: c.title,
            kind,
            note: c.note,
        });
    }
    Ok(FrameworkData {
        framework,
        title: raw.title,
        version: raw.version,
        source: raw.source,
        scope: raw.scope,
        controls,
    })
}

static CATALOG: LazyLock<Result<Catalog, FrameworkError>> = LazyLock::new(|| {
    let checks = crate::checks::registry();
    let known: BTreeSet<&str> = checks.iter().map(|c| c.meta.id).collect();
    Catalog::parse(&FILES, UNMAPPED_FILE, &known)
});

/// The embedded catalogue, parsed on first use. An error means a data file of this build is
/// broken: `rampart` refuses to start with it, and the test `embedded_frameworks_load`
/// keeps such a build from being made.
pub fn catalog() -> Result<&'static Catalog, &'static FrameworkError> {
    CATALOG.as_ref()
}

/// The controls `check_id` answers, per framework, from the embedded catalogue.
// INVARIANT: the catalogue loads (the binary checks it at start-up, tests at build); were it
// broken, findings would carry no compliance ids rather than wrong ones.
pub fn compliance_of(check_id: &str) -> BTreeMap<Framework, Vec<String>> {
    catalog()
        .map(|c| c.compliance_of(check_id))
        .unwrap_or_default()
}
