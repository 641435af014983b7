//! Golden files for `fix`: each `fixtures/fix/NAME.EXT` goes through the
//! real extractor, every citation gets an archive copy (the Wayback URL the
//! archive stage's mock answers with, captured 2017-10-27), and the result
//! must equal `NAME.expected.EXT` byte for byte. A second run must change
//! nothing, and extracting the result must find every original citation
//! plus its archive link.

use std::collections::BTreeSet;
use std::path::Path;

use citecheck::extract::extract;
use citecheck::fix::{apply, is_archive_url, plan, unified_diff, Action, FixOptions};
use citecheck::{Citation, Format};

const TIMESTAMP: &str = "20171027120000";

fn archive_of(url: &str) -> Action {
    Action::Archive {
        archive_url: format!("https://web.archive.org/web/{TIMESTAMP}/{url}"),
        timestamp: TIMESTAMP.into(),
    }
}

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fix").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Archives every citation of `text` and returns the new text.
fn fix_all(text: &str, format: Format) -> (String, usize) {
    let items: Vec<(Citation, Action)> = extract("golden", text, format)
        .into_iter()
        .map(|c| {
            let action = archive_of(&c.url);
            (c, action)
        })
        .collect();
    let p = plan(text, format, &items, &FixOptions::default());
    (apply(text, &p.edits).expect("edits apply"), p.summary.archived)
}

/// Runs one golden pair and its idempotence and re-extraction checks.
fn golden(input: &str, expected: &str, format: Format) {
    let text = read(input);
    let want = read(expected);
    let before = extract("golden", &text, format);
    assert!(!before.is_empty(), "{input}: extraction found nothing");
    let (once, archived) = fix_all(&text, format);
    assert!(
        once == want,
        "{input}: output differs from {expected}:\n{}",
        unified_diff(expected, &want, &once, false)
    );
    let (twice, again) = fix_all(&once, format);
    assert_eq!(again, 0, "{input}: second run archived {again} more");
    assert_eq!(twice, once, "{input}: second run changed the document");
    let after: BTreeSet<String> = extract("golden", &once, format).into_iter().map(|c| c.url).collect();
    for c in before.iter().filter(|c| !is_archive_url(&c.url) && c.archived.is_none()) {
        assert!(after.contains(&c.url), "{input}: {} lost", c.url);
        if archived > 0 && format != Format::Bibtex {
            let copy = format!("https://web.archive.org/web/{TIMESTAMP}/{}", c.url);
            assert!(after.contains(&copy), "{input}: archive link {copy} not extracted");
        }
    }
}

#[test]
#[ignore = "needs markdown extraction"]
fn golden_markdown() {
    golden("markdown.md", "markdown.expected.md", Format::Markdown);
}

#[test]
#[ignore = "needs converted extraction"]
fn golden_seed_converted() {
    golden("seed.md", "seed.expected.md", Format::Converted);
}

#[test]
#[ignore = "needs html extraction"]
fn golden_html() {
    golden("html.html", "html.expected.html", Format::Html);
}

#[test]
#[ignore = "needs bibtex extraction"]
fn golden_bibtex() {
    golden("bibtex.bib", "bibtex.expected.bib", Format::Bibtex);
}

#[test]
#[ignore = "needs latex extraction"]
fn golden_latex() {
    golden("latex.tex", "latex.expected.tex", Format::Latex);
}

#[test]
#[ignore = "needs wikitext extraction"]
fn golden_wikitext() {
    golden("wikitext.wiki", "wikitext.expected.wiki", Format::Wikitext);
}

#[test]
#[ignore = "needs rst extraction"]
fn golden_rst() {
    golden("rst.rst", "rst.expected.rst", Format::Rst);
}

#[test]
#[ignore = "needs text extraction"]
fn golden_text() {
    golden("text.txt", "text.expected.txt", Format::Text);
}

/// The seed: archive links beside all 17 citations, and a diff that touches
/// only those 17 lines.
#[test]
#[ignore = "needs converted extraction"]
fn seed_diff_touches_only_citation_lines() {
    let text = read("seed.md");
    let citations = extract("seed", &text, Format::Converted);
    assert_eq!(citations.len(), 17);
    let (fixed, archived) = fix_all(&text, Format::Converted);
    assert_eq!(archived, 17);
    let diff = unified_diff("seed.md", &text, &fixed, false);
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).collect();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
    assert_eq!(removed.len(), 17);
    assert_eq!(added.len(), 17);
    for c in &citations {
        let line = text.lines().nth(c.line - 1).unwrap_or_default();
        assert!(removed.iter().any(|r| r.get(1..) == Some(line)), "line {} untouched", c.line);
    }
}
