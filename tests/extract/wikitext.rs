//! Wikitext extraction, end to end through `extract::extract`.
//!
//! Rows compare the URL as written (the citation's span); dates read from
//! `access-date=`/`date=` are checked in the module's unit tests, against
//! `dates::parse_date` itself.

use citecheck::extract::extract;
use citecheck::{Citation, CitationKind, Format};

use CitationKind::{Bare, Footnote, InlineLink, Reference};

type Row<'a> = (
    usize,
    usize,
    Option<&'a str>,
    CitationKind,
    &'a str,
    Option<&'a str>,
);

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
                c.archived.as_deref(),
            )
        })
        .collect()
}

fn wiki(text: &str) -> Vec<Citation> {
    extract("test.wiki", text, Format::Wikitext)
}

/// (label, url) of every citation, for short documents.
fn labels(text: &str) -> Vec<(Option<String>, CitationKind, String)> {
    wiki(text)
        .into_iter()
        .map(|c| (c.footnote, c.kind, c.url))
        .collect()
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

const ARCHIVE: &str =
    "https://web.archive.org/web/20190101000000/https://news.citecheck-fixture.org/1932/bridge-opens";

#[test]
fn wikipedia_style_article() {
    let path = format!(
        "{}/fixtures/wikitext/article.wiki",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture");
    let cites = wiki(&text);
    assert_eq!(
        rows(&text, &cites),
        [
            (
                4,
                20,
                None,
                Bare,
                "https://bridge.citecheck-fixture.org/",
                None
            ),
            (
                5,
                53,
                Some("1"),
                Footnote,
                "https://photos.citecheck-fixture.org/2010",
                None
            ),
            (
                12,
                7,
                Some("2"),
                Footnote,
                "https://news.citecheck-fixture.org/1932/bridge-opens",
                Some(ARCHIVE)
            ),
            (
                16,
                78,
                Some("3"),
                Footnote,
                "http://books.citecheck-fixture.org/bridges",
                None
            ),
            (
                19,
                107,
                Some("4"),
                Footnote,
                "https://council.citecheck-fixture.org/minutes/1930.pdf",
                None
            ),
            (
                20,
                60,
                Some("note 1"),
                Footnote,
                "https://library.citecheck-fixture.org/copy/17",
                None
            ),
            (
                22,
                66,
                Some("5"),
                Footnote,
                "https://tolls.citecheck-fixture.org/?a=1&b=2",
                None
            ),
            (
                24,
                25,
                None,
                Bare,
                "https://heritage.citecheck-fixture.org/list/42",
                None
            ),
            (
                24,
                80,
                None,
                InlineLink,
                "https://register.citecheck-fixture.org/entry/9",
                None
            ),
            (
                25,
                85,
                Some("6"),
                Footnote,
                "https://journal.citecheck-fixture.org/load",
                None
            ),
            (
                27,
                65,
                Some("7"),
                Footnote,
                "https://dusk.citecheck-fixture.org/",
                None
            ),
            (
                35,
                38,
                Some("8"),
                Footnote,
                "https://council2.citecheck-fixture.org/",
                None
            ),
            (
                38,
                85,
                Some("6"),
                Footnote,
                "https://journal.citecheck-fixture.org/load",
                None
            ),
            (
                42,
                108,
                None,
                Reference,
                "https://press.citecheck-fixture.org/bridges",
                None
            ),
            (
                43,
                4,
                None,
                Reference,
                "https://catalogue.citecheck-fixture.org/hart",
                None
            ),
            (
                46,
                4,
                None,
                InlineLink,
                "https://bridge.citecheck-fixture.org/",
                None
            ),
        ]
    );
    let context = |i: usize| cites[i].context.as_deref();
    assert_eq!(
        context(1),
        Some("\"Photo archive\". Retrieved 2 February 2015.")
    );
    assert_eq!(
        context(2),
        Some("Lee, Ann. \"Bridge opens to traffic\". The Daily Fixture. 4 June 1932.")
    );
    assert_eq!(
        context(3),
        Some("Hart, A. (1990). Bridges. See online edition, retrieved 5 May 2020.")
    );
    assert_eq!(
        context(4),
        Some("\"Protokoll 1930\". 1930. Retrieved 2019-07-14.")
    );
    assert_eq!(context(7), None);
    assert_eq!(context(8), Some("the register"));
    assert_eq!(
        context(13),
        Some("Hart, Ann. \"Bridges of Fixtureland\". Fixture Press. 1990. Retrieved 1 March 2021.")
    );
    // The element of a cite template is the whole template; of a link, the brackets.
    let element = |i: usize| &text[cites[i].element.clone()];
    assert!(element(2).starts_with("{{cite news\n") && element(2).ends_with("url-status=dead\n}}"));
    assert_eq!(
        element(8),
        "[https://register.citecheck-fixture.org/entry/9 the register]"
    );
    assert_eq!(element(7), "https://heritage.citecheck-fixture.org/list/42");
}

#[test]
fn refs_are_numbered_as_the_reader_sees_them() {
    let text = "A<ref name=a/> B<ref>https://b.citecheck-fixture.org/</ref> \
        C<ref name='a'>https://a.citecheck-fixture.org/</ref> D<ref name=a /> \
        E<ref group=n>https://n.citecheck-fixture.org/</ref> F<ref>https://f.citecheck-fixture.org/</ref>\n\
        <references><ref name=\"late\">https://late.citecheck-fixture.org/</ref></references>";
    assert_eq!(
        labels(text),
        [
            (s("2"), Footnote, "https://b.citecheck-fixture.org/".into()),
            (s("1"), Footnote, "https://a.citecheck-fixture.org/".into()),
            (
                s("n 1"),
                Footnote,
                "https://n.citecheck-fixture.org/".into()
            ),
            (s("3"), Footnote, "https://f.citecheck-fixture.org/".into()),
            (
                s("4"),
                Footnote,
                "https://late.citecheck-fixture.org/".into()
            ),
        ]
    );
}

#[test]
fn nested_templates_and_links_do_not_split_parameters() {
    let text =
        "{{cite web |title={{lang|zh|{{!}}x}} [[Foo|bar]] |url=https://t.citecheck-fixture.org/a \
        |archive-url=https://web.archive.org/web/2020/https://t.citecheck-fixture.org/a}}";
    let cites = wiki(text);
    assert_eq!(cites.len(), 1);
    assert_eq!(cites[0].url, "https://t.citecheck-fixture.org/a");
    assert_eq!(cites[0].kind, Reference);
    assert_eq!(cites[0].footnote, None);
    assert_eq!(
        cites[0].archived.as_deref(),
        Some("https://web.archive.org/web/2020/https://t.citecheck-fixture.org/a")
    );
    assert_eq!(cites[0].element, 0..text.len());
    assert_eq!(cites[0].context.as_deref(), Some("\"x bar\"."));
}

#[test]
fn template_name_variants() {
    let text = "{{Cite_journal|url=https://j.citecheck-fixture.org/}} \
        {{ citation | url = https://c.citecheck-fixture.org/ }} \
        {{Template:cite book|chapter-url=https://ch.citecheck-fixture.org/}} \
        {{citation needed|date=May 2020}} {{cite}} \
        {{URL|https://u.citecheck-fixture.org/}}";
    assert_eq!(
        labels(text),
        [
            (None, Reference, "https://j.citecheck-fixture.org/".into()),
            (None, Reference, "https://c.citecheck-fixture.org/".into()),
            (None, Reference, "https://ch.citecheck-fixture.org/".into()),
            (None, Bare, "https://u.citecheck-fixture.org/".into()),
        ]
    );
}

#[test]
fn hidden_text_is_skipped() {
    let text = "<!-- https://c.citecheck-fixture.org/ --><nowiki>https://n.citecheck-fixture.org/</nowiki>\
        <nowiki/>https://after-nowiki.citecheck-fixture.org/ \
        <pre>https://pre.citecheck-fixture.org/</pre><math>https://m.citecheck-fixture.org/</math>\
        <ref><!-- {{cite web|url=https://c2.citecheck-fixture.org/}} -->https://r.citecheck-fixture.org/</ref>\
        [[Page|https://label.citecheck-fixture.org/ text]]";
    assert_eq!(
        labels(text),
        [
            (
                None,
                Bare,
                "https://after-nowiki.citecheck-fixture.org/".into()
            ),
            (s("1"), Footnote, "https://r.citecheck-fixture.org/".into()),
            (None, Bare, "https://label.citecheck-fixture.org/".into()),
        ]
    );
}

#[test]
fn external_links() {
    let text = "[https://e.citecheck-fixture.org/ https://e.citecheck-fixture.org/] \
        [https://open.citecheck-fixture.org/ no closing bracket\n\
        [//protocol-relative.citecheck-fixture.org/ x] [[Internal]] [mailto:x@citecheck-fixture.org m]\n\
        == Sources ==\n* [https://s.citecheck-fixture.org/ Book]\n== See also ==\n[https://later.citecheck-fixture.org/ L]";
    let cites = wiki(text);
    let found: Vec<_> = cites.iter().map(|c| (c.kind, c.url.as_str())).collect();
    assert_eq!(
        found,
        [
            (InlineLink, "https://e.citecheck-fixture.org/"),
            (Bare, "https://open.citecheck-fixture.org/"),
            (Reference, "https://s.citecheck-fixture.org/"),
            (InlineLink, "https://later.citecheck-fixture.org/"),
        ]
    );
    let text_span = cites[0].text_span.clone().expect("label repeats the URL");
    assert_eq!(text_span, 34..66);
    assert_eq!(cites[0].element, 0..67);
}

#[test]
fn malformed_input_does_not_panic() {
    let cases = [
        "",
        "{{",
        "}}{{cite web|url=",
        "<ref",
        "<ref name=",
        "<ref>unclosed https://u.citecheck-fixture.org/",
        "[[unclosed [https://x.citecheck-fixture.org/",
        "<!-- unclosed comment",
        "<nowiki>unclosed https://n.citecheck-fixture.org/",
        "{{cite web|url=https://é.citecheck-fixture.org/ é|title=é}}",
        "==\n=\n= x =",
        "<ref name=\"a\" group=\"\"/>",
    ];
    for case in cases {
        let _ = wiki(case);
    }
    let deep = "{{a|".repeat(20_000) + &"}}".repeat(20_000);
    let _ = wiki(&deep);
    let deep_refs = "<ref>[[x|".repeat(5_000);
    let _ = wiki(&deep_refs);
    let brackets = "[".repeat(50_000) + "https://b.citecheck-fixture.org/";
    assert_eq!(wiki(&brackets).len(), 1);
}

#[test]
fn unclosed_ref_is_text() {
    assert_eq!(
        labels("<ref>https://u.citecheck-fixture.org/ and more"),
        [(None, Bare, "https://u.citecheck-fixture.org/".into())]
    );
}
