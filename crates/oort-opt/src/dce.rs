//! `liveness`: dead-store and dead-temporary elimination on the liveness analysis
//! ([`oort_ir::liveness::LiveAnalysis`]).
//!
//! An instruction whose result is read by no later instruction on any path, and that has
//! no other effect ([`oort_ir::has_side_effect`]: no call, store, allocation that can
//! fail, or possible runtime error), is removed. Walking each block backwards removes a
//! whole chain of dead temporaries at once; the analysis is re-solved until nothing more
//! dies (a removal can kill values in earlier blocks).
//!
//! Then copies out of temporaries are coalesced: `t = op …; x = copy t`, with the copy
//! right after the definition, becomes `x = op …` (the usual shape of an assignment
//! `x = a + b` or `x++` as lowered), provided every other read of `t` follows in the same
//! block with neither `t` nor `x` redefined nor a call in between: those reads become
//! reads of `x` (copy propagation likes to leave them on `t`). Calls are left alone: a
//! call's result is written when it returns, which may be more than once.
//!
//! Re-entry: in a function whose activation can be resumed ([`crate::facts::resumable`]),
//! the activation's variables count as read wherever it is suspended or left (calls of
//! Oort code, `ret`, `goto`, tail calls), so a store the resumed code could see stays.

use crate::facts::{ModuleFacts, each_function, resumable};
use oort_ir::dataflow::{Analysis, solve};
use oort_ir::liveness::{LiveAnalysis, activation_vars, term_uses};
use oort_ir::{Block, Function, Inst, Module, Op, Var, has_side_effect, inst_uses, inst_uses_mut, term_uses_mut};

/// Runs the pass over every function; returns how many instructions it removed.
pub fn run(m: &mut Module) -> usize {
    each_function(m, run_function)
}

fn run_function(facts: &ModuleFacts, f: &mut Function) -> usize {
    remove_dead(facts, f) + coalesce(f)
}

/// Coalesces `t = op; x = copy t` into `x = op` where `t` is read nowhere else.
fn coalesce(f: &mut Function) -> usize {
    let mut reads = vec![0u32; f.vars.len()];
    for b in &f.blocks {
        for &i in &b.insts {
            for v in inst_uses(&f.inst(i).op) {
                reads[v.index()] += 1;
            }
        }
        for v in term_uses(&b.term) {
            reads[v.index()] += 1;
        }
    }
    let mut gone = vec![false; f.insts.len()];
    let mut count = 0;
    for b in 0..f.blocks.len() {
        let insts = f.blocks[b].insts.clone();
        for k in 1..insts.len() {
            let (def, copy) = (insts[k - 1], insts[k]);
            let (Some(t), Some(x)) = (f.inst(def).dst, f.inst(copy).dst) else { continue };
            if f.inst(copy).op == Op::Copy(t)
                && t != x
                && t.index() >= f.params as usize
                && f.var_ty(t) == f.var_ty(x)
                && !matches!(f.inst(def).op, Op::Call { .. })
                && !gone[def.index()]
                && let Some(later) = later_reads(f, Block(b as u32), k, t, x, reads[t.index()] - 1)
            {
                f.insts[def.index()].dst = Some(x);
                gone[copy.index()] = true;
                for i in later {
                    inst_uses_mut(&mut f.insts[i.index()].op, |v| {
                        if *v == t {
                            *v = x
                        }
                    });
                }
                if reads_in_term(f, Block(b as u32), t) {
                    term_uses_mut(&mut f.blocks[b].term, |v| {
                        if *v == t {
                            *v = x
                        }
                    });
                }
                count += 1;
            }
        }
    }
    for b in &mut f.blocks {
        b.insts.retain(|i| !gone[i.index()]);
    }
    count
}

/// When the copy `x = copy t` at position `k` of block `b` is coalesced into `t`'s
/// definition just before it, the other `n` reads of `t` must become reads of `x`: that is
/// only right if they all come later in this block (instructions or terminator), with no
/// new definition of `t` or `x` and no call in between (a call may change `x`, a variable,
/// if it re-enters the activation). Returns the instructions reading `t`, if so.
fn later_reads(f: &Function, b: Block, k: usize, t: Var, x: Var, n: u32) -> Option<Vec<Inst>> {
    let insts = &f.block(b).insts;
    let mut found = Vec::new();
    let mut count = 0;
    for &i in &insts[k + 1..] {
        if count == n {
            break;
        }
        let inst = f.inst(i);
        let r = inst_uses(&inst.op).iter().filter(|&&v| v == t).count() as u32;
        if r > 0 {
            found.push(i);
            count += r;
        }
        if inst.dst == Some(t) || inst.dst == Some(x) || matches!(inst.op, Op::Call { .. }) {
            // Reads of `t` by this very instruction happen before it writes or calls.
            if count < n {
                return None;
            }
            break;
        }
    }
    if count < n {
        count += term_uses(&f.block(b).term).iter().filter(|&&v| v == t).count() as u32;
    }
    (count == n).then_some(found)
}

fn reads_in_term(f: &Function, b: Block, t: Var) -> bool {
    term_uses(&f.block(b).term).contains(&t)
}

fn remove_dead(facts: &ModuleFacts, f: &mut Function) -> usize {
    let pinned = resumable(facts, f).then(|| activation_vars(f, None));
    let analysis = LiveAnalysis { pinned: pinned.as_ref() };
    let mut total = 0;
    loop {
        let results = solve(&analysis, f);
        let mut dead: Vec<Inst> = Vec::new();
        for b in 0..f.blocks.len() {
            let b = Block(b as u32);
            if !results.reached[b.index()] {
                continue;
            }
            let mut live = results.entry[b.index()].clone();
            analysis.term(&mut live, f, b);
            for &i in f.block(b).insts.iter().rev() {
                let inst = f.inst(i);
                if let Some(d) = inst.dst
                    && !live.contains(d)
                    && !has_side_effect(&inst.op)
                {
                    dead.push(i);
                    continue;
                }
                analysis.inst(&mut live, f, i);
            }
        }
        if dead.is_empty() {
            return total;
        }
        total += dead.len();
        let mut is_dead = vec![false; f.insts.len()];
        for i in dead {
            is_dead[i.index()] = true;
        }
        for b in 0..f.blocks.len() {
            let block = &mut f.blocks[b];
            block.insts.retain(|i| !is_dead[i.index()]);
        }
    }
}
