//! The README's integration snippets are tested code: each Rust code block that follows a
//! `<!-- tested: PATH -->` line shows lines of the file PATH (a test, or a doc test in a
//! module's docs), in their order. The file may hold more (its imports, its assertions,
//! a doc test's hidden lines); every line the README shows must be there.

use std::path::Path;

/// The workspace's root, where README.md is.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// True when the README's `shown` line is the source's `written` line: the same code, or
/// the same code in a module's docs (after `//!`), indentation aside.
fn shows(shown: &str, written: &str) -> bool {
    let written = written.trim();
    written == shown || written.strip_prefix("//!").map(str::trim) == Some(shown)
}

/// Each marked block of `readme`: the file it names and the lines it shows.
fn tested_blocks(readme: &str) -> Vec<(&str, Vec<&str>)> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line
            .strip_prefix("<!-- tested: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        assert_eq!(lines.next(), Some("```rust"), "a rust block after `{line}`");
        let shown = lines
            .by_ref()
            .take_while(|line| *line != "```")
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        blocks.push((path, shown));
    }
    blocks
}

#[test]
fn every_integration_snippet_of_the_readme_is_the_code_of_a_test() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = tested_blocks(&readme);
    let paths: Vec<&str> = blocks.iter().map(|(path, _)| *path).collect();
    for section in [
        "runtime/src/rmcp/mod.rs",
        "tests/tests/readme_tower.rs",
        "tests/tests/readme_metrics.rs",
    ] {
        assert!(paths.contains(&section), "no snippet tested by {section}");
    }
    for (path, shown) in blocks {
        let source = std::fs::read_to_string(root().join(path)).unwrap();
        let mut source = source.lines();
        for line in shown {
            assert!(
                source.any(|written| shows(line, written)),
                "README shows `{line}`, which {path} does not have (after the lines before it)"
            );
        }
    }
}
