//! `rampart mutes apply FILE` (the mutes file kept in version control becomes the
//! database's file-made mutes) and `rampart mutes list`.

use super::{EXIT_OK, EXIT_USAGE};
use anyhow::Context;
use rampart::config::{Config, Overrides};
use rampart::mutes::{MuteFileError, apply_file};
use rampart::store::{Scope, Store};
use rampart_app::model::MuteInfo;
use std::path::PathBuf;

#[derive(Debug, clap::Subcommand)]
pub enum MutesCommand {
    /// Make the database's file-made mutes equal to FILE (TOML, one `[[mute]]` per mute with
    /// account, check, optional resource, reason, owner, expires). Adds, updates and removes
    /// only mutes that came from a file; mutes made in the dashboard are left alone. Every
    /// entry is checked first: one bad entry and nothing changes (exit status 2).
    #[command(after_help = "Example entry:\n\n\
[[mute]]\n\
account = \"111122223333\"\n\
check = \"s3_versioning_enabled\"\n\
resource = \"arn:aws:s3:::legacy-*\"   # optional: exact ARN or glob with *; absent: the whole check\n\
reason = \"Legacy buckets, being migrated (SEC-123)\"\n\
owner = \"platform@example.com\"\n\
expires = 2026-12-31                 # the findings are FAIL again from that day (UTC); at most a year away")]
    Apply(ApplyArgs),
    /// List the mutes (in force and expired).
    List(ListArgs),
}

/// Where the database is (as `rampart import`).
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// Configuration file (for the database URL).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL or SQLite file [default: rampart.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The mutes file (TOML).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

async fn open(db: DbArgs) -> anyhow::Result<Store> {
    let config = Config::load(
        db.config.as_deref(),
        |k| std::env::var(k).ok(),
        &Overrides {
            listen: None,
            database_url: db.database_url,
        },
    )?;
    Store::open(&config.database_url)
        .await
        .context("opening the database")
}

pub async fn run(cmd: MutesCommand) -> anyhow::Result<u8> {
    match cmd {
        MutesCommand::Apply(args) => apply(args).await,
        MutesCommand::List(args) => list(args).await,
    }
}

fn describe(m: &MuteInfo) -> String {
    format!(
        "{} {} {} (until {}, owner {})",
        m.account_id,
        m.check_id,
        m.resource.as_deref().unwrap_or("*"),
        m.expires_at,
        m.owner
    )
}

async fn apply(args: ApplyArgs) -> anyhow::Result<u8> {
    let name = args.file.display().to_string();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("rampart: reading `{name}`: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let store = open(args.db).await?;
    let result = apply_file(&store, &name, &text).await;
    store.close().await;
    let report = match result {
        Ok(r) => r,
        Err(MuteFileError::Store(e)) => {
            return Err(e).with_context(|| format!("applying `{name}`"));
        }
        Err(e) => {
            eprintln!("rampart: `{name}` was not applied, nothing changed: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    for m in &report.added {
        println!("+ {}", describe(m));
    }
    for (_, m) in &report.updated {
        println!("~ {}", describe(m));
    }
    for m in &report.removed {
        println!("- {}", describe(m));
    }
    println!(
        "{}: {} added, {} updated, {} removed, {} unchanged.",
        name,
        report.added.len(),
        report.updated.len(),
        report.removed.len(),
        report.unchanged
    );
    Ok(EXIT_OK)
}

async fn list(args: ListArgs) -> anyhow::Result<u8> {
    let store = open(args.db).await?;
    let mutes = store.mutes(&Scope::All).await;
    store.close().await;
    let mutes = mutes?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&mutes)?);
        return Ok(EXIT_OK);
    }
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header([
            "Id",
            "State",
            "Account",
            "Check",
            "Resources",
            "Expires",
            "Owner",
            "Reason",
            "Source",
        ]);
    for m in &mutes {
        table.add_row([
            m.id.to_string(),
            if m.active { "in force" } else { "expired" }.to_owned(),
            m.account_id.clone(),
            m.check_id.clone(),
            m.resource.clone().unwrap_or_else(|| "*".into()),
            m.expires_at.clone(),
            m.owner.clone(),
            m.reason.clone(),
            m.source.clone(),
        ]);
    }
    println!("{table}");
    Ok(EXIT_OK)
}
