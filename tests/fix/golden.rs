//! Golden files for `fix`: each `fixtures/fix/NAME.EXT` goes through the
//! real extractor, every citation gets an archive copy (the Wayback URL the
//! archive stage's mock answers with, captured 2017-10-27), and the result
//! must equal `NAME.expected.EXT` byte for byte. A second run must change
//! nothing, and extracting the result must find every original citation
//! plus its archive link.

use std::collections::BTreeSet;
use std::path::Path;

use citecheck::extract::extract;
use citecheck::fix::{apply, plan, unified_diff, Action, FixOptions, Summary};
use citecheck::{Citation, Format};

const TIMESTAMP: &str = "20171027120000";

fn archive_of(url: &str) -> Action {
    Action::Archive {
        archive_url: format!("https://web.archive.org/web/{TIMESTAMP}/{url}"),
        timestamp: TIMESTAMP.into(),
    }
}

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/fix")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Archives every citation of `text`; returns the new text and what the
/// plan did.
fn fix_all(text: &str, format: Format) -> (String, Summary) {
    let items: Vec<(Citation, Action)> = extract("golden", text, format)
        .into_iter()
        .map(|c| {
            let action = archive_of(&c.url);
            (c, action)
        })
        .collect();
    let p = plan(text, format, &items, &FixOptions::default());
    (apply(text, &p.edits).expect("edits apply"), p.summary)
}

/// Runs one golden pair and its idempotence and re-extraction checks.
fn golden(input: &str, expected: &str, format: Format) {
    let text = read(input);
    let want = read(expected);
    let before = extract("golden", &text, format);
    assert!(!before.is_empty(), "{input}: extraction found nothing");
    let (once, summary) = fix_all(&text, format);
    assert!(
        once == want,
        "{input}: output differs from {expected}:\n{}",
        unified_diff(expected, &want, &once, false)
    );
    let (twice, again) = fix_all(&once, format);
    assert_eq!(again.archived, 0, "{input}: second run archived more");
    assert_eq!(twice, once, "{input}: second run changed the document");
    // Every original is still cited, and every one archived now names its
    // copy: as a citation of its own (an appended link) or as the archive
    // field the extractor reports (`archive-url=`, `archiveurl`).
    let after = extract("golden", &once, format);
    let cited = |url: &str| after.iter().any(|a| a.url == url);
    let names_copy = |c: &Citation, copy: &str| {
        cited(copy)
            || after
                .iter()
                .any(|a| a.url == c.url && a.archived.as_deref() == Some(copy))
    };
    let left: BTreeSet<(usize, &str)> = summary
        .left_alone
        .iter()
        .map(|l| (l.line, l.url.as_str()))
        .collect();
    assert_eq!(
        summary.archived + summary.left_alone.len(),
        before.len(),
        "{input}: {summary}"
    );
    for c in &before {
        assert!(cited(&c.url), "{input}: {} lost", c.url);
        if !left.contains(&(c.line, c.url.as_str())) {
            let copy = format!("https://web.archive.org/web/{TIMESTAMP}/{}", c.url);
            assert!(names_copy(c, &copy), "{input}: {copy} not extracted");
        }
    }
}

#[test]
fn golden_markdown() {
    golden("markdown.md", "markdown.expected.md", Format::Markdown);
}

#[test]
fn golden_seed_converted() {
    golden("seed.md", "seed.expected.md", Format::Converted);
}

#[test]
fn golden_html() {
    golden("html.html", "html.expected.html", Format::Html);
}

#[test]
fn golden_bibtex() {
    golden("bibtex.bib", "bibtex.expected.bib", Format::Bibtex);
}

#[test]
fn golden_latex() {
    golden("latex.tex", "latex.expected.tex", Format::Latex);
}

#[test]
fn golden_wikitext() {
    golden("wikitext.wiki", "wikitext.expected.wiki", Format::Wikitext);
}

#[test]
fn golden_rst() {
    golden("rst.rst", "rst.expected.rst", Format::Rst);
}

#[test]
fn golden_text() {
    golden("text.txt", "text.expected.txt", Format::Text);
}

/// The seed: archive links beside all 17 citations, and a diff that touches
/// only those 17 lines.
#[test]
fn seed_diff_touches_only_citation_lines() {
    let text = read("seed.md");
    let citations = extract("seed", &text, Format::Converted);
    assert_eq!(citations.len(), 17);
    let (fixed, summary) = fix_all(&text, Format::Converted);
    assert_eq!(
        summary.to_string(),
        "archived 17, updated 0, repaired 0, left alone 0"
    );
    let diff = unified_diff("seed.md", &text, &fixed, false);
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(removed.len(), 17);
    assert_eq!(added.len(), 17);
    for c in &citations {
        let line = text.lines().nth(c.line - 1).unwrap_or_default();
        assert!(
            removed.iter().any(|r| r.get(1..) == Some(line)),
            "line {} untouched",
            c.line
        );
    }
}

/// A citation of `url` whose construct is the first `element` in `text`
/// (a definition when `element` is a Markdown `[label]: …` or an rst
/// `.. _label: …`).
fn by_hand(text: &str, url: &str, element: &str) -> Citation {
    let definition = element
        .strip_prefix('[')
        .and_then(|e| e.split_once("]: "))
        .or_else(|| {
            element
                .strip_prefix(".. _")
                .and_then(|e| e.split_once(": "))
        })
        .map(|(label, _)| label.to_string());
    let start = text
        .find(element)
        .unwrap_or_else(|| panic!("{element} not found"));
    let within = element
        .find(url)
        .unwrap_or_else(|| panic!("{url} not in {element}"));
    let span = start + within..start + within + url.len();
    Citation {
        source: "golden".into(),
        line: text[..start].matches('\n').count() + 1,
        column: 1,
        kind: if definition.is_some() {
            citecheck::CitationKind::Reference
        } else {
            citecheck::CitationKind::InlineLink
        },
        footnote: definition,
        url: url.into(),
        raw: None,
        repairs: Vec::new(),
        cited: None,
        context: None,
        archived: None,
        span,
        element: start..start + element.len(),
        text_span: None,
    }
}

/// The golden pair with citations placed by hand (independent of the
/// extractors): the expected files are exactly what the idioms write.
fn golden_by_hand(input: &str, expected: &str, format: Format, cites: &[(&str, &str)]) {
    let text = read(input);
    let items: Vec<(Citation, Action)> = cites
        .iter()
        .map(|(url, element)| (by_hand(&text, url, element), archive_of(url)))
        .collect();
    let p = plan(&text, format, &items, &FixOptions::default());
    let once = apply(&text, &p.edits).expect("edits apply");
    let want = read(expected);
    assert!(
        once == want,
        "{input}:\n{}",
        unified_diff(expected, &want, &once, false)
    );
}

#[test]
fn goldens_with_citations_placed_by_hand() {
    let o = |path: &str| format!("http://example.org/{path}");
    golden_by_hand(
        "markdown.md",
        "markdown.expected.md",
        Format::Markdown,
        &[
            (
                &o("report.html"),
                "[the report](http://example.org/report.html)",
            ),
            (&o("auto"), "<http://example.org/auto>"),
            (&o("bare"), "http://example.org/bare"),
            (&o("kept"), "[x](http://example.org/kept)"),
            (&o("note"), "[page](http://example.org/note)"),
            (&o("data.csv"), "[data]: http://example.org/data.csv"),
            (&o("orphan"), "[orphan]: http://example.org/orphan"),
        ],
    );
    golden_by_hand(
        "html.html",
        "html.expected.html",
        Format::Html,
        &[
            (
                &o("page?x=1"),
                "<a href=\"http://example.org/page?x=1\">the page</a>",
            ),
            (
                &o("kept"),
                "<a href=\"http://example.org/kept\" data-versionurl",
            ),
        ],
    );
    let bib = read("bibtex.bib");
    let first = bib.split("\r\n\r\n").next().unwrap_or_default();
    golden_by_hand(
        "bibtex.bib",
        "bibtex.expected.bib",
        Format::Bibtex,
        &[(&o("smith"), first)],
    );
    golden_by_hand(
        "latex.tex",
        "latex.expected.tex",
        Format::Latex,
        &[
            (&o("smith"), "\\url{http://example.org/smith}"),
            (&o("doc"), "\\href{http://example.org/doc}{a document}"),
        ],
    );
    golden_by_hand(
        "wikitext.wiki",
        "wikitext.expected.wiki",
        Format::Wikitext,
        &[
            (&o("cite"), "{{cite web |url=http://example.org/cite |title=A page |access-date=2017-05-01}}"),
            (&o("bare"), "[http://example.org/bare A bare link]"),
            (&o("kept"), "{{cite web |url=http://example.org/kept |archive-url=https://web.archive.org/web/2019/http://example.org/kept |archive-date=2019-01-01}}"),
        ],
    );
    golden_by_hand(
        "rst.rst",
        "rst.expected.rst",
        Format::Rst,
        &[
            (&o("page"), "`the page <http://example.org/page>`_"),
            (&o("bare"), "http://example.org/bare"),
            (&o("data.csv"), ".. _data: http://example.org/data.csv"),
            (&o("orphan"), ".. _orphan: http://example.org/orphan"),
        ],
    );
    golden_by_hand(
        "text.txt",
        "text.expected.txt",
        Format::Text,
        &[
            (&o("smith"), "http://example.org/smith"),
            (&o("jones"), "http://example.org/jones"),
        ],
    );
}

/// The seed with its 17 citations located by a pattern instead of the
/// converted-Markdown extractor: archive links beside all 17, nothing else
/// changed, the diff touching exactly those 17 lines, and idempotent.
#[test]
fn seed_by_hand_archives_all_17_and_touches_only_their_lines() {
    let text = read("seed.md");
    let pattern = regex::Regex::new(r"\[[^\]\n]*\]\((https?://[^)\s]*)\)|<(https?://[^>\s]*)>")
        .expect("regex");
    let cites: Vec<Citation> = pattern
        .captures_iter(&text)
        .filter_map(|m| {
            let whole = m.get(0)?;
            let url = m.get(1).or_else(|| m.get(2))?;
            let mut c = by_hand(&text, url.as_str(), whole.as_str());
            c.span = url.range();
            c.element = whole.range();
            c.line = text[..whole.start()].matches('\n').count() + 1;
            Some(c)
        })
        .collect();
    assert_eq!(cites.len(), 17);
    let items: Vec<(Citation, Action)> = cites
        .iter()
        .map(|c| (c.clone(), archive_of(&c.url)))
        .collect();
    let p = plan(&text, Format::Converted, &items, &FixOptions::default());
    assert_eq!(
        p.summary.to_string(),
        "archived 17, updated 0, repaired 0, left alone 0"
    );
    let fixed = apply(&text, &p.edits).expect("apply");
    assert_eq!(fixed, read("seed.expected.md"));
    let diff = unified_diff("seed.md", &text, &fixed, false);
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let added = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .count();
    assert_eq!((removed.len(), added), (17, 17));
    for c in &cites {
        let line = text.lines().nth(c.line - 1).unwrap_or_default();
        assert!(
            removed.iter().any(|r| r.get(1..) == Some(line)),
            "line {} not in diff",
            c.line
        );
    }
    // Second run: the same citations, moved by the insertions before them.
    let mut shift = 0;
    let moved: Vec<(Citation, Action)> = items
        .iter()
        .zip(&p.edits)
        .map(|((c, a), e)| {
            let mut m = c.clone();
            m.span = c.span.start + shift..c.span.end + shift;
            m.element = c.element.start + shift..c.element.end + shift;
            shift += e.replacement.len();
            (m, a.clone())
        })
        .collect();
    let again = plan(&fixed, Format::Converted, &moved, &FixOptions::default());
    assert!(again.edits.is_empty());
    assert_eq!(again.summary.left_alone.len(), 17);
}
