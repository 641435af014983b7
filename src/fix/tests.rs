//! Helpers shared by the idioms' unit tests, and tests of the planner itself.

use super::*;
use crate::CitationKind;

/// The archive copy used for `http://x.org/a` throughout the tests.
pub const A: &str = "https://web.archive.org/web/20171027120000/http://x.org/a";

/// An archive action for `url` captured on 2017-10-27.
pub fn archive_of(url: &str) -> Action {
    Action::Archive {
        archive_url: format!("https://web.archive.org/web/20171027120000/{url}"),
        timestamp: "20171027120000".into(),
    }
}

/// The archive action giving [`A`].
pub fn archive() -> Action {
    archive_of("http://x.org/a")
}

/// A citation of `url` whose construct is the first occurrence of `element`
/// in `text`; the URL's span is its last occurrence inside the construct.
pub fn cite(text: &str, url: &str, element: &str) -> Citation {
    let start = text
        .find(element)
        .unwrap_or_else(|| panic!("{element} not in text"));
    let within = element
        .rfind(url)
        .unwrap_or_else(|| panic!("{url} not in {element}"));
    let span = start + within..start + within + url.len();
    Citation {
        source: "test".into(),
        line: 1,
        column: 1,
        footnote: None,
        kind: CitationKind::InlineLink,
        url: url.into(),
        raw: None,
        repairs: Vec::new(),
        cited: None,
        context: None,
        archived: None,
        span,
        element: start..start + element.len(),
        text_span: None,
    }
}

/// Plans `action` on every citation `extract` finds in `text` (in the
/// default style) and applies the plan.
pub fn fix_extracted(text: &str, format: Format, action: Action) -> String {
    let items: Vec<_> = crate::extract::extract("test", text, format)
        .into_iter()
        .map(|c| (c, action.clone()))
        .collect();
    assert!(!items.is_empty(), "no citation in {text}");
    let p = plan(text, format, &items, &FixOptions::default());
    apply(text, &p.edits).unwrap_or_else(|e| panic!("{e}"))
}

/// Plans and applies one action in the default (append) style.
pub fn fix(text: &str, format: Format, c: Citation, action: Action) -> String {
    fix_with(text, format, c, action, Style::Append)
}

/// Plans and applies one action in `style`.
pub fn fix_with(text: &str, format: Format, c: Citation, action: Action, style: Style) -> String {
    let opts = FixOptions {
        style,
        ..FixOptions::default()
    };
    let plan = plan(text, format, &[(c, action)], &opts);
    apply(text, &plan.edits).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn apply_splices_sorted_edits() {
    let edits = [
        Edit::insert(0, "<"),
        Edit::new(1..2, "B"),
        Edit::insert(3, ">"),
    ];
    assert_eq!(apply("abc", &edits).ok().as_deref(), Some("<aBc>"));
}

#[test]
fn apply_rejects_bad_edits() {
    assert!(apply("abc", &[Edit::new(2..5, "x")]).is_err());
    assert!(apply("abc", &[Edit::new(2..3, "x"), Edit::new(1..2, "y")]).is_err());
    assert!(apply("é", &[Edit::insert(1, "x")]).is_err());
}

#[test]
fn collisions_are_detected_in_any_order() {
    let mut accepted = Accepted::default();
    assert!(accepted.take(vec![Edit::new(10..20, "x")]).is_some());
    assert!(accepted.take(vec![Edit::insert(20, "y")]).is_some());
    assert!(accepted.take(vec![Edit::insert(10, "z")]).is_some());
    for r in [15..16, 5..11, 19..25, 0..30] {
        assert!(
            accepted.take(vec![Edit::new(r.clone(), "w")]).is_none(),
            "{r:?}"
        );
    }
    assert!(accepted.take(vec![Edit::insert(15, "w")]).is_none());
    assert!(accepted.take(vec![Edit::insert(20, "again")]).is_none());
    assert!(accepted.take(vec![Edit::new(20..22, "w")]).is_some());
    assert!(accepted
        .take(vec![Edit::new(30..31, "a"), Edit::new(30..32, "b")])
        .is_none());
    let edits = accepted.into_edits();
    let ranges: Vec<_> = edits.iter().map(|e| e.range.clone()).collect();
    assert_eq!(ranges, vec![10..10, 10..20, 20..20, 20..22]);
}

#[test]
fn already_archived_citations_are_left_alone() {
    let text = "<http://x.org/a>\n<https://web.archive.org/web/2017/http://x.org/b>\n";
    let first = cite(text, "http://x.org/a", "<http://x.org/a>");
    let mut known = first.clone();
    known.archived = Some("https://archive.ph/abc".into());
    let archive_url = cite(
        text,
        "https://web.archive.org/web/2017/http://x.org/b",
        "<https://web.archive.org/web/2017/http://x.org/b>",
    );
    let items = [(known, archive()), (archive_url, archive())];
    let p = plan(text, Format::Markdown, &items, &FixOptions::default());
    assert!(p.edits.is_empty());
    let reasons: Vec<_> = p
        .summary
        .left_alone
        .iter()
        .map(|l| l.reason.clone())
        .collect();
    assert_eq!(
        reasons,
        vec![SkipReason::AlreadyArchived, SkipReason::AlreadyArchived]
    );
    // The first citation is followed by an archive link only after a fix.
    let once = fix(text, Format::Markdown, first.clone(), archive());
    assert_ne!(once, text);
    let again = plan(
        &once,
        Format::Markdown,
        &[(first, archive())],
        &FixOptions::default(),
    );
    assert!(again.edits.is_empty());
}

#[test]
fn repair_and_update_need_something_to_change() {
    let text = "<http://x.org/a>\n";
    let c = cite(text, "http://x.org/a", "<http://x.org/a>");
    let same = Action::Update {
        new_url: "http://x.org/a".into(),
    };
    let p = plan(
        text,
        Format::Markdown,
        &[(c.clone(), Action::Repair), (c, same)],
        &FixOptions::default(),
    );
    assert!(p.edits.is_empty());
    assert_eq!(p.summary.left_alone.len(), 2);
    assert!(p
        .summary
        .left_alone
        .iter()
        .all(|l| l.reason == SkipReason::NothingToChange));
}

#[test]
fn repair_writes_the_repaired_url_over_the_raw_text() {
    let text = "<http://x.org/c\\_1>.\r\n";
    let mut c = cite(text, "http://x.org/c\\_1", "<http://x.org/c\\_1>");
    c.url = "http://x.org/c_1".into();
    c.raw = Some("http://x.org/c\\_1".into());
    let p = plan(
        text,
        Format::Markdown,
        &[(c, Action::Repair)],
        &FixOptions::default(),
    );
    assert_eq!(p.summary.repaired, 1);
    assert_eq!(
        apply(text, &p.edits).ok().as_deref(),
        Some("<http://x.org/c_1>.\r\n")
    );
}

#[test]
fn bad_actions_and_spans_are_reported_not_applied() {
    let text = "<http://x.org/a>\n";
    let c = cite(text, "http://x.org/a", "<http://x.org/a>");
    let mut outside = c.clone();
    outside.span = 10..100;
    let bad_time = Action::Archive {
        archive_url: A.into(),
        timestamp: "2017".into(),
    };
    let bad_url = Action::Archive {
        archive_url: "web.archive.org/x".into(),
        timestamp: "20170101".into(),
    };
    let items = [(outside, archive()), (c.clone(), bad_time), (c, bad_url)];
    let p = plan(text, Format::Markdown, &items, &FixOptions::default());
    assert!(p.edits.is_empty());
    assert!(p
        .summary
        .left_alone
        .iter()
        .all(|l| matches!(l.reason, SkipReason::Invalid(_))));
}

#[test]
fn conflicting_items_leave_the_later_one_alone() {
    let text = "http://x.org/a\n";
    let c = cite(text, "http://x.org/a", "http://x.org/a");
    let update = Action::Update {
        new_url: "http://y.org/".into(),
    };
    let opts = FixOptions {
        style: Style::Replace,
        ..FixOptions::default()
    };
    let p = plan(
        text,
        Format::Markdown,
        &[(c.clone(), archive()), (c, update)],
        &opts,
    );
    assert_eq!(p.summary.archived, 1);
    assert_eq!(p.summary.left_alone[0].reason, SkipReason::Conflict);
    assert_eq!(apply(text, &p.edits).ok(), Some(format!("{A}\n")));
}

#[test]
fn many_citations_are_planned_without_quadratic_work() {
    let n = 20_000;
    let mut text = String::new();
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        let url = format!("http://x.org/{i}");
        let start = text.len() + 1;
        text.push_str(&format!("<{url}>\r\n"));
        let mut c = cite("<u>", "u", "<u>");
        c.url = url.clone();
        c.span = start..start + url.len();
        c.element = start - 1..start + url.len() + 1;
        items.push((c, archive_of(&url)));
    }
    let started = std::time::Instant::now();
    let p = plan(&text, Format::Markdown, &items, &FixOptions::default());
    let out = apply(&text, &p.edits).unwrap_or_default();
    assert_eq!(p.summary.archived, n);
    assert_eq!(out.matches("([archived](").count(), n);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn fix_text_carries_out_decisions_and_counts_the_rest() {
    let text = "<http://x.org/c\\_1>.\n<http://x.org/b>\n";
    let mut damaged = cite(text, "http://x.org/c\\_1", "<http://x.org/c\\_1>");
    damaged.url = "http://x.org/c_1".into();
    damaged.raw = Some("http://x.org/c\\_1".into());
    let alive = cite(text, "http://x.org/b", "<http://x.org/b>");
    let mut copy = alive.clone();
    copy.url = "http://127.0.0.1:8/web/2017/http://x.org/b".into();
    let decisions = [
        (
            &damaged,
            Decision::Act(vec![archive_of("http://x.org/c_1"), Action::Repair]),
        ),
        (&alive, Decision::Leave(SkipReason::NotDead("alive".into()))),
        (&copy, Decision::Leave(SkipReason::NoArchiveCopy)),
    ];
    let opts = FixOptions {
        archive_prefixes: vec!["http://127.0.0.1:8/web/".into()],
        ..FixOptions::default()
    };
    let (new, p) = fix_text(text, Format::Markdown, decisions, &opts).unwrap_or_default();
    assert_eq!(
        new,
        "<http://x.org/c_1> ([archived](https://web.archive.org/web/20171027120000/\
         http://x.org/c_1)).\n<http://x.org/b>\n"
    );
    assert_eq!(
        p.summary.to_string(),
        "archived 1, updated 0, repaired 1, left alone 2 (1 already archived, 1 not dead)"
    );
}
