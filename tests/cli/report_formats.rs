//! Every `check` report format, rendered from one fixed set of records and
//! compared byte for byte with `fixtures/reports/sample.*` (golden files);
//! the JSON reports validated against `schema/citecheck-1.schema.json` and the
//! SARIF log against the SARIF subset schema in `fixtures/reports/`.
//!
//! The records cover every verdict and the characters each format must
//! escape: commas, double quotes, `|`, `<&>`, `%`, line breaks and a space in
//! a path. Run with `UPDATE_GOLDEN=1` to rewrite the golden files after an
//! intended change, then review the diff.

use crate::schema_validator;

use std::path::{Path, PathBuf};

use citecheck::archive::{Relation, Snapshot};
use citecheck::check::{CheckResult, Hop, Verdict};
use citecheck::report::check::{Checked, Summary};
use citecheck::report::{render, ReportFormat};
use citecheck::{Citation, CitationKind, CitedDate};
use serde_json::{json, Value};

fn citation(source: &str, line: usize, column: usize, note: Option<&str>, url: &str) -> Citation {
    Citation {
        source: source.into(),
        line,
        column,
        footnote: note.map(str::to_owned),
        kind: if note.is_some() {
            CitationKind::Footnote
        } else {
            CitationKind::InlineLink
        },
        url: url.into(),
        raw: None,
        repairs: Vec::new(),
        cited: None,
        context: None,
        archived: None,
        span: 0..0,
        element: 0..0,
        text_span: None,
    }
}

fn checked(citation: Citation, verdict: Verdict, status: Option<u16>, reason: &str) -> Checked {
    let mut result = CheckResult::plain(verdict, reason);
    result.http_status = status;
    Checked::new(citation, result)
}

/// The archive slot as the archive stage fills it.
fn archive(url: &str, timestamp: &str) -> Option<Snapshot> {
    Some(Snapshot {
        url: format!("https://web.archive.org/web/{timestamp}/{url}"),
        timestamp: timestamp.to_string(),
        source: "wayback".to_string(),
        status: 200,
        relation: Relation::Before,
        distance_days: Some(12),
    })
}

fn records() -> Vec<Checked> {
    let mut alive = checked(
        citation("docs/essay.md", 3, 5, Some("1"), "https://a.org/"),
        Verdict::Alive,
        Some(200),
        "HTTP 200 OK",
    );
    alive.citation.context = Some("A. Author, \"Title\", 2019.".into());
    alive.citation.cited = CitedDate::ymd(2019, 5, 2);

    let dead_url = "http://b.org/x?a=1,2&b=<3>|y";
    let mut dead = checked(
        citation("docs/essay.md", 5, 12, Some("2"), dead_url),
        Verdict::Dead,
        Some(404),
        "HTTP 404 Not Found",
    );
    dead.citation.raw = Some("http://b.org/x?a=1,2&b=<3>|y.".into());
    dead.citation.repairs = vec!["trailing-punctuation"];
    dead.citation.cited = CitedDate::ym(2017, 10);
    dead.archive = archive(dead_url, "20171015000000");

    let mut moved = checked(
        citation("docs/essay.md", 7, 1, Some("3"), "http://c.org/old"),
        Verdict::Moved,
        Some(200),
        "HTTP 301 Moved Permanently",
    );
    moved.result.final_url = Some("https://c.org/new".into());
    moved.result.redirects = vec![Hop {
        url: "http://c.org/old".into(),
        status: 301,
        location: "https://c.org/new".into(),
    }];

    let blocked = checked(
        citation("docs/essay.md", 9, 3, Some("4*"), "https://d.org/paper"),
        Verdict::Blocked,
        Some(403),
        "HTTP 403 Forbidden",
    );

    let unreachable = checked(
        citation("my notes.tex", 2, 10, None, "https://e.org/é"),
        Verdict::Unreachable,
        None,
        "timed out: 100% of \"3 tries\"\nfailed",
    );

    let mut invalid = checked(
        citation("my notes.tex", 4, 1, Some("smith,2019"), "http://[bad"),
        Verdict::Invalid,
        None,
        "invalid IPv6 address",
    );
    invalid.citation.kind = CitationKind::Reference;
    invalid.citation.archived = Some("https://archive.today/abc".into());

    let mut skipped = checked(
        citation("my notes.tex", 6, 7, None, "ftp://f.org/file"),
        Verdict::Skipped,
        None,
        "unsupported scheme ftp",
    );
    skipped.citation.kind = CitationKind::Bare;

    vec![alive, dead, moved, blocked, unreachable, invalid, skipped]
}

fn golden_path(format: ReportFormat) -> PathBuf {
    let ext = match format {
        ReportFormat::Text => "txt",
        ReportFormat::Json => "json",
        ReportFormat::Markdown => "md",
        ReportFormat::Csv => "csv",
        ReportFormat::Junit => "junit.xml",
        ReportFormat::Sarif => "sarif",
        ReportFormat::Github => "github.txt",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/reports")
        .join(format!("sample.{ext}"))
}

fn rendered(format: ReportFormat) -> String {
    let records = records();
    render(format, &records, &Summary::of(&records), false)
}

fn golden(format: ReportFormat) {
    let out = rendered(format);
    let path = golden_path(format);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert!(
        out == want,
        "{format} report differs from {}:\n{}",
        path.display(),
        citecheck::fix::unified_diff("golden", &want, &out, false)
    );
}

#[test]
fn text_matches_golden() {
    golden(ReportFormat::Text);
}

#[test]
fn json_matches_golden() {
    golden(ReportFormat::Json);
}

#[test]
fn markdown_matches_golden() {
    golden(ReportFormat::Markdown);
}

#[test]
fn csv_matches_golden() {
    golden(ReportFormat::Csv);
}

#[test]
fn junit_matches_golden() {
    golden(ReportFormat::Junit);
}

#[test]
fn sarif_matches_golden() {
    golden(ReportFormat::Sarif);
}

#[test]
fn github_matches_golden() {
    golden(ReportFormat::Github);
}

fn load_schema(path: &str) -> Value {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_valid(schema: &Value, doc: &Value) {
    let errors = schema_validator::validate(schema, doc);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn check_json_follows_the_citecheck_schema() {
    let schema = load_schema("schema/citecheck-1.schema.json");
    let doc: Value = serde_json::from_str(&rendered(ReportFormat::Json)).unwrap();
    assert_valid(&schema, &doc);
    assert_valid(
        &schema,
        &serde_json::from_str(&render(ReportFormat::Json, &[], &Summary::default(), false))
            .unwrap(),
    );
}

#[test]
fn extract_json_follows_the_citecheck_schema() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/converted/seed-essay.txt"),
    )
    .unwrap();
    let citations = citecheck::extract::extract("seed.txt", &text, citecheck::Format::Converted);
    assert!(citations.len() > 10);
    let mut out = Vec::new();
    citecheck::report::citations::write_json(&mut out, &citations).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_valid(&load_schema("schema/citecheck-1.schema.json"), &doc);
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let schema = load_schema("schema/citecheck-1.schema.json");
    let good: Value = serde_json::from_str(&rendered(ReportFormat::Json)).unwrap();
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        edit(&mut doc);
        schema_validator::validate(&schema, &doc)
    };
    // An undocumented field, a missing field, a wrong type, an unknown verdict,
    // a malformed date and a wrong schema id must each fail.
    assert!(!broken(&|d| d["citations"][0]["extra"] = json!(1)).is_empty());
    assert!(!broken(&|d| {
        d["citations"][1].as_object_mut().unwrap().remove("reason");
    })
    .is_empty());
    assert!(!broken(&|d| d["citations"][0]["line"] = json!("3")).is_empty());
    assert!(!broken(&|d| d["citations"][0]["line"] = json!(0)).is_empty());
    assert!(!broken(&|d| d["citations"][0]["verdict"] = json!("gone")).is_empty());
    assert!(!broken(&|d| d["citations"][0]["cited"] = json!("May 2019")).is_empty());
    assert!(!broken(&|d| d["citations"][1]["archive"]["timestamp"] = json!("2017")).is_empty());
    assert!(!broken(&|d| d["schema"] = json!("citecheck/2")).is_empty());
    assert!(!broken(&|d| d["summary"]["dead"] = json!(-1)).is_empty());
}

#[test]
fn sarif_follows_the_subset_schema() {
    let schema = load_schema("fixtures/reports/sarif-2.1.0-subset.schema.json");
    let log: Value = serde_json::from_str(&rendered(ReportFormat::Sarif)).unwrap();
    assert_valid(&schema, &log);
    // The subset can fail: a result without a message, a bad level, a
    // zero line and a misspelt property are rejected.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    bad["runs"][0]["results"][1]["level"] = json!("fatal");
    bad["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    bad["runs"][0]["tool"]["driver"]["informationURI"] = json!("x");
    assert_eq!(schema_validator::validate(&schema, &bad).len(), 4);
}

#[test]
fn sarif_results_point_at_the_citations() {
    let log: Value = serde_json::from_str(&rendered(ReportFormat::Sarif)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    // Alive and skipped citations are not findings.
    assert_eq!(results.len(), 5);
    let first = &results[0];
    assert_eq!(first["ruleId"], "citecheck/dead");
    assert_eq!(first["level"], "error");
    let loc = &first["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "docs/essay.md");
    assert_eq!(loc["region"]["startLine"], 5);
    assert_eq!(loc["region"]["startColumn"], 12);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    let unreachable = &results[3]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(unreachable["uri"], "my%20notes.tex");
}

#[test]
fn csv_rows_parse_back_to_the_fields() {
    let out = rendered(ReportFormat::Csv);
    let rows = parse_csv(&out);
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| r.len() == 13));
    assert_eq!(rows[2][5], "http://b.org/x?a=1,2&b=<3>|y");
    assert_eq!(rows[5][8], "timed out: 100% of \"3 tries\"\nfailed");
    assert_eq!(rows[6][3], "smith,2019");
    assert_eq!(
        rows[2][12],
        "https://web.archive.org/web/20171015000000/http://b.org/x?a=1,2&b=<3>|y"
    );
}

/// An RFC 4180 reader, independent of the writer under test.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "bare CR"),
            (false, '\n') => panic!("row not ended by CRLF"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "last row not terminated"
    );
    rows
}

#[test]
fn format_names_are_what_the_cli_accepts() {
    let names: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(
        names,
        ["text", "json", "markdown", "csv", "junit", "sarif", "github"]
    );
}

fn citecheck() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("citecheck").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn check_format_flag_reaches_every_renderer() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("d.md");
    std::fs::write(&doc, "See [x](https://skip.example/a).\n").unwrap();
    let run = |format: &str| {
        let out = citecheck()
            .current_dir(dir.path())
            .args(["check", "--exclude", "skip", "--format", format, "d.md"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run("csv"),
        "source,line,column,footnote,kind,url,verdict,http_status,reason,final_url,cited,known_archive,archive_url\r\n\
         d.md,1,9,,inline-link,https://skip.example/a,skipped,,excluded,,,,\r\n"
    );
    assert_eq!(run("github"), "1 citation, 1 URL: 1 skipped\n");
    assert_eq!(run("md"), run("markdown"));
    assert!(run("markdown").contains(
        "| skipped | d.md:1:9 | inline-link | <https://skip.example/a> | excluded | — |\n"
    ));
    assert!(run("junit").contains("<skipped message=\"excluded\"/>"));
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"], json!([]));
    let out = citecheck()
        .current_dir(dir.path())
        .args(["check", "--format", "xml", "d.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn summary_file_gets_the_markdown_report_appended() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.md"),
        "See [x](https://skip.example/a).\n",
    )
    .unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = citecheck()
        .current_dir(dir.path())
        .args(["check", "--exclude", "skip", "--format", "github"])
        .arg("--summary")
        .arg(&summary)
        .arg("d.md")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "1 citation, 1 URL: 1 skipped\n"
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n### citecheck\n\n**1 citation, 1 URL: 1 skipped**\n"),
        "{text}"
    );
    assert!(text.contains("| skipped | d.md:1:9 |"));
}
