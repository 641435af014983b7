//! LaTeX extraction against the fixtures in `fixtures/latex`. Cited dates
//! come from note prose (the dates module), so they are not asserted here.

use citecheck::extract::extract;
use citecheck::{Citation, Format};

use crate::{r, rows};

fn fixture(name: &str) -> String {
    crate::fixture(&format!("latex/{name}"))
}

fn paper() -> (String, Vec<Citation>) {
    let text = fixture("paper.tex");
    let cites = extract("paper.tex", &text, Format::Latex);
    (text, cites)
}

#[test]
fn paper_gives_links_footnotes_and_bibliography() {
    let (_, cites) = paper();
    assert_eq!(
        rows(&cites),
        vec![
            r(
                7,
                32,
                None,
                "inline-link",
                "https://project.citecheck-fixture.org/home"
            ),
            r(
                9,
                8,
                Some("1"),
                "footnote",
                "https://reports.citecheck-fixture.org/2019/annual_report.pdf"
            ),
            r(
                10,
                47,
                Some("2"),
                "footnote",
                "https://data.citecheck-fixture.org/series?id=42&unit=day"
            ),
            r(
                11,
                13,
                Some("2"),
                "footnote",
                "https://stats.citecheck-fixture.org/table#t1"
            ),
            r(
                12,
                17,
                None,
                "inline-link",
                "https://mirror.citecheck-fixture.org/a%20b#frag"
            ),
            r(
                24,
                33,
                Some("3"),
                "footnote",
                "https://mark.citecheck-fixture.org/explained"
            ),
            r(
                25,
                34,
                Some("7"),
                "footnote",
                "https://seven.citecheck-fixture.org/"
            ),
            r(
                26,
                61,
                Some("4"),
                "footnote",
                "https://nested.citecheck-fixture.org/x"
            ),
            r(
                31,
                8,
                Some("knuth84"),
                "reference",
                "https://books.citecheck-fixture.org/texbook"
            ),
            r(
                32,
                53,
                Some("lamport94"),
                "reference",
                "https://books.citecheck-fixture.org/latex"
            ),
        ]
    );
}

#[test]
fn footnote_context_is_the_note_text_without_commands() {
    let (_, cites) = paper();
    let contexts: Vec<_> = cites.iter().map(|c| c.context.as_deref()).collect();
    assert_eq!(contexts[0], None);
    assert_eq!(
        contexts[1],
        Some("See the Annual Link Report, https://reports.citecheck-fixture.org/2019/annual_report.pdf, accessed 5 May 2019.")
    );
    assert_eq!(
        contexts[2],
        Some("Series at https://data.citecheck-fixture.org/series?id=42&unit=day and the summary table.")
    );
    assert_eq!(contexts[2], contexts[3]);
    assert_eq!(
        contexts[7],
        Some("Outer braces deep https://nested.citecheck-fixture.org/x")
    );
    assert_eq!(
        contexts[8],
        Some("D. Knuth. The TeXbook. https://books.citecheck-fixture.org/texbook")
    );
    assert_eq!(
        contexts[9],
        Some("L. Lamport. Available at https://books.citecheck-fixture.org/latex.")
    );
}

#[test]
fn elements_and_repeated_link_text() {
    let (text, cites) = paper();
    let element = |i: usize| &text[cites[i].element.clone()];
    assert_eq!(
        element(0),
        r"\href{https://project.citecheck-fixture.org/home}{the project site}"
    );
    assert_eq!(cites[0].text_span, None);
    assert_eq!(
        element(4),
        r"\url{https://mirror.citecheck-fixture.org/a%20b#frag}"
    );
    // A bare URL is its own element.
    assert_eq!(cites[2].element, cites[2].span);
    let seven = &cites[6];
    let shown = seven.text_span.clone().expect("text repeats the URL");
    assert_eq!(&text[shown.clone()], "https://seven.citecheck-fixture.org/");
    assert_ne!(shown, seven.span);
}

#[test]
fn escaped_ampersand_in_a_bare_footnote_url_is_repaired() {
    let (text, cites) = paper();
    assert_eq!(
        &text[cites[2].span.clone()],
        r"https://data.citecheck-fixture.org/series?id=42\&unit=day"
    );
    assert_eq!(cites[2].repairs, vec!["latex-escape"]);
}

#[test]
fn comments_verbatim_nolinkurl_and_text_after_the_document_are_skipped() {
    let (_, cites) = paper();
    for skipped in [
        "comment",
        "nolink",
        "verbatim",
        "comment-env",
        "verb.",
        "after-end",
    ] {
        let host = format!("https://{skipped}");
        assert!(cites.iter().all(|c| !c.url.starts_with(&host)), "{skipped}");
    }
}

#[test]
fn tricky_input_stray_braces_comments_in_notes_and_unclosed_groups() {
    let text = fixture("tricky.tex");
    let cites = extract("tricky.tex", &text, Format::Latex);
    assert_eq!(
        rows(&cites),
        vec![
            r(
                4,
                7,
                Some("1"),
                "footnote",
                "https://real.citecheck-fixture.org/share"
            ),
            r(
                5,
                7,
                None,
                "inline-link",
                "https://nolabel.citecheck-fixture.org/"
            ),
            r(
                6,
                41,
                Some("2"),
                "footnote",
                "https://unclosed.citecheck-fixture.org/x"
            ),
            r(
                7,
                32,
                Some("2"),
                "footnote",
                "https://tail.citecheck-fixture.org/y"
            ),
        ]
    );
    assert_eq!(
        cites[0].context.as_deref(),
        Some("A 50% share per https://real.citecheck-fixture.org/share.")
    );
}

#[test]
fn no_latex_gives_nothing_and_does_not_panic() {
    for text in [
        "",
        "\\",
        "{",
        "}",
        "\\url",
        "\\url{",
        "\\href{",
        "\\footnote[",
        "\\verb",
        "%",
        "\\begin{",
        "é\\é{",
    ] {
        assert!(extract("x.tex", text, Format::Latex).is_empty(), "{text:?}");
    }
}
