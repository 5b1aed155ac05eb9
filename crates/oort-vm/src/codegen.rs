//! The `bytecode` pass: graph IR → register bytecode.
//!
//! Register assignment is direct: IR variable `vN` lives in register `rN` (so parameters,
//! the first variables, are `r0..` as the call convention wants), with the register kind
//! (value or reference) given by the variable's type. Call windows sit above every
//! variable register, so a call clobbers nothing live; windows with the same kinds are
//! shared between call sites. Blocks are laid out in reverse post-order, and a jump to
//! the next block is left out.

use crate::builder::{FunctionBuilder, Label, ProgramBuilder};
use crate::bytecode::{Builtin as VmBuiltin, ClassDesc, ClassIdx, ElemKind, FuncId, Instr, Program, Reg, RegKind};
use indexmap::IndexMap;
use oort_ir::liveness::{Liveness, activation_vars};
use oort_ir::{BinOp, Callee, Const, Function, Module, Op, Terminator, Ty, UnOp, Var};
use oort_sema::Builtin;
use oort_syntax::{SourceFile, Span};

/// Translates a verified IR module into a bytecode program.
pub fn generate(module: &Module, file: &SourceFile) -> Result<Program, String> {
    let mut pb = ProgramBuilder::new(file.name.clone());
    let ids: Vec<FuncId> = module.funcs.iter().map(|f| pb.declare(f.name.clone())).collect();
    for c in &module.classes {
        pb.add_class(ClassDesc {
            name: c.name.clone(),
            parent: c.parent.map(|p| ClassIdx(p as u16)),
            fields: c.fields.iter().map(|&t| kind(t)).collect(),
            vtable: c.vtable.iter().map(|f| ids[f.index()]).collect(),
        });
    }
    for (i, f) in module.funcs.iter().enumerate() {
        let func = FnGen::new(&mut pb, &ids, f, file).run().map_err(|e| e.to_string())?;
        pb.define(ids[i], func);
    }
    pb.finish(ids[0]).map_err(|e| e.to_string())
}

fn kind(ty: Ty) -> RegKind {
    if ty == Ty::Ref { RegKind::Ref } else { RegKind::Value }
}

fn elem_kind(ty: Ty) -> ElemKind {
    match ty {
        Ty::Bool => ElemKind::Bool,
        Ty::I32 => ElemKind::I32,
        Ty::U32 => ElemKind::U32,
        Ty::I64 => ElemKind::I64,
        Ty::U64 => ElemKind::U64,
        Ty::F64 => ElemKind::F64,
        Ty::Ref => ElemKind::Ref,
    }
}

struct FnGen<'a> {
    pb: &'a mut ProgramBuilder,
    ids: &'a [FuncId],
    f: &'a Function,
    file: &'a SourceFile,
    b: FunctionBuilder,
    /// Call windows by the kinds of their registers.
    windows: IndexMap<Vec<RegKind>, Reg>,
    /// A register that always holds null.
    null_reg: Option<Reg>,
    /// Variable liveness: what is live where labels enter and after each call.
    live: Liveness,
}

impl<'a> FnGen<'a> {
    fn new(pb: &'a mut ProgramBuilder, ids: &'a [FuncId], f: &'a Function, file: &'a SourceFile) -> FnGen<'a> {
        let params: Vec<RegKind> = f.vars[..f.params as usize].iter().map(|v| kind(v.ty)).collect();
        let mut b = FunctionBuilder::new(f.name.clone(), &params);
        for v in &f.vars[f.params as usize..] {
            b.alloc_reg(kind(v.ty));
        }
        let live = Liveness::compute(f);
        for v in activation_vars(f, Some(&live)).iter() {
            b.mark_shared(Reg(v.0 as u16));
        }
        FnGen { pb, ids, f, file, b, windows: IndexMap::new(), null_reg: None, live }
    }

    fn r(&self, v: Var) -> Reg {
        Reg(v.0 as u16)
    }

    fn set_span(&mut self, span: Span) {
        let (l, c) = self.file.line_col(span.lo);
        self.b.set_span(l, c);
    }

    /// A call window with these kinds (the first is the callee/environment slot).
    fn window(&mut self, kinds: Vec<RegKind>) -> Reg {
        if let Some(&w) = self.windows.get(&kinds) {
            return w;
        }
        let base = self.b.alloc_reg(kinds[0]);
        for &k in &kinds[1..] {
            self.b.alloc_reg(k);
        }
        self.windows.insert(kinds, base);
        base
    }

    fn null(&mut self) -> Reg {
        if let Some(r) = self.null_reg {
            return r;
        }
        let r = self.b.alloc_reg(RegKind::Ref);
        self.null_reg = Some(r);
        r
    }

    fn run(mut self) -> Result<crate::bytecode::Function, crate::builder::BuildError> {
        let order = self.f.reverse_postorder();
        let labels: IndexMap<oort_ir::Block, Label> = order.iter().map(|&b| (b, self.b.new_label())).collect();
        for l in &self.f.labels {
            self.b.add_entry_label(l.name.clone(), labels[&l.block]);
        }
        // The null register needs no initialization: the VM zeroes every register but
        // the parameters on entry, and nothing ever writes this one.
        for (pos, &blk) in order.iter().enumerate() {
            self.b.bind(labels[&blk]);
            let data = self.f.block(blk);
            let live_after = self.live.after_each(self.f, blk);
            for (k, &i) in data.insts.iter().enumerate() {
                let inst = self.f.inst(i);
                self.set_span(inst.span);
                self.inst(inst.dst, &inst.op);
                if let Op::Call { callee, .. } = &inst.op
                    && !matches!(callee, Callee::Builtin(_))
                {
                    // The call is the last instruction emitted for it.
                    let regs = live_after[k]
                        .iter()
                        .filter(|&v| Some(v) != inst.dst && !self.f.vars[v.index()].shared)
                        .map(|v| self.r(v))
                        .collect();
                    self.b.set_call_live(self.b.pc() - 1, regs);
                }
            }
            self.set_span(data.term_span);
            let next = order.get(pos + 1).copied();
            match &data.term {
                Terminator::Jump(t) => {
                    if Some(*t) != next {
                        self.b.jump(labels[t]);
                    }
                }
                Terminator::Branch { cond, then, els } => {
                    let c = self.r(*cond);
                    if Some(*then) == next {
                        self.b.jump_if_not(c, labels[els]);
                    } else if Some(*els) == next {
                        self.b.jump_if(c, labels[then]);
                    } else {
                        self.b.jump_if(c, labels[then]);
                        self.b.jump(labels[els]);
                    }
                }
                Terminator::Switch { value, cases, default } => {
                    let v = self.r(*value);
                    let tmp = self.window(vec![RegKind::Value, RegKind::Value]);
                    let flag = Reg(tmp.0 + 1);
                    for (val, target) in cases {
                        self.b.load_int(tmp, *val as u64);
                        self.b.emit(Instr::EqI64 { dst: flag, a: v, b: tmp });
                        self.b.jump_if(flag, labels[target]);
                    }
                    if Some(*default) != next {
                        self.b.jump(labels[default]);
                    }
                }
                Terminator::Return(Some(v)) => {
                    let src = self.r(*v);
                    self.b.emit(Instr::Ret { src });
                }
                Terminator::Return(None) => {
                    self.b.emit(Instr::RetVoid {});
                }
                Terminator::TailCall { callee, args } => self.tail_call(callee, args),
                Terminator::Goto(v) => {
                    let src = self.r(*v);
                    self.b.emit(Instr::Goto { src });
                }
                Terminator::Unreachable => {
                    // The verifier rejects reachable `unreachable` blocks; keep the
                    // bytecode well formed anyway.
                    self.b.emit(Instr::RetVoid {});
                }
            }
        }
        self.b.finish()
    }

    /// Moves `args` into a window whose first slot has kind `head.0` and receives
    /// `head.1` (nothing is moved when that is `None`: the callee slot of `callv`, which the
    /// VM ignores); returns its base.
    fn fill_window(&mut self, head: Option<(RegKind, Option<Reg>)>, args: &[Var]) -> Reg {
        let mut kinds: Vec<RegKind> = head.iter().map(|h| h.0).collect();
        kinds.extend(args.iter().map(|&a| kind(self.f.var_ty(a))));
        if kinds.is_empty() {
            kinds.push(RegKind::Value);
        }
        let base = self.window(kinds);
        let mut at = base.0;
        if let Some((_, src)) = head {
            if let Some(src) = src {
                self.b.emit(Instr::Move { dst: base, src });
            }
            at += 1;
        }
        for &a in args {
            let src = self.r(a);
            self.b.emit(Instr::Move { dst: Reg(at), src });
            at += 1;
        }
        base
    }

    fn inst(&mut self, dst: Option<Var>, op: &Op) {
        let d = dst.map(|v| self.r(v));
        let dr = || d.expect("instruction has a result");
        match op {
            Op::Const(c) => {
                let dst = dr();
                match c {
                    Const::Bool(v) => self.b.load_bool(dst, *v),
                    Const::I32(v) => self.b.load_i32(dst, *v),
                    Const::U32(v) => self.b.load_int(dst, *v as u64),
                    Const::I64(v) => self.b.load_int(dst, *v as u64),
                    Const::U64(v) => self.b.load_int(dst, *v),
                    Const::F64(v) => self.b.load_f64(dst, *v),
                    Const::Str(s) => self.b.load_str(dst, s),
                    Const::Null => self.b.emit(Instr::LoadNull { dst }),
                };
            }
            Op::Copy(v) => {
                let src = self.r(*v);
                if src != dr() {
                    self.b.emit(Instr::Move { dst: dr(), src });
                }
            }
            Op::Unary(op, ty, v) => {
                let (dst, src) = (dr(), self.r(*v));
                let i = match (op, ty) {
                    (UnOp::Neg, Ty::I32) => Instr::NegI32 { dst, src },
                    (UnOp::Neg, Ty::U32) => Instr::NegU32 { dst, src },
                    (UnOp::Neg, Ty::I64) => Instr::NegI64 { dst, src },
                    (UnOp::Neg, Ty::U64) => Instr::NegU64 { dst, src },
                    (UnOp::Neg, _) => Instr::NegF64 { dst, src },
                    (UnOp::Not, _) => Instr::NotBool { dst, src },
                    (UnOp::BitNot, Ty::I32) => Instr::NotI32 { dst, src },
                    (UnOp::BitNot, Ty::U32) => Instr::NotU32 { dst, src },
                    (UnOp::BitNot, Ty::I64) => Instr::NotI64 { dst, src },
                    (UnOp::BitNot, _) => Instr::NotU64 { dst, src },
                };
                self.b.emit(i);
            }
            Op::Binary(op, ty, a, c) => {
                let i = binary(*op, *ty, dr(), self.r(*a), self.r(*c));
                self.b.emit(i);
            }
            Op::Convert { from, to, src } => {
                let i = convert(*from, *to, dr(), self.r(*src));
                self.b.emit(i);
            }
            Op::StrEq { negate, lhs, rhs } => {
                let (dst, a, b) = (dr(), self.r(*lhs), self.r(*rhs));
                self.b.emit(if *negate { Instr::NeStr { dst, a, b } } else { Instr::EqStr { dst, a, b } });
            }
            Op::StrConcat(a, c) => {
                let (dst, a, b) = (dr(), self.r(*a), self.r(*c));
                self.b.emit(Instr::Concat { dst, a, b });
            }
            Op::ToStr(ty, v) => {
                let i = to_str(*ty, dr(), self.r(*v));
                self.b.emit(i);
            }
            Op::Print(v) => {
                let src = self.r(*v);
                self.b.emit(Instr::Print { src });
            }
            Op::Call { callee, args } => self.call(d, callee, args),
            Op::NewArray { elem, len } => {
                let len = self.r(*len);
                self.b.emit(Instr::NewArray { dst: dr(), elem: elem_kind(*elem), len });
            }
            Op::ArrayGet { array, index, .. } => {
                let (arr, idx) = (self.r(*array), self.r(*index));
                self.b.emit(Instr::ArrayGet { dst: dr(), arr, idx });
            }
            Op::ArraySet { array, index, value, .. } => {
                let (arr, idx, src) = (self.r(*array), self.r(*index), self.r(*value));
                self.b.emit(Instr::ArraySet { arr, idx, src });
            }
            Op::ArrayLen(a) => {
                let arr = self.r(*a);
                self.b.emit(Instr::ArrayLen { dst: dr(), arr });
            }
            Op::StrLen(s) => {
                let s = self.r(*s);
                self.b.emit(Instr::StrLen { dst: dr(), s });
            }
            Op::StrIndex { string, index } => {
                let (s, idx) = (self.r(*string), self.r(*index));
                self.b.emit(Instr::StrIndex { dst: dr(), s, idx });
            }
            Op::Substring { string, from, to } => {
                let base = self.fill_window(None, &[*string, *from, *to]);
                self.b.emit(Instr::CallBuiltin { dst: dr(), builtin: VmBuiltin::Substring, base, nargs: 3 });
            }
            Op::NewEnv { parent, slots } => {
                let kinds: Vec<RegKind> = slots.iter().map(|&t| kind(t)).collect();
                let layout = self.pb.env_layout(&kinds);
                let parent = match parent {
                    Some(p) => self.r(*p),
                    None => self.null(),
                };
                self.b.emit(Instr::NewEnv { dst: dr(), parent, layout });
            }
            Op::EnvUp { env, depth } => {
                let env = self.r(*env);
                self.b.emit(Instr::EnvUp { dst: dr(), env, depth: *depth as u8 });
            }
            Op::EnvGet { env, slot, .. } => {
                let env = self.r(*env);
                self.b.emit(Instr::EnvGet { dst: dr(), env, depth: 0, slot: *slot as u16 });
            }
            Op::EnvSet { env, slot, value } => {
                let (env, src) = (self.r(*env), self.r(*value));
                self.b.emit(Instr::EnvSet { env, depth: 0, slot: *slot as u16, src });
            }
            Op::ClosureEnv => {
                self.b.emit(Instr::GetClosureEnv { dst: dr() });
            }
            Op::NewClosure { func, env } => {
                let env = match env {
                    Some(e) => self.r(*e),
                    None => self.null(),
                };
                let func = self.ids[func.index()];
                self.b.emit(Instr::NewClosure { dst: dr(), func, env });
            }
            Op::NewObject { class } => {
                let env = self.null();
                self.b.emit(Instr::NewObject { dst: dr(), class: ClassIdx(*class as u16), env });
            }
            Op::GetField { obj, slot, .. } => {
                let obj = self.r(*obj);
                self.b.emit(Instr::GetField { dst: dr(), obj, field: *slot as u16 });
            }
            Op::SetField { obj, slot, value } => {
                let (obj, src) = (self.r(*obj), self.r(*value));
                self.b.emit(Instr::SetField { obj, field: *slot as u16, src });
            }
            Op::NullCheck(v) => {
                let src = self.r(*v);
                self.b.emit(Instr::CheckNonNull { dst: dr(), src });
            }
            Op::MakeLabel(n) => {
                self.b.emit(Instr::MakeLabel { dst: dr(), label: *n as u16 });
            }
            Op::InstanceOf { obj, class } => {
                let obj = self.r(*obj);
                self.b.emit(Instr::InstanceOf { dst: dr(), obj, class: ClassIdx(*class as u16) });
            }
            Op::Cast { obj, class, non_null } => {
                let (dst, obj, class) = (dr(), self.r(*obj), ClassIdx(*class as u16));
                self.b.emit(if *non_null {
                    Instr::CastNonNull { dst, obj, class }
                } else {
                    Instr::Cast { dst, obj, class }
                });
            }
        }
    }

    /// Fills the call window of a call of a function (not a built-in); returns the window
    /// and what the call instruction needs to know about the callee.
    fn function_call_window(&mut self, callee: &Callee, args: &[Var]) -> (Reg, Target) {
        match callee {
            Callee::Direct { func, env } => {
                let env = match env {
                    Some(e) => self.r(*e),
                    None => self.null(),
                };
                let base = self.fill_window(Some((RegKind::Ref, Some(env))), args);
                (base, Target::Direct(self.ids[func.index()]))
            }
            Callee::Closure(c) => {
                let c = self.r(*c);
                (self.fill_window(Some((RegKind::Ref, Some(c))), args), Target::Closure)
            }
            Callee::Virtual { slot } => {
                (self.fill_window(Some((RegKind::Ref, None)), args), Target::Virtual(*slot as u16))
            }
            Callee::Builtin(_) => unreachable!("built-ins have no call window of this shape"),
        }
    }

    /// `goto f (args);`: the arguments go to a window, and the callee replaces the frame.
    fn tail_call(&mut self, callee: &Callee, args: &[Var]) {
        let nargs = args.len() as u8;
        if matches!(callee, Callee::Builtin(_)) {
            // The type checker allows no tail call of a built-in; keep the bytecode well
            // formed anyway.
            self.b.emit(Instr::RetVoid {});
            return;
        }
        let (base, target) = self.function_call_window(callee, args);
        self.b.emit(match target {
            Target::Direct(func) => Instr::TailCallDirect { func, base, nargs },
            Target::Closure => Instr::TailCall { base, nargs },
            Target::Virtual(slot) => Instr::TailCallVirtual { slot, base, nargs },
        });
    }

    fn call(&mut self, d: Option<Reg>, callee: &Callee, args: &[Var]) {
        let nargs = args.len() as u8;
        match callee {
            Callee::Direct { .. } | Callee::Closure(_) | Callee::Virtual { .. } => {
                let (base, target) = self.function_call_window(callee, args);
                let dst = d.unwrap_or(base);
                self.b.emit(match target {
                    Target::Direct(func) => Instr::CallDirect { dst, func, base, nargs },
                    Target::Closure => Instr::Call { dst, base, nargs },
                    Target::Virtual(slot) => Instr::CallVirtual { dst, slot, base, nargs },
                });
            }
            Callee::Builtin(Builtin::Str) => {
                let (dst, src) = (d.expect("str has a result"), self.r(args[0]));
                let i = to_str(self.f.var_ty(args[0]), dst, src);
                self.b.emit(i);
            }
            Callee::Builtin(bi) => {
                let builtin = match bi {
                    Builtin::Sqrt => VmBuiltin::Sqrt,
                    Builtin::Floor => VmBuiltin::Floor,
                    Builtin::Sin => VmBuiltin::Sin,
                    Builtin::Cos => VmBuiltin::Cos,
                    Builtin::Exp => VmBuiltin::Exp,
                    Builtin::Log => VmBuiltin::Log,
                    Builtin::Pow => VmBuiltin::Pow,
                    Builtin::Chr => VmBuiltin::Chr,
                    Builtin::ParseInt => VmBuiltin::ParseInt,
                    Builtin::Args => VmBuiltin::Args,
                    Builtin::ClockUs => VmBuiltin::ClockUs,
                    Builtin::IdentityHash => VmBuiltin::IdentityHash,
                    Builtin::Str => unreachable!("handled above"),
                };
                let base = self.fill_window(None, args);
                let dst = match d {
                    Some(d) => d,
                    None => self.window(vec![builtin.result_kind()]),
                };
                self.b.emit(Instr::CallBuiltin { dst, builtin, base, nargs });
            }
        }
    }
}

/// What a call instruction needs to know about its callee.
enum Target {
    Direct(FuncId),
    Closure,
    Virtual(u16),
}

fn to_str(ty: Ty, dst: Reg, src: Reg) -> Instr {
    match ty {
        Ty::Bool => Instr::ToStrBool { dst, src },
        Ty::I32 => Instr::ToStrI32 { dst, src },
        Ty::U32 => Instr::ToStrU32 { dst, src },
        Ty::I64 => Instr::ToStrI64 { dst, src },
        Ty::U64 => Instr::ToStrU64 { dst, src },
        Ty::F64 => Instr::ToStrF64 { dst, src },
        Ty::Ref => Instr::ToStrRef { dst, src },
    }
}

fn convert(from: Ty, to: Ty, dst: Reg, src: Reg) -> Instr {
    use Ty::*;
    match (from, to) {
        (I32, U32) => Instr::CvtI32U32 { dst, src },
        (I32, I64) => Instr::CvtI32I64 { dst, src },
        (I32, U64) => Instr::CvtI32U64 { dst, src },
        (I32, F64) => Instr::CvtI32F64 { dst, src },
        (U32, I32) => Instr::CvtU32I32 { dst, src },
        (U32, I64) => Instr::CvtU32I64 { dst, src },
        (U32, U64) => Instr::CvtU32U64 { dst, src },
        (U32, F64) => Instr::CvtU32F64 { dst, src },
        (I64, I32) => Instr::CvtI64I32 { dst, src },
        (I64, U32) => Instr::CvtI64U32 { dst, src },
        (I64, U64) => Instr::CvtI64U64 { dst, src },
        (I64, F64) => Instr::CvtI64F64 { dst, src },
        (U64, I32) => Instr::CvtU64I32 { dst, src },
        (U64, U32) => Instr::CvtU64U32 { dst, src },
        (U64, I64) => Instr::CvtU64I64 { dst, src },
        (U64, F64) => Instr::CvtU64F64 { dst, src },
        (F64, I32) => Instr::CvtF64I32 { dst, src },
        (F64, U32) => Instr::CvtF64U32 { dst, src },
        (F64, I64) => Instr::CvtF64I64 { dst, src },
        (F64, U64) => Instr::CvtF64U64 { dst, src },
        _ => Instr::Move { dst, src },
    }
}

fn binary(op: BinOp, ty: Ty, dst: Reg, a: Reg, b: Reg) -> Instr {
    use BinOp::*;
    macro_rules! per_int {
        ($i32:ident, $u32:ident, $i64:ident, $u64:ident) => {
            match ty {
                Ty::I32 => Instr::$i32 { dst, a, b },
                Ty::U32 => Instr::$u32 { dst, a, b },
                Ty::I64 => Instr::$i64 { dst, a, b },
                _ => Instr::$u64 { dst, a, b },
            }
        };
    }
    macro_rules! per_num {
        ($i32:ident, $u32:ident, $i64:ident, $u64:ident, $f64:ident) => {
            match ty {
                Ty::F64 => Instr::$f64 { dst, a, b },
                _ => per_int!($i32, $u32, $i64, $u64),
            }
        };
    }
    match (op, ty) {
        (Eq, Ty::Bool) => Instr::EqBool { dst, a, b },
        (Ne, Ty::Bool) => Instr::NeBool { dst, a, b },
        (Eq, Ty::Ref) => Instr::EqRef { dst, a, b },
        (Ne, Ty::Ref) => Instr::NeRef { dst, a, b },
        (Add, _) => per_num!(AddI32, AddU32, AddI64, AddU64, AddF64),
        (Sub, _) => per_num!(SubI32, SubU32, SubI64, SubU64, SubF64),
        (Mul, _) => per_num!(MulI32, MulU32, MulI64, MulU64, MulF64),
        (Div, _) => per_num!(DivI32, DivU32, DivI64, DivU64, DivF64),
        (Rem, _) => per_num!(RemI32, RemU32, RemI64, RemU64, RemF64),
        (Shl, _) => per_int!(ShlI32, ShlU32, ShlI64, ShlU64),
        (Shr, _) => per_int!(ShrI32, ShrU32, ShrI64, ShrU64),
        (And, Ty::Bool) => Instr::AndI32 { dst, a, b },
        (Or, Ty::Bool) => Instr::OrI32 { dst, a, b },
        (Xor, Ty::Bool) => Instr::XorI32 { dst, a, b },
        (And, _) => per_int!(AndI32, AndU32, AndI64, AndU64),
        (Or, _) => per_int!(OrI32, OrU32, OrI64, OrU64),
        (Xor, _) => per_int!(XorI32, XorU32, XorI64, XorU64),
        (Eq, _) => per_num!(EqI32, EqU32, EqI64, EqU64, EqF64),
        (Ne, _) => per_num!(NeI32, NeU32, NeI64, NeU64, NeF64),
        (Lt, _) => per_num!(LtI32, LtU32, LtI64, LtU64, LtF64),
        (Le, _) => per_num!(LeI32, LeU32, LeI64, LeU64, LeF64),
        (Gt, _) => per_num!(GtI32, GtU32, GtI64, GtU64, GtF64),
        (Ge, _) => per_num!(GeI32, GeU32, GeI64, GeU64, GeF64),
    }
}

/// The `bytecode` pass: runs [`generate`] and leaves the [`Program`] in `unit.backend`.
pub struct BytecodePass;

impl oort_ir::Pass for BytecodePass {
    fn name(&self) -> &'static str {
        "bytecode"
    }
    fn description(&self) -> &'static str {
        "translate the graph IR into register bytecode for the VM"
    }
    fn kind(&self) -> oort_ir::PassKind {
        oort_ir::PassKind::Lowering
    }
    fn run(&self, unit: &mut oort_ir::Unit) {
        let Some(module) = unit.ir.as_ref() else { return };
        match generate(module, &unit.file) {
            Ok(program) => unit.backend = Some(Box::new(program)),
            Err(e) => unit.diags.push(oort_syntax::Diagnostic::new(
                oort_syntax::Code::ProgramTooLarge,
                Span::DUMMY,
                format!("the program is too large for the bytecode format: {e}"),
            )),
        }
    }
    fn dump(&self, unit: &oort_ir::Unit) -> String {
        unit.backend
            .as_ref()
            .and_then(|b| b.downcast_ref::<Program>())
            .map(crate::disasm::disassemble)
            .unwrap_or_default()
    }
}

/// Registers the `bytecode` pass.
pub fn register(reg: &mut oort_ir::Registry) {
    reg.register(std::rc::Rc::new(BytecodePass));
}
