//! The whole pipeline, differentially: compile at `-O0` and at `-O1` (the IR verifier
//! after every pass; at `-O1` also every pass's `--emit` dump and `--emit=cfg`), and, when
//! the program compiles, run both with small limits (and once more with the collector at
//! every allocation). The two levels must report the same diagnostics, print the same
//! output and end the same way, unless a limit stopped one of them: then the shorter
//! output must be a prefix of the longer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oort_cli::{
    Compiled, Optimizations, Pipeline, RunOptions, Stop, Unit, VmOptions, compile_with, emit, pipeline, registry,
};
use oort_fuzz::{End, run, vm_options};

/// Dispatches per run: a few milliseconds of interpretation (a string built up by
/// concatenation in a loop allocates quadratically in this, which under AddressSanitizer
/// took seconds and gigabytes at 200 000).
const MAX_INSTRUCTIONS: u64 = 50_000;
/// Dispatches and heap bytes of the run with a collection at every allocation: each
/// collection costs time in proportion to the heap (and, in debug builds, builds a set of
/// every object to check the references it traces), so this run is kept short.
const MAX_INSTRUCTIONS_GC_STRESS: u64 = 2_000;
const MAX_HEAP_GC_STRESS: usize = 1 << 20;

fn verified(compiled: &Compiled) {
    if let Err(Stop::Verifier { after, errors }) = &compiled.result {
        panic!("IR verifier failed after `{after}`: {errors:?}");
    }
}

/// Compiles with `pipeline` one pass at a time, rendering after each what `--emit=<pass>`
/// prints (and `--emit=cfg` before `bytecode`); stops at the first pass that reports an
/// error, where the `oort` command would emit nothing.
fn compile_emitting(file: oort_cli::SourceFile, pipeline: &Pipeline) -> Compiled {
    let mut unit = Unit::parse(file);
    let mut result = Ok(());
    for pass in pipeline.passes() {
        if pass.name() == "bytecode" {
            let _ = emit(&unit, pipeline, "cfg");
        }
        result = Pipeline::new(vec![pass.clone()]).run(&mut unit, RunOptions { stop_after: None, verify: true });
        if result.is_err() {
            break;
        }
        let _ = emit(&unit, pipeline, pass.name());
    }
    oort_syntax::diag::sort_diagnostics(&mut unit.diags);
    Compiled { unit, result }
}

fuzz_target!(|data: &[u8]| {
    let Some(file) = oort_fuzz::source(data) else { return };
    let reg = registry();
    let o0 = pipeline(&reg, &Optimizations::None).expect("the default passes are registered");
    let o1 = pipeline(&reg, &Optimizations::Default).expect("the default passes are registered");
    let c0 = compile_with(file.clone(), &o0, RunOptions { stop_after: None, verify: true });
    verified(&c0);
    oort_fuzz::check_spans(&file, c0.diagnostics());
    let _ = c0.render_diagnostics(false);
    if c0.has_errors() {
        return;
    }
    let c1 = compile_emitting(file.clone(), &o1);
    verified(&c1);
    assert!(!c1.has_errors(), "-O1 reports errors -O0 does not: {}", c1.render_diagnostics(false));
    assert_eq!(c0.diagnostics(), c1.diagnostics(), "-O0 and -O1 report different warnings");
    let (Some(p0), Some(p1)) = (c0.program(), c1.program()) else {
        panic!("a program compiled without errors has no bytecode");
    };
    let (out0, end0) = run(&file, p0, vm_options(MAX_INSTRUCTIONS, false));
    let (out1, end1) = run(&file, p1, vm_options(MAX_INSTRUCTIONS, false));
    let stress = VmOptions { max_heap: MAX_HEAP_GC_STRESS, ..vm_options(MAX_INSTRUCTIONS_GC_STRESS, true) };
    let (outs, ends) = run(&file, p1, stress);
    // The clock and identity hashes differ from run to run.
    if file.text.contains("clock_us") || file.text.contains("identity_hash") {
        return;
    }
    same_behavior("-O0", (&out0, &end0), "-O1", (&out1, &end1));
    same_behavior("-O1", (&out1, &end1), "-O1 with GC stress", (&outs, &ends));
});

/// The two runs printed the same and ended the same, or a limit stopped one of them
/// before it diverged from the other: its output is a prefix of the other's (either's,
/// when both were stopped).
fn same_behavior(a: &str, (out_a, end_a): (&[u8], &End), b: &str, (out_b, end_b): (&[u8], &End)) {
    let show = |out: &[u8], end: &End| format!("{end:?} after printing {:?}", String::from_utf8_lossy(out));
    let agree = match (matches!(end_a, End::Limit(_)), matches!(end_b, End::Limit(_))) {
        (false, false) => out_a == out_b && end_a == end_b,
        (true, false) => out_b.starts_with(out_a),
        (false, true) => out_a.starts_with(out_b),
        (true, true) => out_a.starts_with(out_b) || out_b.starts_with(out_a),
    };
    assert!(agree, "{a} and {b} differ:\n{a}: {}\n{b}: {}", show(out_a, end_a), show(out_b, end_b));
}
