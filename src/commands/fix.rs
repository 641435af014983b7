//! `citecheck fix`: check like `check`, then write archive links back.
//!
//! The command runs exactly the pipeline `check` runs (same flags, same
//! configuration file, same history store), so what `fix` changes is what
//! `check` reported. Each record is turned into an action by
//! [`citecheck::fix::decide`] and each document is rewritten by
//! [`citecheck::fix::fix_text`]; this module only reads, reports and writes.
//!
//! A dry run is the default because rewriting someone's document is not
//! undoable by the tool: it prints a unified diff (the review a person does
//! before `--in-place`) and touches nothing. Each file gets a summary line
//! on standard error either way. A file that cannot be written does not stop
//! the others; it makes the exit status 1. Dead citations left alone (no
//! archive copy) do not: reporting them is `check`'s job, and a script that
//! runs `fix` then `check` gets both answers.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use citecheck::fix::{
    decide, fix_text, unified_diff, write_atomic, BibtexField, FixOptions, Policy, SkipReason,
    Style, Summary,
};
use citecheck::input::{Document, Origin};
use citecheck::report::check::Checked;

use super::check::run_pipeline;
use super::extract::use_color;
use super::{read_documents, write_report, Exit};
use crate::cli::{BibtexArchiveField, FixArgs, FixStyle};

/// Runs `citecheck fix`.
pub fn run(args: FixArgs) -> Result<Exit> {
    if args.in_place && args.input.inputs.iter().any(|i| i == "-") {
        return Ok(usage_error(
            "--in-place cannot write back to standard input; \
             leave it out to get a diff",
        ));
    }
    let config = args.pipeline.to_config()?;
    let quiet = args.output.quiet;
    let docs = read_documents(&args.input, quiet, args.output.verbose)?;
    let mut citations = Vec::new();
    let mut counts = Vec::with_capacity(docs.len());
    for doc in &docs {
        let found = citecheck::extract::extract(&doc.name, &doc.text, doc.format);
        counts.push(found.len());
        citations.extend(found);
    }
    let hidden = args.pipeline.progress_hidden(quiet);
    let outcome = run_pipeline(citations, &config, hidden)?;
    super::check::ensure_network(&outcome, &config, "nothing was changed")?;
    if let Some(e) = &outcome.stats.store_error {
        if !quiet {
            crate::warn(&format!("history store: {e}"));
        }
    }
    let opts = FixOptions {
        style: match args.style {
            FixStyle::Append => Style::Append,
            FixStyle::Replace => Style::Replace,
        },
        bibtex_archive_field: match args.bibtex_archive_field {
            BibtexArchiveField::Archiveurl => BibtexField::ArchiveUrl,
            BibtexArchiveField::Note => BibtexField::Note,
        },
        archive_prefixes: config
            .archive
            .iter()
            .map(|a| a.replay.to_string())
            .collect(),
    };
    let policy = Policy {
        update_moved: args.update_moved,
        repair: args.repair,
        style: opts.style,
    };
    let color = args.output.output.is_none() && use_color(std::io::stdout().is_terminal());
    let mut diffs = String::new();
    let mut failed = false;
    let mut records = outcome.records.into_iter();
    for (doc, n) in docs.iter().zip(counts) {
        let mine: Vec<Checked> = records.by_ref().take(n).collect();
        let decisions = mine.iter().map(|r| (&r.citation, decide(r, &policy)));
        let (new, plan) = match fix_text(&doc.text, doc.format, decisions, &opts) {
            Ok(done) => done,
            Err(e) => {
                error_line(&format!("{}: {e}", doc.name));
                failed = true;
                continue;
            }
        };
        if !args.in_place || args.output.output.is_some() {
            diffs.push_str(&unified_diff(&doc.name, &doc.text, &new, color));
        }
        if args.in_place && new != doc.text {
            if let Err(e) = write_back(doc, &new, args.backup) {
                error_line(&e.to_string());
                failed = true;
                continue;
            }
        }
        if !quiet {
            report_file(&doc.name, &plan.summary);
        }
    }
    if !args.in_place || args.output.output.is_some() {
        write_report(&args.output, diffs.as_bytes())?;
    }
    if !args.in_place && !quiet && !diffs.is_empty() {
        note("dry run: nothing was written; --in-place writes these changes");
    }
    Ok(if failed { Exit::Failure } else { Exit::Clean })
}

/// Replaces the file a document was read from, atomically.
fn write_back(doc: &Document, new: &str, backup: bool) -> Result<(), citecheck::fix::FixError> {
    match &doc.origin {
        Origin::File(path) => write_atomic(path, new.as_bytes(), doc.text.as_bytes(), backup),
        // Refused before the run: standard input is never written back.
        Origin::Stdin => Ok(()),
    }
}

/// The file's summary line, then one line per dead citation left alone
/// (live ones and deliberate exclusions are not news).
fn report_file(name: &str, summary: &Summary) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{name}: {summary}");
    for left in &summary.left_alone {
        let routine = matches!(
            left.reason,
            SkipReason::NotDead(_) | SkipReason::Excluded | SkipReason::AlreadyArchived
        );
        if !routine {
            let _ = writeln!(err, "  line {}: {} — {}", left.line, left.url, left.reason);
        }
    }
}

fn note(message: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{message}");
}

fn error_line(message: &str) {
    let style = anstyle::AnsiColor::Red.on_default().bold();
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{style}error{style:#}: {message}");
}

fn usage_error(message: &str) -> Exit {
    error_line(message);
    Exit::Usage
}
