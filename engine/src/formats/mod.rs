//! Findings in other tools' formats: OCSF Detection Findings ([`ocsf`]) for data lakes and
//! SIEMs, and the AWS Security Finding Format ([`asff`]) for import into AWS Security Hub.
//!
//! Pure functions of a [`Finding`] and a [`Context`] (the scan time, product version, and what
//! the server knows about the finding's history); nothing here reads the clock or calls AWS.
//! The check catalogue ([`crate::checks::find`]) supplies the rationale and remediation.
//! Both formats are validated against their published schemas in this module's tests
//! (`scripts/validate_findings.py`, tools pinned by `scripts/ensure-format-validators`).

pub mod asff;
pub mod ocsf;

#[cfg(test)]
mod tests;

use crate::checks::{self, Finding, Framework};
use chrono::{DateTime, Utc};

pub use asff::to_asff;
pub use ocsf::to_ocsf;

/// What a finding alone does not say, supplied by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Context<'a> {
    /// When the inventory the finding was judged on was collected.
    pub scanned_at: DateTime<Utc>,
    /// Rampart's version, reported as the producing product's version.
    pub product_version: &'a str,
    /// When this finding (account + check + resource) was first and last seen, if known.
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// A muted finding is exported as suppressed (OCSF `Suppressed`, ASFF `SUPPRESSED`).
    pub muted: bool,
    /// The Security Hub region ASFF findings are imported into (their `ProductArn`); by
    /// default each finding's own region, or `us-east-1` for a global one.
    pub securityhub_region: Option<&'a str>,
}

impl<'a> Context<'a> {
    /// A context with only the scan time and version known.
    pub fn new(scanned_at: DateTime<Utc>, product_version: &'a str) -> Self {
        Context {
            scanned_at,
            product_version,
            first_seen: None,
            last_seen: None,
            muted: false,
            securityhub_region: None,
        }
    }
}

/// The product name both formats report.
pub const PRODUCT_NAME: &str = "Rampart";
/// The vendor both formats report (the project: Rampart has no company behind it).
pub const VENDOR_NAME: &str = "Rampart";

/// A stable identifier of a finding across scans: the same account, region, check and
/// resource give the same id, so a re-import updates instead of duplicating.
pub fn finding_uid(f: &Finding) -> String {
    let region = f.region.as_ref().map_or("global", |r| r.as_str());
    format!(
        "rampart/{}/{}/{}/{}",
        f.account_id.as_str(),
        region,
        f.check_id,
        f.resource_arn
    )
}

/// The AWS partition of a finding: from its resource ARN, else from its region's prefix.
pub fn partition(f: &Finding) -> &'static str {
    let from_arn = f
        .resource_arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':').map(|(p, _)| p));
    let name = from_arn.unwrap_or_else(|| {
        let region = f.region.as_ref().map_or("", |r| r.as_str());
        if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    });
    match name {
        "aws-cn" => "aws-cn",
        "aws-us-gov" => "aws-us-gov",
        "aws-iso" => "aws-us-iso",
        "aws-iso-b" => "aws-us-iso-b",
        _ => "aws",
    }
}

/// The finding's types in ASFF's `namespace/category/classifier` taxonomy (OCSF reuses them
/// as `finding_info.types`): every check is a best-practice configuration check, and the
/// CIS-mapped ones are also an industry standard's.
pub fn finding_types(f: &Finding) -> Vec<&'static str> {
    let mut types = vec!["Software and Configuration Checks/AWS Security Best Practices"];
    if f.compliance.contains_key(&Framework::CisAws3)
        || f.compliance.contains_key(&Framework::CisAws5)
    {
        types.push(
            "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
        );
    }
    types
}

/// Documentation links for the finding's controls (Security Hub documents each FSBP control).
pub fn references(f: &Finding) -> Vec<String> {
    f.compliance
        .get(&Framework::AwsFsbp)
        .into_iter()
        .flatten()
        .filter_map(|id| {
            let (service, n) = id.split_once('.')?;
            let service = service.to_ascii_lowercase();
            Some(format!(
                "https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{service}-{n}"
            ))
        })
        .collect()
}

/// The catalogue text of the finding's check: `(rationale, remediation text, cli)`, or empty
/// strings for a check id the catalogue no longer knows (an old stored finding).
pub(crate) fn catalogue(f: &Finding) -> (&'static str, String, &'static str) {
    match checks::find(&f.check_id) {
        Some(c) => {
            let r = c.meta.remediation;
            let text = match (r.console.is_empty(), r.cli.is_empty()) {
                (false, false) => format!("{} CLI: {}", r.console, r.cli),
                (false, true) => r.console.to_owned(),
                (true, false) => format!("CLI: {}", r.cli),
                (true, true) => String::new(),
            };
            (c.meta.rationale, text, r.cli)
        }
        None => ("", String::new(), ""),
    }
}

/// `s` cut to at most `max` bytes at a character boundary, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let ellipsis = '…';
    let budget = max.saturating_sub(ellipsis.len_utf8());
    let mut end = budget;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = s[..end].to_owned();
    if max >= ellipsis.len_utf8() {
        out.push(ellipsis);
    }
    out
}
