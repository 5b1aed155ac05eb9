//! The front end, as `oort check` runs it: parse, names, types and the flow checks, with
//! the IR verifier on, and the rendered diagnostics (plain and colored).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oort_cli::{Optimizations, RunOptions, Stop, compile_with, emit, pipeline, registry};

fuzz_target!(|data: &[u8]| {
    let Some(file) = oort_fuzz::source(data) else { return };
    let reg = registry();
    let pipeline = pipeline(&reg, &Optimizations::None).expect("the default passes are registered");
    let compiled = compile_with(file, &pipeline, RunOptions { stop_after: Some("reach"), verify: true });
    if let Err(Stop::Verifier { after, errors }) = &compiled.result {
        panic!("IR verifier failed after `{after}`: {errors:?}");
    }
    oort_fuzz::check_spans(&compiled.unit.file, compiled.diagnostics());
    let _ = compiled.render_diagnostics(false);
    let _ = compiled.render_diagnostics(true);
    if !compiled.has_errors() {
        // What `--emit=typecheck` (the typed AST) and `--emit=reach` print.
        let _ = emit(&compiled.unit, &pipeline, "typecheck");
        let _ = emit(&compiled.unit, &pipeline, "reach");
    }
});
