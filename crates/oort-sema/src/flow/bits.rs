//! [`Bits`]: a bit set whose copies share structure, the state of the flow analyses.
//!
//! A flow analysis keeps a state per block of its graph, and a function may have a
//! million variables (a generated script) and a million blocks: dense bit sets would cost
//! blocks × variables bits. `Bits` is a tree of 512-bit leaves under nodes of 16
//! children; a subtree whose bits are all equal is one `Zeros` or `Ones` value, and
//! nodes are shared (`Rc`) between copies, so cloning a set is O(1), changing one bit
//! copies one path (or nothing, when the tree is not shared), and joining two sets that
//! differ in few places visits only the differing subtrees. Sets are kept in a canonical
//! form (no node whose bits are all equal), so equality is structural.

use std::rc::Rc;

const LEAF_WORDS: usize = 8;
const LEAF_BITS: usize = LEAF_WORDS * 64;
const FANOUT: usize = 16;

#[derive(Clone, Debug)]
enum Tree {
    Zeros,
    Ones,
    Leaf(Rc<[u64; LEAF_WORDS]>),
    Inner(Rc<[Tree; FANOUT]>),
}

impl Eq for Tree {}

impl PartialEq for Tree {
    fn eq(&self, other: &Tree) -> bool {
        match (self, other) {
            (Tree::Zeros, Tree::Zeros) | (Tree::Ones, Tree::Ones) => true,
            (Tree::Leaf(a), Tree::Leaf(b)) => Rc::ptr_eq(a, b) || a == b,
            (Tree::Inner(a), Tree::Inner(b)) => Rc::ptr_eq(a, b) || a == b,
            _ => false,
        }
    }
}

/// A set of integers below a capacity fixed at creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bits {
    /// 0: the root is a leaf; each level above multiplies the capacity by [`FANOUT`].
    height: u32,
    root: Tree,
}

impl Bits {
    /// The empty set of integers below `n`.
    pub fn empty(n: usize) -> Bits {
        let mut height = 0;
        let mut cap = LEAF_BITS;
        while cap < n {
            cap *= FANOUT;
            height += 1;
        }
        Bits { height, root: Tree::Zeros }
    }

    /// The set of every integer below `n` (and the rest of the capacity).
    pub fn full(n: usize) -> Bits {
        Bits { root: Tree::Ones, ..Bits::empty(n) }
    }

    /// Bits per subtree at `height`.
    fn span(height: u32) -> usize {
        LEAF_BITS * FANOUT.pow(height)
    }

    pub fn contains(&self, i: usize) -> bool {
        let mut t = &self.root;
        let mut h = self.height;
        let mut i = i;
        loop {
            match t {
                Tree::Zeros => return false,
                Tree::Ones => return true,
                Tree::Leaf(w) => return w[i / 64] & (1 << (i % 64)) != 0,
                Tree::Inner(c) => {
                    let s = Bits::span(h - 1);
                    t = &c[i / s];
                    i %= s;
                    h -= 1;
                }
            }
        }
    }

    pub fn insert(&mut self, i: usize) {
        self.set(i, true);
    }

    /// Adds or removes `i`; copies nothing when `i` is already as wanted.
    pub fn set(&mut self, i: usize, value: bool) {
        if self.contains(i) != value {
            flip(&mut self.root, self.height, i);
        }
    }

    pub fn intersect_with(&mut self, other: &Bits) {
        if let Some(t) = combine(&self.root, &other.root, false) {
            self.root = t;
        }
    }

    pub fn union_with(&mut self, other: &Bits) {
        if let Some(t) = combine(&self.root, &other.root, true) {
            self.root = t;
        }
    }
}

/// Flips bit `i` of `t` (a subtree at `height`), keeping the tree canonical.
fn flip(t: &mut Tree, height: u32, i: usize) {
    match t {
        Tree::Zeros | Tree::Ones => {
            let fill = matches!(t, Tree::Ones);
            *t = if height == 0 {
                Tree::Leaf(Rc::new([if fill { !0 } else { 0 }; LEAF_WORDS]))
            } else {
                Tree::Inner(Rc::new(std::array::from_fn(|_| if fill { Tree::Ones } else { Tree::Zeros })))
            };
            flip(t, height, i);
            return;
        }
        Tree::Leaf(w) => Rc::make_mut(w)[i / 64] ^= 1 << (i % 64),
        Tree::Inner(c) => {
            let s = Bits::span(height - 1);
            flip(&mut Rc::make_mut(c)[i / s], height - 1, i % s);
        }
    }
    normalize(t);
}

/// Replaces a node whose bits are all equal by `Zeros` or `Ones`.
fn normalize(t: &mut Tree) {
    let uniform = match t {
        Tree::Leaf(w) if w.iter().all(|&x| x == 0) => Tree::Zeros,
        Tree::Leaf(w) if w.iter().all(|&x| x == !0) => Tree::Ones,
        Tree::Inner(c) if c.iter().all(|x| matches!(x, Tree::Zeros)) => Tree::Zeros,
        Tree::Inner(c) if c.iter().all(|x| matches!(x, Tree::Ones)) => Tree::Ones,
        _ => return,
    };
    *t = uniform;
}

/// `a ∪ b` (`union`) or `a ∩ b`, or `None` when that is `a` itself.
fn combine(a: &Tree, b: &Tree, union: bool) -> Option<Tree> {
    // The value that absorbs (`Ones` for a union) and the one that changes nothing.
    let (absorbing, neutral) = if union { (Tree::Ones, Tree::Zeros) } else { (Tree::Zeros, Tree::Ones) };
    if *b == neutral || *a == absorbing {
        return None;
    }
    if *b == absorbing {
        return Some(absorbing);
    }
    if *a == neutral {
        return Some(b.clone());
    }
    match (a, b) {
        (Tree::Leaf(x), Tree::Leaf(y)) => {
            if Rc::ptr_eq(x, y) {
                return None;
            }
            let w: [u64; LEAF_WORDS] = std::array::from_fn(|k| if union { x[k] | y[k] } else { x[k] & y[k] });
            if w == **x {
                return None;
            }
            let mut t = Tree::Leaf(Rc::new(w));
            normalize(&mut t);
            Some(t)
        }
        (Tree::Inner(x), Tree::Inner(y)) => {
            if Rc::ptr_eq(x, y) {
                return None;
            }
            let mut out: Option<Rc<[Tree; FANOUT]>> = None;
            for k in 0..FANOUT {
                if let Some(c) = combine(&x[k], &y[k], union) {
                    Rc::make_mut(out.get_or_insert_with(|| x.clone()))[k] = c;
                }
            }
            let mut t = Tree::Inner(out?);
            normalize(&mut t);
            Some(t)
        }
        // Subtrees at one height are both leaves or both inner nodes.
        _ => unreachable!("Bits of different heights"),
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;
    use fixedbitset::FixedBitSet;

    /// Against `FixedBitSet`, on sets large enough for three levels, with shared copies.
    #[test]
    fn agrees_with_a_dense_set() {
        let n = 20_000;
        let mut rng = 12345u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut sets: Vec<(Bits, FixedBitSet)> = vec![(Bits::empty(n), FixedBitSet::with_capacity(n))];
        let mut full = FixedBitSet::with_capacity(n);
        full.insert_range(..);
        sets.push((Bits::full(n), full));
        for step in 0..4000 {
            let k = next() as usize % sets.len();
            let (mut b, mut d) = sets[k].clone();
            match next() % 4 {
                0 | 1 => {
                    // A run of bits, so that whole leaves fill and empty.
                    let at = next() as usize % n;
                    let v = next() % 2 == 0;
                    for i in at..(at + next() as usize % 700).min(n) {
                        b.set(i, v);
                        d.set(i, v);
                    }
                }
                2 => {
                    let (ob, od) = &sets[next() as usize % sets.len()];
                    b.union_with(ob);
                    d.union_with(od);
                }
                _ => {
                    let (ob, od) = &sets[next() as usize % sets.len()];
                    b.intersect_with(ob);
                    d.intersect_with(od);
                }
            }
            for _ in 0..50 {
                let i = next() as usize % n;
                assert_eq!(b.contains(i), d.contains(i), "step {step}, bit {i}");
            }
            sets.push((b, d));
        }
        // Equal trees are equal sets; equal sets built from the empty set (never holding
        // bits past `n`) are equal trees (canonical form).
        for (b1, d1) in sets.iter().step_by(37) {
            for (b2, d2) in sets.iter().step_by(41) {
                if b1 == b2 {
                    assert_eq!(d1, d2);
                }
            }
        }
        let mut a = Bits::empty(n);
        let mut b = Bits::empty(n);
        for i in 0..n {
            a.insert(i);
        }
        for i in (0..n).rev() {
            b.insert(i);
        }
        assert_eq!(a, b);
        for i in 0..n {
            a.set(i, false);
        }
        assert_eq!(a, Bits::empty(n));
        for (b, d) in &sets {
            assert!((0..n).all(|i| b.contains(i) == d.contains(i)));
        }
    }
}
