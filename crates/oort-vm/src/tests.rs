//! End-to-end tests: programs built with the builder API, run by the interpreter.

use crate::heap;
use crate::*;

use RegKind::{Ref, Value};

/// Run once; also returns the VM (for its heap and statistics).
fn run_vm(p: Program, options: VmOptions) -> (String, Result<(), RuntimeError>, Vm) {
    let mut vm = Vm::new(p, vec!["a1".into(), "b2".into()], options).expect("program verifies");
    let loaded = vm.gc_stats().objects_allocated_total;
    let mut out = Vec::new();
    let r = vm.run(&mut out);
    let st = vm.gc_stats();
    if vm.options().gc_stress {
        assert!(st.collections >= st.objects_allocated_total - loaded, "stress mode collects at every allocation");
    }
    (String::from_utf8(out).unwrap(), r, vm)
}

/// Run normally and in GC stress mode (a collection at every allocation, each checking in
/// debug builds that every traced reference is a live object); both must behave the same.
fn run_program_with(p: Program, options: VmOptions) -> (String, Result<(), RuntimeError>) {
    let (out, r, _) = run_vm(p.clone(), options.clone());
    let (sout, sr, _) = run_vm(p, VmOptions { gc_stress: true, ..options });
    assert_eq!((&out, &r), (&sout, &sr), "stress mode changed the outcome");
    (out, r)
}

fn run_program(p: Program) -> (String, Result<(), RuntimeError>) {
    run_program_with(p, VmOptions::default())
}

/// Build a program whose only function is `main`, built by `f`, and run it.
fn run_main(f: impl FnOnce(&mut FunctionBuilder)) -> (String, Result<(), RuntimeError>) {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut b = FunctionBuilder::new("main", &[]);
    f(&mut b);
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    run_program(pb.finish(main).unwrap())
}

fn ok_output(r: (String, Result<(), RuntimeError>)) -> String {
    r.1.expect("program succeeds");
    r.0
}

/// Emit `tostr.<kind>` + `print` of `src`.
fn print(b: &mut FunctionBuilder, src: Reg, kind: ElemKind) {
    let s = b.alloc_reg(Ref);
    let i = match kind {
        ElemKind::Bool => Instr::ToStrBool { dst: s, src },
        ElemKind::I32 => Instr::ToStrI32 { dst: s, src },
        ElemKind::U32 => Instr::ToStrU32 { dst: s, src },
        ElemKind::I64 => Instr::ToStrI64 { dst: s, src },
        ElemKind::U64 => Instr::ToStrU64 { dst: s, src },
        ElemKind::F64 => Instr::ToStrF64 { dst: s, src },
        ElemKind::Ref => Instr::ToStrRef { dst: s, src },
    };
    b.emit(i);
    b.emit(Instr::Print { src: s });
}

type BinFn = fn(Reg, Reg, Reg) -> Instr;

/// Compute `op(x, y)` on slot bits and print the result as `out_kind`.
fn binop(b: &mut FunctionBuilder, op: BinFn, x: u64, y: u64, out_kind: ElemKind) {
    let (rx, ry, rd) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_int(rx, x);
    b.load_int(ry, y);
    b.emit(op(rd, rx, ry));
    print(b, rd, out_kind);
}

fn f64op(b: &mut FunctionBuilder, op: BinFn, x: f64, y: f64, out_kind: ElemKind) {
    binop(b, op, x.to_bits(), y.to_bits(), out_kind)
}

fn unop(b: &mut FunctionBuilder, op: fn(Reg, Reg) -> Instr, x: u64, out_kind: ElemKind) {
    let (rx, rd) = (b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_int(rx, x);
    b.emit(op(rd, rx));
    print(b, rd, out_kind);
}

macro_rules! b3 {
    ($v:ident) => {
        |dst, a, b| Instr::$v { dst, a, b }
    };
}
macro_rules! u2 {
    ($v:ident) => {
        |dst, src| Instr::$v { dst, src }
    };
}

#[test]
fn integer_arithmetic_wraps() {
    use ElemKind::*;
    let out = ok_output(run_main(|b| {
        let i32b = |x: i32| x as i64 as u64;
        binop(b, b3!(AddI32), i32b(i32::MAX), i32b(1), I32);
        binop(b, b3!(SubI32), i32b(i32::MIN), i32b(1), I32);
        binop(b, b3!(MulI32), i32b(65536), i32b(65536), I32);
        binop(b, b3!(DivI32), i32b(i32::MIN), i32b(-1), I32);
        binop(b, b3!(RemI32), i32b(i32::MIN), i32b(-1), I32);
        binop(b, b3!(DivI32), i32b(-7), i32b(2), I32);
        binop(b, b3!(RemI32), i32b(-7), i32b(2), I32);
        unop(b, u2!(NegI32), i32b(i32::MIN), I32);
        binop(b, b3!(SubU32), 0, 1, U32);
        binop(b, b3!(MulU32), 0x10000, 0x10000, U32);
        binop(b, b3!(DivU32), 0xffff_ffff, 2, U32);
        unop(b, u2!(NegU32), 1, U32);
        binop(b, b3!(AddI64), i64::MAX as u64, 1, I64);
        binop(b, b3!(DivI64), i64::MIN as u64, -1i64 as u64, I64);
        binop(b, b3!(RemI64), -7i64 as u64, 3, I64);
        binop(b, b3!(SubU64), 0, 1, U64);
        binop(b, b3!(DivU64), u64::MAX, 10, U64);
        binop(b, b3!(RemU64), u64::MAX, 10, U64);
    }));
    assert_eq!(
        out,
        "-2147483648\n2147483647\n0\n-2147483648\n0\n-3\n-1\n-2147483648\n\
         4294967295\n0\n2147483647\n4294967295\n\
         -9223372036854775808\n-9223372036854775808\n-1\n\
         18446744073709551615\n1844674407370955161\n5\n"
    );
}

#[test]
fn bit_operations_and_shifts() {
    use ElemKind::*;
    let out = ok_output(run_main(|b| {
        let i32b = |x: i32| x as i64 as u64;
        binop(b, b3!(ShrI32), i32b(-8), 1, I32);
        binop(b, b3!(ShlI32), 1, 33, I32);
        binop(b, b3!(ShlI32), 1, 31, I32);
        binop(b, b3!(ShrU32), 0x8000_0000, 31, U32);
        binop(b, b3!(ShlU32), 3, 31, U32);
        binop(b, b3!(ShrI64), -1i64 as u64, 63, I64);
        binop(b, b3!(ShrU64), u64::MAX, 63, U64);
        binop(b, b3!(ShlI64), 1, 65, I64);
        binop(b, b3!(AndI32), 12, 10, I32);
        binop(b, b3!(OrU32), 12, 10, U32);
        binop(b, b3!(XorI64), 12, 10, I64);
        binop(b, b3!(AndU64), u64::MAX, 0xff, U64);
        unop(b, u2!(NotI32), 0, I32);
        unop(b, u2!(NotU32), 0, U32);
        unop(b, u2!(NotU64), 0, U64);
        unop(b, u2!(NotBool), 0, Bool);
    }));
    assert_eq!(
        out,
        "-4\n2\n-2147483648\n1\n2147483648\n-1\n1\n2\n8\n14\n6\n255\n-1\n4294967295\n18446744073709551615\ntrue\n"
    );
}

#[test]
fn doubles_comparisons_and_conversions() {
    use ElemKind::*;
    let out = ok_output(run_main(|b| {
        f64op(b, b3!(AddF64), 0.1, 0.2, F64);
        f64op(b, b3!(DivF64), 1.0, 0.0, F64);
        f64op(b, b3!(DivF64), 0.0, 0.0, F64);
        f64op(b, b3!(RemF64), 7.5, 2.0, F64);
        f64op(b, b3!(MulF64), 1e200, 1e200, F64);
        unop(b, u2!(NegF64), 0.0f64.to_bits(), F64);
        f64op(b, b3!(EqF64), f64::NAN, f64::NAN, Bool);
        f64op(b, b3!(NeF64), f64::NAN, f64::NAN, Bool);
        f64op(b, b3!(LtF64), 1.0, 2.0, Bool);
        binop(b, b3!(LtI32), -1i64 as u64, 1, Bool);
        binop(b, b3!(LtU32), 0xffff_ffff, 1, Bool);
        binop(b, b3!(GeI64), 5, 5, Bool);
        binop(b, b3!(GtU64), u64::MAX, 0, Bool);
        binop(b, b3!(NeBool), 1, 0, Bool);
        unop(b, u2!(CvtF64I32), 1e10f64.to_bits(), I32);
        unop(b, u2!(CvtF64I32), f64::NAN.to_bits(), I32);
        unop(b, u2!(CvtF64I32), (-1.9f64).to_bits(), I32);
        unop(b, u2!(CvtF64U32), (-5.0f64).to_bits(), U32);
        unop(b, u2!(CvtF64I64), f64::INFINITY.to_bits(), I64);
        unop(b, u2!(CvtF64U64), 1e30f64.to_bits(), U64);
        unop(b, u2!(CvtI32U32), -1i64 as u64, U32);
        unop(b, u2!(CvtI32I64), -1i64 as u64, I64);
        unop(b, u2!(CvtI32U64), -1i64 as u64, U64);
        unop(b, u2!(CvtI32F64), -3i64 as u64, F64);
        unop(b, u2!(CvtU32I32), 0xffff_ffff, I32);
        unop(b, u2!(CvtU32F64), 0xffff_ffff, F64);
        unop(b, u2!(CvtI64I32), 0x1_0000_0005, I32);
        unop(b, u2!(CvtU64F64), u64::MAX, F64);
        unop(b, u2!(CvtI64F64), 1 << 53, F64);
        unop(b, u2!(CvtU64I64), u64::MAX, I64);
    }));
    assert_eq!(
        out,
        "0.30000000000000004\ninf\nnan\n1.5\ninf\n-0.0\nfalse\ntrue\ntrue\ntrue\nfalse\ntrue\ntrue\ntrue\n\
         2147483647\n0\n-1\n0\n9223372036854775807\n18446744073709551615\n\
         4294967295\n-1\n18446744073709551615\n-3.0\n-1\n4294967295.0\n5\n1.8446744073709552e+19\n\
         9007199254740992.0\n-1\n"
    );
}

#[test]
fn division_by_zero_reports_position() {
    let (out, r) = run_main(|b| {
        let (x, z, d) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
        b.set_span(1, 1);
        b.load_i32(x, 7);
        print(b, x, ElemKind::I32);
        b.load_i32(z, 0);
        b.set_span(4, 9);
        b.emit(Instr::DivI32 { dst: d, a: x, b: z });
        print(b, d, ElemKind::I32);
    });
    assert_eq!(out, "7\n");
    assert_eq!(r, Err(RuntimeError { message: "division by zero".into(), line: 4, col: 9 }));
    for op in [b3!(RemU32), b3!(DivI64), b3!(RemU64)] {
        let (_, r) = run_main(|b| binop(b, op, 1, 0, ElemKind::I64));
        assert_eq!(r.unwrap_err().message, "division by zero");
    }
}

/// `fib (n: int32) -> int32 { if (n < 2) return n; return fib (n-1) + fib (n-2); }`
fn fib_program(n: i32) -> Program {
    let mut pb = ProgramBuilder::new("fib.oort");
    let fib = pb.declare("fib");
    let mut b = FunctionBuilder::new("fib", &[Value]);
    let n_reg = b.param(0);
    let (k, t, x, y) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
    let w = b.alloc_window(&[Value]);
    let arg = Reg(w.0 + 1);
    let rec = b.new_label();
    b.load_i32(k, 2);
    b.emit(Instr::LtI32 { dst: t, a: n_reg, b: k });
    b.jump_if_not(t, rec);
    b.emit(Instr::Ret { src: n_reg });
    b.bind(rec);
    b.load_i32(k, 1);
    b.emit(Instr::SubI32 { dst: arg, a: n_reg, b: k });
    b.emit(Instr::LoadNull { dst: w });
    b.emit(Instr::CallDirect { dst: x, func: fib, base: w, nargs: 1 });
    b.load_i32(k, 2);
    b.emit(Instr::SubI32 { dst: arg, a: n_reg, b: k });
    b.emit(Instr::LoadNull { dst: w });
    b.emit(Instr::CallDirect { dst: y, func: fib, base: w, nargs: 1 });
    b.emit(Instr::AddI32 { dst: x, a: x, b: y });
    b.emit(Instr::Ret { src: x });
    pb.define(fib, b.finish().unwrap());

    let mut m = FunctionBuilder::new("main", &[]);
    let r = m.alloc_reg(Value);
    let w = m.alloc_window(&[Value]);
    m.load_i32(Reg(w.0 + 1), n);
    m.emit(Instr::LoadNull { dst: w });
    m.emit(Instr::CallDirect { dst: r, func: fib, base: w, nargs: 1 });
    print(&mut m, r, ElemKind::I32);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn recursive_fib() {
    assert_eq!(ok_output(run_program(fib_program(20))), "6765\n");
}

/// `make_counter () -> fn () -> int32 { c := 0; return fn () { c++; return c; }; }`,
/// with a second, nested env level (`step` captured one scope further out).
fn counter_program() -> Program {
    let mut pb = ProgramBuilder::new("counter.oort");
    let outer_layout = pb.env_layout(&[Value]); // step
    let inner_layout = pb.env_layout(&[Value]); // c
    let inc = pb.declare("inc");
    let make = pb.declare("make_counter");

    let mut b = FunctionBuilder::new("inc", &[]);
    let (e, v, s) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value));
    b.emit(Instr::GetClosureEnv { dst: e });
    b.emit(Instr::EnvGet { dst: v, env: e, depth: 0, slot: 0 });
    b.emit(Instr::EnvGet { dst: s, env: e, depth: 1, slot: 0 });
    b.emit(Instr::AddI32 { dst: v, a: v, b: s });
    b.emit(Instr::EnvSet { env: e, depth: 0, slot: 0, src: v });
    b.emit(Instr::Ret { src: v });
    pb.define(inc, b.finish().unwrap());

    let mut b = FunctionBuilder::new("make_counter", &[Value]);
    let step = b.param(0);
    let (outer, inner, z, c) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Ref));
    let null = b.alloc_reg(Ref);
    b.emit(Instr::LoadNull { dst: null });
    b.emit(Instr::NewEnv { dst: outer, parent: null, layout: outer_layout });
    b.emit(Instr::EnvSet { env: outer, depth: 0, slot: 0, src: step });
    b.emit(Instr::NewEnv { dst: inner, parent: outer, layout: inner_layout });
    b.load_i32(z, 0);
    b.emit(Instr::EnvSet { env: inner, depth: 0, slot: 0, src: z });
    b.emit(Instr::NewClosure { dst: c, func: inc, env: inner });
    b.emit(Instr::Ret { src: c });
    pb.define(make, b.finish().unwrap());

    let mut m = FunctionBuilder::new("main", &[]);
    let (c1, c2, r) = (m.alloc_reg(Ref), m.alloc_reg(Ref), m.alloc_reg(Value));
    let w = m.alloc_window(&[Value]);
    for (dst, step) in [(c1, 1), (c2, 10)] {
        m.emit(Instr::LoadNull { dst: w });
        m.load_i32(Reg(w.0 + 1), step);
        m.emit(Instr::CallDirect { dst, func: make, base: w, nargs: 1 });
    }
    for c in [c1, c1, c2, c1, c2] {
        m.emit(Instr::Move { dst: w, src: c });
        m.emit(Instr::Call { dst: r, base: w, nargs: 0 });
        print(&mut m, r, ElemKind::I32);
    }
    print(&mut m, c1, ElemKind::Ref);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn closures_with_environments() {
    assert_eq!(ok_output(run_program(counter_program())), "1\n2\n10\n3\n20\n<fn>\n");
}

#[test]
fn calling_null_closure_is_null_dereference() {
    let (_, r) = run_main(|b| {
        let w = b.alloc_window(&[]);
        b.set_span(3, 4);
        b.emit(Instr::LoadNull { dst: w });
        b.emit(Instr::Call { dst: w, base: w, nargs: 0 });
    });
    assert_eq!(r, Err(RuntimeError { message: "null dereference".into(), line: 3, col: 4 }));
}

/// `[v0, v1, ...]` of ints.
fn int_array(b: &mut FunctionBuilder, elem: ElemKind, vals: &[i32]) -> Reg {
    let (a, n, i, v) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_i32(n, vals.len() as i32);
    b.emit(Instr::NewArray { dst: a, elem, len: n });
    for (k, &x) in vals.iter().enumerate() {
        b.load_i32(i, k as i32);
        b.load_i32(v, x);
        b.emit(Instr::ArraySet { arr: a, idx: i, src: v });
    }
    a
}

#[test]
fn arrays_and_printing() {
    let out = ok_output(run_main(|b| {
        let a = int_array(b, ElemKind::I32, &[1, 2, 3]);
        print(b, a, ElemKind::Ref);
        let (i, v, n) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
        b.load_i32(i, 1);
        b.emit(Instr::ArrayGet { dst: v, arr: a, idx: i });
        print(b, v, ElemKind::I32);
        b.emit(Instr::ArrayLen { dst: n, arr: a });
        print(b, n, ElemKind::I32);
        let bools = int_array(b, ElemKind::Bool, &[1, 0]);
        print(b, bools, ElemKind::Ref);
        let empty = int_array(b, ElemKind::F64, &[]);
        print(b, empty, ElemKind::Ref);
        let d = int_array(b, ElemKind::F64, &[0, 0]);
        let x = b.alloc_reg(Value);
        b.load_f64(x, 2.5);
        b.emit(Instr::ArraySet { arr: d, idx: i, src: x });
        print(b, d, ElemKind::Ref);
        // [[1, 2, 3], "s", null, <fn>, [...itself]]
        let (outer, len, s, nul) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Ref), b.alloc_reg(Ref));
        b.load_i32(len, 5);
        b.emit(Instr::NewArray { dst: outer, elem: ElemKind::Ref, len });
        b.load_i32(i, 0);
        b.emit(Instr::ArraySet { arr: outer, idx: i, src: a });
        b.load_i32(i, 1);
        b.load_str(s, "s");
        b.emit(Instr::ArraySet { arr: outer, idx: i, src: s });
        b.load_i32(i, 3);
        b.emit(Instr::LoadNull { dst: nul });
        b.emit(Instr::NewClosure { dst: s, func: FuncId(0), env: nul });
        b.emit(Instr::ArraySet { arr: outer, idx: i, src: s });
        b.load_i32(i, 4);
        b.emit(Instr::ArraySet { arr: outer, idx: i, src: outer });
        print(b, outer, ElemKind::Ref);
        print(b, nul, ElemKind::Ref);
        let args = b.alloc_reg(Ref);
        b.emit(Instr::CallBuiltin { dst: args, builtin: Builtin::Args, base: args, nargs: 0 });
        print(b, args, ElemKind::Ref);
    }));
    assert_eq!(
        out,
        "[1, 2, 3]\n2\n3\n[true, false]\n[]\n[0.0, 2.5]\n\
         [[1, 2, 3], \"s\", null, <fn>, [...]]\nnull\n[\"a1\", \"b2\"]\n"
    );
}

#[test]
fn array_errors() {
    let index_err = |idx: i32| {
        run_main(|b| {
            let a = int_array(b, ElemKind::I32, &[1, 2, 3]);
            let (i, v) = (b.alloc_reg(Value), b.alloc_reg(Value));
            b.load_i32(i, idx);
            b.set_span(7, 3);
            b.emit(Instr::ArrayGet { dst: v, arr: a, idx: i });
        })
        .1
    };
    assert_eq!(
        index_err(3),
        Err(RuntimeError { message: "index out of bounds: index 3, length 3".into(), line: 7, col: 3 })
    );
    assert_eq!(index_err(-1).unwrap_err().message, "index out of bounds: index -1, length 3");
    let (_, r) = run_main(|b| {
        let (a, i) = (b.alloc_reg(Ref), b.alloc_reg(Value));
        b.emit(Instr::LoadNull { dst: a });
        b.load_i32(i, 0);
        b.emit(Instr::ArraySet { arr: a, idx: i, src: i });
    });
    assert_eq!(r.unwrap_err().message, "null dereference");
    let (_, r) = run_main(|b| {
        let (a, n) = (b.alloc_reg(Ref), b.alloc_reg(Value));
        b.load_i32(n, -2);
        b.emit(Instr::NewArray { dst: a, elem: ElemKind::I32, len: n });
    });
    assert_eq!(r.unwrap_err().message, "negative array length: -2");
    let (_, r) = run_main(|b| {
        let (a, n) = (b.alloc_reg(Ref), b.alloc_reg(Value));
        b.load_i32(n, i32::MAX);
        b.emit(Instr::NewArray { dst: a, elem: ElemKind::I32, len: n });
    });
    assert!(r.is_ok() || r.unwrap_err().message == "out of memory");
}

#[test]
fn out_of_memory_is_an_error() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut b = FunctionBuilder::new("main", &[]);
    let (a, n) = (b.alloc_reg(Ref), b.alloc_reg(Value));
    b.load_i32(n, 1 << 20);
    b.emit(Instr::NewArray { dst: a, elem: ElemKind::I32, len: n });
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    let p = pb.finish(main).unwrap();
    let (_, r) = run_program_with(p, VmOptions { max_heap: 1 << 20, ..VmOptions::default() });
    assert_eq!(r.unwrap_err().message, "out of memory");
}

fn call_builtin(b: &mut FunctionBuilder, builtin: Builtin, args: &[Reg]) -> Reg {
    let kinds: Vec<RegKind> = builtin.arg_kinds().to_vec();
    let base = b.nregs() as u16;
    for &k in &kinds {
        b.alloc_reg(k);
    }
    for (i, &a) in args.iter().enumerate() {
        b.emit(Instr::Move { dst: Reg(base + i as u16), src: a });
    }
    let dst = b.alloc_reg(builtin.result_kind());
    b.emit(Instr::CallBuiltin {
        dst,
        builtin,
        base: Reg(if kinds.is_empty() { dst.0 } else { base }),
        nargs: args.len() as u8,
    });
    dst
}

#[test]
fn strings() {
    let out = ok_output(run_main(|b| {
        let (s, t, u, n, i, j) = (
            b.alloc_reg(Ref),
            b.alloc_reg(Ref),
            b.alloc_reg(Ref),
            b.alloc_reg(Value),
            b.alloc_reg(Value),
            b.alloc_reg(Value),
        );
        b.load_str(s, "hello, ");
        b.load_str(t, "world");
        b.emit(Instr::Concat { dst: u, a: s, b: t });
        b.emit(Instr::Print { src: u });
        b.emit(Instr::StrLen { dst: n, s: u });
        print(b, n, ElemKind::I32);
        b.load_i32(i, 1);
        b.emit(Instr::StrIndex { dst: n, s: u, idx: i });
        print(b, n, ElemKind::I32);
        b.load_i32(j, 5);
        let sub = call_builtin(b, Builtin::Substring, &[u, i, j]);
        b.emit(Instr::Print { src: sub });
        // content equality vs identity
        let ello = b.alloc_reg(Ref);
        b.load_str(ello, "ello");
        b.emit(Instr::EqStr { dst: n, a: sub, b: ello });
        print(b, n, ElemKind::Bool);
        b.emit(Instr::EqRef { dst: n, a: sub, b: ello });
        print(b, n, ElemKind::Bool);
        b.emit(Instr::NeStr { dst: n, a: sub, b: t });
        print(b, n, ElemKind::Bool);
        let nul = b.alloc_reg(Ref);
        b.emit(Instr::LoadNull { dst: nul });
        b.emit(Instr::EqStr { dst: n, a: nul, b: nul });
        print(b, n, ElemKind::Bool);
        b.emit(Instr::EqStr { dst: n, a: nul, b: t });
        print(b, n, ElemKind::Bool);
        // str() of scalars, concatenated
        b.load_f64(n, 1e16);
        b.emit(Instr::ToStrF64 { dst: s, src: n });
        b.load_bool(n, true);
        b.emit(Instr::ToStrBool { dst: t, src: n });
        b.emit(Instr::Concat { dst: u, a: s, b: t });
        b.emit(Instr::Print { src: u });
        b.emit(Instr::Print { src: nul });
        // chr and parse_int
        b.load_i32(n, 65);
        let c = call_builtin(b, Builtin::Chr, &[n]);
        b.emit(Instr::Print { src: c });
        b.load_str(s, "-9223372036854775808");
        let p = call_builtin(b, Builtin::ParseInt, &[s]);
        print(b, p, ElemKind::I64);
        b.load_str(s, "+42");
        let p = call_builtin(b, Builtin::ParseInt, &[s]);
        print(b, p, ElemKind::I64);
        // identity_hash is stable
        let h1 = call_builtin(b, Builtin::IdentityHash, &[s]);
        let h2 = call_builtin(b, Builtin::IdentityHash, &[s]);
        b.emit(Instr::EqI32 { dst: n, a: h1, b: h2 });
        print(b, n, ElemKind::Bool);
    }));
    assert_eq!(
        out,
        "hello, world\n12\n101\nello\ntrue\nfalse\ntrue\ntrue\nfalse\n1e+16true\nnull\nA\n-9223372036854775808\n42\ntrue\n"
    );
}

#[test]
fn string_equality_of_other_references_is_identity() {
    // `eq.str` compares two strings by content and any other pair by identity, so it
    // may be given `object` operands holding anything.
    let out = ok_output(run_main(|b| {
        let (s, t, n) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Value));
        let a = int_array(b, ElemKind::I32, &[1, 2]);
        let c = int_array(b, ElemKind::I32, &[1, 2]);
        b.load_str(s, "ab");
        b.load_str(t, "a");
        let u = b.alloc_reg(Ref);
        let k = b.alloc_reg(Ref);
        b.load_str(k, "b");
        b.emit(Instr::Concat { dst: u, a: t, b: k });
        for (x, y) in [(s, u), (s, a), (a, s), (a, a), (a, c)] {
            b.emit(Instr::EqStr { dst: n, a: x, b: y });
            print(b, n, ElemKind::Bool);
        }
        b.emit(Instr::NeStr { dst: n, a, b: c });
        print(b, n, ElemKind::Bool);
    }));
    assert_eq!(out, "true\nfalse\nfalse\ntrue\nfalse\ntrue\n");
}

#[test]
fn string_errors() {
    let substring = |from: i32, to: i32| {
        run_main(|b| {
            let (s, i, j) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value));
            b.load_str(s, "abc");
            b.load_i32(i, from);
            b.load_i32(j, to);
            let r = call_builtin(b, Builtin::Substring, &[s, i, j]);
            b.emit(Instr::Print { src: r });
        })
    };
    assert_eq!(substring(0, 3).0, "abc\n");
    assert_eq!(substring(3, 3).0, "\n");
    assert_eq!(substring(2, 1).1.unwrap_err().message, "index out of bounds: substring (2, 1) of length 3");
    assert_eq!(substring(-1, 1).1.unwrap_err().message, "index out of bounds: substring (-1, 1) of length 3");
    assert_eq!(substring(0, 4).1.unwrap_err().message, "index out of bounds: substring (0, 4) of length 3");
    let parse = |text: &str| {
        run_main(|b| {
            let s = b.alloc_reg(Ref);
            b.load_str(s, text);
            let p = call_builtin(b, Builtin::ParseInt, &[s]);
            print(b, p, ElemKind::I64);
        })
        .1
    };
    for bad in ["", "-", "12a", " 1", "9223372036854775808", "0x10"] {
        assert_eq!(parse(bad).unwrap_err().message, format!("malformed integer in parse_int: \"{bad}\""));
    }
    let (_, r) = run_main(|b| {
        let n = b.alloc_reg(Value);
        b.load_i32(n, 256);
        call_builtin(b, Builtin::Chr, &[n]);
    });
    assert_eq!(r.unwrap_err().message, "chr out of range: 256");
    let (_, r) = run_main(|b| {
        let (s, i, v) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value));
        b.load_str(s, "ab");
        b.load_i32(i, 2);
        b.emit(Instr::StrIndex { dst: v, s, idx: i });
    });
    assert_eq!(r.unwrap_err().message, "index out of bounds: index 2, length 2");
}

#[test]
fn math_builtins() {
    let out = ok_output(run_main(|b| {
        let x = b.alloc_reg(Value);
        b.load_f64(x, 2.0);
        for bi in [Builtin::Sqrt, Builtin::Floor, Builtin::Exp, Builtin::Log, Builtin::Sin, Builtin::Cos] {
            let r = call_builtin(b, bi, &[x]);
            print(b, r, ElemKind::F64);
        }
        let y = b.alloc_reg(Value);
        b.load_f64(y, 10.0);
        let r = call_builtin(b, Builtin::Pow, &[x, y]);
        print(b, r, ElemKind::F64);
        let t = call_builtin(b, Builtin::ClockUs, &[]);
        let z = b.alloc_reg(Value);
        b.load_i32(z, 0);
        b.emit(Instr::GeI64 { dst: z, a: t, b: z });
        print(b, z, ElemKind::Bool);
    }));
    let want: Vec<String> = [2f64.sqrt(), 2f64.floor(), 2f64.exp(), 2f64.ln(), 2f64.sin(), 2f64.cos(), 1024.0]
        .iter()
        .map(|&x| crate::format::format_f64(x) + "\n")
        .collect();
    assert_eq!(out, want.concat() + "true\n");
}

/// `down (n) -> int32 { if (n == 0) return 0; return down (n - 1) + 1; }` called with `depth`.
fn deep_program(depth: i32, unbounded: bool) -> Program {
    let mut pb = ProgramBuilder::new("deep.oort");
    let down = pb.declare("down");
    let mut b = FunctionBuilder::new("down", &[Value]);
    let n = b.param(0);
    let (k, t) = (b.alloc_reg(Value), b.alloc_reg(Value));
    let w = b.alloc_window(&[Value]);
    let rec = b.new_label();
    b.load_i32(k, 0);
    b.emit(Instr::EqI32 { dst: t, a: n, b: k });
    if !unbounded {
        b.jump_if_not(t, rec);
        b.emit(Instr::Ret { src: k });
    }
    b.bind(rec);
    b.load_i32(k, 1);
    b.emit(Instr::SubI32 { dst: Reg(w.0 + 1), a: n, b: k });
    b.emit(Instr::LoadNull { dst: w });
    b.set_span(5, 12);
    b.emit(Instr::CallDirect { dst: t, func: down, base: w, nargs: 1 });
    b.emit(Instr::AddI32 { dst: t, a: t, b: k });
    b.emit(Instr::Ret { src: t });
    pb.define(down, b.finish().unwrap());
    let mut m = FunctionBuilder::new("main", &[]);
    let r = m.alloc_reg(Value);
    let w = m.alloc_window(&[Value]);
    m.load_i32(Reg(w.0 + 1), depth);
    m.emit(Instr::LoadNull { dst: w });
    m.emit(Instr::CallDirect { dst: r, func: down, base: w, nargs: 1 });
    print(&mut m, r, ElemKind::I32);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn deep_recursion_works() {
    assert_eq!(ok_output(run_program(deep_program(100_000, false))), "100000\n");
}

#[test]
fn unbounded_recursion_is_stack_overflow() {
    let (out, r) = run_program_with(deep_program(1, true), VmOptions { max_stack: 1 << 20, ..VmOptions::default() });
    assert_eq!(out, "");
    assert_eq!(r, Err(RuntimeError { message: "stack overflow".into(), line: 5, col: 12 }));
}

#[test]
fn unbounded_recursion_with_default_stack() {
    let (_, r) = run_program(deep_program(1, true));
    assert_eq!(r.unwrap_err().message, "stack overflow");
}

#[test]
fn vm_rejects_unverified_programs() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut b = FunctionBuilder::new("main", &[]);
    let v = b.alloc_reg(Value);
    b.emit(Instr::Print { src: v });
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    let err = Vm::new(pb.finish(main).unwrap(), vec![], VmOptions::default()).unwrap_err();
    let LoadError::Verify(errs) = err else { panic!("expected a verify error") };
    assert_eq!(errs[0].to_string(), "main @0000: print reads r0 as a reference, but it is a Value register");
}

#[test]
fn string_constants_are_interned_once() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut g = FunctionBuilder::new("g", &[]);
    let s = g.alloc_reg(Ref);
    g.load_str(s, "same");
    g.emit(Instr::Ret { src: s });
    let gid = pb.add(g.finish().unwrap());
    let mut m = FunctionBuilder::new("main", &[]);
    let (a, r) = (m.alloc_reg(Ref), m.alloc_reg(Value));
    let w = m.alloc_window(&[]);
    m.load_str(a, "same");
    m.emit(Instr::LoadNull { dst: w });
    m.emit(Instr::CallDirect { dst: w, func: gid, base: w, nargs: 0 });
    m.emit(Instr::EqRef { dst: r, a, b: w });
    print(&mut m, r, ElemKind::Bool);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    assert_eq!(ok_output(run_program(pb.finish(main).unwrap())), "true\n");
}

/// Rough speed check: `cargo test --release -p oort-vm bench_fib -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_fib() {
    let start = std::time::Instant::now();
    let (out, r, _) = run_vm(fib_program(32), VmOptions::default());
    r.unwrap();
    assert_eq!(out, "2178309\n");
    eprintln!("fib(32): {:?}", start.elapsed());
}

// ---------------------------------------------------------------------------------------
// Objects

/// `for (i = 0; i < n; i++) body (i)`.
fn for_loop(b: &mut FunctionBuilder, n: i32, body: impl FnOnce(&mut FunctionBuilder, Reg)) {
    let (i, lim, one, c) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_i32(i, 0);
    b.load_i32(lim, n);
    b.load_i32(one, 1);
    let (top, end) = (b.new_label(), b.new_label());
    b.bind(top);
    b.emit(Instr::LtI32 { dst: c, a: i, b: lim });
    b.jump_if_not(c, end);
    body(b, i);
    b.emit(Instr::AddI32 { dst: i, a: i, b: one });
    b.jump(top);
    b.bind(end);
}

fn class(name: &str, parent: Option<ClassIdx>, fields: &[RegKind], vtable: &[FuncId]) -> ClassDesc {
    ClassDesc { name: name.into(), parent, fields: fields.to_vec(), vtable: vtable.to_vec() }
}

/// `new C` with a null environment.
fn new_obj(b: &mut FunctionBuilder, class: ClassIdx) -> Reg {
    let (o, nul) = (b.alloc_reg(Ref), b.alloc_reg(Ref));
    b.emit(Instr::LoadNull { dst: nul });
    b.emit(Instr::NewObject { dst: o, class, env: nul });
    o
}

fn set_int_field(b: &mut FunctionBuilder, obj: Reg, field: u16, v: i32) {
    let r = b.alloc_reg(Value);
    b.load_i32(r, v);
    b.emit(Instr::SetField { obj, field, src: r });
}

/// Run a program of `main` plus classes and methods set up by `f` (which gets the program
/// builder and returns main's body builder).
fn run_with_classes(f: impl FnOnce(&mut ProgramBuilder) -> FunctionBuilder) -> (String, Result<(), RuntimeError>) {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut m = f(&mut pb);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    run_program(pb.finish(main).unwrap())
}

#[test]
fn objects_fields_env_and_printing() {
    let out = ok_output(run_with_classes(|pb| {
        let lay = pb.env_layout(&[Value]);
        let point = pb.add_class(class("Point", None, &[Value, Value, Ref], &[]));
        let mut b = FunctionBuilder::new("main", &[]);
        let p = new_obj(&mut b, point);
        // Fields start zero/null.
        let (x, s) = (b.alloc_reg(Value), b.alloc_reg(Ref));
        b.emit(Instr::GetField { dst: x, obj: p, field: 1 });
        print(&mut b, x, ElemKind::I32);
        b.emit(Instr::GetField { dst: s, obj: p, field: 2 });
        print(&mut b, s, ElemKind::Ref);
        set_int_field(&mut b, p, 0, 3);
        set_int_field(&mut b, p, 1, -4);
        b.load_str(s, "origin");
        b.emit(Instr::SetField { obj: p, field: 2, src: s });
        for f in 0..3u16 {
            let r = b.alloc_reg(if f == 2 { Ref } else { Value });
            b.emit(Instr::GetField { dst: r, obj: p, field: f });
            print(&mut b, r, if f == 2 { ElemKind::Ref } else { ElemKind::I32 });
        }
        print(&mut b, p, ElemKind::Ref);
        // [<Point>, null, "origin", <fn>]
        let (a, n, i, nul) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Ref));
        b.load_i32(n, 4);
        b.emit(Instr::NewArray { dst: a, elem: ElemKind::Ref, len: n });
        b.load_i32(i, 0);
        b.emit(Instr::ArraySet { arr: a, idx: i, src: p });
        b.load_i32(i, 2);
        b.emit(Instr::ArraySet { arr: a, idx: i, src: s });
        b.load_i32(i, 3);
        b.emit(Instr::LoadNull { dst: nul });
        b.emit(Instr::NewClosure { dst: s, func: FuncId(0), env: nul });
        b.emit(Instr::ArraySet { arr: a, idx: i, src: s });
        print(&mut b, a, ElemKind::Ref);
        // The environment an object remembers.
        let (e, q, got, t) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Value));
        b.emit(Instr::NewEnv { dst: e, parent: nul, layout: lay });
        b.emit(Instr::NewObject { dst: q, class: point, env: e });
        b.emit(Instr::ObjEnv { dst: got, obj: q });
        b.emit(Instr::EqRef { dst: t, a: got, b: e });
        print(&mut b, t, ElemKind::Bool);
        b.emit(Instr::ObjEnv { dst: got, obj: p });
        print(&mut b, got, ElemKind::Ref);
        // Identity hashes of objects are stable and distinguish objects (almost surely).
        let h1 = call_builtin(&mut b, Builtin::IdentityHash, &[p]);
        let h2 = call_builtin(&mut b, Builtin::IdentityHash, &[p]);
        let h3 = call_builtin(&mut b, Builtin::IdentityHash, &[q]);
        b.emit(Instr::EqI32 { dst: t, a: h1, b: h2 });
        print(&mut b, t, ElemKind::Bool);
        b.emit(Instr::EqI32 { dst: t, a: h1, b: h3 });
        print(&mut b, t, ElemKind::Bool);
        b
    }));
    assert_eq!(out, "0\nnull\n3\n-4\norigin\n<Point>\n[<Point>, null, \"origin\", <fn>]\ntrue\nnull\ntrue\nfalse\n");
}

/// Shape (C0): `area` = -1, `name` = "shape"; Square (C1) : Shape overrides `area` =
/// side²; Rect (C2) : Square overrides `area` = side·h and `name` = "rect/" + super.name ().
/// main calls both methods through base-typed receivers held in an array.
#[test]
fn virtual_dispatch_and_super_calls() {
    let out = ok_output(run_with_classes(|pb| {
        let method = |pb: &mut ProgramBuilder, name: &str, body: &dyn Fn(&mut FunctionBuilder, Reg)| {
            let mut b = FunctionBuilder::new(name, &[Ref]);
            let this = b.param(0);
            body(&mut b, this);
            pb.add(b.finish().unwrap())
        };
        let shape_area = method(pb, "Shape.area", &|b, _| {
            let r = b.alloc_reg(Value);
            b.load_i32(r, -1);
            b.emit(Instr::Ret { src: r });
        });
        let shape_name = method(pb, "Shape.name", &|b, _| {
            let r = b.alloc_reg(Ref);
            b.load_str(r, "shape");
            b.emit(Instr::Ret { src: r });
        });
        let square_area = method(pb, "Square.area", &|b, this| {
            let r = b.alloc_reg(Value);
            b.emit(Instr::GetField { dst: r, obj: this, field: 0 });
            b.emit(Instr::MulI32 { dst: r, a: r, b: r });
            b.emit(Instr::Ret { src: r });
        });
        let rect_area = method(pb, "Rect.area", &|b, this| {
            let (r, h) = (b.alloc_reg(Value), b.alloc_reg(Value));
            b.emit(Instr::GetField { dst: r, obj: this, field: 0 });
            b.emit(Instr::GetField { dst: h, obj: this, field: 1 });
            b.emit(Instr::MulI32 { dst: r, a: r, b: h });
            b.emit(Instr::Ret { src: r });
        });
        let rect_name = method(pb, "Rect.name", &|b, this| {
            let (pre, s) = (b.alloc_reg(Ref), b.alloc_reg(Ref));
            b.load_str(pre, "rect/");
            let w = b.alloc_window(&[Ref]);
            b.emit(Instr::LoadNull { dst: w });
            b.emit(Instr::Move { dst: Reg(w.0 + 1), src: this });
            // super.name (): a direct call of the parent's implementation.
            b.emit(Instr::CallDirect { dst: s, func: shape_name, base: w, nargs: 1 });
            b.emit(Instr::Concat { dst: s, a: pre, b: s });
            b.emit(Instr::Ret { src: s });
        });
        // Added subclass-first: parent indices are resolved when the program is finished.
        let shape = ClassIdx(2);
        let square = pb.add_class(class("Square", Some(shape), &[Value], &[square_area, shape_name]));
        let rect = pb.add_class(class("Rect", Some(square), &[Value, Value], &[rect_area, rect_name]));
        assert_eq!(pb.add_class(class("Shape", None, &[Value], &[shape_area, shape_name])), shape);

        let mut b = FunctionBuilder::new("main", &[]);
        let (arr, n, i) = (b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value));
        b.load_i32(n, 3);
        b.emit(Instr::NewArray { dst: arr, elem: ElemKind::Ref, len: n });
        for (k, (c, side, h)) in [(shape, 0, 0), (square, 3, 0), (rect, 2, 5)].into_iter().enumerate() {
            let o = new_obj(&mut b, c);
            set_int_field(&mut b, o, 0, side);
            if c == rect {
                set_int_field(&mut b, o, 1, h);
            }
            b.load_i32(i, k as i32);
            b.emit(Instr::ArraySet { arr, idx: i, src: o });
        }
        let (area, name) = (b.alloc_reg(Value), b.alloc_reg(Ref));
        for_loop(&mut b, 3, |b, i| {
            // The window above the loop counter: a call clobbers its window and above.
            let w = b.alloc_window(&[Ref]);
            b.emit(Instr::ArrayGet { dst: Reg(w.0 + 1), arr, idx: i });
            b.emit(Instr::CallVirtual { dst: area, slot: 0, base: w, nargs: 1 });
            print(b, area, ElemKind::I32);
            b.emit(Instr::ArrayGet { dst: Reg(w.0 + 1), arr, idx: i });
            b.emit(Instr::CallVirtual { dst: name, slot: 1, base: w, nargs: 1 });
            b.emit(Instr::Print { src: name });
        });
        b
    }));
    assert_eq!(out, "-1\nshape\n9\nshape\n10\nrect/shape\n");
}

#[test]
fn null_receivers_are_null_dereferences() {
    for instr in [
        |o: Reg, v: Reg| Instr::GetField { dst: v, obj: o, field: 0 },
        |o: Reg, v: Reg| Instr::SetField { obj: o, field: 0, src: v },
        |o: Reg, v: Reg| Instr::CallVirtual { dst: v, slot: 0, base: Reg(o.0 - 1), nargs: 1 },
        |o: Reg, _: Reg| Instr::ObjEnv { dst: o, obj: o },
    ] {
        let (_, r) = run_with_classes(|pb| {
            let mut g = FunctionBuilder::new("C.m", &[Ref]);
            g.emit(Instr::RetVoid {});
            let m = pb.add(g.finish().unwrap());
            pb.add_class(class("C", None, &[Value], &[m]));
            let mut b = FunctionBuilder::new("main", &[]);
            let v = b.alloc_reg(Value);
            let w = b.alloc_window(&[Ref]);
            let o = Reg(w.0 + 1);
            b.emit(Instr::LoadNull { dst: o });
            b.set_span(9, 2);
            b.emit(instr(o, v));
            b
        });
        assert_eq!(r, Err(RuntimeError { message: "null dereference".into(), line: 9, col: 2 }));
    }
}

#[test]
fn instance_of_and_casts() {
    // A; B : A; C : B; D unrelated.
    let setup = |pb: &mut ProgramBuilder| {
        let a = pb.add_class(class("A", None, &[], &[]));
        let b = pb.add_class(class("B", Some(a), &[Value], &[]));
        let c = pb.add_class(class("C", Some(b), &[Value, Ref], &[]));
        let d = pb.add_class(class("D", None, &[Ref], &[]));
        [a, b, c, d]
    };
    let out = ok_output(run_with_classes(|pb| {
        let classes = setup(pb);
        let mut b = FunctionBuilder::new("main", &[]);
        let mut vals: Vec<Reg> = classes.iter().map(|&c| new_obj(&mut b, c)).collect();
        let (nul, s) = (b.alloc_reg(Ref), b.alloc_reg(Ref));
        b.emit(Instr::LoadNull { dst: nul });
        b.load_str(s, "A");
        vals.push(nul);
        vals.push(s);
        let (t, r, line) = (b.alloc_reg(Value), b.alloc_reg(Ref), b.alloc_reg(Ref));
        for &v in &vals {
            // One line per value: `is` for each class, then whether each `as` kept it.
            b.load_str(line, "");
            for &c in &classes {
                b.emit(Instr::InstanceOf { dst: t, obj: v, class: c });
                b.emit(Instr::ToStrBool { dst: r, src: t });
                b.emit(Instr::Concat { dst: line, a: line, b: r });
                b.emit(Instr::Cast { dst: r, obj: v, class: c });
                b.emit(Instr::EqRef { dst: t, a: r, b: v });
                b.emit(Instr::ToStrBool { dst: r, src: t });
                b.emit(Instr::Concat { dst: line, a: line, b: r });
                b.load_str(r, " ");
                b.emit(Instr::Concat { dst: line, a: line, b: r });
            }
            b.emit(Instr::Print { src: line });
        }
        // A successful non-null cast yields the object itself.
        b.emit(Instr::CastNonNull { dst: r, obj: vals[2], class: classes[0] });
        print(&mut b, r, ElemKind::Ref);
        b
    }));
    let want = "truetrue falsefalse falsefalse falsefalse \n\
                truetrue truetrue falsefalse falsefalse \n\
                truetrue truetrue truetrue falsefalse \n\
                falsefalse falsefalse falsefalse truetrue \n\
                falsetrue falsetrue falsetrue falsetrue \n\
                falsefalse falsefalse falsefalse falsefalse \n\
                <C>\n";
    assert_eq!(out, want);
    // Failed non-null casts.
    let failed = |which: usize, to: usize| {
        run_with_classes(|pb| {
            let classes = setup(pb);
            let mut b = FunctionBuilder::new("main", &[]);
            let v = match which {
                4 => {
                    let r = b.alloc_reg(Ref);
                    b.emit(Instr::LoadNull { dst: r });
                    r
                }
                5 => {
                    let r = b.alloc_reg(Ref);
                    b.load_str(r, "A");
                    r
                }
                k => new_obj(&mut b, classes[k]),
            };
            let r = b.alloc_reg(Ref);
            b.set_span(4, 8);
            b.emit(Instr::CastNonNull { dst: r, obj: v, class: classes[to] });
            b
        })
        .1
        .unwrap_err()
    };
    assert_eq!(failed(0, 1), RuntimeError { message: "failed cast: A is not B".into(), line: 4, col: 8 });
    assert_eq!(failed(3, 0).message, "failed cast: D is not A");
    assert_eq!(failed(1, 2).message, "failed cast: B is not C");
    assert_eq!(failed(4, 0).message, "failed cast: null is not A");
    assert_eq!(failed(5, 0).message, "failed cast: string is not A");
}

#[test]
fn kind_tests_and_casts() {
    let kinds = [
        KindTest::NonNull,
        KindTest::String,
        KindTest::Label,
        KindTest::Array(ElemKind::I32),
        KindTest::Array(ElemKind::F64),
        KindTest::Array(ElemKind::Ref),
    ];
    // The values: null, a string, arrays of i32, f64 and references, an object.
    let values = |pb: &mut ProgramBuilder, b: &mut FunctionBuilder| -> Vec<Reg> {
        let a = pb.add_class(class("A", None, &[], &[]));
        let (nul, s) = (b.alloc_reg(Ref), b.alloc_reg(Ref));
        b.emit(Instr::LoadNull { dst: nul });
        b.load_str(s, "s");
        let ints = int_array(b, ElemKind::I32, &[1]);
        let doubles = int_array(b, ElemKind::F64, &[]);
        let refs = int_array(b, ElemKind::Ref, &[]);
        let o = new_obj(b, a);
        vec![nul, s, ints, doubles, refs, o]
    };
    let out = ok_output(run_with_classes(|pb| {
        let mut b = FunctionBuilder::new("main", &[]);
        let vals = values(pb, &mut b);
        let (t, r, line) = (b.alloc_reg(Value), b.alloc_reg(Ref), b.alloc_reg(Ref));
        for &v in &vals {
            // One line per value: `iskind` for each kind, then whether `askind` kept it.
            b.load_str(line, "");
            for &kind in &kinds {
                b.emit(Instr::IsKind { dst: t, obj: v, kind });
                b.emit(Instr::ToStrBool { dst: r, src: t });
                b.emit(Instr::Concat { dst: line, a: line, b: r });
                b.emit(Instr::CastKind { dst: r, obj: v, kind });
                b.emit(Instr::EqRef { dst: t, a: r, b: v });
                b.emit(Instr::ToStrBool { dst: r, src: t });
                b.emit(Instr::Concat { dst: line, a: line, b: r });
                b.load_str(r, " ");
                b.emit(Instr::Concat { dst: line, a: line, b: r });
            }
            b.emit(Instr::Print { src: line });
        }
        // Successful checked casts yield the value itself.
        b.emit(Instr::CastKindNonNull { dst: r, obj: vals[2], kind: kinds[3] });
        print(&mut b, r, ElemKind::Ref);
        let name = b.const_str(b"string");
        b.emit(Instr::CastNotNull { dst: r, src: vals[1], name });
        print(&mut b, r, ElemKind::Ref);
        b
    }));
    let want = "falsetrue falsetrue falsetrue falsetrue falsetrue falsetrue \n\
                truetrue truetrue falsefalse falsefalse falsefalse falsefalse \n\
                truetrue falsefalse falsefalse truetrue falsefalse falsefalse \n\
                truetrue falsefalse falsefalse falsefalse truetrue falsefalse \n\
                truetrue falsefalse falsefalse falsefalse falsefalse truetrue \n\
                truetrue falsefalse falsefalse falsefalse falsefalse falsefalse \n\
                [1]\ns\n";
    assert_eq!(out, want);
    // Failed checked casts name what the value is and what it is not.
    let failed = |which: usize, kind: Option<KindTest>| {
        run_with_classes(|pb| {
            let mut b = FunctionBuilder::new("main", &[]);
            let vals = values(pb, &mut b);
            let r = b.alloc_reg(Ref);
            b.set_span(3, 5);
            match kind {
                Some(kind) => b.emit(Instr::CastKindNonNull { dst: r, obj: vals[which], kind }),
                None => {
                    let name = b.const_str(b"array[string]");
                    b.emit(Instr::CastNotNull { dst: r, src: vals[which], name })
                }
            };
            b
        })
        .1
        .unwrap_err()
    };
    let e = failed(2, Some(KindTest::String));
    assert_eq!(e, RuntimeError { message: "failed cast: array[int32] is not string".into(), line: 3, col: 5 });
    assert_eq!(failed(0, Some(KindTest::String)).message, "failed cast: null is not string");
    assert_eq!(failed(1, Some(KindTest::Label)).message, "failed cast: string is not label");
    assert_eq!(failed(4, Some(KindTest::Array(ElemKind::I32))).message, "failed cast: array is not array[int32]");
    assert_eq!(
        failed(3, Some(KindTest::Array(ElemKind::U64))).message,
        "failed cast: array[double] is not array[uint64]"
    );
    assert_eq!(failed(5, Some(KindTest::Array(ElemKind::Bool))).message, "failed cast: A is not array[bool]");
    assert_eq!(failed(0, None).message, "failed cast: null is not array[string]");
}

#[test]
fn kind_casts_are_verified() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut m = FunctionBuilder::new("main", &[]);
    let (o, v) = (m.alloc_reg(Ref), m.alloc_reg(Value));
    let k = m.const_int(7);
    m.emit(Instr::LoadNull { dst: o });
    m.emit(Instr::CastKindNonNull { dst: o, obj: o, kind: KindTest::NonNull });
    m.emit(Instr::CastNotNull { dst: o, src: o, name: k });
    m.emit(Instr::IsKind { dst: v, obj: v, kind: KindTest::String });
    m.emit(Instr::CastKind { dst: v, obj: o, kind: KindTest::Label });
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    let errs: Vec<String> = verify(&pb.finish(main).unwrap()).unwrap_err().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errs,
        vec![
            "main @0001: askind! needs a kind test naming a type (not nonnull)",
            "main @0002: asnonnull name k0 is not a string constant",
            "main @0003: iskind reads r1 as a reference, but it is a Value register",
            "main @0004: askind writes a Ref into r1 which is a Value register",
        ]
    );
}

#[test]
fn class_table_is_checked() {
    let mut pb = ProgramBuilder::new("t.oort");
    pb.add_class(class("A", Some(ClassIdx(1)), &[], &[]));
    pb.add_class(class("B", Some(ClassIdx(0)), &[], &[]));
    let mut m = FunctionBuilder::new("main", &[]);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    assert_eq!(pb.finish(main).unwrap_err(), BuildError::BadClassParent { class: "A".into() });
    let mut pb = ProgramBuilder::new("t.oort");
    pb.add_class(class("A", Some(ClassIdx(7)), &[], &[]));
    let mut m = FunctionBuilder::new("main", &[]);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    assert_eq!(pb.finish(main).unwrap_err().to_string(), "class A: parent class out of range or cyclic inheritance");

    let mut pb = ProgramBuilder::new("t.oort");
    let mut g = FunctionBuilder::new("g", &[Value]);
    g.emit(Instr::RetVoid {});
    let g = pb.add(g.finish().unwrap());
    let a = pb.add_class(class("A", None, &[Ref, Value], &[g]));
    pb.add_class(class("B", Some(a), &[Value], &[FuncId(9)]));
    let mut m = FunctionBuilder::new("main", &[]);
    let (o, v) = (m.alloc_reg(Ref), m.alloc_reg(Value));
    let w = m.alloc_window(&[Value]);
    m.emit(Instr::NewObject { dst: o, class: ClassIdx(5), env: o });
    m.emit(Instr::GetField { dst: v, obj: o, field: 2 });
    m.emit(Instr::SetField { obj: v, field: 1, src: v });
    m.emit(Instr::CallVirtual { dst: v, slot: 1, base: w, nargs: 1 });
    m.emit(Instr::CallVirtual { dst: v, slot: 0, base: w, nargs: 0 });
    m.emit(Instr::InstanceOf { dst: o, obj: o, class: a });
    m.emit(Instr::Cast { dst: v, obj: o, class: a });
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    let errs: Vec<String> = verify(&pb.finish(main).unwrap()).unwrap_err().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errs,
        vec![
            "<class A>: vtable slot 0: g does not take a receiver (a Ref first parameter)",
            "<class B>: fields do not extend those of parent class A",
            "<class B>: vtable slot 0: function f9 out of range",
            "main @0000: class C5 out of range",
            "main @0001: field 2 out of range (no class has more than 2)",
            "main @0002: setf reads r1 as a reference, but it is a Value register",
            "main @0003: vtable slot 1 out of range (no class has more than 1)",
            "main @0003: callv reads r3 as a reference, but it is a Value register",
            "main @0004: callv without a receiver argument",
            "main @0005: instof writes a Value into r0 which is a Ref register",
            "main @0006: cast writes a Ref into r1 which is a Value register",
        ]
    );
}

#[test]
fn disassembles_classes() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut g = FunctionBuilder::new("P.norm", &[Ref]);
    g.emit(Instr::RetVoid {});
    let norm = pb.add(g.finish().unwrap());
    let p = pb.add_class(class("P", None, &[Value, Ref], &[norm]));
    let q = pb.add_class(class("Q", Some(p), &[Value, Ref, Value], &[norm]));
    let mut m = FunctionBuilder::new("main", &[]);
    let (o, v) = (m.alloc_reg(Ref), m.alloc_reg(Value));
    let w = m.alloc_window(&[Ref]);
    m.emit(Instr::NewObject { dst: o, class: q, env: o });
    m.emit(Instr::ObjEnv { dst: o, obj: o });
    m.emit(Instr::GetField { dst: v, obj: o, field: 2 });
    m.emit(Instr::SetField { obj: o, field: 0, src: v });
    m.emit(Instr::CallVirtual { dst: v, slot: 0, base: w, nargs: 1 });
    m.emit(Instr::InstanceOf { dst: v, obj: o, class: p });
    m.emit(Instr::Cast { dst: o, obj: o, class: q });
    m.emit(Instr::CastNonNull { dst: o, obj: o, class: p });
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    let text = disassemble(&pb.finish(main).unwrap());
    let want = r#"program "t.oort" entry f1<main>
class C0<P> parent - fields [val, ref] vtable [f0<P.norm>]
class C1<Q> parent C0<P> fields [val, ref, val] vtable [f0<P.norm>]

function f0<P.norm> params 1 regs 1
  regs r0:ref
0000  retv

function f1<main> params 0 regs 4
  regs r0:ref r1:val r2:ref r3:ref
0000  new          r0, C1<Q>, r0
0001  objenv       r0, r0
0002  getf         r1, r0, 2
0003  setf         r0, 0, r1
0004  callv        r1, 0, r2, 1
0005  instof       r1, r0, C0<P>
0006  cast         r0, r0, C1<Q>
0007  cast!        r0, r0, C0<P>
0008  retv
"#;
    assert_eq!(text, want);
}

// ---------------------------------------------------------------------------------------
// Garbage collection

/// Node: `next: Node` (field 0), `val: int32` (field 1).
fn node_class(pb: &mut ProgramBuilder) -> ClassIdx {
    pb.add_class(class("Node", None, &[Ref, Value], &[]))
}

/// Objects in the heap right after loading `p` (interned constants and the two args).
fn load_objects(p: &Program) -> usize {
    Vm::new(p.clone(), vec!["a1".into(), "b2".into()], VmOptions::default()).unwrap().gc_stats().heap_objects
}

/// Ends the program with a division by zero, so that its frame (and registers) stay on the
/// VM's stack for [`Vm::collect_garbage`].
fn stop_here(b: &mut FunctionBuilder) {
    let z = b.alloc_reg(Value);
    b.load_i32(z, 0);
    b.emit(Instr::DivI32 { dst: z, a: z, b: z });
}

#[test]
fn full_collection_frees_unreachable_and_keeps_reachable() {
    let mut pb = ProgramBuilder::new("t.oort");
    let node = node_class(&mut pb);
    let lay = pb.env_layout(&[Ref, Value]);
    let mut b = FunctionBuilder::new("main", &[]);
    let nul = b.alloc_reg(Ref);
    b.emit(Instr::LoadNull { dst: nul });
    // Reachable: a 2-cycle (x <-> y) held by x.                                 2 objects
    let (x, y) = (new_obj(&mut b, node), new_obj(&mut b, node));
    b.emit(Instr::SetField { obj: x, field: 0, src: y });
    b.emit(Instr::SetField { obj: y, field: 0, src: x });
    set_int_field(&mut b, y, 1, 42);
    b.emit(Instr::LoadNull { dst: y });
    // Unreachable: a 2-cycle whose registers are overwritten.
    let (u, v) = (new_obj(&mut b, node), new_obj(&mut b, node));
    b.emit(Instr::SetField { obj: u, field: 0, src: v });
    b.emit(Instr::SetField { obj: v, field: 0, src: u });
    b.emit(Instr::LoadNull { dst: u });
    b.emit(Instr::LoadNull { dst: v });
    // Reachable: a closure over an env holding an array of 3 nodes.       1 + 1 + 1 + 3 objects
    let (e, arr, n, i, c) =
        (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Ref));
    b.emit(Instr::NewEnv { dst: e, parent: nul, layout: lay });
    b.load_i32(n, 3);
    b.emit(Instr::NewArray { dst: arr, elem: ElemKind::Ref, len: n });
    b.emit(Instr::EnvSet { env: e, depth: 0, slot: 0, src: arr });
    for k in 0..3 {
        let o = new_obj(&mut b, node);
        set_int_field(&mut b, o, 1, 100 + k);
        b.load_i32(i, k);
        b.emit(Instr::ArraySet { arr, idx: i, src: o });
        b.emit(Instr::LoadNull { dst: o });
    }
    b.emit(Instr::NewClosure { dst: c, func: FuncId(0), env: e });
    b.emit(Instr::LoadNull { dst: e });
    b.emit(Instr::LoadNull { dst: arr });
    // Unreachable: 1000 nodes, each a self-cycle, and 1000 strings.
    let t = b.alloc_reg(Ref);
    for_loop(&mut b, 1000, |b, i| {
        b.emit(Instr::NewObject { dst: t, class: node, env: nul });
        b.emit(Instr::SetField { obj: t, field: 0, src: t });
        b.emit(Instr::ToStrI32 { dst: t, src: i });
    });
    b.emit(Instr::LoadNull { dst: t });
    // Read everything back through the roots.
    let (val, s) = (b.alloc_reg(Value), b.alloc_reg(Ref));
    b.emit(Instr::GetField { dst: s, obj: x, field: 0 });
    b.emit(Instr::GetField { dst: val, obj: s, field: 1 });
    print(&mut b, val, ElemKind::I32);
    b.emit(Instr::LoadNull { dst: s });
    stop_here(&mut b);
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    let p = pb.finish(main).unwrap();
    let base = load_objects(&p);
    for stress in [false, true] {
        let (out, r, mut vm) = run_vm(p.clone(), VmOptions { gc_stress: stress, ..VmOptions::default() });
        assert_eq!(out, "42\n");
        assert_eq!(r.unwrap_err().message, "division by zero");
        let before = vm.gc_stats();
        if !stress {
            assert_eq!(before.collections, 0);
            assert_eq!(before.heap_objects, base + 4 + 6 + 2000 + 1 /* printed string */);
        }
        vm.collect_garbage();
        let after = vm.gc_stats();
        // The 2-cycle, the closure's objects, and the printed string still in a register.
        assert_eq!(after.heap_objects, base + 2 + 6 + 1, "stress: {stress}");
        assert_eq!(after.live_objects, after.heap_objects);
        assert_eq!(after.collections, before.collections + 1);
        // Without frames, only constants (and no arguments here) survive.
        let mut vm = Vm::new(p.clone(), vec![], VmOptions::default()).unwrap();
        vm.collect_garbage();
        assert_eq!(vm.gc_stats().heap_objects, base - 2);
    }
}

/// Builds a linked list of `n` nodes (values 0..n), keeps it in a register, then prints the
/// sum of the values walking it, and stops with a runtime error (frames kept).
fn list_program(n: i32) -> Program {
    let mut pb = ProgramBuilder::new("t.oort");
    let node = node_class(&mut pb);
    let mut b = FunctionBuilder::new("main", &[]);
    let (head, nul, o) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Ref));
    b.emit(Instr::LoadNull { dst: nul });
    b.emit(Instr::LoadNull { dst: head });
    for_loop(&mut b, n, |b, i| {
        b.emit(Instr::NewObject { dst: o, class: node, env: nul });
        b.emit(Instr::SetField { obj: o, field: 0, src: head });
        b.emit(Instr::SetField { obj: o, field: 1, src: i });
        b.emit(Instr::Move { dst: head, src: o });
    });
    let (sum, v, t) = (b.alloc_reg(Value), b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_int(sum, 0);
    b.emit(Instr::Move { dst: o, src: head });
    let (top, end) = (b.new_label(), b.new_label());
    b.bind(top);
    b.emit(Instr::EqRef { dst: t, a: o, b: nul });
    b.jump_if(t, end);
    b.emit(Instr::GetField { dst: v, obj: o, field: 1 });
    b.emit(Instr::CvtI32I64 { dst: v, src: v });
    b.emit(Instr::AddI64 { dst: sum, a: sum, b: v });
    b.emit(Instr::GetField { dst: o, obj: o, field: 0 });
    b.jump(top);
    b.bind(end);
    print(&mut b, sum, ElemKind::I64);
    stop_here(&mut b);
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn million_node_list_marks_without_overflow() {
    let n = 1_000_000;
    let p = list_program(n);
    let base = load_objects(&p);
    let (out, r, mut vm) = run_vm(p, VmOptions::default());
    assert_eq!(out, format!("{}\n", (n as i64) * (n as i64 - 1) / 2));
    assert_eq!(r.unwrap_err().message, "division by zero");
    // 48 MB of nodes: collections ran while the list was being built.
    assert!(vm.gc_stats().collections >= 3, "{:?}", vm.gc_stats());
    vm.collect_garbage();
    let st = vm.gc_stats();
    assert_eq!(st.heap_objects, base + n as usize + 1 /* the printed sum */);
    assert_eq!(st.live_bytes, st.heap_bytes);
    assert!(st.heap_bytes >= n as usize * heap::instance_size(2));
    // Bounded by the trigger policy: at most about twice the live data plus 4 MiB.
    assert!(st.peak_heap_bytes <= 2 * st.live_bytes + heap::MIN_GC_BYTES + (1 << 20), "{st:?}");
}

#[test]
fn churn_under_a_small_heap_cap_and_retention_beyond_it() {
    // 10^6 short-lived objects (48 MB in all) under an 8 MiB cap.
    let mut pb = ProgramBuilder::new("t.oort");
    let node = node_class(&mut pb);
    let mut b = FunctionBuilder::new("main", &[]);
    let (o, prev, nul) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Ref));
    b.emit(Instr::LoadNull { dst: nul });
    for_loop(&mut b, 1_000_000, |b, i| {
        b.emit(Instr::NewObject { dst: o, class: node, env: nul });
        b.emit(Instr::SetField { obj: o, field: 0, src: prev });
        b.emit(Instr::SetField { obj: o, field: 1, src: i });
        b.emit(Instr::Move { dst: prev, src: o });
        // Keep only the last two.
        b.emit(Instr::SetField { obj: prev, field: 0, src: nul });
    });
    let v = b.alloc_reg(Value);
    b.emit(Instr::GetField { dst: v, obj: prev, field: 1 });
    print(&mut b, v, ElemKind::I32);
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    let cap = 8 << 20;
    let (out, r, vm) = run_vm(pb.finish(main).unwrap(), VmOptions { max_heap: cap, ..VmOptions::default() });
    r.unwrap();
    assert_eq!(out, "999999\n");
    let st = vm.gc_stats();
    assert!(st.collections >= 5, "{st:?}");
    assert!(st.peak_heap_bytes <= cap, "{st:?}");
    assert!(st.bytes_allocated_total >= 1_000_000 * heap::instance_size(2) as u64);

    // Retaining 10^6 nodes (48 MB) does not fit in 8 MiB.
    let (out, r, vm) = run_vm(list_program(1_000_000), VmOptions { max_heap: cap, ..VmOptions::default() });
    assert_eq!(out, "");
    assert_eq!(r.unwrap_err().message, "out of memory");
    assert!(vm.gc_stats().peak_heap_bytes <= cap);
}

#[test]
fn huge_arrays_are_out_of_memory() {
    for (len, max_heap) in [(2_000_000_000, VmOptions::default().max_heap), (i32::MAX, usize::MAX)] {
        let mut pb = ProgramBuilder::new("t.oort");
        let mut b = FunctionBuilder::new("main", &[]);
        let (a, n) = (b.alloc_reg(Ref), b.alloc_reg(Value));
        b.load_i32(n, len);
        b.set_span(1, 5);
        b.emit(Instr::NewArray { dst: a, elem: ElemKind::I64, len: n });
        b.emit(Instr::RetVoid {});
        let main = pb.add(b.finish().unwrap());
        let p = pb.finish(main).unwrap();
        let (_, r) = run_program_with(p, VmOptions { max_heap, ..VmOptions::default() });
        if max_heap == usize::MAX {
            // The system may provide 16 GiB of lazily zeroed memory, or refuse it: never abort.
            assert!(r.is_ok() || r.unwrap_err().message == "out of memory");
        } else {
            assert_eq!(r, Err(RuntimeError { message: "out of memory".into(), line: 1, col: 5 }));
        }
    }
}

/// Allocation speed: `cargo test --release -p oort-vm bench_alloc -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_alloc() {
    let mut pb = ProgramBuilder::new("t.oort");
    let node = node_class(&mut pb);
    let mut b = FunctionBuilder::new("main", &[]);
    let (o, prev, nul) = (b.alloc_reg(Ref), b.alloc_reg(Ref), b.alloc_reg(Ref));
    b.emit(Instr::LoadNull { dst: nul });
    for_loop(&mut b, 10_000_000, |b, i| {
        b.emit(Instr::NewObject { dst: o, class: node, env: nul });
        b.emit(Instr::SetField { obj: o, field: 0, src: prev });
        b.emit(Instr::SetField { obj: o, field: 1, src: i });
        b.emit(Instr::Move { dst: prev, src: o });
        b.emit(Instr::SetField { obj: prev, field: 0, src: nul });
    });
    b.emit(Instr::RetVoid {});
    let main = pb.add(b.finish().unwrap());
    let p = pb.finish(main).unwrap();
    let start = std::time::Instant::now();
    let (_, r, vm) = run_vm(p.clone(), VmOptions::default());
    r.unwrap();
    eprintln!("10^7 objects (48 B): {:?}; {:?}", start.elapsed(), vm.gc_stats());
    let start = std::time::Instant::now();
    let (_, r, vm) = run_vm(list_program(10_000_000), VmOptions::default());
    assert_eq!(r.unwrap_err().message, "division by zero");
    eprintln!("10^7-node retained list: {:?}; {:?}", start.elapsed(), vm.gc_stats());
}

// ---------------------------------------------------------------------------------------
// Instruction counting (`VmOptions::count_instructions`)

/// Runs `p` with the instruction counter (and with GC stress if `stress`); returns the
/// output, the result and the count.
fn run_counted(p: Program, stress: bool) -> (String, Result<(), RuntimeError>, u64) {
    let options = VmOptions { count_instructions: true, gc_stress: stress, ..VmOptions::default() };
    let (out, r, vm) = run_vm(p, options);
    (out, r, vm.instructions_executed())
}

/// A counted loop, then a call: `for (i := 0; i < 3; i++) {}  print double (20);`.
fn loop_and_call_program() -> Program {
    let mut pb = ProgramBuilder::new("t.oort");
    let double = pb.declare("double");
    let mut f = FunctionBuilder::new("double", &[Value]);
    let x = f.param(0);
    f.emit(Instr::AddI32 { dst: x, a: x, b: x });
    f.emit(Instr::Ret { src: x });
    pb.define(double, f.finish().unwrap());

    let mut m = FunctionBuilder::new("main", &[]);
    let r = m.alloc_reg(Value);
    let w = m.alloc_window(&[Value]);
    for_loop(&mut m, 3, |_, _| {});
    m.load_i32(Reg(w.0 + 1), 20);
    m.emit(Instr::LoadNull { dst: w });
    m.emit(Instr::CallDirect { dst: r, func: double, base: w, nargs: 1 });
    print(&mut m, r, ElemKind::I32);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn counts_every_dispatched_instruction() {
    // main: 3 (ldi i, lim, one) + 3 iterations × 4 (lt, jf, add, jmp) + 2 (lt, jf: exit)
    //       + 3 (ldi, ldnull, calld) + 2 (tostr, print) + 1 (ret) = 23;
    // double: 2 (add, ret). Total 25.
    for stress in [false, true] {
        let (out, r, n) = run_counted(loop_and_call_program(), stress);
        r.unwrap();
        assert_eq!(out, "40\n");
        assert_eq!(n, 25, "gc stress {stress}");
    }
    // Off by default: nothing is counted.
    let (out, r, vm) = run_vm(loop_and_call_program(), VmOptions::default());
    r.unwrap();
    assert_eq!(out, "40\n");
    assert_eq!(vm.instructions_executed(), 0);
    // The count is the VM's total over its runs.
    let options = VmOptions { count_instructions: true, ..VmOptions::default() };
    let mut vm = Vm::new(loop_and_call_program(), vec![], options).unwrap();
    vm.run(&mut Vec::new()).unwrap();
    vm.run(&mut Vec::new()).unwrap();
    assert_eq!(vm.instructions_executed(), 50);
}

#[test]
fn counts_up_to_and_including_a_failing_instruction() {
    // main: ldnull, ldi, calld (3); f: ldi, div (2), which fails.
    let mut pb = ProgramBuilder::new("t.oort");
    let f = pb.declare("f");
    let mut b = FunctionBuilder::new("f", &[Value]);
    let (k, d) = (b.alloc_reg(Value), b.alloc_reg(Value));
    b.load_i32(k, 1);
    b.set_span(2, 5);
    b.emit(Instr::DivI32 { dst: d, a: k, b: b.param(0) });
    b.emit(Instr::Ret { src: d });
    pb.define(f, b.finish().unwrap());
    let mut m = FunctionBuilder::new("main", &[]);
    let r = m.alloc_reg(Value);
    let w = m.alloc_window(&[Value]);
    m.emit(Instr::LoadNull { dst: w });
    m.load_i32(Reg(w.0 + 1), 0);
    m.emit(Instr::CallDirect { dst: r, func: f, base: w, nargs: 1 });
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    let (_, r, n) = run_counted(pb.finish(main).unwrap(), false);
    assert_eq!(r, Err(RuntimeError { message: "division by zero".into(), line: 2, col: 5 }));
    assert_eq!(n, 5);
}

#[test]
fn instruction_limit_stops_a_run_at_the_next_dispatch() {
    // `loop_and_call_program` dispatches 25 instructions: a limit of 25 lets it finish …
    let options = VmOptions { max_instructions: Some(25), ..VmOptions::default() };
    let (out, r, vm) = run_vm(loop_and_call_program(), options);
    r.unwrap();
    assert_eq!(out, "40\n");
    assert_eq!(vm.instructions_executed(), 25);
    // … and 24 stops it before its last instruction, after everything it printed.
    let options = VmOptions { max_instructions: Some(24), ..VmOptions::default() };
    let (out, r, vm) = run_vm(loop_and_call_program(), options);
    assert_eq!(r.unwrap_err().message, "instruction limit exceeded (24 instructions)");
    assert_eq!(out, "40\n");
    assert_eq!(vm.instructions_executed(), 24);
    // The limit is per run.
    let options = VmOptions { max_instructions: Some(25), ..VmOptions::default() };
    let mut vm = Vm::new(loop_and_call_program(), vec![], options).unwrap();
    vm.run(&mut Vec::new()).unwrap();
    vm.run(&mut Vec::new()).unwrap();
    assert_eq!(vm.instructions_executed(), 50);
}

#[test]
fn instruction_limit_ends_an_endless_loop() {
    let mut pb = ProgramBuilder::new("t.oort");
    let mut m = FunctionBuilder::new("main", &[]);
    let top = m.new_label();
    m.bind(top);
    m.set_span(3, 7);
    m.jump(top);
    let main = pb.add(m.finish().unwrap());
    let options = VmOptions { max_instructions: Some(1_000_000), ..VmOptions::default() };
    let (_, r, vm) = run_vm(pb.finish(main).unwrap(), options);
    assert_eq!(
        r,
        Err(RuntimeError { message: "instruction limit exceeded (1000000 instructions)".into(), line: 3, col: 7 })
    );
    assert_eq!(vm.instructions_executed(), 1_000_000);
}

/// A generator-style program over label values: `g` takes the value of its label `again`
/// (moving `main` and itself to the heap) and returns it; `main` jumps to it twice, which
/// re-enters `g`'s activation alone, and `g` returns again through its continuation into
/// `main` (frame-stack underflow). In between, `main` calls `h` from its heap frame.
fn generator_program() -> Program {
    let mut pb = ProgramBuilder::new("t.oort");
    let g = pb.declare("g");
    let h = pb.declare("h");

    let mut b = FunctionBuilder::new("g", &[]);
    let l = b.alloc_reg(Ref);
    b.mark_shared(l);
    let again = b.new_label();
    let label = b.add_entry_label("again", again);
    b.emit(Instr::MakeLabel { dst: l, label });
    b.emit(Instr::Ret { src: l });
    b.bind(again);
    b.emit(Instr::Ret { src: l });
    pb.define(g, b.finish().unwrap());

    let mut b = FunctionBuilder::new("h", &[Value]);
    b.emit(Instr::Ret { src: b.param(0) });
    pb.define(h, b.finish().unwrap());

    let mut m = FunctionBuilder::new("main", &[]);
    let (i, lim, one, c, t) =
        (m.alloc_reg(Value), m.alloc_reg(Value), m.alloc_reg(Value), m.alloc_reg(Value), m.alloc_reg(Value));
    m.mark_shared(i);
    let lv = m.alloc_reg(Ref);
    let w = m.alloc_window(&[]);
    let w2 = m.alloc_window(&[Value]);
    m.load_i32(i, 0);
    m.load_i32(lim, 2);
    m.load_i32(one, 1);
    m.emit(Instr::LoadNull { dst: w });
    m.emit(Instr::CallDirect { dst: lv, func: g, base: w, nargs: 0 });
    let end = m.new_label();
    m.emit(Instr::LtI32 { dst: c, a: i, b: lim });
    m.jump_if_not(c, end);
    m.emit(Instr::AddI32 { dst: i, a: i, b: one });
    m.emit(Instr::LoadNull { dst: w2 });
    m.emit(Instr::Move { dst: Reg(w2.0 + 1), src: i });
    m.emit(Instr::CallDirect { dst: t, func: h, base: w2, nargs: 1 });
    m.emit(Instr::Goto { src: lv });
    m.bind(end);
    print(&mut m, i, ElemKind::I32);
    m.emit(Instr::RetVoid {});
    let main = pb.add(m.finish().unwrap());
    pb.finish(main).unwrap()
}

#[test]
fn counts_through_labels_and_continuations() {
    // main: 3 ldi + ldnull + calld = 5; g: mklabel, ret = 2                      (7)
    // twice: main: lt, jf, add, ldnull, move, calld, goto = 7; h: ret = 1;
    //        g (re-entered at `again`): ret = 1, resuming main                  (+18)
    // main: lt, jf (exit), tostr, print, ret = 5                                (+5)
    for stress in [false, true] {
        let (out, r, n) = run_counted(generator_program(), stress);
        r.unwrap();
        assert_eq!(out, "2\n");
        assert_eq!(n, 30, "gc stress {stress}");
    }
}
