//! `citecheck archive`: submit cited sources to Save Page Now before they die.
//!
//! The citations are checked first, through the same pipeline as `check`
//! (without archive look-ups): only live sources (alive or moved) are worth
//! preserving, and a dead one would only archive its error page. URLs are
//! deduplicated as the archive matches them. `--if-not-archived-within`
//! spends one batched availability look-up per 100 URLs to skip those with a
//! recent good capture; `--dry-run` stops before submitting.

use std::collections::HashSet;
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use citecheck::archive::{pick, Archive, Outcome, Query, SaveOutcome};
use citecheck::check::Verdict;
use citecheck::pipeline::ArchiveMode;

use super::{read_documents, write_report, Exit};
use crate::cli::ArchiveArgs;

/// Runs `citecheck archive`.
pub fn run(args: ArchiveArgs) -> Result<Exit> {
    let mut config = args.pipeline.to_config()?;
    let docs = read_documents(&args.input, args.output.quiet, args.output.verbose)?;
    let mut citations = Vec::new();
    for doc in &docs {
        citations.extend(citecheck::extract::extract(
            &doc.name, &doc.text, doc.format,
        ));
    }
    let cfg = config.archive.take().unwrap_or_default().keys_from_env();
    config.archive_mode = ArchiveMode::Off;
    let hidden = args.pipeline.progress_hidden(args.output.quiet);
    let outcome = super::check::run_pipeline(citations, &config, hidden)?;
    super::check::ensure_network(&outcome, &config, "nothing was submitted")?;
    let mut seen = HashSet::new();
    let mut urls = Vec::new();
    let mut not_live = 0usize;
    for record in outcome.records {
        if !matches!(record.result.verdict, Verdict::Alive | Verdict::Moved) {
            not_live += 1;
            continue;
        }
        if seen.insert(pick::match_key(&record.citation.url)) {
            urls.push(record.citation.url);
        }
    }
    if not_live > 0 && !args.output.quiet {
        crate::warn(&format!(
            "{not_live} citation{} not live (dead, blocked, unreachable…) left alone: \
             `citecheck check` says why",
            if not_live == 1 { "" } else { "s" }
        ));
    }
    let within = args
        .if_not_archived_within
        .as_deref()
        .map(parse_age)
        .transpose()?;
    let archive = Archive::new(cfg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let todo = match within {
            Some(days) => not_archived_within(&archive, urls, days).await,
            None => urls,
        };
        let mut out = String::new();
        for url in &todo {
            if args.dry_run {
                let _ = writeln!(out, "would submit  {url}");
                continue;
            }
            let line = match archive.save(url).await {
                SaveOutcome::Saved { url: snap, .. } => format!("saved         {url}\n  -> {snap}"),
                SaveOutcome::Pending { job_id } => format!("pending       {url} (job {job_id})"),
                SaveOutcome::Failed(why) => format!("failed        {url}: {why}"),
                SaveOutcome::Deferred(why) => format!("deferred      {url}: {why}"),
            };
            let _ = writeln!(out, "{line}");
        }
        out
    });
    write_report(&args.output, report.as_bytes())?;
    Ok(Exit::Clean)
}

/// Keeps the URLs without a good capture newer than `days` days.
async fn not_archived_within(archive: &Archive, urls: Vec<String>, days: i64) -> Vec<String> {
    let queries: Vec<Query> = urls.iter().map(|u| Query::new(u.as_str(), None)).collect();
    let outcomes = archive.lookup_many(&queries).await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    urls.into_iter()
        .zip(outcomes)
        .filter(|(_, o)| match o {
            Outcome::Found(s) => pick::timestamp_day(&s.timestamp)
                .and_then(|d| d.until(today).ok())
                .is_none_or(|age| i64::from(age.get_days()) > days),
            _ => true,
        })
        .map(|(u, _)| u)
        .collect()
}

/// `30d`, `6m`, `1y` (months of 30 days, years of 365) as days.
fn parse_age(s: &str) -> Result<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .with_context(|| format!("{s:?}: expected a number and d, w, m or y"))?;
    let per = match unit {
        "d" | "" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => bail!("{s:?}: unknown unit {unit:?} (use d, w, m or y)"),
    };
    Ok(n.saturating_mul(per))
}

#[cfg(test)]
mod tests {
    use super::parse_age;

    #[test]
    fn ages() {
        assert_eq!(parse_age("1y").ok(), Some(365));
        assert_eq!(parse_age("6m").ok(), Some(180));
        assert_eq!(parse_age("2w").ok(), Some(14));
        assert_eq!(parse_age("10").ok(), Some(10));
        assert!(parse_age("y").is_err());
        assert!(parse_age("3h").is_err());
    }
}
