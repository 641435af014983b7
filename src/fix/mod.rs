//! `fix`: rewriting citations in place, in each format's own idiom.
//!
//! The design is an edit list. [`plan`] never builds a new document: it
//! turns each (citation, action) pair into a few byte-range [`Edit`]s —
//! the URL's span replaced, a link text that repeats it rewritten, an archive
//! link or field inserted after the construct — and [`apply`] splices them
//! into the original text. Everything outside those ranges is copied byte for
//! byte, which is how line endings, a BOM, trailing white space and the
//! encoding survive without any code caring about them.
//!
//! Each format's idiom lives in its own module behind the `Idiom` trait:
//! how a URL is escaped where it stands, how an archive link is added next to
//! a construct. Decisions common to every format (is this already archived?
//! is there anything to repair? do two edits collide?) are made once, here.
//! An item is all-or-nothing: if any of its edits would overlap an edit
//! already accepted, the whole item is left alone with a reason, so a
//! document is never half-rewritten around one citation.

mod bibtex;
pub mod decide;
pub mod diff;
mod escape;
mod html;
mod known;
mod latex;
mod markdown;
mod rst;
mod summary;
mod text;
mod wikitext;
pub mod write;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::citation::{Citation, Format};

pub use decide::{decide, Decision, Policy};
pub use diff::unified_diff;
pub use known::{archive_follows, is_archive_url, is_archive_url_among};
pub use summary::{LeftAlone, SkipReason, Summary};
pub use write::{write_atomic, FixError};

/// What to do to one citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The citation is dead and has an archive copy: write the copy in.
    Archive {
        /// The archive copy's URL.
        archive_url: String,
        /// When it was captured, `YYYYMMDDhhmmss` (at least the date digits).
        timestamp: String,
    },
    /// The citation moved permanently: write its new URL over the old one.
    Update {
        /// Where it lives now.
        new_url: String,
    },
    /// The URL was damaged (escapes, broken lines, glued punctuation): write
    /// the repaired `Citation::url` over the text as found.
    Repair,
}

/// How an archive copy goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// Keep the original URL and add an archive link after the construct.
    #[default]
    Append,
    /// Write the archive URL where the original stood. Formats with a
    /// dedicated archive field (BibTeX entries, wikitext cite templates)
    /// fill that field in both styles and always keep the original.
    Replace,
}

/// Which BibTeX fields receive an archive copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BibtexField {
    /// `archiveurl = {…}` and `archivedate = {YYYY-MM-DD}`.
    #[default]
    ArchiveUrl,
    /// `note = {Archived at \url{…} on YYYY-MM-DD}`, for styles that only
    /// print `note` (appended to an existing note).
    Note,
}

/// Options of `citecheck fix` that change what is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixOptions {
    /// Append or replace.
    pub style: Style,
    /// Where BibTeX entries get their archive copy.
    pub bibtex_archive_field: BibtexField,
    /// Replay prefixes of further archives whose URLs count as archive
    /// copies (a self-hosted Wayback given with `--wayback-url`), so that
    /// the links `fix` wrote from it are recognised on the next run.
    pub archive_prefixes: Vec<String>,
}

/// One replacement of a byte range of the original text (an insertion when
/// the range is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes of the original text to replace.
    pub range: Range<usize>,
    /// What goes there.
    pub replacement: String,
}

impl Edit {
    /// Replaces `range` with `replacement`.
    pub fn new(range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    /// Inserts `text` at byte `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::new(at..at, text)
    }
}

/// The edits for one document and what they amount to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Non-overlapping edits sorted by position, ready for [`apply`].
    pub edits: Vec<Edit>,
    /// Counts of what changed and what was left alone, and why.
    pub summary: Summary,
}

/// An archive copy as the idioms need it.
pub(crate) struct ArchiveCopy<'a> {
    /// The archive URL, unescaped.
    pub url: &'a str,
    /// Capture date, `YYYY-MM-DD`.
    pub date: String,
}

/// One citation in its document, as an idiom sees it.
pub(crate) struct Site<'a> {
    /// The whole document.
    pub text: &'a str,
    /// The citation being rewritten (spans checked against `text`).
    pub c: &'a Citation,
    /// Further archives' replay prefixes ([`FixOptions::archive_prefixes`]).
    pub archives: &'a [String],
    /// What the idiom learned of the whole document.
    pub facts: &'a Facts,
}

/// A reference name as CommonMark and docutils match it: case-folded, inner
/// white space collapsed.
pub(crate) fn reference_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Edits putting `link` after every use of the definition at `site` (a
/// Markdown reference definition, an rst hyperlink target), except uses an
/// archive link already follows; `unused` is the reason when none uses it.
pub(crate) fn after_every_use(
    site: &Site,
    link: &str,
    unused: &'static str,
) -> Result<Vec<Edit>, SkipReason> {
    let name = site
        .c
        .footnote
        .as_deref()
        .map(reference_key)
        .unwrap_or_default();
    let uses = site
        .facts
        .reference_uses
        .get(&name)
        .map_or(&[][..], Vec::as_slice);
    if uses.is_empty() {
        return Err(SkipReason::Unsupported(unused));
    }
    let edits: Vec<Edit> = uses
        .iter()
        .filter(|&&end| !archive_follows(site.text, end, site.archives))
        .map(|&end| Edit::insert(end, link))
        .collect();
    if edits.is_empty() {
        return Err(SkipReason::AlreadyArchived);
    }
    Ok(edits)
}

/// What an idiom learns of a document once, for all its citations.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// The end of every link that uses a Markdown reference definition or
    /// an rst hyperlink target, by [`reference_key`] of its name.
    pub reference_uses: HashMap<String, Vec<usize>>,
}

impl Site<'_> {
    /// The construct holding the URL.
    pub fn element(&self) -> &str {
        self.text.get(self.c.element.clone()).unwrap_or("")
    }

    /// Where an archive link goes: after the construct, and after the
    /// angle brackets around a URL when the construct is the bare URL
    /// (`<url>` reported without its brackets).
    pub fn after(&self) -> usize {
        let (span, element) = (&self.c.span, &self.c.element);
        let bytes = self.text.as_bytes();
        let bracketed = span.start > 0
            && bytes.get(span.start - 1) == Some(&b'<')
            && bytes.get(span.end) == Some(&b'>');
        if element == span && bracketed {
            span.end + 1
        } else {
            element.end
        }
    }

    /// Whether `url` is an archive copy, configured archives included.
    pub fn is_archive(&self, url: &str) -> bool {
        is_archive_url_among(url, self.archives)
    }

    /// The document before the URL's span.
    pub fn before_span(&self) -> &str {
        self.text.get(..self.c.span.start).unwrap_or("")
    }
}

/// A format's way of writing URLs and archive links.
pub(crate) trait Idiom {
    /// The text to write in the URL's span so that it reads as `url`.
    fn target(&self, site: &Site, url: &str) -> Result<String, SkipReason>;

    /// The text to write in a link text that repeats the URL.
    fn link_text(&self, site: &Site, url: &str) -> String;

    /// Edits that add `copy` beside the citation, keeping the original.
    fn append(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason>;

    /// Edits that put `copy` in place of the original.
    fn replace(
        &self,
        site: &Site,
        copy: &ArchiveCopy,
        _opts: &FixOptions,
    ) -> Result<Vec<Edit>, SkipReason> {
        rewrite_url(self, site, copy.url)
    }

    /// Whether the construct already names an archive copy in the format's
    /// own way (an `archive-url` parameter, a `data-versionurl` attribute).
    fn has_archive(&self, _site: &Site) -> bool {
        false
    }

    /// What the idiom needs to know of the whole document to fix `items`
    /// (read once per document, not once per citation).
    fn facts(&self, _text: &str, _items: &[(Citation, Action)]) -> Facts {
        Facts::default()
    }
}

/// Edits writing `url` over the citation's span and its repeated link text.
pub(crate) fn rewrite_url<I: Idiom + ?Sized>(
    idiom: &I,
    site: &Site,
    url: &str,
) -> Result<Vec<Edit>, SkipReason> {
    let mut edits = vec![Edit::new(site.c.span.clone(), idiom.target(site, url)?)];
    if let Some(text_span) = &site.c.text_span {
        let disjoint = text_span.end <= site.c.span.start || site.c.span.end <= text_span.start;
        if disjoint && site.text.get(text_span.clone()).is_some() {
            edits.push(Edit::new(text_span.clone(), idiom.link_text(site, url)));
        }
    }
    Ok(edits)
}

fn idiom(format: Format) -> &'static dyn Idiom {
    match format {
        Format::Markdown | Format::Converted => &markdown::Markdown,
        Format::Text => &text::Plain,
        Format::Html => &html::Html,
        Format::Bibtex => &bibtex::Bibtex,
        Format::Latex => &latex::Latex,
        Format::Rst => &rst::Rst,
        Format::Wikitext => &wikitext::Wikitext,
    }
}

/// Turns actions on citations of `text` into edits, in each format's idiom.
///
/// Items are taken in order; an item whose edits would collide with an
/// earlier item's is left alone ([`SkipReason::Conflict`]). Citations that
/// already have an archive copy (an archive URL, an archive link right after
/// them, an archive field) are left alone too, which makes `fix` idempotent.
pub fn plan(text: &str, format: Format, items: &[(Citation, Action)], opts: &FixOptions) -> Plan {
    let idiom = idiom(format);
    let facts = idiom.facts(text, items);
    let mut accepted = Accepted::default();
    let mut plan = Plan::default();
    for (c, action) in items {
        let site = Site {
            text,
            c,
            archives: &opts.archive_prefixes,
            facts: &facts,
        };
        let outcome = edits_for(idiom, &site, action, opts)
            .and_then(|edits| accepted.take(edits).ok_or(SkipReason::Conflict));
        match outcome {
            Ok(()) => plan.summary.count(action),
            Err(reason) => plan.summary.leave(c, reason),
        }
    }
    plan.edits = accepted.into_edits();
    plan
}

/// Carries out decisions on the citations of `text`: plans the actions,
/// adds the citations decided to be left alone to the summary (links to
/// archive copies as already archived), and returns
/// the new text (equal to `text` when nothing changes) with the plan.
pub fn fix_text<'c>(
    text: &str,
    format: Format,
    decisions: impl IntoIterator<Item = (&'c Citation, Decision)>,
    opts: &FixOptions,
) -> Result<(String, Plan), FixError> {
    let mut items = Vec::new();
    let mut left = Vec::new();
    for (c, decision) in decisions {
        match decision {
            Decision::Act(actions) => items.extend(actions.into_iter().map(|a| (c.clone(), a))),
            // A link to an archive copy (a previous run's, say) is itself the
            // fix, whatever its own verdict.
            Decision::Leave(_) if is_archive_url_among(&c.url, &opts.archive_prefixes) => {
                left.push((c, SkipReason::AlreadyArchived))
            }
            Decision::Leave(reason) => left.push((c, reason)),
        }
    }
    let mut p = plan(text, format, &items, opts);
    for (c, reason) in left {
        p.summary.leave(c, reason);
    }
    let new = apply(text, &p.edits)?;
    Ok((new, p))
}

fn edits_for(
    idiom: &dyn Idiom,
    site: &Site,
    action: &Action,
    opts: &FixOptions,
) -> Result<Vec<Edit>, SkipReason> {
    let (text, c) = (site.text, site.c);
    let valid = text.get(c.span.clone()).is_some()
        && text.get(c.element.clone()).is_some()
        && c.element.start <= c.span.start
        && c.span.end <= c.element.end;
    if !valid {
        return Err(SkipReason::Invalid(
            "the citation's span is not in the document",
        ));
    }
    match action {
        Action::Archive {
            archive_url,
            timestamp,
        } => {
            if c.archived.is_some()
                || site.is_archive(&c.url)
                || archive_follows(text, site.after(), site.archives)
                || idiom.has_archive(site)
            {
                return Err(SkipReason::AlreadyArchived);
            }
            if !crate::repair::is_citable(archive_url) {
                return Err(SkipReason::Invalid(
                    "the archive URL is not an absolute URL",
                ));
            }
            let date = escape::iso_date(timestamp).ok_or(SkipReason::Invalid(
                "the archive timestamp is not YYYYMMDDhhmmss",
            ))?;
            let copy = ArchiveCopy {
                url: archive_url,
                date,
            };
            match opts.style {
                Style::Append => idiom.append(site, &copy, opts),
                Style::Replace => idiom.replace(site, &copy, opts),
            }
        }
        Action::Update { new_url } => {
            if *new_url == c.url && c.raw.is_none() {
                return Err(SkipReason::NothingToChange);
            }
            rewrite_url(idiom, site, new_url)
        }
        Action::Repair => {
            if c.raw.is_none() {
                return Err(SkipReason::NothingToChange);
            }
            rewrite_url(idiom, site, &c.url)
        }
    }
}

/// The edits accepted so far, keyed by (start, end) so a collision check
/// is a logarithmic look-up even with hundreds of thousands of citations.
#[derive(Default)]
struct Accepted {
    edits: BTreeMap<(usize, usize), String>,
}

impl Accepted {
    /// Accepts all of `edits` if none collides with an accepted edit (or
    /// another of them); `None` and nothing accepted otherwise.
    fn take(&mut self, mut edits: Vec<Edit>) -> Option<()> {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let self_overlap = edits.windows(2).any(|w| match w {
            [a, b] => collide(&a.range, &b.range),
            _ => false,
        });
        if self_overlap || edits.iter().any(|e| self.collides(&e.range)) {
            return None;
        }
        for e in edits {
            self.edits
                .insert((e.range.start, e.range.end), e.replacement);
        }
        Some(())
    }

    fn collides(&self, r: &Range<usize>) -> bool {
        // Accepted edits never overlap each other, so the candidates are the
        // edits starting inside `r` and the last one starting before it.
        let hits = |&(s, e): &(usize, usize)| collide(&(s..e), r);
        let upper = r.end.max(r.start + 1);
        let inside = self
            .edits
            .range((r.start, 0)..(upper, 0))
            .any(|(k, _)| hits(k));
        let before = self
            .edits
            .range(..(r.start, 0))
            .next_back()
            .is_some_and(|(k, _)| hits(k));
        inside || before
    }

    fn into_edits(self) -> Vec<Edit> {
        self.edits
            .into_iter()
            .map(|((s, e), replacement)| Edit::new(s..e, replacement))
            .collect()
    }
}

/// Whether two edits touch the same bytes, or insert at the same point
/// (where their order would be arbitrary).
fn collide(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
}

/// Splices sorted, non-overlapping `edits` into `text`.
///
/// Fails (rather than guessing) when an edit is out of order, overlaps the
/// previous one, or does not fall on character boundaries of `text`.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, FixError> {
    let extra: usize = edits.iter().map(|e| e.replacement.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut at = 0;
    for edit in edits {
        let bad = || FixError::BadEdit {
            range: edit.range.clone(),
            len: text.len(),
        };
        let kept = text.get(at..edit.range.start).ok_or_else(bad)?;
        text.get(edit.range.clone()).ok_or_else(bad)?;
        out.push_str(kept);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Ok(out)
}

#[cfg(test)]
mod tests;
