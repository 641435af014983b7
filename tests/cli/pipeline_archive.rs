//! `citecheck check` end to end with archive look-ups: the binary against a
//! local web server (every cited host `--resolve`d to it) and the in-process
//! mock archive (`--wayback-url`). The seed essay's 17 citations are all dead
//! here, and each must get the newest 200 capture on or before its cited date.

use crate::common;
use crate::mock_archive;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::{Reply, Server};
use mock_archive::{cap, Mock};
use serde_json::Value;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/converted/seed-essay.txt"
);

/// (footnote, URL, cited date) of the seed as extraction reports it, and the
/// capture the pick must be: 10 days before the date at 08:30 (undated:
/// the newest good capture, 400 days after the mock's "today").
const EXPECTED: [(&str, &str, &str, &str); 17] = [
    ("108", "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm", "2017-10-27", "20171017083000"),
    ("109", "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr_b_20170410_3-11.htm", "2017-04-10", "20170331083000"),
    ("110", "http://www.qsttheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm", "2014-09-10", "20140831083000"),
    ("111", "https://www.reuters.com/article/us-china-economy-technology/china-to-invest-15-billion-in-big-data-cloud-computing-over-next-five-years-idUSKCNILZ17S", "2018-09-19", "20180909083000"),
    ("112", "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html", "2016-03-01", "20160220083000"),
    ("113", "http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808_356556.htm", "2017-08-07", "20170728083000"),
    ("114", "http://www.china.com.cn/policy/txt/2011-03/16/content_22156007.htm", "2011-03-16", "20110306083000"),
    ("115", "http://www.laoziliao.net/rmrb/1986-07-26-3#733575", "1986-07-27", "19860717083000"),
    ("116", "http://scitech.people.com.cn/GB/5242834.html", "2007-01-04", "20061225083000"),
    ("117", "http://www.qstheory.cn/dukan/qs/2018-02/15/c_1122402297.htm", "2018-02-15", "20180205083000"),
    ("119", "http://www.worldbank.org/en/topic/ict/brief/e-government", "", "20250706120000"),
    ("127", "http://www.people.com.cn/GB/shehui/43/20010822/540826.html", "2001-08-22", "20010812083000"),
    ("128", "https://rnr.com.cn/simple/?t1295238.html", "2002-08-14", "20020804083000"),
    ("131", "http://theory.southcn.com/llzhuanti/znl/ltt/200506080733.htm", "2005-06-04", "20050525083000"),
    ("132", "http://www.xinhuanet.com/politics/2017-03/24/c_1120691230.htm", "2017-03-24", "20170314083000"),
    ("134", "http://www.chinadaily.com.cn/china/2017-09/20/content_32225951.htm", "2017-09-20", "20170910083000"),
    ("135", "http://www.cac.gov.cn/2014-09/28/c_1112661626.htm", "2013-07", "20130621083000"),
];

fn citecheck() -> Command {
    let mut cmd = common::citecheck_cmd();
    cmd.args(["check", "--no-progress", "--no-cache", "--timeout", "2s"]);
    cmd
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .host_str()
        .unwrap()
        .to_string()
}

/// Captures before and after the cited period, as in tests/archive_seed.rs:
/// an old good one, the expected one, a 503 and two 404s nearer the date,
/// and good ones after it.
fn populate(mock: &Mock, url: &str, cited: &str) {
    use jiff::civil::Date;
    use jiff::ToSpan;
    let (first, last) = match cited.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => {
            let d = Date::new(y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap()).unwrap();
            (d, d)
        }
        [y, m] => {
            let d = Date::new(y.parse().unwrap(), m.parse().unwrap(), 1).unwrap();
            (d, d.last_of_month())
        }
        _ => (Date::constant(2024, 6, 1), Date::constant(2024, 6, 1)),
    };
    let at = |d: Date, days: i64| d.checked_add(days.days()).unwrap();
    let stamp = |d: Date, hms: &str| format!("{}{hms}", d.strftime("%Y%m%d"));
    mock.add(
        url,
        vec![
            cap(&stamp(at(first, -400), "000000"), 200, "OLD"),
            cap(&stamp(at(first, -10), "083000"), 200, "GOOD"),
            cap(&stamp(at(first, -5), "000000"), 503, "BUSY"),
            cap(&stamp(last, "120000"), 404, "ERR"),
            cap(&stamp(at(last, 1), "120000"), 404, "ERR"),
            cap(&stamp(at(last, 3), "120000"), 200, "LATER"),
            cap(&stamp(at(last, 400), "120000"), 200, "MUCHLATER"),
        ],
    );
}

fn mock_archive() -> (tokio::runtime::Runtime, Mock) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt.block_on(Mock::start());
    (rt, mock)
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn every_seed_citation_gets_the_newest_200_capture_before_its_date() {
    let web = Server::start(|_| Reply::status(404));
    let https_hosts = ["www.reuters.com", "rnr.com.cn"];
    let (ca, tls) = common::test_tls(&https_hosts);
    let secure = Server::start_tls(|_| Reply::status(404), tls);
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let (_rt, mock) = mock_archive();
    let mut cmd = citecheck();
    cmd.args(["--format", "json", "--dns-canary", "www.xinhuanet.com"])
        .args(["--wayback-url", &mock.base()])
        .arg("--cacert")
        .arg(&ca_file);
    for (_, url, cited, _) in EXPECTED {
        populate(&mock, url, cited);
        let host = host_of(url);
        let port = if https_hosts.contains(&host.as_str()) {
            secure.port
        } else {
            web.port
        };
        cmd.args(["--resolve", &format!("{host}:{port}:127.0.0.1")]);
    }
    let out = cmd.arg(SEED).assert().code(2).get_output().stdout.clone();
    let v = json_of(&out);
    assert_eq!(v["summary"]["citations"], 17);
    assert_eq!(v["summary"]["dead"], 17);
    assert_eq!(v["summary"]["archived"], 17);
    let citations = v["citations"].as_array().unwrap();
    assert_eq!(citations.len(), 17);
    for (c, (note, url, cited, ts)) in citations.iter().zip(EXPECTED) {
        assert_eq!(c["footnote"], note);
        assert_eq!(c["url"], url, "footnote {note}");
        let want_cited = if cited.is_empty() {
            Value::Null
        } else {
            cited.into()
        };
        assert_eq!(c["cited"], want_cited, "footnote {note}");
        assert_eq!(c["verdict"], "dead", "footnote {note}: {c}");
        assert_eq!(c["archive_lookup"], "found", "footnote {note}");
        let a = &c["archive"];
        assert_eq!(a["timestamp"], ts, "footnote {note}");
        assert_eq!(
            a["url"],
            format!("{}web/{ts}/{url}", mock.base()),
            "footnote {note}"
        );
        assert_eq!(a["status"], 200, "footnote {note}");
        assert_eq!(a["source"], "wayback", "footnote {note}");
        assert_eq!(a["relation"], "before", "footnote {note}");
        let distance = if cited.is_empty() {
            Value::Null
        } else {
            10.into()
        };
        assert_eq!(a["distance_days"], distance, "footnote {note}");
        assert_eq!(c["suggestion"], Value::Null);
        assert_eq!(c["failing_since"], Value::Null);
    }
    // Batched: a handful of availability requests for 17 queries, and the one
    // CDX listing the undated citation's doubtful pick needs.
    let availability = mock.count("availability");
    assert!((2..=8).contains(&availability), "{availability}");
    assert_eq!(mock.count("cdx"), 1);
    assert_eq!(mock.count("replay"), 0);
}

/// A small world for the other tests: `fast.test/gone` is dead at once,
/// `slow.test/page` is alive after a delay.
fn small_world(r: &common::Req) -> Reply {
    match (r.host.as_str(), r.path.as_str()) {
        ("slow.test", "/page") => {
            Reply::html(200, "<title>Slow</title>").delay(Duration::from_millis(1500))
        }
        ("www.qstheory.test", "/dukan/a") => Reply::html(200, "<title>Theory</title>"),
        ("cited.test", "/x") => Reply::html(200, "<title>X</title>"),
        _ => Reply::status(404),
    }
}

fn resolve_all(cmd: &mut Command, port: u16, hosts: &[&str]) {
    for h in hosts {
        cmd.args(["--resolve", &format!("{h}:{port}:127.0.0.1")]);
    }
}

fn write_doc(dir: &Path, text: &str) -> std::path::PathBuf {
    let doc = dir.join("doc.md");
    std::fs::write(&doc, text).unwrap();
    doc
}

#[test]
fn look_ups_start_before_the_last_check_ends() {
    let web = Server::start(small_world);
    let (_rt, mock) = mock_archive();
    mock.add(
        "http://fast.test/gone",
        vec![cap("20200101000000", 200, "A")],
    );
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(
        dir.path(),
        "[a](http://fast.test/gone) [b](http://slow.test/page)\n",
    );
    let mut cmd = citecheck();
    cmd.args(["--format", "json", "--dns-canary", "fast.test"])
        .args(["--wayback-url", &mock.base()]);
    resolve_all(&mut cmd, web.port, &["fast.test", "slow.test"]);
    let out = cmd.arg(&doc).assert().code(2).get_output().stdout.clone();
    let v = json_of(&out);
    assert_eq!(v["citations"][0]["archive"]["timestamp"], "20200101000000");
    assert_eq!(v["citations"][1]["verdict"], "alive");
    assert_eq!(v["citations"][1]["archive"], Value::Null);
    assert_eq!(v["citations"][1]["archive_lookup"], Value::Null);
    let slow_asked = web.requests("slow.test", "/page")[0].at;
    let first_lookup = mock.times("availability")[0];
    // The slow page answers 1.5 s after it was asked; the archive was asked
    // well before that.
    assert!(
        first_lookup < slow_asked + Duration::from_millis(1200),
        "look-up {:?} after the slow check started",
        first_lookup - slow_asked
    );
}

#[test]
fn suggestions_only_when_the_suggested_url_is_alive() {
    let web = Server::start(small_world);
    let (_rt, mock) = mock_archive();
    let dir = tempfile::tempdir().unwrap();
    // www.qsttheory.test and cite.test resolve nowhere; qstheory and cited do.
    let doc = write_doc(
        dir.path(),
        "[1](http://www.qsttheory.test/dukan/a) [2](http://www.qstheory.test/dukan/b)\n\
         [3](http://cite.test/missing) [4](http://cited.test/x)\n",
    );
    let base = |cmd: &mut Command| {
        cmd.args(["--dns-canary", "cited.test", "--archive", "off"]);
        resolve_all(cmd, web.port, &["www.qstheory.test", "cited.test"]);
        cmd.arg(&doc);
    };
    let mut cmd = citecheck();
    cmd.args(["--format", "json"]);
    base(&mut cmd);
    let v = json_of(&cmd.assert().code(2).get_output().stdout.clone());
    let c = &v["citations"];
    assert_eq!(c[0]["verdict"], "dead");
    assert_eq!(c[0]["reason"], "no such host");
    assert_eq!(c[0]["suggestion"], "http://www.qstheory.test/dukan/a");
    assert_eq!(c[1]["suggestion"], Value::Null);
    // cited.test/missing is a 404: no suggestion for cite.test.
    assert_eq!(c[2]["reason"], "no such host");
    assert_eq!(c[2]["suggestion"], Value::Null);
    assert_eq!(web.requests("www.qstheory.test", "/dukan/a").len(), 1);
    assert_eq!(web.requests("cited.test", "/missing").len(), 1);
    assert_eq!(mock.total(), 0);
    let mut cmd = citecheck();
    base(&mut cmd);
    let text = String::from_utf8(cmd.assert().code(2).get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "did you mean: http://www.qstheory.test/dukan/a (alive)")
        .unwrap_or_else(|| panic!("{text}"));
    // Right under its citation, aligned with the URL.
    let above = lines[at - 1];
    assert!(
        above.contains("http://www.qsttheory.test/dukan/a  no such host"),
        "{text}"
    );
    assert_eq!(above.find("http://"), lines[at].find("did you mean"));
}

#[test]
fn text_report_says_archived_missing_or_memento() {
    let web = Server::start(small_world);
    let (_rt, mock) = mock_archive();
    mock.add(
        "http://fast.test/gone",
        vec![cap("20170101000000", 200, "A")],
    );
    mock.add_mementos(
        "http://fast.test/other",
        vec![cap("20160505000000", 200, "M")],
    );
    let dir = tempfile::tempdir().unwrap();
    let doc = write_doc(
        dir.path(),
        "[^1]: [a](http://fast.test/gone), accessed 2018-03-01.\n\
         [^2]: [b](http://fast.test/none), accessed 2018-03-01.\n\
         [^3]: [c](http://fast.test/other), accessed 2018-03-01.\n",
    );
    let memento = format!("mock=http://{0}/timegate/,http://{0}/timemap/", mock.addr);
    let mut cmd = citecheck();
    cmd.args(["--dns-canary", "fast.test", "--verify-archive"])
        .args(["--wayback-url", &mock.base(), "--memento", &memento]);
    resolve_all(&mut cmd, web.port, &["fast.test"]);
    let text =
        String::from_utf8(cmd.arg(&doc).assert().code(2).get_output().stdout.clone()).unwrap();
    let want = format!(
        "archived: {}web/20170101000000/http://fast.test/gone (2017-01-01, before the cited date)",
        mock.base()
    );
    assert!(text.contains(&want), "{text}");
    assert!(text.contains("no archive copy"), "{text}");
    let memento_url = format!(
        "http://{}/memento/20160505000000/http://fast.test/other",
        mock.addr
    );
    assert!(
        text.contains(&format!(
            "archived: {memento_url} (2016-05-05, before the cited date, mock)"
        )),
        "{text}"
    );
    assert!(
        mock.count("replay") >= 1,
        "--verify-archive fetched no replay"
    );
    assert!(
        text.ends_with("3 citations, 3 URLs: 3 dead, 2 archived\n"),
        "{text}"
    );
}
