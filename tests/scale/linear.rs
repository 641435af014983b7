//! Extraction stays linear: doubling the input roughly doubles the time.
//! Quadratic scans show up as a fourfold increase. Pathological inputs
//! (deep brace nesting, stray backquotes, unclosed values) are included.

use std::time::{Duration, Instant};

use citecheck::extract::extract;
use citecheck::Format;

fn time(format: Format, doc: &str) -> (Duration, usize) {
    let start = Instant::now();
    let n = extract("big", doc, format).len();
    (start.elapsed(), n)
}

fn assert_linear(format: Format, make: impl Fn(usize) -> String, per_unit: usize) {
    let small = make(10_000);
    let large = make(20_000);
    let (t1, n1) = time(format, &small);
    let (t2, n2) = time(format, &large);
    assert_eq!(n1, 10_000 * per_unit, "{format}");
    assert_eq!(n2, 20_000 * per_unit, "{format}");
    // Generous: debug builds and shared machines are noisy.
    assert!(
        t2 < t1 * 4 + Duration::from_millis(200),
        "{format}: {t1:?} then {t2:?}"
    );
}

#[test]
fn latex_footnotes_scale_linearly() {
    assert_linear(
        Format::Latex,
        |n| {
            (0..n)
                .map(|i| format!("Claim {i}.\\footnote{{See \\url{{https://n{i}.citecheck-fixture.org/}}.}}\n"))
                .collect()
        },
        1,
    );
    // Deep nesting and stray braces.
    let deep = format!(
        "{}\\url{{https://deep.citecheck-fixture.org/}}{}",
        "{".repeat(200_000),
        "}".repeat(100)
    );
    assert_eq!(extract("d", &deep, Format::Latex).len(), 1);
}

#[test]
fn bibtex_entries_scale_linearly() {
    assert_linear(
        Format::Bibtex,
        |n| {
            (0..n)
                .map(|i| format!("@online{{k{i},\n  title = {{T {i}}},\n  url = {{https://n{i}.citecheck-fixture.org/}},\n  urldate = {{2019-05-05}},\n}}\n"))
                .collect()
        },
        1,
    );
}

#[test]
fn rst_footnotes_scale_linearly() {
    assert_linear(
        Format::Rst,
        |n| {
            (0..n)
                .map(|i| format!("Text `a <https://l{i}.citecheck-fixture.org/>`_ [#]_\n\n.. [#] Note https://n{i}.citecheck-fixture.org/\n   more.\n\n"))
                .collect()
        },
        2,
    );
    let stray = format!("{}\n", "a `b ``c ".repeat(300_000));
    assert!(extract("s", &stray, Format::Rst).is_empty());
}
