//! How single calls are counted: panics, cancellation, late results, shared names, methods.

// Fallbacks are async fns by contract, even when they do not wait for anything.
#![allow(clippy::unused_async)]

mod support;

use std::pin::pin;
use std::sync::LazyLock;
use std::time::Duration;

use fusebox::{circuit_breaker, State};
use futures::FutureExt;
use support::{state, stats, AppError, Upstream};

#[tokio::test(start_paused = true)]
async fn a_panic_counts_as_a_failure_and_keeps_unwinding() {
    #[circuit_breaker(name = "panics", threshold = 2)]
    async fn call(explode: bool) -> Result<u32, AppError> {
        tokio::task::yield_now().await;
        assert!(!explode, "upstream exploded");
        Ok(1)
    }

    for failures in 1..=2 {
        let panic = std::panic::AssertUnwindSafe(call(true))
            .catch_unwind()
            .await
            .unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"upstream exploded"));
        assert_eq!(stats("panics").failures, failures);
    }
    assert_eq!(state("panics"), State::Open);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_call_is_neither_success_nor_failure() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "dropped", threshold = 2)]
    async fn call() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = call().await;
    UPSTREAM.close_gate();
    {
        let mut pending = pin!(call());
        assert!(futures::poll!(pending.as_mut()).is_pending());
    }
    let stats = stats("dropped");
    assert_eq!(
        (stats.consecutive_failures, stats.successes, stats.cancelled),
        (1, 0, 1)
    );
    assert_eq!(stats.state, State::Closed);
}

#[tokio::test(start_paused = true)]
async fn late_results_from_an_earlier_state_change_nothing() {
    static FAST: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    static SLOW: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "late", threshold = 2, recovery = "10s", success_threshold = 1)]
    async fn fast() -> Result<u32, AppError> {
        FAST.call().await
    }
    #[circuit_breaker(name = "late", threshold = 2, recovery = "10s", success_threshold = 1)]
    async fn slow() -> Result<u32, AppError> {
        SLOW.call().await
    }

    // Two slow calls admitted while closed, both about to fail...
    SLOW.close_gate();
    SLOW.fail(true);
    let late = [tokio::spawn(slow()), tokio::spawn(slow())];
    tokio::task::yield_now().await;
    assert_eq!(SLOW.calls(), 2);

    // ...outlive the circuit opening: the first fails while it is open.
    FAST.fail(true);
    let _ = fast().await;
    let _ = fast().await;
    assert_eq!(state("late"), State::Open);
    let next_probe = stats("late").next_probe_in;
    let [first, second] = late;
    SLOW.release(1);
    assert_eq!(first.await.unwrap(), Err(AppError::Upstream));
    assert_eq!(
        stats("late").next_probe_in,
        next_probe,
        "a stale failure re-armed the open period"
    );
    assert_eq!(stats("late").failures, 3);

    // The second fails while a probe is in flight: the circuit stays half-open.
    tokio::time::advance(Duration::from_secs(10)).await;
    FAST.fail(false);
    FAST.close_gate();
    let probe = tokio::spawn(fast());
    tokio::task::yield_now().await;
    assert_eq!(state("late"), State::HalfOpen);
    SLOW.release(1);
    assert_eq!(second.await.unwrap(), Err(AppError::Upstream));
    assert_eq!(
        state("late"),
        State::HalfOpen,
        "a stale failure re-opened the circuit"
    );

    FAST.release(1);
    assert!(probe.await.unwrap().is_ok());
    assert_eq!(state("late"), State::Closed);
}

#[tokio::test(start_paused = true)]
async fn fns_that_name_one_breaker_share_it() {
    static UPSTREAM: LazyLock<Upstream> = LazyLock::new(Upstream::default);
    #[circuit_breaker(name = "database", threshold = 2)]
    async fn read() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }
    #[circuit_breaker(name = "database", threshold = 2)]
    async fn write() -> Result<u32, AppError> {
        UPSTREAM.call().await
    }

    UPSTREAM.fail(true);
    let _ = read().await;
    let _ = write().await;
    assert_eq!(state("database"), State::Open);
    assert!(matches!(read().await, Err(AppError::Breaker(_))));
    assert_eq!(UPSTREAM.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn methods_use_their_own_fallbacks_and_keep_the_question_mark() {
    struct Client {
        upstream: Upstream,
        answers: u32,
    }

    impl Client {
        #[circuit_breaker(name = "method_shared", threshold = 1, fallback = cached)]
        async fn get(&self, key: String) -> Result<String, AppError> {
            let number = self.upstream.call().await?;
            Ok(format!("{key}={number}"))
        }

        async fn cached(&self, key: String) -> Result<String, AppError> {
            Ok(format!("{key}=cached"))
        }

        #[circuit_breaker(name = "method_exclusive", threshold = 1, fallback = count_cached)]
        async fn count(&mut self, key: String) -> Result<String, AppError> {
            let number = self.upstream.call().await?;
            self.answers += 1;
            Ok(format!("{key}={number}"))
        }

        async fn count_cached(&mut self, key: String) -> Result<String, AppError> {
            self.answers += 100;
            Ok(format!("{key}=cached"))
        }
    }

    let mut client = Client {
        upstream: Upstream::default(),
        answers: 0,
    };
    assert_eq!(client.get("a".into()).await.unwrap(), "a=1");
    assert_eq!(client.count("b".into()).await.unwrap(), "b=2");
    client.upstream.fail(true);
    assert_eq!(client.get("a".into()).await.unwrap(), "a=cached");
    assert_eq!(client.count("b".into()).await.unwrap(), "b=cached");
    assert_eq!(
        client.count("b".into()).await.unwrap(),
        "b=cached",
        "rejected"
    );
    assert_eq!(client.answers, 201);
    assert_eq!(state("method_exclusive"), State::Open);
}

#[tokio::test]
async fn protected_futures_stay_send() {
    #[circuit_breaker(name = "send", timeout = "1s", fallback = fallback)]
    async fn call(value: String) -> Result<String, AppError> {
        tokio::task::yield_now().await;
        Ok(value)
    }
    async fn fallback(value: String) -> Result<String, AppError> {
        Ok(value)
    }

    let answer = tokio::spawn(call("sent".into())).await.unwrap();
    assert_eq!(answer.unwrap(), "sent");
}
