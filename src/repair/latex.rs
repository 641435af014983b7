//! `latex-escape`: the LaTeX flavour of escape removal, for URLs found in
//! BibTeX fields and LaTeX source.
//!
//! The character pass already drops a backslash before punctuation (and calls
//! it `markdown-escape`); in LaTeX source the same step is LaTeX's escaping,
//! so it is renamed, and the LaTeX-only spellings are folded on top: the
//! braces of `{\_}`, and the tilde commands `\~{}`, `\textasciitilde{}`,
//! `{\textasciitilde}`. Units keep their raw byte ranges, so `core` still
//! points at the URL as written.

use super::decode::Unit;
use super::Rule;

const TILDE: &str = "\\textasciitilde";

/// Rewrites decoded units for LaTeX escaping rules.
pub(super) fn undo_latex(units: Vec<Unit>) -> Vec<Unit> {
    let md = Rule::MarkdownEscape.bit();
    let latex = Rule::LatexEscape.bit();
    let mut out: Vec<Unit> = Vec::with_capacity(units.len());
    let mut i = 0;
    while let Some(u) = units.get(i).copied() {
        let mut u = u;
        if u.rules & md != 0 {
            u.rules = (u.rules & !md) | latex;
        }
        if let Some((len, merged)) = units.get(i..).and_then(tilde_command) {
            out.push(merged);
            i += len;
            continue;
        }
        // `\~{}`: the escaped tilde followed by an empty group.
        if u.ch == '~' && u.rules & latex != 0 {
            if let (Some(a), Some(b)) = (units.get(i + 1), units.get(i + 2)) {
                if a.ch == '{' && b.ch == '}' {
                    u.end = b.end;
                    out.push(u);
                    i += 3;
                    continue;
                }
            }
        }
        if u.ch == '}' && u.start > 0 {
            // `{\_}`: fold the braces around one escaped character.
            let n = out.len();
            if n >= 2 && out[n - 2].ch == '{' && out[n - 1].rules & latex != 0 {
                let open = out[n - 2].start;
                let mut inner = out[n - 1];
                inner.start = open;
                inner.end = u.end;
                out.truncate(n - 2);
                out.push(inner);
                i += 1;
                continue;
            }
        }
        out.push(u);
        i += 1;
    }
    out
}

/// `\textasciitilde`, optionally followed by `{}`: its length in units and the
/// `~` unit it stands for.
fn tilde_command(units: &[Unit]) -> Option<(usize, Unit)> {
    let n = TILDE.chars().count();
    let head = units.get(..n)?;
    if !head.iter().map(|u| u.ch).eq(TILDE.chars()) {
        return None;
    }
    if units.get(n).is_some_and(|u| u.ch.is_ascii_alphabetic()) {
        return None;
    }
    let mut len = n;
    if units.get(n).is_some_and(|u| u.ch == '{') && units.get(n + 1).is_some_and(|u| u.ch == '}') {
        len += 2;
    }
    let first = head.first()?;
    let last = units.get(len - 1)?;
    Some((
        len,
        Unit {
            ch: '~',
            start: first.start,
            end: last.end,
            rules: Rule::LatexEscape.bit(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use crate::repair::{repair, repair_latex};

    #[test]
    fn latex_escapes() {
        for (raw, want) in [
            ("http://a.org/x\\_y", "http://a.org/x_y"),
            ("http://a.org/x{\\_}y", "http://a.org/x_y"),
            ("http://a.org/a\\%20b\\#c\\&d", "http://a.org/a%20b#c&d"),
            ("http://a.org/\\~{}user", "http://a.org/~user"),
            ("http://a.org/\\textasciitilde{}user", "http://a.org/~user"),
            ("http://a.org/{\\textasciitilde}user", "http://a.org/~user"),
        ] {
            let r = repair_latex(raw);
            assert_eq!(r.url, want, "{raw}");
            assert_eq!(r.rules, ["latex-escape"], "{raw}");
            assert_eq!(r.core, 0..raw.len(), "{raw}");
        }
        assert_eq!(repair_latex("http://a.org/plain").rules, Vec::<&str>::new());
        // Markdown documents keep calling it a Markdown escape.
        assert_eq!(repair("http://a.org/x\\_y").rules, ["markdown-escape"]);
    }
}
