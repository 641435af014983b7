//! Archive look-up against the in-process mock: picking rules, variants,
//! doubt-driven CDX use, verification, Memento fallback, batching.

use crate::mock_archive;

use std::sync::Arc;
use std::time::Duration;

use citecheck::archive::batcher::BatchPolicy;
use citecheck::archive::{
    Archive, ArchiveConfig, CdxPolicy, MementoArchive, Outcome, Query, Rate, Relation,
};
use citecheck::CitedDate;
use mock_archive::{cap, Mock};

fn fast(mock: &Mock) -> ArchiveConfig {
    let base = url::Url::parse(&mock.base()).unwrap();
    let mut cfg = ArchiveConfig::default().with_wayback_base(&base).unwrap();
    let quick = Rate::new(1000, Duration::from_secs(1));
    cfg.limits.availability = quick;
    cfg.limits.cdx = quick;
    cfg.limits.replay = quick;
    cfg.limits.memento = quick;
    cfg.limits.backoff = Duration::from_millis(50);
    cfg.timeout = Duration::from_secs(5);
    cfg
}

fn day(y: i16, m: u8, d: u8) -> Option<CitedDate> {
    CitedDate::ymd(y, m, d)
}

fn ts(o: &Outcome) -> &str {
    o.snapshot().map_or("none", |s| s.timestamp.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nearest_404_is_not_chosen_over_a_farther_200() {
    let mock = Mock::start().await;
    let u = "http://news.example/a.html";
    mock.add(
        u,
        vec![
            cap("20170101000000", 200, "G"),
            cap("20170309000000", 404, "E"),
            cap("20170311000000", 404, "E"),
        ],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let o = archive.lookup(&Query::new(u, day(2017, 3, 10))).await;
    let s = o.snapshot().unwrap();
    assert_eq!(s.timestamp, "20170101000000");
    assert_eq!(s.url, format!("{}web/20170101000000/{u}", mock.base()));
    assert_eq!(s.source, "wayback");
    assert_eq!(s.status, 200);
    assert_eq!(s.relation, Relation::Before);
    assert_eq!(s.distance_days, Some(68));
    assert_eq!(mock.count("availability"), 1, "one batch answers it");
    assert_eq!(
        mock.count("cdx"),
        0,
        "a capture before the date is not doubtful"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_is_preferred_and_after_is_flagged() {
    let mock = Mock::start().await;
    mock.add(
        "http://a.example/1",
        vec![
            cap("20150101000000", 200, "A"),
            cap("20170311000000", 200, "B"),
        ],
    );
    mock.add(
        "http://a.example/2",
        vec![
            cap("20180101000000", 200, "C"),
            cap("20190101000000", 200, "D"),
        ],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let out = archive
        .lookup_many(&[
            Query::new("http://a.example/1", day(2017, 3, 9)),
            Query::new("http://a.example/2", day(2017, 3, 9)),
            Query::new("http://a.example/none", day(2017, 3, 9)),
        ])
        .await;
    assert_eq!(ts(&out[0]), "20150101000000");
    assert_eq!(out[0].snapshot().unwrap().relation, Relation::Before);
    let after = out[1].snapshot().unwrap();
    assert_eq!(after.timestamp, "20180101000000");
    assert_eq!(after.relation, Relation::After);
    assert_eq!(after.distance_days, Some(298));
    assert_eq!(out[2], Outcome::NotFound);
    // Before batch, after batch, soft-404 probe batch; no CDX.
    assert_eq!(mock.count("availability"), 3);
    assert_eq!(mock.count("cdx"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_date_means_newest_good_capture() {
    let mock = Mock::start().await;
    mock.add(
        "http://a.example/x",
        vec![
            cap("20120101000000", 200, "A"),
            cap("20160101000000", 200, "B"),
            cap("20200101000000", 503, "X"),
        ],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let s = archive
        .lookup(&Query::new("http://a.example/x", None))
        .await;
    let s = s.snapshot().unwrap();
    assert_eq!(s.timestamp, "20160101000000");
    assert_eq!(s.distance_days, None);
    assert_eq!(mock.count("cdx"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_404_captures_are_skipped() {
    let mock = Mock::start().await;
    // Dies in 2018; the site then serves its error page with 200 and 404 alike.
    mock.add(
        "http://a.example/gone",
        vec![
            cap("20100101000000", 301, "R"),
            cap("20190101000000", 404, "ERRPAGE"),
            cap("20190601000000", 200, "ERRPAGE"),
            cap("20200101000000", 200, "REAL"),
        ],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let o = archive
        .lookup(&Query::new("http://a.example/gone", day(2017, 1, 1)))
        .await;
    assert_eq!(ts(&o), "20200101000000");
    assert_eq!(
        mock.count("cdx"),
        1,
        "the 404 before the pick made it doubtful"
    );
    // Without a date: newest good is also after an error capture.
    let o = archive
        .lookup(&Query::new("http://a.example/gone", None))
        .await;
    assert_eq!(ts(&o), "20200101000000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_soft_404s_means_not_found() {
    let mock = Mock::start().await;
    mock.add(
        "http://a.example/soft",
        vec![
            cap("20190101000000", 404, "ERR"),
            cap("20190601000000", 200, "ERR"),
        ],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let o = archive
        .lookup(&Query::new("http://a.example/soft", day(2017, 1, 1)))
        .await;
    assert_eq!(o, Outcome::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheme_www_and_case_variants_match() {
    let mock = Mock::start().await;
    mock.add(
        "http://www.Site.example/Page",
        vec![cap("20150101000000", 200, "A")],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    for u in [
        "https://site.example/page",
        "http://WWW.site.example/page/",
        "HTTPS://www.site.example/PAGE",
    ] {
        let o = archive.lookup(&Query::new(u, day(2016, 1, 1))).await;
        assert_eq!(ts(&o), "20150101000000", "{u}");
        assert!(
            o.snapshot().unwrap().url.ends_with(u),
            "the cited form is kept: {u}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_variant_is_tried_after_the_repaired_url() {
    let mock = Mock::start().await;
    mock.add(
        "http://a.example/c\\_112.htm",
        vec![cap("20150101000000", 200, "A")],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    let mut q = Query::new("http://a.example/c_112.htm", day(2016, 1, 1));
    q.raw = Some("http://a.example/c\\_112.htm".into());
    let o = archive.lookup(&q).await;
    assert!(o
        .snapshot()
        .unwrap()
        .url
        .ends_with("/http://a.example/c\\_112.htm"));
    assert_eq!(
        mock.count("availability"),
        1,
        "both variants share the batch"
    );
    // The repaired URL wins when both exist.
    mock.add(
        "http://a.example/c_112.htm",
        vec![cap("20140101000000", 200, "B")],
    );
    let archive = Archive::new(fast(&mock)).unwrap();
    assert_eq!(ts(&archive.lookup(&q).await), "20140101000000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_memoised() {
    let mock = Mock::start().await;
    mock.add("http://a.example/m", vec![cap("20150101000000", 200, "A")]);
    let archive = Archive::new(fast(&mock)).unwrap();
    let q = Query::new("http://a.example/m", day(2016, 1, 1));
    let first = archive.lookup(&q).await;
    let again = archive
        .lookup(&Query::new("https://www.a.example/m", day(2016, 1, 1)))
        .await;
    assert_eq!(first.snapshot().unwrap().timestamp, "20150101000000");
    let again = again.snapshot().unwrap();
    assert_eq!(again.timestamp, "20150101000000");
    assert!(
        again
            .url
            .ends_with("/web/20150101000000/https://www.a.example/m"),
        "{}",
        again.url
    );
    assert_eq!(mock.count("availability"), 1);
    assert_eq!(archive.requests().availability, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_form_without_batch() {
    let mock = Mock::start().await;
    mock.set_batch(false);
    mock.add("http://a.example/s", vec![cap("20150101000000", 200, "A")]);
    let mut cfg = fast(&mock);
    cfg.batch = false;
    let archive = Archive::new(cfg).unwrap();
    let out = archive
        .lookup_many(&[
            Query::new("http://a.example/s", day(2016, 1, 1)),
            Query::new("http://a.example/t", None),
        ])
        .await;
    assert_eq!(ts(&out[0]), "20150101000000");
    assert_eq!(out[1], Outcome::NotFound);
    assert!(mock
        .requests("availability")
        .iter()
        .all(|r| r.starts_with("GET ")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdx_always_policy_uses_only_cdx() {
    let mock = Mock::start().await;
    mock.add(
        "http://a.example/c",
        vec![
            cap("20150101000000", 200, "A"),
            cap("20160105000000", 404, "E"),
        ],
    );
    let mut cfg = fast(&mock);
    cfg.cdx_policy = CdxPolicy::Always;
    let archive = Archive::new(cfg).unwrap();
    let o = archive
        .lookup(&Query::new("http://a.example/c", day(2016, 1, 6)))
        .await;
    assert_eq!(ts(&o), "20150101000000");
    assert_eq!(mock.count("availability"), 0);
    assert_eq!(mock.count("cdx"), 1);
    let req = &mock.requests("cdx")[0];
    assert!(
        req.contains("closest=20160107235959") && req.contains("sort=closest"),
        "{req}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_rejects_a_replay_of_the_wrong_time() {
    let mock = Mock::start().await;
    let mut skewed = cap("20160101000000", 200, "B");
    skewed.replay_skew_days = 30;
    mock.add(
        "http://a.example/v",
        vec![cap("20150101000000", 200, "A"), skewed],
    );
    let mut cfg = fast(&mock);
    cfg.verify = true;
    let archive = Archive::new(cfg).unwrap();
    let o = archive
        .lookup(&Query::new("http://a.example/v", day(2016, 2, 1)))
        .await;
    assert_eq!(ts(&o), "20150101000000", "falls back to the next capture");
    let replays = mock.requests("replay");
    assert_eq!(replays.len(), 2);
    assert!(
        replays[0].starts_with("GET /web/20160101000000id_/http://a.example/v"),
        "{}",
        replays[0]
    );
    assert_eq!(mock.count("cdx"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memento_archives_fill_the_gaps() {
    let mock = Mock::start().await;
    let u = "http://gone.example/p";
    mock.add_mementos(
        u,
        vec![
            cap("20100101000000", 200, ""),
            cap("20140101000000", 404, ""),
            cap("20150101000000", 200, ""),
        ],
    );
    let base = mock.base();
    let mut cfg = fast(&mock);
    cfg.memento = vec![MementoArchive {
        name: "mock-archive".into(),
        timegate: url::Url::parse(&format!("{base}timegate/")).unwrap(),
        timemap: Some(url::Url::parse(&format!("{base}timemap/")).unwrap()),
    }];
    let archive = Archive::new(cfg.clone()).unwrap();
    let o = archive.lookup(&Query::new(u, day(2014, 6, 1))).await;
    let s = o.snapshot().unwrap();
    assert_eq!(
        s.timestamp, "20100101000000",
        "the 404 memento nearer the date is skipped"
    );
    assert_eq!(s.source, "mock-archive");
    assert_eq!(s.url, format!("{base}memento/20100101000000/{u}"));
    // TimeGate only: the memento closest to the date, checked.
    cfg.memento[0].timemap = None;
    let archive = Archive::new(cfg).unwrap();
    let o = archive.lookup(&Query::new(u, day(2015, 2, 1))).await;
    assert_eq!(ts(&o), "20150101000000");
    let gate = mock.requests("timegate");
    assert_eq!(gate.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batcher_groups_a_stream_into_few_requests() {
    let mock = Mock::start().await;
    for i in 0..40 {
        mock.add(
            &format!("http://s.example/{i}"),
            vec![cap("20150101000000", 200, "A")],
        );
    }
    let archive = Arc::new(Archive::new(fast(&mock)).unwrap());
    let policy = BatchPolicy {
        max_wait: Duration::from_millis(200),
        max_items: 25,
    };
    let (tx, mut rx) = archive.spawn_batcher(policy);
    for i in 0..40 {
        tx.send(Query::new(format!("http://s.example/{i}"), day(2016, 1, 1)))
            .unwrap();
        if i % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    drop(tx);
    let mut got = 0;
    while let Some((q, o)) = rx.recv().await {
        assert_eq!(ts(&o), "20150101000000", "{}", q.url);
        got += 1;
    }
    assert_eq!(got, 40);
    assert_eq!(mock.count("availability"), 2, "25 + 15");
}
