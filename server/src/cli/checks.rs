//! `rampart checks`: the catalogue of checks.

use super::EXIT_OK;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use rampart_engine::checks::{self, Framework};
use std::io::Write;

#[derive(Debug, clap::Args)]
pub struct ChecksArgs {
    /// Only checks mapped to this framework: `cis-aws-3.0` or `aws-fsbp`.
    #[arg(long, value_parser = parse_framework)]
    pub framework: Option<Framework>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    Framework::parse(s).ok_or_else(|| format!("`{s}` is not a framework (cis-aws-3.0, aws-fsbp)"))
}

pub fn list(args: ChecksArgs) -> anyhow::Result<u8> {
    let metas: Vec<_> = checks::registry()
        .into_iter()
        .map(|c| c.meta)
        .filter(|m| args.framework.is_none_or(|f| m.maps_to(f)))
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &metas)?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table.set_header(["Check", "Service", "Severity", "CIS 3.0", "FSBP", "Title"]);
    for m in &metas {
        let ids = |fw: Framework| {
            m.compliance
                .iter()
                .filter(|(f, _)| *f == fw)
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.add_row([
            m.id.to_owned(),
            m.service.to_string(),
            m.severity.to_string(),
            ids(Framework::CisAws3),
            ids(Framework::AwsFsbp),
            m.title.to_owned(),
        ]);
    }
    writeln!(out, "{table}\n{} checks", metas.len())?;
    Ok(EXIT_OK)
}
