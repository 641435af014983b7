//! Save Page Now 2: ask the Wayback Machine to capture a live source.
//!
//! With keys (`IA_ACCESS_KEY`/`IA_SECRET_KEY`) the documented JSON API is used:
//! `POST /save` with `Authorization: LOW key:secret` answers `{"job_id": …}`
//! (or `{"status":"error","status_ext":…,"message":…}`), and
//! `GET /save/status/<job_id>` answers `{"status":"pending"}` until
//! `{"status":"success","timestamp":…,"original_url":…}` or
//! `{"status":"error",…}`. Without keys the anonymous form `GET /save/<url>`
//! is used; its answer is JSON when the archive honours `Accept:
//! application/json` and otherwise an HTML page, in which the job id
//! (`spn2-…`) is looked for (an assumption: the page's format is not
//! documented). Submissions and status polls have separate budgets, since a
//! job is polled many times but submitted once.

use serde_json::Value;

use super::client::{text_ok, Fail};
use super::config::Endpoint;
use super::Archive;

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Captured.
    Saved {
        /// Replay URL of the new capture.
        url: String,
        /// Its 14-digit timestamp.
        timestamp: String,
    },
    /// Still running after the configured number of polls.
    Pending {
        /// The SPN2 job, to poll later.
        job_id: String,
    },
    /// The archive refused or the capture failed.
    Failed(String),
    /// Not submitted, to avoid a ban (repeated 429s).
    Deferred(String),
}

impl From<Fail> for SaveOutcome {
    fn from(f: Fail) -> SaveOutcome {
        match f {
            Fail::Deferred(m) => SaveOutcome::Deferred(m),
            Fail::Failed(m) => SaveOutcome::Failed(m),
        }
    }
}

/// Submits `url` and polls the job to its end.
pub async fn save(archive: &Archive, url: &str) -> SaveOutcome {
    let job = match submit(archive, url).await {
        Ok(Submitted::Job(id)) => id,
        Ok(Submitted::Done(outcome)) => return outcome,
        Err(f) => return f.into(),
    };
    poll(archive, &job).await
}

enum Submitted {
    Job(String),
    Done(SaveOutcome),
}

fn auth(archive: &Archive, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    match &archive.cfg.ia_keys {
        Some((access, secret)) => req.header(
            reqwest::header::AUTHORIZATION,
            format!("LOW {access}:{secret}"),
        ),
        None => req,
    }
}

async fn submit(archive: &Archive, url: &str) -> Result<Submitted, Fail> {
    let save_url = archive
        .cfg
        .save_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let resp = if archive.cfg.ia_keys.is_some() {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("url", url)
            .finish();
        archive
            .http
            .send(Endpoint::Save, |c| {
                auth(archive, c.post(save_url.as_str()))
                    .header(reqwest::header::ACCEPT, "application/json")
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(body.clone())
            })
            .await?
    } else {
        let get = format!("{save_url}/{url}");
        archive
            .http
            .send(Endpoint::Save, |c| {
                c.get(get.as_str())
                    .header(reqwest::header::ACCEPT, "application/json")
            })
            .await?
    };
    if resp.status().is_redirection() {
        // The anonymous form may redirect straight to the new capture.
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        return match replay_timestamp(location) {
            Some(ts) => Ok(Submitted::Done(SaveOutcome::Saved {
                url: resp
                    .url()
                    .join(location)
                    .map(|u| u.to_string())
                    .unwrap_or_default(),
                timestamp: ts,
            })),
            None => Err(Fail::Failed(format!(
                "Save Page Now redirected to {location:?}"
            ))),
        };
    }
    let text = text_ok(resp, "Save Page Now").await?;
    if let Ok(v) = serde_json::from_str::<Value>(&text) {
        if let Some(id) = v.get("job_id").and_then(Value::as_str) {
            return Ok(Submitted::Job(id.to_string()));
        }
        return Ok(Submitted::Done(SaveOutcome::Failed(error_message(&v))));
    }
    job_id_in_html(&text)
        .map(Submitted::Job)
        .ok_or_else(|| Fail::Failed("Save Page Now answered without a job id".into()))
}

/// Polls a job until it ends or the configured number of polls is spent.
pub async fn poll(archive: &Archive, job_id: &str) -> SaveOutcome {
    let status_url = format!(
        "{}/status/{job_id}",
        archive.cfg.save_url.as_str().trim_end_matches('/')
    );
    for _ in 0..archive.cfg.save_max_polls.max(1) {
        tokio::time::sleep(archive.cfg.save_poll).await;
        let answer = async {
            let resp = archive
                .http
                .send(Endpoint::SaveStatus, |c| {
                    auth(archive, c.get(status_url.as_str()))
                        .header(reqwest::header::ACCEPT, "application/json")
                })
                .await?;
            let text = text_ok(resp, "Save Page Now status").await?;
            serde_json::from_str::<Value>(&text)
                .map_err(|e| Fail::Failed(format!("Save Page Now status is not JSON: {e}")))
        }
        .await;
        let v = match answer {
            Ok(v) => v,
            Err(f) => return f.into(),
        };
        match v.get("status").and_then(Value::as_str) {
            Some("pending") => continue,
            Some("success") => return success(archive, &v),
            _ => return SaveOutcome::Failed(error_message(&v)),
        }
    }
    SaveOutcome::Pending {
        job_id: job_id.to_string(),
    }
}

fn success(archive: &Archive, v: &Value) -> SaveOutcome {
    let ts = v.get("timestamp").and_then(Value::as_str);
    let original = v.get("original_url").and_then(Value::as_str);
    match (ts, original) {
        (Some(ts), Some(original)) => SaveOutcome::Saved {
            url: format!("{}{ts}/{original}", archive.cfg.replay),
            timestamp: ts.to_string(),
        },
        _ => SaveOutcome::Failed("Save Page Now reported success without a timestamp".into()),
    }
}

fn error_message(v: &Value) -> String {
    let ext = v.get("status_ext").and_then(Value::as_str);
    let msg = v.get("message").and_then(Value::as_str);
    match (ext, msg) {
        (Some(e), Some(m)) => format!("{e}: {m}"),
        (Some(s), None) | (None, Some(s)) => s.to_string(),
        (None, None) => "Save Page Now failed without a message".into(),
    }
}

/// The first `spn2-<hex>` token of a page.
pub fn job_id_in_html(html: &str) -> Option<String> {
    let start = html.find("spn2-")?;
    let tail = html.get(start + 5..)?;
    let hex = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
    (hex > 0).then(|| format!("spn2-{}", tail.get(..hex).unwrap_or_default()))
}

/// The timestamp in a replay URL (`…/web/<ts>/…`).
fn replay_timestamp(location: &str) -> Option<String> {
    location
        .split('/')
        .find(|seg| seg.len() == 14 && seg.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_found_in_pages() {
        assert_eq!(
            job_id_in_html(r#"<script>spn.watchJob("spn2-9a8b7c", "/_static/")</script>"#)
                .as_deref(),
            Some("spn2-9a8b7c")
        );
        assert_eq!(job_id_in_html("spn2-"), None);
        assert_eq!(job_id_in_html("nothing here"), None);
    }

    #[test]
    fn error_messages_combine_both_fields() {
        let v: Value = serde_json::json!({"status":"error","status_ext":"error:not-found","message":"Not found"});
        assert_eq!(error_message(&v), "error:not-found: Not found");
        assert_eq!(
            error_message(&serde_json::json!({})),
            "Save Page Now failed without a message"
        );
        assert_eq!(
            replay_timestamp("/web/20240101120000/http://a.example/").as_deref(),
            Some("20240101120000")
        );
    }
}
