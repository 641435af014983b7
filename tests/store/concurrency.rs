//! Sharing one store file: threads with their own connections, separate OS
//! processes, and a process killed with SIGKILL in the middle of writing.
//!
//! The processes are this test executable itself, re-run with
//! `--exact child_process` and an environment variable saying what to do;
//! without that variable `child_process` does nothing.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use citecheck::store::{BatchPolicy, BatchWriter, CheckRecord, Store};
use jiff::Timestamp;

const ROLE: &str = "CITECHECK_STORE_TEST_ROLE";
const PATH: &str = "CITECHECK_STORE_TEST_PATH";
const TAG: &str = "CITECHECK_STORE_TEST_TAG";
const PER_PROCESS: usize = 400;

fn record(url: &str, i: usize) -> CheckRecord {
    CheckRecord {
        url: url.to_string(),
        checked_at: Timestamp::from_second(1_750_000_000 + i as i64).unwrap(),
        verdict: "dead".to_string(),
        http_status: Some(404),
        reason: format!("attempt {i}"),
        final_url: None,
        redirects: None,
    }
}

/// The harness's name for a test of this module (the path without the crate).
fn harness_name(test: &str) -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::{test}"),
        None => test.to_string(),
    }
}

/// The child side: runs only when spawned by a test below.
#[test]
fn child_process() {
    let (Ok(role), Ok(path), Ok(tag)) =
        (std::env::var(ROLE), std::env::var(PATH), std::env::var(TAG))
    else {
        return;
    };
    match role.as_str() {
        "batches" => write_batches(Path::new(&path), &tag),
        "forever" => write_forever(Path::new(&path), &tag),
        other => panic!("unknown role {other}"),
    }
}

/// Writes PER_PROCESS records in small transactions.
fn write_batches(path: &Path, tag: &str) {
    let mut store = Store::open(path).unwrap();
    let records: Vec<CheckRecord> = (0..PER_PROCESS).map(|i| record(tag, i)).collect();
    for chunk in records.chunks(8) {
        store.record_checks(chunk).unwrap();
    }
}

/// Writes through the batching writer until killed, reporting each flush.
fn write_forever(path: &Path, tag: &str) {
    let policy = BatchPolicy {
        max_records: 16,
        max_delay: Duration::from_millis(5),
    };
    let writer = BatchWriter::spawn(Store::open(path).unwrap(), policy).unwrap();
    for i in 0.. {
        writer.record_check(record(tag, i)).unwrap();
        if (i + 1) % 40 == 0 {
            writer.flush().unwrap();
            println!("committed {}", i + 1);
        }
    }
}

fn spawn_child(role: &str, path: &Path, tag: &str, stdout: Stdio) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &harness_name("child_process"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(PATH, path)
        .env(TAG, tag)
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

fn assert_sound(store: &Store) {
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn two_threads_with_their_own_connections() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threads.sqlite3");
    let writers: Vec<_> = ["t1", "t2"]
        .into_iter()
        .map(|tag| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..300 {
                    store.record_check(&record(tag, i)).unwrap();
                    if i % 50 == 0 {
                        // Readers in between must not disturb the writers.
                        assert!(store.latest_check(tag).unwrap().is_some());
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_sound(&store);
    assert_eq!(store.history("t1").unwrap().len(), 300);
    assert_eq!(store.history("t2").unwrap().len(), 300);
}

#[test]
fn two_processes_create_and_fill_one_file() {
    let dir = tempfile::tempdir().unwrap();
    // The file does not exist yet: both processes race to create and migrate it.
    let path = dir.path().join("shared/history.sqlite3");
    let children: Vec<_> = ["p1", "p2"]
        .into_iter()
        .map(|tag| spawn_child("batches", &path, tag, Stdio::null()))
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let store = Store::open(&path).unwrap();
    assert_sound(&store);
    assert_eq!(store.counts().unwrap().checks, 2 * PER_PROCESS);
    let history = store.history("p2").unwrap();
    assert_eq!(history.len(), PER_PROCESS);
    assert_eq!(history.first(), Some(&record("p2", PER_PROCESS - 1)));
}

#[test]
fn a_killed_writer_loses_only_uncommitted_results() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.sqlite3");
    let mut child = spawn_child("forever", &path, "k", Stdio::piped());
    // Kept open until after the kill, so the child never sees a closed pipe.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut confirmed = 0;
    for line in lines.by_ref() {
        if let Some(n) = line.unwrap().strip_prefix("committed ") {
            confirmed = n.parse().unwrap();
            if confirmed >= 2_000 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush runs.
    child.wait().unwrap();
    drop(lines);
    assert!(confirmed >= 2_000);

    let mut store = Store::open(&path).unwrap();
    assert_sound(&store);
    let history = store.history("k").unwrap();
    assert!(
        history.len() >= confirmed,
        "{} rows, {confirmed} confirmed",
        history.len()
    );
    // What is there is whole: the newest first, every earlier one present.
    for (row, i) in history.iter().zip((0..history.len()).rev()) {
        assert_eq!(row, &record("k", i));
    }
    store.record_check(&record("after", 0)).unwrap();
    assert_eq!(
        store.latest_check("after").unwrap(),
        Some(record("after", 0))
    );
}
