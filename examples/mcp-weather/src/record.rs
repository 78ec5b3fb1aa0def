//! A record `store_data` accepted: the unit the database and the outbox hold.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// One piece of data a client asked to store, with the id it was given when accepted. The id
/// makes every write idempotent: the database inserts a record at most once, however often
/// it is written or replayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// A random UUID, given once when the record is accepted.
    pub id: String,
    /// The data the client sent (a JSON object), as compact JSON text.
    pub data: String,
    /// When it was accepted, in milliseconds since the Unix epoch.
    pub accepted_at_ms: u64,
}

impl Record {
    /// A new record for `data` (JSON text), with a fresh id.
    pub fn accept(data: String) -> Record {
        Record {
            id: uuid::Uuid::new_v4().to_string(),
            data,
            accepted_at_ms: now_ms(),
        }
    }
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}
