//! Compile-time behaviour of `#[circuit_breaker]`: what compiles, and every misuse as one
//! compile error at the offending token (snapshots in `tests/ui/fail/*.stderr`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
    // What the runtime refuses by itself, whatever code names it: these call `__private`
    // directly, as no user does (so `fail_error_counts`, about what users see, leaves them out).
    cases.compile_fail("tests/ui/private_fail/*.rs");
}
