//! The seed document's 17 sources, all dead, each with captures before and
//! after its cited date in a local mock archive: every pick must be the newest
//! 200 capture on or before the date. The (footnote, URL, date) list is
//! written here until extraction is merged; the lead will switch it to
//! extraction output.

mod mock_archive;

use std::time::Duration;

use citecheck::archive::{Archive, ArchiveConfig, Query, Rate, Relation};
use citecheck::CitedDate;
use jiff::civil::Date;
use jiff::ToSpan;
use mock_archive::{cap, Mock};

const SEED: [(&str, &str, &str); 17] = [
    ("108", "http://www.xinhuanet.com/politics/19cpcnc/2017-10/27/c_1121867529.htm", "2017-10-27"),
    ("109", "http://epaper.gmw.cn/gmrb/html/2017-04/10/nw.D110000gmr_b_20170410_3-11.htm", "2017-04-10"),
    ("110", "http://www.qsttheory.cn/dukan/hqwg/2014-09/10/c_1112427212.htm", "2014-09-10"),
    ("111", "https://www.reuters.com/article/us-china-economy-technology/china-to-invest-15-billion-in-big-data-cloud-computing-over-next-five-years-idUSKCNILZ17S", "2018-09-19"),
    ("112", "http://theory.people.com.cn/n1/2016/0311/c402884-28192542.html", "2016-03-01"),
    ("113", "http://www.cctb.net/llyj/xswtyj/ggzl/201708/t20170808_356556.htm", "2017-08-07"),
    ("114", "http://www.china.com.cn/policy/txt/2011-03/16/content_22156007.htm", "2011-03-16"),
    ("115", "http://www.laoziliao.net/rmrb/1986-07-26-3#733575", "1986-07-27"),
    ("116", "http://scitech.people.com.cn/GB/5242834.html", "2007-01-04"),
    ("117", "http://www.qstheory.cn/dukan/qs/2018-02/15/c_1122402297.htm", "2018-02-15"),
    ("119", "http://www.worldbank.org/en/topic/ict/brief/e-government", ""),
    ("127", "http://www.people.com.cn/GB/shehui/43/20010822/540826.html", "2001-08-22"),
    ("128", "https://rnr.com.cn/simple/?t1295238.html", "2002-08-14"),
    ("131", "http://theory.southcn.com/llzhuanti/znl/ltt/200506080733.htm", "2005-06-04"),
    ("132", "http://www.xinhuanet.com/politics/2017-03/24/c_1120691230.htm", "2017-03-24"),
    ("134", "http://www.chinadaily.com.cn/china/2017-09/20/content_32225951.htm", "2017-09-20"),
    ("135", "http://www.cac.gov.cn/2014-09/28/c_1112661626.htm", "2013-07"),
];

fn cited(s: &str) -> Option<CitedDate> {
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => CitedDate::ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [y, m] => CitedDate::ym(y.parse().ok()?, m.parse().ok()?),
        _ => None,
    }
}

fn stamp(d: Date, hms: &str) -> String {
    format!("{:04}{:02}{:02}{hms}", d.year(), d.month(), d.day())
}

/// Captures around the cited period; returns the one that must be picked.
fn populate(mock: &Mock, url: &str, c: Option<CitedDate>) -> String {
    // Without a date the "period" is today-ish: everything lies before it.
    let (first, last) = c.map_or(
        (Date::constant(2024, 6, 1), Date::constant(2024, 6, 1)),
        |c| (c.to_civil(), c.last_day()),
    );
    let at = |d: Date, days: i64| d.checked_add(days.days()).unwrap();
    // Undated: the newest good capture of all.
    let expected = if c.is_some() {
        stamp(at(first, -10), "083000")
    } else {
        stamp(at(last, 400), "120000")
    };
    mock.add(
        url,
        vec![
            cap(&stamp(at(first, -400), "000000"), 200, "OLD"),
            cap(&stamp(at(first, -10), "083000"), 200, "GOOD"),
            cap(&stamp(at(first, -5), "000000"), 503, "BUSY"),
            // A 404 nearest the date, inside the period and its day of slack.
            cap(&stamp(last, "120000"), 404, "ERR"),
            cap(&stamp(at(last, 1), "120000"), 404, "ERR"),
            cap(&stamp(at(last, 3), "120000"), 200, "LATER"),
            cap(&stamp(at(last, 400), "120000"), 200, "MUCHLATER"),
        ],
    );
    expected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_seed_source_gets_the_newest_200_before_its_date() {
    let mock = Mock::start().await;
    let base = url::Url::parse(&mock.base()).unwrap();
    let mut cfg = ArchiveConfig::default().with_wayback_base(&base).unwrap();
    // Default budgets except CDX, which the undated source needs once.
    cfg.limits.cdx = Rate::new(10, Duration::from_secs(1));
    let archive = Archive::new(cfg).unwrap();
    let mut queries = Vec::new();
    let mut expected = Vec::new();
    for (_, url, date) in SEED {
        let c = cited(date);
        assert_eq!(c.is_none(), date.is_empty(), "{date}");
        expected.push(populate(&mock, url, c));
        let mut q = Query::new(url, c);
        // As extraction reports it: the escaped form from the converted PDF.
        q.raw = url.contains('_').then(|| url.replace('_', "\\_"));
        queries.push(q);
    }
    let out = archive.lookup_many(&queries).await;
    for (((note, url, date), o), want) in SEED.iter().zip(&out).zip(&expected) {
        let s = o.snapshot().unwrap_or_else(|| panic!("{note}: {o:?}"));
        assert_eq!(&s.timestamp, want, "footnote {note}");
        assert_eq!(s.url, format!("{base}web/{want}/{url}"), "footnote {note}");
        assert_eq!(s.status, 200);
        assert_eq!(s.relation, Relation::Before, "footnote {note}");
        assert_eq!(
            s.distance_days,
            (!date.is_empty()).then_some(10),
            "footnote {note}"
        );
    }
    // One batch for all 17; the undated pick is probed (one batch) and,
    // having an error capture before it, checked once with CDX.
    assert_eq!(mock.count("availability"), 2);
    assert_eq!(mock.count("cdx"), 1);
}
