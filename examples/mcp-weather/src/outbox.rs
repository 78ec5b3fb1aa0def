//! The durable outbox: records the database could not take, one JSON line each, appended and
//! fsynced before `store_data` answers "queued", and removed only after they are stored.
//!
//! A crash can leave a torn last line (an append that never finished, so never acknowledged):
//! it is cut off when the outbox is opened and never read as a record. A crash after a replay
//! stored the records but before they were removed replays them again, which the database's
//! idempotent insert turns into nothing.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::record::Record;

/// The outbox file. Calls run on tokio's blocking pool, one at a time.
#[derive(Clone, Debug)]
pub struct Outbox {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    file: File,
}

/// The records in the outbox when it was read, and how much of the file they take.
#[derive(Debug, Default)]
pub struct Pending {
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The bytes of the file these records were read from (whole lines).
    consumed: usize,
}

impl Outbox {
    /// Opens (or creates) the outbox at `path`, cutting off a torn last line.
    pub fn open(path: &Path) -> io::Result<Outbox> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)?;
        let contents = fs::read(path)?;
        let whole = whole_lines(&contents);
        if whole < contents.len() {
            tracing::warn!(
                path = %path.display(),
                bytes = contents.len() - whole,
                "cutting off a torn last line of the outbox (an append that never finished)"
            );
            file.set_len(len_u64(whole))?;
            file.sync_all()?;
        }
        Ok(Outbox {
            inner: Arc::new(Mutex::new(Inner {
                path: path.to_owned(),
                file,
            })),
        })
    }

    /// Appends `record` and waits until it is on disk.
    pub async fn append(&self, record: Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(&record)?;
        line.push(b'\n');
        self.blocking(move |inner| inner.append(&line)).await
    }

    /// The records waiting, oldest first.
    pub async fn pending(&self) -> io::Result<Pending> {
        self.blocking(|inner| inner.pending()).await
    }

    /// Removes the records of `pending` (the file's first lines), keeping any appended since.
    pub async fn remove(&self, pending: Pending) -> io::Result<()> {
        self.blocking(move |inner| inner.remove(pending.consumed))
            .await
    }

    async fn blocking<T, F>(&self, work: F) -> io::Result<T>
    where
        F: FnOnce(&mut Inner) -> io::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut inner)
        })
        .await
        .map_err(io::Error::other)?
    }
}

impl Inner {
    fn append(&mut self, line: &[u8]) -> io::Result<()> {
        let before = self.file.metadata()?.len();
        let written = self
            .file
            .write_all(line)
            .and_then(|()| self.file.sync_data());
        if written.is_err() {
            // Leave no torn line for the next append to be glued to.
            let _ = self.file.set_len(before);
        }
        written
    }

    fn pending(&self) -> io::Result<Pending> {
        if self.file.metadata()?.len() == 0 {
            return Ok(Pending::default());
        }
        let contents = fs::read(&self.path)?;
        let consumed = whole_lines(&contents);
        let mut records = Vec::new();
        for line in contents[..consumed].split(|&byte| byte == b'\n') {
            if line.is_empty() {
                continue;
            }
            match serde_json::from_slice(line) {
                Ok(record) => records.push(record),
                Err(error) => tracing::error!(
                    %error,
                    line = %String::from_utf8_lossy(line),
                    "dropping an outbox line that is not a record"
                ),
            }
        }
        Ok(Pending { records, consumed })
    }

    /// Rewrites the file without its first `consumed` bytes: a new file beside it, synced,
    /// then renamed over it, so a crash leaves either the old outbox or the new one.
    fn remove(&mut self, consumed: usize) -> io::Result<()> {
        let contents = fs::read(&self.path)?;
        let rest = contents.get(consumed..).unwrap_or_default();
        let temporary = self.path.with_extension("jsonl.tmp");
        let mut file = File::create(&temporary)?;
        file.write_all(rest)?;
        file.sync_all()?;
        fs::rename(&temporary, &self.path)?;
        if let Some(dir) = self.path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        self.file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)?;
        Ok(())
    }
}

/// The length of `contents` up to and including its last newline.
fn whole_lines(contents: &[u8]) -> usize {
    contents
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |last| last + 1)
}

fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(data: &str) -> Record {
        Record::accept(data.to_owned())
    }

    #[tokio::test]
    async fn keeps_records_across_a_reopen_until_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let outbox = Outbox::open(&path).unwrap();
        let (first, second) = (record("one"), record("two"));
        outbox.append(first.clone()).await.unwrap();
        let pending = outbox.pending().await.unwrap();
        outbox.append(second.clone()).await.unwrap();
        drop(outbox);

        let outbox = Outbox::open(&path).unwrap();
        assert_eq!(
            outbox.pending().await.unwrap().records,
            [first, second.clone()]
        );
        outbox.remove(pending).await.unwrap();
        assert_eq!(outbox.pending().await.unwrap().records, [second]);
    }

    #[tokio::test]
    async fn a_torn_last_line_is_cut_off_and_appends_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.jsonl");
        let outbox = Outbox::open(&path).unwrap();
        let first = record("one");
        outbox.append(first.clone()).await.unwrap();
        drop(outbox);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"id":"torn","da"#).unwrap();
        drop(file);

        let outbox = Outbox::open(&path).unwrap();
        let second = record("two");
        outbox.append(second.clone()).await.unwrap();
        assert_eq!(outbox.pending().await.unwrap().records, [first, second]);
    }
}
