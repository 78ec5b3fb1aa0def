//! `store_data`'s storage: the database behind the `database` breaker, the outbox as its
//! fallback, and the replay of the outbox once the breaker lets calls through again.

use std::fmt;
use std::io;
use std::path::Path;
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, Cause};
use rmcp::model::{ContentBlock, IntoContents};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cli::DB_DOWN_FILE;
use crate::database::{Database, DatabaseError};
use crate::outbox::Outbox;
use crate::record::Record;

/// The database and the outbox that stands in for it.
#[derive(Clone, Debug)]
pub struct Store {
    database: Database,
    outbox: Outbox,
}

/// What became of a record `store_data` accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// It is in the database.
    Stored,
    /// The database is unavailable: it is in the outbox on disk, and will be stored once.
    Queued,
}

/// The answer of `store_data`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Receipt {
    /// The record's id, given when it was accepted.
    pub id: String,
    /// The record's data, as it is stored.
    pub data: Map<String, Value>,
    /// Stored now, or queued for later.
    pub status: Status,
    /// What happened, in words.
    pub message: String,
}

/// What became of a record, from the database or from the outbox.
#[derive(Debug)]
struct Outcome {
    status: Status,
    message: String,
}

/// Why `store_data` could neither store nor queue a record, or a replay failed.
#[derive(Debug)]
pub enum StoreError {
    /// The database failed.
    Database(DatabaseError),
    /// The outbox could not be written or read.
    Outbox(io::Error),
    /// The `database` breaker rejected the call.
    Rejected(BreakerError),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database(error) => error.fmt(f),
            StoreError::Outbox(error) => write!(f, "could not write the outbox: {error}"),
            StoreError::Rejected(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Database(error) => Some(error),
            StoreError::Outbox(error) => Some(error),
            StoreError::Rejected(error) => Some(error),
        }
    }
}

impl From<BreakerError> for StoreError {
    fn from(error: BreakerError) -> Self {
        StoreError::Rejected(error)
    }
}

/// A tool error reaches the client as a result with `isError: true` and this text.
impl IntoContents for StoreError {
    fn into_contents(self) -> Vec<ContentBlock> {
        vec![ContentBlock::text(format!(
            "the record was neither stored nor queued: {self}"
        ))]
    }
}

impl Store {
    /// Opens `dir/weather.db` and `dir/outbox.jsonl`, creating `dir` if needed. While
    /// `dir/db-down` exists, the database is down.
    pub fn open(dir: &Path) -> Result<Store, Box<dyn std::error::Error + Send + Sync>> {
        std::fs::create_dir_all(dir)?;
        let database = Database::open(&dir.join("weather.db"), dir.join(DB_DOWN_FILE))?;
        let outbox = Outbox::open(&dir.join("outbox.jsonl"))?;
        Ok(Store { database, outbox })
    }

    /// Gives `data` an id and stores it as JSON, or queues it in the outbox when the database
    /// cannot take it. The same id goes both ways, so the record lands once whichever way it
    /// goes.
    pub async fn accept(&self, data: Map<String, Value>) -> Result<Receipt, StoreError> {
        let record = Record::accept(Value::Object(data.clone()).to_string());
        let id = record.id.clone();
        let Outcome { status, message } = self.save(record).await?;
        Ok(Receipt {
            id,
            data,
            status,
            message,
        })
    }

    /// Writes one record, behind the `database` breaker.
    #[circuit_breaker(name = "database", threshold = 3, timeout = "2s", recovery = "5s", success_threshold = 1, fallback = queue)]
    async fn save(&self, record: Record) -> Result<Outcome, StoreError> {
        self.database
            .insert(vec![record])
            .await
            .map_err(StoreError::Database)?;
        Ok(Outcome {
            status: Status::Stored,
            message: "stored in the database".to_owned(),
        })
    }

    /// The fallback of [`Store::save`]: appends the record to the outbox, durably, and says
    /// why the database did not take it.
    async fn queue(&self, record: Record, cause: Cause<StoreError>) -> Result<Outcome, StoreError> {
        let id = record.id.clone();
        self.outbox
            .append(record)
            .await
            .map_err(StoreError::Outbox)?;
        tracing::info!(%id, %cause, "database unavailable; record queued in the outbox");
        Ok(Outcome {
            status: Status::Queued,
            message: format!(
                "the database is unavailable ({cause}): queued on disk, it will be stored when \
                 the database is back"
            ),
        })
    }

    /// Writes a batch from the outbox, behind the same `database` breaker.
    #[circuit_breaker(
        name = "database",
        threshold = 3,
        timeout = "2s",
        recovery = "5s",
        success_threshold = 1
    )]
    async fn write_batch(&self, records: Vec<Record>) -> Result<usize, StoreError> {
        self.database
            .insert(records)
            .await
            .map_err(StoreError::Database)
    }

    /// Stores what waits in the outbox, then removes it from there; says how many records
    /// were replayed. Does nothing while the `database` breaker is open and not yet probing.
    pub async fn replay_outbox(&self) -> Result<usize, StoreError> {
        if waiting_for_probe("database") {
            return Ok(0);
        }
        let pending = self.outbox.pending().await.map_err(StoreError::Outbox)?;
        if pending.records.is_empty() {
            return Ok(0);
        }
        let count = pending.records.len();
        let new = self.write_batch(pending.records.clone()).await?;
        self.outbox
            .remove(pending)
            .await
            .map_err(StoreError::Outbox)?;
        tracing::info!(replayed = count, new, "outbox replayed into the database");
        Ok(count)
    }

    /// Replays the outbox every `every`, for ever.
    pub async fn replay_forever(self, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match self.replay_outbox().await {
                Ok(_) | Err(StoreError::Rejected(_)) => {}
                Err(error) => tracing::warn!(%error, "outbox replay failed; will retry"),
            }
        }
    }
}

/// Whether breaker `name` is open and its recovery period has not ended: a call now would
/// only be rejected.
fn waiting_for_probe(name: &str) -> bool {
    fusebox::registry()
        .get(name)
        .and_then(|breaker| breaker.stats().next_probe_in)
        .is_some_and(|wait| !wait.is_zero())
}

#[cfg(test)]
mod tests {
    use rmcp::handler::server::tool::IntoCallToolResult;
    use rmcp::handler::server::wrapper::Json;
    use rmcp::model::CallToolResponse;

    use super::*;

    #[test]
    fn a_record_neither_stored_nor_queued_is_a_tool_error_that_says_why() {
        let failed: Result<Json<Receipt>, StoreError> = Err(StoreError::Outbox(io::Error::other(
            "no space left on device",
        )));
        let Ok(CallToolResponse::Complete(result)) = failed.into_call_tool_result() else {
            panic!("a tool error is a result, not a protocol error");
        };
        assert_eq!(result.is_error, Some(true));
        let text = result.content[0].as_text().unwrap().text.clone();
        assert_eq!(
            text,
            "the record was neither stored nor queued: could not write the outbox: no space \
             left on device"
        );
    }
}
