//! `cleanup`: simplifies the control-flow graph and renumbers the function.
//!
//! 1. A branch whose arms go to the same block becomes a jump.
//! 2. Jumps to an empty block that only jumps on are threaded to where it goes.
//! 3. A block reached only by a jump from one predecessor is merged into it.
//! 4. [`Function::compact`]: unreachable blocks (such as the arms `constprop` found
//!    dead), removed instructions and unused variables are dropped, and what remains is
//!    numbered densely in reverse post-order.
//!
//! Label blocks and `entry` are entry points: they are never threaded away or merged
//! into a predecessor, since control arrives there from outside the graph too.

use oort_ir::{Block, Function, Module, Terminator};

pub fn run(m: &mut Module) -> usize {
    m.funcs.iter_mut().map(run_function).sum()
}

fn run_function(f: &mut Function) -> usize {
    let mut changes = 0;
    let mut is_root = vec![false; f.blocks.len()];
    is_root[f.entry.index()] = true;
    for l in &f.labels {
        is_root[l.block.index()] = true;
    }
    // 1. Branches with both arms alike.
    for b in &mut f.blocks {
        if let Terminator::Branch { then, els, .. } = b.term
            && then == els
        {
            b.term = Terminator::Jump(then);
            changes += 1;
        }
    }
    // 2. Thread jumps through empty forwarding blocks (following chains, but not
    // around a cycle of empty blocks).
    let forward = |f: &Function, mut b: Block| {
        for _ in 0..f.blocks.len() {
            match f.block(b).term {
                Terminator::Jump(next) if f.block(b).insts.is_empty() && !is_root[b.index()] && next != b => b = next,
                _ => break,
            }
        }
        b
    };
    for b in 0..f.blocks.len() {
        let succs: Vec<Block> = f.blocks[b].term.successors().to_vec();
        let targets: Vec<Block> = succs.iter().map(|&s| forward(f, s)).collect();
        if targets != succs {
            changes += 1;
            for (s, t) in f.blocks[b].term.successors_mut().into_iter().zip(targets) {
                *s = t;
            }
        }
    }
    // 3. Merge a block into its only predecessor when that predecessor jumps to it.
    let order = f.reverse_postorder();
    let mut preds = vec![0usize; f.blocks.len()];
    for &b in &order {
        for s in f.block(b).term.successors() {
            preds[s.index()] += 1;
        }
    }
    for &b in &order {
        // `b` may already have absorbed successors; keep absorbing while it can.
        while let Terminator::Jump(next) = f.block(b).term {
            if next == b || preds[next.index()] != 1 || is_root[next.index()] {
                break;
            }
            let absorbed = std::mem::replace(&mut f.blocks[next.index()].term, Terminator::Unreachable);
            let insts = std::mem::take(&mut f.blocks[next.index()].insts);
            let span = f.blocks[next.index()].term_span;
            let block = &mut f.blocks[b.index()];
            block.insts.extend(insts);
            block.term = absorbed;
            block.term_span = span;
            preds[next.index()] = 0;
            changes += 1;
        }
    }
    f.compact();
    changes
}
