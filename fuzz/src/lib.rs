//! What the fuzz targets share: turning the fuzzer's bytes into a source file, the checks
//! every target makes on diagnostics, and running a compiled program with small limits.
//!
//! A target fails (and libFuzzer saves the input) on a panic, a sanitizer report, a
//! timeout or running out of memory; the checks here turn broken invariants into panics.

use oort_cli::{Diagnostic, SourceFile, VmOptions};
use oort_vm::{Program, Vm};
use std::io::Write;

/// The input as a source file, as the `oort` command reads one: bytes that are not UTF-8
/// are a usage error there, before the compiler sees them, so they are skipped here.
pub fn source(data: &[u8]) -> Option<SourceFile> {
    std::str::from_utf8(data).ok().map(|text| SourceFile::new("fuzz.oort", text))
}

/// Every span of every diagnostic is a range of the text on character boundaries: the
/// renderer clamps spans past the end, which would otherwise hide a wrong one.
pub fn check_spans(file: &SourceFile, diags: &[Diagnostic]) {
    let text = &file.text;
    for d in diags {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            let (lo, hi) = (span.lo as usize, span.hi as usize);
            assert!(
                lo <= hi && hi <= text.len() && text.is_char_boundary(lo) && text.is_char_boundary(hi),
                "diagnostic `{}` ({}) has span {lo}..{hi} in a text of {} bytes",
                d.message,
                d.code.id(),
                text.len()
            );
        }
    }
}

/// The limits a fuzzed program runs with: small enough that a run takes milliseconds.
pub fn vm_options(max_instructions: u64, gc_stress: bool) -> VmOptions {
    VmOptions {
        max_stack: 1 << 20,
        max_heap: 16 << 20,
        gc_stress,
        count_instructions: false,
        max_instructions: Some(max_instructions),
    }
}

/// Bytes of output a fuzzed program may print; past them `print` fails ("output error").
pub const OUTPUT_CAP: usize = 64 << 10;

/// A writer that keeps at most [`OUTPUT_CAP`] bytes and then fails.
#[derive(Default)]
pub struct Capped(pub Vec<u8>);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > OUTPUT_CAP {
            return Err(std::io::Error::other("output cap reached"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    Ok,
    /// A runtime error of the program: message, line, column.
    Error(String, u32, u32),
    /// A limit of [`vm_options`] or the output cap was reached: where a run stops then
    /// depends on how much each instruction does, so it differs between optimization
    /// levels.
    Limit(String),
}

/// Runs `program` (compiled from `file`); returns what it printed and how it ended.
/// Renders a runtime error as the `oort` command does.
pub fn run(file: &SourceFile, program: &Program, options: VmOptions) -> (Vec<u8>, End) {
    let mut vm = match Vm::new(program.clone(), Vec::new(), options) {
        Ok(vm) => vm,
        Err(e) => panic!("the VM rejected the bytecode of a program compiled without errors: {e}"),
    };
    let mut out = Capped::default();
    let end = match vm.run(&mut out) {
        Ok(()) => End::Ok,
        Err(e) => {
            let _ = oort_cli::render::runtime_error(file, &e.message, e.line, e.col);
            let limit = ["instruction limit exceeded", "stack overflow", "out of memory", "output error"];
            if limit.iter().any(|l| e.message.starts_with(l)) {
                End::Limit(e.message)
            } else {
                End::Error(e.message, e.line, e.col)
            }
        }
    };
    (out.0, end)
}
