//! A streaming front for the check pipeline.
//!
//! The checker judges URLs dead one at a time while other checks continue;
//! answering each at once would cost one archive request per URL. The batcher
//! collects queries for up to `max_wait` or `max_items`, whichever comes
//! first, and looks the lot up with [`Archive::lookup_many`]. While a batch
//! is being looked up new queries queue, so a slow archive naturally yields
//! bigger batches. Closing the sender drains what is queued and ends the task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{Archive, Outcome, Query};

/// How the batcher groups queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// Longest time the first query of a batch waits for company.
    pub max_wait: Duration,
    /// Most queries per batch.
    pub max_items: usize,
}

impl Default for BatchPolicy {
    /// 500 ms or 100 queries (one availability POST at the default batch size).
    fn default() -> BatchPolicy {
        BatchPolicy {
            max_wait: Duration::from_millis(500),
            max_items: 100,
        }
    }
}

impl Archive {
    /// Starts a batching task on the current Tokio runtime. Send queries in;
    /// each comes back out with its outcome (in batch order, batches in
    /// arrival order).
    pub fn spawn_batcher(
        self: Arc<Self>,
        policy: BatchPolicy,
    ) -> (
        mpsc::UnboundedSender<Query>,
        mpsc::UnboundedReceiver<(Query, Outcome)>,
    ) {
        let (in_tx, mut in_rx) = mpsc::unbounded_channel::<Query>();
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let max_items = policy.max_items.max(1);
        tokio::spawn(async move {
            while let Some(first) = in_rx.recv().await {
                let mut batch = vec![first];
                let deadline = tokio::time::Instant::now() + policy.max_wait;
                while batch.len() < max_items {
                    match tokio::time::timeout_at(deadline, in_rx.recv()).await {
                        Ok(Some(q)) => batch.push(q),
                        Ok(None) | Err(_) => break,
                    }
                }
                let outcomes = self.lookup_many(&batch).await;
                for pair in batch.into_iter().zip(outcomes) {
                    if out_tx.send(pair).is_err() {
                        return; // nobody listens any more
                    }
                }
            }
        });
        (in_tx, out_rx)
    }
}
