//! The `extract` report: citations as found, for people (text) and machines (JSON).

use std::fmt::Write as _;

use serde::Serialize;

use crate::citation::Citation;

#[derive(Serialize)]
struct ExtractJson<'a> {
    schema: &'static str,
    citations: &'a [Citation],
}

/// Writes the `citecheck/1` JSON document of an `extract` run, streaming so
/// that a report of 200,000 citations is never held in memory as one string.
pub fn write_json(out: &mut dyn std::io::Write, citations: &[Citation]) -> std::io::Result<()> {
    let doc = ExtractJson {
        schema: super::SCHEMA,
        citations,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// The text report: grouped by file, one aligned line per citation (note
/// label, line:column, cited date, URL), repairs noted after the URL.
pub fn text(citations: &[Citation], color: bool) -> String {
    let mut out = String::new();
    let bold = anstyle::Style::new().bold();
    let dim = anstyle::Style::new().dimmed();
    let (bold, dim) = if color {
        (bold, dim)
    } else {
        (anstyle::Style::new(), anstyle::Style::new())
    };
    let mut files = 0;
    for group in citations.chunk_by(|a, b| a.source == b.source) {
        files += 1;
        let label_w = group
            .iter()
            .map(|c| label(c).chars().count())
            .max()
            .unwrap_or(1);
        let loc_w = group.iter().map(|c| loc(c).len()).max().unwrap_or(1);
        let n = group.len();
        let source = &group[0].source;
        let _ = writeln!(out, "{bold}{source}{bold:#} ({n} citation{})", plural(n));
        for c in group {
            let cited = c.cited.map_or_else(|| "-".to_string(), |d| d.to_string());
            let _ = write!(
                out,
                "  {:<label_w$}  {:<loc_w$}  {:<10}  {}",
                label(c),
                loc(c),
                cited,
                c.url
            );
            if !c.repairs.is_empty() {
                let _ = write!(out, "  {dim}(repaired: {}){dim:#}", c.repairs.join(", "));
            }
            out.push('\n');
        }
    }
    let total = citations.len();
    let _ = writeln!(
        out,
        "{total} citation{} in {files} file{}",
        plural(total),
        plural(files)
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn label(c: &Citation) -> String {
    match &c.footnote {
        Some(l) => l.clone(),
        None => c.kind.name().to_string(),
    }
}

fn loc(c: &Citation) -> String {
    format!("{}:{}", c.line, c.column)
}
