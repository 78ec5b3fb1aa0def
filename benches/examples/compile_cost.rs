//! What `#[circuit_breaker]` costs at build time, beside `#[tracing::instrument]`: generates
//! three crates of the same `--fns` async fns (plain, each under `#[tracing::instrument]`,
//! each under `#[circuit_breaker(name, threshold, timeout, fallback)]`), builds their
//! dependencies once, then rebuilds each crate alone `--runs` times in turn, debug and release,
//! and prints the best rebuild time and the binary size of each, with the cost per fn over the
//! plain crate.
//!
//! ```sh
//! cargo run --release -p fusebox-bench --example compile_cost -- --fns 200 --runs 3
//! ```
//!
//! The crates are written to `target/compile-cost` (their own workspace and target directory).

// Sizes in bytes and counts of fns, far below 2^52, shown as decimals.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// One generated crate: its name and how each fn is annotated.
struct Variant {
    name: &'static str,
    attribute: fn(usize) -> String,
}

const VARIANTS: [Variant; 3] = [
    Variant {
        name: "plain",
        attribute: |_| String::new(),
    },
    Variant {
        name: "traced",
        attribute: |_| "#[tracing::instrument]\n".to_owned(),
    },
    Variant {
        name: "fused",
        attribute: |index| {
            format!(
                "#[fusebox::circuit_breaker(name = \"api_{index}\", threshold = 5, \
                 timeout = \"15s\", fallback = cached)]\n"
            )
        },
    },
];

const PROFILES: [&str; 2] = ["dev", "release"];

/// The best rebuild time and the binary size of one crate in one profile.
#[derive(Clone, Copy, Default)]
struct Cost {
    rebuild: Option<Duration>,
    binary_bytes: u64,
}

fn main() -> Result<(), String> {
    let (fns, runs) = options()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/compile-cost");
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    write_workspace(&root, &runtime, fns)?;
    eprintln!("building the dependencies once, in both profiles ...");
    for profile in PROFILES {
        cargo_build(&root, profile, None)?;
    }
    let mut costs = [[Cost::default(); PROFILES.len()]; VARIANTS.len()];
    for run in 1..=runs {
        eprintln!("rebuild {run} of {runs} ...");
        for (variant, row) in VARIANTS.iter().zip(costs.iter_mut()) {
            for (profile, cost) in PROFILES.iter().zip(row.iter_mut()) {
                touch(&root.join(variant.name).join("src/main.rs"))?;
                let took = cargo_build(&root, profile, Some(variant.name))?;
                cost.rebuild = Some(cost.rebuild.map_or(took, |best| best.min(took)));
                cost.binary_bytes = binary_size(&root, profile, variant.name)?;
            }
        }
    }
    print!("{}", table(fns, &costs));
    Ok(())
}

fn options() -> Result<(usize, usize), String> {
    let (mut fns, mut runs) = (200, 3);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = value
            .parse()
            .map_err(|_| format!("{flag} takes a number, not {value}"))?;
        match flag.as_str() {
            "--fns" => fns = number,
            "--runs" => runs = number,
            _ => return Err(format!("unknown flag {flag}: use --fns N and --runs N")),
        }
    }
    if fns == 0 || runs == 0 {
        return Err("--fns and --runs must be at least 1".to_owned());
    }
    Ok((fns, runs))
}

fn write_workspace(root: &Path, runtime: &Path, fns: usize) -> Result<(), String> {
    let runtime = fs::canonicalize(runtime).map_err(|error| error.to_string())?;
    let members: Vec<String> = VARIANTS.iter().map(|v| format!("\"{}\"", v.name)).collect();
    write(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    for variant in &VARIANTS {
        let manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nfusebox = {{ path = \"{}\" }}\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"macros\", \"time\"] }}\n\
             tracing = \"0.1\"\n",
            variant.name,
            runtime.display()
        );
        write(&root.join(variant.name).join("Cargo.toml"), &manifest)?;
        write(
            &root.join(variant.name).join("src/main.rs"),
            &source(variant, fns),
        )?;
    }
    Ok(())
}

/// The crate's source: `fns` fns that differ only by their index, all called from `main`.
fn source(variant: &Variant, fns: usize) -> String {
    let mut text = String::from(
        "#![allow(dead_code)]\n\
         #[derive(Debug, Clone)]\npub struct AppError(String);\n\
         impl From<fusebox::BreakerError> for AppError {\n    \
         fn from(error: fusebox::BreakerError) -> Self { AppError(error.to_string()) }\n}\n\
         async fn cached(city: String) -> Result<String, AppError> { Ok(format!(\"{city}: cached\")) }\n",
    );
    for index in 0..fns {
        let _ = write!(
            text,
            "{}async fn call_{index}(city: String) -> Result<String, AppError> {{\n    \
             tokio::task::yield_now().await;\n    \
             if city.len() == {index} {{ return Err(AppError(city)); }}\n    \
             Ok(format!(\"{{city}}: {index}\"))\n}}\n",
            (variant.attribute)(index)
        );
    }
    text.push_str(
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n    let mut total = 0;\n",
    );
    for index in 0..fns {
        let _ = writeln!(
            text,
            "    total += call_{index}(\"Oslo\".to_owned()).await.map_or(0, |answer| answer.len());"
        );
    }
    text.push_str("    println!(\"{total}\");\n}\n");
    text
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    }
    // Written only when it changes, so that dependencies built by an earlier run are kept.
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

fn touch(path: &Path) -> Result<(), String> {
    fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// Builds the workspace (or one of its crates) and says how long it took.
fn cargo_build(root: &Path, profile: &str, package: Option<&str>) -> Result<Duration, String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(["build", "--quiet", "--profile", profile])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS");
    if let Some(package) = package {
        command.args(["-p", package]);
    }
    let start = Instant::now();
    let status = command.status().map_err(|error| error.to_string())?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!(
            "cargo build {package:?} --profile {profile} failed"
        ));
    }
    Ok(took)
}

fn binary_size(root: &Path, profile: &str, name: &str) -> Result<u64, String> {
    let folder = if profile == "dev" { "debug" } else { profile };
    let path: PathBuf = root.join("target").join(folder).join(name);
    fs::metadata(&path)
        .map(|metadata| metadata.len())
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn table(fns: usize, costs: &[[Cost; PROFILES.len()]; VARIANTS.len()]) -> String {
    let mut text = format!(
        "\n| {fns} fns | debug rebuild | debug binary | release rebuild | release binary |\n\
         |---|---|---|---|---|\n"
    );
    for (variant, row) in VARIANTS.iter().zip(costs) {
        let _ = write!(text, "| {} ", variant.name);
        for cost in row {
            let seconds = cost.rebuild.unwrap_or_default().as_secs_f64();
            let _ = write!(text, "| {seconds:.2} s | {} ", size(cost.binary_bytes));
        }
        text.push_str("|\n");
    }
    text.push_str("\nper annotated fn, over plain:\n\n| attribute | debug build | debug binary | release build | release binary |\n|---|---|---|---|---|\n");
    let plain = &costs[0];
    for (variant, row) in VARIANTS.iter().zip(costs).skip(1) {
        let _ = write!(text, "| {} ", variant.name);
        for (cost, base) in row.iter().zip(plain) {
            let millis = (cost.rebuild.unwrap_or_default().as_secs_f64()
                - base.rebuild.unwrap_or_default().as_secs_f64())
                * 1000.0
                / fns as f64;
            let bytes = (cost.binary_bytes as f64 - base.binary_bytes as f64) / fns as f64;
            let _ = write!(text, "| {millis:.1} ms | {:.1} KB ", bytes / 1000.0);
        }
        text.push_str("|\n");
    }
    text
}

fn size(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}
