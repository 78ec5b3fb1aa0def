//! What a fallback receives: the arguments (cloned only for calls that run) and, if it asks for
//! it, the `Cause` of every way a call can miss: failure, timeout, rejection, full bulkhead,
//! panic.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use fusebox::{circuit_breaker, BreakerError, Cause, State};
use support::{state, stats, AppError, Upstream};

/// The causes a fallback was given, in order, as text.
static SEEN: LazyLock<Mutex<Vec<String>>> = LazyLock::new(Mutex::default);

fn seen() -> Vec<String> {
    std::mem::take(&mut *SEEN.lock().unwrap())
}

#[tokio::test(start_paused = true)]
async fn the_fallback_learns_each_cause() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "causes", threshold = 2, timeout = "1s", fallback = explain)]
    async fn call(id: u32) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|_| id)
    }
    async fn explain(id: u32, cause: Cause<AppError>) -> Result<u32, AppError> {
        let kind = match &cause {
            Cause::Failed(AppError::Upstream) => "failed",
            Cause::TimedOut(BreakerError::TimedOut { .. }) => "timed out",
            Cause::Rejected(BreakerError::Open { .. }) => "rejected",
            other => panic!("unexpected cause {other:?}"),
        };
        SEEN.lock().unwrap().push(format!("{id} {kind}"));
        Ok(0)
    }

    assert_eq!(call(1).await, Ok(1));
    UPSTREAM.fail(true);
    assert_eq!(call(2).await, Ok(0));
    UPSTREAM.hang(true);
    assert_eq!(call(3).await, Ok(0));
    assert_eq!(state("causes"), State::Open);
    assert_eq!(call(4).await, Ok(0));
    assert_eq!(seen(), ["2 failed", "3 timed out", "4 rejected"]);
    assert_eq!(UPSTREAM.calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_panic_runs_the_fallback_counts_once_and_frees_its_slot() {
    #[circuit_breaker(name = "panic_fallback", threshold = 2, max_concurrent = 1, fallback = calm)]
    async fn call(explode: bool) -> Result<u32, AppError> {
        tokio::task::yield_now().await;
        assert!(!explode, "upstream exploded");
        Ok(1)
    }
    async fn calm(explode: bool, cause: Cause<AppError>) -> Result<u32, AppError> {
        assert!(explode);
        assert_eq!(stats("panic_fallback").bulkhead_in_use, Some(0));
        assert!(cause.is_panic());
        assert_eq!(cause.panic_message(), Some("upstream exploded"));
        Ok(0)
    }

    assert_eq!(call(true).await, Ok(0));
    let after_one = stats("panic_fallback");
    assert_eq!((after_one.failures, after_one.consecutive_failures), (1, 1));
    assert_eq!(after_one.bulkhead_in_use, Some(0));
    assert_eq!(call(false).await, Ok(1));
    assert_eq!(call(true).await, Ok(0));
    assert_eq!(call(true).await, Ok(0));
    assert_eq!(state("panic_fallback"), State::Open);
    assert_eq!(stats("panic_fallback").failures, 3);
}

#[tokio::test(start_paused = true)]
async fn a_full_bulkhead_is_its_own_cause() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "bulkhead_cause", max_concurrent = 1, fallback = shed)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }
    async fn shed(cause: Cause<AppError>) -> Result<u32, AppError> {
        assert!(cause.is_rejection());
        assert!(matches!(
            cause,
            Cause::BulkheadFull(BreakerError::BulkheadFull {
                max_concurrent: 1,
                ..
            })
        ));
        Ok(0)
    }

    UPSTREAM.close_gate();
    let holder = tokio::spawn(call());
    tokio::task::yield_now().await;
    assert_eq!(call().await, Ok(0));
    UPSTREAM.release(1);
    assert_eq!(holder.await.unwrap(), Ok(1));
}

#[tokio::test(start_paused = true)]
async fn a_fn_without_a_result_falls_back_on_timeouts_and_panics_only() {
    #[circuit_breaker(name = "plain_value", threshold = 2, timeout = "1s", fallback = cached)]
    async fn forecast(city: &'static str, delay_ms: u64) -> String {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        assert!(!city.is_empty(), "no city");
        format!("{city}: sunny")
    }
    async fn cached(city: &'static str, _delay_ms: u64) -> String {
        format!("{city}: cached")
    }

    assert_eq!(forecast("Oslo", 10).await, "Oslo: sunny");
    assert_eq!(forecast("Oslo", 5_000).await, "Oslo: cached");
    assert_eq!(forecast("", 0).await, ": cached");
    assert_eq!(state("plain_value"), State::Open);
    assert_eq!(forecast("Bergen", 0).await, "Bergen: cached");
    let stats = stats("plain_value");
    assert_eq!((stats.successes, stats.failures), (1, 2));
}

/// Counts its clones.
#[derive(Debug)]
struct Counted(u32);

static CLONES: AtomicU32 = AtomicU32::new(0);

impl Clone for Counted {
    fn clone(&self) -> Self {
        CLONES.fetch_add(1, SeqCst);
        Counted(self.0)
    }
}

#[tokio::test(start_paused = true)]
async fn arguments_are_cloned_only_for_calls_that_run() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "clones", threshold = 1, fallback = fixed)]
    async fn call(value: Counted) -> Result<u32, AppError> {
        UPSTREAM.call().await.map(|_| value.0)
    }
    async fn fixed(value: Counted) -> Result<u32, AppError> {
        Ok(value.0 + 100)
    }

    assert_eq!(call(Counted(1)).await, Ok(1));
    assert_eq!(CLONES.load(SeqCst), 1);
    UPSTREAM.fail(true);
    assert_eq!(call(Counted(2)).await, Ok(102));
    assert_eq!(CLONES.load(SeqCst), 2);
    assert_eq!(state("clones"), State::Open);
    assert_eq!(call(Counted(3)).await, Ok(103));
    assert_eq!(
        CLONES.load(SeqCst),
        2,
        "a rejected call hands its arguments on"
    );
}

#[tokio::test(start_paused = true)]
async fn patterns_reach_the_body_and_the_whole_argument_the_fallback() {
    #[derive(Clone)]
    struct Query {
        city: String,
        days: u8,
    }
    #[circuit_breaker(name = "patterns", threshold = 1, fallback = cached)]
    async fn call(Query { city, days }: Query, (low, high): (i8, i8)) -> Result<String, AppError> {
        if days > 7 {
            return Err(AppError::Upstream);
        }
        Ok(format!("{city} {days} {low}..{high}"))
    }
    async fn cached(query: Query, range: (i8, i8)) -> Result<String, AppError> {
        Ok(format!("{} cached {}..{}", query.city, range.0, range.1))
    }

    let query = |days| Query {
        city: "Oslo".into(),
        days,
    };
    assert_eq!(call(query(3), (1, 9)).await.unwrap(), "Oslo 3 1..9");
    assert_eq!(call(query(9), (1, 9)).await.unwrap(), "Oslo cached 1..9");
    assert_eq!(call(query(3), (2, 8)).await.unwrap(), "Oslo cached 2..8");
}

struct Service {
    answers: AtomicU32,
}

impl Service {
    #[circuit_breaker(name = "arc_self", threshold = 1, fallback = cached)]
    async fn get(self: Arc<Self>, fail: bool) -> Result<u32, AppError> {
        self.answers.fetch_add(1, SeqCst);
        if fail {
            Err(AppError::Upstream)
        } else {
            Ok(1)
        }
    }

    async fn cached(self: Arc<Self>, _fail: bool, cause: Cause<AppError>) -> Result<u32, AppError> {
        Ok(if cause.is_failure() { 100 } else { 200 } + self.answers.load(SeqCst))
    }
}

#[tokio::test(start_paused = true)]
async fn a_method_on_an_arc_falls_back_to_its_own_method() {
    let service = Arc::new(Service {
        answers: AtomicU32::new(0),
    });
    assert_eq!(service.clone().get(false).await, Ok(1));
    assert_eq!(service.clone().get(true).await, Ok(102));
    assert_eq!(service.clone().get(false).await, Ok(202));
    assert_eq!(Arc::strong_count(&service), 1);
}

/// A crate that re-exports fusebox, as a framework would.
mod framework {
    pub use fusebox;
}

#[tokio::test(start_paused = true)]
async fn a_re_exported_runtime_is_named_with_crate() {
    #[circuit_breaker(
        crate = "crate::framework::fusebox",
        name = "re_exported",
        threshold = 1
    )]
    async fn call(fail: bool) -> Result<u32, AppError> {
        if fail {
            Err(AppError::Upstream)
        } else {
            Ok(1)
        }
    }

    assert_eq!(call(true).await, Err(AppError::Upstream));
    assert!(matches!(
        call(false).await,
        Err(AppError::Breaker(BreakerError::Open { .. }))
    ));
}

#[async_trait::async_trait]
trait Counter {
    async fn count(&mut self, fail: bool) -> Result<u32, AppError>;
    async fn count_cached(&mut self, fail: bool, cause: Cause<AppError>) -> Result<u32, AppError>;
}

struct Tally {
    calls: u32,
}

#[async_trait::async_trait]
impl Counter for Tally {
    #[circuit_breaker(name = "async_trait_tally", threshold = 1, fallback = count_cached)]
    async fn count(&mut self, fail: bool) -> Result<u32, AppError> {
        self.calls += 1;
        if fail {
            Err(AppError::Upstream)
        } else {
            Ok(self.calls)
        }
    }

    async fn count_cached(&mut self, _fail: bool, cause: Cause<AppError>) -> Result<u32, AppError> {
        self.calls += if cause.is_rejection() { 1000 } else { 100 };
        Ok(self.calls)
    }
}

#[tokio::test(start_paused = true)]
async fn an_async_trait_method_on_mut_self_falls_back_to_its_own_method() {
    let mut tally = Tally { calls: 0 };
    assert_eq!(tally.count(false).await, Ok(1));
    assert_eq!(tally.count(true).await, Ok(102));
    assert_eq!(state("async_trait_tally"), State::Open);
    assert_eq!(tally.count(false).await, Ok(1102));
}
