//! Liveness of IR variables: which variables may be read later, by backward dataflow over
//! the control-flow graph (every entry point included, so label blocks too).

use crate::dataflow::{Analysis, Direction, solve};
use crate::ir::{Block, Callee, Function, Inst, Op, Terminator, Var, inst_uses};
use smallvec::SmallVec;

/// A set of variables of one function (a bit set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarSet(Vec<u64>);

impl VarSet {
    pub fn new(nvars: usize) -> VarSet {
        VarSet(vec![0; nvars.div_ceil(64)])
    }

    pub fn insert(&mut self, v: Var) {
        self.0[v.index() / 64] |= 1 << (v.index() % 64);
    }

    pub fn remove(&mut self, v: Var) {
        self.0[v.index() / 64] &= !(1 << (v.index() % 64));
    }

    pub fn contains(&self, v: Var) -> bool {
        self.0[v.index() / 64] & (1 << (v.index() % 64)) != 0
    }

    /// Adds every member of `other`; returns whether anything was added.
    pub fn union_with(&mut self, other: &VarSet) -> bool {
        let mut changed = false;
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            let n = *a | b;
            changed |= n != *a;
            *a = n;
        }
        changed
    }

    /// The members, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = Var> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, &bits)| (0..64).filter(move |b| bits & (1 << b) != 0).map(move |b| Var((w * 64 + b) as u32)))
    }
}

/// The variables a terminator reads.
pub fn term_uses(t: &Terminator) -> SmallVec<[Var; 4]> {
    let mut v = SmallVec::new();
    match t {
        Terminator::Jump(_) | Terminator::Unreachable | Terminator::Return(None) => {}
        Terminator::Branch { cond, .. } => v.push(*cond),
        Terminator::Switch { value, .. } => v.push(*value),
        Terminator::Return(Some(x)) | Terminator::Goto(x) => v.push(*x),
        Terminator::TailCall { callee, args } => {
            match callee {
                Callee::Direct { env: Some(e), .. } => v.push(*e),
                Callee::Closure(c) => v.push(*c),
                _ => {}
            }
            v.extend(args.iter().copied());
        }
    }
    v
}

/// Steps a live set backwards over one instruction: its result is dead before it, its
/// operands live.
fn step_back(live: &mut VarSet, f: &Function, i: Inst) {
    let inst = f.inst(i);
    if let Some(d) = inst.dst {
        live.remove(d);
    }
    for v in inst_uses(&inst.op) {
        live.insert(v);
    }
}

/// Whether an instruction is a call of Oort code (a function, closure or method), as
/// opposed to a built-in: the points where the running activation is suspended.
pub fn is_user_call(op: &Op) -> bool {
    matches!(op, Op::Call { callee, .. } if !matches!(callee, Callee::Builtin(_)))
}

/// The backward liveness analysis. With `pinned`, those variables are also read at
/// every point where the activation is suspended or left (a call of Oort code, `ret`,
/// `goto`, a tail call): what the optimizer must assume when the activation can be
/// resumed later with its variables as they are then (LANGUAGE.md §6, re-entry).
pub struct LiveAnalysis<'a> {
    pub pinned: Option<&'a VarSet>,
}

impl Analysis for LiveAnalysis<'_> {
    type State = VarSet;
    const DIRECTION: Direction = Direction::Backward;

    fn bottom(&self, f: &Function) -> VarSet {
        VarSet::new(f.vars.len())
    }

    fn join(&self, into: &mut VarSet, from: &VarSet) -> bool {
        into.union_with(from)
    }

    fn inst(&self, live: &mut VarSet, f: &Function, i: Inst) {
        step_back(live, f, i);
        if let Some(p) = self.pinned
            && is_user_call(&f.inst(i).op)
        {
            live.union_with(p);
        }
    }

    fn term(&self, live: &mut VarSet, f: &Function, b: Block) {
        let term = &f.block(b).term;
        for v in term_uses(term) {
            live.insert(v);
        }
        if let Some(p) = self.pinned
            && term.successors().is_empty()
        {
            live.union_with(p);
        }
    }
}

/// Which variables are live at the start and at the end of every block (indexed by
/// block).
#[derive(Clone, Debug)]
pub struct Liveness {
    pub live_in: Vec<VarSet>,
    pub live_out: Vec<VarSet>,
}

impl Liveness {
    /// Solves plain liveness for `f`.
    pub fn compute(f: &Function) -> Liveness {
        let analysis = LiveAnalysis { pinned: None };
        let results = solve(&analysis, f);
        let live_in = (0..f.blocks.len()).map(|b| results.exit(&analysis, f, Block(b as u32))).collect();
        Liveness { live_in, live_out: results.entry }
    }

    /// The variables live just after each instruction of block `b`, in block order.
    pub fn after_each(&self, f: &Function, b: Block) -> Vec<VarSet> {
        let analysis = LiveAnalysis { pinned: None };
        let mut live = self.live_out[b.index()].clone();
        analysis.term(&mut live, f, b);
        let insts = &f.block(b).insts;
        let mut res = vec![VarSet::new(0); insts.len()];
        for (k, &i) in insts.iter().enumerate().rev() {
            res[k] = live.clone();
            analysis.inst(&mut live, f, i);
        }
        res
    }
}

/// The variables of `f`'s activation (LANGUAGE.md §6, re-entry): the named locals and
/// parameters ([`crate::VarData::shared`]) and whatever is live where a label block
/// enters (scope environments, the closure environment), since a jump to the label reads
/// it. Every way back into the activation shares them; everything else is a temporary.
/// `live` is `f`'s liveness when the caller has it; it is computed if labels need it.
pub fn activation_vars(f: &Function, live: Option<&Liveness>) -> VarSet {
    let mut set = VarSet::new(f.vars.len());
    for (i, v) in f.vars.iter().enumerate() {
        if v.shared {
            set.insert(Var(i as u32));
        }
    }
    if !f.labels.is_empty() {
        let computed;
        let live = match live {
            Some(l) => l,
            None => {
                computed = Liveness::compute(f);
                &computed
            }
        };
        for l in &f.labels {
            set.union_with(&live.live_in[l.block.index()]);
        }
    }
    set
}
