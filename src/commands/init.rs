//! `citecheck init`: write the configuration template.
//!
//! The template is [`citecheck::config::TEMPLATE`], which a library test
//! parses back to the defaults, so what `init` writes never drifts from what
//! citecheck does without a file. An existing file is never replaced without
//! `--force`: it may hold a project's careful settings.

use std::io::Write;

use anyhow::{Context, Result};
use citecheck::pipeline::PipelineError;

use super::Exit;
use crate::cli::InitArgs;

/// Runs `citecheck init`.
pub fn run(args: InitArgs) -> Result<Exit> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(&args.path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(PipelineError::Config(format!(
                "{} exists; use --force to replace it",
                args.path.display()
            ))
            .into());
        }
        other => other.with_context(|| format!("cannot create {}", args.path.display()))?,
    };
    file.write_all(citecheck::config::TEMPLATE.as_bytes())
        .with_context(|| format!("cannot write {}", args.path.display()))?;
    eprintln!("wrote {}", args.path.display());
    Ok(Exit::Clean)
}
