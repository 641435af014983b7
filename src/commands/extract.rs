//! `citecheck extract`: list the citations of documents.

use std::io::IsTerminal;

use anyhow::Result;

use super::{read_documents, write_output, Exit};
use crate::cli::{ExtractArgs, ExtractFormat};

/// Runs `citecheck extract`.
pub fn run(args: ExtractArgs) -> Result<Exit> {
    let docs = read_documents(&args.input, args.output.quiet, args.output.verbose)?;
    let mut citations = Vec::new();
    for doc in &docs {
        citations.extend(citecheck::extract::extract(
            &doc.name, &doc.text, doc.format,
        ));
    }
    let color = args.output.output.is_none() && use_color(std::io::stdout().is_terminal());
    write_output(&args.output, |w| match args.format {
        ExtractFormat::Json => citecheck::report::citations::write_json(w, &citations),
        ExtractFormat::Text => {
            w.write_all(citecheck::report::citations::text(&citations, color).as_bytes())
        }
    })?;
    Ok(Exit::Clean)
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (non-empty).
pub fn use_color(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
