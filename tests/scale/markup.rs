//! Extraction time on large HTML and wikitext documents (200k notes).
//!
//! Ignored by default: it means something only with optimisations, e.g.
//! `CARGO_PROFILE_TEST_OPT_LEVEL=3 cargo test --test scale -- --ignored markup`.

use std::time::{Duration, Instant};

use citecheck::extract::extract;
use citecheck::Format;

const NOTES: usize = 200_000;
/// "Well under a second" for 20 MB with 200k notes, on an idle machine.
const BUDGET: Duration = Duration::from_millis(1000);

fn timed(text: &str, format: Format) -> Duration {
    let start = Instant::now();
    let found = extract("large", text, format);
    let took = start.elapsed();
    assert_eq!(found.len(), NOTES);
    assert_eq!(found[NOTES - 1].footnote.as_deref(), Some("200000"));
    println!("{format}: {} MB in {took:?}", text.len() / 1_000_000);
    took
}

#[test]
#[ignore = "timing; run optimised"]
fn large_html_with_200k_footnotes() {
    let mut html = String::from("<html><body><section class=\"footnotes\"><ol>\n");
    for i in 0..NOTES {
        html.push_str(&format!(
            "<li id=\"fn{i}\"><p>Lee, <em>Title</em>. \
             <a href=\"https://s{}.citecheck-fixture.org/p/{i}\">Link</a>\
             <a href=\"#r{i}\">↩</a></p></li>\n",
            i % 97
        ));
    }
    html.push_str("</ol></section></body></html>");
    assert!(timed(&html, Format::Html) < BUDGET);
}

#[test]
#[ignore = "timing; run optimised"]
fn large_wikitext_with_200k_refs() {
    let mut wiki = String::new();
    for i in 0..NOTES {
        wiki.push_str(&format!(
            "Claim.<ref>{{{{cite web |url=https://s{}.citecheck-fixture.org/p/{i} \
             |title=T {i} |access-date=2 May 2020}}}}</ref> [[a|b]].\n",
            i % 97
        ));
    }
    assert!(timed(&wiki, Format::Wikitext) < BUDGET);
}
