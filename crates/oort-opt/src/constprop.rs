//! `constprop`: constant propagation and folding, with branches on constants resolved.
//!
//! A forward analysis gives every variable a value in the lattice `Unknown` (no
//! assignment seen yet, the identity of the join) < `Known(bits)` < `Varying`. It follows
//! only the arms a branch can take: a branch or switch on a known value sends its state
//! along one edge, so code behind the other arm is never reached, and what it assigns
//! never spoils a join (conditional constant propagation, after Wegman and Zadeck).
//!
//! Boundary states: at `entry`, parameters vary and every other variable holds zero, as
//! the VM's registers do; at a label block everything varies. After a call that can
//! return twice, the activation's variables vary ([`crate::facts`]).
//!
//! The rewrite: an instruction whose result is known becomes `const` (only folds that
//! cannot fail are made, so no runtime error is lost); a branch or switch on a known
//! value becomes a jump. Blocks the analysis never reached are no longer reachable after
//! that; `cleanup` removes them.

use crate::facts::{ModuleFacts, each_function};
use crate::fold;
use oort_ir::dataflow::{Analysis, Direction, solve};
use oort_ir::liveness::{VarSet, activation_vars};
use oort_ir::{Block, Function, Inst, Module, Op, Terminator, Ty, Var};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Val {
    Unknown,
    Known(u64),
    Varying,
}

impl Val {
    fn join(self, other: Val) -> Val {
        match (self, other) {
            (Val::Unknown, v) | (v, Val::Unknown) => v,
            (Val::Known(a), Val::Known(b)) if a == b => Val::Known(a),
            _ => Val::Varying,
        }
    }
}

pub struct ConstAnalysis<'a> {
    facts: &'a ModuleFacts,
    activation: VarSet,
}

impl ConstAnalysis<'_> {
    /// The value an instruction computes in `state`.
    pub fn eval(&self, state: &[Val], f: &Function, op: &Op) -> Val {
        let val = |v: Var| state[v.index()];
        // Folds `g` over known operands; unknown if any operand is, varying if any is.
        let fold = |vs: &[Var], g: &dyn Fn(&[u64]) -> Option<u64>| {
            let mut bits = [0u64; 2];
            for (k, &v) in vs.iter().enumerate() {
                match val(v) {
                    Val::Known(b) => bits[k] = b,
                    Val::Unknown => return Val::Unknown,
                    Val::Varying => return Val::Varying,
                }
            }
            g(&bits[..vs.len()]).map_or(Val::Varying, Val::Known)
        };
        match op {
            Op::Const(c) => c.slot_bits().map_or(Val::Varying, Val::Known),
            Op::Copy(v) => val(*v),
            Op::Unary(op, ty, a) => fold(&[*a], &|b| fold::unary(*op, *ty, b[0])),
            Op::Binary(op, ty, a, c) => fold(&[*a, *c], &|b| fold::binary(*op, *ty, b[0], b[1])),
            Op::Convert { from, to, src } => fold(&[*src], &|b| fold::convert(*from, *to, b[0])),
            // `x is C` on null is false.
            Op::InstanceOf { obj, .. } if val(*obj) == Val::Known(0) && f.var_ty(*obj) == Ty::Ref => Val::Known(0),
            _ => Val::Varying,
        }
    }
}

impl Analysis for ConstAnalysis<'_> {
    type State = Vec<Val>;
    const DIRECTION: Direction = Direction::Forward;

    fn bottom(&self, f: &Function) -> Vec<Val> {
        vec![Val::Unknown; f.vars.len()]
    }

    fn boundary(&self, f: &Function, block: Block) -> Vec<Val> {
        if block == f.entry {
            (0..f.vars.len()).map(|i| if i < f.params as usize { Val::Varying } else { Val::Known(0) }).collect()
        } else {
            vec![Val::Varying; f.vars.len()]
        }
    }

    fn join(&self, into: &mut Vec<Val>, from: &Vec<Val>) -> bool {
        let mut changed = false;
        for (a, &b) in into.iter_mut().zip(from) {
            let j = a.join(b);
            changed |= j != *a;
            *a = j;
        }
        changed
    }

    fn inst(&self, state: &mut Vec<Val>, f: &Function, i: Inst) {
        let inst = f.inst(i);
        let v = self.eval(state, f, &inst.op);
        if self.facts.is_barrier(&inst.op) {
            for a in self.activation.iter() {
                state[a.index()] = Val::Varying;
            }
        }
        if let Some(d) = inst.dst {
            state[d.index()] = v;
        }
    }

    fn term(&self, _: &mut Vec<Val>, _: &Function, _: Block) {}

    fn edge(&self, state: &Vec<Val>, f: &Function, from: Block, to: Block) -> bool {
        match taken(state, &f.block(from).term) {
            Some(t) => t == to,
            None => true,
        }
    }
}

/// The one successor a branch or switch takes when its operand is known.
fn taken(state: &[Val], term: &Terminator) -> Option<Block> {
    match term {
        Terminator::Branch { cond, then, els } => match state[cond.index()] {
            Val::Known(b) => Some(if b != 0 { *then } else { *els }),
            _ => None,
        },
        Terminator::Switch { value, cases, default } => match state[value.index()] {
            // Switch values are integers of any width; cases are compared as `i64`
            // after the value's sign or zero extension, which its bits already are.
            Val::Known(b) => Some(cases.iter().find(|c| c.0 as u64 == b).map_or(*default, |c| c.1)),
            _ => None,
        },
        _ => None,
    }
}

/// Runs the pass over every function; returns how many instructions and branches it
/// rewrote.
pub fn run(m: &mut Module) -> usize {
    each_function(m, run_function)
}

fn run_function(facts: &ModuleFacts, f: &mut Function) -> usize {
    let analysis = ConstAnalysis { facts, activation: activation_vars(f, None) };
    let results = solve(&analysis, f);
    let mut new_ops: Vec<(Inst, Op)> = Vec::new();
    let mut new_terms: Vec<(Block, Block)> = Vec::new();
    for b in 0..f.blocks.len() {
        let b = Block(b as u32);
        if !results.reached[b.index()] {
            continue;
        }
        let data = f.block(b);
        results.walk(&analysis, f, b, |k, state| {
            if k == data.insts.len() {
                if let Some(t) = taken(state, &data.term) {
                    new_terms.push((b, t));
                }
                return;
            }
            let i = data.insts[k];
            let inst = f.inst(i);
            if let (Some(d), Val::Known(bits)) = (inst.dst, analysis.eval(state, f, &inst.op))
                && !matches!(inst.op, Op::Const(_))
            {
                new_ops.push((i, Op::Const(fold::const_of(f.var_ty(d), bits))));
            }
        });
    }
    let rewrites = new_ops.len() + new_terms.len();
    for (i, op) in new_ops {
        f.insts[i.index()].op = op;
    }
    for (b, t) in new_terms {
        f.blocks[b.index()].term = Terminator::Jump(t);
    }
    rewrites
}
