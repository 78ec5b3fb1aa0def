//! The demo a newcomer runs first keeps working: it needs no other binary, ends by itself,
//! breakers visibly open and close, and the queued records land.

use std::process::Command;

#[test]
fn the_demo_alone_shows_breakers_opening_falling_back_recovering_and_records_landing() {
    // `cargo run --bin demo` builds the demo's binary only: run a copy with nothing beside it.
    let alone = tempfile::tempdir().unwrap();
    let demo = alone
        .path()
        .join(format!("demo{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_demo"), &demo).expect("copy the demo");
    let output = Command::new(&demo).output().expect("run the demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for expected in [
        "Breaker settings for this run, read by the server from its environment: \
         FUSEBOX_WEATHER_API_THRESHOLD=3, FUSEBOX_WEATHER_API_RECOVERY=2s, \
         FUSEBOX_DATABASE_THRESHOLD=2, FUSEBOX_DATABASE_RECOVERY=1s.",
        "-> live_api",
        "-> cache_fallback",
        "-> static_fallback",
        "service not called  weather_api: open",
        "weather_api: half_open",
        r#"store_data({"item":"umbrella","order":1001,"status":"paid"}) -> queued"#,
        "landed after",
        r#"{"item":"umbrella","order":1003,"status":"refunded"}"#,
        "database breaker: closed",
        "Overall health: healthy",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("[(\""), "a Rust debug list:\n{stdout}");
    assert!(
        stdout
            .lines()
            .any(|line| line.contains("-> live_api") && line.contains("service called 2x")),
        "no answer that succeeded on its second attempt:\n{stdout}"
    );
    let requests = stdout.lines().filter(|line| line.contains(" -> ")).count();
    assert_eq!(
        requests,
        20 + 3,
        "20 weather requests and 3 stores:\n{stdout}"
    );
}
