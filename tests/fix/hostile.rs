//! Any text in any format: extraction and `fix` never panic, every citation
//! points inside the document, and every plan applies. The documents are
//! random sequences of the tokens each parser treats specially (delimiters,
//! markup openers, URL starts, line breaks, non-ASCII), so the parsers'
//! edge cases are reached far more often than with random characters.

use citecheck::extract::extract;
use citecheck::fix::{apply, plan, Action, FixOptions, Style};
use citecheck::Format;
use proptest::prelude::*;

/// Tokens that open, close or separate constructs in one format or another.
const TOKENS: &[&str] = &[
    "http://a.org/x",
    "https://b.org/p_(q)",
    "www.c.org",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "    ",
    "\t",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "\"",
    "'",
    "`",
    "``",
    "_",
    "__",
    "#",
    "%",
    "\\",
    "|",
    "=",
    ",",
    ":",
    ".",
    "-",
    "*",
    "^",
    "!",
    "&amp;",
    "&#",
    "é",
    "中",
    "\u{ad}",
    "\u{200b}",
    "[^1]",
    "[^1]: ",
    "]: ",
    "^[",
    "<sup>1</sup>",
    "12. ",
    "[3] ",
    "<a href=\"",
    "</a>",
    "<ref>",
    "</ref>",
    "<ref name=n/>",
    "<!--",
    "-->",
    "{{cite web|url=",
    "|access-date=",
    "}}",
    "[[",
    "]]",
    "@misc{k,",
    "@string{s = \"",
    "url = ",
    " # ",
    "doi = {",
    "\\url{",
    "\\url|",
    "\\href{",
    "\\footnote{",
    "\\begin{thebibliography}",
    "\\bibitem{b}",
    "\\verb|",
    ".. _t: ",
    ".. [#] ",
    ".. [1] ",
    "::",
    "t_",
    "`t`_",
    "`x <t_>`_",
    "accessed 5 May 2019",
    "2017年10月27日",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.concat())
}

fn archive_of(url: &str) -> Action {
    Action::Archive {
        archive_url: format!("https://web.archive.org/web/20200101000000/{url}"),
        timestamp: "20200101000000".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn extraction_and_fix_hold_on_any_token_soup(text in document()) {
        for format in Format::ALL {
            let cites = extract("soup", &text, format);
            for c in &cites {
                prop_assert!(text.get(c.span.clone()).is_some(), "{format:?} span {:?}", c.span);
                prop_assert!(text.get(c.element.clone()).is_some(), "{format:?} element {:?}", c.element);
                prop_assert!(c.line >= 1 && c.column >= 1);
            }
            // Every kind of edit: archive links in both styles, a new URL full
            // of characters that need escaping, and repairs.
            let update = Action::Update { new_url: "https://n.org/a b|c{d}\"<x>%_#".into() };
            let actions = [
                (Style::Append, None),
                (Style::Replace, None),
                (Style::Append, Some(update)),
                (Style::Append, Some(Action::Repair)),
            ];
            for (style, action) in actions {
                let items: Vec<_> = cites
                    .iter()
                    .map(|c| (c.clone(), action.clone().unwrap_or_else(|| archive_of(&c.url))))
                    .collect();
                let opts = FixOptions { style, ..FixOptions::default() };
                let p = plan(&text, format, &items, &opts);
                let fixed = apply(&text, &p.edits);
                prop_assert!(fixed.is_ok(), "{format:?} {style:?}: {:?}", fixed.err());
            }
        }
    }
}
