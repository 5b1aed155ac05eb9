//! Every `run` program under `tests/programs/` behaves identically at `-O0` and `-O1`
//! (same diagnostics, output and ending), with the IR verifier run after every pass.

use oort_cli::Optimizations;
use std::path::Path;

fn same_at_every_level(path: &Path, source: String) -> datatest_stable::Result<()> {
    let Some(o0) = oort_tests::run_optimized(path, &source, &Optimizations::None) else { return Ok(()) };
    let o1 = oort_tests::run_optimized(path, &source, &Optimizations::Default).expect("same program");
    if o0 != o1 {
        return Err(format!("-O0 and -O1 differ:\n--- -O0\n{o0}\n--- -O1\n{o1}").into());
    }
    if o1.contains("IR verifier failed") || o1.contains("panicked") {
        return Err(o1.into());
    }
    Ok(())
}

datatest_stable::harness! {
    { test = same_at_every_level, root = "programs", pattern = r"\.oort$" },
}
