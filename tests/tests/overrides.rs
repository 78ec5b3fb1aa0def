//! Start-up overrides from the `FUSEBOX_CONFIG` file and `FUSEBOX_<NAME>_<SETTING>`
//! variables. One test in its own binary: the environment belongs to the whole process.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry, State};
use support::AppError;

#[circuit_breaker(name = "overridden_file", threshold = 5)]
async fn from_file() -> Result<u32, AppError> {
    Err(AppError::Upstream)
}

#[circuit_breaker(name = "overridden_env", threshold = 5)]
async fn from_env() -> Result<u32, AppError> {
    Err(AppError::Upstream)
}

#[circuit_breaker(name = "overridden_bad", threshold = 4)]
async fn refused() -> Result<u32, AppError> {
    Err(AppError::Upstream)
}

fn config(name: &str) -> fusebox::Config {
    registry().get(name).expect("registered").config()
}

#[tokio::test(start_paused = true)]
async fn the_file_and_the_environment_override_the_code_and_bad_values_are_refused() {
    let path = std::env::temp_dir().join(format!("fusebox-overrides-{}.toml", std::process::id()));
    let file = "[breakers.overridden_file]\nthreshold = 2\nrecovery = \"5s\"\n\n[breakers.overridden_env]\nthreshold = 3\n";
    std::fs::write(&path, file).unwrap();
    std::env::set_var(fusebox::CONFIG_FILE_VAR, &path);
    std::env::set_var("FUSEBOX_OVERRIDDEN_ENV_THRESHOLD", "1");
    std::env::set_var("FUSEBOX_OVERRIDDEN_BAD_THRESHOLD", "0");

    let _ = from_file().await;
    let _ = from_file().await;
    assert_eq!(
        registry().get("overridden_file").unwrap().state(),
        State::Open
    );
    let file_config = config("overridden_file");
    assert_eq!(
        (file_config.threshold_value(), file_config.recovery_value()),
        (2, Duration::from_secs(5))
    );

    let _ = from_env().await;
    assert_eq!(
        config("overridden_env").threshold_value(),
        1,
        "the environment beats the file"
    );
    assert_eq!(
        registry().get("overridden_env").unwrap().state(),
        State::Open
    );

    let _ = refused().await;
    assert_eq!(
        config("overridden_bad").threshold_value(),
        4,
        "an invalid override was applied"
    );
    let error = fusebox::Config::new()
        .with_overrides("overridden_bad")
        .unwrap_err();
    assert!(
        error.to_string().contains("`threshold` must be at least 1"),
        "{error}"
    );
    std::fs::remove_file(path).unwrap();
}
