//! Inputs: turning command-line arguments into documents with a known format.
//!
//! Arguments may be files, directories (walked recursively with the `ignore`
//! crate, so `.gitignore` is honoured and only known document extensions are
//! picked), glob patterns, or `-` for standard input. A file's format comes
//! from its extension, then from its content: PDF-to-Markdown conversions are
//! recognised by their `<sup>N</sup>` note layout whatever the extension, since
//! real users' `.txt` and `.md` files are often such conversions.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::citation::Format;
use crate::error::{Error, Result};

/// Documents larger than this are skipped with a warning rather than read.
pub const MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

/// One input document, not yet read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSource {
    /// The name reported as a citation's `source`: the path as given or found.
    pub name: String,
    /// Where to read it from.
    pub origin: Origin,
}

/// A document read and decoded, ready for extraction.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name reported as `source`.
    pub name: String,
    /// Where it came from.
    pub origin: Origin,
    /// The text (valid UTF-8, byte-identical to the file).
    pub text: String,
    /// The detected or requested format.
    pub format: Format,
}

/// Why a document was skipped: a one-line warning naming the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}; skipped")]
pub struct Skipped {
    /// The document's name.
    pub name: String,
    /// What is wrong with it and, where useful, what to do.
    pub reason: String,
}

/// File extensions picked when walking directories.
pub const DOCUMENT_EXTENSIONS: &[&str] = &[
    "md",
    "markdown",
    "mdown",
    "mkd",
    "mdx",
    "txt",
    "text",
    "html",
    "htm",
    "xhtml",
    "bib",
    "tex",
    "ltx",
    "rst",
    "rest",
    "wiki",
    "wikitext",
    "mediawiki",
];

/// The format an extension names, if any. `.txt` names none: its content decides.
pub fn format_from_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "md" | "markdown" | "mdown" | "mkd" | "mdx" => Format::Markdown,
        "html" | "htm" | "xhtml" => Format::Html,
        "bib" => Format::Bibtex,
        "tex" | "ltx" => Format::Latex,
        "rst" | "rest" => Format::Rst,
        "wiki" | "wikitext" | "mediawiki" => Format::Wikitext,
        _ => return None,
    })
}

/// Whether a text has the layout of a PDF-to-Markdown conversion: at least
/// two lines that open with a `<sup>N</sup>` note marker.
pub fn looks_converted(text: &str) -> bool {
    // A substring search for `<sup>` at line starts, not a walk over every
    // line: this runs on the whole of every Markdown and text file.
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"<sup>")
        .filter(|&at| at == 0 || bytes[at - 1] == b'\n')
        .filter(|&at| {
            let line = &text[at..];
            let line = line.find('\n').map_or(line, |end| &line[..end]);
            let line = line.strip_suffix('\r').unwrap_or(line);
            crate::extract::converted::note_marker(line).is_some()
        })
        .take(2)
        .count()
        >= 2
}

/// Guesses a format from content alone.
pub fn sniff(text: &str) -> Format {
    let head = prefix(text, 64 * 1024);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    let lower_start: String = trimmed
        .chars()
        .take(256)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower_start.starts_with("<!doctype html")
        || lower_start.starts_with("<html")
        || (head.contains("<a href=") && head.contains("</"))
    {
        return Format::Html;
    }
    if looks_converted(head) {
        return Format::Converted;
    }
    if trimmed.starts_with('@') && head.contains('{') && head.contains('=') {
        return Format::Bibtex;
    }
    if head.contains("\\documentclass")
        || head.contains("\\begin{document}")
        || head.contains("\\footnote{")
    {
        return Format::Latex;
    }
    if head.contains("{{cite")
        || head.contains("{{Cite")
        || head.contains("<ref>")
        || head.contains("<ref name")
    {
        return Format::Wikitext;
    }
    if head.contains("\n.. [")
        || head.contains("\n.. _")
        || head.contains("`_") && head.contains(" <http")
    {
        return Format::Rst;
    }
    if crate::extract::text::looks_like_endnotes(head) && !head.contains("](") {
        return Format::Text;
    }
    Format::Markdown
}

/// The format of a document: the extension's, refined by content (converted
/// layouts are recognised whatever the extension).
pub fn detect_format(path: Option<&Path>, text: &str) -> Format {
    match path.and_then(format_from_extension) {
        Some(Format::Markdown) if looks_converted(text) => Format::Converted,
        Some(f) => f,
        None => sniff(text),
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn has_glob_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

fn is_document(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn walk(dir: &Path, filter: &dyn Fn(&Path) -> bool, out: &mut Vec<InputSource>) -> Result<()> {
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).build() {
        let entry = entry.map_err(|e| Error::Walk {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_file()) && filter(path) {
            found.push(path.to_path_buf());
        }
    }
    found.sort();
    out.extend(found.into_iter().map(|p| InputSource {
        name: p.display().to_string(),
        origin: Origin::File(p),
    }));
    Ok(())
}

/// Expands arguments into input documents, in the order given (directory and
/// glob matches sorted by path). Duplicates are dropped.
pub fn collect(args: &[String]) -> Result<Vec<InputSource>> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            out.push(InputSource {
                name: "-".into(),
                origin: Origin::Stdin,
            });
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            walk(path, &is_document, &mut out)?;
        } else if path.exists() {
            out.push(InputSource {
                name: arg.clone(),
                origin: Origin::File(path.to_path_buf()),
            });
        } else if has_glob_meta(arg) {
            let glob = globset::GlobBuilder::new(arg)
                .literal_separator(true)
                .build()
                .map_err(|e| Error::BadGlob {
                    pattern: arg.clone(),
                    message: e.to_string(),
                })?
                .compile_matcher();
            let base = glob_base(arg);
            let before = out.len();
            let strip = base == Path::new(".") && !arg.starts_with("./");
            walk(
                &base,
                &|p: &Path| {
                    let rel = if strip {
                        p.strip_prefix("./").unwrap_or(p)
                    } else {
                        p
                    };
                    glob.is_match(rel)
                },
                &mut out,
            )?;
            if strip {
                for src in &mut out[before..] {
                    if let Some(rest) = src.name.strip_prefix("./") {
                        src.name = rest.to_string();
                    }
                }
            }
            if out.len() == before {
                return Err(Error::NoSuchInput(format!("{arg} (glob matched no file)")));
            }
        } else {
            return Err(Error::NoSuchInput(arg.clone()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.origin.clone()));
    Ok(out)
}

/// The directory a glob starts from: its longest leading part without metacharacters.
fn glob_base(pattern: &str) -> PathBuf {
    let mut base = PathBuf::new();
    for part in Path::new(pattern).components() {
        let s = part.as_os_str().to_string_lossy();
        if has_glob_meta(&s) {
            break;
        }
        base.push(part);
    }
    if base.as_os_str().is_empty() || base == Path::new(pattern) {
        PathBuf::from(".")
    } else {
        base
    }
}

/// Reads and decodes one input. `Err(Skipped)` for documents that cannot be
/// text (binary, not UTF-8, too large); `Err` inside for I/O failures is
/// folded into `Skipped` too, since one unreadable file must not stop a run.
pub fn read(src: &InputSource, forced: Option<Format>) -> std::result::Result<Document, Skipped> {
    let skip = |reason: String| Skipped {
        name: src.name.clone(),
        reason,
    };
    let bytes = match &src.origin {
        Origin::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_FILE_SIZE + 1)
                .read_to_end(&mut buf)
                .map_err(|e| skip(format!("cannot read standard input: {e}")))?;
            buf
        }
        Origin::File(path) => {
            let meta = std::fs::metadata(path).map_err(|e| skip(format!("cannot read: {e}")))?;
            if meta.len() > MAX_FILE_SIZE {
                return Err(skip(format!(
                    "{} bytes is larger than the {} MiB limit for one document",
                    meta.len(),
                    MAX_FILE_SIZE / 1024 / 1024
                )));
            }
            std::fs::read(path).map_err(|e| skip(format!("cannot read: {e}")))?
        }
    };
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(skip(format!(
            "larger than the {} MiB limit for one document",
            MAX_FILE_SIZE / 1024 / 1024
        )));
    }
    let text = decode(bytes).map_err(skip)?;
    let path = match &src.origin {
        Origin::File(p) => Some(p.as_path()),
        Origin::Stdin => None,
    };
    let format = forced.unwrap_or_else(|| detect_format(path, &text));
    Ok(Document {
        name: src.name.clone(),
        origin: src.origin.clone(),
        text,
        format,
    })
}

/// Decodes a document's bytes as UTF-8, refusing binary data. The text is
/// kept byte-identical (a BOM stays) so that spans found in it are spans of
/// the file, which `fix` relies on.
pub fn decode(bytes: Vec<u8>) -> std::result::Result<String, String> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err("UTF-16 text is not supported; convert it to UTF-8 (e.g. with iconv)".into());
    }
    if memchr::memchr(0, head).is_some() {
        return Err("binary file (contains NUL bytes), not a document".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (bad byte at offset {}); convert it to UTF-8 (e.g. with iconv)",
            e.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_bad_utf8_are_refused_with_reasons() {
        assert!(decode(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
        let err = decode(vec![b'a', b'b', 0xC3, 0x28]).unwrap_err();
        assert!(err.contains("offset 2"), "{err}");
        assert_eq!(
            decode("\u{feff}héllo".as_bytes().to_vec()).unwrap(),
            "\u{feff}héllo"
        );
    }

    #[test]
    fn extension_then_content_decides() {
        let converted = "Body.<sup>1</sup>\n\n<sup>1</sup> A note.\n\n<sup>2</sup> Another.\n";
        assert_eq!(
            detect_format(Some(Path::new("a.txt")), converted),
            Format::Converted
        );
        assert_eq!(
            detect_format(Some(Path::new("a.md")), converted),
            Format::Converted
        );
        assert_eq!(
            detect_format(Some(Path::new("a.md")), "# T\n[x](http://a.org)\n"),
            Format::Markdown
        );
        assert_eq!(
            detect_format(Some(Path::new("refs.bib")), ""),
            Format::Bibtex
        );
        assert_eq!(
            detect_format(None, "<!DOCTYPE html><html></html>"),
            Format::Html
        );
        assert_eq!(
            detect_format(None, "@article{k,\n url = {http://a.org}}\n"),
            Format::Bibtex
        );
        assert_eq!(
            detect_format(None, "\\documentclass{article}\n"),
            Format::Latex
        );
        assert_eq!(
            detect_format(None, "Text<ref>{{cite web|url=http://a.org}}</ref>\n"),
            Format::Wikitext
        );
    }

    #[test]
    fn glob_base_is_the_literal_prefix() {
        assert_eq!(glob_base("docs/**/*.md"), PathBuf::from("docs"));
        assert_eq!(glob_base("*.md"), PathBuf::from("."));
    }
}
