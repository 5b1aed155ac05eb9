//! A pass of your own, plugged into Oort's pipeline.
//!
//! `strength` is a strength-reduction pass over the graph IR: an integer multiplication
//! by a constant power of two becomes a left shift (`x * 8` → `x << 3`), which wraps
//! exactly like the multiplication. It runs after `peephole`, where constants have been
//! propagated.
//!
//! Run it with `cargo run --example custom_pass`: it prints the IR the pass left for a
//! small program, and the program's output. `tests/custom_pass.rs` checks the pass ran.

use oort_cli::ir::{BinOp, Const, Function, Inst, Op, Ty, Var};
use oort_cli::{Optimizations, Pass, PassKind, Pipeline, SourceFile, Unit};
use std::rc::Rc;

pub struct StrengthReduce;

impl Pass for StrengthReduce {
    fn name(&self) -> &'static str {
        "strength"
    }
    fn description(&self) -> &'static str {
        "integer multiplications by powers of two become shifts"
    }
    fn kind(&self) -> PassKind {
        PassKind::Optimization
    }
    fn run(&self, unit: &mut Unit) {
        let Some(module) = unit.ir.as_mut() else { return };
        for f in &mut module.funcs {
            reduce(f);
        }
    }
    fn dump(&self, unit: &Unit) -> String {
        unit.ir_text()
    }
}

/// The power of two a variable holds, if its only assignment is such a constant.
fn power_of_two(f: &Function, v: Var) -> Option<u32> {
    let mut defs = f.blocks.iter().flat_map(|b| &b.insts).map(|&i| f.inst(i)).filter(|i| i.dst == Some(v));
    let (Some(def), None) = (defs.next(), defs.next()) else { return None };
    let n = match def.op {
        Op::Const(Const::I32(n)) if n > 0 => n as u64,
        Op::Const(Const::U32(n)) => n as u64,
        Op::Const(Const::I64(n)) if n > 0 => n as u64,
        Op::Const(Const::U64(n)) => n,
        _ => return None,
    };
    n.is_power_of_two().then(|| n.trailing_zeros())
}

fn reduce(f: &mut Function) {
    for b in 0..f.blocks.len() {
        let mut k = 0;
        while k < f.blocks[b].insts.len() {
            let i: Inst = f.blocks[b].insts[k];
            if let Op::Binary(BinOp::Mul, ty, x, c) = f.inst(i).op
                && ty.is_int()
                && let Some(shift) = power_of_two(f, c)
            {
                // The shift count is a new constant, placed just before the shift.
                let span = f.inst(i).span;
                let count = f.new_var(ty, None);
                let bits = match ty {
                    Ty::I32 => Const::I32(shift as i32),
                    Ty::U32 => Const::U32(shift),
                    Ty::I64 => Const::I64(shift as i64),
                    _ => Const::U64(shift as u64),
                };
                f.insert(oort_cli::ir::Block(b as u32), k, Some(count), Op::Const(bits), span);
                f.insts[i.index()].op = Op::Binary(BinOp::Shl, ty, x, count);
                k += 1;
            }
            k += 1;
        }
    }
}

const PROGRAM: &str = "\
scale (x: int32) -> int32 {
    return x * 8 + x * 3;
}
print scale (5);
print scale (-2147483647);
";

/// The default pipeline with `strength` inserted after `peephole`.
pub fn pipeline() -> Pipeline {
    let reg = oort_cli::registry();
    let mut pipeline = oort_cli::pipeline(&reg, &Optimizations::Default).expect("default passes");
    assert!(pipeline.insert_after("peephole", Rc::new(StrengthReduce)));
    pipeline
}

/// Compiles [`PROGRAM`] up to `strength` and renders that stage; then compiles it fully
/// and runs it. Returns (IR after `strength`, program output).
pub fn demo() -> (String, String) {
    let pipeline = pipeline();
    let source = SourceFile::new("scale.oort", PROGRAM);
    let compiled = oort_cli::compile(source.clone(), &pipeline, Some("strength"));
    assert!(compiled.diagnostics().is_empty(), "{}", compiled.render_diagnostics(false));
    let ir = oort_cli::emit(&compiled.unit, &pipeline, "strength").expect("a stage of the pipeline");
    let mut out = Vec::new();
    oort_cli::compile(source, &pipeline, None).run(Vec::new(), Default::default(), &mut out).expect("the program runs");
    (ir, String::from_utf8(out).expect("UTF-8 output"))
}

fn main() {
    let (ir, output) = demo();
    println!("--- IR after `strength`\n{ir}--- output\n{output}");
}
