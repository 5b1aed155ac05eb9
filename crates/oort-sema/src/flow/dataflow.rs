//! A forward dataflow solver over a [`FlowGraph`].
//!
//! The state at a node is `None` while no path reaches it: the "everything" state of a
//! node after a transfer of control, which every join ignores. An analysis gives the
//! entry state, the effect of each node's event, and the join; the solver iterates over
//! the graph's blocks in reverse postorder until nothing changes, keeping a state per
//! block, not per node (see [`Solution`]).

use super::graph::{EdgeKind, Event, FlowGraph, NodeId};

/// A forward analysis.
pub trait Analysis {
    type State: Clone + PartialEq;
    /// The state where the function starts.
    fn entry(&self) -> Self::State;
    /// The effect of `event` (at node `node`) on `state`.
    fn transfer(&self, node: NodeId, event: &Event, state: &mut Self::State);
    /// Joins `from` into `into` (the states of two paths meeting).
    fn join(&self, into: &mut Self::State, from: &Self::State);
    /// The state carried along an edge of kind `kind` (`LabelValue` edges may need to
    /// forget facts: a jump through a label value comes later). `ReachOnly` edges are
    /// never followed by the solver.
    fn along(&self, kind: EdgeKind, state: &Self::State) -> Self::State {
        let _ = kind;
        state.clone()
    }
}

/// The solution of an analysis: the state at the entry of every block (a maximal chain of
/// nodes, each the only successor of the one before and entered only from it). States
/// inside a block are recomputed when asked for ([`Solution::for_each`]), so a function of
/// a million straight-line statements costs one state, not a million.
pub struct Solution<S> {
    blocks: Blocks,
    /// Per block, the state at its entry (`None`: unreachable).
    input: Vec<Option<S>>,
}

impl<S: Clone> Solution<S> {
    /// Calls `f` for every node a path reaches, with the state at its entry; blocks in
    /// the order of their first node, nodes of a block in flow order.
    pub fn for_each<A: Analysis<State = S>>(&self, g: &FlowGraph, a: &A, mut f: impl FnMut(NodeId, &S)) {
        for (b, input) in self.input.iter().enumerate() {
            let Some(input) = input else { continue };
            let mut state = input.clone();
            let nodes = self.blocks.nodes(b);
            for (k, &n) in nodes.iter().enumerate() {
                f(n, &state);
                if k + 1 < nodes.len() {
                    a.transfer(n, &g.nodes[n as usize].event, &mut state);
                }
            }
        }
    }

    /// The state at the entry of every node (`None`: unreachable): a state per node, for
    /// the dumps of small programs.
    pub fn per_node<A: Analysis<State = S>>(&self, g: &FlowGraph, a: &A) -> Vec<Option<S>> {
        let mut out = vec![None; g.nodes.len()];
        self.for_each(g, a, |n, s| out[n as usize] = Some(s.clone()));
        out
    }
}

/// The blocks of a graph, numbered in the order of their first node.
struct Blocks {
    /// The nodes of every block, block after block.
    nodes: Vec<NodeId>,
    /// Where each block starts in `nodes` (and a last entry: the end).
    start: Vec<u32>,
    /// The block a node starts (`u32::MAX`: the node is inside a block).
    block_of_head: Vec<u32>,
}

impl Blocks {
    fn of(g: &FlowGraph) -> Blocks {
        let n = g.nodes.len();
        // A node continues its predecessor's block when it has one ordinary in-edge, from
        // a node with no other out-edge.
        let mut preds = vec![0u32; n];
        for node in &g.nodes {
            for &(s, _) in &node.succ {
                preds[s as usize] += 1;
            }
        }
        let mut inside = vec![false; n];
        for node in &g.nodes {
            if let [(s, EdgeKind::Normal)] = node.succ[..]
                && preds[s as usize] == 1
                && s != g.entry
            {
                inside[s as usize] = true;
            }
        }
        let mut blocks = Blocks { nodes: Vec::with_capacity(n), start: Vec::new(), block_of_head: vec![u32::MAX; n] };
        for h in 0..n {
            if inside[h] {
                continue;
            }
            blocks.block_of_head[h] = blocks.start.len() as u32;
            blocks.start.push(blocks.nodes.len() as u32);
            let mut v = h as NodeId;
            blocks.nodes.push(v);
            while let [(s, EdgeKind::Normal)] = g.nodes[v as usize].succ[..]
                && inside[s as usize]
            {
                v = s;
                blocks.nodes.push(v);
            }
        }
        blocks.start.push(blocks.nodes.len() as u32);
        blocks
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    fn nodes(&self, b: usize) -> &[NodeId] {
        &self.nodes[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

/// Solves analysis `a` over `g` (a worklist of blocks in reverse postorder).
pub fn solve<A: Analysis>(g: &FlowGraph, a: &A) -> Solution<A::State> {
    let blocks = Blocks::of(g);
    let nb = blocks.len();
    // Blocks by the reverse postorder position of their first node.
    let mut pos = vec![usize::MAX; nb];
    let mut order = Vec::with_capacity(nb);
    for v in reverse_postorder(g) {
        let b = blocks.block_of_head[v as usize];
        if b != u32::MAX {
            pos[b as usize] = order.len();
            order.push(b as usize);
        }
    }
    let mut input: Vec<Option<A::State>> = vec![None; nb];
    let entry = blocks.block_of_head[g.entry as usize] as usize;
    input[entry] = Some(a.entry());
    let mut queued = vec![false; nb];
    let mut work = std::collections::BTreeSet::new();
    work.insert(pos[entry]);
    queued[entry] = true;
    while let Some(p) = work.pop_first() {
        let b = order[p];
        queued[b] = false;
        let Some(mut state) = input[b].clone() else { continue };
        let nodes = blocks.nodes(b);
        for &n in nodes {
            a.transfer(n, &g.nodes[n as usize].event, &mut state);
        }
        let last = *nodes.last().expect("a block has a node");
        for &(s, kind) in &g.nodes[last as usize].succ {
            if kind == EdgeKind::ReachOnly {
                continue;
            }
            let carried = a.along(kind, &state);
            // Every successor of a block's last node starts a block.
            let t = blocks.block_of_head[s as usize] as usize;
            let slot = &mut input[t];
            let changed = match slot {
                None => {
                    *slot = Some(carried);
                    true
                }
                Some(old) => {
                    let before = old.clone();
                    a.join(old, &carried);
                    *old != before
                }
            };
            if changed && !queued[t] {
                queued[t] = true;
                work.insert(pos[t]);
            }
        }
    }
    Solution { blocks, input }
}

/// Nodes in reverse postorder of a depth-first search from the entry (over every edge
/// kind), then the nodes no edge reaches, in index order.
pub fn reverse_postorder(g: &FlowGraph) -> Vec<NodeId> {
    let n = g.nodes.len();
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    // (node, next successor): 8 bytes an entry, as a straight-line function of a million
    // statements has a million nodes on the stack.
    let mut stack: Vec<(NodeId, u32)> = vec![(g.entry, 0)];
    seen[g.entry as usize] = true;
    while let Some(&mut (v, ref mut i)) = stack.last_mut() {
        let succ = &g.nodes[v as usize].succ;
        if (*i as usize) < succ.len() {
            let s = succ[*i as usize].0;
            *i += 1;
            if !seen[s as usize] {
                seen[s as usize] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(v);
            stack.pop();
        }
    }
    post.reverse();
    post.extend((0..n as NodeId).filter(|&v| !seen[v as usize]));
    post
}

/// Which nodes a path from the entry reaches; with `reach_only`, also through the
/// `ReachOnly` edges (the reachability of the warnings).
pub fn reachable(g: &FlowGraph, reach_only: bool) -> Vec<bool> {
    let mut seen = vec![false; g.nodes.len()];
    let mut stack = vec![g.entry];
    seen[g.entry as usize] = true;
    while let Some(v) = stack.pop() {
        for &(s, kind) in &g.nodes[v as usize].succ {
            if (kind != EdgeKind::ReachOnly || reach_only) && !seen[s as usize] {
                seen[s as usize] = true;
                stack.push(s);
            }
        }
    }
    seen
}
