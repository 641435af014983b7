//! `citecheck completions` and `citecheck man`: shell integration generated
//! from the same clap definitions that parse the command line, so completions
//! and the manual can never disagree with the real options.

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::{write_report, Exit};
use crate::cli::{Cli, CompletionsArgs, ManArgs};

/// Prints the completion script for one shell.
pub fn completions(args: CompletionsArgs) -> Result<Exit> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "citecheck", &mut script);
    write_report(&args.output, &script)?;
    Ok(Exit::Clean)
}

/// Prints the man page of citecheck or of one subcommand, or writes them all.
pub fn man(args: ManArgs) -> Result<Exit> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Building names the subcommands `citecheck-check` and so on, the names
    // their pages go by.
    cmd.build();
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        clap_mangen::generate_to(cmd, dir)
            .with_context(|| format!("cannot write the man pages to {}", dir.display()))?;
        return Ok(Exit::Clean);
    }
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                let message = format!(
                    "no subcommand {name:?}; expected one of: {}",
                    names.join(", ")
                );
                // Reported like any other argument error, with exit status 3.
                let _ = cmd
                    .error(clap::error::ErrorKind::InvalidValue, message)
                    .print();
                return Ok(Exit::Usage);
            }
        },
    };
    // clap_mangen would fill the after-help text into one paragraph; the
    // examples are laid out in columns, so they go in a no-fill section.
    let after = page.get_after_help().map(|h| h.to_string());
    let page = page
        .after_help(None::<&'static str>)
        .after_long_help(None::<&'static str>);
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("citecheck {}", env!("CARGO_PKG_VERSION")))
        .render(&mut roff)
        .context("cannot render the man page")?;
    if let Some(text) = after {
        roff.extend_from_slice(preformatted_section(&text).as_bytes());
    }
    write_report(&args.output, &roff)?;
    Ok(Exit::Clean)
}

/// A roff section holding `text` line for line: the first line, when it
/// ends in a colon ("Examples:"), becomes the section heading.
fn preformatted_section(text: &str) -> String {
    let mut lines = text.lines().peekable();
    let heading = match lines.peek().and_then(|l| l.strip_suffix(':')) {
        Some(h) => {
            let h = h.to_uppercase();
            lines.next();
            h
        }
        None => "EXAMPLES".to_string(),
    };
    let mut out = format!(".SH {heading}\n.nf\n");
    for line in lines {
        let escaped = line.replace('\\', "\\e").replace('-', "\\-");
        if escaped.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&escaped);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_help_becomes_a_no_fill_section() {
        assert_eq!(
            preformatted_section("Examples:\n  a --b c\\d\n.dot"),
            ".SH EXAMPLES\n.nf\n  a \\-\\-b c\\ed\n\\&.dot\n.fi\n"
        );
        assert_eq!(
            preformatted_section("plain"),
            ".SH EXAMPLES\n.nf\nplain\n.fi\n"
        );
    }
}
