//! AWS Config coverage of one region: a recorder, what it records, and where it delivers.

use super::{ConfigCoverage, Level};
use crate::inventory::{Inventory, Recorder};
use crate::types::Region;

/// Whether some region records global resource types (IAM): `None` when a region's
/// configuration could not be read and none of the readable ones does.
pub(super) fn global_types_recorded(inv: &Inventory) -> Option<bool> {
    let config = inv.config.as_ref()?;
    let recorded = config
        .values()
        .filter_map(|r| r.as_ref().ok())
        .flat_map(|r| &r.recorders)
        .any(|rec| rec.recording && rec.all_supported && rec.include_global_resource_types);
    if recorded {
        Some(true)
    } else if config.values().any(Result::is_err) {
        None
    } else {
        Some(false)
    }
}

fn unknown(gap: String) -> ConfigCoverage {
    ConfigCoverage {
        level: Level::Unknown,
        recorder: false,
        recording: false,
        all_supported: false,
        global_types: false,
        delivery_channel: false,
        gaps: vec![gap],
    }
}

/// AWS Config's coverage of `region`; `global_types` from [`global_types_recorded`].
pub(super) fn config_coverage(
    inv: &Inventory,
    region: &Region,
    global_types: Option<bool>,
) -> ConfigCoverage {
    let Some(config) = &inv.config else {
        return unknown("AWS Config was not collected in this scan".to_owned());
    };
    let data = match config.get(region) {
        None => return unknown(format!("AWS Config in `{region}` was not scanned")),
        Some(Err(e)) => {
            return unknown(format!(
                "the AWS Config settings of `{region}` could not be read ({e})"
            ));
        }
        Some(Ok(data)) => data,
    };
    let delivery_channel = !data.delivery_channels.is_empty();
    // One recorder per region in practice; prefer the one doing the most.
    let Some(rec) = data
        .recorders
        .iter()
        .max_by_key(|r: &&Recorder| (r.recording, r.all_supported))
    else {
        return ConfigCoverage {
            level: Level::None,
            recorder: false,
            recording: false,
            all_supported: false,
            global_types: false,
            delivery_channel,
            gaps: vec!["no configuration recorder".to_owned()],
        };
    };
    let mut gaps = Vec::new();
    if !rec.recording {
        gaps.push(format!("recorder `{}` is stopped", rec.name));
    }
    if !rec.all_supported {
        gaps.push(format!(
            "recorder `{}` records only {} selected resource types",
            rec.name,
            rec.resource_types.len()
        ));
    }
    let failed = rec.recording && rec.last_status.as_deref() == Some("FAILURE");
    if failed {
        gaps.push(format!(
            "the last recording of `{}` failed ({})",
            rec.name,
            rec.last_error_code.as_deref().unwrap_or("unknown error")
        ));
    }
    if !delivery_channel {
        gaps.push("no delivery channel".to_owned());
    }
    let full = gaps.is_empty();
    if global_types == Some(false) {
        gaps.push(
            "no region of the account records global resource types (IAM users, roles, policies)"
                .to_owned(),
        );
    }
    ConfigCoverage {
        level: if full { Level::Full } else { Level::Partial },
        recorder: true,
        recording: rec.recording,
        all_supported: rec.all_supported,
        global_types: rec.include_global_resource_types,
        delivery_channel,
        gaps,
    }
}
