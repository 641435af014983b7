//! Cutting a large document into chunks must not change what is extracted:
//! the chunked, multi-threaded extraction gives exactly the citations of one
//! walk over the whole document, whatever the chunk size.

use citecheck::extract::{extract_each, Split};
use citecheck::{Citation, Format};
use proptest::prelude::*;

fn run(text: &str, format: Format, split: Split) -> Vec<Citation> {
    let mut all = Vec::new();
    let mut batches = 0;
    let r: Result<(), ()> = extract_each("doc.md", text, format, split, |b| {
        batches += 1;
        all.extend(b);
        Ok(())
    });
    assert_eq!(r, Ok(()));
    assert!(batches >= 1);
    all
}

fn whole(text: &str, format: Format) -> Vec<Citation> {
    run(
        text,
        format,
        Split {
            threads: 1,
            chunk_bytes: usize::MAX,
        },
    )
}

fn assert_same_when_chunked(text: &str, format: Format) {
    let expected = whole(text, format);
    for chunk_bytes in [1, 16, 97, 400] {
        for threads in [1, 2, 3] {
            let got = run(
                text,
                format,
                Split {
                    threads,
                    chunk_bytes,
                },
            );
            if got != expected {
                let diff: Vec<String> = got
                    .iter()
                    .zip(&expected)
                    .filter(|(a, b)| a != b)
                    .take(3)
                    .map(|(a, b)| format!("chunked {a:?}\nwhole   {b:?}"))
                    .collect();
                panic!(
                    "chunk_bytes {chunk_bytes}, threads {threads}: {} vs {} citations\n{}\n--- text ---\n{text}",
                    got.len(),
                    expected.len(),
                    diff.join("\n")
                );
            }
        }
    }
}

const TORTURE: &str = r#"---
title: front matter https://front.matter.org/x

still: front matter
---

# Report

Body claim[^a] and another[^b], see https://body.org/one and [the site](https://site.org/p).
A reference link [Smith][smith] and a shortcut [jones], and [Later][later].

```text
https://fenced.org/code

https://fenced.org/after-blank
```

<!-- a comment

https://comment.org/hidden -->

<pre>
https://pre.org/x

</pre>

> Quoted https://quote.org/q
>
> more [link](https://quote.org/l)

- item https://list.org/1

- item two[^c]
  continued https://list.org/2

Plain paragraph.

    indented code https://indented.org/no

[^a]: First note, 27 October 2017. <https://a.org/1>.

    Second paragraph https://a.org/2, accessed 5 May 2019.

[^b]: B note [x](https://b.org/) with a reference to [Smith][smith].
[^c]: C note https://c.org/c
[^d]: D note, unreferenced https://d.org/d
[^e]: E note[^a] https://e.org/e
lazy continuation https://e.org/lazy

Paragraph after notes https://after.org/x[^a] and www.scheme-less.org/page.

[smith]: https://smith.org/paper "Title"
[jones]: <https://jones.org/j>
[SMITH]: https://duplicate.org/ignored

| a | b |
|---|---|
| https://table.org/1 | [t](https://table.org/2) |

Final [Later] paragraph.

[later]: https://later.org/l
"#;

#[test]
fn torture_document_chunks_alike() {
    assert_same_when_chunked(TORTURE, Format::Markdown);
    let doubled = format!("{TORTURE}\n\n{TORTURE}");
    assert_same_when_chunked(&doubled, Format::Markdown);
}

#[test]
fn torture_document_is_read_as_expected() {
    let urls: Vec<String> = whole(TORTURE, Format::Markdown)
        .into_iter()
        .map(|c| c.url)
        .collect();
    for u in [
        "https://body.org/one",
        "https://a.org/2",
        "https://after.org/x",
        "https://later.org/l",
    ] {
        assert!(urls.iter().any(|x| x == u), "{u} missing from {urls:?}");
    }
    for u in [
        "fenced.org",
        "comment.org",
        "indented.org",
        "duplicate.org",
        "front.matter",
    ] {
        assert!(!urls.iter().any(|x| x.contains(u)), "{u} in {urls:?}");
    }
}

#[test]
fn a_block_the_planner_misses_is_walked_whole() {
    // The planner takes `<span>x</span>` alone on a line for an HTML block
    // (which would hide the fence); the parser sees a paragraph, then a
    // fence that never closes: nothing after it is a citation.
    let mut text =
        String::from("Intro https://intro.org/\n\n<span>x</span>\n```\ncode https://code.org/\n\n");
    for i in 0..300 {
        text.push_str(&format!("[^{i}]: note https://n{i}.org/\n\n"));
    }
    assert_same_when_chunked(&text, Format::Markdown);
    let urls: Vec<String> = whole(&text, Format::Markdown)
        .into_iter()
        .map(|c| c.url)
        .collect();
    assert_eq!(urls, ["https://intro.org/"]);
}

#[test]
fn seed_converted_document_chunks_alike() {
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/converted/seed-essay.txt"
    ))
    .unwrap_or_default();
    assert!(!seed.is_empty());
    assert_same_when_chunked(&seed, Format::Converted);
}

#[test]
fn markdown_fixtures_chunk_alike() {
    for name in ["fix/markdown.md", "fix/seed.md", "reports/sample.md"] {
        let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!text.is_empty(), "{path}");
        assert_same_when_chunked(&text, Format::Markdown);
    }
}

#[test]
fn inline_notes_keep_their_numbers() {
    // Pandoc inline notes are numbered over the whole document: such a
    // document is walked whole, whatever the split.
    let text = "A[^x] b^[Inline <https://i.org/1>.]\n\n".repeat(20) + "[^x]: X https://x.org/\n";
    assert_same_when_chunked(&text, Format::Markdown);
    let labels: Vec<Option<String>> = whole(&text, Format::Markdown)
        .into_iter()
        .take(2)
        .map(|c| c.footnote)
        .collect();
    assert_eq!(labels, [Some("2".to_string()), Some("3".to_string())]);
}

#[test]
fn a_sink_error_stops_extraction() {
    let text = "[^1]: note https://a.org/x\n\n".repeat(2000);
    let mut calls = 0;
    let r = extract_each(
        "d.md",
        &text,
        Format::Markdown,
        Split {
            threads: 2,
            chunk_bytes: 100,
        },
        |_| {
            calls += 1;
            if calls == 3 {
                Err("closed")
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(r, Err("closed"));
    assert_eq!(calls, 3);
}

/// Building blocks of Markdown documents, each ending with a newline.
fn block() -> impl Strategy<Value = String> {
    let url = "[a-d]{1,3}".prop_map(|h| format!("https://{h}.org/p"));
    let label = "[a-c1-3]{1,2}";
    prop_oneof![
        url.clone().prop_map(|u| format!("Text {u} more.\n")),
        (label, url.clone()).prop_map(|(l, u)| format!("[^{l}]: Note, 5 May 2019. {u}\n")),
        (label, url.clone()).prop_map(|(l, u)| format!("[^{l}]: Note.\n\n    Para {u}\n")),
        label.prop_map(|l| format!("Ref[^{l}] here.\n")),
        (label, url.clone()).prop_map(|(l, u)| format!("[{l}]: {u}\n")),
        label.prop_map(|l| format!("See [it][{l}] and [{l}].\n")),
        url.clone().prop_map(|u| format!("```\n{u}\n\n```\n")),
        url.clone().prop_map(|u| format!("<!--\n\n{u} -->\n")),
        url.clone().prop_map(|u| format!("- item {u}\n")),
        url.clone().prop_map(|u| format!("> quote [l]({u})\n")),
        url.prop_map(|u| format!("    code {u}\n")),
        Just("\n".to_string()),
        Just("\n".to_string()),
        Just("lazy line\n".to_string()),
        Just("# Heading\n".to_string()),
        Just("---\n".to_string()),
        Just("<div>\n".to_string()),
    ]
}

proptest! {
    // PROPTEST_CASES=20000 for a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
    ))]
    #[test]
    fn random_documents_chunk_alike(blocks in proptest::collection::vec(block(), 1..40)) {
        let text: String = blocks.concat();
        let expected = whole(&text, Format::Markdown);
        for chunk_bytes in [1, 40] {
            let got = run(&text, Format::Markdown, Split { threads: 2, chunk_bytes });
            prop_assert_eq!(&got, &expected, "chunk_bytes {}\n{}", chunk_bytes, text);
        }
    }
}

#[test]
fn streamed_json_of_a_chunked_document_is_the_whole_report() {
    use citecheck::extract::extract_prepared;
    use citecheck::report::citations::{write_json, Encoded, JsonStream};
    let text = format!("{TORTURE}\n\n{TORTURE}\n\n[smith]: https://third.org/again\n");
    let mut expected = Vec::new();
    write_json(&mut expected, &whole(&text, Format::Markdown)).unwrap_or_default();
    for chunk_bytes in [1, 64, 1 << 20] {
        let mut out = Vec::new();
        let mut json = JsonStream::begin(&mut out).unwrap_or_default();
        let r = extract_prepared(
            "doc.md",
            &text,
            Format::Markdown,
            Split {
                threads: 2,
                chunk_bytes,
            },
            |batch| Encoded::new(&batch),
            |encoded, dropped| json.write_encoded(&mut out, &encoded?, dropped),
        );
        assert!(r.is_ok());
        json.finish(&mut out).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected),
            "chunk_bytes {chunk_bytes}"
        );
    }
}
