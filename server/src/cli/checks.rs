//! `rampart checks`: the catalogue of checks and the controls they answer.

use super::EXIT_OK;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rampart_engine::checks::{self, CheckMeta, Framework};
use rampart_engine::frameworks::{ControlKind, catalog};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct ChecksArgs {
    /// Only checks mapped to this framework (`cis-aws-3.0`, `cis-aws-5.0`, `aws-fsbp`,
    /// `nist-800-53-r5`, `pci-dss-4.0`, `hipaa`); its manual and not covered controls follow
    /// the table.
    #[arg(long, value_parser = parse_framework)]
    pub framework: Option<Framework>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    Framework::parse(s).ok_or_else(|| {
        let keys: Vec<&str> = Framework::ALL.iter().map(|f| f.key()).collect();
        format!("`{s}` is not a framework ({})", keys.join(", "))
    })
}

/// A check as `--json` prints it: its description and the controls it answers.
#[derive(Serialize)]
struct Entry {
    #[serde(flatten)]
    meta: CheckMeta,
    compliance: BTreeMap<Framework, Vec<String>>,
}

pub fn list(args: ChecksArgs) -> anyhow::Result<u8> {
    let entries: Vec<Entry> = checks::registry()
        .into_iter()
        .map(|c| Entry {
            compliance: c.meta.compliance_map(),
            meta: c.meta,
        })
        .filter(|e| args.framework.is_none_or(|f| e.compliance.contains_key(&f)))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &entries)?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let controls_head = args.framework.map_or("Controls", |f| f.short());
    table.set_header(["Check", "Service", "Severity", controls_head, "Title"]);
    for e in &entries {
        let controls = match args.framework {
            Some(f) => e.compliance.get(&f).cloned().unwrap_or_default().join(", "),
            None => e
                .compliance
                .iter()
                .map(|(f, ids)| format!("{} {}", f.short(), ids.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        };
        table.add_row([
            e.meta.id.to_owned(),
            e.meta.service.to_string(),
            e.meta.severity.to_string(),
            controls,
            e.meta.title.to_owned(),
        ]);
    }
    writeln!(out, "{table}\n{} checks", entries.len())?;
    if let Some(framework) = args.framework {
        let catalog = catalog().map_err(|e| anyhow::anyhow!("{e}"))?;
        if let Some(data) = catalog.framework(framework) {
            for (label, manual) in [("Manual", true), ("Not covered by Rampart", false)] {
                let ids: Vec<&str> = data
                    .controls
                    .iter()
                    .filter(|c| match c.kind {
                        ControlKind::Manual { .. } => manual,
                        ControlKind::NotCovered { .. } => !manual,
                        ControlKind::Automated { .. } => false,
                    })
                    .map(|c| c.id.as_str())
                    .collect();
                if !ids.is_empty() {
                    writeln!(out, "{label} ({}): {}", ids.len(), ids.join(", "))?;
                }
            }
        }
    }
    Ok(EXIT_OK)
}
