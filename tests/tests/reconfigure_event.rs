//! A change of settings is reported as one `tracing` event. Alone in its test binary: `tracing`
//! caches whether a callsite is wanted, and another test emitting the same event at the same
//! time from a thread without a subscriber could make this one miss it.

use std::sync::{Arc, Mutex};

use fusebox::{registry, Config};

/// Each change is reported as one `tracing` event naming each setting changed, from and to.
#[test]
fn each_change_emits_one_tracing_event() {
    let log = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = Arc::clone(&log);
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || Capture(Arc::clone(&writer)))
        .finish();
    let handle = registry().register("reconfigured_logged", Config::new());
    tracing::subscriber::with_default(subscriber, || {
        handle.reconfigure(Config::new().threshold(9)).unwrap();
        let _ = handle.reconfigure(Config::new().threshold(0));
    });
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    let changes: Vec<_> = log
        .lines()
        .filter(|line| line.contains("circuit breaker settings changed"))
        .collect();
    assert_eq!(changes.len(), 1, "{log}");
    assert!(changes[0].contains("reconfigured_logged"), "{log}");
    assert!(changes[0].contains("changes=threshold: 5 -> 9"), "{log}");
}

/// A writer into a shared buffer, for the captured log.
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
