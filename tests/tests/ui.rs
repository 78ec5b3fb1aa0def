//! Compile-time behaviour of `#[circuit_breaker]`: what compiles, and every misuse as one
//! compile error at the offending token (snapshots in `tests/ui/fail/*.stderr`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
