//! End to end: `store_data` while the database is down queues records on disk, and every one
//! lands exactly once when it is back, across a restart of the server too.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use common::{answer, breaker, call, eventually, start, start_with, Client};
use mcp_weather::upstream::{Faults, Upstream};
use serde_json::{json, Value};

/// Short breaker settings for the database, so that tests take well under a second.
const ENV: [(&str, &str); 2] = [
    ("FUSEBOX_DATABASE_THRESHOLD", "2"),
    ("FUSEBOX_DATABASE_RECOVERY", "200ms"),
];

/// A record's data, numbered.
fn order(n: u32) -> Value {
    json!({ "order": n, "item": "umbrella", "lines": [{ "sku": "U-1", "qty": 2 }] })
}

/// Stores `data`; gives the record's id and its status.
async fn store(client: &Client, data: &Value) -> (String, String) {
    let (id, status, _) = store_with_message(client, data).await;
    (id, status)
}

/// Stores `data`; gives the record's id, its status and the message that explains it. The
/// receipt gives the data back as stored.
async fn store_with_message(client: &Client, data: &Value) -> (String, String, String) {
    let result = call(client, "store_data", json!({ "data": data })).await;
    let receipt = answer(&result);
    assert_eq!(&receipt["data"], data, "{receipt}");
    let field = |name: &str| receipt[name].as_str().expect("a string").to_owned();
    (field("id"), field("status"), field("message"))
}

/// Every stored record, data by id, read from the database file itself, where the data is
/// JSON text.
fn rows(dir: &Path) -> BTreeMap<String, Value> {
    let connection = rusqlite::Connection::open(dir.join("weather.db")).unwrap();
    let mut select = connection.prepare("SELECT id, data FROM records").unwrap();
    let rows: Vec<(String, String)> = select
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.into_iter()
        .map(|(id, data)| (id, serde_json::from_str(&data).expect("stored as JSON")))
        .collect()
}

fn outbox_len(dir: &Path) -> u64 {
    fs::metadata(dir.join("outbox.jsonl")).map_or(0, |meta| meta.len())
}

fn take_database_down(dir: &Path) {
    fs::write(dir.join("db-down"), b"").unwrap();
}

fn bring_database_back(dir: &Path) {
    fs::remove_file(dir.join("db-down")).unwrap();
}

#[tokio::test]
async fn records_queued_while_the_database_is_down_land_once_when_it_returns() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start(dir.path(), &upstream.url(), &ENV).await;
    let (first, status) = store(&client, &order(0)).await;
    assert_eq!(status, "stored");

    take_database_down(dir.path());
    let mut expected = BTreeMap::from([(first, order(0))]);
    for n in 1..=5 {
        let (id, status, message) = store_with_message(&client, &order(n)).await;
        assert_eq!(status, "queued");
        // The fallback is told why: the write failed, then the open circuit rejected it.
        let why = if n <= 2 {
            "the call failed: database"
        } else {
            "circuit breaker `database` is open"
        };
        assert!(message.contains(why), "{n}: {message}");
        expected.insert(id, order(n));
    }
    let database = breaker(&client, "database").await;
    assert_ne!(database["state"], "closed", "{database}");
    assert!(database["failures"].as_u64() >= Some(2), "{database}");
    assert_eq!(
        rows(dir.path()).len(),
        1,
        "nothing reaches a database that is down"
    );
    assert!(outbox_len(dir.path()) > 0);

    bring_database_back(dir.path());
    eventually("the outbox to be replayed", || async {
        (rows(dir.path()) == expected).then_some(())
    })
    .await;
    eventually("the outbox to be emptied", || async {
        (outbox_len(dir.path()) == 0).then_some(())
    })
    .await;
    eventually("the database breaker to close", || async {
        (breaker(&client, "database").await["state"] == "closed").then_some(())
    })
    .await;
    let (id, status) = store(&client, &order(6)).await;
    assert_eq!(status, "stored");
    expected.insert(id, order(6));
    assert_eq!(rows(dir.path()), expected);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn queued_records_land_once_after_a_restart_a_torn_line_and_a_half_done_replay() {
    let upstream = Upstream::start(Faults::HEALTHY, 1).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let client = start_with(dir.path(), &upstream.url(), &ENV, &["--db-down"]).await;
    let mut expected = BTreeMap::new();
    for n in 0..3 {
        let (id, status) = store(&client, &order(n)).await;
        assert_eq!(status, "queued");
        expected.insert(id, order(n));
    }
    client.cancel().await.unwrap();

    // A crash in the middle of an append leaves a torn last line; one before the outbox was
    // trimmed leaves a record both stored and still queued.
    let mut outbox = fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("outbox.jsonl"))
        .unwrap();
    outbox.write_all(br#"{"id":"torn-append","da"#).unwrap();
    let (id, data) = expected.iter().next().unwrap();
    let connection = rusqlite::Connection::open(dir.path().join("weather.db")).unwrap();
    connection
        .execute(
            "INSERT INTO records (id, data, accepted_at_ms, stored_at_ms) VALUES (?1, ?2, 0, 0)",
            [id, &data.to_string()],
        )
        .unwrap();
    drop(connection);

    bring_database_back(dir.path());
    let client = start(dir.path(), &upstream.url(), &ENV).await;
    eventually("the outbox to be replayed after the restart", || async {
        (outbox_len(dir.path()) == 0).then_some(())
    })
    .await;
    assert_eq!(rows(dir.path()), expected);
    client.cancel().await.unwrap();
}
