//! `peephole`: local rewrites from one table of rules.
//!
//! # Design note: the rule table
//!
//! Rules are keyed as LuaJIT's FOLD rules are (`lj_opt_fold.c`): by the opcode of the
//! instruction being rewritten and by what each of its operands is. An operand's key is
//! - [`Pat::K`] when its value is a known constant (defined by a `const` earlier in the
//!   block, or by the only assignment of the variable in the function),
//! - [`Pat::Op`] with the opcode of the instruction that computed it, when that
//!   instruction is earlier in the same block and none of *its* operands has been
//!   assigned since (so looking through it is sound on a non-SSA IR),
//! - [`Pat::Any`] otherwise.
//!
//! A rule names a key for each operand, any of which may be `Any`. Lookup tries the most
//! specific key first: `(op, left, right)`, then `(op, left, Any)`, `(op, Any, right)`,
//! `(op, Any, Any)`; the first rule whose function returns a rewrite wins, and the
//! rewritten instruction is looked up again (a rewrite can enable another). Branches are
//! in the same table, keyed by [`Key::Branch`] and their condition.
//!
//! Every rule must preserve:
//! - the result's type and its value for *every* input of the operand types:
//!   wrap-around integers, and IEEE doubles with NaN and signed zeros (which is why
//!   `x + 0`, `x * 1`, `x == x` and negated comparisons are integer-only rules);
//! - every effect: a rule never drops an instruction that can fail or has a side
//!   effect (only pure instructions are rewritten), and never moves code;
//! - operand freshness: it reads an operand's defining instruction only through
//!   [`Operand::def`], which the pass guarantees still computes the operand's value.
//!
//! A rule's result is a new operation for the same result variable (often `copy` or
//! `const`, which `copyprop`, `constprop` and `liveness` then clean up), or a new
//! terminator. Adding a rule is adding one line to [`table`] and one function.

use crate::facts::ModuleFacts;
use crate::fold;
use indexmap::IndexMap;
use oort_ir::liveness::activation_vars;
use oort_ir::{BinOp, Block, Function, Inst, Module, Op, Terminator, Ty, UnOp, Var, has_side_effect, inst_uses};
use std::sync::OnceLock;

/// The opcode part of a key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    Bin(BinOp),
    Un(UnOp),
    Convert,
    Copy,
    /// A two-way branch; its one operand is the condition.
    Branch,
    /// Any other instruction (never rewritten, but may be an operand's definition).
    Other,
}

/// What an operand is known to be.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Pat {
    K,
    Op(Key),
    Any,
}

fn key_of(op: &Op) -> Key {
    match op {
        Op::Binary(b, ..) => Key::Bin(*b),
        Op::Unary(u, ..) => Key::Un(*u),
        Op::Convert { .. } => Key::Convert,
        Op::Copy(_) => Key::Copy,
        _ => Key::Other,
    }
}

/// An operand of the instruction being rewritten.
#[derive(Clone, Copy)]
pub struct Operand<'a> {
    pub var: Var,
    /// Its value, when known (register contents, see [`crate::fold`]).
    pub konst: Option<u64>,
    /// The instruction that computed it, when that is known and still current.
    pub def: Option<&'a Op>,
}

impl Operand<'_> {
    fn pat(&self) -> Pat {
        match (self.konst, self.def) {
            (Some(_), _) => Pat::K,
            (None, Some(op)) => Pat::Op(key_of(op)),
            (None, None) => Pat::Any,
        }
    }

    fn is(&self, bits: u64) -> bool {
        self.konst == Some(bits)
    }
}

/// What a rule sees: the operation's type (operand type for arithmetic and
/// comparisons) and its operands (`b` is absent for one-operand instructions).
pub struct Cx<'a> {
    pub ty: Ty,
    pub a: Operand<'a>,
    pub b: Option<Operand<'a>>,
}

impl Cx<'_> {
    fn b(&self) -> Operand<'_> {
        self.b.expect("a two-operand rule")
    }
}

pub enum Rewrite {
    Op(Op),
    /// A branch: the new condition, and whether the arms swap.
    Branch {
        cond: Var,
        swap: bool,
    },
}

pub struct Rule {
    pub name: &'static str,
    pub key: (Key, Pat, Pat),
    pub apply: fn(&Cx) -> Option<Rewrite>,
}

/// `rewrite` if `cond` holds.
fn when(cond: bool, rewrite: Option<Rewrite>) -> Option<Rewrite> {
    if cond { rewrite } else { None }
}

fn copy(v: Var) -> Option<Rewrite> {
    Some(Rewrite::Op(Op::Copy(v)))
}

fn konst(ty: Ty, bits: u64) -> Option<Rewrite> {
    Some(Rewrite::Op(Op::Const(fold::const_of(ty, bits))))
}

/// All ones in the register contents of an integer type.
fn ones(ty: Ty) -> u64 {
    if ty == Ty::U32 { u32::MAX as u64 } else { u64::MAX }
}

fn inverse(op: BinOp) -> BinOp {
    use BinOp::*;
    match op {
        Eq => Ne,
        Ne => Eq,
        Lt => Ge,
        Ge => Lt,
        Le => Gt,
        Gt => Le,
        other => other,
    }
}

/// The rule table (see the module's design note).
pub fn table() -> &'static [Rule] {
    static TABLE: OnceLock<Vec<Rule>> = OnceLock::new();
    TABLE.get_or_init(|| {
        use BinOp::*;
        use Pat::{Any, K};
        let r = |name, key, apply| Rule { name, key, apply };
        let mut t = vec![
            // Identities with a constant operand (integers only: `-0.0 + 0.0` is `0.0`).
            r("x + 0 = x", (Key::Bin(Add), Any, K), |c| when(c.ty.is_int() && c.b().is(0), copy(c.a.var))),
            r("0 + x = x", (Key::Bin(Add), K, Any), |c| when(c.ty.is_int() && c.a.is(0), copy(c.b().var))),
            r("x - 0 = x", (Key::Bin(Sub), Any, K), |c| when(c.ty.is_int() && c.b().is(0), copy(c.a.var))),
            r("x * 1 = x", (Key::Bin(Mul), Any, K), |c| when(c.ty.is_int() && c.b().is(1), copy(c.a.var))),
            r("1 * x = x", (Key::Bin(Mul), K, Any), |c| when(c.ty.is_int() && c.a.is(1), copy(c.b().var))),
            r("x * 0 = 0", (Key::Bin(Mul), Any, K), |c| when(c.ty.is_int() && c.b().is(0), konst(c.ty, 0))),
            r("0 * x = 0", (Key::Bin(Mul), K, Any), |c| when(c.ty.is_int() && c.a.is(0), konst(c.ty, 0))),
            r("x / 1 = x", (Key::Bin(Div), Any, K), |c| when(c.ty.is_int() && c.b().is(1), copy(c.a.var))),
            r("x << 0 = x", (Key::Bin(Shl), Any, K), |c| when(c.b().is(0), copy(c.a.var))),
            r("x >> 0 = x", (Key::Bin(Shr), Any, K), |c| when(c.b().is(0), copy(c.a.var))),
            r("x | 0 = x", (Key::Bin(Or), Any, K), |c| when(c.b().is(0), copy(c.a.var))),
            r("x ^ 0 = x", (Key::Bin(Xor), Any, K), |c| when(c.b().is(0), copy(c.a.var))),
            r("x & 0 = 0", (Key::Bin(And), Any, K), |c| when(c.b().is(0), konst(c.ty, 0))),
            r("x & ~0 = x", (Key::Bin(And), Any, K), |c| {
                when(c.ty == Ty::Bool && c.b().is(1) || c.ty.is_int() && c.b().is(ones(c.ty)), copy(c.a.var))
            }),
            // Booleans compared with constants.
            r("b == true = b", (Key::Bin(Eq), Any, K), |c| when(c.ty == Ty::Bool && c.b().is(1), copy(c.a.var))),
            r("b != false = b", (Key::Bin(Ne), Any, K), |c| when(c.ty == Ty::Bool && c.b().is(0), copy(c.a.var))),
            r("b == false = !b", (Key::Bin(Eq), Any, K), |c| {
                when(c.ty == Ty::Bool && c.b().is(0), Some(Rewrite::Op(Op::Unary(UnOp::Not, Ty::Bool, c.a.var))))
            }),
            r("b != true = !b", (Key::Bin(Ne), Any, K), |c| {
                when(c.ty == Ty::Bool && c.b().is(1), Some(Rewrite::Op(Op::Unary(UnOp::Not, Ty::Bool, c.a.var))))
            }),
            // Involutions.
            r("!!b = b", (Key::Un(UnOp::Not), Pat::Op(Key::Un(UnOp::Not)), Any), |c| match c.a.def {
                Some(Op::Unary(UnOp::Not, _, y)) => copy(*y),
                _ => None,
            }),
            r("- -x = x", (Key::Un(UnOp::Neg), Pat::Op(Key::Un(UnOp::Neg)), Any), |c| match c.a.def {
                Some(Op::Unary(UnOp::Neg, t, y)) if t.is_int() => copy(*y),
                _ => None,
            }),
            r("~~x = x", (Key::Un(UnOp::BitNot), Pat::Op(Key::Un(UnOp::BitNot)), Any), |c| match c.a.def {
                Some(Op::Unary(UnOp::BitNot, _, y)) => copy(*y),
                _ => None,
            }),
            // A conversion undone: `(int32) (int64) x` is `x` when the first one loses nothing.
            r("(A) (B) x = x", (Key::Convert, Pat::Op(Key::Convert), Any), |c| match c.a.def {
                Some(Op::Convert { from, to, src }) if *from == c.ty && fold::lossless(*from, *to) => copy(*src),
                _ => None,
            }),
            // A branch on `!b` branches on `b` with the arms swapped.
            r("if !b then A else B = if b then B else A", (Key::Branch, Pat::Op(Key::Un(UnOp::Not)), Any), |c| match c
                .a
                .def
            {
                Some(Op::Unary(UnOp::Not, _, y)) => Some(Rewrite::Branch { cond: *y, swap: true }),
                _ => None,
            }),
        ];
        // Same operand on both sides (integers, booleans and references; not doubles,
        // where NaN != NaN).
        for op in [Sub, Xor] {
            t.push(r("x - x = x ^ x = 0", (Key::Bin(op), Any, Any), |c| {
                when(c.ty != Ty::F64 && c.ty != Ty::Ref && c.a.var == c.b().var, konst(c.ty, 0))
            }));
        }
        for op in [And, Or] {
            t.push(r("x & x = x | x = x", (Key::Bin(op), Any, Any), |c| when(c.a.var == c.b().var, copy(c.a.var))));
        }
        for op in [Eq, Le, Ge] {
            t.push(r("x == x = true", (Key::Bin(op), Any, Any), |c| {
                when(c.ty != Ty::F64 && c.a.var == c.b().var, konst(Ty::Bool, 1))
            }));
        }
        for op in [Ne, Lt, Gt] {
            t.push(r("x != x = false", (Key::Bin(op), Any, Any), |c| {
                when(c.ty != Ty::F64 && c.a.var == c.b().var, konst(Ty::Bool, 0))
            }));
        }
        // `!(a < b)` is `a >= b` (not for doubles: both are false when one is NaN).
        for op in [Eq, Ne, Lt, Le, Gt, Ge] {
            t.push(r("!(a < b) = a >= b", (Key::Un(UnOp::Not), Pat::Op(Key::Bin(op)), Any), |c| match c.a.def {
                Some(Op::Binary(op, ty, x, y)) if *ty != Ty::F64 => {
                    Some(Rewrite::Op(Op::Binary(inverse(*op), *ty, *x, *y)))
                }
                _ => None,
            }));
        }
        t
    })
}

/// The table indexed by key, each key's rules in table order.
type Index = IndexMap<(Key, Pat, Pat), Vec<&'static Rule>>;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m: IndexMap<_, Vec<_>> = IndexMap::new();
        for rule in table() {
            m.entry(rule.key).or_default().push(rule);
        }
        m
    })
}

/// Finds the first rule that rewrites `cx` under `key`, most specific key first.
fn lookup(key: Key, cx: &Cx) -> Option<(&'static str, Rewrite)> {
    let (l, r) = (cx.a.pat(), cx.b.map_or(Pat::Any, |b| b.pat()));
    let index = index();
    for k in [(key, l, r), (key, l, Pat::Any), (key, Pat::Any, r), (key, Pat::Any, Pat::Any)] {
        for rule in index.get(&k).into_iter().flatten() {
            if let Some(rw) = (rule.apply)(cx) {
                return Some((rule.name, rw));
            }
        }
    }
    None
}

pub fn run(m: &mut Module) -> usize {
    let facts = ModuleFacts::compute(m);
    m.funcs.iter_mut().map(|f| run_function(&facts, f)).sum()
}

/// The value of each variable assigned exactly once, by a scalar `const`.
fn single_consts(f: &Function) -> Vec<Option<u64>> {
    let mut defs = vec![0u32; f.vars.len()];
    let mut value = vec![None; f.vars.len()];
    for b in &f.blocks {
        for &i in &b.insts {
            let inst = f.inst(i);
            if let Some(d) = inst.dst {
                defs[d.index()] += 1;
                value[d.index()] = if let Op::Const(c) = &inst.op { c.slot_bits() } else { None };
            }
        }
    }
    for (k, v) in value.iter_mut().enumerate() {
        if defs[k] != 1 || k < f.params as usize {
            *v = None;
        }
    }
    value
}

fn run_function(facts: &ModuleFacts, f: &mut Function) -> usize {
    let consts = single_consts(f);
    let activation = activation_vars(f, None);
    let mut rewrites = 0;
    let mut self_copies = vec![false; f.insts.len()];
    let mut removed = 0;
    for b in 0..f.blocks.len() {
        // Definitions earlier in this block that still compute their variable's value.
        let mut defs: Vec<(Var, Inst)> = Vec::new();
        for k in 0..f.blocks[b].insts.len() {
            let i = f.blocks[b].insts[k];
            // Rewrite until no rule applies (each rewrite is simpler, but bound it).
            for _ in 0..8 {
                let Some((name, rw)) = rewrite_inst(f, &defs, &consts, i) else { break };
                tracing::trace!(rule = name, func = %f.name, inst = %i, "peephole");
                if let Rewrite::Op(op) = rw {
                    f.insts[i.index()].op = op;
                    rewrites += 1;
                }
            }
            let inst = f.inst(i);
            if inst.dst.is_some() && inst.op == Op::Copy(inst.dst.unwrap()) {
                self_copies[i.index()] = true;
                removed += 1;
                continue;
            }
            if facts.is_barrier(&inst.op) {
                defs.retain(|&(v, d)| {
                    !activation.contains(v) && inst_uses(&f.inst(d).op).iter().all(|u| !activation.contains(*u))
                });
            }
            if let Some(d) = inst.dst {
                kill(f, &mut defs, d);
                if !inst_uses(&inst.op).contains(&d) {
                    // A window of recent definitions keeps the pass linear in the
                    // length of a block; rules look at operands computed nearby.
                    if defs.len() == DEF_WINDOW {
                        defs.remove(0);
                    }
                    defs.push((d, i));
                }
            }
        }
        let blk = Block(b as u32);
        for _ in 0..8 {
            let Terminator::Branch { cond, then, els } = f.block(blk).term else { break };
            let a = operand(f, &defs, &consts, cond);
            let Some((name, Rewrite::Branch { cond, swap })) = lookup(Key::Branch, &Cx { ty: Ty::Bool, a, b: None })
            else {
                break;
            };
            tracing::trace!(rule = name, func = %f.name, block = %blk, "peephole");
            let (then, els) = if swap { (els, then) } else { (then, els) };
            f.blocks[b].term = Terminator::Branch { cond, then, els };
            rewrites += 1;
        }
    }
    // A copy of a variable into itself does nothing.
    for b in &mut f.blocks {
        b.insts.retain(|i| !self_copies[i.index()]);
    }
    rewrites + removed
}

/// How many recent definitions the pass remembers within a block.
const DEF_WINDOW: usize = 32;

/// Forgets definitions invalidated by an assignment to `v`.
fn kill(f: &Function, defs: &mut Vec<(Var, Inst)>, v: Var) {
    defs.retain(|&(d, i)| d != v && !inst_uses(&f.inst(i).op).contains(&v));
}

fn operand<'a>(f: &'a Function, defs: &[(Var, Inst)], consts: &[Option<u64>], v: Var) -> Operand<'a> {
    let def = defs.iter().rev().find(|d| d.0 == v).map(|&(_, i)| &f.inst(i).op);
    let konst = match def {
        Some(Op::Const(c)) => c.slot_bits(),
        _ => consts[v.index()],
    };
    Operand { var: v, konst, def: def.filter(|op| !matches!(op, Op::Const(_))) }
}

fn rewrite_inst(
    f: &Function,
    defs: &[(Var, Inst)],
    consts: &[Option<u64>],
    i: Inst,
) -> Option<(&'static str, Rewrite)> {
    let inst = f.inst(i);
    if has_side_effect(&inst.op) {
        return None;
    }
    let (key, ty, a, b) = match &inst.op {
        Op::Binary(op, ty, a, b) => (Key::Bin(*op), *ty, *a, Some(*b)),
        Op::Unary(op, ty, a) => (Key::Un(*op), *ty, *a, None),
        Op::Convert { to, src, .. } => (Key::Convert, *to, *src, None),
        _ => return None,
    };
    let cx = Cx { ty, a: operand(f, defs, consts, a), b: b.map(|b| operand(f, defs, consts, b)) };
    lookup(key, &cx)
}
