//! Markers per format, through the real extractors.

use super::*;
use crate::extract::extract;

fn urls(text: &str, format: Format) -> Vec<String> {
    extract("doc", text, format)
        .into_iter()
        .map(|c| c.url)
        .collect()
}

fn lines(text: &str, format: Format) -> Vec<RangeInclusive<usize>> {
    ignored_lines(&Doc::new("doc", text), format)
}

#[test]
fn markdown_marker_on_a_line_skips_that_line() {
    let text = "A <https://a.org/> <!-- citecheck-ignore -->\nB <https://b.org/>\n";
    assert_eq!(urls(text, Format::Markdown), ["https://b.org/"]);
}

#[test]
fn markdown_lone_marker_skips_the_next_nonblank_line() {
    let text = "<!-- citecheck-ignore -->\n\n   \nA <https://a.org/>\nB <https://b.org/>\n";
    assert_eq!(urls(text, Format::Markdown), ["https://b.org/"]);
    assert_eq!(lines(text, Format::Markdown), [4..=4]);
}

#[test]
fn markdown_footnote_definition_can_be_skipped() {
    let text = "Text[^1] and[^2].\n\n\
                [^1]: Gone, <https://gone.org/x>. <!-- citecheck-ignore -->\n\
                [^2]: Kept, <https://kept.org/y>.\n";
    assert_eq!(urls(text, Format::Markdown), ["https://kept.org/y"]);
}

#[test]
fn markdown_region_skips_every_line_between() {
    let text = "<https://a.org/>\n<!-- citecheck-ignore-start -->\n<https://b.org/>\n\n\
                <https://c.org/>\n<!--citecheck-ignore-end-->\n<https://d.org/>\n";
    assert_eq!(
        urls(text, Format::Markdown),
        ["https://a.org/", "https://d.org/"]
    );
    assert_eq!(lines(text, Format::Markdown), [2..=6]);
}

#[test]
fn unclosed_region_runs_to_the_end_and_stray_end_does_nothing() {
    let text = "<!-- citecheck-ignore-end -->\n<https://a.org/>\n\
                <!-- citecheck-ignore-start -->\n<https://b.org/>\n<https://c.org/>\n";
    assert_eq!(urls(text, Format::Markdown), ["https://a.org/"]);
    assert_eq!(lines(text, Format::Markdown), [3..=usize::MAX]);
}

#[test]
fn lookalikes_are_not_markers() {
    let text = "Write `citecheck-ignore` in a comment. <https://a.org/>\n\
                <!-- citecheck-ignored -->\n<https://b.org/>\n\
                <!-- citecheck-ignore-startle -->\n<https://c.org/>\n\
                <!-- citecheck-ignore --> trailing text is fine <https://d.org/>\n\
                % citecheck-ignore\n<https://e.org/>\n";
    assert_eq!(
        urls(text, Format::Markdown),
        [
            "https://a.org/",
            "https://b.org/",
            "https://c.org/",
            "https://e.org/"
        ]
    );
}

#[test]
fn crlf_line_endings() {
    let text = "<!-- citecheck-ignore -->\r\n<https://a.org/>\r\n<https://b.org/>\r\n";
    assert_eq!(urls(text, Format::Markdown), ["https://b.org/"]);
}

#[test]
fn marker_on_the_last_line_skips_nothing() {
    let text = "<https://a.org/>\n<!-- citecheck-ignore -->";
    assert_eq!(urls(text, Format::Markdown), ["https://a.org/"]);
    assert!(lines(text, Format::Markdown).is_empty());
}

#[test]
fn html_and_wikitext_use_html_comments() {
    let html = "<p><a href=\"https://a.org/\">a</a> <!-- citecheck-ignore --></p>\n\
                <p><a href=\"https://b.org/\">b</a></p>\n";
    assert_eq!(urls(html, Format::Html), ["https://b.org/"]);
    let wiki = "Fact.<ref>[https://a.org/ A]</ref><!-- citecheck-ignore -->\n\
                <!-- citecheck-ignore -->\nOther.<ref>[https://b.org/ B]</ref>\n\
                More.<ref>[https://c.org/ C]</ref>\n";
    assert_eq!(urls(wiki, Format::Wikitext), ["https://c.org/"]);
}

#[test]
fn plain_text_and_converted_use_html_comments() {
    let text = "Body.\n\n1. https://a.org/ <!-- citecheck-ignore -->\n2. https://b.org/\n";
    assert_eq!(urls(text, Format::Text), ["https://b.org/"]);
}

#[test]
fn latex_percent_comments() {
    let text = "A\\footnote{\\url{https://a.org/}} % citecheck-ignore dead since 2019\n\
                B\\footnote{\\url{https://b.org/}} 50\\% citecheck-ignore\n\
                % citecheck-ignore-start\n\\href{https://c.org/}{c}\n% citecheck-ignore-end\n\
                %citecheck-ignore\n\\url{https://d.org/}\n\\url{https://e.org/}\n";
    assert_eq!(
        urls(text, Format::Latex),
        ["https://b.org/", "https://e.org/"]
    );
}

#[test]
fn bibtex_percent_comments() {
    let text = "% citecheck-ignore-start\n@misc{a,\n  url = {https://a.org/},\n}\n\
                % citecheck-ignore-end\n@misc{b,\n  % citecheck-ignore\n  url = {https://b.org/},\n}\n\
                @misc{c,\n  url = {https://c.org/},\n}\n";
    assert_eq!(urls(text, Format::Bibtex), ["https://c.org/"]);
}

#[test]
fn html_comments_do_not_count_in_latex_nor_percent_in_markdown() {
    let text = "<!-- citecheck-ignore -->\n\\url{https://a.org/}\n";
    assert_eq!(urls(text, Format::Latex), ["https://a.org/"]);
    let text = "% citecheck-ignore\n<https://a.org/>\n";
    assert_eq!(urls(text, Format::Markdown), ["https://a.org/"]);
}

#[test]
fn rst_comments() {
    let text = "Title\n=====\n\n.. citecheck-ignore\n\nSee https://a.org/ now.\n\n\
                See https://b.org/ too.\n\n.. citecheck-ignore-start\n\nhttps://c.org/\n\n\
                .. citecheck-ignore-end\n\n..citecheck-ignore\n\nhttps://d.org/\n\n\
                Text .. citecheck-ignore\nhttps://e.org/\n";
    assert_eq!(
        urls(text, Format::Rst),
        ["https://b.org/", "https://d.org/", "https://e.org/"]
    );
}

#[test]
fn overlapping_markers_merge() {
    let text = "<!-- citecheck-ignore-start -->\n<!-- citecheck-ignore -->\nx\n\
                <!-- citecheck-ignore-end --> <!-- citecheck-ignore -->\ny\n";
    assert_eq!(lines(text, Format::Markdown), [1..=4]);
}

#[test]
fn is_ignored_uses_sorted_ranges() {
    let ranges = [2..=3, 7..=7, 10..=usize::MAX];
    let hits: Vec<usize> = (1..=12).filter(|&l| is_ignored(&ranges, l)).collect();
    assert_eq!(hits, [2, 3, 7, 10, 11, 12]);
}

#[test]
fn many_markers_stay_linear() {
    // 100,000 lines alternating lone markers and links, plus one long line of
    // unclosed comment openers: every other link survives, quickly.
    let mut text = String::new();
    for i in 0..50_000 {
        text.push_str("<!-- citecheck-ignore -->\n");
        text.push_str(&format!("<https://a.org/{i}>\n<https://b.org/{i}>\n"));
    }
    text.push_str(&"<!-- citecheck-ignore ".repeat(50_000));
    text.push('\n');
    let start = std::time::Instant::now();
    let found = extract("doc", &text, Format::Markdown);
    assert_eq!(found.len(), 50_000);
    assert!(found.iter().all(|c| c.url.starts_with("https://b.org/")));
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
