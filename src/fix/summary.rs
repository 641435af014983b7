//! What `fix` did to a document, for the per-file summary line.
//!
//! Counts are kept per action and every citation left alone carries a typed
//! reason, so the command can print "left alone 4 (2 already archived, 1 no
//! archive copy, 1 not dead)" and the JSON report can list them. Reasons
//! decided before `fix` (no archive copy, verdict, exclusion) are added by the
//! caller with [`Summary::leave`], so one summary covers the whole run.

use std::collections::BTreeMap;
use std::fmt;

use super::Action;
use crate::citation::Citation;

/// Why a citation was not rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// An archive copy is already there (an archive URL, an archive link
    /// after the citation, an archive field).
    AlreadyArchived,
    /// Nothing to do: the URL is not damaged, or already the new one.
    NothingToChange,
    /// Another rewrite already changes the same bytes.
    Conflict,
    /// The construct cannot take this rewrite in this style.
    Unsupported(&'static str),
    /// The citation or action does not fit the document.
    Invalid(&'static str),
    /// No archive copy was found (decided by the archive stage).
    NoArchiveCopy,
    /// The verdict was not dead (the verdict's name).
    NotDead(String),
    /// Moved permanently, and `--update-moved` was not given.
    Moved,
    /// Dead, but `--confirm-dead` has not confirmed it yet.
    Unconfirmed,
    /// The archive look-up did not finish (deferred to spare the archive's
    /// rate limit, or failed); a later run may find a copy.
    LookupUnfinished(&'static str),
    /// Excluded by configuration.
    Excluded,
}

impl SkipReason {
    /// A short name grouping reasons in summaries.
    pub fn name(&self) -> &'static str {
        match self {
            SkipReason::AlreadyArchived => "already archived",
            SkipReason::NothingToChange => "nothing to change",
            SkipReason::Conflict => "conflicting edit",
            SkipReason::Unsupported(_) => "unsupported construct",
            SkipReason::Invalid(_) => "invalid",
            SkipReason::NoArchiveCopy => "no archive copy",
            SkipReason::NotDead(_) => "not dead",
            SkipReason::Moved => "moved",
            SkipReason::Unconfirmed => "not yet confirmed dead",
            SkipReason::LookupUnfinished(_) => "archive look-up unfinished",
            SkipReason::Excluded => "excluded",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported(why) | SkipReason::Invalid(why) => {
                write!(f, "{}: {why}", self.name())
            }
            SkipReason::NotDead(verdict) => write!(f, "verdict {verdict}, not dead"),
            SkipReason::Moved => f.write_str("moved; --update-moved writes the new URL"),
            SkipReason::LookupUnfinished(why) => {
                write!(f, "archive look-up {why}; run again later")
            }
            _ => f.write_str(self.name()),
        }
    }
}

/// A citation `fix` did not rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftAlone {
    /// The citation's URL.
    pub url: String,
    /// Its 1-based line.
    pub line: usize,
    /// Why it was left alone.
    pub reason: SkipReason,
}

/// What `fix` changed in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Citations given an archive copy.
    pub archived: usize,
    /// Moved citations given their new URL.
    pub updated: usize,
    /// Damaged URLs written back repaired.
    pub repaired: usize,
    /// Citations left as they were, with the reason.
    pub left_alone: Vec<LeftAlone>,
}

impl Summary {
    /// Counts one action carried out.
    pub fn count(&mut self, action: &Action) {
        match action {
            Action::Archive { .. } => self.archived += 1,
            Action::Update { .. } => self.updated += 1,
            Action::Repair => self.repaired += 1,
        }
    }

    /// Records a citation left alone.
    pub fn leave(&mut self, c: &Citation, reason: SkipReason) {
        self.left_alone.push(LeftAlone {
            url: c.url.clone(),
            line: c.line,
            reason,
        });
    }

    /// Whether the document changes at all.
    pub fn changed(&self) -> bool {
        self.archived + self.updated + self.repaired > 0
    }
}

impl fmt::Display for Summary {
    /// `archived 3, updated 1, repaired 0, left alone 2 (1 already archived, 1 no archive copy)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "archived {}, updated {}, repaired {}, left alone {}",
            self.archived,
            self.updated,
            self.repaired,
            self.left_alone.len()
        )?;
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for left in &self.left_alone {
            *by_reason.entry(left.reason.name()).or_default() += 1;
        }
        let mut sep = " (";
        for (reason, n) in &by_reason {
            write!(f, "{sep}{n} {reason}")?;
            sep = ", ";
        }
        if !by_reason.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_groups_reasons() {
        let mut s = Summary {
            archived: 3,
            updated: 1,
            ..Summary::default()
        };
        for reason in [
            SkipReason::NoArchiveCopy,
            SkipReason::AlreadyArchived,
            SkipReason::NoArchiveCopy,
        ] {
            s.left_alone.push(LeftAlone {
                url: "http://x/".into(),
                line: 1,
                reason,
            });
        }
        assert_eq!(
            s.to_string(),
            "archived 3, updated 1, repaired 0, left alone 3 (1 already archived, 2 no archive copy)"
        );
        assert!(s.changed());
        assert_eq!(
            Summary::default().to_string(),
            "archived 0, updated 0, repaired 0, left alone 0"
        );
    }

    #[test]
    fn reasons_explain_themselves() {
        assert_eq!(
            SkipReason::NotDead("alive".into()).to_string(),
            "verdict alive, not dead"
        );
        assert_eq!(
            SkipReason::Unsupported("no room").to_string(),
            "unsupported construct: no room"
        );
        assert_eq!(
            SkipReason::LookupUnfinished("deferred").to_string(),
            "archive look-up deferred; run again later"
        );
    }
}
