//! The `bytecode` pass: graph IR → register bytecode.
//!
//! Register assignment is direct: IR variable `vN` lives in register `rN` (so parameters,
//! the first variables, are `r0..` as the call convention wants), with the register kind
//! (value or reference) given by the variable's type. Call windows sit above every
//! variable register, so a call clobbers nothing live; windows with the same kinds are
//! shared between call sites. Blocks are laid out in reverse post-order, and a jump to
//! the next block is left out.
//!
//! Before emitting a function, its `Plan` looks at each block for shapes that would
//! otherwise cost an instruction each (a dispatch is the interpreter's main cost):
//! - a comparison whose only use is the block's branch is *fused* into it (`jlt.i32`, …);
//! - a small integer constant used by `add`/`sub` of int32/int64 or by a fused branch
//!   becomes an immediate operand (`addi.i32`, `jlti.i32`, …), and its load disappears
//!   when every use took it that way;
//! - a temporary whose only use is as an argument of a call in the same block, with no
//!   call in between, is computed straight into its slot of the call window instead of
//!   being moved there.
//!
//! - a constant defined inside a loop (and not made an immediate) is loaded once, at
//!   function entry, into a register of its own, below every call window so that no call
//!   clobbers it; a jump to a block that is only a test (a loop's header, from the back
//!   edge) takes the test itself.
//!
//! All of these are confined to temporaries (never a variable of the activation, which a
//! re-entered activation must find in its own register) defined once.

use crate::builder::{FunctionBuilder, Label, ProgramBuilder};
use crate::bytecode::{
    Builtin as VmBuiltin, ClassDesc, ClassIdx, ElemKind, FuncId, Instr, KindTest, Program, Reg, RegKind,
};
use indexmap::IndexMap;
use oort_ir::liveness::{TempLiveness, activation_vars, term_uses};
use oort_ir::{
    BinOp, Block, Callee, Const, Function, Inst, Module, Op, Terminator, Ty, TypeTest, UnOp, Var, inst_uses,
};
use oort_sema::Builtin;
use oort_syntax::{SourceFile, Span};
use std::collections::{HashMap, HashSet};

/// Translates a verified IR module into a bytecode program.
pub fn generate(module: &Module, file: &SourceFile) -> Result<Program, String> {
    // Function indices are 16 bits (more would wrap around and alias).
    if module.funcs.len() > u16::MAX as usize + 1 {
        return Err(format!(
            "more than {} functions (methods, lambdas, field initializers and the top level count)",
            u16::MAX as usize + 1
        ));
    }
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
        let func = match FnGen::new(&mut pb, &ids, f, file, true).run() {
            // A fused branch's target is 16 bits: very long functions go without.
            Err(crate::builder::BuildError::JumpTooFar { .. }) => FnGen::new(&mut pb, &ids, f, file, false).run(),
            r => r,
        }
        .map_err(|e| e.to_string())?;
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
    /// Liveness of the temporaries: what is live where labels enter and after each call.
    live: TempLiveness,
    plan: Plan,
    /// Whether fused compare-and-branch instructions may be used (their targets are 16
    /// bits).
    fuse: bool,
}

/// What [`FnGen`] does differently from one instruction per IR instruction (module docs).
#[derive(Default)]
struct Plan {
    /// Instructions not emitted: constants whose every use took them as an immediate, and
    /// comparisons fused into their block's branch.
    skip: HashSet<Inst>,
    /// Uses `(instruction, variable)` that take the variable's constant as an immediate.
    imm: HashSet<(Inst, Var)>,
    /// The value (slot bits) of each temporary defined once, by an integer, bool or null
    /// constant.
    consts: HashMap<Var, u64>,
    /// Blocks whose branch is fused with their last instruction, a comparison.
    fused: HashMap<Block, Inst>,
    /// Instructions whose result goes to a call-window slot instead of its register.
    retarget: HashMap<Inst, Reg>,
    /// Call arguments already in their window slot: `(call, argument index)`.
    placed: HashSet<(CallSite, usize)>,
    /// Constants defined inside loops, loaded once at function entry into a register of
    /// their own (one per distinct constant) instead of at every iteration.
    hoisted: HashMap<Var, Reg>,
    /// The registers of hoisted constants and what they hold, in allocation order.
    const_regs: IndexMap<ConstKey, (Reg, Const)>,
}

/// A constant's identity, for sharing one register among equal hoisted constants. `null`
/// has the bits of `0` but lives in a reference register: it is a key of its own.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ConstKey {
    Bits(u64),
    F64(u64),
    Str(Box<[u8]>),
    Null,
}

fn const_key(c: &Const) -> ConstKey {
    match c {
        Const::F64(x) => ConstKey::F64(x.to_bits()),
        Const::Str(s) => ConstKey::Str(s.clone()),
        Const::Null => ConstKey::Null,
        c => ConstKey::Bits(const_bits(c).expect("an integer, bool or null constant")),
    }
}

/// The blocks inside loops: on a path from a loop header back to itself (the natural loop
/// of each retreating edge of the reverse post-order).
fn loop_blocks(f: &Function, order: &[Block]) -> HashSet<Block> {
    let rank: HashMap<Block, usize> = order.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    let preds = f.predecessors();
    let mut body = HashSet::new();
    for &b in order {
        for s in f.block(b).term.successors() {
            if rank.get(&s).is_some_and(|&r| r <= rank[&b]) {
                // `b -> s` goes back to `s`: every block reaching `b` without passing `s`.
                let mut seen: HashSet<Block> = HashSet::from([s]);
                let mut work = vec![b];
                while let Some(x) = work.pop() {
                    if seen.insert(x) {
                        work.extend(preds[x.index()].iter().copied().filter(|p| rank.contains_key(p)));
                    }
                }
                body.extend(seen);
            }
        }
    }
    body
}

impl Plan {
    /// The immediate that instruction `id` takes for its operand `v`, if planned.
    fn imm_of(&self, id: Inst, v: Var) -> Option<i16> {
        self.imm.contains(&(id, v)).then(|| imm16(self.consts[&v]).expect("planned immediates fit 16 bits"))
    }
}

/// A call in the IR: an instruction, or a block's tail-call terminator.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum CallSite {
    Inst(Inst),
    Term(Block),
}

/// The slot bits of an integer, bool or null constant (what an immediate can hold).
fn const_bits(c: &Const) -> Option<u64> {
    if c.ty() == Ty::F64 { None } else { c.slot_bits() }
}

/// `bits` as a sign-extended 16-bit immediate, if it is one.
fn imm16(bits: u64) -> Option<i16> {
    i16::try_from(bits as i64).ok()
}

/// Whether a fused branch on `op` of `ty` has a form with an immediate right operand.
fn branch_takes_imm(op: BinOp, ty: Ty) -> bool {
    match op {
        BinOp::Eq | BinOp::Ne => ty != Ty::F64,
        _ => matches!(ty, Ty::I32 | Ty::I64),
    }
}

/// The IR operations that use a call window (and clobber every window).
fn uses_window(op: &Op) -> bool {
    matches!(op, Op::Call { callee, .. } if !matches!(callee, Callee::Builtin(Builtin::Str)))
        || matches!(op, Op::Substring { .. })
}

/// What a fused branch tests: the comparison, or for doubles its negation (`Nlt` is
/// `!(a < b)`, true for NaN).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pred {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Nlt,
    Nle,
    Ngt,
    Nge,
}

impl Pred {
    fn of(op: BinOp) -> Pred {
        match op {
            BinOp::Eq => Pred::Eq,
            BinOp::Ne => Pred::Ne,
            BinOp::Lt => Pred::Lt,
            BinOp::Le => Pred::Le,
            BinOp::Gt => Pred::Gt,
            _ => Pred::Ge,
        }
    }

    /// The predicate that holds exactly when `self` does not (for `ty`).
    fn negate(self, ty: Ty) -> Pred {
        let float = ty == Ty::F64;
        match self {
            Pred::Eq => Pred::Ne,
            Pred::Ne => Pred::Eq,
            Pred::Lt if float => Pred::Nlt,
            Pred::Le if float => Pred::Nle,
            Pred::Gt if float => Pred::Ngt,
            Pred::Ge if float => Pred::Nge,
            Pred::Lt => Pred::Ge,
            Pred::Le => Pred::Gt,
            Pred::Gt => Pred::Le,
            Pred::Ge => Pred::Lt,
            Pred::Nlt => Pred::Lt,
            Pred::Nle => Pred::Le,
            Pred::Ngt => Pred::Gt,
            Pred::Nge => Pred::Ge,
        }
    }

    /// The same predicate with the operands swapped (`a < b` is `b > a`).
    fn swap(self) -> Pred {
        match self {
            Pred::Lt => Pred::Gt,
            Pred::Gt => Pred::Lt,
            Pred::Le => Pred::Ge,
            Pred::Ge => Pred::Le,
            Pred::Nlt => Pred::Ngt,
            Pred::Ngt => Pred::Nlt,
            Pred::Nle => Pred::Nge,
            Pred::Nge => Pred::Nle,
            p => p,
        }
    }
}

/// The right operand of a fused branch.
#[derive(Clone, Copy)]
enum Rhs {
    Reg(Reg),
    Imm(i16),
}

/// The fused compare-and-branch "jump if `pred` holds for `a` and `b`" (target patched by
/// the builder).
fn fused_branch(pred: Pred, ty: Ty, a: Reg, b: Rhs) -> Instr {
    use crate::bytecode::Near;
    let target = Near(u16::MAX);
    match b {
        Rhs::Imm(imm) => match (pred, ty) {
            (Pred::Eq, _) => Instr::JumpEqImm { a, imm, target },
            (Pred::Ne, _) => Instr::JumpNeImm { a, imm, target },
            (Pred::Lt, Ty::I32) => Instr::JumpLtI32Imm { a, imm, target },
            (Pred::Le, Ty::I32) => Instr::JumpLeI32Imm { a, imm, target },
            (Pred::Gt, Ty::I32) => Instr::JumpGtI32Imm { a, imm, target },
            (Pred::Ge, Ty::I32) => Instr::JumpGeI32Imm { a, imm, target },
            (Pred::Lt, _) => Instr::JumpLtI64Imm { a, imm, target },
            (Pred::Le, _) => Instr::JumpLeI64Imm { a, imm, target },
            (Pred::Gt, _) => Instr::JumpGtI64Imm { a, imm, target },
            _ => Instr::JumpGeI64Imm { a, imm, target },
        },
        Rhs::Reg(b) => {
            // Normalize `>`/`>=` (and their negations) to `<`/`<=` with swapped operands.
            let (pred, a, b) = match pred {
                Pred::Gt | Pred::Ge | Pred::Ngt | Pred::Nge => (pred.swap(), b, a),
                _ => (pred, a, b),
            };
            match (pred, ty) {
                (Pred::Eq, Ty::F64) => Instr::JumpEqF64 { a, b, target },
                (Pred::Ne, Ty::F64) => Instr::JumpNeF64 { a, b, target },
                (Pred::Eq, _) => Instr::JumpEq { a, b, target },
                (Pred::Ne, _) => Instr::JumpNe { a, b, target },
                (Pred::Lt, Ty::I32) => Instr::JumpLtI32 { a, b, target },
                (Pred::Le, Ty::I32) => Instr::JumpLeI32 { a, b, target },
                (Pred::Lt, Ty::I64) => Instr::JumpLtI64 { a, b, target },
                (Pred::Le, Ty::I64) => Instr::JumpLeI64 { a, b, target },
                (Pred::Lt, Ty::U32) => Instr::JumpLtU32 { a, b, target },
                (Pred::Le, Ty::U32) => Instr::JumpLeU32 { a, b, target },
                (Pred::Lt, Ty::U64) => Instr::JumpLtU64 { a, b, target },
                (Pred::Le, Ty::U64) => Instr::JumpLeU64 { a, b, target },
                (Pred::Lt, _) => Instr::JumpLtF64 { a, b, target },
                (Pred::Le, _) => Instr::JumpLeF64 { a, b, target },
                (Pred::Nlt, _) => Instr::JumpNltF64 { a, b, target },
                _ => Instr::JumpNleF64 { a, b, target },
            }
        }
    }
}

impl<'a> FnGen<'a> {
    fn new(
        pb: &'a mut ProgramBuilder,
        ids: &'a [FuncId],
        f: &'a Function,
        file: &'a SourceFile,
        fuse: bool,
    ) -> FnGen<'a> {
        let params: Vec<RegKind> = f.vars[..f.params as usize].iter().map(|v| kind(v.ty)).collect();
        let mut b = FunctionBuilder::new(f.name.clone(), &params);
        for v in &f.vars[f.params as usize..] {
            b.alloc_reg(kind(v.ty));
        }
        let live = TempLiveness::compute(f);
        let activation = activation_vars(f, Some(&live));
        for v in activation.iter() {
            b.mark_shared(Reg(v.0 as u16));
        }
        let mut g =
            FnGen { pb, ids, f, file, b, windows: IndexMap::new(), null_reg: None, live, plan: Plan::default(), fuse };
        g.make_plan(&activation, fuse);
        g
    }

    /// Fills [`FnGen::plan`] (module docs).
    fn make_plan(&mut self, activation: &oort_ir::liveness::VarSet, fuse: bool) {
        let f = self.f;
        let n = f.vars.len();
        let (mut defs, mut uses) = (vec![0u32; n], vec![0u32; n]);
        let blocks = f.reverse_postorder();
        for &blk in &blocks {
            let data = f.block(blk);
            for &i in &data.insts {
                let inst = f.inst(i);
                if let Some(d) = inst.dst {
                    defs[d.index()] += 1;
                }
                for u in inst_uses(&inst.op) {
                    uses[u.index()] += 1;
                }
            }
            for u in term_uses(&data.term) {
                uses[u.index()] += 1;
            }
        }
        let temp = |v: Var| defs[v.index()] == 1 && !activation.contains(v) && v.index() >= f.params as usize;
        // Constants in loops, to be loaded once (unless every use takes an immediate).
        let in_loop = loop_blocks(f, &blocks);
        let mut candidates: Vec<(Inst, Var, Const)> = Vec::new();
        for &blk in blocks.iter().filter(|b| in_loop.contains(b)) {
            for &i in &f.block(blk).insts {
                if let (Some(d), Op::Const(c)) = (f.inst(i).dst, &f.inst(i).op)
                    && temp(d)
                {
                    candidates.push((i, d, c.clone()));
                }
            }
        }
        let mut folded = vec![0u32; n];
        for &blk in &blocks {
            let data = f.block(blk);
            // Temporaries defined earlier in this block: where, and whether by a constant.
            let mut defined: HashMap<Var, (Inst, usize)> = HashMap::new();
            // The comparison fused into the branch, if any.
            if fuse
                && let Terminator::Branch { cond, .. } = data.term
                && let Some(&last) = data.insts.last()
                && let Op::Binary(op, _, _, _) = f.inst(last).op
                && op.is_comparison()
                && f.inst(last).dst == Some(cond)
                && uses[cond.index()] == 1
                && temp(cond)
            {
                self.plan.fused.insert(blk, last);
                self.plan.skip.insert(last);
            }
            for (k, &i) in data.insts.iter().enumerate() {
                let inst = f.inst(i);
                // Immediate operands.
                let mut fold = |v: Var, plan: &mut Plan| {
                    if defined.contains_key(&v) && plan.consts.contains_key(&v) {
                        plan.imm.insert((i, v));
                        folded[v.index()] += 1;
                    }
                };
                match inst.op {
                    Op::Binary(op @ (BinOp::Add | BinOp::Sub), Ty::I32 | Ty::I64, a, b) => {
                        let neg_ok = |v: Var, plan: &Plan| {
                            plan.consts.get(&v).and_then(|&c| imm16(c)).is_some_and(|c| c != i16::MIN)
                        };
                        if neg_ok(b, &self.plan) {
                            fold(b, &mut self.plan);
                        } else if op == BinOp::Add && neg_ok(a, &self.plan) {
                            fold(a, &mut self.plan);
                        }
                    }
                    Op::Binary(op, ty, a, b) if self.plan.fused.get(&blk) == Some(&i) && branch_takes_imm(op, ty) => {
                        let small = |v: Var, plan: &Plan| plan.consts.get(&v).and_then(|&c| imm16(c)).is_some();
                        if small(b, &self.plan) {
                            fold(b, &mut self.plan);
                        } else if small(a, &self.plan) {
                            fold(a, &mut self.plan);
                        }
                    }
                    _ => {}
                }
                if let Some(d) = inst.dst
                    && temp(d)
                {
                    defined.insert(d, (i, k));
                    if let Op::Const(c) = &inst.op
                        && let Some(bits) = const_bits(c)
                    {
                        self.plan.consts.insert(d, bits);
                    }
                }
            }
        }
        // A constant all of whose uses are immediates is not loaded at all.
        for &blk in &blocks {
            for &i in &f.block(blk).insts {
                if let Some(d) = f.inst(i).dst
                    && self.plan.consts.contains_key(&d)
                    && folded[d.index()] == uses[d.index()]
                {
                    self.plan.skip.insert(i);
                }
            }
        }
        // The other constants in loops are read from a register of their own, allocated
        // now, below every call window (a call clobbers its window and all above it).
        for (i, d, c) in candidates {
            if self.plan.skip.contains(&i) {
                continue;
            }
            let key = const_key(&c);
            let r = match self.plan.const_regs.get(&key) {
                Some(&(r, _)) => r,
                None => {
                    let r = self.b.alloc_reg(kind(c.ty()));
                    // Part of the activation, not a temporary: a resumed caller finds it as
                    // it is (it never changes) rather than as snapshotted at the call, which
                    // only keeps the temporaries live there.
                    self.b.mark_shared(r);
                    self.plan.const_regs.insert(key, (r, c));
                    r
                }
            };
            self.plan.skip.insert(i);
            self.plan.hoisted.insert(d, r);
        }
        // Arguments computed straight into their window slot.
        for &blk in &blocks {
            let data = f.block(blk);
            let mut defined: HashMap<Var, (Inst, usize)> = HashMap::new();
            let mut last_window_user: Option<usize> = None;
            for (k, &i) in data.insts.iter().enumerate() {
                let inst = f.inst(i);
                if uses_window(&inst.op) {
                    self.place_args(CallSite::Inst(i), &inst.op, k, &defined, last_window_user, &uses, &temp);
                    last_window_user = Some(k);
                }
                if let Some(d) = inst.dst
                    && temp(d)
                {
                    defined.insert(d, (i, k));
                }
            }
            if let Terminator::TailCall { callee, args } = &data.term
                && !matches!(callee, Callee::Builtin(_))
            {
                let op = Op::Call { callee: callee.clone(), args: args.clone() };
                self.place_args(CallSite::Term(blk), &op, data.insts.len(), &defined, last_window_user, &uses, &temp);
            }
        }
    }

    /// Plans which arguments of the call `op` (at position `k` of its block) are computed
    /// straight into their window slot: temporaries used only here, defined in this block
    /// with no instruction using a window (which would clobber the slot) after the
    /// definition. The definition may itself be a call: its result is written after its
    /// own window is done with.
    #[allow(clippy::too_many_arguments)]
    fn place_args(
        &mut self,
        site: CallSite,
        op: &Op,
        k: usize,
        defined: &HashMap<Var, (Inst, usize)>,
        last_window_user: Option<usize>,
        uses: &[u32],
        temp: &dyn Fn(Var) -> bool,
    ) {
        let Some((base, head, args)) = self.window_of(op) else { return };
        for (j, &a) in args.iter().enumerate() {
            let Some(&(def, pos)) = defined.get(&a) else { continue };
            if pos >= k || last_window_user.is_some_and(|w| w > pos) || uses[a.index()] != 1 || !temp(a) {
                continue;
            }
            // A fused comparison, a folded or hoisted constant emits nothing to retarget.
            if self.plan.skip.contains(&def) {
                continue;
            }
            self.plan.retarget.insert(def, Reg(base.0 + head + j as u16));
            self.plan.placed.insert((site, j));
        }
    }

    /// The window a call-like operation uses: its base, the number of head slots before the
    /// arguments (1 for a function call's callee/environment slot, 0 for a built-in) and
    /// the arguments. Windows are allocated here first, so planning and emitting agree.
    fn window_of<'o>(&mut self, op: &'o Op) -> Option<(Reg, u16, &'o [Var])> {
        match op {
            Op::Call { callee: Callee::Builtin(Builtin::Str), .. } => None,
            Op::Call { callee: Callee::Builtin(_), args } => Some((self.window(self.kinds(None, args)), 0, args)),
            Op::Call { args, .. } => Some((self.window(self.kinds(Some(RegKind::Ref), args)), 1, args)),
            // Substring's window is not planned (its operands are rarely temporaries).
            _ => None,
        }
    }

    /// The kinds of a window for `args` after an optional head slot.
    fn kinds(&self, head: Option<RegKind>, args: &[Var]) -> Vec<RegKind> {
        let mut kinds: Vec<RegKind> = head.into_iter().collect();
        kinds.extend(args.iter().map(|&a| kind(self.f.var_ty(a))));
        if kinds.is_empty() {
            kinds.push(RegKind::Value);
        }
        kinds
    }

    fn r(&self, v: Var) -> Reg {
        match self.plan.hoisted.get(&v) {
            Some(&r) => r,
            None => Reg(v.0 as u16),
        }
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
        // Hoisted constants are loaded once, before the entry block (a loop back to the
        // entry block does not reload them).
        for (r, c) in self.plan.const_regs.values().cloned().collect::<Vec<_>>() {
            self.set_span(self.f.span);
            self.load_const(r, &c);
        }
        for (pos, &blk) in order.iter().enumerate() {
            self.b.bind(labels[&blk]);
            let data = self.f.block(blk);
            let mut live_after = self.live.after_calls(self.f, blk).into_iter().peekable();
            for (k, &i) in data.insts.iter().enumerate() {
                let live_temps = live_after.next_if(|(at, _)| *at == k).map(|(_, l)| l);
                if self.plan.skip.contains(&i) {
                    continue;
                }
                let inst = self.f.inst(i);
                self.set_span(inst.span);
                let dst = self.plan.retarget.get(&i).copied().or(inst.dst.map(|v| self.r(v)));
                self.inst(i, dst, &inst.op);
                if let Op::Call { callee, .. } = &inst.op
                    && !matches!(callee, Callee::Builtin(_))
                {
                    // The call is the last instruction emitted for it.
                    let regs = live_temps
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|&v| Some(v) != inst.dst)
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
                        if self.emits_only_branch(*t) {
                            // A jump to a block that is just a test (a loop's header, at
                            // the back edge): take the test here instead, which saves the
                            // jump's dispatch.
                            self.branch(*t, next, &labels);
                        } else {
                            self.b.jump(labels[t]);
                        }
                    }
                }
                Terminator::Branch { .. } => self.branch(blk, next, &labels),
                Terminator::Switch { value, cases, default } => {
                    let v = self.r(*value);
                    let tmp = self.window(vec![RegKind::Value, RegKind::Value]);
                    let flag = Reg(tmp.0 + 1);
                    for (val, target) in cases {
                        let bits = *val as u64;
                        match imm16(bits) {
                            Some(imm) if self.fuse => {
                                let target_near = crate::bytecode::Near(u16::MAX);
                                self.b.emit_jump(Instr::JumpEqImm { a: v, imm, target: target_near }, labels[target]);
                            }
                            _ if self.fuse => {
                                self.b.load_int(tmp, bits);
                                let near = crate::bytecode::Near(u16::MAX);
                                self.b.emit_jump(Instr::JumpEq { a: v, b: tmp, target: near }, labels[target]);
                            }
                            _ => {
                                self.b.load_int(tmp, bits);
                                self.b.emit(Instr::EqI64 { dst: flag, a: v, b: tmp });
                                self.b.jump_if(flag, labels[target]);
                            }
                        }
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
                Terminator::TailCall { callee, args } => self.tail_call(blk, callee, args),
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

    /// Whether block `b` emits nothing but its branch (every instruction folded away).
    fn emits_only_branch(&self, b: Block) -> bool {
        let data = self.f.block(b);
        matches!(data.term, Terminator::Branch { .. }) && data.insts.iter().all(|i| self.plan.skip.contains(i))
    }

    /// Emits the branch that ends block `blk` (possibly at the end of another block that
    /// jumps to it), with `next` the block laid out next.
    fn branch(&mut self, blk: Block, next: Option<Block>, labels: &IndexMap<Block, Label>) {
        let Terminator::Branch { cond, then, els } = self.f.block(blk).term else { unreachable!("not a branch") };
        if let Some(&id) = self.plan.fused.get(&blk) {
            let Op::Binary(op, ty, a, b) = self.f.inst(id).op else { unreachable!("fused a non-comparison") };
            let (pred, a, b) = match (self.plan.imm_of(id, a), self.plan.imm_of(id, b)) {
                (_, Some(c)) => (Pred::of(op), self.r(a), Rhs::Imm(c)),
                (Some(c), None) => (Pred::of(op).swap(), self.r(b), Rhs::Imm(c)),
                (None, None) => (Pred::of(op), self.r(a), Rhs::Reg(self.r(b))),
            };
            if Some(then) == next {
                self.b.emit_jump(fused_branch(pred.negate(ty), ty, a, b), labels[&els]);
            } else {
                self.b.emit_jump(fused_branch(pred, ty, a, b), labels[&then]);
                if Some(els) != next {
                    self.b.jump(labels[&els]);
                }
            }
            return;
        }
        let c = self.r(cond);
        if Some(then) == next {
            self.b.jump_if_not(c, labels[&els]);
        } else if Some(els) == next {
            self.b.jump_if(c, labels[&then]);
        } else {
            self.b.jump_if(c, labels[&then]);
            self.b.jump(labels[&els]);
        }
    }

    /// Moves `args` into a window whose first slot has kind `head.0` and receives
    /// `head.1` (nothing is moved when that is `None`: the callee slot of `callv`, which the
    /// VM ignores); returns its base.
    /// Arguments the plan computed straight into their slot (`site`) are not moved.
    fn fill_window(&mut self, site: Option<CallSite>, head: Option<(RegKind, Option<Reg>)>, args: &[Var]) -> Reg {
        let base = self.window(self.kinds(head.map(|h| h.0), args));
        let mut at = base.0;
        if let Some((_, src)) = head {
            if let Some(src) = src {
                self.b.emit(Instr::Move { dst: base, src });
            }
            at += 1;
        }
        for (j, &a) in args.iter().enumerate() {
            if !site.is_some_and(|s| self.plan.placed.contains(&(s, j))) {
                let src = self.r(a);
                self.b.emit(Instr::Move { dst: Reg(at), src });
            }
            at += 1;
        }
        base
    }

    fn load_const(&mut self, dst: Reg, c: &Const) {
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

    /// Emits IR instruction `id`, writing its result (if any) to `d`.
    fn inst(&mut self, id: Inst, d: Option<Reg>, op: &Op) {
        let dr = || d.expect("instruction has a result");
        match op {
            Op::Const(c) => self.load_const(dr(), c),
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
                let i = match (self.plan.imm_of(id, *a), self.plan.imm_of(id, *c)) {
                    // Planned only for add/sub of int32/int64 (`make_plan`).
                    (_, Some(k)) => add_imm(*ty, dr(), self.r(*a), if *op == BinOp::Sub { -k } else { k }),
                    (Some(k), None) => add_imm(*ty, dr(), self.r(*c), k),
                    (None, None) => binary(*op, *ty, dr(), self.r(*a), self.r(*c)),
                };
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
            Op::Call { callee, args } => self.call(CallSite::Inst(id), d, callee, args),
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
                let base = self.fill_window(None, None, &[*string, *from, *to]);
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
            Op::InstanceOf { obj, test } => {
                let (dst, obj) = (dr(), self.r(*obj));
                self.b.emit(match (test, kind_test(test)) {
                    (TypeTest::Class(c), _) => Instr::InstanceOf { dst, obj, class: ClassIdx(*c as u16) },
                    (_, kind) => Instr::IsKind { dst, obj, kind },
                });
            }
            Op::Cast { obj, test, non_null } => {
                let (dst, obj) = (dr(), self.r(*obj));
                let i = match (test, *non_null) {
                    (TypeTest::Class(c), true) => Instr::CastNonNull { dst, obj, class: ClassIdx(*c as u16) },
                    (TypeTest::Class(c), false) => Instr::Cast { dst, obj, class: ClassIdx(*c as u16) },
                    (TypeTest::NonNull(name), true) => {
                        let name = self.b.const_str(name.as_bytes());
                        Instr::CastNotNull { dst, src: obj, name }
                    }
                    (_, true) => Instr::CastKindNonNull { dst, obj, kind: kind_test(test) },
                    (_, false) => Instr::CastKind { dst, obj, kind: kind_test(test) },
                };
                self.b.emit(i);
            }
        }
    }

    /// Fills the call window of a call of a function (not a built-in); returns the window
    /// and what the call instruction needs to know about the callee.
    fn function_call_window(&mut self, site: CallSite, callee: &Callee, args: &[Var], tail: bool) -> (Reg, Target) {
        let site = Some(site);
        match callee {
            Callee::Direct { func, env: None } if !tail => {
                // `calls`: the environment slot is left alone.
                let base = self.fill_window(site, Some((RegKind::Ref, None)), args);
                (base, Target::Static(self.ids[func.index()]))
            }
            Callee::Direct { func, env } => {
                let env = match env {
                    Some(e) => self.r(*e),
                    None => self.null(),
                };
                let base = self.fill_window(site, Some((RegKind::Ref, Some(env))), args);
                (base, Target::Direct(self.ids[func.index()]))
            }
            Callee::Closure(c) => {
                let c = self.r(*c);
                (self.fill_window(site, Some((RegKind::Ref, Some(c))), args), Target::Closure)
            }
            Callee::Virtual { slot } => {
                (self.fill_window(site, Some((RegKind::Ref, None)), args), Target::Virtual(*slot as u16))
            }
            Callee::Builtin(_) => unreachable!("built-ins have no call window of this shape"),
        }
    }

    /// `goto f (args);`: the arguments go to a window, and the callee replaces the frame.
    fn tail_call(&mut self, blk: Block, callee: &Callee, args: &[Var]) {
        let nargs = args.len() as u8;
        if matches!(callee, Callee::Builtin(_)) {
            // The type checker allows no tail call of a built-in; keep the bytecode well
            // formed anyway.
            self.b.emit(Instr::RetVoid {});
            return;
        }
        let (base, target) = self.function_call_window(CallSite::Term(blk), callee, args, true);
        self.b.emit(match target {
            Target::Direct(func) | Target::Static(func) => Instr::TailCallDirect { func, base, nargs },
            Target::Closure => Instr::TailCall { base, nargs },
            Target::Virtual(slot) => Instr::TailCallVirtual { slot, base, nargs },
        });
    }

    fn call(&mut self, site: CallSite, d: Option<Reg>, callee: &Callee, args: &[Var]) {
        let nargs = args.len() as u8;
        match callee {
            Callee::Direct { .. } | Callee::Closure(_) | Callee::Virtual { .. } => {
                let (base, target) = self.function_call_window(site, callee, args, false);
                // A void call's (unused) result lands in the window's head slot.
                let dst = d.unwrap_or(base);
                self.b.emit(match target {
                    Target::Static(func) => Instr::CallStatic { dst, func, base, nargs },
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
                let base = self.fill_window(Some(site), None, args);
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
    /// A function without environment (`calls`).
    Static(FuncId),
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

/// The kind test of the VM that carries out an IR type test other than a class test
/// (those are `instof` and `cast`).
fn kind_test(t: &TypeTest) -> KindTest {
    match t {
        TypeTest::String => KindTest::String,
        TypeTest::Label => KindTest::Label,
        TypeTest::Array(ty) => KindTest::Array(elem_kind(*ty)),
        TypeTest::NonNull(_) | TypeTest::Class(_) => KindTest::NonNull,
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

/// `dst = a + imm` for int32 or int64.
fn add_imm(ty: Ty, dst: Reg, a: Reg, imm: i16) -> Instr {
    if ty == Ty::I32 { Instr::AddI32Imm { dst, a, imm } } else { Instr::AddI64Imm { dst, a, imm } }
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
