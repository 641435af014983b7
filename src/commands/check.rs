//! `citecheck check`: extract, check every distinct URL once, report.
//!
//! The command turns its arguments into a [`CheckConfig`], runs the checker
//! on a Tokio runtime while feeding a progress bar from the result stream,
//! and maps the verdicts to the exit status. A machine that cannot resolve
//! any name (canaries included) gets a plain "network unavailable" error
//! (exit 1), never a report full of dead links.

use std::collections::HashMap;
use std::io::IsTerminal;

use anyhow::{Context, Result};
use citecheck::check::{
    parse_host_override, parse_resolve, CheckConfig, CheckResult, Checker, RunSummary, Verdict,
};
use citecheck::report::check::{Checked, Summary};

use super::extract::use_color;
use super::{read_documents, write_report, Exit};
use crate::cli::CheckArgs;

/// Runs `citecheck check`.
pub fn run(args: CheckArgs) -> Result<Exit> {
    let config = match config(&args) {
        Ok(c) => c,
        Err(message) => return Ok(usage_error(&message)),
    };
    let checker = match Checker::new(config) {
        Ok(c) => c,
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    let docs = read_documents(&args.input, args.output.quiet)?;
    let mut citations = Vec::new();
    for doc in &docs {
        citations.extend(citecheck::extract::extract(
            &doc.name, &doc.text, doc.format,
        ));
    }
    let urls: Vec<String> = citations.iter().map(|c| c.url.clone()).collect();
    let hidden = args.no_progress || args.output.quiet || !std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (results, summary) = runtime.block_on(check_with_progress(&checker, urls, hidden));
    if summary.network_unavailable {
        anyhow::bail!(
            "network unavailable: no host name resolves, not even {} — \
             check the connection (or set HTTPS_PROXY); no citation was judged",
            checker.canaries().join(", ")
        );
    }
    let records: Vec<Checked> = citations
        .into_iter()
        .map(|citation| {
            let result = results
                .get(&citation.url)
                .cloned()
                .unwrap_or_else(|| CheckResult::plain(Verdict::Unreachable, "not checked"));
            Checked {
                citation,
                result,
                archive: None,
            }
        })
        .collect();
    let color = args.output.output.is_none() && use_color(std::io::stdout().is_terminal());
    let summary = Summary::of(&records);
    let report = citecheck::report::render(args.format, &records, &summary, color);
    write_report(&args.output, report.as_bytes())?;
    if let Some(path) = &args.summary {
        super::job_summary::append(path, &records, &summary)?;
    }
    Ok(exit_status(&summary, args.strict))
}

/// Runs the checker, advancing the progress bar as results arrive.
async fn check_with_progress(
    checker: &Checker,
    urls: Vec<String>,
    hidden: bool,
) -> (HashMap<String, CheckResult>, RunSummary) {
    let mut distinct = urls.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut progress = citecheck::progress::Progress::new(distinct.len(), hidden);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, CheckResult)>(256);
    let collect = async {
        let mut out = HashMap::new();
        while let Some((url, result)) = rx.recv().await {
            progress.record(matches!(result.verdict, Verdict::Dead));
            out.insert(url, result);
        }
        out
    };
    let (summary, out) = tokio::join!(checker.run(distinct, tx), collect);
    progress.finish();
    (out, summary)
}

/// 0 when nothing is dead or invalid; 2 otherwise (`--strict`: blocked and
/// unreachable count too).
fn exit_status(s: &Summary, strict: bool) -> Exit {
    let bad = s.dead + s.invalid + if strict { s.blocked + s.unreachable } else { 0 };
    if bad > 0 {
        Exit::Dead
    } else {
        Exit::Clean
    }
}

fn usage_error(message: &str) -> Exit {
    use std::io::Write;
    let style = anstyle::AnsiColor::Red.on_default().bold();
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{style}error{style:#}: {message}");
    Exit::Usage
}

/// Builds the library configuration from the arguments.
fn config(args: &CheckArgs) -> Result<CheckConfig, String> {
    let mut c = CheckConfig {
        timeout: args.timeout,
        deadline: args.deadline,
        max_retries: args.max_retries,
        max_redirects: args.max_redirects,
        backoff: args.retry_backoff,
        max_retry_wait: args.max_retry_wait,
        concurrency: args.concurrency as usize,
        insecure: args.insecure,
        probe: !args.no_probe,
        headers: args.header.clone(),
        resolve: args.resolve.clone(),
        ..CheckConfig::default()
    };
    c.host.concurrency = args.host_concurrency as usize;
    c.host.interval = args.host_interval;
    for spec in &args.hosts {
        let (host, settings) = parse_host_override(spec, c.host)?;
        c.host_overrides.insert(host, settings);
    }
    if let Some(ua) = &args.user_agent {
        c.user_agent = ua.clone();
    }
    if !args.dns_canary.is_empty() {
        c.dns_canaries = args.dns_canary.clone();
    }
    for re in &args.exclude {
        c.exclude
            .push(regex::Regex::new(re).map_err(|e| format!("invalid --exclude {re:?}: {e}"))?);
    }
    for path in &args.cacert {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read --cacert {}: {e}", path.display()))?;
        c.cacerts.push(pem);
    }
    if let Some(path) = &args.resolve_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read --resolve-file {}: {e}", path.display()))?;
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with('#') {
                c.resolve.push(parse_resolve(line)?);
            }
        }
    }
    Ok(c)
}
