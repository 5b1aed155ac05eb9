//! A forward dataflow solver over a [`FlowGraph`].
//!
//! The state at a node is `None` while no path reaches it: the "everything" state of a
//! node after a transfer of control, which every join ignores. An analysis gives the
//! entry state, the effect of each node's event, and the join; the solver iterates in
//! reverse postorder until nothing changes.

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

/// The state at the entry of every node (`None`: unreachable).
pub fn solve<A: Analysis>(g: &FlowGraph, a: &A) -> Vec<Option<A::State>> {
    let order = reverse_postorder(g);
    let mut pos = vec![usize::MAX; g.nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        pos[n as usize] = i;
    }
    let mut input: Vec<Option<A::State>> = vec![None; g.nodes.len()];
    input[g.entry as usize] = Some(a.entry());
    // A worklist ordered by reverse postorder position.
    let mut queued = vec![false; g.nodes.len()];
    let mut work = std::collections::BTreeSet::new();
    work.insert(pos[g.entry as usize]);
    queued[g.entry as usize] = true;
    while let Some(p) = work.pop_first() {
        let n = order[p];
        queued[n as usize] = false;
        let Some(mut state) = input[n as usize].clone() else { continue };
        let node = &g.nodes[n as usize];
        a.transfer(n, &node.event, &mut state);
        for &(s, kind) in &node.succ {
            if kind == EdgeKind::ReachOnly {
                continue;
            }
            let carried = a.along(kind, &state);
            let slot = &mut input[s as usize];
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
            if changed && !queued[s as usize] {
                queued[s as usize] = true;
                work.insert(pos[s as usize]);
            }
        }
    }
    input
}

/// Nodes in reverse postorder of a depth-first search from the entry (over every edge
/// kind), then the nodes no edge reaches, in index order.
pub fn reverse_postorder(g: &FlowGraph) -> Vec<NodeId> {
    let n = g.nodes.len();
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    let mut stack: Vec<(NodeId, usize)> = vec![(g.entry, 0)];
    seen[g.entry as usize] = true;
    while let Some(&mut (v, ref mut i)) = stack.last_mut() {
        let succ = &g.nodes[v as usize].succ;
        if *i < succ.len() {
            let s = succ[*i].0;
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
