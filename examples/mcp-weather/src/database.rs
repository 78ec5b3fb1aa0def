//! The embedded `SQLite` database `store_data` writes to, with its fault switch: while the
//! control file exists, every call fails as if the database were unreachable.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection};

use crate::record::{now_ms, Record};

/// The records table and its idempotency key. `data` is the record's JSON object, as text.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    accepted_at_ms INTEGER NOT NULL,
    stored_at_ms INTEGER NOT NULL
)";

/// The `SQLite` database. Calls run on tokio's blocking pool, one at a time.
#[derive(Clone, Debug)]
pub struct Database {
    connection: Arc<Mutex<Connection>>,
    down_file: PathBuf,
}

/// Why a database call failed.
#[derive(Debug)]
pub enum DatabaseError {
    /// The control file says the database is down.
    Down(PathBuf),
    /// `SQLite` refused the call.
    Sqlite(rusqlite::Error),
    /// The blocking task running the call failed.
    Task(tokio::task::JoinError),
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseError::Down(file) => {
                write!(f, "database unavailable ({} exists)", file.display())
            }
            DatabaseError::Sqlite(error) => write!(f, "database error: {error}"),
            DatabaseError::Task(error) => write!(f, "database task failed: {error}"),
        }
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DatabaseError::Down(_) => None,
            DatabaseError::Sqlite(error) => Some(error),
            DatabaseError::Task(error) => Some(error),
        }
    }
}

impl From<rusqlite::Error> for DatabaseError {
    fn from(error: rusqlite::Error) -> Self {
        DatabaseError::Sqlite(error)
    }
}

impl Database {
    /// Opens (or creates) the database at `path`; while `down_file` exists, every call fails.
    pub fn open(path: &Path, down_file: PathBuf) -> Result<Database, DatabaseError> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.execute(SCHEMA, [])?;
        Ok(Database {
            connection: Arc::new(Mutex::new(connection)),
            down_file,
        })
    }

    /// Inserts the records that are not there yet, in one transaction, and says how many
    /// were new. A record whose id is already stored is skipped, so writing or replaying a
    /// record twice stores it once.
    pub async fn insert(&self, records: Vec<Record>) -> Result<usize, DatabaseError> {
        let database = self.clone();
        tokio::task::spawn_blocking(move || database.insert_now(&records))
            .await
            .map_err(DatabaseError::Task)?
    }

    fn insert_now(&self, records: &[Record]) -> Result<usize, DatabaseError> {
        if self.down_file.exists() {
            return Err(DatabaseError::Down(self.down_file.clone()));
        }
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let transaction = connection.transaction()?;
        let mut inserted = 0;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT OR IGNORE INTO records (id, data, accepted_at_ms, stored_at_ms) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let stored_at = now_ms();
            for record in records {
                inserted += insert.execute(params![
                    record.id,
                    record.data,
                    record.accepted_at_ms,
                    stored_at
                ])?;
            }
        }
        transaction.commit()?;
        Ok(inserted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_record_written_twice_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let database =
            Database::open(&dir.path().join("weather.db"), dir.path().join("db-down")).unwrap();
        let record = Record::accept("hello".to_owned());
        assert_eq!(database.insert(vec![record.clone()]).await.unwrap(), 1);
        let again = vec![record, Record::accept("world".to_owned())];
        assert_eq!(database.insert(again).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn the_control_file_takes_it_down_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let down = dir.path().join("db-down");
        let database = Database::open(&dir.path().join("weather.db"), down.clone()).unwrap();
        std::fs::write(&down, b"").unwrap();
        let record = Record::accept("hello".to_owned());
        let error = database.insert(vec![record.clone()]).await.unwrap_err();
        assert!(matches!(error, DatabaseError::Down(_)), "{error}");
        std::fs::remove_file(&down).unwrap();
        assert_eq!(database.insert(vec![record]).await.unwrap(), 1);
    }
}
