//! Property tests for `fix` on random Markdown documents whose citations are
//! known by construction (so they do not depend on the extractor):
//! nothing outside the URL spans and inserted links changes (line endings,
//! BOM and trailing white space included), and running `fix` twice equals
//! running it once. A variant takes the citations from the real Markdown
//! extractor instead, and checks the archive links it writes are extracted.

use std::ops::Range;

use citecheck::extract::extract;
use citecheck::fix::{apply, plan, Action, Edit, FixOptions, Style};
use citecheck::{Citation, CitationKind, Format};
use proptest::prelude::*;

/// A piece of a generated document.
#[derive(Debug, Clone)]
enum Piece {
    Words(String),
    Break(&'static str),
    Link(u8, String),
}

fn piece() -> impl Strategy<Value = Piece> {
    let url =
        ("[a-z]{1,8}", "[a-zA-Z0-9_./-]{0,12}").prop_map(|(h, p)| format!("http://{h}.org/{p}"));
    prop_oneof![
        "[a-zA-Z,.é中 ]{1,12}".prop_map(Piece::Words),
        prop_oneof![Just("\n"), Just("\r\n"), Just("  \n"), Just("\t\r\n")].prop_map(Piece::Break),
        (0u8..3, url).prop_map(|(k, u)| Piece::Link(k, u)),
    ]
}

fn archive_url(url: &str) -> String {
    format!("https://web.archive.org/web/20200101000000/{url}")
}

/// Renders the pieces and the citations they hold, with exact spans.
fn render(bom: bool, pieces: &[Piece]) -> (String, Vec<Citation>) {
    let mut text = String::from(if bom { "\u{feff}" } else { "" });
    let mut cites = Vec::new();
    for p in pieces {
        match p {
            Piece::Words(w) => text.push_str(w),
            Piece::Break(b) => text.push_str(b),
            Piece::Link(kind, url) => {
                text.push(' ');
                let start = text.len();
                let (before, after) = match kind {
                    0 => ("[text](", ")"),
                    1 => ("<", ">"),
                    _ => ("", ""),
                };
                text.push_str(before);
                let span = text.len()..text.len() + url.len();
                text.push_str(url);
                text.push_str(after);
                cites.push(citation(url, span, start..text.len()));
                text.push(' ');
            }
        }
    }
    (text, cites)
}

fn citation(url: &str, span: Range<usize>, element: Range<usize>) -> Citation {
    Citation {
        source: "prop".into(),
        line: 1,
        column: 1,
        footnote: None,
        kind: CitationKind::InlineLink,
        url: url.into(),
        raw: None,
        repairs: Vec::new(),
        cited: None,
        context: None,
        archived: None,
        span,
        element,
        text_span: None,
    }
}

fn items(cites: &[Citation]) -> Vec<(Citation, Action)> {
    cites
        .iter()
        .map(|c| {
            let action = Action::Archive {
                archive_url: archive_url(&c.url),
                timestamp: "20200101000000".into(),
            };
            (c.clone(), action)
        })
        .collect()
}

fn opts(style: Style) -> FixOptions {
    FixOptions {
        style,
        ..FixOptions::default()
    }
}

/// Where byte `p` of the old text is in the new one; `end` positions stay
/// before an insertion made exactly there.
fn map(p: usize, end: bool, edits: &[Edit]) -> usize {
    let mut shifted = p;
    for e in edits {
        let before = e.range.end < p || (e.range.end == p && !(end && e.range.is_empty()));
        if before {
            shifted = shifted + e.replacement.len() - e.range.len();
        }
    }
    shifted
}

/// The citations of the fixed text: originals moved, URLs as now written.
fn moved(cites: &[Citation], edits: &[Edit], new: &str) -> Vec<Citation> {
    cites
        .iter()
        .map(|c| {
            let span = map(c.span.start, false, edits)..map(c.span.end, true, edits);
            let element = map(c.element.start, false, edits)..map(c.element.end, true, edits);
            citation(new.get(span.clone()).unwrap_or_default(), span, element)
        })
        .collect()
}

proptest! {
    #[test]
    fn append_only_inserts_archive_links(bom: bool, pieces in prop::collection::vec(piece(), 0..40)) {
        let (text, cites) = render(bom, &pieces);
        let p = plan(&text, Format::Markdown, &items(&cites), &opts(Style::Append));
        prop_assert_eq!(p.summary.archived, cites.len());
        let new = apply(&text, &p.edits).expect("apply");
        let mut stripped = new.clone();
        for c in &cites {
            stripped = stripped.replace(&format!(" ([archived]({}))", archive_url(&c.url)), "");
        }
        prop_assert_eq!(&stripped, &text);
        for (e, c) in p.edits.iter().zip(&cites) {
            prop_assert!(e.range.is_empty());
            prop_assert_eq!(e.range.start, c.element.end);
        }
        let again = plan(&new, Format::Markdown, &items(&moved(&cites, &p.edits, &new)), &opts(Style::Append));
        prop_assert!(again.edits.is_empty(), "second run: {:?}", again.edits);
    }

    #[test]
    fn replace_only_touches_url_spans(bom: bool, pieces in prop::collection::vec(piece(), 0..40)) {
        let (text, cites) = render(bom, &pieces);
        let p = plan(&text, Format::Markdown, &items(&cites), &opts(Style::Replace));
        let new = apply(&text, &p.edits).expect("apply");
        let mut expected = text.clone();
        for c in cites.iter().rev() {
            expected.replace_range(c.span.clone(), &archive_url(&c.url));
        }
        prop_assert_eq!(&new, &expected);
        let again = plan(&new, Format::Markdown, &items(&moved(&cites, &p.edits, &new)), &opts(Style::Replace));
        prop_assert!(again.edits.is_empty());
        prop_assert_eq!(again.summary.left_alone.len(), cites.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn extract_finds_originals_and_archive_links(bom: bool, pieces in prop::collection::vec(piece(), 0..30)) {
        let (text, _) = render(bom, &pieces);
        let found = extract("prop", &text, Format::Markdown);
        let todo = items(&found);
        let p = plan(&text, Format::Markdown, &todo, &opts(Style::Append));
        let once = apply(&text, &p.edits).expect("apply");
        let after: Vec<String> = extract("prop", &once, Format::Markdown).into_iter().map(|c| c.url).collect();
        for c in &found {
            prop_assert!(after.contains(&c.url));
            prop_assert!(after.contains(&archive_url(&c.url)));
        }
        let refound = extract("prop", &once, Format::Markdown);
        let second = plan(&once, Format::Markdown, &items(&refound), &opts(Style::Append));
        prop_assert!(second.edits.is_empty());
    }
}
