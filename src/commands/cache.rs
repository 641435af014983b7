//! `citecheck cache …`: look after the history store.
//!
//! Also home of [`store_path`], the one place that turns `--cache PATH` (or
//! its absence) into the store's file, so every subcommand agrees on it.

use std::path::PathBuf;

use anyhow::Result;
use citecheck::store::{format_duration, Store};

use super::{write_report, Exit};
use crate::cli::{CacheAction, CacheArgs, CacheInfoArgs, CacheLocation, OutputArgs, PruneArgs};

/// The store file: `--cache PATH`, else the platform default.
pub fn store_path(location: &CacheLocation) -> Result<PathBuf> {
    match &location.cache {
        Some(path) => Ok(path.clone()),
        None => Ok(citecheck::store::default_path()?),
    }
}

/// Runs `citecheck cache`.
pub fn run(args: CacheArgs) -> Result<Exit> {
    match args.action {
        CacheAction::Prune(args) => prune(args),
        CacheAction::Info(args) => info(args),
    }
}

fn stdout() -> OutputArgs {
    OutputArgs {
        output: None,
        quiet: false,
        verbose: false,
    }
}

fn prune(args: PruneArgs) -> Result<Exit> {
    let path = store_path(&args.store)?;
    let age = format_duration(args.older_than);
    let removed = if path.try_exists().unwrap_or(true) {
        let mut store = Store::open(&path)?;
        let removed = store.prune(args.older_than, jiff::Timestamp::now())?;
        if args.vacuum {
            store.vacuum()?;
        }
        removed
    } else {
        0
    };
    let rows = if removed == 1 { "row" } else { "rows" };
    let line = format!(
        "removed {removed} {rows} older than {age} from {}\n",
        path.display()
    );
    write_report(&stdout(), line.as_bytes())?;
    Ok(Exit::Clean)
}

fn info(args: CacheInfoArgs) -> Result<Exit> {
    let path = store_path(&args.store)?;
    let line = if path.try_exists().unwrap_or(true) {
        let store = Store::open(&path)?;
        let counts = store.counts()?;
        format!(
            "{}: schema version {}, {} checks, {} archive look-ups\n",
            path.display(),
            store.schema_version()?,
            counts.checks,
            counts.archive_lookups
        )
    } else {
        format!("{}: not created yet\n", path.display())
    };
    write_report(&stdout(), line.as_bytes())?;
    Ok(Exit::Clean)
}
