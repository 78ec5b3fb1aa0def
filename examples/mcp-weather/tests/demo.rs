//! The demo a newcomer runs first keeps working: it ends by itself, breakers visibly open
//! and close, and the queued records land.

use std::process::Command;

#[test]
fn the_demo_shows_breakers_opening_falling_back_recovering_and_records_landing() {
    let output = Command::new(env!("CARGO_BIN_EXE_demo"))
        .output()
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for expected in [
        "-> live_api",
        "-> cache_fallback",
        "-> static_fallback",
        "service not called  weather_api: open",
        "weather_api: half_open",
        "-> queued",
        "landed after",
        "database breaker: closed",
        "Overall health: healthy",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    let requests = stdout.lines().filter(|line| line.contains(" -> ")).count();
    assert_eq!(
        requests,
        20 + 3,
        "20 weather requests and 3 stores:\n{stdout}"
    );
}
