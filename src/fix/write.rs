//! Writing a fixed document back, atomically.
//!
//! The new content goes to a temporary file in the same directory (so the
//! final rename cannot cross file systems), is flushed to disk with fsync,
//! takes the original's permissions, and only then replaces the original by
//! `rename`, which POSIX makes atomic: a reader or a crash sees the old file
//! or the new one, never a mix or a truncation. Just before the rename the
//! file is read again and compared with what the plan was made from; if
//! someone edited it meanwhile, nothing is written. (A change landing in the
//! microseconds between that check and the rename cannot be excluded without
//! locks that editors do not take.) A symbolic link is followed, so the link
//! stays a link and its target gets the new content.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Why a fix could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// Reading, writing or renaming failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file changed since it was read; nothing was written.
    #[error("{0}: the file changed since it was read; not writing (run fix again)")]
    Changed(PathBuf),
    /// An edit does not fit the text (out of range, out of order, or inside
    /// a character).
    #[error("edit {range:?} does not fit a text of {len} bytes")]
    BadEdit {
        /// The edit's range.
        range: Range<usize>,
        /// The text's length.
        len: usize,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FixError + '_ {
    move |source| FixError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Replaces the file at `path` with `new`, atomically, provided it still
/// holds `expected_old`; with `backup`, the old content is kept in
/// `FILE.orig` (written the same atomic way, before the file changes).
pub fn write_atomic(
    path: &Path,
    new: &[u8],
    expected_old: &[u8],
    backup: bool,
) -> Result<(), FixError> {
    let target = fs::canonicalize(path).map_err(io(path))?;
    let permissions = fs::metadata(&target).map_err(io(&target))?.permissions();
    if backup {
        let mut orig = target.clone().into_os_string();
        orig.push(".orig");
        let orig = PathBuf::from(orig);
        let temp = write_temp(&orig, expected_old, &permissions)?;
        rename(&temp, &orig)?;
    }
    let temp = write_temp(&target, new, &permissions)?;
    let unchanged = fs::read(&target)
        .map_err(io(&target))
        .map(|now| now == expected_old);
    match unchanged {
        Ok(true) => rename(&temp, &target),
        Ok(false) => {
            let _ = fs::remove_file(&temp);
            Err(FixError::Changed(path.to_path_buf()))
        }
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Writes `content` to a new temporary file beside `target`, synced to disk.
fn write_temp(
    target: &Path,
    content: &[u8],
    permissions: &fs::Permissions,
) -> Result<PathBuf, FixError> {
    let dir = parent(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    for _ in 0..16 {
        let temp = dir.join(format!(".{name}.citecheck-{:08x}.tmp", fastrand::u32(..)));
        let file = OpenOptions::new().write(true).create_new(true).open(&temp);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&temp)(e)),
        };
        let written = file
            .write_all(content)
            .and_then(|()| file.set_permissions(permissions.clone()))
            .and_then(|()| file.sync_all());
        return match written {
            Ok(()) => Ok(temp),
            Err(e) => {
                let _ = fs::remove_file(&temp);
                Err(io(&temp)(e))
            }
        };
    }
    Err(io(dir)(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free temporary file name",
    )))
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Renames `temp` over `target` and syncs the directory so the rename
/// itself survives a crash.
fn rename(temp: &Path, target: &Path) -> Result<(), FixError> {
    if let Err(e) = fs::rename(temp, target) {
        let _ = fs::remove_file(temp);
        return Err(io(target)(e));
    }
    // Directories cannot be opened for syncing everywhere; the rename has
    // happened either way, so a failure here only weakens durability.
    if let Ok(dir) = File::open(parent(target)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_new_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        fs::write(&path, b"old\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&path, b"new\r\n", b"old\r\n", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("doc.md")]);
    }

    #[test]
    fn refuses_when_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.md");
        fs::write(&path, b"edited meanwhile").unwrap();
        let err = write_atomic(&path, b"new", b"old", true).unwrap_err();
        assert!(matches!(err, FixError::Changed(_)), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"edited meanwhile");
        let leftovers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn backup_keeps_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("refs.bib");
        fs::write(&path, b"\xef\xbb\xbfold").unwrap();
        write_atomic(&path, b"\xef\xbb\xbfnew", b"\xef\xbb\xbfold", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"\xef\xbb\xbfnew");
        assert_eq!(
            fs::read(dir.path().join("refs.bib.orig")).unwrap(),
            b"\xef\xbb\xbfold"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_stay_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new", b"old", false).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn missing_files_are_io_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("none"), b"x", b"", false).unwrap_err();
        assert!(matches!(err, FixError::Io { .. }));
    }
}
