//! The `custom_pass` example's pass runs where it was inserted and does its work.

#[allow(dead_code)]
#[path = "../examples/custom_pass.rs"]
mod example;

#[test]
fn the_example_pass_runs_in_the_pipeline() {
    let names = example::pipeline().names();
    let at = names.iter().position(|n| *n == "strength").expect("inserted");
    assert_eq!(names[at - 1], "peephole");
    let (ir, output) = example::demo();
    // `x * 8` became a shift by 3; `x * 3` stayed a multiplication.
    assert!(ir.contains("const.i32 3\n"), "{ir}");
    assert!(ir.contains(" = shl.i32 v0, "), "{ir}");
    assert_eq!(ir.matches(" = mul.i32 ").count(), 1, "{ir}");
    // Wrap-around is the multiplication's: 11 * 5, and 11 * (-2^31 + 1) mod 2^32.
    assert_eq!(output, "55\n-2147483637\n");
}
