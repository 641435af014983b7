//! The library's typed errors. A dead link is not an error: it is a verdict.

use std::path::PathBuf;

/// What can make citecheck itself fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A document could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path as given.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An input argument names nothing that exists.
    #[error("{0}: no such file or directory (give a file, a directory, a glob or - for stdin)")]
    NoSuchInput(String),
    /// A glob pattern is malformed.
    #[error("invalid glob {pattern:?}: {message}")]
    BadGlob {
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        message: String,
    },
    /// Walking a directory failed.
    #[error("cannot walk {path}: {message}")]
    Walk {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the error is the user's to correct (bad arguments or
    /// configuration, exit status 3) rather than a failure of the tool.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::NoSuchInput(_) | Error::BadGlob { .. })
    }
}
