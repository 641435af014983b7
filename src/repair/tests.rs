//! Tests of [`super::repair`], one group per rule, then the properties every
//! repair must have (idempotent, clean URLs untouched, `core` a real span).

use super::*;

/// Repairs `raw` and returns the URL and the rule names.
fn fixed(raw: &str) -> (String, Vec<&'static str>) {
    let r = repair(raw);
    (r.url, r.rules)
}

/// Asserts `raw` repairs to `url` with exactly `rules`.
#[track_caller]
fn check(raw: &str, url: &str, rules: &[&str]) {
    assert_eq!(fixed(raw), (url.to_string(), rules.to_vec()), "raw {raw:?}");
}

#[test]
fn clean_urls_are_untouched() {
    for url in [
        "http://x.org",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        "http://x.org/a?b=1&c=2#frag",
        "http://x.org/%5C%20a",
        "http://例え.jp/パス",
        "HTTP://X.ORG/A",
        "http://x.org/a_",
        "http://x.org/it's-a/b",
    ] {
        let r = repair(url);
        assert_eq!(r.url, url);
        assert!(r.rules.is_empty(), "{url}: {:?}", r.rules);
        assert_eq!(r.core, 0..url.len());
    }
}

#[test]
fn markdown_escape() {
    let md = ["markdown-escape"];
    check("http://x.org/c\\_112", "http://x.org/c_112", &md);
    check(
        "http://x.org/c\\\\_1121867529.htm",
        "http://x.org/c_1121867529.htm",
        &md,
    );
    check(
        "http://x.org/\\*\\#\\(\\)\\~\\&",
        "http://x.org/*#()~&",
        &md,
    );
    check("http://x.org/a\\/b", "http://x.org/a/b", &md);
    // Not before punctuation, or percent-encoded: left alone.
    check("http://x.org/a\\b", "http://x.org/a\\b", &[]);
    check("http://x.org/a%5C_b", "http://x.org/a%5C_b", &[]);
}

#[test]
fn html_entity() {
    let he = ["html-entity"];
    check("http://x.org/?a=1&amp;b=2", "http://x.org/?a=1&b=2", &he);
    check("http://x.org/?a=1&#38;b=2", "http://x.org/?a=1&b=2", &he);
    check("http://x.org/?a=1&#x26;b=2", "http://x.org/?a=1&b=2", &he);
    check(
        "http://x.org/?q=&quot;a&quot;b",
        "http://x.org/?q=\"a\"b",
        &he,
    );
    check("http://x.org/&lt;&gt;&apos;x", "http://x.org/<>'x", &he);
    check("http://x.org/a&nbsp;b", "http://x.org/a\u{A0}b", &he);
    // Double encoding is undone completely.
    check("http://x.org/?a&amp;amp;b", "http://x.org/?a&b", &he);
    // Unknown names, control characters and bare ampersands stay.
    check("http://x.org/?a&foo;b", "http://x.org/?a&foo;b", &[]);
    check("http://x.org/a&#10;b", "http://x.org/a&#10;b", &[]);
    check("http://x.org/?a&b;c", "http://x.org/?a&b;c", &[]);
    // An entity and an escape together.
    check(
        "http://x.org/&#92;_a",
        "http://x.org/_a",
        &["markdown-escape", "html-entity"],
    );
}

#[test]
fn trailing_punctuation() {
    let tp = ["trailing-punctuation"];
    for raw in [
        "http://x.org/a.",
        "http://x.org/a,",
        "http://x.org/a;",
        "http://x.org/a:",
        "http://x.org/a!?",
        "http://x.org/a”",
        "http://x.org/a’.",
        "http://x.org/a»",
        "http://x.org/a)",
        "http://x.org/a).",
        "http://x.org/a]",
        "http://x.org/a}",
        "http://x.org/a>",
        "*http://x.org/a*",
        "**http://x.org/a**",
        "_http://x.org/a_",
        "http://x.org/a。",
    ] {
        check(raw, "http://x.org/a", &tp);
    }
    check(
        "https://en.wikipedia.org/wiki/Mercury_(planet).",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        &tp,
    );
    check(
        "https://en.wikipedia.org/wiki/Mercury_(planet))",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        &tp,
    );
    let r = repair("https://x.org/a).");
    assert_eq!(r.core, 0.."https://x.org/a".len());
}

#[test]
fn angle_brackets() {
    let ab = ["angle-brackets"];
    let r = repair("<http://x.org/a>");
    assert_eq!(
        (r.url.as_str(), r.rules.as_slice()),
        ("http://x.org/a", &ab[..])
    );
    assert_eq!(r.core, 1..15);
    check("(http://x.org/a)", "http://x.org/a", &ab);
    check("[http://x.org/a]", "http://x.org/a", &ab);
    check("\"http://x.org/a\"", "http://x.org/a", &ab);
    check("“http://x.org/a”", "http://x.org/a", &ab);
    check("'http://x.org/a'", "http://x.org/a", &ab);
    check("<http://x.org/a", "http://x.org/a", &ab);
    check(
        "(https://en.wikipedia.org/wiki/Mercury_(planet))",
        "https://en.wikipedia.org/wiki/Mercury_(planet)",
        &ab,
    );
    check(
        "\"http://x.org/a\".",
        "http://x.org/a",
        &["angle-brackets", "trailing-punctuation"],
    );
    // Encoded wrappers are trimmed like plain ones, and only the trimming is reported.
    let r = repair("&lt;http://x.org/a&gt;");
    assert_eq!(
        (r.url.as_str(), r.rules.as_slice()),
        ("http://x.org/a", &ab[..])
    );
    assert_eq!(r.core, 4..18);
    check(
        "http://x.org/a\\)",
        "http://x.org/a",
        &["trailing-punctuation"],
    );
}

#[test]
fn line_break() {
    let lb = ["line-break"];
    check("http://x.org/a/\nb.htm", "http://x.org/a/b.htm", &lb);
    check("http://x.org/a \r\n b.htm", "http://x.org/ab.htm", &lb);
    // Outer white space is trimmed silently; inner spaces without a line break stay.
    check("  http://x.org/a \n", "http://x.org/a", &[]);
    check("http://x.org/a b", "http://x.org/a b", &[]);
    let r = repair("  http://x.org/a.\n");
    assert_eq!(r.core, 2..16);
}

#[test]
fn hyphenation() {
    let both = ["line-break", "hyphenation"];
    check("http://x.org/some-\nthing", "http://x.org/something", &both);
    check(
        "http://x.org/e-\ngovernment",
        "http://x.org/egovernment",
        &both,
    );
    let lb = ["line-break"];
    // Other hyphens in the path: the path style uses hyphens, keep it.
    check(
        "http://x.org/china-to-\ninvest",
        "http://x.org/china-to-invest",
        &lb,
    );
    check(
        "http://x.org/a-b/some-\nthing",
        "http://x.org/a-b/some-thing",
        &lb,
    );
    // Not letters on both sides.
    check("http://x.org/c1-\n2.htm", "http://x.org/c1-2.htm", &lb);
    check("http://x.org/some-\n2", "http://x.org/some-2", &lb);
    // Not immediately before the line break.
    check("http://x.org/some- \nthing", "http://x.org/some-thing", &lb);
    // In the host, not the path.
    check("http://my-\nhost.org/a", "http://my-host.org/a", &lb);
}

#[test]
fn invisible_characters() {
    let ic = ["invisible-characters"];
    check("http://x.org/a\u{AD}b", "http://x.org/ab", &ic);
    check(
        "http://x.org/a\u{200B}b\u{200C}c\u{200D}d",
        "http://x.org/abcd",
        &ic,
    );
    check("http://x.org/a\u{2060}b\u{FEFF}c", "http://x.org/abc", &ic);
    check(
        "http://x.org/a&shy;b",
        "http://x.org/ab",
        &["invisible-characters", "html-entity"],
    );
    let r = repair("\u{FEFF}http://x.org");
    assert_eq!(r.url, "http://x.org");
    assert_eq!(r.core, 3..15);
    // Trailing invisible characters are outside the URL proper.
    let r = repair("http://x.org\u{200B}");
    assert_eq!((r.url.as_str(), r.core.clone()), ("http://x.org", 0..12));
}

#[test]
fn scheme_less_www() {
    let sw = ["scheme-less-www"];
    check("www.x.org/a", "http://www.x.org/a", &sw);
    check("WWW.X.ORG", "http://WWW.X.ORG", &sw);
    check(
        "<www.x.org/a>.",
        "http://www.x.org/a",
        &["angle-brackets", "trailing-punctuation", "scheme-less-www"],
    );
    check("www.", "www", &["trailing-punctuation"]);
    let r = repair("www.x.org");
    assert_eq!(r.core, 0..9);
}

#[test]
fn seed_document_urls() {
    let raw = "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c\\\\_1121867529.htm";
    check(
        raw,
        "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm",
        &["markdown-escape"],
    );
    check(
        "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr\\\\_b\\\\_20170410\\\\_3-11.htm",
        "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr_b_20170410_3-11.htm",
        &["markdown-escape"],
    );
    let reuters = "https://www.reuters.com/article/us-china-economy-technology/china-to-invest-15-billion-in-big-data-cloud-computing-over-next-five-years-idUSKCNILZ17S";
    check(reuters, reuters, &[]);
}

#[test]
fn empty_and_junk() {
    assert_eq!(repair("").url, "");
    assert_eq!(repair("").core, 0..0);
    assert_eq!(repair("  ").url, "");
    assert_eq!(repair("<>").url, "");
    assert_eq!(repair("\\").url, "\\");
}

#[test]
fn citable() {
    for url in [
        "http://x.org",
        "https://x.org/a",
        "ftp://ftp.x.org/pub",
        "HTTPS://X.ORG",
        "http://[bad",
        "http://exa mple.org",
    ] {
        assert!(is_citable(url), "{url}");
    }
    for url in [
        "",
        "/relative/path",
        "relative.html",
        "#anchor",
        "mailto:a@x.org",
        "tel:+123",
        "javascript:void(0)",
        "data:text/plain,hi",
        "file:///etc/passwd",
        "http://",
        "www.x.org",
        "httpx://x.org",
    ] {
        assert!(!is_citable(url), "{url}");
    }
}

#[test]
fn rules_table_matches_the_rule_enum() {
    let names: Vec<_> = RULES.iter().map(|(n, _)| *n).collect();
    assert_eq!(rule_names(Rule::InvisibleCharacters.bit()), [names[0]]);
    assert_eq!(rule_names(Rule::SchemeLessWww.bit()), [names[8]]);
    assert_eq!(rule_names(Rule::LatexEscape.bit()), ["latex-escape"]);
    assert_eq!(rule_names(u16::MAX), names);
    assert!(RULES.iter().all(|(n, d)| !n.is_empty() && !d.is_empty()));
}

/// Pieces the generated raw URLs are made of: URL text, damage and wrappers.
const PIECES: &[&str] = &[
    "http://", "www.", "x.org", "/", "a", "B", "-", "_", "\\", "\\\\", "&amp;", "&", "amp;", "#",
    "38;", "&#x26;", ";", "\n", " ", "\r\n", "\t", "\u{AD}", "\u{200B}", "<", ">", "(", ")", "[",
    "]", "{", "}", "\"", "'", ".", ",", "*", "”", "“", "%5C", "é", "例", "&lt;", "&gt;", "&#92;",
    "&quot;", "?", "=", "&#10;", "&nbsp;", "&shy;", "1", "\u{FEFF}", "。",
];

#[test]
fn repair_is_idempotent_and_core_is_a_span() {
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    for _ in 0..30_000 {
        let n = rng.usize(0..14);
        let raw: String = (0..n)
            .filter_map(|_| PIECES.get(rng.usize(..PIECES.len())).copied())
            .collect();
        let once = repair(&raw);
        assert!(
            raw.get(once.core.clone()).is_some(),
            "{raw:?} {:?}",
            once.core
        );
        let twice = repair(&once.url);
        assert_eq!(twice.url, once.url, "raw {raw:?}");
        assert!(twice.rules.is_empty(), "raw {raw:?}: {:?}", twice.rules);
        if !once.url.is_empty() {
            assert_eq!(twice.core, 0..once.url.len(), "raw {raw:?}");
        }
    }
}

#[test]
fn the_clean_url_shortcut_agrees_with_the_full_pass() {
    let mut rng = fastrand::Rng::with_seed(0xc1ea);
    let mut clean = 0;
    for i in 0..60_000 {
        let n = rng.usize(0..12);
        // Half the inputs start with a scheme so that the shortcut is taken often.
        let mut raw = if i % 2 == 0 {
            "https://".to_string()
        } else {
            String::new()
        };
        raw.extend((0..n).filter_map(|_| PIECES.get(rng.usize(..PIECES.len())).copied()));
        let full = repair_units(&raw, decode(&raw));
        let fast = repair(&raw);
        if is_clean(&raw) {
            clean += 1;
        }
        assert_eq!(fast.url, full.url, "raw {raw:?}");
        assert_eq!(fast.rules, full.rules, "raw {raw:?}");
        assert_eq!(fast.core, full.core, "raw {raw:?}");
    }
    assert!(clean > 200, "the shortcut was taken {clean} times");
}
