//! The IR verifier: checks that a module is well formed. Run between passes in debug
//! builds and tests; a failure is a compiler bug, never a user error.
//!
//! Invariants checked, per function:
//! 1. Every variable, block and instruction index is in range; the entry block exists.
//! 2. Every instruction appears in at most one block's layout (a pass removes an
//!    instruction by taking it out of its block; [`Function::compact`] drops it).
//! 3. Operand and result types agree with the instruction: arithmetic operands have the
//!    instruction's type, comparisons, `not` and `streq` produce `bool`, references are
//!    `ref`, array indices and string indices are integers, branch conditions `bool`,
//!    switch values integers, `ret` matches the function's return type.
//! 4. Direct calls name an existing function with the right number and types of
//!    arguments, and pass an environment exactly when the callee takes one; the result
//!    is present exactly when the callee returns a value, and of its type.
//! 5. No reachable block ends in `unreachable`.
//! 6. Instructions that produce no value (`print`, `aset`, `envset`, `setfield`) have no
//!    result; all others but void calls have one.
//! 7. Classes named by instructions exist; a class's parent exists and comes first; a
//!    vtable names existing functions that take the receiver first.

use crate::ir::*;

pub fn verify_module(m: &Module) -> Result<(), Vec<String>> {
    let mut errs = Vec::new();
    if m.funcs.is_empty() {
        errs.push("module has no main function".to_string());
    }
    for (i, c) in m.classes.iter().enumerate() {
        if c.parent.is_some_and(|p| p as usize >= i) {
            errs.push(format!("class c{i} {}: parent does not come before it", c.name));
        }
        for f in &c.vtable {
            match m.funcs.get(f.index()) {
                Some(g) if g.params >= 1 && g.vars[0].ty == Ty::Ref => {}
                _ => errs.push(format!("class c{i} {}: vtable entry {f} is not a method", c.name)),
            }
        }
    }
    for (i, f) in m.funcs.iter().enumerate() {
        verify_function(m, FnIdx(i as u32), f, &mut errs);
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

struct Ctx<'a> {
    m: &'a Module,
    f: &'a Function,
    errs: &'a mut Vec<String>,
    name: String,
}

impl Ctx<'_> {
    fn err(&mut self, msg: String) {
        self.errs.push(format!("{}: {msg}", self.name));
    }

    fn var(&mut self, v: Var, what: &str) -> Option<Ty> {
        match self.f.vars.get(v.index()) {
            Some(d) => Some(d.ty),
            None => {
                self.err(format!("{what}: variable {v} out of range"));
                None
            }
        }
    }

    fn expect(&mut self, v: Var, ty: Ty, what: &str) {
        if let Some(t) = self.var(v, what)
            && t != ty
        {
            self.err(format!("{what}: {v} has type {t}, expected {ty}"));
        }
    }

    fn class(&mut self, c: u32, what: &str) {
        if c as usize >= self.m.classes.len() {
            self.err(format!("{what}: unknown class c{c}"));
        }
    }

    fn type_test(&mut self, t: &TypeTest, what: &str) {
        match t {
            TypeTest::Class(c) => self.class(*c, what),
            TypeTest::Array(Ty::Ref) => self.err(format!("{what}: no type test for arrays of references")),
            TypeTest::String | TypeTest::Label | TypeTest::Array(_) | TypeTest::NonNull(_) => {}
        }
    }

    fn expect_int(&mut self, v: Var, what: &str) {
        if let Some(t) = self.var(v, what)
            && !t.is_int()
        {
            self.err(format!("{what}: {v} has type {t}, expected an integer"));
        }
    }
}

fn verify_function(m: &Module, idx: FnIdx, f: &Function, errs: &mut Vec<String>) {
    let mut cx = Ctx { m, f, errs, name: format!("{idx} {}", f.name) };
    if f.entry.index() >= f.blocks.len() {
        cx.err(format!("entry block {} out of range", f.entry));
        return;
    }
    if f.params as usize > f.vars.len() {
        cx.err("more parameters than variables".into());
    }
    let mut owner = vec![None; f.insts.len()];
    for (bi, b) in f.blocks.iter().enumerate() {
        for &i in &b.insts {
            match owner.get_mut(i.index()) {
                None => cx.err(format!("bb{bi}: instruction {i} out of range")),
                Some(Some(prev)) => cx.err(format!("instruction {i} in both bb{prev} and bb{bi}")),
                Some(slot) => *slot = Some(bi),
            }
        }
        for s in b.term.successors() {
            if s.index() >= f.blocks.len() {
                cx.err(format!("bb{bi}: successor {s} out of range"));
            }
        }
    }
    if !cx.errs.is_empty() {
        return;
    }
    for (i, l) in f.labels.iter().enumerate() {
        if l.block.index() >= f.blocks.len() {
            cx.err(format!("label{i} block {} out of range", l.block));
        }
    }
    if !cx.errs.is_empty() {
        return;
    }
    let reachable = f.reverse_postorder();
    for &b in &reachable {
        let data = f.block(b);
        for &i in &data.insts {
            check_inst(&mut cx, f.inst(i), b);
        }
        let what = format!("{b} terminator");
        match &data.term {
            Terminator::Jump(_) => {}
            Terminator::Branch { cond, .. } => cx.expect(*cond, Ty::Bool, &what),
            Terminator::Switch { value, .. } => cx.expect_int(*value, &what),
            Terminator::Return(v) => match (v, f.ret) {
                (None, None) => {}
                (Some(v), Some(r)) => cx.expect(*v, r, &what),
                (Some(_), None) => cx.err(format!("{what}: value returned from a void function")),
                (None, Some(_)) => cx.err(format!("{what}: no value returned")),
            },
            Terminator::TailCall { callee, args } => {
                let ret = check_call(&mut cx, callee, args, None, &what);
                if matches!(callee, Callee::Direct { .. }) && ret != f.ret {
                    cx.err(format!("{what}: tail call returns {ret:?}, the function {:?}", f.ret));
                }
            }
            Terminator::Goto(v) => cx.expect(*v, Ty::Ref, &what),
            Terminator::Unreachable => cx.err(format!("{what}: reachable block ends in unreachable")),
        }
    }
}

fn check_inst(cx: &mut Ctx<'_>, inst: &InstData, b: Block) {
    let what = format!("{b}");
    let result: Option<Ty> = match &inst.op {
        Op::Const(c) => Some(c.ty()),
        Op::Copy(v) => cx.var(*v, &what),
        Op::Unary(op, ty, v) => {
            cx.expect(*v, *ty, &what);
            match op {
                UnOp::Not if *ty != Ty::Bool => cx.err(format!("{what}: not.{ty}")),
                UnOp::BitNot if !ty.is_int() => cx.err(format!("{what}: bitnot.{ty}")),
                UnOp::Neg if !(ty.is_int() || *ty == Ty::F64) => cx.err(format!("{what}: neg.{ty}")),
                _ => {}
            }
            Some(*ty)
        }
        Op::Binary(op, ty, a, c) => {
            cx.expect(*a, *ty, &what);
            if matches!(op, BinOp::Shl | BinOp::Shr) {
                cx.expect_int(*c, &what);
            } else {
                cx.expect(*c, *ty, &what);
            }
            if *ty == Ty::Ref && !matches!(op, BinOp::Eq | BinOp::Ne) {
                cx.err(format!("{what}: {}.ref", op.name()));
            }
            if op.is_comparison() { Some(Ty::Bool) } else { Some(*ty) }
        }
        Op::Convert { from, to, src } => {
            cx.expect(*src, *from, &what);
            Some(*to)
        }
        Op::StrEq { lhs, rhs, .. } => {
            cx.expect(*lhs, Ty::Ref, &what);
            cx.expect(*rhs, Ty::Ref, &what);
            Some(Ty::Bool)
        }
        Op::StrConcat(a, c) => {
            cx.expect(*a, Ty::Ref, &what);
            cx.expect(*c, Ty::Ref, &what);
            Some(Ty::Ref)
        }
        Op::ToStr(ty, v) => {
            cx.expect(*v, *ty, &what);
            Some(Ty::Ref)
        }
        Op::Print(v) => {
            cx.expect(*v, Ty::Ref, &what);
            None
        }
        Op::Call { callee, args } => check_call(cx, callee, args, inst.dst, &what),
        Op::NewArray { len, .. } => {
            cx.expect_int(*len, &what);
            Some(Ty::Ref)
        }
        Op::ArrayGet { elem, array, index } => {
            cx.expect(*array, Ty::Ref, &what);
            cx.expect_int(*index, &what);
            Some(*elem)
        }
        Op::ArraySet { elem, array, index, value } => {
            cx.expect(*array, Ty::Ref, &what);
            cx.expect_int(*index, &what);
            cx.expect(*value, *elem, &what);
            None
        }
        Op::ArrayLen(a) | Op::StrLen(a) => {
            cx.expect(*a, Ty::Ref, &what);
            Some(Ty::I32)
        }
        Op::StrIndex { string, index } => {
            cx.expect(*string, Ty::Ref, &what);
            cx.expect_int(*index, &what);
            Some(Ty::I32)
        }
        Op::Substring { string, from, to } => {
            cx.expect(*string, Ty::Ref, &what);
            cx.expect_int(*from, &what);
            cx.expect_int(*to, &what);
            Some(Ty::Ref)
        }
        Op::NewEnv { parent, .. } => {
            if let Some(p) = parent {
                cx.expect(*p, Ty::Ref, &what);
            }
            Some(Ty::Ref)
        }
        Op::EnvUp { env, .. } => {
            cx.expect(*env, Ty::Ref, &what);
            Some(Ty::Ref)
        }
        Op::EnvGet { env, ty, .. } => {
            cx.expect(*env, Ty::Ref, &what);
            Some(*ty)
        }
        Op::EnvSet { env, value, .. } => {
            cx.expect(*env, Ty::Ref, &what);
            cx.var(*value, &what);
            None
        }
        Op::ClosureEnv => {
            if !cx.f.takes_env {
                cx.err(format!("{what}: closureenv in a function that takes no environment"));
            }
            Some(Ty::Ref)
        }
        Op::NewObject { class } => {
            cx.class(*class, &what);
            Some(Ty::Ref)
        }
        Op::GetField { obj, ty, .. } => {
            cx.expect(*obj, Ty::Ref, &what);
            Some(*ty)
        }
        Op::SetField { obj, value, .. } => {
            cx.expect(*obj, Ty::Ref, &what);
            cx.var(*value, &what);
            None
        }
        Op::InstanceOf { obj, test } => {
            cx.expect(*obj, Ty::Ref, &what);
            cx.type_test(test, &what);
            Some(Ty::Bool)
        }
        Op::MakeLabel(n) => {
            if *n as usize >= cx.f.labels.len() {
                cx.err(format!("{what}: label{n} out of range"));
            }
            Some(Ty::Ref)
        }
        Op::NullCheck(v) => {
            cx.expect(*v, Ty::Ref, &what);
            Some(Ty::Ref)
        }
        Op::Cast { obj, test, .. } => {
            cx.expect(*obj, Ty::Ref, &what);
            cx.type_test(test, &what);
            Some(Ty::Ref)
        }
        Op::NewClosure { func, env } => {
            if func.index() >= cx.m.funcs.len() {
                cx.err(format!("{what}: closure of unknown function {func}"));
            } else if cx.m.funcs[func.index()].takes_env != env.is_some() {
                cx.err(format!("{what}: closure of {func} with wrong environment"));
            }
            if let Some(e) = env {
                cx.expect(*e, Ty::Ref, &what);
            }
            Some(Ty::Ref)
        }
    };
    match (inst.dst, result) {
        (Some(d), Some(t)) => cx.expect(d, t, &format!("{what} result")),
        (Some(d), None) => cx.err(format!("{what}: {d} assigned from an instruction with no value")),
        (None, Some(_)) if !matches!(inst.op, Op::Call { .. }) => {
            cx.err(format!("{what}: value of instruction dropped"))
        }
        _ => {}
    }
}

/// Checks a call's operands; returns the type of its result, when the callee's signature
/// is known to the IR (a direct call), or the type of `dst`.
fn check_call(cx: &mut Ctx<'_>, callee: &Callee, args: &[Var], dst: Option<Var>, what: &str) -> Option<Ty> {
    match callee {
        Callee::Direct { func, env } => match cx.m.funcs.get(func.index()) {
            None => {
                cx.err(format!("{what}: call of unknown function {func}"));
                None
            }
            Some(g) => {
                if g.params as usize != args.len() {
                    cx.err(format!("{what}: {func} takes {} arguments, got {}", g.params, args.len()));
                } else {
                    for (i, a) in args.iter().enumerate() {
                        cx.expect(*a, g.vars[i].ty, what);
                    }
                }
                match env {
                    Some(e) => {
                        cx.expect(*e, Ty::Ref, what);
                        if !g.takes_env {
                            cx.err(format!("{what}: environment passed to {func}, which takes none"));
                        }
                    }
                    None if g.takes_env => cx.err(format!("{what}: {func} needs an environment")),
                    None => {}
                }
                g.ret
            }
        },
        // Calls whose callee's signature the IR does not record: the operands must
        // exist; the result has whatever type the front end gave it.
        Callee::Closure(_) | Callee::Builtin(_) | Callee::Virtual { .. } => {
            match callee {
                Callee::Closure(c) => cx.expect(*c, Ty::Ref, what),
                Callee::Virtual { .. } => match args.first() {
                    Some(r) => cx.expect(*r, Ty::Ref, what),
                    None => cx.err(format!("{what}: virtual call without a receiver")),
                },
                _ => {}
            }
            for a in args {
                cx.var(*a, what);
            }
            dst.and_then(|d| cx.var(d, what))
        }
    }
}
