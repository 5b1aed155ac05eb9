//! A function longer than a fused compare-and-branch can reach (16-bit targets): the code
//! generator builds it again with separate compare and `jt`/`jf` instructions, and it runs
//! the same.

mod common;
use common::run;

/// `f (x)` calls the empty `g` `n` times when `x < 5` (two instructions per call: the
/// argument's move and `calls`), then returns `x + 1`.
fn program(n: usize) -> String {
    let mut s = String::from("g (x: int32) { }\nf (x: int32) -> int32 {\n    if (x < 5) {\n");
    for _ in 0..n {
        s.push_str("        g (x);\n");
    }
    s.push_str("    }\n    return x + 1;\n}\nprint f (3);\nprint f (7);\n");
    s
}

#[test]
fn short_functions_fuse_and_long_ones_do_not() {
    // Short: fused (`jgei.i32`: jump over the calls unless x < 5).
    let (code, out, _) = run("short_fn.oort", &program(3), &["--emit=bytecode"]);
    assert_eq!(code, 0);
    assert!(out.contains("jgei.i32"), "{out}");
    let (code, out, _) = run("short_fn.oort", &program(3), &[]);
    assert_eq!((code, out.as_str()), (0, "4\n8\n"));

    // Long: the jump over 35,000 calls (70,000 instructions) does not fit 16 bits; the same
    // program with a plain compare and conditional jump.
    let (code, out, _) = run("long_fn.oort", &program(35_000), &["--emit=bytecode"]);
    assert_eq!(code, 0);
    assert!(!out.contains("jgei.i32") && out.contains("lt.i32") && out.contains("jf "));
    let (code, out, err) = run("long_fn.oort", &program(35_000), &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "4\n8\n", ""));
}
