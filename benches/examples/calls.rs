//! Runs one benchmarked case a given number of times, for an instruction count per call that
//! does not depend on the machine's timing or code layout:
//!
//! ```sh
//! cargo build --release -p fusebox-bench --example calls
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/calls attribute 100000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/calls attribute 200000
//! ```
//!
//! The difference of the two totals ("Collected"), divided by 100000, is the instructions per
//! call. Cases: `raw`, `attribute`, `window`, `timeout`, `handle`, `open`, `open_fallback` and
//! `open_cause` (an open fn's rejection answered by a fallback that ignores its cause, and by
//! one that reads it), `recloser`,
//! `keyed` (a keyed family's call, its `String` key present among 1000), `keyed_attribute`
//! (the same through `#[circuit_breaker(key = ...)]`, against `attribute`), and the retries a
//! call never needs: `fallback` against `retries` (both with a fallback), `attribute` against
//! `retries_bare`, `handle` against `handle_retries`, and `retries_deadline` (with a
//! `retry_deadline`) against `retries`. Case `sizes` prints the size of each case's future
//! (`size_of_val`, bytes) instead.
//!
//! A third argument runs the calls that many frames further down the stack (a few dozen bytes
//! each), to time a case (`/usr/bin/time`) with its future placed elsewhere.

use std::time::Duration;

use fusebox::circuit_breaker;
use fusebox::{registry, Config};
use fusebox_bench::{
    below, fallback_answer, maybe_fail, protected, protected_fallback, protected_retries,
    protected_retries_bare, protected_to_open, protected_to_open_fallback, protected_window,
    protected_with_timeout, trivial, AppError,
};
use recloser::{AsyncRecloser, Recloser};

/// `trivial` with retries it never needs and an overall `retry_deadline`, which costs the
/// call one clock read (case `retries_deadline`, against `retries`).
#[circuit_breaker(
    name = "calls_retries_deadline",
    threshold = 5,
    retries = 2,
    retry_deadline = "5s",
    fallback = fallback_answer
)]
async fn protected_retries_deadline() -> Result<u32, AppError> {
    trivial().await
}

/// The fallback of `open_fallback`: the rejected call's argument, not its cause.
#[allow(clippy::unused_async)] // a fallback is an async fn
async fn answer_without_cause(_fail: bool) -> Result<u32, AppError> {
    Ok(std::hint::black_box(0))
}

/// `maybe_fail` behind the attribute with a fallback that ignores the cause, opened before
/// the case `open_fallback` counts its rejections.
#[circuit_breaker(
    name = "calls_open_fallback",
    threshold = 1,
    recovery = "1h",
    fallback = answer_without_cause
)]
async fn open_fallback(fail: bool) -> Result<u32, AppError> {
    maybe_fail(fail).await
}

/// A request to one of the hosts, which `keyed_attribute` keys its breaker by.
struct Request {
    host: String,
}

/// `trivial` behind the attribute, one breaker per host (case `keyed_attribute`).
#[circuit_breaker(name = "calls_keyed_attribute", key = request.host, threshold = 5)]
async fn protected_keyed(request: &Request) -> Result<u32, AppError> {
    trivial().await
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let depth: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let handle = registry().register("calls_handle", Config::new());
    let retried_handle = registry().register("calls_handle_retries", Config::new().retries(2));
    let family = registry()
        .keyed::<String>("calls_keyed", Config::new())
        .expect("a family");
    let keyed_attribute = registry()
        .keyed::<String>("calls_keyed_attribute", Config::new().threshold(5))
        .expect("a family");
    for n in 0..1000 {
        family.get(&format!("host-{n}.example.com")).expect("room");
        keyed_attribute
            .get(&format!("host-{n}.example.com"))
            .expect("room");
    }
    let request = Request {
        host: "host-500.example.com".to_owned(),
    };
    let recloser = AsyncRecloser::from(
        Recloser::custom()
            .error_rate(0.5)
            .closed_len(100)
            .open_wait(Duration::from_secs(3600))
            .build(),
    );
    below(depth, &mut || {
        rt.block_on(async {
            let _ = protected_to_open(true).await;
            let _ = open_fallback(true).await;
            let _ = protected_to_open_fallback(true).await;
            macro_rules! repeat {
                ($call:expr) => {
                    for _ in 0..calls {
                        std::hint::black_box($call.await.is_ok());
                    }
                };
            }
            match case.as_str() {
                "raw" => repeat!(trivial()),
                "attribute" => repeat!(protected()),
                "window" => repeat!(protected_window()),
                "timeout" => repeat!(protected_with_timeout()),
                "handle" => repeat!(handle.call(trivial())),
                "fallback" => repeat!(protected_fallback()),
                "retries" => repeat!(protected_retries()),
                "retries_bare" => repeat!(protected_retries_bare()),
                "retries_deadline" => repeat!(protected_retries_deadline()),
                "handle_retries" => repeat!(retried_handle.call_with_retries(trivial)),
                "open" => repeat!(protected_to_open(false)),
                "open_fallback" => repeat!(open_fallback(false)),
                "open_cause" => repeat!(protected_to_open_fallback(false)),
                "recloser" => repeat!(recloser.call(trivial())),
                "keyed" => repeat!(family.call("host-500.example.com", trivial())),
                "keyed_attribute" => repeat!(protected_keyed(&request)),
                "sizes" => {
                    let sizes = [
                        ("attribute", std::mem::size_of_val(&protected())),
                        (
                            "retries_bare",
                            std::mem::size_of_val(&protected_retries_bare()),
                        ),
                        ("fallback", std::mem::size_of_val(&protected_fallback())),
                        ("retries", std::mem::size_of_val(&protected_retries())),
                        (
                            "retries_deadline",
                            std::mem::size_of_val(&protected_retries_deadline()),
                        ),
                        ("handle", std::mem::size_of_val(&handle.call(trivial()))),
                        (
                            "handle_retries",
                            std::mem::size_of_val(&retried_handle.call_with_retries(trivial)),
                        ),
                    ];
                    for (case, size) in sizes {
                        println!("{case} {size}");
                    }
                }
                _ => eprintln!("unknown case {case:?}"),
            }
        });
    });
}
