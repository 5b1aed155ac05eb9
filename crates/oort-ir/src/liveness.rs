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
/// `live` is `f`'s temporaries' liveness when the caller has it; it is computed if labels
/// need it.
pub fn activation_vars(f: &Function, live: Option<&TempLiveness>) -> VarSet {
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
                computed = TempLiveness::compute(f);
                &computed
            }
        };
        // The named variables are in already: the temporaries' liveness is enough.
        for l in &f.labels {
            for &v in &live.live_in[l.block.index()].0 {
                set.insert(v);
            }
        }
    }
    set
}

/// A set of variables as a sorted list: small sets of a function with many variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparseVarSet(pub Vec<Var>);

impl SparseVarSet {
    pub fn insert(&mut self, v: Var) {
        if let Err(k) = self.0.binary_search(&v) {
            self.0.insert(k, v);
        }
    }

    pub fn remove(&mut self, v: Var) {
        if let Ok(k) = self.0.binary_search(&v) {
            self.0.remove(k);
        }
    }

    /// Adds every member of `other`; returns whether anything was added.
    pub fn union_with(&mut self, other: &SparseVarSet) -> bool {
        if other.0.iter().all(|v| self.0.binary_search(v).is_ok()) {
            return false;
        }
        let mut merged = Vec::with_capacity(self.0.len() + other.0.len());
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            merged.push(x.min(y));
            if x <= y {
                a.next();
            }
            if y <= x {
                b.next();
            }
        }
        merged.extend(a.chain(b));
        self.0 = merged;
        true
    }
}

/// Liveness of the temporaries only (the variables that are not
/// [`shared`](crate::VarData::shared)), as sorted lists. The code generator needs no
/// more: a named variable keeps its register whether live or not. Few temporaries are
/// live at once, so this costs memory in proportion to the live temporaries, where
/// [`Liveness`] costs blocks × variables bits: a function of a million statements
/// (a generated script's top level) has both a million blocks and a million variables.
pub struct TempLiveness {
    pub live_in: Vec<SparseVarSet>,
    pub live_out: Vec<SparseVarSet>,
}

struct TempLive;

impl TempLive {
    fn add(live: &mut SparseVarSet, f: &Function, v: Var) {
        if !f.vars[v.index()].shared {
            live.insert(v);
        }
    }
}

impl Analysis for TempLive {
    type State = SparseVarSet;
    const DIRECTION: Direction = Direction::Backward;

    fn bottom(&self, _f: &Function) -> SparseVarSet {
        SparseVarSet::default()
    }

    fn join(&self, into: &mut SparseVarSet, from: &SparseVarSet) -> bool {
        into.union_with(from)
    }

    fn inst(&self, live: &mut SparseVarSet, f: &Function, i: Inst) {
        let inst = f.inst(i);
        if let Some(d) = inst.dst {
            live.remove(d);
        }
        for v in inst_uses(&inst.op) {
            TempLive::add(live, f, v);
        }
    }

    fn term(&self, live: &mut SparseVarSet, f: &Function, b: Block) {
        for v in term_uses(&f.block(b).term) {
            TempLive::add(live, f, v);
        }
    }
}

impl TempLiveness {
    pub fn compute(f: &Function) -> TempLiveness {
        let results = solve(&TempLive, f);
        let live_in = (0..f.blocks.len()).map(|b| results.exit(&TempLive, f, Block(b as u32))).collect();
        TempLiveness { live_in, live_out: results.entry }
    }

    /// The temporaries live just after each call of Oort code in block `b`: (its index
    /// in the block, the live temporaries in increasing order).
    pub fn after_calls(&self, f: &Function, b: Block) -> Vec<(usize, Vec<Var>)> {
        let mut live = self.live_out[b.index()].clone();
        TempLive.term(&mut live, f, b);
        let mut out = Vec::new();
        for (k, &i) in f.block(b).insts.iter().enumerate().rev() {
            if is_user_call(&f.inst(i).op) {
                out.push((k, live.0.clone()));
            }
            TempLive.inst(&mut live, f, i);
        }
        out.reverse();
        out
    }
}
