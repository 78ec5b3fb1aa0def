//! The demo a newcomer runs first keeps working: it needs no other binary, ends by itself,
//! one region's breaker visibly opens and closes while the other regions answer live, and the
//! queued records land.

use std::process::Command;

#[test]
fn the_demo_alone_shows_a_region_tripping_the_others_live_recovering_and_records_landing() {
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
        "eu not called    weather_api: eu open      us closed    asia closed",
        "weather_api: eu half_open us closed    asia closed",
        "Overall health: healthy (one region tripped of three",
        r#"store_data({"item":"umbrella","order":1001,"status":"paid"}) -> queued"#,
        "landed after",
        r#"{"item":"umbrella","order":1003,"status":"refunded"}"#,
        "database breaker: closed",
        "Overall health: healthy",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("[(\""), "a Rust debug list:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("-> live_api") && line.contains("eu called 2x")),
        "no answer that succeeded on its second attempt:\n{stdout}"
    );
    // While eu's circuit is open, us and asia call their services and answer live.
    for region in ["us", "asia"] {
        assert!(
            lines.iter().any(|line| {
                line.contains(&format!("{region:<4} -> live_api"))
                    && line.contains(&format!("{region} called "))
                    && line.contains("weather_api: eu open")
            }),
            "no live answer from {region} while eu was open:\n{stdout}"
        );
    }
    let requests = lines.iter().filter(|line| line.contains(" -> ")).count();
    assert_eq!(
        requests,
        21 + 3,
        "21 weather requests and 3 stores:\n{stdout}"
    );
}
