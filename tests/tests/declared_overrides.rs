//! Start-up overrides apply to a breaker declared by an attribute and never called, as they do
//! at a first call. In its own binary: the environment belongs to the whole process.

mod support;

use std::time::Duration;

use fusebox::{circuit_breaker, registry};
use support::AppError;

#[allow(dead_code)] // Never called: declared all the same.
#[circuit_breaker(name = "declared_overridden", threshold = 5, recovery = "60s")]
async fn never_called() -> Result<u32, AppError> {
    Ok(1)
}

#[test]
fn overrides_apply_to_a_breaker_never_called() {
    let path = std::env::temp_dir().join(format!(
        "fusebox-declared-overrides-{}.toml",
        std::process::id()
    ));
    std::fs::write(&path, "[breakers.declared_overridden]\nrecovery = \"5s\"\n").unwrap();
    std::env::set_var(fusebox::CONFIG_FILE_VAR, &path);
    std::env::set_var("FUSEBOX_DECLARED_OVERRIDDEN_THRESHOLD", "2");

    let config = registry()
        .get("declared_overridden")
        .expect("declared")
        .config();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        (config.threshold_value(), config.recovery_value()),
        (2, Duration::from_secs(5))
    );
}
