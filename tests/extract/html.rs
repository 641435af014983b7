//! HTML extraction, end to end through `extract::extract`.
//!
//! Rows compare the URL as written in the document (the citation's span):
//! turning `&amp;` into `&` is the repair stage's job, tested there, and the
//! cited date comes from the dates module, so neither is asserted here.

use citecheck::extract::extract;
use citecheck::{Citation, CitationKind, Format};

use CitationKind::{Endnote, Footnote, InlineLink, Reference};

type Row<'a> = (usize, usize, Option<&'a str>, CitationKind, &'a str);

fn fixture(name: &str) -> String {
    crate::fixture(&format!("html/{name}"))
}

fn rows<'a>(text: &'a str, cites: &'a [Citation]) -> Vec<Row<'a>> {
    cites
        .iter()
        .map(|c| {
            (
                c.line,
                c.column,
                c.footnote.as_deref(),
                c.kind,
                &text[c.span.clone()],
            )
        })
        .collect()
}

fn html(text: &str) -> Vec<Citation> {
    extract("test.html", text, Format::Html)
}

#[test]
fn pandoc_article() {
    let text = fixture("pandoc-article.html");
    let cites = html(&text);
    assert_eq!(
        rows(&text, &cites),
        [
            (
                16,
                38,
                None,
                InlineLink,
                "https://data.citecheck-fixture.org/flow?year=2019&amp;site=4"
            ),
            (
                18,
                10,
                None,
                CitationKind::Bare,
                "https://bare.citecheck-fixture.org/readme"
            ),
            (
                28,
                10,
                Some("1"),
                Footnote,
                "https://reports.citecheck-fixture.org/2019.pdf"
            ),
            (
                30,
                33,
                Some("2"),
                Footnote,
                "https://notes.citecheck-fixture.org/survey?a=1&amp;b=2"
            ),
            (
                31,
                10,
                Some("2"),
                Footnote,
                "https://web.archive.org/web/20200101000000/https://old.citecheck-fixture.org/"
            ),
        ]
    );
    assert!(cites
        .iter()
        .all(|c| c.source == "test.html" && c.archived.is_none()));
    // A note's context is its text without the back-link, entities decoded.
    assert_eq!(
        cites[2].context.as_deref(),
        Some(
            "Lee, A. “Annual flow report”, River Board, 12 March 2020, \
             https://reports.citecheck-fixture.org/2019.pdf. Accessed 3 May 2021."
        )
    );
    assert_eq!(
        cites[3].context.as_deref(),
        Some(
            "Survey notes at https://notes.citecheck-fixture.org/survey?a=1&b=2 and an archived copy."
        )
    );
    assert_eq!(cites[3].context, cites[4].context);
    // A body link's context is its text; a bare URL has none.
    assert_eq!(cites[0].context.as_deref(), Some("gauge archive"));
    assert_eq!(cites[1].context, None);
    // The element is the whole anchor; the text span the text repeating the URL.
    assert_eq!(
        &text[cites[2].element.clone()],
        "<a href=\"https://reports.citecheck-fixture.org/2019.pdf\" class=\"uri\">\
         https://reports.citecheck-fixture.org/2019.pdf</a>"
    );
    let text_span = cites[2].text_span.clone().expect("text repeats the URL");
    assert_eq!(
        text_span.start,
        text.find("\">https://reports").unwrap() + 2
    );
    assert_eq!(
        &text[text_span],
        "https://reports.citecheck-fixture.org/2019.pdf"
    );
    assert_eq!(cites[0].text_span, None);
    assert_eq!(cites[1].element, cites[1].span);
}

#[test]
fn mediawiki_rendering() {
    let text = fixture("mediawiki-rendered.html");
    let cites = html(&text);
    assert_eq!(
        rows(&text, &cites),
        [
            (7, 385, Some("1"), Footnote, "https://news.citecheck-fixture.org/bridge-opens"),
            (
                7,
                539,
                Some("1"),
                Footnote,
                "https://web.archive.org/web/20190101000000/https://news.citecheck-fixture.org/bridge-opens"
            ),
            (9, 208, Some("2"), Footnote, "http://books.citecheck-fixture.org/mills"),
            (13, 55, None, InlineLink, "https://bridge.citecheck-fixture.org/"),
        ]
    );
    // The "^ a b" back-links are not part of the note.
    assert_eq!(
        cites[0].context.as_deref(),
        Some(
            "\"Bridge opens\". The Daily Fixture. 4 June 1932. Archived from the original \
             on 1 January 2019. Retrieved 5 May 2020."
        )
    );
    assert_eq!(
        cites[2].context.as_deref(),
        Some("Hart, J. (1990). Mills. p. 12. http://books.citecheck-fixture.org/mills")
    );
}

#[test]
fn tricky_document() {
    let text = fixture("tricky.html");
    let cites = html(&text);
    assert_eq!(
        rows(&text, &cites),
        [
            (
                2,
                22,
                None,
                InlineLink,
                "https://one.citecheck-fixture.org/a"
            ),
            (
                2,
                79,
                None,
                InlineLink,
                "https://two.citecheck-fixture.org/b"
            ),
            (
                5,
                11,
                None,
                InlineLink,
                "https://spaced.citecheck-fixture.org/"
            ),
            (
                6,
                10,
                None,
                InlineLink,
                "https://upper.citecheck-fixture.org/"
            ),
            (
                7,
                23,
                None,
                CitationKind::Bare,
                "https://named-anchor.citecheck-fixture.org/"
            ),
            (
                10,
                11,
                Some("5"),
                Endnote,
                "https://e5.citecheck-fixture.org/"
            ),
            (
                11,
                23,
                Some("6"),
                Endnote,
                "https://e6.citecheck-fixture.org/"
            ),
            (
                12,
                16,
                Some("6"),
                Endnote,
                "https://nested.citecheck-fixture.org/"
            ),
            (
                13,
                42,
                Some("10"),
                Endnote,
                "https://e10.citecheck-fixture.org/"
            ),
            (
                15,
                10,
                None,
                Endnote,
                "https://loose.citecheck-fixture.org/"
            ),
            (
                16,
                42,
                Some("smith"),
                Footnote,
                "https://smith.citecheck-fixture.org/"
            ),
            (
                17,
                36,
                Some("2"),
                Endnote,
                "https://standalone.citecheck-fixture.org/"
            ),
            (
                19,
                80,
                Some("doe2020"),
                Reference,
                "https://doe.citecheck-fixture.org/paper"
            ),
            (
                20,
                67,
                Some("roe"),
                Reference,
                "https://roe.citecheck-fixture.org/"
            ),
            (
                22,
                38,
                Some("ruby"),
                Footnote,
                "https://ruby.citecheck-fixture.org/"
            ),
            (
                23,
                20,
                None,
                InlineLink,
                "https://broken.citecheck-fixture.org/"
            ),
        ]
    );
    // An anchor left open ends where the next one starts, or at the end.
    assert_eq!(
        &text[cites[0].element.clone()],
        "<a href=\"https://one.citecheck-fixture.org/a\">first link"
    );
    assert_eq!(
        &text[cites[15].element.clone()],
        "<a href=\"https://broken.citecheck-fixture.org/\">tail text"
    );
    // Text repeating the URL is found inside surrounding spaces and entities.
    let spaced = cites[2].text_span.clone().expect("spaced text span");
    assert_eq!(&text[spaced], "https://spaced.citecheck-fixture.org/");
    assert!(cites[8].text_span.is_some());
    // An implicitly closed <li> does not swallow the next note.
    assert_eq!(
        cites[5].context.as_deref(),
        Some("Fifth https://e5.citecheck-fixture.org/")
    );
    assert_eq!(
        cites[8].context.as_deref(),
        Some("Tenth & last https://e10.citecheck-fixture.org/")
    );
    assert_eq!(cites[9].context, None);
}

#[test]
fn non_citations_are_skipped() {
    let text = r##"<html><head>
<base href="https://base.citecheck-fixture.org/">
<link rel="alternate" href="https://feed.citecheck-fixture.org/rss">
<meta property="og:image" content="https://og.citecheck-fixture.org/i.png">
<script>fetch("https://api.citecheck-fixture.org/")</script>
<style>@import url("https://css.citecheck-fixture.org/a.css");</style>
<title>https://title.citecheck-fixture.org/</title>
</head><body>
<!-- https://comment.citecheck-fixture.org/ -->
<img src="https://img.citecheck-fixture.org/a.png" alt="https://alt.citecheck-fixture.org/">
<a href="relative/page.html">r</a> <a href="/root">r</a> <a href="#top">t</a>
<a href="mailto:someone@citecheck-fixture.org">m</a> <a href="javascript:void(0)">j</a>
<a>no href https://a-without-href.citecheck-fixture.org/x</a>
<code>https://code.citecheck-fixture.org/</code>
<sup><a href="#fn1" id="fnref1">1</a></sup>
</body></html>"##;
    let urls: Vec<_> = html(text).into_iter().map(|c| c.url).collect();
    assert_eq!(urls, ["https://a-without-href.citecheck-fixture.org/x"]);
}

#[test]
fn notes_without_container_markup() {
    let text = "<p>Body <a href=\"https://body.citecheck-fixture.org/\">b</a></p>\n\
        <ol><li id=\"note-1\">One https://n1.citecheck-fixture.org/</li>\
        <li id=\"note-2\">Two https://n2.citecheck-fixture.org/</li></ol>\n\
        <aside>Side https://aside.citecheck-fixture.org/</aside>\n\
        <aside epub:type=\"endnote\" id=\"en7\">Seven https://en7.citecheck-fixture.org/</aside>";
    let found: Vec<_> = html(text)
        .into_iter()
        .map(|c| (c.kind, c.footnote, c.url))
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        found,
        [
            (
                InlineLink,
                None,
                "https://body.citecheck-fixture.org/".into()
            ),
            (Footnote, s("1"), "https://n1.citecheck-fixture.org/".into()),
            (Footnote, s("2"), "https://n2.citecheck-fixture.org/".into()),
            // Notes with neither a list number nor a label in their id are
            // numbered by position among the notes outside containers.
            (
                Footnote,
                s("3"),
                "https://aside.citecheck-fixture.org/".into()
            ),
            (Endnote, s("4"), "https://en7.citecheck-fixture.org/".into()),
        ]
    );
}

#[test]
fn malformed_input_does_not_panic() {
    let cases = [
        "",
        "<",
        "<a href=",
        "<a href=\"https://x.citecheck-fixture.org/",
        "<ol><li><a href='https://y.citecheck-fixture.org/'>y</ol></li></a></section>",
        "</li></ol></a><li>https://z.citecheck-fixture.org/",
        "<section class=\"footnotes\"><section class=\"footnotes\"><li value=\"x\">",
        "<ol start=\"99999999999999999999\"><li value=\"-9223372036854775808\">\
         https://big.citecheck-fixture.org/</li></ol>",
        "<svg><a href=\"https://svg.citecheck-fixture.org/\"/></svg><math><mi>",
        "\u{0}<p>\u{feff}é<a href=\"https://é.citecheck-fixture.org/\">é</a>",
        "<![CDATA[https://cdata.citecheck-fixture.org/]]><plaintext>https://p.citecheck-fixture.org/",
    ];
    for case in cases {
        let _ = html(case);
    }
    let deep = "<div class=\"footnotes\"><ol><li><a href=\"#\">".repeat(5000);
    let _ = html(&deep);
}

#[test]
fn huge_ol_start_does_not_overflow() {
    let text = "<ol class=\"references\" start=\"9223372036854775807\">\
        <li>a https://a.citecheck-fixture.org/</li><li>b https://b.citecheck-fixture.org/</li></ol>";
    let labels: Vec<_> = html(text).into_iter().map(|c| c.footnote).collect();
    let max = i64::MAX.to_string();
    assert_eq!(labels, [Some(max.clone()), Some(max)]);
}
