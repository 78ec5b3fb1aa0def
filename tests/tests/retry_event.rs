//! Each retry is reported as one `tracing` debug event with its attempt number and its wait.
//! Alone in its test binary: `tracing` caches whether a callsite is wanted, and another test
//! retrying at the same time from a thread without a subscriber could make this one miss it.

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, Mutex};

use fusebox::{registry, BreakerError, Config};

#[test]
fn each_retry_emits_one_tracing_event_with_its_attempt_and_wait() {
    let log = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = Arc::clone(&log);
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || Capture(Arc::clone(&writer)))
        .finish();
    let breaker = registry().register(
        "retry_logged",
        Config::new()
            .retries(2)
            .retry_backoff(std::time::Duration::from_millis(40))
            .retry_max_backoff(std::time::Duration::from_millis(40)),
    );
    let attempts = AtomicU32::new(0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        let answer = rt.block_on(breaker.call_with_retries(|| async {
            if attempts.fetch_add(1, SeqCst) < 2 {
                Err(BreakerError::ForcedOpen { name: "upstream" })
            } else {
                Ok(1)
            }
        }));
        assert_eq!(answer, Ok(1));
    });
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    let retries: Vec<_> = log
        .lines()
        .filter(|line| line.contains("retrying the call"))
        .collect();
    assert_eq!(retries.len(), 2, "{log}");
    for (line, attempt) in retries.iter().zip(2..) {
        assert!(line.contains("DEBUG"), "{line}");
        assert!(line.contains("name=\"retry_logged\""), "{line}");
        assert!(line.contains(&format!("attempt={attempt}")), "{line}");
        assert!(line.contains("wait_ms=40"), "{line}");
    }
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
