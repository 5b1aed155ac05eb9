//! The VM heap: object layouts, allocation, the all-objects list and reference tracing.
//!
//! Every object is a `#[repr(C)]` struct whose first field is an [`ObjHeader`], so a
//! reference (`u64` slot value) can be cast to `*mut ObjHeader`, its kind read, and then cast
//! to the concrete type. Objects never move (mark-sweep, no compaction), so an object's
//! address is its identity. All objects are linked through `ObjHeader::next`; the heap frees
//! every object when dropped. A mark-sweep collector (next step) will: mark from the roots
//! (registers of Ref kind in live frame extents, frame envs, interned constants, VM-held
//! strings) using [`Heap::trace_object`], then sweep the `next` list freeing unmarked objects.

use std::ptr;

use crate::bytecode::{ElemKind, EnvLayout, FuncId, LayoutId, RegKind};

/// Dynamic kind of a heap object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ObjKind {
    String,
    Array,
    Closure,
    Env,
}

/// Common header at offset 0 of every object.
#[repr(C)]
#[derive(Debug)]
pub struct ObjHeader {
    pub kind: ObjKind,
    /// Mark bit for the mark-sweep collector.
    pub marked: bool,
    /// Next object in the heap's all-objects list.
    next: *mut ObjHeader,
}

/// An immutable byte string.
#[repr(C)]
#[derive(Debug)]
pub struct StrObj {
    pub header: ObjHeader,
    pub bytes: Box<[u8]>,
}

/// A fixed-length array of slots.
#[repr(C)]
#[derive(Debug)]
pub struct ArrayObj {
    pub header: ObjHeader,
    pub elem: ElemKind,
    pub data: Box<[u64]>,
}

/// A closure: a function and its captured environment (null for none).
#[repr(C)]
#[derive(Debug)]
pub struct ClosureObj {
    pub header: ObjHeader,
    pub func: FuncId,
    pub env: u64,
}

/// A heap environment: captured variables of one scope, and the enclosing scope's env.
#[repr(C)]
#[derive(Debug)]
pub struct EnvObj {
    pub header: ObjHeader,
    pub layout: LayoutId,
    pub parent: u64,
    pub slots: Box<[u64]>,
}

/// Allocation failed: the heap limit would be exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// The heap. Allocation only through `alloc_*`.
#[derive(Debug)]
pub struct Heap {
    head: *mut ObjHeader,
    bytes_allocated: usize,
    limit: usize,
    count: usize,
}

fn header(kind: ObjKind) -> ObjHeader {
    ObjHeader { kind, marked: false, next: ptr::null_mut() }
}

impl Heap {
    /// A heap that refuses to grow beyond `limit` bytes.
    pub fn new(limit: usize) -> Heap {
        Heap { head: ptr::null_mut(), bytes_allocated: 0, limit, count: 0 }
    }

    /// Bytes currently allocated (object structs plus their payloads).
    pub fn bytes_allocated(&self) -> usize {
        self.bytes_allocated
    }

    /// Number of live objects.
    pub fn object_count(&self) -> usize {
        self.count
    }

    fn reserve(&mut self, bytes: usize) -> Result<(), OutOfMemory> {
        match self.bytes_allocated.checked_add(bytes) {
            Some(n) if n <= self.limit => {
                self.bytes_allocated = n;
                Ok(())
            }
            _ => Err(OutOfMemory),
        }
    }

    fn link<T>(&mut self, obj: Box<T>) -> *mut T {
        let p = Box::into_raw(obj);
        let h = p as *mut ObjHeader;
        // SAFETY: every T passed here is a #[repr(C)] object struct whose first field is an
        // ObjHeader, so `h` points to a valid, exclusively owned header.
        unsafe { (*h).next = self.head };
        self.head = h;
        self.count += 1;
        p
    }

    /// Allocate a string holding `bytes`.
    pub fn alloc_string(&mut self, bytes: Vec<u8>) -> Result<*mut StrObj, OutOfMemory> {
        self.reserve(size_of::<StrObj>() + bytes.len())?;
        let obj = Box::new(StrObj { header: header(ObjKind::String), bytes: bytes.into_boxed_slice() });
        Ok(self.link(obj))
    }

    /// Allocate a zero-filled array of `len` elements.
    pub fn alloc_array(&mut self, elem: ElemKind, len: usize) -> Result<*mut ArrayObj, OutOfMemory> {
        let payload = len.checked_mul(8).ok_or(OutOfMemory)?;
        self.reserve(size_of::<ArrayObj>().saturating_add(payload))?;
        let mut v: Vec<u64> = Vec::new();
        if v.try_reserve_exact(len).is_err() {
            self.bytes_allocated -= size_of::<ArrayObj>() + payload;
            return Err(OutOfMemory);
        }
        v.resize(len, 0);
        let obj = Box::new(ArrayObj { header: header(ObjKind::Array), elem, data: v.into_boxed_slice() });
        Ok(self.link(obj))
    }

    /// Allocate a closure.
    pub fn alloc_closure(&mut self, func: FuncId, env: u64) -> Result<*mut ClosureObj, OutOfMemory> {
        self.reserve(size_of::<ClosureObj>())?;
        let obj = Box::new(ClosureObj { header: header(ObjKind::Closure), func, env });
        Ok(self.link(obj))
    }

    /// Allocate an environment with `nslots` zeroed slots.
    pub fn alloc_env(&mut self, layout: LayoutId, parent: u64, nslots: usize) -> Result<*mut EnvObj, OutOfMemory> {
        self.reserve(size_of::<EnvObj>() + nslots * 8)?;
        let obj = Box::new(EnvObj {
            header: header(ObjKind::Env),
            layout,
            parent,
            slots: vec![0; nslots].into_boxed_slice(),
        });
        Ok(self.link(obj))
    }

    /// Every object, newest first.
    pub fn objects(&self) -> impl Iterator<Item = *mut ObjHeader> + '_ {
        let mut p = self.head;
        std::iter::from_fn(move || {
            if p.is_null() {
                return None;
            }
            let cur = p;
            // SAFETY: `cur` is a live object of this heap (the list only holds live objects).
            p = unsafe { (*cur).next };
            Some(cur)
        })
    }

    /// Call `f` with every non-null reference held by `obj`.
    ///
    /// # Safety
    /// `obj` must be a live object of this heap.
    pub unsafe fn trace_object(obj: *mut ObjHeader, layouts: &[EnvLayout], f: &mut impl FnMut(*mut ObjHeader)) {
        let mut visit = |v: u64| {
            if v != 0 {
                f(v as *mut ObjHeader)
            }
        };
        // SAFETY: the caller guarantees `obj` is live; its kind tells its concrete type.
        unsafe {
            match (*obj).kind {
                ObjKind::String => {}
                ObjKind::Array => {
                    let a = &*(obj as *const ArrayObj);
                    if a.elem == ElemKind::Ref {
                        a.data.iter().for_each(|&v| visit(v));
                    }
                }
                ObjKind::Closure => visit((*(obj as *const ClosureObj)).env),
                ObjKind::Env => {
                    let e = &*(obj as *const EnvObj);
                    visit(e.parent);
                    let kinds = &layouts[e.layout.0 as usize].slots;
                    for (&v, &k) in e.slots.iter().zip(kinds) {
                        if k == RegKind::Ref {
                            visit(v);
                        }
                    }
                }
            }
        }
    }

    /// Free one object.
    ///
    /// # Safety
    /// `obj` must be an object allocated by a `Heap` and not freed yet, and unlinked or about
    /// to be forgotten by the list.
    unsafe fn free(obj: *mut ObjHeader) {
        // SAFETY: `obj` came from Box::into_raw of the struct its kind names.
        unsafe {
            match (*obj).kind {
                ObjKind::String => drop(Box::from_raw(obj as *mut StrObj)),
                ObjKind::Array => drop(Box::from_raw(obj as *mut ArrayObj)),
                ObjKind::Closure => drop(Box::from_raw(obj as *mut ClosureObj)),
                ObjKind::Env => drop(Box::from_raw(obj as *mut EnvObj)),
            }
        }
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        let mut p = self.head;
        while !p.is_null() {
            // SAFETY: `p` is a live object of this heap; read `next` before freeing it, and
            // each object is freed exactly once.
            unsafe {
                let next = (*p).next;
                Heap::free(p);
                p = next;
            }
        }
        self.head = ptr::null_mut();
    }
}

/// Kind of a non-null reference.
///
/// # Safety
/// `v` must be a non-null reference to a live object.
pub unsafe fn kind_of(v: u64) -> ObjKind {
    // SAFETY: guaranteed by the caller.
    unsafe { (*(v as *const ObjHeader)).kind }
}

/// Bytes of a string reference.
///
/// # Safety
/// `v` must be a non-null reference to a live string, which outlives `'a`.
pub unsafe fn str_bytes<'a>(v: u64) -> &'a [u8] {
    // SAFETY: guaranteed by the caller.
    unsafe { &(*(v as *const StrObj)).bytes }
}

/// The array behind a reference.
///
/// # Safety
/// `v` must be a non-null reference to a live array, which outlives `'a` and is not
/// otherwise borrowed mutably.
pub unsafe fn array<'a>(v: u64) -> &'a mut ArrayObj {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *(v as *mut ArrayObj) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_trace_and_free() {
        let layouts = vec![EnvLayout { slots: vec![RegKind::Value, RegKind::Ref] }];
        let mut h = Heap::new(1 << 20);
        let s = h.alloc_string(b"abc".to_vec()).unwrap() as u64;
        let a = h.alloc_array(ElemKind::Ref, 3).unwrap();
        // SAFETY: `a` was just allocated.
        unsafe { (*a).data[1] = s };
        let e = h.alloc_env(LayoutId(0), 0, 2).unwrap();
        // SAFETY: `e` was just allocated.
        unsafe { (*e).slots[1] = a as u64 };
        let c = h.alloc_closure(FuncId(0), e as u64).unwrap();
        assert_eq!(h.object_count(), 4);
        assert_eq!(h.objects().count(), 4);
        assert!(h.bytes_allocated() > 0);
        let mut seen = vec![];
        // SAFETY: all objects are live.
        unsafe {
            Heap::trace_object(c as *mut ObjHeader, &layouts, &mut |p| seen.push(p as u64));
            Heap::trace_object(e as *mut ObjHeader, &layouts, &mut |p| seen.push(p as u64));
            Heap::trace_object(a as *mut ObjHeader, &layouts, &mut |p| seen.push(p as u64));
        }
        assert_eq!(seen, vec![e as u64, a as u64, s]);
    }

    #[test]
    fn limit_is_enforced() {
        let mut h = Heap::new(1000);
        assert_eq!(h.alloc_array(ElemKind::I32, 1 << 40).unwrap_err(), OutOfMemory);
        assert_eq!(h.alloc_array(ElemKind::I32, usize::MAX).unwrap_err(), OutOfMemory);
        assert!(h.alloc_array(ElemKind::I32, 10).is_ok());
    }
}
