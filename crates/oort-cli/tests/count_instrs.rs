//! `oort run --count-instrs`: after the run, also one that ends in a runtime error, the
//! number of bytecode instructions executed is printed to stderr on its own line.
//!
//! The expected numbers are counted by hand from `--emit=bytecode` of each program (shown
//! in the comments); a change of code generation that changes them changes these tests.

mod common;
use common::run;

/// At `-O0`:
/// ```text
/// 0000  ldi          r0, 6
/// 0001  mov          r1, r0
/// 0002  ldi          r2, 7
/// 0003  mul.i32      r3, r1, r2
/// 0004  tostr.i32    r4, r3
/// 0005  print        r4
/// 0006  retv
/// ```
/// At `-O1` constant propagation leaves `ldi r0, 42; tostr.i32; print; retv`.
const STRAIGHT: &str = "x := 6;\nprint x * 7;\n";

#[test]
fn prints_the_count_after_the_run() {
    let (code, out, err) = run("count_straight.oort", STRAIGHT, &["--count-instrs", "-O0"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "42\n", "instructions executed: 7\n"));
    let (code, out, err) = run("count_straight.oort", STRAIGHT, &["--count-instrs"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "42\n", "instructions executed: 4\n"));
    // Nothing without the flag.
    let (code, out, err) = run("count_straight.oort", STRAIGHT, &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "42\n", ""));
}

/// At `-O0`:
/// ```text
/// main: ldi, calls, tostr, print     4   f (5): ldi, div, ret   3
///       ldi, calls                   2   f (0): ldi, div        2 (fails)
/// ```
/// (the argument is loaded straight into the call window, and `calls` needs no
/// environment).
const FAILING: &str = "f (n: int32) -> int32 {\n    return 10 / n;\n}\nprint f (5);\nprint f (0);\n";

#[test]
fn prints_the_count_after_a_runtime_error() {
    let (code, out, err) = run("count_failing.oort", FAILING, &["--count-instrs", "-O0"]);
    assert_eq!((code, out.as_str()), (oort_cli::cli::EXIT_RUNTIME, "2\n"));
    let mut lines = err.lines();
    assert_eq!(lines.next(), Some("instructions executed: 11"), "{err}");
    assert!(lines.next().is_some_and(|l| l.contains("runtime error: division by zero")), "{err}");
}
