//! What a user sees from each `tests/ui/fail` case in a real build, beside trybuild's
//! snapshots (which drop repeated errors and rewrite paths): every case is built as a binary
//! of one scratch crate with `cargo check`, and must give exactly the number of errors in
//! [`EXPECTED`] (one unless listed), none of which names a `__private` item.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The cases that give more than one error, and why.
const EXPECTED: &[(&str, usize)] = &[
    // Two fns, each with a `mut` it does not need: the user's own lint, once per fn.
    ("lint_unused_mut", 2),
    // Three mistakes in one attribute, reported together, each at its token.
    ("several_errors", 3),
];

/// `path` as a TOML string.
fn toml_path(path: &Path) -> String {
    format!("{:?}", path.to_string_lossy())
}

/// One scratch crate whose binaries are the fail cases, sharing one target directory.
fn scratch_crate(cases: &[PathBuf]) -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is in the workspace");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fail-error-counts");
    std::fs::create_dir_all(dir.join("src")).expect("scratch directory");
    let mut manifest = format!(
        "[package]\nname = \"fusebox-fail-cases\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\nautobins = false\n\n[workspace]\n\n[dependencies]\n\
         fusebox = {{ path = {runtime} }}\n\
         rmcp = {{ version = \"3.11\", default-features = false, features = [\"server\", \"macros\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n",
        runtime = toml_path(&workspace.join("runtime")),
    );
    for case in cases {
        let name = case
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a case name");
        let path = toml_path(case);
        write!(manifest, "\n[[bin]]\nname = \"{name}\"\npath = {path}\n").expect("a string");
    }
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("scratch manifest");
    // The workspace's versions, so that nothing is resolved anew and the build is offline.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    dir
}

/// The error messages of each binary of the crate at `dir`, from `cargo check`.
fn errors_by_case(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--bins", "--keep-going", "--offline", "--quiet"])
        .args(["--message-format=json", "--target-dir"])
        .arg(dir.join("target"))
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8(output.stdout).expect("cargo's messages are UTF-8");
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout.lines() {
        let message: serde_json::Value = serde_json::from_str(line).expect("a JSON message");
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let text = message["message"]["message"].as_str().unwrap_or_default();
        if text.starts_with("aborting due to") {
            continue;
        }
        let case = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let rendered = message["message"]["rendered"].as_str().unwrap_or(text);
        errors.entry(case).or_default().push(rendered.to_owned());
    }
    assert!(
        !errors.is_empty(),
        "cargo check gave no error at all:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    errors
}

#[test]
fn every_fail_case_gives_its_errors_once_and_names_no_private_item() {
    let started = Instant::now();
    let fail = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/fail");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&fail)
        .expect("the fail cases")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    cases.sort();
    let errors = errors_by_case(&scratch_crate(&cases));
    let mut wrong = String::new();
    for case in &cases {
        let name = case
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a case name");
        let expected = EXPECTED
            .iter()
            .find(|(listed, _)| *listed == name)
            .map_or(1, |(_, count)| *count);
        let found = errors.get(name).map_or(&[][..], Vec::as_slice);
        if found.len() != expected {
            writeln!(
                wrong,
                "{name}: {} errors, expected {expected}:",
                found.len()
            )
            .ok();
            for error in found {
                wrong.push_str(error);
            }
        }
        for error in found.iter().filter(|error| error.contains("__private")) {
            writeln!(wrong, "{name}: an error names a private item:\n{error}").ok();
        }
    }
    eprintln!(
        "{} fail cases checked in {:?}",
        cases.len(),
        started.elapsed()
    );
    assert!(wrong.is_empty(), "{wrong}");
}
