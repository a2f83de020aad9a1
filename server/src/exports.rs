//! The encodings of stored findings for export, one row at a time: CSV, JSON (the scan
//! schema's finding objects), OCSF Detection Findings and ASFF findings. The web's streamed
//! exports and `rampart report` write the same bytes with them.

use crate::store::ExportRow;
use chrono::{DateTime, Utc};
use rampart_engine::formats::{self, Context};

/// The columns of the CSV export; a muted finding's status is `MUTED` and the last three
/// columns hold its mute (empty otherwise).
pub const CSV_HEADER: [&str; 16] = [
    "account_id",
    "account_name",
    "check_id",
    "title",
    "service",
    "severity",
    "status",
    "region",
    "resource_arn",
    "resource_type",
    "message",
    "compliance",
    "evidence",
    "mute_reason",
    "mute_owner",
    "mute_expires_at",
];

/// Appends one row to the body (`first`: no row was written before); returns whether it
/// wrote anything.
pub type Encode = fn(&mut Vec<u8>, &ExportRow, bool) -> bool;

/// The CSV export's header line.
pub fn csv_head() -> Vec<u8> {
    let mut head = Vec::new();
    csv_line(&mut head, CSV_HEADER);
    head
}

fn csv_line(buf: &mut Vec<u8>, fields: [&str; 16]) {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let _ = w.write_record(fields);
    if let Ok(bytes) = w.into_inner() {
        buf.extend_from_slice(&bytes);
    }
}

pub fn csv_row(buf: &mut Vec<u8>, r: &ExportRow, _first: bool) -> bool {
    let row = &r.row;
    let compliance = row.controls.join(" ");
    let mute = row.mute.as_ref();
    csv_line(
        buf,
        [
            row.account_id.as_str(),
            row.account_name.as_str(),
            row.check_id.as_str(),
            row.title.as_str(),
            row.service.as_str(),
            row.severity.as_str(),
            row.status.as_str(),
            row.region.as_str(),
            row.resource_arn.as_str(),
            row.resource_type.as_str(),
            row.message.as_str(),
            compliance.as_str(),
            r.evidence.as_str(),
            mute.map_or("", |m| m.reason.as_str()),
            mute.map_or("", |m| m.owner.as_str()),
            mute.map_or("", |m| m.expires_at.as_str()),
        ],
    );
    true
}

/// A finding of a snapshot (never muted; its account id stands for its name) in the
/// columns of [`CSV_HEADER`].
pub fn csv_finding(buf: &mut Vec<u8>, f: &rampart_engine::Finding) {
    let compliance = f
        .compliance
        .iter()
        .flat_map(|(fw, ids)| ids.iter().map(move |id| format!("{}:{id}", fw.key())))
        .collect::<Vec<_>>()
        .join(" ");
    let evidence = f.evidence.to_string();
    csv_line(
        buf,
        [
            f.account_id.as_str(),
            f.account_id.as_str(),
            &f.check_id,
            &f.title,
            f.service.as_str(),
            f.severity.as_str(),
            f.status.as_str(),
            f.region.as_ref().map_or("", |r| r.as_str()),
            &f.resource_arn,
            &f.resource_type,
            &f.message,
            &compliance,
            &evidence,
            "",
            "",
            "",
        ],
    );
}

pub fn json_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    array_item(buf, &r.to_schema_json(), first)
}

fn array_item(buf: &mut Vec<u8>, doc: &serde_json::Value, first: bool) -> bool {
    if !first {
        buf.push(b',');
    }
    buf.push(b'\n');
    let _ = serde_json::to_writer(&mut *buf, doc);
    true
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Encodes a row with one of the engine's formats; a row that no longer parses as a finding
/// is logged and left out.
fn formatted(
    buf: &mut Vec<u8>,
    r: &ExportRow,
    first: bool,
    format: fn(&rampart_engine::Finding, &Context<'_>) -> serde_json::Value,
) -> bool {
    let Some(finding) = r.to_finding() else {
        tracing::warn!(
            key_id = r.row.key_id,
            "finding left out of the export: it no longer parses"
        );
        return false;
    };
    let scanned_at = time(r.collected_at.as_deref()).unwrap_or_else(Utc::now);
    let ctx = Context {
        first_seen: time(r.first_seen_at.as_deref()),
        last_seen: time(r.last_seen_at.as_deref()),
        muted: r.muted(),
        ..Context::new(scanned_at, env!("CARGO_PKG_VERSION"))
    };
    array_item(buf, &format(&finding, &ctx), first)
}

pub fn ocsf_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    formatted(buf, r, first, formats::to_ocsf)
}

pub fn asff_row(buf: &mut Vec<u8>, r: &ExportRow, first: bool) -> bool {
    formatted(buf, r, first, formats::to_asff)
}
