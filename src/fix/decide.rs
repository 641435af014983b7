//! From a checked citation to what `fix` does with it.
//!
//! The check and archive stages say what is true of a URL (dead, moved,
//! a capture from 2017); this module turns that into an [`Action`] under the
//! user's policy, or a [`SkipReason`] saying why nothing is done. It is kept
//! apart from the command so the rules can be tested without a network, and
//! apart from [`plan`](super::plan) because those rules are about verdicts,
//! while the planner is about text.

use super::{Action, SkipReason, Style};
use crate::archive::Snapshot;
use crate::check::{CheckResult, Verdict};
use crate::citation::Citation;

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

/// Decides what to do with a citation given its check result and the
/// archive copy found for it, if any.
///
/// A capture is written in whatever the verdict (the archive stage only
/// finds one for dead citations unless asked to archive everything), except
/// that a moved citation with `update_moved` gets its new URL instead. A
/// repair rides along with an appended archive link or stands alone.
pub fn decide(
    c: &Citation,
    result: &CheckResult,
    archive: Option<&Snapshot>,
    policy: &Policy,
) -> Decision {
    let primary = primary(c, result, archive, policy);
    let repair = policy.repair && c.raw.is_some();
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

fn primary(
    c: &Citation,
    result: &CheckResult,
    archive: Option<&Snapshot>,
    policy: &Policy,
) -> Result<Action, SkipReason> {
    let moved_to = match (&result.verdict, &result.final_url) {
        (Verdict::Moved, Some(url)) if policy.update_moved => Some(url),
        _ => None,
    };
    if let Some(new_url) = moved_to {
        return Ok(Action::Update {
            new_url: new_url.clone(),
        });
    }
    if let Some(s) = archive {
        return Ok(Action::Archive {
            archive_url: s.url.clone(),
            timestamp: s.timestamp.clone(),
        });
    }
    Err(match result.verdict {
        _ if c.archived.is_some() => SkipReason::AlreadyArchived,
        Verdict::Dead => SkipReason::NoArchiveCopy,
        Verdict::Moved => SkipReason::Moved,
        Verdict::Skipped => SkipReason::Excluded,
        other => SkipReason::NotDead(other.name().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Relation;
    use crate::fix::tests::cite;

    fn snapshot() -> Snapshot {
        Snapshot {
            url: "https://web.archive.org/web/20170101000000/http://x.org/a".into(),
            timestamp: "20170101000000".into(),
            source: "wayback".into(),
            status: 200,
            relation: Relation::Before,
            distance_days: Some(3),
        }
    }

    fn archived() -> Action {
        Action::Archive {
            archive_url: "https://web.archive.org/web/20170101000000/http://x.org/a".into(),
            timestamp: "20170101000000".into(),
        }
    }

    fn result(verdict: Verdict, final_url: Option<&str>) -> CheckResult {
        let mut r = CheckResult::plain(verdict, "test");
        r.final_url = final_url.map(String::from);
        r
    }

    fn damaged() -> Citation {
        let mut c = cite("<http://x.org/a>", "http://x.org/a", "http://x.org/a");
        c.raw = Some("http://x.org/a.".into());
        c
    }

    const ALL: Policy = Policy {
        update_moved: true,
        repair: true,
        style: Style::Append,
    };

    #[test]
    fn dead_with_a_capture_is_archived_and_without_one_left_alone() {
        let c = cite("<http://x.org/a>", "http://x.org/a", "http://x.org/a");
        let dead = result(Verdict::Dead, None);
        let s = snapshot();
        let policy = Policy::default();
        assert_eq!(
            decide(&c, &dead, Some(&s), &policy),
            Decision::Act(vec![archived()])
        );
        assert_eq!(
            decide(&c, &dead, None, &policy),
            Decision::Leave(SkipReason::NoArchiveCopy)
        );
        let mut known = c.clone();
        known.archived = Some("https://archive.ph/x".into());
        assert_eq!(
            decide(&known, &dead, None, &policy),
            Decision::Leave(SkipReason::AlreadyArchived)
        );
    }

    #[test]
    fn live_verdicts_are_left_alone_with_their_name() {
        let c = cite("<http://x.org/a>", "http://x.org/a", "http://x.org/a");
        let p = Policy::default();
        let leave = |v, url| decide(&c, &result(v, url), None, &p);
        assert_eq!(
            leave(Verdict::Alive, None),
            Decision::Leave(SkipReason::NotDead("alive".into()))
        );
        assert_eq!(
            leave(Verdict::Blocked, None),
            Decision::Leave(SkipReason::NotDead("blocked".into()))
        );
        assert_eq!(
            leave(Verdict::Skipped, None),
            Decision::Leave(SkipReason::Excluded)
        );
        assert_eq!(
            leave(Verdict::Moved, Some("https://x.org/b")),
            Decision::Leave(SkipReason::Moved)
        );
    }

    #[test]
    fn moved_is_updated_only_when_asked() {
        let c = cite("<http://x.org/a>", "http://x.org/a", "http://x.org/a");
        let moved = result(Verdict::Moved, Some("https://x.org/b"));
        let update = Action::Update {
            new_url: "https://x.org/b".into(),
        };
        assert_eq!(
            decide(&c, &moved, None, &ALL),
            Decision::Act(vec![update.clone()])
        );
        // A capture found with `--archive all` does not beat the new URL.
        assert_eq!(
            decide(&damaged(), &moved, Some(&snapshot()), &ALL),
            Decision::Act(vec![update])
        );
        // Without --update-moved, a capture (from `--archive all`) is used.
        let p = Policy::default();
        assert_eq!(
            decide(&c, &moved, Some(&snapshot()), &p),
            Decision::Act(vec![archived()])
        );
    }

    #[test]
    fn repairs_ride_along_or_stand_alone() {
        let c = damaged();
        let dead = result(Verdict::Dead, None);
        assert_eq!(
            decide(&c, &dead, Some(&snapshot()), &ALL),
            Decision::Act(vec![archived(), Action::Repair])
        );
        let replace = Policy {
            style: Style::Replace,
            ..ALL
        };
        assert_eq!(
            decide(&c, &dead, Some(&snapshot()), &replace),
            Decision::Act(vec![archived()])
        );
        assert_eq!(
            decide(&c, &result(Verdict::Alive, None), None, &ALL),
            Decision::Act(vec![Action::Repair])
        );
        let no_repair = Policy {
            repair: false,
            ..ALL
        };
        assert_eq!(
            decide(&c, &result(Verdict::Alive, None), None, &no_repair),
            Decision::Leave(SkipReason::NotDead("alive".into()))
        );
    }
}
