//! Prints, for each codegen unit of one rustc run, when it was translated to LLVM IR, optimised,
//! and (after `ThinLTO`) turned into machine code, in seconds since rustc started. It reads the
//! profile `-Z self-profile` writes; BENCHMARKS.md ("Where the release rebuild's wall clock
//! goes") gives the commands.
//!
//! ```sh
//! cargo run --release --manifest-path benches/cgu-timings/Cargo.toml -- <profile dir or file>
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use analyzeme::{ProfilingData, Timestamp};

/// The three stages of a codegen unit, as rustc's self-profile names them.
const STAGES: [(&str, &str); 3] = [
    ("codegen_module", "translated"),
    ("codegen_module_optimize", "optimised"),
    ("codegen_module_perform_lto", "LTO + machine code"),
];

/// When one stage of one codegen unit began and ended, in seconds since rustc started.
#[derive(Clone, Copy)]
struct Span {
    start: f64,
    end: f64,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fusebox-cgu-timings: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let argument = std::env::args()
        .nth(1)
        .ok_or("usage: fusebox-cgu-timings <self-profile directory or .mm_profdata file>")?;
    let file = profile_file(Path::new(&argument))?;
    let data = ProfilingData::new(&file).map_err(|error| format!("{}: {error}", file.display()))?;
    let units = stages_by_unit(&data);
    if units.is_empty() {
        return Err(format!(
            "{}: no codegen unit named; profile with `-Z self-profile-events=default,args`",
            file.display()
        ));
    }
    print_table(&units);
    Ok(())
}

/// The profile itself, or the newest one in a directory given `-Z self-profile=DIR`.
fn profile_file(path: &Path) -> Result<PathBuf, String> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let entries =
        std::fs::read_dir(path).map_err(|error| format!("{}: {error}", path.display()))?;
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| {
            file.extension()
                .is_some_and(|extension| extension == "mm_profdata")
        })
        .max_by_key(|file| modified(file))
        .ok_or_else(|| format!("{}: no .mm_profdata file", path.display()))
}

fn modified(file: &Path) -> SystemTime {
    file.metadata()
        .and_then(|metadata| metadata.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// For each codegen unit (by name), the span of each of its stages that the profile holds.
fn stages_by_unit(data: &ProfilingData) -> BTreeMap<String, [Option<Span>; 3]> {
    let started = data.metadata().start_time;
    let seconds = |time: SystemTime| {
        time.duration_since(started)
            .unwrap_or_default()
            .as_secs_f64()
    };
    let mut units: BTreeMap<String, [Option<Span>; 3]> = BTreeMap::new();
    for event in data.iter_full() {
        let Some(stage) = STAGES.iter().position(|(label, _)| event.label == *label) else {
            continue;
        };
        let (Some(unit), Timestamp::Interval { start, end }) = (
            event.additional_data.first(),
            event
                .payload
                .timestamp()
                .unwrap_or(Timestamp::Instant(started)),
        ) else {
            continue;
        };
        let span = Span {
            start: seconds(start),
            end: seconds(end),
        };
        units.entry(unit.to_string()).or_default()[stage] = Some(span);
    }
    units
}

/// One line a codegen unit, in the order their optimisation began.
fn print_table(units: &BTreeMap<String, [Option<Span>; 3]>) {
    let mut rows: Vec<_> = units.iter().collect();
    rows.sort_by(|a, b| start_of(a.1).total_cmp(&start_of(b.1)));
    print!("{:<40}", "codegen unit");
    for (_, title) in STAGES {
        print!("  {title:<23}");
    }
    println!();
    for (unit, stages) in rows {
        print!("{unit:<40}");
        for stage in stages {
            match stage {
                Some(span) => print!(
                    "  {:>5.2} to {:>5.2} ({:>4.2} s)",
                    span.start,
                    span.end,
                    span.end - span.start
                ),
                None => print!("  {:<23}", "-"),
            }
        }
        println!();
    }
}

fn start_of(stages: &[Option<Span>; 3]) -> f64 {
    stages[1].or(stages[0]).map_or(f64::MAX, |span| span.start)
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::time::Duration;

    use super::*;

    /// A new, empty directory of this test's own.
    fn directory(name: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("fusebox-cgu-timings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary directory");
        path
    }

    fn file_modified_at(path: &Path, seconds: u64) {
        let file = File::create(path).expect("a temporary file");
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
            .expect("a settable modification time");
    }

    #[test]
    fn a_directory_gives_its_newest_profile() {
        let path = directory("newest");
        file_modified_at(&path.join("fused-0001.mm_profdata"), 2_000_000_000);
        file_modified_at(&path.join("fused-0002.mm_profdata"), 1_000_000_000);
        file_modified_at(&path.join("notes.txt"), 2_100_000_000);
        let chosen = profile_file(&path).expect("a profile");
        assert_eq!(chosen, path.join("fused-0001.mm_profdata"));
        let _ = std::fs::remove_dir_all(&path);
    }

    #[test]
    fn a_directory_without_a_profile_is_an_error() {
        let path = directory("none");
        file_modified_at(&path.join("notes.txt"), 1_000_000_000);
        let error = profile_file(&path).expect_err("no profile");
        assert!(error.contains("no .mm_profdata file"), "{error}");
        let _ = std::fs::remove_dir_all(&path);
    }

    #[test]
    fn a_file_is_taken_as_it_is() {
        let path = Path::new("/some/where/fused-0001.mm_profdata");
        assert_eq!(profile_file(path).expect("the file itself"), path);
    }
}
