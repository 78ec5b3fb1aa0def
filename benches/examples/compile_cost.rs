//! What `#[circuit_breaker]` costs at build time, beside `#[tracing::instrument]`: generates
//! crates of the same `--fns` async fns (plain; each under `#[tracing::instrument]`; each under
//! `#[circuit_breaker(name, threshold, timeout, fallback)]`; and the same with `retries`),
//! builds their dependencies once, then rebuilds each crate alone `--runs` times in turn, debug
//! and release, and prints the best rebuild time and the binary size of each, with the cost per
//! fn over the plain crate.
//!
//! ```sh
//! cargo run --release -p fusebox-bench --example compile_cost -- --fns 200 --runs 3
//! ```
//!
//! `--lines N` makes each fn's body N + 2 lines longer (none by default): N statements that
//! update a running value, the line that declares it and the line that reads it. What an
//! attribute costs may grow with the code it is given.
//!
//! `--clock cpu` times the rebuilds by the CPU time of cargo and the compilers (user and
//! system) instead of the wall clock, which is steadier on a machine that other work shares.
//!
//! With `--before DIR`, the root of another fusebox checkout (an earlier commit, written out
//! with `git archive`), the attribute's crates are also built against that checkout's runtime,
//! in the same run, so that a change is measured side by side with what it changes.
//!
//! The crates are written to `target/compile-cost` (their own workspaces and target
//! directories). What each fn hands to LLVM can then be counted in them with
//! `cargo llvm-lines --release -p fused --bin fused`, run in `target/compile-cost/now`
//! (BENCHMARKS.md, "What LLVM is given").

// Sizes in bytes and counts of fns, far below 2^52, shown as decimals.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// One generated crate: its name, its row in the table, and how each fn is annotated.
struct Variant {
    name: &'static str,
    label: &'static str,
    attribute: fn(usize) -> String,
}

const PLAIN: Variant = Variant {
    name: "plain",
    label: "plain",
    attribute: |_| String::new(),
};

const TRACED: Variant = Variant {
    name: "traced",
    label: "each under `#[tracing::instrument]`",
    attribute: |_| "#[tracing::instrument]\n".to_owned(),
};

const FUSED: Variant = Variant {
    name: "fused",
    label: "each under `#[circuit_breaker(name, threshold, timeout, fallback)]`",
    attribute: |index| {
        format!(
            "#[fusebox::circuit_breaker(name = \"api_{index}\", threshold = 5, \
             timeout = \"15s\", fallback = cached)]\n"
        )
    },
};

const RETRIED: Variant = Variant {
    name: "retried",
    label: "the same with `retries = 2`",
    attribute: |index| {
        format!(
            "#[fusebox::circuit_breaker(name = \"api_{index}\", threshold = 5, \
             timeout = \"15s\", retries = 2, fallback = cached)]\n"
        )
    },
};

const PROFILES: [&str; 2] = ["dev", "release"];

/// One crate to build: a variant in a workspace, whose fusebox is `runtime`.
struct Row {
    variant: &'static Variant,
    workspace: PathBuf,
    /// Said after the label, to tell the runtimes apart.
    tag: &'static str,
    costs: [Cost; PROFILES.len()],
}

/// The best rebuild time and the binary size of one crate in one profile.
#[derive(Clone, Copy, Default)]
struct Cost {
    rebuild: Option<Duration>,
    binary_bytes: u64,
}

/// What the command line asks for.
struct Options {
    fns: usize,
    /// Statements added to each fn's body (with the two lines around them).
    lines: usize,
    runs: usize,
    before: Option<PathBuf>,
    clock: Clock,
}

/// How a rebuild is timed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// The wall clock, as a user waits.
    Wall,
    /// The CPU time of cargo and the compilers it ran (user and system, from `/proc`): steadier
    /// on a machine that other work shares.
    Cpu,
}

fn main() -> Result<(), String> {
    let options = options()?;
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../target/compile-cost");
    let mut rows = Vec::new();
    if let Some(before) = &options.before {
        let workspace = root.join("before");
        let variants = [&FUSED, &RETRIED];
        write_workspace(&workspace, &before.join("runtime"), &variants, &options)?;
        rows.extend(variants.map(|variant| Row::new(variant, &workspace, " (before)")));
    }
    let workspace = root.join("now");
    let variants = [&PLAIN, &TRACED, &FUSED, &RETRIED];
    write_workspace(&workspace, &here.join("../runtime"), &variants, &options)?;
    rows.extend(variants.map(|variant| Row::new(variant, &workspace, "")));
    rows.sort_by_key(|row| variants.iter().position(|v| v.name == row.variant.name));
    eprintln!("building the dependencies once, in both profiles ...");
    for workspace in rows.iter().map(|row| &row.workspace) {
        for profile in PROFILES {
            cargo_build(workspace, profile, None, Clock::Wall)?;
        }
    }
    for run in 1..=options.runs {
        eprintln!("rebuild {run} of {} ...", options.runs);
        for row in &mut rows {
            row.rebuild(options.clock)?;
        }
    }
    print!("{}", table(&options, &rows));
    Ok(())
}

impl Row {
    fn new(variant: &'static Variant, workspace: &Path, tag: &'static str) -> Row {
        Row {
            variant,
            workspace: workspace.to_owned(),
            tag,
            costs: [Cost::default(); PROFILES.len()],
        }
    }

    /// Rebuilds the crate alone in each profile, keeping the best time.
    fn rebuild(&mut self, clock: Clock) -> Result<(), String> {
        let name = self.variant.name;
        for (profile, cost) in PROFILES.iter().zip(self.costs.iter_mut()) {
            touch(&self.workspace.join(name).join("src/main.rs"))?;
            let took = cargo_build(&self.workspace, profile, Some(name), clock)?;
            cost.rebuild = Some(cost.rebuild.map_or(took, |best| best.min(took)));
            cost.binary_bytes = binary_size(&self.workspace, profile, name)?;
        }
        Ok(())
    }
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        fns: 200,
        lines: 0,
        runs: 3,
        before: None,
        clock: Clock::Wall,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse()
                .map_err(|_| format!("{flag} takes a number, not {value}"))
        };
        match flag.as_str() {
            "--fns" => options.fns = number()?,
            "--lines" => options.lines = number()?,
            "--runs" => options.runs = number()?,
            "--clock" => {
                options.clock = match value.as_str() {
                    "wall" => Clock::Wall,
                    "cpu" => Clock::Cpu,
                    _ => return Err(format!("--clock is wall or cpu, not {value}")),
                }
            }
            "--before" => {
                let root = fs::canonicalize(&value).map_err(|error| format!("{value}: {error}"))?;
                options.before = Some(root);
            }
            _ => {
                return Err(format!(
                    "unknown flag {flag}: use --fns N, --lines N, --runs N, --clock wall|cpu and \
                     --before DIR"
                ))
            }
        }
    }
    if options.fns == 0 || options.runs == 0 {
        return Err("--fns and --runs must be at least 1".to_owned());
    }
    Ok(options)
}

fn write_workspace(
    root: &Path,
    runtime: &Path,
    variants: &[&Variant],
    options: &Options,
) -> Result<(), String> {
    let runtime =
        fs::canonicalize(runtime).map_err(|error| format!("{}: {error}", runtime.display()))?;
    let members: Vec<String> = variants.iter().map(|v| format!("\"{}\"", v.name)).collect();
    write(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    for variant in variants {
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
            &source(variant, options.fns, options.lines),
        )?;
    }
    Ok(())
}

/// The crate's source: `fns` fns that differ only by their index, each with `lines` more
/// statements in its body, all called from `main`.
fn source(variant: &Variant, fns: usize, lines: usize) -> String {
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
             tokio::task::yield_now().await;\n",
            (variant.attribute)(index)
        );
        if lines > 0 {
            text.push_str("    let mut step = city.len();\n");
            for line in 0..lines {
                let _ = writeln!(
                    text,
                    "    step = step.wrapping_mul(31).wrapping_add(city.len() + {line});"
                );
            }
            let _ = writeln!(
                text,
                "    if step == {index} {{ return Err(AppError(city)); }}"
            );
        }
        let _ = write!(
            text,
            "    if city.len() == {index} {{ return Err(AppError(city)); }}\n    \
             Ok(format!(\"{{city}}: {index}\"))\n}}\n"
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

/// Builds the workspace (or one of its crates) and says how long it took, by `clock`.
fn cargo_build(
    root: &Path,
    profile: &str,
    package: Option<&str>,
    clock: Clock,
) -> Result<Duration, String> {
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
    let cpu_before = children_cpu()?;
    let status = command.status().map_err(|error| error.to_string())?;
    let took = match clock {
        Clock::Wall => start.elapsed(),
        Clock::Cpu => children_cpu()?.saturating_sub(cpu_before),
    };
    if !status.success() {
        return Err(format!(
            "cargo build {package:?} --profile {profile} in {} failed",
            root.display()
        ));
    }
    Ok(took)
}

/// The CPU time, user and system, of this process's children that have finished (with theirs):
/// fields 16 and 17 of `/proc/self/stat`, in ticks of 1/100 s.
fn children_cpu() -> Result<Duration, String> {
    let stat = fs::read_to_string("/proc/self/stat")
        .map_err(|error| format!("--clock cpu needs /proc/self/stat: {error}"))?;
    // The fields after the command's name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| -> Result<u64, String> {
        fields
            .get(index)
            .and_then(|field| field.parse().ok())
            .ok_or_else(|| "/proc/self/stat does not read as expected".to_owned())
    };
    // `cutime` and `cstime` are fields 16 and 17, counted from 1 with the pid and the name.
    let total = ticks(16 - 3)? + ticks(17 - 3)?;
    Ok(Duration::from_millis(total * 10))
}

fn binary_size(root: &Path, profile: &str, name: &str) -> Result<u64, String> {
    let folder = if profile == "dev" { "debug" } else { profile };
    let path: PathBuf = root.join("target").join(folder).join(name);
    fs::metadata(&path)
        .map(|metadata| metadata.len())
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn table(options: &Options, rows: &[Row]) -> String {
    let fns = options.fns;
    let rebuild = match options.clock {
        Clock::Wall => "rebuild",
        Clock::Cpu => "rebuild (cpu)",
    };
    let crate_of = match options.lines {
        0 => format!("{fns} fns"),
        lines => format!("{fns} fns, {} more lines each", lines + 2),
    };
    let mut text = format!(
        "\n| {crate_of} | debug {rebuild} | debug binary | release {rebuild} | release binary |\n\
         |---|---|---|---|---|\n"
    );
    for row in rows {
        let _ = write!(text, "| {}{} ", row.variant.label, row.tag);
        for cost in &row.costs {
            let seconds = cost.rebuild.unwrap_or_default().as_secs_f64();
            let _ = write!(text, "| {seconds:.2} s | {} ", size(cost.binary_bytes));
        }
        text.push_str("|\n");
    }
    text.push_str(
        "\nper annotated fn, over plain:\n\n\
         | attribute | debug build | debug binary | release build | release binary |\n\
         |---|---|---|---|---|\n",
    );
    let Some(plain) = rows.iter().find(|row| row.variant.name == PLAIN.name) else {
        return text;
    };
    for row in rows.iter().filter(|row| row.variant.name != PLAIN.name) {
        let _ = write!(text, "| {}{} ", row.variant.label, row.tag);
        for (cost, base) in row.costs.iter().zip(&plain.costs) {
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
