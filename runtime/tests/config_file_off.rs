//! A build with the default features but without `config-file` reads no TOML file: a
//! `FUSEBOX_CONFIG` that is set anyway refuses the overrides with an error naming the feature,
//! and the environment's overrides apply again once it is unset. Its own binary: the
//! environment belongs to the whole process. (A workspace build may turn `config-file` on for
//! every crate; CI runs this test with `cargo test -p fusebox --test config_file_off`.)

#![cfg(all(feature = "overrides", not(feature = "config-file")))]

use fusebox::{Config, CONFIG_FILE_VAR};

#[test]
fn a_named_file_is_refused_without_the_feature() {
    std::env::set_var("FUSEBOX_CONFIG_FILE_OFF_THRESHOLD", "3");
    std::env::set_var(CONFIG_FILE_VAR, "/etc/fusebox.toml");
    let error = Config::new()
        .with_overrides("config_file_off")
        .expect_err("a file this build cannot read");
    assert_eq!(error.source, "FUSEBOX_CONFIG=/etc/fusebox.toml");
    assert!(
        error.message.contains("cargo feature `config-file`"),
        "{error}"
    );

    std::env::remove_var(CONFIG_FILE_VAR);
    let config = Config::new()
        .with_overrides("config_file_off")
        .expect("the environment's overrides alone");
    assert_eq!(config.threshold_value(), 3);
}
