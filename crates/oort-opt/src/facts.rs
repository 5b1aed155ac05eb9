//! What every optimization pass must know about re-entry (LANGUAGE.md §6): which calls
//! can return more than once, and which variables belong to the activation.
//!
//! A call returns a second time when the callee's activation is resumed at one of its
//! labels after it returned (or a callee of its does, transitively). The caller then
//! continues after the call *again*, with its temporaries as they were at the call but
//! its variables (the activation's: [`oort_ir::liveness::activation_vars`]) as they are
//! *now*. So after such a call (a *barrier*) a forward analysis must
//! forget what it knew about the activation's variables, and a backward one must treat
//! them as read wherever the activation is suspended or left.

use oort_ir::liveness::is_user_call;
use oort_ir::{Callee, FnIdx, Function, Module, Op, Terminator};

/// Whole-module facts, computed once per pass run.
pub struct ModuleFacts {
    /// Per function: whether one of its calls can return twice (see module docs).
    returns_twice: Vec<bool>,
    /// Whether some function a closure value can name returns twice.
    closure_returns_twice: bool,
    /// Per vtable slot: whether some implementation returns twice.
    slot_returns_twice: Vec<bool>,
}

impl ModuleFacts {
    /// Solves "may return twice" over the call graph: a function with labels may; so
    /// does one that calls (or tail-calls) one that may.
    pub fn compute(m: &Module) -> ModuleFacts {
        let mut facts = ModuleFacts {
            returns_twice: m.funcs.iter().map(|f| !f.labels.is_empty()).collect(),
            closure_returns_twice: false,
            slot_returns_twice: Vec::new(),
        };
        let closure_targets: Vec<FnIdx> = m
            .funcs
            .iter()
            .flat_map(|f| f.insts.iter())
            .filter_map(|i| if let Op::NewClosure { func, .. } = i.op { Some(func) } else { None })
            .collect();
        let slots = m.classes.iter().map(|c| c.vtable.len()).max().unwrap_or(0);
        loop {
            facts.closure_returns_twice = closure_targets.iter().any(|f| facts.returns_twice[f.index()]);
            facts.slot_returns_twice = (0..slots)
                .map(|s| m.classes.iter().any(|c| c.vtable.get(s).is_some_and(|f| facts.returns_twice[f.index()])))
                .collect();
            let mut changed = false;
            for (i, f) in m.funcs.iter().enumerate() {
                if facts.returns_twice[i] {
                    continue;
                }
                let calls = f.blocks.iter().flat_map(|b| {
                    let tail = match &b.term {
                        Terminator::TailCall { callee, .. } => Some(callee),
                        _ => None,
                    };
                    b.insts
                        .iter()
                        .filter_map(|&i| match &f.inst(i).op {
                            Op::Call { callee, .. } => Some(callee),
                            _ => None,
                        })
                        .chain(tail)
                });
                if calls.into_iter().any(|c| facts.callee_returns_twice(c)) {
                    facts.returns_twice[i] = true;
                    changed = true;
                }
            }
            if !changed {
                return facts;
            }
        }
    }

    fn callee_returns_twice(&self, callee: &Callee) -> bool {
        match callee {
            Callee::Direct { func, .. } => self.returns_twice[func.index()],
            Callee::Closure(_) => self.closure_returns_twice,
            Callee::Virtual { slot } => self.slot_returns_twice.get(*slot as usize).copied().unwrap_or(true),
            Callee::Builtin(_) => false,
        }
    }

    /// Whether `op` is a call that can return twice: after it, the activation's
    /// variables may hold any value the function stores into them.
    pub fn is_barrier(&self, op: &Op) -> bool {
        matches!(op, Op::Call { callee, .. } if self.callee_returns_twice(callee))
    }
}

/// Whether `f`'s activation can be resumed after it was suspended or left: it has labels,
/// or a call that can return twice. Only then are its variables read "from outside".
pub fn resumable(facts: &ModuleFacts, f: &Function) -> bool {
    !f.labels.is_empty() || f.insts.iter().any(|i| is_user_call(&i.op) && facts.is_barrier(&i.op))
}

/// Functions whose dataflow states would take more than this many cells (blocks times
/// variables), and more than [`CELLS_PER_INST`] per instruction, are left unoptimized, so a
/// huge generated function costs linear time and memory instead of quadratic. Dense states
/// suit every function a person writes.
pub const MAX_CELLS: usize = 4_000_000;

/// Cells per instruction a function's states may take whatever their number: a huge
/// function of few blocks (a generated script's top level, a million statements in one
/// block) costs states linear in its size, and is optimized. Without that its temporaries
/// stay, and it needs more registers than the bytecode has (E0401).
pub const CELLS_PER_INST: usize = 4;

pub fn too_big(f: &Function) -> bool {
    let cells = f.blocks.len().saturating_mul(f.vars.len());
    cells > MAX_CELLS && cells > CELLS_PER_INST.saturating_mul(f.insts.len())
}

/// Runs a dataflow-based pass over every function of `m` that is not [`too_big`], with
/// the module's facts; returns the sum of what `pass` reports (its number of changes).
pub fn each_function(m: &mut Module, pass: fn(&ModuleFacts, &mut Function) -> usize) -> usize {
    let facts = ModuleFacts::compute(m);
    m.funcs.iter_mut().filter(|f| !too_big(f)).map(|f| pass(&facts, f)).sum()
}
