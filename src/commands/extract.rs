//! `citecheck extract`: list the citations of documents.
//!
//! Documents are read, extracted and reported one at a time, and a large
//! document's citations are written as its chunks come out of the parser, so
//! memory holds one document and a few chunks' citations, not the report.

use std::io::IsTerminal;

use anyhow::Result;

use super::{read_document, write_output, Exit};
use crate::cli::{ExtractArgs, ExtractFormat};
use citecheck::extract::{extract_prepared, Split};
use citecheck::report::citations::{text_file, text_summary, Encoded, JsonStream};

/// Runs `citecheck extract`.
pub fn run(args: ExtractArgs) -> Result<Exit> {
    let sources = citecheck::input::collect(&args.input.inputs)?;
    let (quiet, verbose) = (args.output.quiet, args.output.verbose);
    let color = args.output.output.is_none() && use_color(std::io::stdout().is_terminal());
    let split = Split::default();
    write_output(&args.output, |w| {
        let docs = sources
            .iter()
            .filter_map(|src| read_document(src, &args.input, quiet, verbose));
        match args.format {
            ExtractFormat::Json => {
                let mut json = JsonStream::begin(w)?;
                for doc in docs {
                    extract_prepared(
                        &doc.name,
                        &doc.text,
                        doc.format,
                        split,
                        |batch| Encoded::new(&batch),
                        |encoded, dropped| json.write_encoded(w, &encoded?, dropped),
                    )?;
                }
                json.finish(w)
            }
            ExtractFormat::Text => {
                let (mut total, mut files) = (0, 0);
                for doc in docs {
                    let all = citecheck::extract::extract(&doc.name, &doc.text, doc.format);
                    if !all.is_empty() {
                        total += all.len();
                        files += 1;
                        w.write_all(text_file(&all, color).as_bytes())?;
                    }
                }
                w.write_all(text_summary(total, files).as_bytes())
            }
        }
    })?;
    Ok(Exit::Clean)
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (non-empty).
pub fn use_color(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
