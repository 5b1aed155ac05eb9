//! End-to-end tests: programs built with the builder API, run by the interpreter.

use crate::*;

use RegKind::{Ref, Value};

fn run_program_with(p: Program, options: VmOptions) -> (String, Result<(), RuntimeError>) {
    let mut vm = Vm::new(p, vec!["a1".into(), "b2".into()], options).expect("program verifies");
    let mut out = Vec::new();
    let r = vm.run(&mut out);
    (String::from_utf8(out).unwrap(), r)
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
    assert_eq!(ok_output(run_program(fib_program(32))), "2178309\n");
    eprintln!("fib(32): {:?}", start.elapsed());
}
