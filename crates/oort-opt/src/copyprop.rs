//! `copyprop`: copy propagation. After `d = copy s`, a read of `d` may read `s` instead
//! for as long as neither is assigned again; the copy itself then often dies
//! (`liveness` removes it).
//!
//! The analysis is the classic forward "available copies": one fact per copy
//! instruction, the state the set of facts that hold on every path (join is
//! intersection, so the unreached state is the full set). An assignment to either side
//! kills a fact; so does a call that can return twice when either side is one of the
//! activation's variables, since the activation may continue after the call with its
//! variables changed but its temporaries as they were ([`crate::facts`]). No fact holds
//! where control enters from outside: at `entry` and at label blocks.
//!
//! Reads are rewritten through chains (`b = copy a; c = copy b; … c` reads `a`).

use crate::facts::{ModuleFacts, each_function};
use fixedbitset::FixedBitSet;
use oort_ir::dataflow::{Analysis, Direction, solve};
use oort_ir::liveness::{activation_vars, term_uses};
use oort_ir::{Block, Function, Inst, Module, Op, Var, inst_uses, inst_uses_mut, term_uses_mut};

/// See [`CopyAnalysis::new`].
const MAX_COPIES_PER_VAR: usize = 256;

pub struct CopyAnalysis<'a> {
    facts: &'a ModuleFacts,
    /// Every copy instruction of the function: (fact index) → (dst, src).
    copies: Vec<(Var, Var)>,
    /// The fact made by each instruction, if it is a copy.
    fact_of: Vec<Option<usize>>,
    /// The facts that mention each variable, on either side.
    mentions: Vec<Vec<usize>>,
    /// The facts that mention an activation variable.
    activation_facts: FixedBitSet,
}

impl<'a> CopyAnalysis<'a> {
    fn new(facts: &'a ModuleFacts, f: &Function) -> CopyAnalysis<'a> {
        let activation = activation_vars(f, None);
        let mut copies = Vec::new();
        let mut fact_of = vec![None; f.insts.len()];
        let mut mentions = vec![Vec::new(); f.vars.len()];
        // A variable in very many copies (a huge generated function) gets no facts:
        // killing them on each assignment would make the pass quadratic.
        let mut count = vec![0usize; f.vars.len()];
        for b in &f.blocks {
            for &i in &b.insts {
                if let (Some(d), Op::Copy(s)) = (f.inst(i).dst, &f.inst(i).op) {
                    count[d.index()] += 1;
                    count[s.index()] += 1;
                }
            }
        }
        for b in &f.blocks {
            for &i in &b.insts {
                if let (Some(d), Op::Copy(s)) = (f.inst(i).dst, &f.inst(i).op)
                    && d != *s
                    && count[d.index()] <= MAX_COPIES_PER_VAR
                    && count[s.index()] <= MAX_COPIES_PER_VAR
                {
                    fact_of[i.index()] = Some(copies.len());
                    mentions[d.index()].push(copies.len());
                    mentions[s.index()].push(copies.len());
                    copies.push((d, *s));
                }
            }
        }
        let mut activation_facts = FixedBitSet::with_capacity(copies.len());
        for (k, (d, s)) in copies.iter().enumerate() {
            if activation.contains(*d) || activation.contains(*s) {
                activation_facts.insert(k);
            }
        }
        CopyAnalysis { facts, copies, fact_of, mentions, activation_facts }
    }

    /// The variable a read of `v` can read instead in `state`, following chains.
    fn resolve(&self, state: &FixedBitSet, mut v: Var) -> Var {
        for _ in 0..self.copies.len() {
            let Some(&k) = self.mentions[v.index()].iter().find(|&&k| self.copies[k].0 == v && state.contains(k))
            else {
                break;
            };
            v = self.copies[k].1;
        }
        v
    }
}

impl Analysis for CopyAnalysis<'_> {
    type State = FixedBitSet;
    const DIRECTION: Direction = Direction::Forward;

    fn bottom(&self, _: &Function) -> FixedBitSet {
        let mut all = FixedBitSet::with_capacity(self.copies.len());
        all.insert_range(..);
        all
    }

    fn boundary(&self, _: &Function, _: Block) -> FixedBitSet {
        FixedBitSet::with_capacity(self.copies.len())
    }

    fn join(&self, into: &mut FixedBitSet, from: &FixedBitSet) -> bool {
        let before = into.count_ones(..);
        into.intersect_with(from);
        into.count_ones(..) != before
    }

    fn inst(&self, state: &mut FixedBitSet, f: &Function, i: Inst) {
        let inst = f.inst(i);
        if self.facts.is_barrier(&inst.op) {
            state.difference_with(&self.activation_facts);
        }
        if let Some(d) = inst.dst {
            for &k in &self.mentions[d.index()] {
                state.remove(k);
            }
        }
        if let Some(k) = self.fact_of[i.index()] {
            state.insert(k);
        }
    }

    fn term(&self, _: &mut FixedBitSet, _: &Function, _: Block) {}
}

/// Runs the pass over every function; returns how many reads it rewrote.
pub fn run(m: &mut Module) -> usize {
    each_function(m, run_function)
}

fn run_function(facts: &ModuleFacts, f: &mut Function) -> usize {
    let analysis = CopyAnalysis::new(facts, f);
    if analysis.copies.is_empty() {
        return 0;
    }
    let results = solve(&analysis, f);
    let mut inst_edits: Vec<(Inst, Var, Var)> = Vec::new();
    let mut term_edits: Vec<(Block, Var, Var)> = Vec::new();
    for b in 0..f.blocks.len() {
        let b = Block(b as u32);
        if !results.reached[b.index()] {
            continue;
        }
        let data = f.block(b);
        results.walk(&analysis, f, b, |k, state| {
            let reads =
                if k == data.insts.len() { term_uses(&data.term) } else { inst_uses(&f.inst(data.insts[k]).op) };
            for v in reads {
                let to = analysis.resolve(state, v);
                if to != v {
                    if k == data.insts.len() {
                        term_edits.push((b, v, to));
                    } else {
                        inst_edits.push((data.insts[k], v, to));
                    }
                }
            }
        });
    }
    let rewrites = inst_edits.len() + term_edits.len();
    for (i, from, to) in inst_edits {
        inst_uses_mut(&mut f.insts[i.index()].op, |v| {
            if *v == from {
                *v = to
            }
        });
    }
    for (b, from, to) in term_edits {
        term_uses_mut(&mut f.blocks[b.index()].term, |v| {
            if *v == from {
                *v = to
            }
        });
    }
    rewrites
}
