//! reStructuredText extraction against the fixtures in `fixtures/rst`.
//! Cited dates come from note prose (the dates module), so they are not
//! asserted here.

use citecheck::extract::extract;
use citecheck::{Citation, Format};

use crate::{r, rows};

fn fixture(name: &str) -> String {
    crate::fixture(&format!("rst/{name}"))
}

fn guide() -> (String, Vec<Citation>) {
    let text = fixture("guide.rst");
    let cites = extract("guide.rst", &text, Format::Rst);
    (text, cites)
}

#[test]
fn guide_gives_every_kind_of_note_and_link() {
    let (_, cites) = guide();
    let f = "footnote";
    assert_eq!(
        rows(&cites),
        vec![
            r(5, 22, None, "bare", "https://home.citecheck-fixture.org/"),
            r(
                6,
                17,
                None,
                "inline-link",
                "https://issues.citecheck-fixture.org/list"
            ),
            r(
                7,
                12,
                None,
                "inline-link",
                "https://anon.citecheck-fixture.org/page"
            ),
            r(
                29,
                26,
                None,
                "bare",
                "https://mirrors.citecheck-fixture.org/"
            ),
            r(
                31,
                26,
                Some("1"),
                f,
                "https://docs.citecheck-fixture.org/manual.html"
            ),
            r(34, 38, Some("2"), f, "https://two.citecheck-fixture.org/"),
            r(37, 4, Some("3"), f, "https://auto.citecheck-fixture.org/a"),
            r(39, 21, Some("3"), f, "https://auto.citecheck-fixture.org/b"),
            r(
                41,
                20,
                Some("*"),
                f,
                "https://symbol.citecheck-fixture.org/star"
            ),
            r(
                43,
                24,
                Some("†"),
                f,
                "https://symbol.citecheck-fixture.org/dagger"
            ),
            r(45, 8, Some("4"), f, "https://auto.citecheck-fixture.org/c"),
            r(
                47,
                30,
                Some("CIT2002"),
                "reference",
                "https://cite.citecheck-fixture.org/2002"
            ),
            r(
                49,
                19,
                Some("project site"),
                "reference",
                "https://site.citecheck-fixture.org/"
            ),
            r(
                50,
                21,
                Some("Quoted: name"),
                "reference",
                "https://quoted.citecheck-fixture.org/"
            ),
            r(
                51,
                8,
                None,
                "reference",
                "https://anonymous.citecheck-fixture.org/"
            ),
            r(
                54,
                31,
                None,
                "inline-link",
                "https://replace.citecheck-fixture.org/"
            ),
        ]
    );
}

#[test]
fn note_context_is_the_whole_body() {
    let (_, cites) = guide();
    assert_eq!(cites[0].context, None);
    assert_eq!(
        cites[4].context.as_deref(),
        Some("The manual, https://docs.citecheck-fixture.org/manual.html, accessed 5 May 2019.")
    );
    assert_eq!(
        cites[6].context.as_deref(),
        Some("First anonymous auto footnote: https://auto.citecheck-fixture.org/a Second paragraph https://auto.citecheck-fixture.org/b")
    );
    assert_eq!(cites[6].context, cites[7].context);
}

#[test]
fn elements_cover_the_link_construct_and_the_target() {
    let (text, cites) = guide();
    let element = |i: usize| &text[cites[i].element.clone()];
    assert_eq!(
        element(1),
        "`issue tracker <https://issues.citecheck-fixture.org/list>`_"
    );
    assert_eq!(element(2), "`<https://anon.citecheck-fixture.org/page>`__");
    assert_eq!(cites[2].text_span, None);
    assert_eq!(
        element(12),
        ".. _project site: https://site.citecheck-fixture.org/"
    );
    assert_eq!(cites[0].element, cites[0].span);
}

#[test]
fn literals_comments_code_images_and_doctests_are_skipped() {
    let (_, cites) = guide();
    for skipped in ["literal", "role", "code.", "comment", "image", "doctest"] {
        let host = format!("https://{skipped}");
        assert!(cites.iter().all(|c| !c.url.starts_with(&host)), "{skipped}");
    }
}

#[test]
fn tricky_markup_unclosed_quotes_and_literal_blocks_in_notes() {
    let text = fixture("tricky.rst");
    let cites = extract("tricky.rst", &text, Format::Rst);
    assert_eq!(
        rows(&cites),
        vec![
            r(
                1,
                27,
                None,
                "bare",
                "https://after-tick.citecheck-fixture.org/x"
            ),
            r(2, 35, None, "bare", "https://lit.citecheck-fixture.org/y"),
            r(
                7,
                31,
                Some("1"),
                "footnote",
                "https://one.citecheck-fixture.org/"
            ),
            r(
                13,
                21,
                Some("1"),
                "footnote",
                "https://one.citecheck-fixture.org/more"
            ),
            r(15, 18, None, "bare", "https://body.citecheck-fixture.org/"),
            r(
                18,
                4,
                Some("target"),
                "reference",
                "https://next-line.citecheck-fixture.org/"
            ),
            // A target's URL goes on over the next lines, joined without the
            // white space between the pieces.
            r(
                20,
                12,
                Some("split"),
                "reference",
                "https://split.citecheck-fixture.org/a/very/long/path.html"
            ),
            r(
                24,
                4,
                Some("both"),
                "reference",
                "https://both.citecheck-fixture.org/one/two/"
            ),
        ]
    );
    // The text as written, line break and indentation included, is its raw form.
    assert_eq!(
        cites[6].raw.as_deref(),
        Some("https://split.citecheck-fixture.org/a/very/\n   long/path.html")
    );
}

#[test]
fn crlf_line_endings() {
    let text = fixture("crlf.rst");
    let cites = extract("crlf.rst", &text, Format::Rst);
    assert_eq!(
        rows(&cites),
        vec![
            r(1, 22, None, "bare", "https://crlf.citecheck-fixture.org/"),
            r(
                3,
                13,
                Some("1"),
                "footnote",
                "https://crlf-note.citecheck-fixture.org/"
            ),
        ]
    );
}

#[test]
fn auto_numbers_skip_manual_numbers_even_later_ones() {
    let text = ".. [#] https://a.citecheck-fixture.org/\n\n.. [1] https://b.citecheck-fixture.org/\n\n.. [#x] https://c.citecheck-fixture.org/\n";
    let cites = extract("n.rst", text, Format::Rst);
    let labels: Vec<_> = cites.iter().map(|c| c.footnote.as_deref()).collect();
    assert_eq!(labels, [Some("2"), Some("1"), Some("3")]);
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "",
        "..",
        ".. [",
        ".. _",
        ".. _`x",
        "`",
        "``",
        "`x <`_",
        ".. [#]",
        "\t.. [1]\n\tx",
        "é`é`_ ..é",
    ] {
        let _ = extract("x.rst", text, Format::Rst);
    }
}
