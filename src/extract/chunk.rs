//! Splitting a large Markdown document into chunks that parse alone.
//!
//! A 20 MB bibliography parsed as one piece holds the parser's whole block
//! tree and every citation in memory at once, and uses one core. Cut at the
//! right places, the pieces give exactly the citations the whole does, so they
//! can be parsed on every core and reported as they finish.
//!
//! A cut is made only at the start of a line where no block can continue
//! across it: a line that starts in column 0 with a non-blank character after
//! a blank line (a paragraph, list item, footnote definition or indented code
//! block cannot continue there; only a fenced code block, an HTML block of the
//! kinds that end at a marker rather than a blank line, and front matter can,
//! and those are tracked), or a footnote definition that directly follows a
//! one-line footnote definition (a definition interrupts the one before it).
//! Cuts never fall inside the note regions a caller passes (converted
//! documents' `<sup>N</sup>` notes).
//!
//! References across a cut are the other hazard: a `[text][ref]` link whose
//! definition lies in another chunk, or a `[^note]` reference to a later
//! footnote. [`Labels`] lists the labels defined anywhere in the document, so
//! each chunk's parser can resolve them as the whole document's would.

use std::ops::Range;

/// Link and footnote labels defined anywhere in a document, as keys of their
/// normalised form (CommonMark matches labels case-insensitively, with white
/// space folded). A document can define 200,000 notes: keys are 64-bit
/// hashes, computed without allocating, kept in sorted vectors (appending
/// while scanning and sorting once is several times cheaper than filling a
/// hash set of that size, and look-ups are rare).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Labels {
    links: Vec<u64>,
    notes: Vec<u64>,
}

impl Labels {
    /// Whether a link label is defined somewhere in the document.
    pub fn has_link(&self, label: &str) -> bool {
        self.links.binary_search(&label_key(label)).is_ok()
    }

    /// Whether a footnote label (without its `^`) is defined somewhere.
    pub fn has_note(&self, label: &str) -> bool {
        self.notes.binary_search(&label_key(label)).is_ok()
    }

    fn sort(&mut self) {
        for keys in [&mut self.links, &mut self.notes] {
            keys.sort_unstable();
            keys.dedup();
        }
    }
}

/// The 64-bit FNV-1a hash of a label as CommonMark compares labels: case
/// folded, runs of white space as one space, trimmed.
pub fn label_key(label: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut byte = |b: u8| {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    // Most labels are ASCII words: hash their lowercase bytes directly.
    if label.bytes().all(|b| b.is_ascii_graphic()) {
        label.bytes().for_each(|b| byte(b.to_ascii_lowercase()));
        return hash;
    }
    let mut feed = |c: char| {
        let mut buf = [0u8; 4];
        c.encode_utf8(&mut buf).bytes().for_each(&mut byte);
    };
    let mut first = true;
    for word in label.split_whitespace() {
        if !first {
            feed(' ');
        }
        first = false;
        if word.is_ascii() {
            word.bytes()
                .for_each(|b| feed(char::from(b.to_ascii_lowercase())));
        } else {
            word.chars()
                .flat_map(char::to_lowercase)
                .for_each(&mut feed);
        }
    }
    hash
}

/// A block that can run across blank lines, being tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Open {
    /// A fenced code block: fence character, fence length, indentation.
    Fence(u8, usize, usize),
    /// An HTML block that ends at a line holding this marker.
    Html(&'static str),
    /// An HTML block that ends at a blank line (CommonMark kinds 6 and 7):
    /// what looks like a fence or a definition inside it is neither.
    HtmlUntilBlank,
}

/// How a document is cut: its chunks, in order, and the labels it defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Byte ranges covering the document from `from`, in order.
    pub chunks: Vec<Range<usize>>,
    /// The labels defined anywhere in the document.
    pub labels: Labels,
}

/// Cuts `text[from..]` into chunks of about `target` bytes (the last may be
/// shorter, a chunk longer when no cut is allowed). `avoid` holds sorted
/// regions no cut may fall inside. [`Planner`] does the work, one chunk at a
/// time.
pub fn plan(text: &str, from: usize, avoid: &[Range<usize>], target: usize) -> Plan {
    let mut planner = Planner::new(text, from, avoid, target);
    let chunks = std::iter::from_fn(|| planner.next_chunk()).collect();
    Plan {
        chunks,
        labels: planner.labels(),
    }
}

/// The line scan behind [`plan`], handing out each chunk as soon as it is
/// cut, so that chunks can be parsed while the rest is still being cut.
///
/// The same scan collects the link and footnote labels the document
/// defines. A footnote definition interrupts a paragraph; a link definition
/// does not, so `[x]: …` counts only where a block starts (after a blank
/// line, a heading, a rule or another definition, or behind a quote or list
/// marker): a line that merely looks like one inside a paragraph is text,
/// as it is to the parser.
pub struct Planner<'a> {
    text: &'a str,
    avoid: &'a [Range<usize>],
    target: usize,
    /// Where the scan started; line ends are found relative to it.
    base: usize,
    line_ends: memchr::Memchr<'a>,
    /// Where the next line starts.
    pos: usize,
    /// The start of the chunk being scanned.
    last_cut: usize,
    labels: Labels,
    open: Option<Open>,
    prev_blank: bool,
    /// The previous line was a one-line footnote definition that itself
    /// started a block (after a blank line, or after another such line).
    prev_note_chain: bool,
    /// A paragraph runs on from the previous line (a link definition cannot
    /// interrupt it; a line that looks like one is its text).
    para_open: bool,
    /// Inside a footnote definition or list item, whose indented lines are
    /// its paragraphs rather than code.
    container: bool,
    /// The first region of `avoid` that may still hold a line start.
    region: usize,
}

impl<'a> Planner<'a> {
    /// A planner for `text[from..]`; see [`plan`].
    pub fn new(
        text: &'a str,
        from: usize,
        avoid: &'a [Range<usize>],
        target: usize,
    ) -> Planner<'a> {
        let base = from.min(text.len());
        Planner {
            text,
            avoid,
            target: target.max(1),
            base,
            line_ends: memchr::memchr_iter(b'\n', &text.as_bytes()[base..]),
            pos: base,
            last_cut: base,
            labels: Labels::default(),
            open: None,
            prev_blank: true,
            prev_note_chain: false,
            para_open: false,
            container: false,
            region: 0,
        }
    }

    /// The next chunk, or `None` when the text is used up.
    pub fn next_chunk(&mut self) -> Option<Range<usize>> {
        let from = self.last_cut;
        if from >= self.text.len() {
            return None;
        }
        while self.pos < self.text.len() {
            let start = self.pos;
            let end = self
                .line_ends
                .next()
                .map_or(self.text.len(), |i| self.base + i + 1);
            self.pos = end;
            // A cut falls at a line's start; the line is scanned all the same.
            if self.line(start, end) {
                self.last_cut = start;
                return Some(from..start);
            }
        }
        self.last_cut = self.text.len();
        Some(from..self.text.len())
    }

    /// The labels of the text scanned so far (all of them once
    /// [`Planner::next_chunk`] has returned `None`).
    pub fn labels(mut self) -> Labels {
        self.labels.sort();
        self.labels
    }

    /// Scans the line `text[start..end]`; whether a chunk is cut before it.
    fn line(&mut self, start: usize, end: usize) -> bool {
        let line = &self.text[start..end];
        let mut cut = false;
        let content = line
            .strip_suffix('\n')
            .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
        let blank = content.trim().is_empty();
        let column0 = content
            .as_bytes()
            .first()
            .is_some_and(|b| !b.is_ascii_whitespace());
        let note = if column0 {
            note_definition(content)
        } else {
            None
        };
        if self.open.is_none()
            && column0
            && (self.prev_blank || (note.is_some() && self.prev_note_chain))
            && start - self.last_cut >= self.target
            && !inside(self.avoid, &mut self.region, start)
        {
            cut = true;
        }
        let was_open = self.open.is_some();
        let mut text_line = false;
        // What the line opens, when no block is open.
        let opened = if was_open {
            None
        } else {
            opens(content, self.para_open)
        };
        if self.open.is_none() && !blank {
            let (inner, marker) = strip_containers(content);
            let indented = content.starts_with("    ") || content.starts_with('\t');
            let item = marker || list_marker(inner);
            let here = if column0 && !marker {
                note
            } else {
                note_definition(inner)
            };
            if here.is_some() || item {
                self.container = true;
            } else if column0
                && (self.prev_blank || !self.para_open || ends_block(content) || opened.is_some())
            {
                self.container = false;
            }
            if let Some(label) = here {
                self.labels.notes.push(label_key(label));
                text_line = true;
            } else if let Some(label) = link_definition_label(inner) {
                if marker || !self.para_open {
                    self.labels.links.push(label_key(label));
                } else {
                    text_line = true;
                }
            } else {
                // An indented line after no paragraph is code, not text.
                text_line =
                    !ends_block(content) && (self.para_open || item || self.container || !indented);
            }
        }
        self.open = match self.open.take() {
            Some(block) => still_open(block, content),
            None => opened,
        };
        self.prev_note_chain =
            note.is_some() && self.open.is_none() && (self.prev_blank || self.prev_note_chain);
        self.para_open = text_line && !was_open && self.open.is_none();
        self.prev_blank = blank;
        cut
    }
}

/// Where YAML (`---`) or TOML (`+++`) front matter at the very start of a
/// document ends, or 0. Only the start counts: a `---` rule later in a
/// document is a rule, whatever follows it.
pub fn front_matter_end(text: &str) -> usize {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let mut lines = body.split_inclusive('\n');
    let Some(first) = lines.next() else { return 0 };
    let fence = first.trim_end();
    let closers: &[&str] = match fence {
        "---" => &["---", "..."],
        "+++" => &["+++"],
        _ => return 0,
    };
    let mut pos = bom + first.len();
    let mut first_line = true;
    for line in lines {
        pos += line.len();
        let t = line.trim_end();
        if first_line && (t.is_empty() || closers.contains(&t)) {
            return 0;
        }
        first_line = false;
        if closers.contains(&t) {
            return pos;
        }
    }
    0
}

/// A line with its block-quote and list markers taken off, and whether it
/// had any (content behind a new marker starts a block).
fn strip_containers(line: &str) -> (&str, bool) {
    let mut rest = line.trim_start_matches(' ');
    let mut marker = false;
    loop {
        if let Some(r) = rest.strip_prefix('>') {
            rest = r.trim_start_matches(' ');
            marker = true;
        } else if let Some(r) = rest
            .strip_prefix(['-', '*', '+'])
            .filter(|r| r.starts_with(' '))
        {
            rest = r.trim_start_matches(' ');
            marker = true;
        } else {
            return (rest, marker);
        }
    }
}

/// Whether a line opens an ordered list item (`1.`, `2)`).
fn list_marker(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && line[digits..].starts_with(['.', ')'])
        && line[digits + 1..].starts_with([' ', '\t'])
}

/// Whether a line is a block that ends with the line itself: an ATX heading,
/// a thematic break or a setext underline.
fn ends_block(line: &str) -> bool {
    let t = line.trim();
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if hashes > 0 {
        let rest = &t[hashes..];
        return hashes <= 6 && (rest.is_empty() || rest.starts_with(' '));
    }
    let mut chars = t.chars().filter(|c| *c != ' ');
    match chars.next() {
        Some(c @ ('=' | '-' | '*' | '_')) => t.len() >= 3 && chars.all(|x| x == c),
        _ => false,
    }
}

/// The label of a `[label]: …` link definition line.
fn link_definition_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let label = bracketed_label(rest)?;
    (!label.trim().is_empty() && !label.starts_with('^') && !label.contains('[')).then_some(label)
}

/// The text before `]:` when the first `]` of `rest` opens `]:` (a label
/// never holds a `]`, so a later `]:` could not end one). A byte search: this
/// runs on every line of a large document.
fn bracketed_label(rest: &str) -> Option<&str> {
    let close = memchr::memchr(b']', rest.as_bytes())?;
    (rest.as_bytes().get(close + 1) == Some(&b':')).then(|| &rest[..close])
}

/// Whether `pos` falls strictly inside one of the sorted regions; `cursor`
/// remembers how far the regions have been passed (positions only grow).
fn inside(regions: &[Range<usize>], cursor: &mut usize, pos: usize) -> bool {
    while regions.get(*cursor).is_some_and(|r| r.end <= pos) {
        *cursor += 1;
    }
    regions
        .get(*cursor)
        .is_some_and(|r| r.start < pos && pos < r.end)
}

/// The label of a line that opens a footnote definition: `[^label]: …`.
fn note_definition(line: &str) -> Option<&str> {
    let label = bracketed_label(line.strip_prefix("[^")?)?;
    (!label.is_empty() && !label.contains(['[', ' '])).then_some(label)
}

/// The block a line opens that may run across blank lines, if any. The
/// indentation allowed is generous (fences inside list items are indented):
/// wrongly seeing a block open only costs cuts, never correctness.
fn opens(line: &str, paragraph_open: bool) -> Option<Open> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = line.get(indent..).unwrap_or("");
    let bytes = rest.as_bytes();
    if let Some(&c @ (b'`' | b'~')) = bytes.first() {
        let n = bytes.iter().take_while(|&&b| b == c).count();
        if n >= 3 && !(c == b'`' && rest[n..].contains('`')) {
            return Some(Open::Fence(c, n, indent));
        }
        return None;
    }
    if !rest.starts_with('<') {
        return None;
    }
    let Some(end) = html_block_end(rest) else {
        return (html_until_blank(rest, paragraph_open)).then_some(Open::HtmlUntilBlank);
    };
    // The block may close on its own first line.
    let after = rest.get(1..).unwrap_or("");
    (!after.contains(end)).then_some(Open::Html(end))
}

/// Block-level tags that open an HTML block ending at a blank line.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// Whether a line starting with `<` opens an HTML block that ends at a blank
/// line: a block-level tag (which may interrupt a paragraph), or any other
/// tag alone on its line (which may not).
fn html_until_blank(rest: &str, paragraph_open: bool) -> bool {
    let tag = rest
        .strip_prefix("</")
        .or_else(|| rest.strip_prefix('<'))
        .unwrap_or("");
    let name_len = tag
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    if name_len == 0 || !tag.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    let name = tag[..name_len].to_ascii_lowercase();
    let after = &tag[name_len..];
    if BLOCK_TAGS.contains(&name.as_str())
        && (after.is_empty() || after.starts_with([' ', '\t', '>']) || after.starts_with("/>"))
    {
        return true;
    }
    !paragraph_open && rest.trim_end().ends_with('>')
}

/// The end marker of an HTML block that does not end at a blank line
/// (CommonMark kinds 1 to 5), for a line starting with `<`.
fn html_block_end(rest: &str) -> Option<&'static str> {
    let lower: String = rest.chars().take(12).flat_map(char::to_lowercase).collect();
    if lower.starts_with("<!--") {
        return Some("-->");
    }
    if lower.starts_with("<![cdata[") {
        return Some("]]>");
    }
    if lower.starts_with("<?") {
        return Some("?>");
    }
    if lower.starts_with("<!") && lower.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic) {
        return Some(">");
    }
    for (tag, end) in [
        ("<script", "</script>"),
        ("<pre", "</pre>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
    ] {
        if let Some(next) = lower.strip_prefix(tag) {
            if next.is_empty() || next.starts_with([' ', '\t', '>']) {
                return Some(end);
            }
        }
    }
    None
}

/// Whether a fenced code block's text (from its opening fence) ends with its
/// closing fence. Unsure cases answer no: that only costs a re-walk.
pub fn fence_closed(block: &str) -> bool {
    let mut lines = block.trim_end().lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let indent = first.len() - first.trim_start_matches(' ').len();
    let opening = first.trim_start_matches(' ');
    let Some(c) = opening.bytes().next().filter(|c| matches!(c, b'`' | b'~')) else {
        return false;
    };
    let n = opening.bytes().take_while(|&b| b == c).count();
    let Some(last) = lines.last() else {
        return false;
    };
    let lead = last.len() - last.trim_start_matches(' ').len();
    let rest = last.trim_start_matches(' ');
    let run = rest.bytes().take_while(|&b| b == c).count();
    lead <= indent + 3 && run >= n && rest[run..].trim().is_empty()
}

/// Whether an HTML block's text ends it: blocks of the kinds that end at a
/// marker must hold the marker after their opening.
pub fn html_closed(block: &str) -> bool {
    let rest = block.trim_start_matches(' ');
    let Some(end) = html_block_end(rest) else {
        return true;
    };
    let after = rest.get(2..).unwrap_or("");
    if end.starts_with("</") {
        after.to_ascii_lowercase().contains(end)
    } else {
        after.contains(end)
    }
}

/// Whether an open block still runs after this line.
fn still_open(block: Open, line: &str) -> Option<Open> {
    match block {
        Open::Fence(c, n, indent) => {
            let lead = line.len() - line.trim_start_matches(' ').len();
            let rest = line.trim_start_matches(' ');
            let run = rest.bytes().take_while(|&b| b == c).count();
            let closes = lead <= indent + 3 && run >= n && rest[run..].trim().is_empty();
            (!closes).then_some(block)
        }
        Open::HtmlUntilBlank => (!line.trim().is_empty()).then_some(block),
        Open::Html(end) => {
            let closes = if end.starts_with("</") {
                line.to_ascii_lowercase().contains(end)
            } else {
                line.contains(end)
            };
            (!closes).then_some(block)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut_lines(text: &str, target: usize) -> Vec<&str> {
        plan(text, 0, &[], target)
            .chunks
            .into_iter()
            .map(|r| text[r].lines().next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn large_target_is_one_chunk() {
        assert_eq!(plan("abc\n\nd\n", 0, &[], 100).chunks, vec![0..7]);
        assert!(plan("", 0, &[], 100).chunks.is_empty());
        assert_eq!(
            plan("---\na: 1\n---\nx\n", 13, &[], 100).chunks,
            vec![13..15]
        );
    }

    #[test]
    fn cuts_after_blank_lines_and_between_one_line_notes() {
        let text = "a\n\nb\nc\n\nd\n[^0]: w\n[^00]: v\n\n[^1]: x\n[^2]: y\n    more\n[^3]: z\n";
        assert_eq!(cut_lines(text, 1), ["a", "b", "d", "[^1]: x", "[^2]: y"]);
    }

    #[test]
    fn no_cut_inside_fences_or_html_blocks() {
        let text = "A\n\n```md\n\nB\n\n    ```\n\nC\n```\n\nD\n\n<!-- c\n\nE -->\n\nF\n\n<pre>\n\nG\n</PRE>\n\nH\n";
        assert_eq!(
            cut_lines(text, 1),
            ["A", "```md", "D", "<!-- c", "F", "<pre>", "H"]
        );
    }

    #[test]
    fn html_blocks_that_end_at_blank_lines_hide_fences_and_labels() {
        let text = "<div>\n```\n[^a]: no\n\n[^b]: yes\n\nText\n\n<span>x</span>\n[l]: /no\n";
        let p = plan(text, 0, &[], 1);
        assert!(p.labels.has_note("b"));
        assert!(!p.labels.has_note("a"));
        assert!(!p.labels.has_link("l"));
        assert_eq!(p.chunks.len(), 4, "{:?}", p.chunks);
    }

    #[test]
    fn no_cut_inside_regions_and_chunks_cover_the_text() {
        let text = "a\n\nb\n\nc\n\nd\n";
        let b = text.find('b').unwrap_or(0);
        let d = text.find('d').unwrap_or(0);
        let region = b - 1..d - 1;
        let chunks = plan(text, 0, std::slice::from_ref(&region), 1).chunks;
        assert_eq!(
            chunks.iter().map(|r| &text[r.clone()]).collect::<String>(),
            text
        );
        assert_eq!(chunks.len(), 2, "{chunks:?}");
    }

    #[test]
    fn chunks_respect_the_target_size() {
        let text = "para\n\n".repeat(1000);
        let chunks = plan(&text, 0, &[], 600).chunks;
        assert!(chunks.iter().all(|r| r.len() >= 600 || r.end == text.len()));
        assert!(chunks.len() >= 9, "{}", chunks.len());
    }

    #[test]
    fn labels_are_those_the_parser_defines() {
        let text = "x\n\n[Foo  Bar]: /u\n> [^Note]: n\n- [q]: /q\n[^]: no\n# H\n[h]: /h\npara\n[lazy]: /no\n\n```\n[code]: /no\n```\n";
        let labels = plan(text, 0, &[], 1).labels;
        assert!(labels.has_link("foo bar"));
        assert!(labels.has_link("FOO\nbar"));
        assert!(labels.has_link("Q"));
        assert!(labels.has_link("h"));
        assert!(labels.has_note("note"));
        assert!(!labels.has_link("note"));
        assert!(!labels.has_note(""));
        assert!(!labels.has_link("lazy"));
        assert!(!labels.has_link("code"));
    }

    #[test]
    fn closed_blocks() {
        assert!(fence_closed("```rust\ncode\n```\n\n"));
        assert!(fence_closed("~~~~\n\n~~~~~\n"));
        assert!(!fence_closed("```\ncode\n\nmore\n"));
        assert!(!fence_closed("```\n"));
        assert!(!fence_closed("````\ncode\n```\n"));
        assert!(!fence_closed("```\ncode\n    ```\n"));
        assert!(html_closed("<div>\nx\n"));
        assert!(html_closed("<!-- a\n\nb -->\n"));
        assert!(!html_closed("<!-- a\n\nb\n"));
        assert!(html_closed("<PRE>\nx\n</pre>\n"));
        assert!(!html_closed("<script>\nx\n"));
    }

    #[test]
    fn label_keys_fold_case_and_space() {
        assert_eq!(label_key("Foo  Bar"), label_key("foo\nbar"));
        assert_eq!(label_key(" ÉTÉ "), label_key("été"));
        assert_ne!(label_key("foo"), label_key("foo bar"));
        assert_ne!(label_key("ab"), label_key("a b"));
    }

    #[test]
    fn front_matter_only_at_the_start() {
        assert_eq!(front_matter_end("---\ntitle: x\n---\nbody\n"), 17);
        assert_eq!(front_matter_end("+++\na = 1\n+++\n"), 14);
        assert_eq!(front_matter_end("\u{feff}---\na: 1\n...\n"), 16);
        assert_eq!(front_matter_end("---\n\na: 1\n---\n"), 0);
        assert_eq!(front_matter_end("---\na: 1\n"), 0);
        assert_eq!(front_matter_end("x\n---\na\n---\n"), 0);
    }
}
