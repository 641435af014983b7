//! The `citecheck` binary: parse arguments, run, map the outcome to an exit status.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;
use commands::Exit;

/// Prints a warning line on standard error (coloured on a terminal).
pub(crate) fn warn(message: &str) {
    use std::io::Write;
    let style = anstyle::AnsiColor::Yellow.on_default().bold();
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{style}warning{style:#}: {message}");
}

/// Prints an informational line on standard error (`--verbose`).
pub(crate) fn note(message: &str) {
    use std::io::Write;
    let style = anstyle::Style::new().dimmed();
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{style}citecheck{style:#}: {message}");
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Clean
            }
            .into();
        }
    };
    match commands::run(cli.command) {
        Ok(exit) => exit.into(),
        Err(e) => {
            use std::io::Write;
            let style = anstyle::AnsiColor::Red.on_default().bold();
            let mut err = anstream::stderr().lock();
            let _ = writeln!(err, "{style}error{style:#}: {e:#}");
            let usage = e
                .downcast_ref::<citecheck::Error>()
                .is_some_and(|e| e.is_usage())
                || e.downcast_ref::<citecheck::pipeline::PipelineError>()
                    .is_some_and(|e| e.is_usage());
            let code = if usage { Exit::Usage } else { Exit::Failure };
            code.into()
        }
    }
}

/// glibc's allocator gives freed memory back to the system as soon as a few
/// hundred KiB lie free at the top of a heap, and serves every block over
/// 128 KiB to 32 MiB with its own `mmap`. Extraction allocates and frees
/// megabytes per chunk on every thread, so each chunk paid again for fresh
/// pages (a fifth of a large extraction's time went to page faults). Keeping
/// up to 64 MiB around per heap makes freed memory reusable.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    const KEEP: libc::c_int = 64 << 20;
    // SAFETY: mallopt only sets allocator parameters; it is called before
    // any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
