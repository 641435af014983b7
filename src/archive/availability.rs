//! The Wayback availability API, single and batch form.
//!
//! The batch form is what makes a document with hundreds of dead links cost a
//! handful of requests: one POST carries up to `batch_size` form lines, each
//! tagged, and the answer's `results` carry the tags back, so answers are
//! matched to queries by tag and never by position or URL (the archive may
//! canonicalise the URL it echoes). The single GET form, with the same
//! parameters, serves archives that lack the batch form (`batch = false`).
//! Request and answer shapes are documented in the parent module.

use serde_json::Value;
use url::form_urlencoded;

use super::client::{text_ok, Fail};
use super::config::Endpoint;
use super::Archive;

/// Which side of the timestamp an answer may lie on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closest {
    /// At or before the timestamp.
    Before,
    /// At or after the timestamp.
    After,
}

/// One availability question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The URL asked about.
    pub url: String,
    /// `YYYYMMDDhhmmss`; `None` asks for the newest capture.
    pub timestamp: Option<String>,
    /// Direction from the timestamp.
    pub closest: Closest,
    /// Statuses a capture must have to be returned.
    pub statuses: Vec<u16>,
}

impl Line {
    /// The form-encoded parameters, tagged.
    pub fn encode(&self, tag: &str) -> String {
        let mut f = form_urlencoded::Serializer::new(String::new());
        f.append_pair("url", &self.url);
        if let Some(ts) = &self.timestamp {
            f.append_pair("timestamp", ts);
        }
        f.append_pair(
            "closest",
            match self.closest {
                Closest::Before => "before",
                Closest::After => "after",
            },
        );
        for s in &self.statuses {
            f.append_pair("statuscodes", &s.to_string());
        }
        f.append_pair("tag", tag);
        f.finish()
    }
}

/// The archive's answer to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The closest capture matching the line.
    Snapshot {
        /// 14-digit timestamp.
        timestamp: String,
        /// Status as reported (`None` when missing or not a number).
        status: Option<u16>,
    },
    /// The archive holds no matching capture.
    Nothing,
    /// The line was not answered (missing from the results, or malformed).
    Unanswered,
}

/// Parses one result object (`{"archived_snapshots": {"closest": {…}}, …}`).
pub fn parse_result(v: &Value) -> Answer {
    let Some(snaps) = v.get("archived_snapshots") else {
        return Answer::Unanswered;
    };
    let Some(closest) = snaps.get("closest") else {
        return Answer::Nothing;
    };
    if closest.get("available").and_then(Value::as_bool) == Some(false) {
        return Answer::Nothing;
    }
    let Some(ts) = closest.get("timestamp").and_then(Value::as_str) else {
        return Answer::Unanswered;
    };
    let status = match closest.get("status") {
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        _ => None,
    };
    Answer::Snapshot {
        timestamp: ts.to_string(),
        status,
    }
}

/// Parses a batch answer into (tag, answer) pairs.
pub fn parse_batch(body: &str) -> Result<Vec<(String, Answer)>, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("availability answer is not JSON: {e}"))?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or("availability answer has no `results` list")?;
    Ok(results
        .iter()
        .filter_map(|r| {
            let tag = match r.get("tag")? {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((tag, parse_result(r)))
        })
        .collect())
}

/// Asks every line, in batches (or one by one without the batch form); the
/// answers are in line order.
pub async fn ask(archive: &Archive, lines: &[Line]) -> Vec<Result<Answer, Fail>> {
    let mut out = Vec::with_capacity(lines.len());
    if archive.cfg.batch {
        for chunk in lines.chunks(archive.cfg.batch_size) {
            out.extend(ask_batch(archive, chunk).await);
        }
    } else {
        for line in lines {
            out.push(ask_one(archive, line).await);
        }
    }
    out
}

async fn ask_batch(archive: &Archive, lines: &[Line]) -> Vec<Result<Answer, Fail>> {
    let body: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| l.encode(&i.to_string()))
        .collect();
    let body = body.join("\n");
    let url = archive.cfg.availability_url.clone();
    let answer = async {
        let resp = archive
            .http
            .send(Endpoint::Availability, |c| {
                c.post(url.clone())
                    .header("Wayback-Api-Version", "2")
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .header(reqwest::header::ACCEPT, "application/json")
                    .body(body.clone())
            })
            .await?;
        let text = text_ok(resp, "the availability API").await?;
        parse_batch(&text).map_err(Fail::Failed)
    }
    .await;
    match answer {
        Ok(pairs) => {
            let mut slots = vec![Answer::Unanswered; lines.len()];
            for (tag, a) in pairs {
                if let Some(slot) = tag.parse::<usize>().ok().and_then(|i| slots.get_mut(i)) {
                    *slot = a;
                }
            }
            slots.into_iter().map(Ok).collect()
        }
        Err(f) => vec![Err(f); lines.len()],
    }
}

async fn ask_one(archive: &Archive, line: &Line) -> Result<Answer, Fail> {
    let mut url = archive.cfg.availability_url.clone();
    url.set_query(Some(&line.encode("0")));
    let resp = archive
        .http
        .send(Endpoint::Availability, |c| {
            c.get(url.clone())
                .header(reqwest::header::ACCEPT, "application/json")
        })
        .await?;
    let text = text_ok(resp, "the availability API").await?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Fail::Failed(format!("availability answer is not JSON: {e}")))?;
    Ok(parse_result(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_form_encoded_and_tagged() {
        let l = Line {
            url: "http://a.example/x?y=1&z=2".into(),
            timestamp: Some("20170311235959".into()),
            closest: Closest::Before,
            statuses: vec![200, 203, 206],
        };
        assert_eq!(
            l.encode("7"),
            "url=http%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&timestamp=20170311235959&closest=before&statuscodes=200&statuscodes=203&statuscodes=206&tag=7"
        );
        let newest = Line {
            timestamp: None,
            closest: Closest::After,
            statuses: vec![404],
            ..l
        };
        assert_eq!(
            newest.encode("x"),
            "url=http%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&closest=after&statuscodes=404&tag=x"
        );
    }

    #[test]
    fn batch_answers_are_matched_by_tag() {
        let body = r#"{"results":[
          {"url":"b","tag":"1","archived_snapshots":{}},
          {"url":"a","tag":"0","archived_snapshots":{"closest":{"available":true,"url":"http://web.archive.org/web/20170101000000/a","timestamp":"20170101000000","status":"200"}}},
          {"url":"c","tag":2,"archived_snapshots":{"closest":{"available":true,"timestamp":"20170101000000","status":200}}},
          {"url":"d","tag":"3"},
          {"url":"e"}
        ]}"#;
        let got = parse_batch(body).unwrap();
        let snap = Answer::Snapshot {
            timestamp: "20170101000000".into(),
            status: Some(200),
        };
        assert_eq!(
            got,
            vec![
                ("1".into(), Answer::Nothing),
                ("0".into(), snap.clone()),
                ("2".into(), snap),
                ("3".into(), Answer::Unanswered),
            ]
        );
        assert!(parse_batch("<html>").is_err());
        assert!(parse_batch("{}").is_err());
    }
}
