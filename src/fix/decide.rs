//! From a checked citation to what `fix` does with it.
//!
//! The check and archive stages say what is true of a URL (dead, moved,
//! a capture from 2017); this module turns that into an [`Action`] under the
//! user's policy, or a [`SkipReason`] saying why nothing is done. It is kept
//! apart from the command so the rules can be tested without a network, and
//! apart from [`plan`](super::plan) because those rules are about verdicts,
//! while the planner is about text.

use super::{Action, SkipReason, Style};
use crate::check::Verdict;
use crate::report::check::{Checked, Lookup};

/// What the user allowed `fix` to do beyond archiving dead citations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// Write a moved citation's new URL over the old one (`--update-moved`).
    pub update_moved: bool,
    /// Write damaged URLs back repaired (`--repair`).
    pub repair: bool,
    /// How archive copies go in; a replacement makes a repair moot.
    pub style: Style,
}

/// What is to be done with one citation: the actions for the planner, or
/// the reason it is left alone (never both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Carry these out, in order (an archive link and a repair, say).
    Act(Vec<Action>),
    /// Leave the citation as it is.
    Leave(SkipReason),
}

/// Decides what to do with a checked citation.
///
/// A capture is written in whatever the verdict (the archive stage only
/// finds one for dead citations unless asked to archive everything), except
/// that a moved citation with `update_moved` gets its new URL instead, and a
/// death `--confirm-dead` has not confirmed yet is left alone. A repair
/// rides along with an appended archive link or stands alone.
pub fn decide(r: &Checked, policy: &Policy) -> Decision {
    let primary = primary(r, policy);
    // Only damage is repaired: a URL built from something else (a DOI, a
    // BibTeX macro) also differs from its text, and that text must stay.
    let repair = policy.repair && r.citation.raw.is_some() && !r.citation.repairs.is_empty();
    match primary {
        Ok(action) => {
            let rewrites_span = match action {
                Action::Update { .. } | Action::Repair => true,
                Action::Archive { .. } => policy.style == Style::Replace,
            };
            let mut actions = vec![action];
            if repair && !rewrites_span {
                actions.push(Action::Repair);
            }
            Decision::Act(actions)
        }
        Err(_) if repair => Decision::Act(vec![Action::Repair]),
        Err(reason) => Decision::Leave(reason),
    }
}

fn primary(r: &Checked, policy: &Policy) -> Result<Action, SkipReason> {
    let result = &r.result;
    if result.verdict == Verdict::Dead && r.failing_since.is_some() {
        return Err(SkipReason::Unconfirmed);
    }
    let moved_to = match (&result.verdict, &result.final_url) {
        (Verdict::Moved, Some(url)) if policy.update_moved => Some(url),
        _ => None,
    };
    if let Some(new_url) = moved_to {
        return Ok(Action::Update {
            new_url: new_url.clone(),
        });
    }
    if let Some(s) = &r.archive {
        return Ok(Action::Archive {
            archive_url: s.url.clone(),
            timestamp: s.timestamp.clone(),
        });
    }
    Err(match result.verdict {
        _ if r.citation.archived.is_some() => SkipReason::AlreadyArchived,
        Verdict::Dead => match r.archive_lookup {
            Some(Lookup::Deferred) => SkipReason::LookupUnfinished("deferred"),
            Some(Lookup::Failed) => SkipReason::LookupUnfinished("failed"),
            _ => SkipReason::NoArchiveCopy,
        },
        Verdict::Moved => SkipReason::Moved,
        Verdict::Skipped => SkipReason::Excluded,
        other => SkipReason::NotDead(other.name().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Relation, Snapshot};
    use crate::check::CheckResult;
    use crate::citation::Citation;
    use crate::fix::tests::cite;

    const COPY: &str = "https://web.archive.org/web/20170101000000/http://x.org/a";

    fn snapshot() -> Snapshot {
        Snapshot {
            url: COPY.into(),
            timestamp: "20170101000000".into(),
            source: "wayback".into(),
            status: 200,
            relation: Relation::Before,
            distance_days: Some(3),
        }
    }

    fn archived() -> Action {
        Action::Archive {
            archive_url: COPY.into(),
            timestamp: "20170101000000".into(),
        }
    }

    fn plain() -> Citation {
        cite("<http://x.org/a>", "http://x.org/a", "http://x.org/a")
    }

    fn damaged() -> Citation {
        let mut c = plain();
        c.raw = Some("http://x.org/a.".into());
        c.repairs = vec!["trailing-punctuation"];
        c
    }

    /// A record of `c` judged `verdict` (moved to `to`), with `copy` found.
    fn record(c: Citation, verdict: Verdict, to: Option<&str>, copy: bool) -> Checked {
        let mut result = CheckResult::plain(verdict, "test");
        result.final_url = to.map(String::from);
        let mut r = Checked::new(c, result);
        if copy {
            r.archive = Some(snapshot());
            r.archive_lookup = Some(Lookup::Found);
        }
        r
    }

    const ALL: Policy = Policy {
        update_moved: true,
        repair: true,
        style: Style::Append,
    };

    fn leave(reason: SkipReason) -> Decision {
        Decision::Leave(reason)
    }

    #[test]
    fn dead_with_a_capture_is_archived_and_without_one_left_alone() {
        let p = Policy::default();
        let found = record(plain(), Verdict::Dead, None, true);
        assert_eq!(decide(&found, &p), Decision::Act(vec![archived()]));
        let mut none = record(plain(), Verdict::Dead, None, false);
        assert_eq!(decide(&none, &p), leave(SkipReason::NoArchiveCopy));
        none.archive_lookup = Some(Lookup::Deferred);
        let deferred = SkipReason::LookupUnfinished("deferred");
        assert_eq!(decide(&none, &p), leave(deferred));
        none.archive_lookup = Some(Lookup::Failed);
        let failed = SkipReason::LookupUnfinished("failed");
        assert_eq!(decide(&none, &p), leave(failed));
        let mut known = plain();
        known.archived = Some("https://archive.ph/x".into());
        let known = record(known, Verdict::Dead, None, false);
        assert_eq!(decide(&known, &p), leave(SkipReason::AlreadyArchived));
    }

    #[test]
    fn unconfirmed_deaths_are_left_alone_even_with_a_capture() {
        let mut r = record(damaged(), Verdict::Dead, None, true);
        r.failing_since = Some(jiff::Timestamp::UNIX_EPOCH);
        assert_eq!(decide(&r, &ALL), Decision::Act(vec![Action::Repair]));
        let p = Policy::default();
        assert_eq!(decide(&r, &p), leave(SkipReason::Unconfirmed));
    }

    #[test]
    fn live_verdicts_are_left_alone_with_their_name() {
        let p = Policy::default();
        let with = |v, to| decide(&record(plain(), v, to, false), &p);
        let not_dead = |name: &str| leave(SkipReason::NotDead(name.into()));
        assert_eq!(with(Verdict::Alive, None), not_dead("alive"));
        assert_eq!(with(Verdict::Blocked, None), not_dead("blocked"));
        assert_eq!(with(Verdict::Unreachable, None), not_dead("unreachable"));
        assert_eq!(with(Verdict::Skipped, None), leave(SkipReason::Excluded));
        let moved = with(Verdict::Moved, Some("https://x.org/b"));
        assert_eq!(moved, leave(SkipReason::Moved));
    }

    #[test]
    fn moved_is_updated_only_when_asked() {
        let to = Some("https://x.org/b");
        let update = Action::Update {
            new_url: "https://x.org/b".into(),
        };
        let moved = record(plain(), Verdict::Moved, to, false);
        assert_eq!(decide(&moved, &ALL), Decision::Act(vec![update.clone()]));
        // A capture found with `--archive all` does not beat the new URL,
        // and the new URL makes a repair moot.
        let both = record(damaged(), Verdict::Moved, to, true);
        assert_eq!(decide(&both, &ALL), Decision::Act(vec![update]));
        // Without --update-moved, that capture is used.
        let p = Policy::default();
        let archived_only = record(plain(), Verdict::Moved, to, true);
        assert_eq!(decide(&archived_only, &p), Decision::Act(vec![archived()]));
    }

    #[test]
    fn repairs_ride_along_or_stand_alone() {
        let dead = record(damaged(), Verdict::Dead, None, true);
        assert_eq!(
            decide(&dead, &ALL),
            Decision::Act(vec![archived(), Action::Repair])
        );
        let replace = Policy {
            style: Style::Replace,
            ..ALL
        };
        assert_eq!(decide(&dead, &replace), Decision::Act(vec![archived()]));
        let alive = record(damaged(), Verdict::Alive, None, false);
        assert_eq!(decide(&alive, &ALL), Decision::Act(vec![Action::Repair]));
        let no_repair = Policy {
            repair: false,
            ..ALL
        };
        let not_dead = leave(SkipReason::NotDead("alive".into()));
        assert_eq!(decide(&alive, &no_repair), not_dead);
    }

    #[test]
    fn urls_built_from_other_text_are_not_repairs() {
        // A DOI: the URL differs from the text, but nothing was damaged.
        let mut doi = plain();
        doi.raw = Some("10.1145/3368089".into());
        let alive = record(doi, Verdict::Alive, None, false);
        let not_dead = leave(SkipReason::NotDead("alive".into()));
        assert_eq!(decide(&alive, &ALL), not_dead);
    }
}
