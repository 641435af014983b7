//! Where the history store lives by default.
//!
//! Computed by hand rather than with a directories crate: it is one base
//! directory per platform (XDG on Linux and the BSDs, `~/Library/Caches` on
//! macOS, `%LOCALAPPDATA%` on Windows), and reading it from an injected
//! environment lookup keeps it testable without touching the real one.

use std::ffi::OsString;
use std::path::PathBuf;

use super::StoreError;

/// The store's path under the cache directory.
const RELATIVE: [&str; 2] = ["citecheck", "history.sqlite3"];

/// The default store file: `<platform cache dir>/citecheck/history.sqlite3`.
pub fn default_path() -> Result<PathBuf, StoreError> {
    let dir = cache_dir(|name| std::env::var_os(name))?;
    Ok(RELATIVE.iter().fold(dir, |p, part| p.join(part)))
}

/// The platform cache directory, reading environment variables via `env`.
fn cache_dir(env: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, StoreError> {
    // Only absolute values count: a relative one would move with the
    // current directory, which the XDG spec says to ignore.
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    if cfg!(windows) {
        return absolute("LOCALAPPDATA").ok_or(StoreError::NoCacheDir("%LOCALAPPDATA% is not set"));
    }
    let home = || absolute("HOME").ok_or(StoreError::NoCacheDir("$HOME is not set"));
    if cfg!(target_os = "macos") {
        return Ok(home()?.join("Library").join("Caches"));
    }
    match absolute("XDG_CACHE_HOME") {
        Some(dir) => Ok(dir),
        None => Ok(home()?.join(".cache")),
    }
}

#[cfg(all(test, unix, not(target_os = "macos")))]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn prefers_an_absolute_xdg_cache_home() {
        let dir = cache_dir(env(&[("XDG_CACHE_HOME", "/xdg"), ("HOME", "/home/u")])).unwrap();
        assert_eq!(dir, PathBuf::from("/xdg"));
    }

    #[test]
    fn falls_back_to_home_cache() {
        for vars in [
            &[("HOME", "/home/u")][..],
            &[("XDG_CACHE_HOME", "rel"), ("HOME", "/home/u")],
        ] {
            assert_eq!(
                cache_dir(env(vars)).unwrap(),
                PathBuf::from("/home/u/.cache")
            );
        }
    }

    #[test]
    fn without_home_says_what_to_do() {
        let err = cache_dir(env(&[])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot find a cache directory for the history store ($HOME is not set); use --cache PATH or --no-cache"
        );
    }

    #[test]
    fn the_default_file_is_under_citecheck() {
        let path = default_path();
        if let Ok(path) = path {
            assert!(
                path.ends_with("citecheck/history.sqlite3"),
                "{}",
                path.display()
            );
        }
    }
}
