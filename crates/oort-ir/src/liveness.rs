//! Liveness of IR variables: which variables may be read later, by backward dataflow over
//! the control-flow graph (every entry point included, so label blocks too).

use crate::ir::{Block, Callee, Function, Inst, Terminator, Var, inst_uses};
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

/// Which variables are live at the start and at the end of every block (indexed by
/// block).
#[derive(Clone, Debug)]
pub struct Liveness {
    pub live_in: Vec<VarSet>,
    pub live_out: Vec<VarSet>,
}

impl Liveness {
    /// Solves the dataflow equations for `f`.
    pub fn compute(f: &Function) -> Liveness {
        let n = f.vars.len();
        // Per block: variables read before being written (gen), and written (kill).
        let mut gen_ = vec![VarSet::new(n); f.blocks.len()];
        let mut kill = vec![VarSet::new(n); f.blocks.len()];
        for (b, data) in f.blocks.iter().enumerate() {
            for v in term_uses(&data.term) {
                gen_[b].insert(v);
            }
            for &i in data.insts.iter().rev() {
                step_back(&mut gen_[b], f, i);
                if let Some(d) = f.inst(i).dst {
                    kill[b].insert(d);
                }
            }
        }
        let order = f.reverse_postorder();
        let mut live_in = vec![VarSet::new(n); f.blocks.len()];
        let mut live_out = vec![VarSet::new(n); f.blocks.len()];
        loop {
            let mut changed = false;
            for &b in order.iter().rev() {
                let mut o = VarSet::new(n);
                for s in f.block(b).term.successors() {
                    o.union_with(&live_in[s.index()]);
                }
                let mut i = o.clone();
                for (w, (kw, gw)) in i.0.iter_mut().zip(kill[b.index()].0.iter().zip(&gen_[b.index()].0)) {
                    *w = (*w & !kw) | gw;
                }
                changed |= live_in[b.index()] != i;
                live_in[b.index()] = i;
                live_out[b.index()] = o;
            }
            if !changed {
                break;
            }
        }
        Liveness { live_in, live_out }
    }

    /// The variables live just after each instruction of block `b`, in block order.
    pub fn after_each(&self, f: &Function, b: Block) -> Vec<VarSet> {
        let data = f.block(b);
        let mut live = self.live_out[b.index()].clone();
        for v in term_uses(&data.term) {
            live.insert(v);
        }
        let mut res = vec![VarSet::new(0); data.insts.len()];
        for (k, &i) in data.insts.iter().enumerate().rev() {
            res[k] = live.clone();
            step_back(&mut live, f, i);
        }
        res
    }
}
