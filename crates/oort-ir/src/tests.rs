//! Unit tests of the IR containers, the verifier and the pipeline machinery.

use crate::ir::*;
use crate::pass::{Pass, PassKind, Pipeline, RunOptions, Stop, Unit};
use crate::verify::verify_module;
use oort_syntax::{SourceFile, Span};
use std::rc::Rc;

/// `f0 (v0: i32) -> i32 { bb0: v1 = const.i32 1; v2 = add.i32 v0, v1; ret v2 }`
fn add_one() -> Module {
    let mut f = Function::new("add_one".into(), Span::DUMMY);
    let p = f.new_var(Ty::I32, Some("p".into()));
    f.params = 1;
    f.ret = Some(Ty::I32);
    let one = f.new_var(Ty::I32, None);
    let sum = f.new_var(Ty::I32, None);
    let entry = f.entry;
    f.push(entry, Some(one), Op::Const(Const::I32(1)), Span::DUMMY);
    f.push(entry, Some(sum), Op::Binary(BinOp::Add, Ty::I32, p, one), Span::DUMMY);
    f.set_term(entry, Terminator::Return(Some(sum)), Span::DUMMY);
    Module { funcs: vec![f], classes: Vec::new() }
}

#[test]
fn verifier_accepts_well_formed_module() {
    assert_eq!(verify_module(&add_one()), Ok(()));
}

#[test]
fn verifier_rejects_operand_of_wrong_type() {
    let mut m = add_one();
    m.funcs[0].vars[1].ty = Ty::F64;
    let errs = verify_module(&m).unwrap_err();
    assert!(errs.iter().any(|e| e.contains("v1 has type f64, expected i32")), "{errs:?}");
}

#[test]
fn verifier_rejects_reachable_unreachable_block_and_bad_return() {
    let mut m = add_one();
    let f = &mut m.funcs[0];
    let b = f.new_block();
    f.set_term(f.entry, Terminator::Jump(b), Span::DUMMY);
    let errs = verify_module(&m).unwrap_err();
    assert!(errs.iter().any(|e| e.contains("reachable block ends in unreachable")), "{errs:?}");
    let f = &mut m.funcs[0];
    f.set_term(b, Terminator::Return(None), Span::DUMMY);
    let errs = verify_module(&m).unwrap_err();
    assert!(errs.iter().any(|e| e.contains("no value returned")), "{errs:?}");
}

#[test]
fn verifier_checks_direct_calls() {
    let mut m = add_one();
    let mut main = Function::new("main".into(), Span::DUMMY);
    let x = main.new_var(Ty::F64, None);
    let entry = main.entry;
    main.push(entry, Some(x), Op::Const(Const::F64(1.0)), Span::DUMMY);
    main.push(
        entry,
        None,
        Op::Call { callee: Callee::Direct { func: FnIdx(1), env: None }, args: vec![x] },
        Span::DUMMY,
    );
    main.set_term(entry, Terminator::Return(None), Span::DUMMY);
    m.funcs.insert(0, main);
    let errs = verify_module(&m).unwrap_err();
    assert!(errs.iter().any(|e| e.contains("v0 has type f64, expected i32")), "{errs:?}");
}

#[test]
fn reverse_postorder_lays_out_then_before_else() {
    let mut f = Function::new("f".into(), Span::DUMMY);
    let c = f.new_var(Ty::Bool, None);
    let (then, els, join) = (f.new_block(), f.new_block(), f.new_block());
    let entry = f.entry;
    f.push(entry, Some(c), Op::Const(Const::Bool(true)), Span::DUMMY);
    f.set_term(entry, Terminator::Branch { cond: c, then, els }, Span::DUMMY);
    f.set_term(then, Terminator::Jump(join), Span::DUMMY);
    f.set_term(els, Terminator::Jump(join), Span::DUMMY);
    f.set_term(join, Terminator::Return(None), Span::DUMMY);
    let unreachable = f.new_block();
    let order = f.reverse_postorder();
    assert_eq!(order, vec![entry, then, els, join]);
    assert!(!order.contains(&unreachable));
    assert_eq!(f.predecessors()[join.index()], vec![then, els]);
}

#[test]
fn printer_output_is_stable() {
    let text = crate::print::module_to_string(&add_one());
    assert_eq!(
        text,
        "function f0 add_one (v0: i32) -> i32 {\n    v0: i32 p\n    v1: i32\n    v2: i32\nbb0:\n    v1 = const.i32 1\n    v2 = add.i32 v0, v1\n    ret v2\n}\n"
    );
}

/// A pass that records that it ran by adding a warning.
struct Marker(&'static str);

impl Pass for Marker {
    fn name(&self) -> &'static str {
        self.0
    }
    fn description(&self) -> &'static str {
        "test marker"
    }
    fn kind(&self) -> PassKind {
        PassKind::Check
    }
    fn run(&self, unit: &mut Unit) {
        unit.diags.push(oort_syntax::Diagnostic::new(oort_syntax::Code::UnusedVariable, Span::DUMMY, self.0));
    }
    fn dump(&self, _: &Unit) -> String {
        String::new()
    }
}

#[test]
fn pipeline_insert_remove_and_stop_after() {
    let mut p = Pipeline::new(vec![Rc::new(Marker("a")), Rc::new(Marker("c"))]);
    assert!(p.insert_after("a", Rc::new(Marker("b"))));
    assert!(p.insert_before("a", Rc::new(Marker("start"))));
    assert!(!p.insert_before("nope", Rc::new(Marker("x"))));
    assert_eq!(p.names(), ["start", "a", "b", "c"]);
    assert!(p.remove("start"));
    assert!(!p.remove("start"));
    let mut unit = Unit::parse(SourceFile::new("t.oort", ""));
    assert_eq!(p.run(&mut unit, RunOptions { stop_after: Some("b"), verify: true, free_front_end: false }), Ok(()));
    let ran: Vec<_> = unit.diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(ran, ["a", "b"]);
}

#[test]
fn pipeline_stops_on_syntax_errors() {
    let p = Pipeline::new(vec![Rc::new(Marker("a"))]);
    let mut unit = Unit::parse(SourceFile::new("t.oort", "print ;"));
    assert_eq!(p.run(&mut unit, RunOptions::default()), Err(Stop::Errors { after: "parse" }));
}
