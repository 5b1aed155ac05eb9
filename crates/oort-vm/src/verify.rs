//! Bytecode verifier: the static checks the interpreter's unchecked accesses rely on.
//!
//! Checked per function: `nregs == reg_kinds.len()`, `nparams <= nregs`, one span per
//! instruction, non-empty code ending in a terminator (`jmp`/`ret`/`retv`, so execution never
//! runs off the end), every register operand `< nregs`, jump targets `< code.len()`, constant,
//! function and layout indices in range, call windows inside the frame, `calld` argument count
//! and kinds equal to the callee's parameters, builtin argument counts and kinds, the kind of
//! every `dst` against what the instruction writes (a value op never writes a Ref register,
//! a reference-producing op always writes one), and that every operand the interpreter
//! dereferences is a Ref register. The entry function must exist and take no parameters.
//!
//! Kind tests: `askind!` names a type (its test is not `nonnull`); the name of `asnonnull`
//! is a string constant.
//!
//! Classes: parent indices in range and acyclic, a subclass's fields and vtable extend its
//! parent's (same field kinds as a prefix, at least as many slots), vtable entries are
//! functions whose first parameter (the receiver) is a Ref register; class operands in range,
//! field operands below the largest field count of any class, `callv` slots below the
//! largest vtable, `callv` has a receiver argument held in a Ref register.
//!
//! Not checkable here (guaranteed by the front end's type checking): the kinds of values
//! loaded from arrays/environments/fields and returned by calls, the kinds of values stored
//! into them, the arity of dynamic and virtual calls, the dynamic object kind behind a Ref
//! register, and that a field or slot exists in the receiver's class (the interpreter checks
//! these two at run time and reports an internal error).

use std::fmt;

use crate::bytecode::*;

/// One verifier finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// Function name.
    pub func: String,
    /// Instruction index, if the error is about one instruction.
    pub pc: Option<usize>,
    pub message: String,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pc {
            Some(pc) => write!(f, "{} @{:04}: {}", self.func, pc, self.message),
            None => write!(f, "{}: {}", self.func, self.message),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Verify a whole program; all errors found are returned.
pub fn verify(program: &Program) -> Result<(), Vec<VerifyError>> {
    let mut errors = Vec::new();
    if program.functions.len() > u16::MAX as usize + 1 {
        errors.push(VerifyError { func: "<program>".into(), pc: None, message: "too many functions".into() });
    }
    match program.functions.get(program.entry.0 as usize) {
        None => errors.push(VerifyError {
            func: "<program>".into(),
            pc: None,
            message: format!("entry function f{} does not exist", program.entry.0),
        }),
        Some(f) if f.nparams != 0 => errors.push(VerifyError {
            func: f.name.clone(),
            pc: None,
            message: "entry function must take no parameters".into(),
        }),
        _ => {}
    }
    verify_classes(program, &mut errors);
    let limits = Limits {
        max_fields: program.classes.iter().map(|c| c.fields.len()).max().unwrap_or(0),
        max_slots: program.classes.iter().map(|c| c.vtable.len()).max().unwrap_or(0),
    };
    for f in &program.functions {
        verify_function(program, &limits, f, &mut errors);
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

struct Limits {
    max_fields: usize,
    max_slots: usize,
}

/// Index of the first class whose parent index is out of range or whose parent chain is
/// cyclic, if any.
pub fn class_with_bad_parent(classes: &[ClassDesc]) -> Option<usize> {
    // 0 = not visited, 1 = on the current chain, 2 = known good.
    let mut state = vec![0u8; classes.len()];
    for start in 0..classes.len() {
        let mut chain = Vec::new();
        let mut c = start;
        loop {
            match state[c] {
                2 => break,
                1 => return Some(start),
                _ => {}
            }
            state[c] = 1;
            chain.push(c);
            match classes[c].parent {
                None => break,
                Some(p) if (p.0 as usize) < classes.len() => c = p.0 as usize,
                Some(_) => return Some(c),
            }
        }
        for c in chain {
            state[c] = 2;
        }
    }
    None
}

fn verify_classes(program: &Program, errors: &mut Vec<VerifyError>) {
    let classes = &program.classes;
    let mut err = |c: &ClassDesc, message: String| {
        errors.push(VerifyError { func: format!("<class {}>", c.name), pc: None, message });
    };
    if classes.len() > u16::MAX as usize + 1 {
        errors.push(VerifyError { func: "<program>".into(), pc: None, message: "too many classes".into() });
        return;
    }
    if let Some(i) = class_with_bad_parent(classes) {
        err(&classes[i], "parent class out of range or cyclic inheritance".into());
        return;
    }
    for c in classes {
        if c.fields.len() > u16::MAX as usize + 1 || c.vtable.len() > u16::MAX as usize + 1 {
            err(c, "too many fields or vtable slots".into());
        }
        if let Some(p) = c.parent.map(|p| &classes[p.0 as usize]) {
            if !c.fields.starts_with(&p.fields) {
                err(c, format!("fields do not extend those of parent class {}", p.name));
            }
            if c.vtable.len() < p.vtable.len() {
                err(c, format!("vtable shorter than that of parent class {}", p.name));
            }
        }
        for (slot, &f) in c.vtable.iter().enumerate() {
            match program.functions.get(f.0 as usize) {
                None => err(c, format!("vtable slot {slot}: function f{} out of range", f.0)),
                Some(func) if func.nparams == 0 || func.reg_kinds.first() != Some(&RegKind::Ref) => err(
                    c,
                    format!("vtable slot {slot}: {} does not take a receiver (a Ref first parameter)", func.name),
                ),
                _ => {}
            }
        }
    }
}

/// Operands the interpreter dereferences (must be Ref registers).
fn ref_uses(i: &Instr) -> smallvec::SmallVec<[Reg; 2]> {
    use Instr::*;
    let mut v = smallvec::SmallVec::new();
    match *i {
        EqRef { a, b, .. } | NeRef { a, b, .. } | EqStr { a, b, .. } | NeStr { a, b, .. } | Concat { a, b, .. } => {
            v.push(a);
            v.push(b)
        }
        Call { base, .. } | CallDirect { base, .. } => v.push(base),
        NewEnv { parent, .. } => v.push(parent),
        EnvGet { env, .. } | EnvSet { env, .. } | EnvUp { env, .. } | NewClosure { env, .. } => v.push(env),
        ArrayGet { arr, .. } | ArraySet { arr, .. } | ArrayLen { arr, .. } => v.push(arr),
        StrLen { s, .. } | StrIndex { s, .. } => v.push(s),
        ToStrRef { src, .. } | Print { src } | CheckNonNull { src, .. } | CastNotNull { src, .. } | Goto { src } => {
            v.push(src)
        }
        NewObject { env, .. } => v.push(env),
        ObjEnv { obj, .. }
        | GetField { obj, .. }
        | SetField { obj, .. }
        | InstanceOf { obj, .. }
        | Cast { obj, .. }
        | CastNonNull { obj, .. }
        | IsKind { obj, .. }
        | CastKind { obj, .. }
        | CastKindNonNull { obj, .. } => v.push(obj),
        CallVirtual { base, nargs, .. } | TailCallVirtual { base, nargs, .. } => {
            v.push(base);
            if nargs > 0 {
                v.push(Reg(base.0 + 1))
            }
        }
        TailCall { base, .. } | TailCallDirect { base, .. } => v.push(base),
        _ => {}
    }
    v
}

fn verify_function(program: &Program, limits: &Limits, f: &Function, errors: &mut Vec<VerifyError>) {
    let mut err = |pc: Option<usize>, message: String| {
        errors.push(VerifyError { func: f.name.clone(), pc, message });
    };
    let nregs = f.nregs as usize;
    if nregs != f.reg_kinds.len() {
        err(None, format!("nregs {} but {} register kinds", nregs, f.reg_kinds.len()));
        return;
    }
    if f.nparams as usize > nregs {
        err(None, format!("{} params but only {} registers", f.nparams, nregs));
    }
    if f.spans.len() != f.code.len() {
        err(None, format!("{} spans for {} instructions", f.spans.len(), f.code.len()));
    }
    if f.code.len() > u32::MAX as usize / 2 {
        err(None, "function too long".into());
        return;
    }
    match f.code.last() {
        None => err(None, "empty code".into()),
        Some(i) if !i.is_terminator() => err(Some(f.code.len() - 1), "code does not end in jmp/ret/retv".into()),
        _ => {}
    }
    for (i, l) in f.labels.iter().enumerate() {
        if l.pc.0 as usize >= f.code.len() {
            err(None, format!("label{i} target {} out of range", l.pc.0));
        }
    }
    if let Some(r) = f.shared.iter().find(|r| r.0 as usize >= nregs) {
        err(None, format!("shared register r{} out of range (nregs {nregs})", r.0));
    }
    if !f.shared.windows(2).all(|w| w[0] < w[1]) {
        err(None, "shared registers not in increasing order".into());
    }
    if !f.call_live.windows(2).all(|w| w[0].pc < w[1].pc) {
        err(None, "call liveness not in increasing pc order".into());
    }
    for c in &f.call_live {
        if c.pc as usize >= f.code.len() || c.regs.iter().any(|r| r.0 as usize >= nregs) {
            err(Some(c.pc as usize), "call liveness out of range".into());
        }
    }
    let kind = |r: Reg| f.reg_kinds.get(r.0 as usize).copied();
    for (pc, instr) in f.code.iter().enumerate() {
        let mut regs_ok = true;
        for (name, op) in instr.operands() {
            match op {
                Operand::Reg(r) if r.0 as usize >= nregs => {
                    regs_ok = false;
                    err(Some(pc), format!("{name} register r{} out of range (nregs {nregs})", r.0))
                }
                Operand::Target(t) if t.0 as usize >= f.code.len() => {
                    err(Some(pc), format!("jump target {} out of range", t.0))
                }
                Operand::Const(c) if c.0 as usize >= f.consts.len() => {
                    err(Some(pc), format!("constant k{} out of range", c.0))
                }
                Operand::Func(id) if id.0 as usize >= program.functions.len() => {
                    err(Some(pc), format!("function f{} out of range", id.0))
                }
                Operand::Layout(l) if l.0 as usize >= program.env_layouts.len() => {
                    err(Some(pc), format!("env layout L{} out of range", l.0))
                }
                Operand::Class(c) if c.0 as usize >= program.classes.len() => {
                    err(Some(pc), format!("class C{} out of range", c.0))
                }
                _ => {}
            }
        }
        if !regs_ok {
            continue;
        }
        // Fields and vtable slots.
        match *instr {
            Instr::CastKindNonNull { kind: KindTest::NonNull, .. } => {
                err(Some(pc), "askind! needs a kind test naming a type (not nonnull)".into())
            }
            Instr::CastNotNull { name, .. } if !matches!(f.consts.get(name.0 as usize), Some(Const::Str(_))) => {
                err(Some(pc), format!("asnonnull name k{} is not a string constant", name.0))
            }
            Instr::MakeLabel { label, .. } if label as usize >= f.labels.len() => {
                err(Some(pc), format!("label{label} out of range ({} labels)", f.labels.len()))
            }
            Instr::GetField { field, .. } | Instr::SetField { field, .. } if field as usize >= limits.max_fields => {
                err(Some(pc), format!("field {field} out of range (no class has more than {})", limits.max_fields))
            }
            Instr::CallVirtual { slot, nargs, .. } | Instr::TailCallVirtual { slot, nargs, .. } => {
                if slot as usize >= limits.max_slots {
                    err(
                        Some(pc),
                        format!("vtable slot {slot} out of range (no class has more than {})", limits.max_slots),
                    )
                }
                if nargs == 0 {
                    err(Some(pc), "callv without a receiver argument".into())
                }
            }
            _ => {}
        }
        // Call windows.
        match *instr {
            Instr::Call { base, nargs, .. }
            | Instr::CallDirect { base, nargs, .. }
            | Instr::CallStatic { base, nargs, .. }
            | Instr::CallVirtual { base, nargs, .. }
            | Instr::TailCall { base, nargs }
            | Instr::TailCallDirect { base, nargs, .. }
            | Instr::TailCallVirtual { base, nargs, .. }
                if base.0 as usize + nargs as usize >= nregs =>
            {
                err(Some(pc), format!("call window r{}+{} exceeds nregs {nregs}", base.0, nargs));
                continue;
            }
            Instr::CallBuiltin { builtin, base, nargs, .. } => {
                if base.0 as usize + nargs as usize > nregs {
                    err(Some(pc), format!("builtin window r{}+{} exceeds nregs {nregs}", base.0, nargs));
                    continue;
                }
                if nargs != builtin.arity() {
                    err(Some(pc), format!("{} takes {} arguments, not {nargs}", builtin.name(), builtin.arity()));
                    continue;
                }
                for (i, &k) in builtin.arg_kinds().iter().enumerate() {
                    if kind(Reg(base.0 + i as u16)) != Some(k) {
                        err(Some(pc), format!("{} argument {i} must be a {k:?} register", builtin.name()));
                    }
                }
            }
            _ => {}
        }
        if let Instr::CallDirect { func, base, nargs, .. }
        | Instr::CallStatic { func, base, nargs, .. }
        | Instr::TailCallDirect { func, base, nargs } = *instr
            && let Some(callee) = program.functions.get(func.0 as usize)
        {
            if callee.nparams != nargs as u16 {
                err(Some(pc), format!("{} takes {} arguments, not {nargs}", callee.name, callee.nparams));
            } else {
                for i in 0..nargs as u16 {
                    let (ck, pk) = (kind(Reg(base.0 + 1 + i)), callee.reg_kinds.get(i as usize).copied());
                    if ck != pk {
                        err(Some(pc), format!("argument {i} of {} is {ck:?}, parameter is {pk:?}", callee.name));
                    }
                }
            }
        }
        for r in ref_uses(instr) {
            if kind(r) != Some(RegKind::Ref) {
                err(
                    Some(pc),
                    format!("{} reads r{} as a reference, but it is a Value register", instr.mnemonic(), r.0),
                );
            }
        }
        if let Some(dst) = instr.dst() {
            let dk = kind(dst).expect("checked in range");
            let want = match (instr.result_kind(), instr) {
                (ResultKind::Value, _) => Some(RegKind::Value),
                (ResultKind::Ref, _) => Some(RegKind::Ref),
                (ResultKind::Same, Instr::Move { src, .. }) => kind(*src),
                (ResultKind::Const, Instr::LoadConst { idx, .. }) => f.consts.get(idx.0 as usize).map(Const::kind),
                (ResultKind::Builtin, Instr::CallBuiltin { builtin, .. }) => Some(builtin.result_kind()),
                _ => None,
            };
            if let Some(want) = want
                && want != dk
            {
                err(
                    Some(pc),
                    format!("{} writes a {want:?} into r{} which is a {dk:?} register", instr.mnemonic(), dst.0),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::*;

    fn program_of(f: Function) -> Program {
        Program {
            file_name: "t.oort".into(),
            functions: vec![f],
            env_layouts: vec![],
            classes: vec![],
            entry: FuncId(0),
        }
    }

    fn errors_of(f: Function) -> Vec<String> {
        verify(&program_of(f)).unwrap_err().into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn accepts_good_function() {
        let mut b = FunctionBuilder::new("main", &[]);
        let s = b.alloc_reg(RegKind::Ref);
        b.load_str(s, "x");
        b.emit(Instr::Print { src: s });
        b.emit(Instr::RetVoid {});
        assert_eq!(verify(&program_of(b.finish().unwrap())), Ok(()));
    }

    #[test]
    fn rejects_bad_registers_targets_and_consts() {
        let mut b = FunctionBuilder::new("main", &[]);
        let v = b.alloc_reg(RegKind::Value);
        b.emit(Instr::AddI32 { dst: v, a: v, b: Reg(7) });
        b.emit(Instr::Jump { target: Target(99) });
        b.emit(Instr::LoadConst { dst: v, idx: ConstId(3) });
        b.emit(Instr::CallDirect { dst: v, func: FuncId(5), base: v, nargs: 0 });
        b.emit(Instr::NewEnv { dst: v, parent: v, layout: LayoutId(0) });
        b.emit(Instr::RetVoid {});
        let errs = errors_of(b.finish().unwrap());
        assert_eq!(
            errs,
            vec![
                "main @0000: b register r7 out of range (nregs 1)",
                "main @0001: jump target 99 out of range",
                "main @0002: constant k3 out of range",
                "main @0003: function f5 out of range",
                "main @0003: calld reads r0 as a reference, but it is a Value register",
                "main @0004: env layout L0 out of range",
                "main @0004: newenv reads r0 as a reference, but it is a Value register",
                "main @0004: newenv writes a Ref into r0 which is a Value register",
            ]
        );
    }

    #[test]
    fn rejects_kind_mismatches() {
        let mut b = FunctionBuilder::new("main", &[]);
        let v = b.alloc_reg(RegKind::Value);
        let r = b.alloc_reg(RegKind::Ref);
        b.emit(Instr::AddI32 { dst: r, a: v, b: v });
        b.emit(Instr::Move { dst: v, src: r });
        b.emit(Instr::Concat { dst: r, a: v, b: r });
        b.load_str(v, "s");
        b.emit(Instr::LoadImm { dst: r, imm: 1 });
        b.emit(Instr::CallBuiltin { dst: v, builtin: Builtin::Chr, base: v, nargs: 1 });
        b.emit(Instr::CallBuiltin { dst: v, builtin: Builtin::Sqrt, base: v, nargs: 2 });
        b.emit(Instr::Ret { src: v });
        let errs = errors_of(b.finish().unwrap());
        assert_eq!(
            errs,
            vec![
                "main @0000: add.i32 writes a Value into r1 which is a Ref register",
                "main @0001: mov writes a Ref into r0 which is a Value register",
                "main @0002: concat reads r0 as a reference, but it is a Value register",
                "main @0003: ldk writes a Ref into r0 which is a Value register",
                "main @0004: ldi writes a Value into r1 which is a Ref register",
                "main @0005: callb writes a Ref into r0 which is a Value register",
                "main @0006: sqrt takes 1 arguments, not 2",
            ]
        );
    }

    #[test]
    fn rejects_missing_terminator_and_bad_entry() {
        let mut b = FunctionBuilder::new("f", &[RegKind::Value]);
        b.emit(Instr::Nop {});
        let errs = errors_of(b.finish().unwrap());
        assert_eq!(
            errs,
            vec!["f: entry function must take no parameters", "f @0000: code does not end in jmp/ret/retv"]
        );
    }

    #[test]
    fn rejects_call_windows_out_of_range() {
        let mut b = FunctionBuilder::new("main", &[]);
        let r = b.alloc_reg(RegKind::Ref);
        let v = b.alloc_reg(RegKind::Value);
        b.emit(Instr::Call { dst: v, base: r, nargs: 1 });
        b.emit(Instr::Call { dst: v, base: r, nargs: 2 });
        b.emit(Instr::CallBuiltin { dst: v, builtin: Builtin::Pow, base: v, nargs: 2 });
        b.emit(Instr::CallBuiltin { dst: v, builtin: Builtin::ParseInt, base: v, nargs: 1 });
        b.emit(Instr::RetVoid {});
        let errs = errors_of(b.finish().unwrap());
        assert_eq!(
            errs,
            vec![
                "main @0001: call window r0+2 exceeds nregs 2",
                "main @0002: builtin window r1+2 exceeds nregs 2",
                "main @0003: parse_int argument 0 must be a Ref register",
            ]
        );
    }

    #[test]
    fn rejects_bad_direct_call_arguments() {
        let mut pb = ProgramBuilder::new("t.oort");
        let mut g = FunctionBuilder::new("g", &[RegKind::Value, RegKind::Ref]);
        g.emit(Instr::RetVoid {});
        let gid = pb.add(g.finish().unwrap());
        let mut m = FunctionBuilder::new("main", &[]);
        let w = m.alloc_window(&[RegKind::Value, RegKind::Value]);
        m.emit(Instr::CallDirect { dst: w, func: gid, base: w, nargs: 2 });
        m.emit(Instr::CallDirect { dst: w, func: gid, base: w, nargs: 1 });
        m.emit(Instr::RetVoid {});
        let main = pb.add(m.finish().unwrap());
        let p = pb.finish(main).unwrap();
        let errs: Vec<_> = verify(&p).unwrap_err().into_iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errs,
            vec![
                "main @0000: argument 1 of g is Some(Value), parameter is Some(Ref)",
                "main @0001: g takes 2 arguments, not 1",
            ]
        );
    }
}
