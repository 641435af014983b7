use super::*;

/// The template with its commented-out keys and tables switched on.
fn uncommented() -> String {
    TEMPLATE
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") || rest.starts_with("[hosts.") => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_template_parses_back_to_the_defaults() {
    let cfg = parse(TEMPLATE, Path::new("citecheck.toml")).unwrap();
    assert_eq!(cfg, FileConfig::default());
}

#[test]
fn the_template_names_every_key() {
    let text = uncommented();
    // Every commented key is a real one (unknown keys are refused)…
    let cfg = parse(&text, Path::new("/p/citecheck.toml")).unwrap();
    assert!(cfg.archive.wayback_url.is_some());
    assert_eq!(
        cfg.cache.path,
        Some(PathBuf::from("/p/citecheck-history.sqlite3"))
    );
    assert_eq!(
        cfg.cache.confirm_dead.map(|r| r.to_string()),
        Some("3/3d".into())
    );
    let host = &cfg.hosts["example.org"];
    assert_eq!(host.concurrency, Some(1));
    assert_eq!(host.interval, Some(Duration::from_secs(2)));
    assert_eq!(
        host.user_agent.as_deref(),
        Some("Mozilla/5.0 (compatible; citecheck)")
    );
    // …and every key of every section is there.
    let table: toml::Table = toml::from_str(&text).unwrap();
    let keys = |section: &str| -> Vec<String> {
        let mut k: Vec<String> = table[section].as_table().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys("output"), ["format"]);
    assert_eq!(
        keys("check"),
        [
            "accept",
            "cacert",
            "concurrency",
            "deadline",
            "dns_canaries",
            "exclude",
            "headers",
            "host_concurrency",
            "host_interval",
            "include",
            "insecure",
            "max_redirects",
            "max_retries",
            "max_retry_wait",
            "probe",
            "retry_backoff",
            "timeout",
            "user_agent",
        ]
    );
    assert_eq!(
        keys("archive"),
        ["memento", "mode", "verify", "wayback_url"]
    );
    assert_eq!(
        keys("cache"),
        [
            "confirm_dead",
            "enabled",
            "max_age",
            "max_age_unreachable",
            "path"
        ]
    );
    let hosts = table["hosts"]["example.org"].as_table().unwrap();
    let mut host_keys: Vec<&String> = hosts.keys().collect();
    host_keys.sort();
    assert_eq!(
        host_keys,
        [
            "concurrency",
            "headers",
            "interval",
            "treat_403_as_alive",
            "user_agent"
        ]
    );
}

#[test]
fn unknown_keys_are_named() {
    let err = parse("[check]\ntimout = \"1s\"\n", Path::new("c.toml")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("c.toml: "), "{msg}");
    assert!(msg.contains("timout"), "{msg}");
    let err = parse("colour = \"red\"\n", Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
    let err = parse("[hosts.\"a.org\"]\nspeed = 3\n", Path::new("c.toml")).unwrap_err();
    assert!(err.to_string().contains("speed"), "{err}");
}

#[test]
fn values_are_validated() {
    for bad in [
        "[check]\ntimeout = \"soon\"\n",
        "[cache]\nmax_age = \"1y\"\n",
        "[cache]\nconfirm_dead = \"3\"\n",
        "[archive]\nmode = \"some\"\n",
        "[output]\nformat = \"xml\"\n",
        "[check]\nmax_retries = -1\n",
    ] {
        assert!(parse(bad, Path::new("c.toml")).is_err(), "{bad}");
    }
    let cfg = parse(
        "[check]\ntimeout = \"500ms\"\n[cache]\nmax_age = \"2w\"\n[archive]\nmode = \"all\"\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(cfg.check.timeout, Duration::from_millis(500));
    assert_eq!(cfg.cache.max_age, SignedDuration::from_hours(24 * 14));
    assert_eq!(cfg.archive.mode, ArchiveMode::All);
    assert_eq!(cfg.check.max_retries, 2);
}

#[test]
fn found_in_the_nearest_parent() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a").join("b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
    assert_eq!(find(&deep), Some(dir.path().join(FILE_NAME)));
    std::fs::write(deep.join(FILE_NAME), "").unwrap();
    assert_eq!(find(&deep), Some(deep.join(FILE_NAME)));
}

#[test]
fn ignore_lines_are_urls_or_regexes() {
    let pats = ignore_patterns("# comment\n\nhttps://a.org/x?y=1\n  ^http://b\\.org/\n");
    assert_eq!(pats, [r"^https://a\.org/x\?y=1$", r"^http://b\.org/"]);
    let re = regex::Regex::new(&pats[0]).unwrap();
    assert!(re.is_match("https://a.org/x?y=1"));
    assert!(!re.is_match("https://a.org/x?y=12"));
}
