//! BibTeX extraction against the fixtures in `fixtures/bibtex`: every
//! citation with its place, label, URL, structured date and archive copy.

use citecheck::extract::extract;
use citecheck::{Citation, Format};

fn fixture(name: &str) -> String {
    crate::fixture(&format!("bibtex/{name}"))
}

/// Line, column, label, kind, URL, cited date, archive copy.
type Row = (
    usize,
    usize,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn row(c: &Citation) -> Row {
    (
        c.line,
        c.column,
        c.footnote.clone(),
        c.kind.to_string(),
        c.url.clone(),
        c.cited.map(|d| d.to_string()),
        c.archived.clone(),
    )
}

fn expect(
    line: usize,
    column: usize,
    key: &str,
    url: &str,
    cited: &str,
    archived: Option<&str>,
) -> Row {
    (
        line,
        column,
        Some(key.to_string()),
        "reference".to_string(),
        url.to_string(),
        Some(cited.to_string()),
        archived.map(str::to_string),
    )
}

fn thesis() -> (String, Vec<Citation>) {
    let text = fixture("thesis.bib");
    let cites = extract("thesis.bib", &text, Format::Bibtex);
    (text, cites)
}

#[test]
fn thesis_bib_gives_every_entry_url_with_its_date() {
    let (_, cites) = thesis();
    let rows: Vec<Row> = cites.iter().map(row).collect();
    let archive =
        "https://web.archive.org/web/20210302000000/https://vanished.citecheck-fixture.org/page";
    assert_eq!(
        rows,
        vec![
            expect(
                15,
                14,
                "smith2019",
                "https://handbook.citecheck-fixture.org/guide/",
                "2019-05-05",
                None
            ),
            expect(
                26,
                14,
                "doe2005",
                "https://doi.org/10.5555/cite.2005.001",
                "2005-03",
                None
            ),
            expect(
                32,
                24,
                "agency2010",
                "https://stats.citecheck-fixture.org/reports/2010.pdf",
                "2019-05-05",
                None
            ),
            expect(
                40,
                18,
                "ministry2012",
                "https://gov.citecheck-fixture.org/policy_paper_7.pdf",
                "2012-09",
                None
            ),
            expect(
                55,
                13,
                "both2018",
                "https://doi.org/10.5555/ident.2018",
                "2018",
                None
            ),
            expect(
                63,
                17,
                "arxiv2020",
                "https://arxiv.org/abs/2001.01234",
                "2020-01-04",
                None
            ),
            expect(
                72,
                31,
                "conf2016",
                "https://conf.citecheck-fixture.org/2016/slides%20final.pdf#page=2",
                "2016",
                None
            ),
            expect(
                73,
                30,
                "conf2016",
                "https://video.citecheck-fixture.org/talk?id=16",
                "2016",
                None
            ),
            expect(
                80,
                17,
                "archived2021",
                "https://vanished.citecheck-fixture.org/page",
                "2021-03-02",
                Some(archive)
            ),
            expect(
                87,
                40,
                "retrieved2015",
                "https://weather.citecheck-fixture.org/records",
                "2015-07-14",
                None
            ),
            expect(
                93,
                13,
                "prefixed",
                "https://doi.org/10.5555/ABC-9",
                "2011-07",
                None
            ),
            expect(
                101,
                15,
                "upper2017",
                "https://upper.citecheck-fixture.org/x",
                "2017",
                None
            ),
        ]
    );
}

#[test]
fn context_is_author_and_title_made_readable() {
    let (_, cites) = thesis();
    let context = |key: &str| {
        cites
            .iter()
            .find(|c| c.footnote.as_deref() == Some(key))
            .and_then(|c| c.context.clone())
    };
    assert_eq!(
        context("smith2019").as_deref(),
        Some("Smith, Jane, The Open Data Handbook")
    );
    assert_eq!(
        context("doe2005").as_deref(),
        Some("Doe, John et al., A Longitudinal Study of Link Rot")
    );
    assert_eq!(
        context("agency2010").as_deref(),
        Some("Federal Statistics Agency, Annual Report 2010")
    );
    assert_eq!(
        context("ministry2012").as_deref(),
        Some("Ministry of Fixtures, Policy Paper No. 7")
    );
    assert_eq!(context("retrieved2015").as_deref(), Some("Weather Records"));
    assert_eq!(
        context("upper2017").as_deref(),
        Some("Kaur, Preet, Upper-case Fields")
    );
}

#[test]
fn identifiers_keep_their_written_span_as_raw() {
    let (text, cites) = thesis();
    let doi = cites
        .iter()
        .find(|c| c.footnote.as_deref() == Some("prefixed"));
    let doi = doi.expect("prefixed entry");
    assert_eq!(doi.raw.as_deref(), Some("doi:10.5555/ABC-9"));
    assert_eq!(&text[doi.span.clone()], "doi:10.5555/ABC-9");
    let arxiv = cites
        .iter()
        .find(|c| c.footnote.as_deref() == Some("arxiv2020"));
    assert_eq!(arxiv.and_then(|c| c.raw.as_deref()), Some("2001.01234"));
}

#[test]
fn latex_escapes_in_url_fields_are_repaired_but_span_stays_as_written() {
    let (text, cites) = thesis();
    let c = cites
        .iter()
        .find(|c| c.footnote.as_deref() == Some("ministry2012"));
    let c = c.expect("ministry2012 entry");
    assert_eq!(
        &text[c.span.clone()],
        r"https://gov.citecheck-fixture.org/policy\_paper\_7.pdf"
    );
    assert_eq!(c.raw.as_deref(), Some(&text[c.span.clone()]));
    assert_eq!(c.repairs, vec!["latex-escape"]);
}

#[test]
fn element_is_the_whole_entry() {
    let (text, cites) = thesis();
    let smith = &cites[0];
    let entry = &text[smith.element.clone()];
    assert!(entry.starts_with("@online{smith2019,"), "{entry}");
    assert!(entry.ends_with("year    = {2018},\n}"), "{entry}");
    let parens = cites
        .iter()
        .find(|c| c.footnote.as_deref() == Some("archived2021"));
    let entry = &text[parens.expect("archived2021").element.clone()];
    assert!(
        entry.starts_with("@online(archived2021,") && entry.ends_with(')'),
        "{entry}"
    );
    // Both URLs of one entry share its element.
    let conf: Vec<_> = cites
        .iter()
        .filter(|c| c.footnote.as_deref() == Some("conf2016"))
        .map(|c| c.element.clone())
        .collect();
    assert_eq!(conf.len(), 2);
    assert_eq!(conf[0], conf[1]);
}

#[test]
fn comments_strings_preambles_and_url_less_entries_give_nothing() {
    let (_, cites) = thesis();
    for c in &cites {
        assert!(!c.url.contains("comment."), "{}", c.url);
        assert!(!c.url.contains("preamble."), "{}", c.url);
        assert!(!c.url.contains("gone."), "{}", c.url);
        assert_ne!(c.footnote.as_deref(), Some("knuth1984"));
    }
}

#[test]
fn broken_entries_do_not_swallow_the_rest() {
    let text = fixture("broken.bib");
    let cites = extract("broken.bib", &text, Format::Bibtex);
    let rows: Vec<_> = cites
        .iter()
        .map(|c| (c.line, c.column, c.footnote.as_deref(), c.url.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                9,
                10,
                Some("after"),
                "https://after.citecheck-fixture.org/ok"
            ),
            (
                16,
                22,
                Some("last"),
                "https://last.citecheck-fixture.org/end"
            ),
        ]
    );
    // The unclosed last entry runs to the end of the file.
    assert_eq!(
        &text[cites[1].element.clone()],
        "@online{last, url = {https://last.citecheck-fixture.org/end}, note = {no closing brace}"
    );
}

#[test]
fn month_macro_number_and_name_give_the_month() {
    for (month, want) in [
        ("jan", "2003-01"),
        ("{Feb.}", "2003-02"),
        ("\"11\"", "2003-11"),
    ] {
        let text = format!(
            "@misc{{k, url = {{https://m.citecheck-fixture.org/}}, year = 2003, month = {month}}}"
        );
        let cites = extract("m.bib", &text, Format::Bibtex);
        assert_eq!(cites.len(), 1, "{text}");
        assert_eq!(
            cites[0].cited.map(|d| d.to_string()).as_deref(),
            Some(want),
            "{text}"
        );
    }
}

#[test]
fn url_wrapped_in_url_command_and_bare_note_urls() {
    let text = "@misc{w, url = {\\url{https://wrapped.citecheck-fixture.org/a_b}},\n note = {see https://bare.citecheck-fixture.org/n.}}";
    let cites = extract("w.bib", text, Format::Bibtex);
    let urls: Vec<_> = cites.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://wrapped.citecheck-fixture.org/a_b",
            "https://bare.citecheck-fixture.org/n"
        ]
    );
    assert!(cites.iter().all(|c| c.footnote.as_deref() == Some("w")));
}

#[test]
fn string_macros_are_expanded_where_entries_use_them() {
    let text = fixture("macros.bib");
    let cites = extract("macros.bib", &text, Format::Bibtex);
    let rows: Vec<_> = cites
        .iter()
        .map(|c| {
            (
                c.footnote.as_deref().unwrap_or(""),
                c.url.as_str(),
                c.raw.as_deref(),
                c.cited.map(|d| d.to_string()),
                c.context.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "macrobook",
                "https://dl.acm.org/doi/10.1145/3368089",
                Some("acm # \"/doi/10.1145/3368089\""),
                Some("2020-05-01".to_string()),
                "Doe, Jane, Macros in Practice",
            ),
            (
                "wholemacro",
                "https://repo.citecheck-fixture.org/papers",
                Some("REPO"),
                Some("2021-06".to_string()),
                "Only a macro",
            ),
            (
                "notemacro",
                "https://repo.citecheck-fixture.org/papers/note-42",
                Some("\"Online at \" # repo # \"/note-42\""),
                None,
                "In a note",
            ),
            (
                "plainentry",
                "https://plain.citecheck-fixture.org/x",
                None,
                Some("2019".to_string()),
                "No macro at all",
            ),
            // Not a URL, but the field says it is one: `check` calls it invalid.
            (
                "undefined",
                "nosuchmacro/path",
                Some("nosuchmacro # \"/path\""),
                None,
                "Names a macro nobody defined",
            ),
        ]
    );
    // The span is the whole value expression: what `fix` would rewrite.
    assert_eq!(
        &text[cites[0].span.clone()],
        "acm # \"/doi/10.1145/3368089\""
    );
    assert_eq!((cites[0].line, cites[0].column), (13, 15));
}

#[test]
fn a_macro_is_known_only_after_its_definition() {
    let text = "@misc{early, url = site # \"/a\"}\n@string{site = \"https://s.citecheck-fixture.org\"}\n@misc{after, url = site # \"/b\"}";
    let cites = extract("order.bib", text, Format::Bibtex);
    let urls: Vec<_> = cites.iter().map(|c| c.url.as_str()).collect();
    // Before its definition the name is only a name: no URL (reported, to be
    // judged invalid).
    assert_eq!(urls, ["site/a", "https://s.citecheck-fixture.org/b"]);
}

#[test]
fn url_fields_are_reported_even_when_they_cannot_be_urls() {
    let text = "@misc{a, url = {github.com/citecheck/x}}\n\
                @misc{b, url = {http//no-colon.citecheck-fixture.org/}}\n\
                @misc{c, url = {mailto:someone@citecheck-fixture.org}}\n\
                @misc{d, url = {}}\n\
                @misc{e, url = \"https://joined.citecheck-fixture.org/\" # \"part\"}\n\
                @misc{f, note = {see github.com/citecheck/y}}\n";
    let cites = extract("u.bib", text, Format::Bibtex);
    let rows: Vec<_> = cites
        .iter()
        .map(|c| (c.footnote.as_deref().unwrap_or(""), c.url.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", "github.com/citecheck/x"),
            ("b", "http//no-colon.citecheck-fixture.org/"),
            // A mailto: is a URL, just not a citation; an empty field is nothing.
            // Literal parts are joined as BibTeX joins them.
            ("e", "https://joined.citecheck-fixture.org/part"),
            // Free text is only searched for URLs.
        ]
    );
}
