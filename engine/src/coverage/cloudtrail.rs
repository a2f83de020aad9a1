//! CloudTrail coverage of one region: which trails record it, and what they record.

use super::{Level, TrailCoverage};
use crate::checks::cloudtrail::management_coverage;
use crate::inventory::{CloudTrailInventory, EventSelectors, FetchError, Inventory, Trail};
use crate::types::Region;

/// The trails whose events include `region`'s (multi-region trails and those homed there).
pub(super) fn covering<'a>(
    trails: &'a [Trail],
    region: &'a Region,
) -> impl Iterator<Item = &'a Trail> {
    trails.iter().filter(move |t| t.covers(region))
}

/// Why the trails of `region` may be incomplete: its `DescribeTrails` failed or was not made.
pub(super) fn listing_problem(ct: &CloudTrailInventory, region: &Region) -> Option<String> {
    match ct.regions.get(region) {
        Some(Ok(_)) => None,
        Some(Err(e)) => Some(format!(
            "the trails of `{region}` could not be listed ({e})"
        )),
        None => Some(format!(
            "the trails of `{region}` were not listed in this scan"
        )),
    }
}

/// Whether the selectors record any data events.
fn records_data_events(sel: &EventSelectors) -> bool {
    sel.basic.iter().any(|s| !s.data_resources.is_empty())
        || sel.advanced.iter().any(|a| {
            a.field_selectors
                .iter()
                .any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == "Data"))
        })
}

/// What one trail with a readable status and selectors records.
struct Facts<'a> {
    name: &'a str,
    logging: bool,
    read: bool,
    write: bool,
    data: bool,
    validation: bool,
    kms: bool,
    cloudwatch_logs: bool,
    delivery_error: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn of(t: &'a Trail) -> Result<Self, &'a FetchError> {
        let status = t.status.as_ref()?;
        let selectors = t.selectors.as_ref()?;
        let management = management_coverage(selectors);
        let delivery_error = status.latest_cloudwatch_logs_delivery_error.as_deref();
        Ok(Facts {
            name: &t.name,
            logging: status.is_logging,
            read: management.read,
            write: management.write,
            data: records_data_events(selectors),
            validation: t.log_file_validation,
            kms: t.kms_key_id.is_some(),
            cloudwatch_logs: t.log_group_arn.is_some() && delivery_error.is_none(),
            delivery_error: t.log_group_arn.as_ref().and(delivery_error),
        })
    }

    fn complete(&self) -> bool {
        self.logging
            && self.read
            && self.write
            && self.validation
            && self.kms
            && self.cloudwatch_logs
    }
}

fn unknown(gap: String) -> TrailCoverage {
    TrailCoverage {
        level: Level::Unknown,
        trails: vec![],
        logging: false,
        management_read: false,
        management_write: false,
        data_events: false,
        log_file_validation: false,
        kms_encrypted: false,
        cloudwatch_logs: false,
        gaps: vec![gap],
    }
}

/// CloudTrail's coverage of `region`.
pub(super) fn trail_coverage(inv: &Inventory, region: &Region) -> TrailCoverage {
    let Some(ct) = &inv.cloudtrail else {
        return unknown("CloudTrail was not collected in this scan".to_owned());
    };
    let trails: Vec<&Trail> = covering(&ct.trails, region).collect();
    let mut facts = Vec::new();
    let mut unreadable = Vec::new();
    for t in &trails {
        match Facts::of(t) {
            Ok(f) => facts.push(f),
            Err(e) => unreadable.push(format!(
                "the status or event selectors of trail `{}` could not be read ({e})",
                t.name
            )),
        }
    }
    // A stopped trail records nothing, so only logging trails count; when none is logging,
    // show what the stopped ones would record so the single missing piece stands out.
    let logging: Vec<&Facts> = facts.iter().filter(|f| f.logging).collect();
    let basis: Vec<&Facts> = if logging.is_empty() {
        facts.iter().collect()
    } else {
        logging.clone()
    };
    let any = |p: fn(&Facts) -> bool| basis.iter().any(|f| p(f));
    let mut cov = TrailCoverage {
        level: Level::Partial,
        trails: trails.iter().map(|t| t.name.clone()).collect(),
        logging: !logging.is_empty(),
        management_read: any(|f| f.read),
        management_write: any(|f| f.write),
        data_events: any(|f| f.data),
        log_file_validation: any(|f| f.validation),
        kms_encrypted: any(|f| f.kms),
        cloudwatch_logs: any(|f| f.cloudwatch_logs),
        gaps: vec![],
    };
    if facts.iter().any(Facts::complete) {
        cov.level = Level::Full;
        return cov;
    }
    let listing = listing_problem(ct, region);
    if trails.is_empty() {
        match listing {
            Some(problem) => {
                cov.level = Level::Unknown;
                cov.gaps.push(problem);
            }
            None => {
                cov.level = Level::None;
                cov.gaps.push("no trail records this region".to_owned());
            }
        }
        return cov;
    }
    // Unreadable trails or regions might hold the trail that covers everything.
    if listing.is_some() || !unreadable.is_empty() {
        cov.level = Level::Unknown;
    }
    cov.gaps.extend(listing);
    cov.gaps.extend(unreadable);
    if facts.is_empty() {
        return cov;
    }
    if !cov.logging {
        cov.gaps.extend(
            facts
                .iter()
                .map(|f| format!("trail `{}` is not logging", f.name)),
        );
    }
    let missing = [
        (cov.management_read, "management read events not recorded"),
        (cov.management_write, "management write events not recorded"),
        (cov.log_file_validation, "log file validation is off"),
        (
            cov.kms_encrypted,
            "log files are not encrypted with a KMS key",
        ),
    ];
    cov.gaps.extend(
        missing
            .iter()
            .filter(|(ok, _)| !ok)
            .map(|(_, gap)| (*gap).to_owned()),
    );
    if !cov.cloudwatch_logs {
        let failing = basis
            .iter()
            .find_map(|f| f.delivery_error.map(|e| (f.name, e)));
        cov.gaps.push(match failing {
            Some((name, error)) => {
                format!("trail `{name}` fails to deliver to CloudWatch Logs ({error})")
            }
            None => "events are not delivered to CloudWatch Logs".to_owned(),
        });
    }
    if cov.logging
        && cov.management_read
        && cov.management_write
        && cov.log_file_validation
        && cov.kms_encrypted
        && cov.cloudwatch_logs
    {
        cov.gaps.push("no single logging trail combines management read and write events, log file validation, KMS encryption and CloudWatch Logs delivery".to_owned());
    }
    cov
}
