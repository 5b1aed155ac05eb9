//! The dataflow framework every analysis over the graph IR is written in: liveness,
//! the code generator's keep sets, and the optimization passes' constant, copy and
//! liveness analyses.
//!
//! An analysis ([`Analysis`]) names a state type, a direction, how states join, and
//! what one instruction and one terminator do to a state. [`solve`] finds the fixed
//! point with a worklist and returns each block's state where the analysis enters it
//! ([`Results`]); [`Results::walk`] replays a block instruction by instruction so a
//! pass can look at (or rewrite with) the state at every point without the solver
//! storing one state per instruction.
//!
//! Conventions, in the style of rustc's MIR dataflow:
//! - `bottom` is the identity of `join`: the state of code no path has reached yet.
//!   Blocks that are never reached keep it, and [`Results::reached`] says which.
//! - A forward analysis starts at every entry point of the function: `entry` and each
//!   label block (a label can be jumped to from anywhere, so it is where control enters
//!   "from outside", like `entry`). Their start state is [`Analysis::boundary`] joined
//!   with whatever flows in along edges.
//! - A backward analysis starts at blocks without successors (`ret`, `goto`, tail
//!   calls), whose end state is [`Analysis::boundary`].
//! - [`Analysis::edge`] lets a forward analysis refuse an edge (constant propagation
//!   does not follow the arm a constant condition never takes).

use crate::ir::{Block, Function, Inst};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

pub trait Analysis {
    type State: Clone + PartialEq;
    const DIRECTION: Direction;

    /// The state of unreached code: the identity of [`Analysis::join`].
    fn bottom(&self, f: &Function) -> Self::State;

    /// The state where control comes from outside the graph: at the start of `entry` and
    /// of label blocks (forward), at the end of blocks without successors (backward).
    fn boundary(&self, f: &Function, block: Block) -> Self::State {
        let _ = block;
        self.bottom(f)
    }

    /// Joins `from` into `into`; returns whether `into` changed.
    fn join(&self, into: &mut Self::State, from: &Self::State) -> bool;

    /// The effect of instruction `inst` (in program order for a forward analysis, in
    /// reverse for a backward one).
    fn inst(&self, state: &mut Self::State, f: &Function, inst: Inst);

    /// The effect of the terminator of `block` (after its instructions going forward,
    /// before them going backward).
    fn term(&self, state: &mut Self::State, f: &Function, block: Block);

    /// Forward only: whether the state at the end of `from` flows along the edge to
    /// `to`. The default follows every edge.
    fn edge(&self, state: &Self::State, f: &Function, from: Block, to: Block) -> bool {
        let _ = (state, f, from, to);
        true
    }
}

/// The fixed point: the state of every block where the analysis enters it (the start of
/// the block going forward, its end going backward).
pub struct Results<S> {
    pub entry: Vec<S>,
    pub reached: Vec<bool>,
}

/// Solves `analysis` over `f` by a worklist in reverse post-order (forward) or
/// post-order (backward). Blocks unreachable from every entry point are never visited.
pub fn solve<A: Analysis>(analysis: &A, f: &Function) -> Results<A::State> {
    let n = f.blocks.len();
    let rpo = f.reverse_postorder();
    let mut entry = vec![analysis.bottom(f); n];
    let mut reached = vec![false; n];
    // Priority of each block in the worklist: its position in the visiting order, so
    // that loops converge in few rounds.
    let order: Vec<Block> = match A::DIRECTION {
        Direction::Forward => rpo.clone(),
        Direction::Backward => rpo.iter().rev().copied().collect(),
    };
    let mut rank = vec![usize::MAX; n];
    for (i, b) in order.iter().enumerate() {
        rank[b.index()] = i;
    }
    let mut pending = vec![false; n];
    let mut work = std::collections::BTreeSet::new();
    let schedule = |b: Block, pending: &mut Vec<bool>, work: &mut std::collections::BTreeSet<usize>| {
        if !pending[b.index()] && rank[b.index()] != usize::MAX {
            pending[b.index()] = true;
            work.insert(rank[b.index()]);
        }
    };
    match A::DIRECTION {
        Direction::Forward => {
            let roots = std::iter::once(f.entry).chain(f.labels.iter().map(|l| l.block));
            for b in roots {
                let s = analysis.boundary(f, b);
                analysis.join(&mut entry[b.index()], &s);
                reached[b.index()] = true;
                schedule(b, &mut pending, &mut work);
            }
        }
        Direction::Backward => {
            for &b in &order {
                if f.block(b).term.successors().is_empty() {
                    entry[b.index()] = analysis.boundary(f, b);
                }
                reached[b.index()] = true;
                schedule(b, &mut pending, &mut work);
            }
        }
    }
    let preds = match A::DIRECTION {
        Direction::Backward => f.predecessors(),
        Direction::Forward => Vec::new(),
    };
    while let Some(r) = work.pop_first() {
        let b = order[r];
        pending[b.index()] = false;
        let mut state = entry[b.index()].clone();
        match A::DIRECTION {
            Direction::Forward => {
                for &i in &f.block(b).insts {
                    analysis.inst(&mut state, f, i);
                }
                analysis.term(&mut state, f, b);
                for s in f.block(b).term.successors() {
                    if analysis.edge(&state, f, b, s) {
                        let changed = analysis.join(&mut entry[s.index()], &state);
                        if changed || !reached[s.index()] {
                            reached[s.index()] = true;
                            schedule(s, &mut pending, &mut work);
                        }
                    }
                }
            }
            Direction::Backward => {
                analysis.term(&mut state, f, b);
                for &i in f.block(b).insts.iter().rev() {
                    analysis.inst(&mut state, f, i);
                }
                for &p in &preds[b.index()] {
                    if analysis.join(&mut entry[p.index()], &state) {
                        schedule(p, &mut pending, &mut work);
                    }
                }
            }
        }
    }
    Results { entry, reached }
}

impl<S: Clone> Results<S> {
    /// Replays block `b`: calls `visit(k, state)` with the state just before instruction
    /// `k` (forward) or just after it (backward), and `visit(len, state)` for the
    /// terminator (the state before it going forward, after it going backward).
    /// Instructions are visited in the analysis's direction.
    pub fn walk<A: Analysis<State = S>>(&self, analysis: &A, f: &Function, b: Block, mut visit: impl FnMut(usize, &S)) {
        let mut state = self.entry[b.index()].clone();
        let insts = &f.block(b).insts;
        match A::DIRECTION {
            Direction::Forward => {
                for (k, &i) in insts.iter().enumerate() {
                    visit(k, &state);
                    analysis.inst(&mut state, f, i);
                }
                visit(insts.len(), &state);
            }
            Direction::Backward => {
                visit(insts.len(), &state);
                analysis.term(&mut state, f, b);
                for (k, &i) in insts.iter().enumerate().rev() {
                    visit(k, &state);
                    analysis.inst(&mut state, f, i);
                }
            }
        }
    }

    /// The state at the other end of block `b` from [`Results::entry`]: after its
    /// terminator going forward, before its first instruction going backward.
    pub fn exit<A: Analysis<State = S>>(&self, analysis: &A, f: &Function, b: Block) -> S {
        let mut state = self.entry[b.index()].clone();
        match A::DIRECTION {
            Direction::Forward => {
                for &i in &f.block(b).insts {
                    analysis.inst(&mut state, f, i);
                }
                analysis.term(&mut state, f, b);
            }
            Direction::Backward => {
                analysis.term(&mut state, f, b);
                for &i in f.block(b).insts.iter().rev() {
                    analysis.inst(&mut state, f, i);
                }
            }
        }
        state
    }
}
