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
//! call. Cases: `raw`, `attribute`, `window`, `timeout`, `handle`, `open`, `fallback` (closed, with
//! a fallback), `retries` (closed, with a fallback and retries), `retries_bare` (closed, retries
//! without a fallback), `recloser`.

use std::time::Duration;

use fusebox::{registry, Config};
use fusebox_bench::{
    protected, protected_fallback, protected_retries, protected_retries_bare, protected_to_open,
    protected_window, protected_with_timeout, trivial,
};
use recloser::{AsyncRecloser, Recloser};

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let calls: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let handle = registry().register("calls_handle", Config::new());
    let recloser = AsyncRecloser::from(
        Recloser::custom()
            .error_rate(0.5)
            .closed_len(100)
            .open_wait(Duration::from_secs(3600))
            .build(),
    );
    rt.block_on(async {
        let _ = protected_to_open(true).await;
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
            "open" => repeat!(protected_to_open(false)),
            "fallback" => repeat!(protected_fallback()),
            "retries" => repeat!(protected_retries()),
            "retries_bare" => repeat!(protected_retries_bare()),
            "recloser" => repeat!(recloser.call(trivial())),
            _ => eprintln!("unknown case {case:?}"),
        }
    });
}
