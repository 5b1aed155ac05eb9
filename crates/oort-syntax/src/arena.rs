//! Typed arenas whose ids are 4-byte indices: the AST's storage.
//!
//! An [`Id`] is a `u32` (the `id-arena` crate's ids, used before, were 16 bytes: an index
//! and an arena number). Ids are in every AST node, every flow-graph event and every key of
//! the semantic side tables, so their size is a good part of the compiler's memory on a
//! big program. A source file has fewer than 2^32 bytes, and every node comes from at
//! least one of them, so `u32` always suffices.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// The id of a `T` in an [`Arena<T>`]: its index.
pub struct Id<T> {
    idx: u32,
    _of: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The index of the item in its arena.
    #[inline]
    pub fn index(&self) -> usize {
        self.idx as usize
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Id").field("idx", &self.idx).finish()
    }
}

impl<T> Copy for Id<T> {}

impl<T> Clone for Id<T> {
    #[inline]
    fn clone(&self) -> Id<T> {
        *self
    }
}

impl<T> PartialEq for Id<T> {
    #[inline]
    fn eq(&self, rhs: &Self) -> bool {
        self.idx == rhs.idx
    }
}

impl<T> Eq for Id<T> {}

impl<T> Hash for Id<T> {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.idx.hash(h);
    }
}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, rhs: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(rhs))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, rhs: &Self) -> std::cmp::Ordering {
        self.idx.cmp(&rhs.idx)
    }
}

/// Items of one type, allocated one after the other and never freed.
#[derive(Clone, Debug)]
pub struct Arena<T> {
    items: Vec<T>,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena { items: Vec::new() }
    }
}

impl<T> Arena<T> {
    pub fn new() -> Arena<T> {
        Arena::default()
    }

    /// Stores `item`; returns its id.
    pub fn alloc(&mut self, item: T) -> Id<T> {
        let idx = u32::try_from(self.items.len()).expect("an arena holds fewer items than a source file has bytes");
        self.items.push(item);
        Id { idx, _of: PhantomData }
    }

    /// The id the next [`Arena::alloc`] will return.
    pub fn next_id(&self) -> Id<T> {
        Id { idx: self.items.len() as u32, _of: PhantomData }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, id: Id<T>) -> Option<&T> {
        self.items.get(id.index())
    }

    pub fn get_mut(&mut self, id: Id<T>) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }

    /// Every item with its id, in allocation order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (Id<T>, &T)> + ExactSizeIterator {
        self.items.iter().enumerate().map(|(i, t)| (Id { idx: i as u32, _of: PhantomData }, t))
    }

    /// Every item with its id, in allocation order, mutably.
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (Id<T>, &mut T)> + ExactSizeIterator {
        self.items.iter_mut().enumerate().map(|(i, t)| (Id { idx: i as u32, _of: PhantomData }, t))
    }
}

impl<T> std::ops::Index<Id<T>> for Arena<T> {
    type Output = T;
    #[inline]
    fn index(&self, id: Id<T>) -> &T {
        &self.items[id.index()]
    }
}

impl<T> std::ops::IndexMut<Id<T>> for Arena<T> {
    #[inline]
    fn index_mut(&mut self, id: Id<T>) -> &mut T {
        &mut self.items[id.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::Arena;

    #[test]
    fn ids_are_indices() {
        let mut a = Arena::new();
        let x = a.alloc("x");
        let y = a.alloc("y");
        assert_eq!((x.index(), y.index(), a.len()), (0, 1, 2));
        assert_eq!((a[x], a[y]), ("x", "y"));
        assert!(x < y && x != y);
        assert_eq!(a.iter().map(|(id, s)| (id, *s)).collect::<Vec<_>>(), [(x, "x"), (y, "y")]);
        assert_eq!(std::mem::size_of_val(&x), 4);
        assert_eq!(format!("{y:?}"), "Id { idx: 1 }");
    }
}
