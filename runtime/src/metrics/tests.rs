//! `record` and `describe` against a small recorder that keeps every value by name and labels.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ::metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

use super::{describe, names, record};
use crate::config::Config;
use crate::error::BreakerError;
use crate::registry::registry;
use crate::retry::RetryOptions;

/// A metric's name and its labels, sorted.
type Series = (String, Vec<(String, String)>);

/// Keeps every counter and gauge (a gauge's `f64` as bits), and every description.
#[derive(Default)]
struct Kept {
    values: Mutex<BTreeMap<Series, Arc<AtomicU64>>>,
    gauges: Mutex<BTreeMap<Series, bool>>,
    help: Mutex<BTreeMap<String, String>>,
}

impl Kept {
    fn cell(&self, key: &Key, gauge: bool) -> Arc<AtomicU64> {
        let mut labels: Vec<(String, String)> = key
            .labels()
            .map(|label| (label.key().to_owned(), label.value().to_owned()))
            .collect();
        labels.sort();
        let series = (key.name().to_owned(), labels);
        self.gauges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(series.clone(), gauge);
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(values.entry(series).or_default())
    }

    /// The value of `name` with exactly `labels`, if it was set.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        labels.sort();
        let series = (name.to_owned(), labels);
        let bits = self
            .values
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&series)?
            .load(Ordering::Relaxed);
        let gauge = self.gauges.lock().unwrap_or_else(PoisonError::into_inner)[&series];
        #[allow(clippy::cast_precision_loss, reason = "test counts are small")]
        Some(if gauge {
            f64::from_bits(bits)
        } else {
            bits as f64
        })
    }

    fn describe(&self, key: &KeyName, description: &SharedString) {
        self.help
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.as_str().to_owned(), description.to_string());
    }
}

impl Recorder for Kept {
    fn describe_counter(&self, key: KeyName, _: Option<Unit>, description: SharedString) {
        self.describe(&key, &description);
    }

    fn describe_gauge(&self, key: KeyName, _: Option<Unit>, description: SharedString) {
        self.describe(&key, &description);
    }

    fn describe_histogram(&self, key: KeyName, _: Option<Unit>, description: SharedString) {
        self.describe(&key, &description);
    }

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(key, false))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(key, true))
    }

    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

/// What `describe` then `record` leave in a fresh recorder.
fn recorded() -> Kept {
    let kept = Kept::default();
    ::metrics::with_local_recorder(&kept, || {
        describe();
        record();
    });
    kept
}

#[test]
fn a_tripped_breaker_reads_open_with_its_counts_under_resilience4j_names() {
    let config = Config::new()
        .threshold(2)
        .recovery(Duration::from_secs(3600))
        .failure_rate(90)
        .window(10)
        .max_concurrent(4);
    let breaker = registry().register("metrics_tripped", config);
    breaker.try_acquire().unwrap().success();
    breaker.try_acquire().unwrap().ignored();
    breaker.try_acquire().unwrap().failure();
    breaker.try_acquire().unwrap().failure();
    assert!(breaker.try_acquire().is_err(), "two failures open it");

    let kept = recorded();
    let name = ("name", "metrics_tripped");
    let state = |state| kept.value(names::STATE, &[name, ("state", state)]);
    assert_eq!(state("open"), Some(1.0));
    for other in [
        "closed",
        "half_open",
        "forced_open",
        "disabled",
        "metrics_only",
    ] {
        assert_eq!(state(other), Some(0.0), "{other}");
    }
    let calls = |kind| kept.value(names::CALLS, &[name, ("kind", kind)]);
    assert_eq!(calls("successful"), Some(1.0));
    assert_eq!(calls("failed"), Some(2.0));
    assert_eq!(calls("ignored"), Some(1.0));
    assert_eq!(calls("not_permitted"), Some(1.0));
    let not_permitted = [name, ("kind", "not_permitted")];
    assert_eq!(
        kept.value(names::NOT_PERMITTED_CALLS, &not_permitted),
        Some(1.0)
    );
    // Two failures and a success in a window of 10 that needs 10 calls: not known yet.
    assert_eq!(kept.value(names::FAILURE_RATE, &[name]), Some(-1.0));
    assert_eq!(kept.value(names::SLOW_CALL_RATE, &[name]), Some(-1.0));
    let buffered = |kind| kept.value(names::BUFFERED_CALLS, &[name, ("kind", kind)]);
    assert_eq!(buffered("failed"), Some(2.0));
    assert_eq!(
        buffered("successful"),
        Some(1.0),
        "an ignored call is not buffered"
    );
    assert_eq!(kept.value(names::MAX_BUFFERED_CALLS, &[name]), Some(10.0));
    assert_eq!(kept.value(names::BULKHEAD_AVAILABLE, &[name]), Some(4.0));
    assert_eq!(kept.value(names::BULKHEAD_MAX_ALLOWED, &[name]), Some(4.0));
    assert_eq!(kept.value(names::TIMEOUTS, &[name]), Some(0.0));
    assert_eq!(kept.value(names::CONSECUTIVE_FAILURES, &[name]), Some(0.0));
    assert_eq!(kept.value(names::FAILURE_THRESHOLD, &[name]), Some(2.0));
    assert!(kept.value(names::TIME_IN_STATE, &[name]).unwrap() >= 0.0);
    // Another test's breakers may be tripped too: one of the three is 1, the others 0.
    let health: f64 = ["healthy", "degraded", "critical"]
        .iter()
        .map(|status| kept.value(names::HEALTH, &[("status", status)]).unwrap())
        .sum();
    assert!((health - 1.0).abs() < f64::EPSILON, "{health}");
    assert_eq!(
        kept.value(names::HEALTH, &[("status", "healthy")]),
        Some(0.0)
    );
}

#[test]
fn a_breaker_without_window_or_bulkhead_has_neither_series() {
    let breaker = registry().register("metrics_plain", Config::new().threshold(5));
    breaker.try_acquire().unwrap().failure();

    let kept = recorded();
    let name = ("name", "metrics_plain");
    assert_eq!(
        kept.value(names::STATE, &[name, ("state", "closed")]),
        Some(1.0)
    );
    assert_eq!(kept.value(names::CONSECUTIVE_FAILURES, &[name]), Some(1.0));
    assert_eq!(kept.value(names::FAILURE_THRESHOLD, &[name]), Some(5.0));
    for missing in [
        names::BULKHEAD_AVAILABLE,
        names::BULKHEAD_MAX_ALLOWED,
        names::MAX_BUFFERED_CALLS,
    ] {
        assert_eq!(kept.value(missing, &[name]), None, "{missing}");
    }
    let failed = [name, ("kind", "failed")];
    assert_eq!(kept.value(names::BUFFERED_CALLS, &failed), None);
}

#[test]
fn every_metric_recorded_has_help_text_and_every_counter_ends_in_total() {
    registry().register("metrics_described", Config::new());
    let kept = recorded();
    let help = kept.help.lock().unwrap();
    assert_eq!(help.len(), names::ALL.len());
    let values = kept.values.lock().unwrap();
    let gauges = kept.gauges.lock().unwrap();
    for (name, _) in values.keys() {
        assert!(help.contains_key(name), "{name} has no help text");
    }
    for ((name, _), gauge) in gauges.iter() {
        assert_eq!(!gauge, name.ends_with("_total"), "{name}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_breaker_with_retries_has_resilience4j_retry_calls_and_its_refusals() {
    let config = Config::new().retries(1).threshold(100);
    let breaker = registry().register("metrics_retried", config);
    let failures_left = AtomicU64::new(1);
    let flaky = || async {
        match failures_left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(1)
        }) {
            Ok(_) => Err(BreakerError::HalfOpenFull { name: "upstream" }),
            Err(_) => Ok(1),
        }
    };
    // Saved by its retry; then at once; then failed twice; then failed, not worth a retry.
    assert_eq!(breaker.call_with_retries(flaky).await, Ok(1));
    assert_eq!(breaker.call_with_retries(flaky).await, Ok(1));
    failures_left.store(2, Ordering::Relaxed);
    assert!(breaker.call_with_retries(flaky).await.is_err());
    failures_left.store(1, Ordering::Relaxed);
    let never = RetryOptions::new().retry_if(|_: &BreakerError| false);
    assert!(breaker.call_with_retry_options(never, flaky).await.is_err());

    let kept = recorded();
    let name = ("name", "metrics_retried");
    let calls = |kind| kept.value(names::RETRY_CALLS, &[name, ("kind", kind)]);
    assert_eq!(calls("successful_without_retry"), Some(1.0));
    assert_eq!(calls("successful_with_retry"), Some(1.0));
    assert_eq!(calls("failed_with_retry"), Some(1.0));
    assert_eq!(calls("failed_without_retry"), Some(1.0));
    assert_eq!(kept.value(names::RETRIES, &[name]), Some(2.0));
    for reason in ["budget", "deadline", "circuit"] {
        let labels = [name, ("reason", reason)];
        assert_eq!(kept.value(names::RETRIES_REFUSED, &labels), Some(0.0));
    }
    // Every attempt is one of the breaker's calls: 2 + 1 + 2 + 1.
    let successful = kept.value(names::CALLS, &[name, ("kind", "successful")]);
    let failed = kept.value(names::CALLS, &[name, ("kind", "failed")]);
    assert_eq!((successful, failed), (Some(2.0), Some(4.0)));
}

#[test]
fn a_breaker_without_retries_has_no_retry_series() {
    registry().register("metrics_unretried", Config::new());
    let kept = recorded();
    let name = ("name", "metrics_unretried");
    assert_eq!(kept.value(names::RETRIES, &[name]), None);
    let kind = ("kind", "successful_without_retry");
    assert_eq!(kept.value(names::RETRY_CALLS, &[name, kind]), None);
}

#[tokio::test]
async fn a_keyed_family_is_summed_under_its_name_without_a_key_label() {
    let family = registry()
        .keyed::<u64>("metrics_family", Config::new().threshold(1))
        .unwrap();
    let failed: Result<u32, BreakerError> = family
        .call(&1, async {
            Err(BreakerError::HalfOpenFull { name: "upstream" })
        })
        .await;
    assert!(failed.is_err());
    assert!(family
        .call(&1, async { Ok::<_, BreakerError>(1) })
        .await
        .is_err());
    for key in 2..5 {
        assert_eq!(
            family.call(&key, async { Ok::<_, BreakerError>(1) }).await,
            Ok(1)
        );
    }

    let kept = recorded();
    let name = ("name", "metrics_family");
    let calls = |kind| kept.value(names::CALLS, &[name, ("kind", kind)]);
    assert_eq!(calls("successful"), Some(3.0));
    assert_eq!(calls("failed"), Some(1.0));
    assert_eq!(calls("not_permitted"), Some(1.0));
    assert_eq!(kept.value(names::FAMILY_KEYS, &[name]), Some(4.0));
    assert_eq!(kept.value(names::FAMILY_TRIPPED_KEYS, &[name]), Some(1.0));
    assert_eq!(kept.value(names::FAMILY_MAX_KEYS, &[name]), Some(1024.0));
    assert_eq!(kept.value(names::FAMILY_FORGOTTEN_KEYS, &[name]), Some(0.0));
    assert_eq!(kept.value(names::FAMILY_FULL_CALLS, &[name]), Some(0.0));
    let values = kept.values.lock().unwrap();
    for (metric, labels) in values.keys() {
        assert!(
            labels.iter().all(|(label, _)| label != "key"),
            "{metric} has a key label"
        );
    }
}
