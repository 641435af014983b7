//! `citecheck check`: extract, run the pipeline, report.
//!
//! Everything between extraction and the report is
//! [`citecheck::pipeline::run`]; this command only builds its configuration,
//! owns the runtime and the progress bar, and maps the verdicts to the exit
//! status. A machine that cannot resolve any name (canaries included) gets a
//! plain "network unavailable" error (exit 1), never a report full of dead
//! links.

use std::io::IsTerminal;

use anyhow::{Context, Result};
use citecheck::pipeline::{self, PipelineConfig};
use citecheck::progress::Progress;
use citecheck::report::check::{Checked, Summary};

use super::extract::use_color;
use super::{read_documents, write_report, Exit};
use crate::cli::CheckArgs;

/// Runs `citecheck check`.
pub fn run(args: CheckArgs) -> Result<Exit> {
    let settings = args.pipeline.settings()?;
    let config = settings.pipeline;
    let docs = read_documents(&args.input, args.output.quiet, args.output.verbose)?;
    let mut citations = Vec::new();
    for doc in &docs {
        citations.extend(citecheck::extract::extract(
            &doc.name, &doc.text, doc.format,
        ));
    }
    let hidden = args.pipeline.progress_hidden(args.output.quiet);
    let outcome = run_pipeline(citations, &config, hidden)?;
    ensure_network(&outcome, &config, "no citation was judged")?;
    if let Some(e) = &outcome.stats.store_error {
        if !args.output.quiet {
            crate::warn(&format!("history store: {e}"));
        }
    }
    if args.output.verbose {
        print_stats(&outcome.stats);
    }
    let records = outcome.records;
    let color = args.output.output.is_none() && use_color(std::io::stdout().is_terminal());
    let summary = Summary::of(&records);
    let format = args.format.unwrap_or(settings.file.output.format);
    let report = citecheck::report::render(format, &records, &summary, color);
    write_report(&args.output, report.as_bytes())?;
    if let Some(path) = &args.summary {
        super::job_summary::append(path, &records, &summary)?;
    }
    Ok(exit_status(&records, args.strict))
}

/// `--verbose`: what the run cost, on standard error.
pub fn print_stats(stats: &pipeline::Stats) {
    let r = &stats.archive_requests;
    crate::note(&format!(
        "{} distinct URLs: {} checked, {} reused from the history store; \
         archive: {} look-ups ({} reused), {} requests (availability {}, CDX {}, replay {}, memento {}); \
         {} results stored",
        stats.urls,
        stats.checked,
        stats.cached,
        stats.archive_queries,
        stats.archive_cached,
        r.availability + r.cdx + r.replay + r.memento + r.save,
        r.availability,
        r.cdx,
        r.replay,
        r.memento,
        stats.stored,
    ));
}

/// Fails with the plain "network unavailable" error when the run could not
/// resolve any name, saying what was therefore not done (`consequence`).
pub fn ensure_network(
    outcome: &pipeline::Outcome,
    config: &PipelineConfig,
    consequence: &str,
) -> Result<()> {
    if outcome.network_unavailable {
        anyhow::bail!(
            "network unavailable: no host name resolves, not even {} — \
             check the connection (or set HTTPS_PROXY); {consequence}",
            config.check.dns_canaries.join(", ")
        );
    }
    Ok(())
}

/// Runs the pipeline on a fresh runtime with a progress bar on standard error.
pub fn run_pipeline(
    citations: Vec<citecheck::Citation>,
    config: &PipelineConfig,
    hidden: bool,
) -> Result<pipeline::Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let progress = Progress::new(0, hidden);
    let outcome = runtime.block_on(pipeline::run(citations, config, &progress));
    progress.finish();
    Ok(outcome?)
}

/// 0 when nothing is dead (confirmed) or invalid; 2 otherwise (`--strict`:
/// blocked and unreachable count too).
fn exit_status(records: &[Checked], strict: bool) -> Exit {
    let s = Summary::of(records);
    let dead = s.dead - s.unconfirmed;
    let bad = dead + s.invalid + if strict { s.blocked + s.unreachable } else { 0 };
    if bad > 0 {
        Exit::Dead
    } else {
        Exit::Clean
    }
}
