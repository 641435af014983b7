//! Benchmark: 300 dead links against the in-process mock archive with the
//! default budgets, reporting archive requests per endpoint and wall time.
//!
//! Run (the figures go to standard output):
//!
//! ```text
//! cargo test --release --bench archive -- --ignored --nocapture
//! ```
//!
//! Two documents are measured: one where every source has a capture before
//! its date (the common case: batch answers only), and a mixed one where 10%
//! have only later captures, a third of those with a 404 capture in between
//! (doubtful: probed, then checked with CDX) and 3% have no capture at all.

#[path = "../../tests/mock_archive/mod.rs"]
mod mock_archive;

use std::time::Instant;

use citecheck::archive::{Archive, ArchiveConfig, Outcome, Query};
use citecheck::CitedDate;
use mock_archive::{cap, Mock};

const N: usize = 300;

async fn run(name: &str, mixed: bool) {
    let mock = Mock::start().await;
    let mut queries = Vec::with_capacity(N);
    for i in 0..N {
        let url = format!("http://dead{}.example/article/{i}.html", i % 37);
        let date = CitedDate::ymd(
            2010 + (i % 12) as i16,
            1 + (i % 12) as u8,
            1 + (i % 28) as u8,
        );
        let y = 2010 + (i % 12);
        let caps = match (mixed, i % 100) {
            (true, 0..=2) => Vec::new(),
            (true, 3..=12) if i % 3 == 0 => vec![
                cap(&format!("{}0101000000", y + 1), 404, "ERR"),
                cap(&format!("{}0601000000", y + 1), 200, "ERR"),
                cap(&format!("{}0101000000", y + 2), 200, "PAGE"),
            ],
            (true, 3..=12) => vec![cap(&format!("{}0101000000", y + 1), 200, "PAGE")],
            _ => vec![
                cap(&format!("{}0101000000", y - 1), 200, "PAGE"),
                cap(&format!("{}0101000000", y + 1), 404, "ERR"),
            ],
        };
        mock.add(&url, caps);
        queries.push(Query::new(url, date));
    }
    let base = url::Url::parse(&mock.base()).expect("mock URL");
    let cfg = ArchiveConfig::default()
        .with_wayback_base(&base)
        .expect("config");
    let archive = Archive::new(cfg).expect("archive");
    let start = Instant::now();
    let out = archive.lookup_many(&queries).await;
    let elapsed = start.elapsed();
    let found = out
        .iter()
        .filter(|o| matches!(o, Outcome::Found(_)))
        .count();
    let after = out
        .iter()
        .filter_map(Outcome::snapshot)
        .filter(|s| s.relation == citecheck::archive::Relation::After)
        .count();
    let r = archive.requests();
    println!(
        "{name}: {N} dead links, {found} found ({after} after the date), {} archive requests \
         (availability {}, CDX {}, replay {}) in {:.2} s; mock saw {}",
        r.total(),
        r.availability,
        r.cdx,
        r.replay,
        elapsed.as_secs_f64(),
        mock.total()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn three_hundred_dead_links() {
    run("all captured before the date", false).await;
    run("mixed", true).await;
}
