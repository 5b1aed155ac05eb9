//! The VM heap: object layouts, allocation, the all-objects list, reference tracing and the
//! mark-sweep garbage collector.
//!
//! Every object is a `#[repr(C)]` struct whose first field is an [`ObjHeader`], so a
//! reference (`u64` slot value) can be cast to `*mut ObjHeader`, its kind read, and then cast
//! to the concrete type. Objects never move (mark-sweep, no compaction), so an object's
//! address is its identity and raw pointers held by the interpreter stay valid across
//! allocations. All objects are linked through `ObjHeader::next`; the heap frees every object
//! when dropped.
//!
//! # Collection
//! [`Heap::collect`] is given the roots by its caller (the VM: see [`crate::interp`]), marks
//! everything reachable with an explicit mark stack (no host recursion, whatever the shape of
//! the object graph), then sweeps the all-objects list, freeing unmarked objects. What a
//! collection traces inside an object comes from the type information given by
//! [`Heap::set_type_info`]: which environment slots and which object fields are references.
//!
//! # Accounting and trigger
//! The heap counts the bytes of every live object (its struct plus its payload). The
//! interpreter asks [`Heap::should_collect`] before each allocation; it says yes when the
//! allocation would take the heap past the *threshold*, which after each collection is
//! `live + max(4 MiB, live)` (capped at `max_heap`), so the heap stays within about twice the
//! live data plus 4 MiB. In stress mode the threshold is 0: every allocation collects. An
//! allocation that would exceed `max_heap` (checked after the collection) fails with
//! [`OutOfMemory`], as does a payload the system allocator refuses.

use std::alloc::{self, Layout};
use std::collections::HashSet;
use std::ptr;
use std::time::{Duration, Instant};

use crate::bytecode::{ClassDesc, ClassIdx, ElemKind, EnvLayout, FuncId, LayoutId, RegKind};

/// Smallest amount of allocation between two collections.
pub const MIN_GC_BYTES: usize = 4 << 20;

/// Dynamic kind of a heap object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ObjKind {
    String,
    Array,
    Closure,
    Env,
    /// An instance of a class ([`InstObj`]).
    Instance,
    /// An activation moved to the heap ([`FrameObj`]).
    Frame,
    /// A pending call of a heap activation ([`ContObj`]).
    Cont,
    /// A label value ([`LabelObj`]).
    Label,
}

/// Common header at offset 0 of every object.
#[repr(C)]
#[derive(Debug)]
pub struct ObjHeader {
    pub kind: ObjKind,
    /// Mark bit for the mark-sweep collector (false outside a collection).
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
/// Its `nslots` slots follow the struct inline, in one allocation (see [`EnvObj::slots`]).
#[repr(C)]
#[derive(Debug)]
pub struct EnvObj {
    pub header: ObjHeader,
    pub layout: LayoutId,
    pub nslots: u32,
    pub parent: u64,
}

impl EnvObj {
    /// The slots.
    ///
    /// # Safety
    /// `self` must be an environment allocated by [`Heap::alloc_env`] (so that `nslots`
    /// slots follow it).
    pub unsafe fn slots(&mut self) -> &mut [u64] {
        // SAFETY: alloc_env allocated `nslots` zeroed slots right after the struct, whose
        // size is a multiple of 8.
        unsafe {
            let p = (self as *mut EnvObj).add(1) as *mut u64;
            std::slice::from_raw_parts_mut(p, self.nslots as usize)
        }
    }
}

/// An object (class instance). Its `nfields` field slots follow the struct inline, in one
/// allocation (see [`InstObj::fields`]).
#[repr(C)]
#[derive(Debug)]
pub struct InstObj {
    pub header: ObjHeader,
    /// The class ([`ClassIdx`]).
    pub class: u32,
    pub nfields: u32,
    /// The environment the object was created in (null for none).
    pub env: u64,
}

impl InstObj {
    /// The field slots.
    ///
    /// # Safety
    /// `self` must be an object allocated by [`Heap::alloc_instance`] (so that `nfields`
    /// slots follow it).
    pub unsafe fn fields(&mut self) -> &mut [u64] {
        // SAFETY: alloc_instance allocated `nfields` zeroed slots right after the struct,
        // whose size is a multiple of 8.
        unsafe {
            let p = (self as *mut InstObj).add(1) as *mut u64;
            std::slice::from_raw_parts_mut(p, self.nfields as usize)
        }
    }
}

/// An activation on the heap (see [`crate::interp`], "Labels and continuations"): once a
/// label of an activation is taken, the activation and every activation it may return
/// through live here, and the interpreter runs them in place (`regs` is their register
/// window). Its variables therefore exist once, whichever way control comes back.
#[repr(C)]
#[derive(Debug)]
pub struct FrameObj {
    pub header: ObjHeader,
    pub func: FuncId,
    /// Where the frame record of this activation is in the VM's frame stack, when it is
    /// there (a hint, checked against the record).
    pub index: u32,
    /// The running closure's environment (null for none).
    pub env: u64,
    /// Where the activation returns to: a [`ContObj`] (its caller's pending call), or null
    /// when returning ends the program.
    pub cont: u64,
    /// The registers (the function's `nregs`).
    pub regs: Box<[u64]>,
    /// The label values of this activation, made once each (so `==` is identity), by label
    /// number; null until taken.
    pub labels: Box<[u64]>,
}

/// A continuation: the pending call of a heap activation, resumed when the activation it
/// called returns. `temps` is a snapshot of the caller's registers at the call; resuming
/// restores its temporaries from it (not its variables, which are shared).
#[repr(C)]
#[derive(Debug)]
pub struct ContObj {
    pub header: ObjHeader,
    /// The calling activation ([`FrameObj`]).
    pub frame: u64,
    /// Where it resumes (just after the call).
    pub pc: u32,
    /// The register receiving the call's result.
    pub ret_dst: u16,
    pub temps: Box<[u64]>,
}

/// A label value: a label of one activation.
#[repr(C)]
#[derive(Debug)]
pub struct LabelObj {
    pub header: ObjHeader,
    /// The activation ([`FrameObj`]).
    pub frame: u64,
    /// The label's first instruction.
    pub pc: u32,
    /// The label's name (a string), for printing.
    pub name: u64,
}

/// Allocation failed: the heap limit would be exceeded or the system allocator refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// Garbage-collector statistics ([`crate::Vm::gc_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Number of collections so far.
    pub collections: u64,
    /// Bytes allocated since the VM was created (objects and payloads, never decreases).
    pub bytes_allocated_total: u64,
    /// Objects allocated since the VM was created.
    pub objects_allocated_total: u64,
    /// Objects freed by collections so far.
    pub objects_freed_total: u64,
    /// Bytes of the heap now (live objects and garbage not yet collected).
    pub heap_bytes: usize,
    /// Objects in the heap now.
    pub heap_objects: usize,
    /// Largest `heap_bytes` seen (sampled at each collection and when the stats are taken).
    pub peak_heap_bytes: usize,
    /// Live bytes after the last collection.
    pub live_bytes: usize,
    /// Live objects after the last collection.
    pub live_objects: usize,
    /// The heap size at which the next collection happens.
    pub threshold: usize,
    /// Total time spent marking.
    pub mark_time: Duration,
    /// Total time spent sweeping.
    pub sweep_time: Duration,
}

/// Marks objects during a collection: the heap's mark stack. Handed to the root enumerator
/// of [`Heap::collect`].
pub struct Marker<'a> {
    stack: &'a mut Vec<*mut ObjHeader>,
    /// In debug stress mode, every object of the heap: a reference to anything else is a
    /// dangling pointer, reported by a panic.
    check: Option<&'a HashSet<usize>>,
}

impl Marker<'_> {
    /// Mark the object `v` refers to (nothing for null) and queue it for tracing.
    ///
    /// # Safety
    /// `v` must be null or a reference to a live object of the heap being collected.
    #[inline]
    pub unsafe fn mark(&mut self, v: u64) {
        if v == 0 {
            return;
        }
        if let Some(all) = self.check {
            assert!(all.contains(&(v as usize)), "GC: dangling or invalid reference {v:#x}");
        }
        let h = v as *mut ObjHeader;
        // SAFETY: guaranteed by the caller.
        unsafe {
            if !(*h).marked {
                (*h).marked = true;
                self.stack.push(h);
            }
        }
    }
}

/// The heap. Allocation only through `alloc_*`.
#[derive(Debug)]
pub struct Heap {
    head: *mut ObjHeader,
    /// Bytes of all objects in the list.
    bytes: usize,
    count: usize,
    limit: usize,
    threshold: usize,
    stress: bool,
    /// Per environment layout, the indices of its Ref slots.
    env_ref_slots: Vec<Box<[u32]>>,
    /// Per class, the indices of its Ref fields.
    class_ref_fields: Vec<Box<[u32]>>,
    /// Per function, its Ref registers (traced in frames and continuations).
    func_ref_regs: Vec<Box<[u16]>>,
    mark_stack: Vec<*mut ObjHeader>,
    stats: GcStats,
    /// Where object structs live. Declared last: dropped after `Heap::drop` has freed
    /// the objects' payloads.
    blocks: Blocks,
}

fn header(kind: ObjKind) -> ObjHeader {
    ObjHeader { kind, marked: false, next: ptr::null_mut() }
}

/// Bytes accounted for a string of `len` bytes.
pub const fn string_size(len: usize) -> usize {
    size_of::<StrObj>().saturating_add(len)
}

/// Bytes accounted for an array of `len` elements.
pub const fn array_size(len: usize) -> usize {
    size_of::<ArrayObj>().saturating_add(len.saturating_mul(8))
}

/// Bytes accounted for a closure.
pub const CLOSURE_SIZE: usize = size_of::<ClosureObj>();

/// Bytes accounted for an environment of `nslots` slots.
pub const fn env_size(nslots: usize) -> usize {
    size_of::<EnvObj>() + nslots * 8
}

/// Bytes accounted for a heap activation of `nregs` registers and `nlabels` labels.
pub const fn frame_size(nregs: usize, nlabels: usize) -> usize {
    size_of::<FrameObj>() + (nregs + nlabels) * 8
}

/// Bytes accounted for a continuation of `nregs` registers.
pub const fn cont_size(nregs: usize) -> usize {
    size_of::<ContObj>() + nregs * 8
}

/// Bytes accounted for a label value.
pub const LABEL_SIZE: usize = size_of::<LabelObj>();

/// Bytes of an object with `nfields` fields (it is one allocation of this size).
pub const fn instance_size(nfields: usize) -> usize {
    size_of::<InstObj>() + nfields * 8
}

/// Object memory: blocks of up to [`SMALL_MAX`] bytes come from size classes (multiples of
/// 16 bytes), each a free list threaded through its freed blocks, refilled by bumping through
/// 256 KiB chunks taken from the system; larger blocks come from the system allocator. The
/// chunks are returned to the system only when the heap is dropped (a freed block is reused
/// by the next allocation of its size class). Every object struct is a block; payloads of
/// strings, arrays, activations and continuations are separate system allocations.
///
/// Allocation is a pop from a free list (or a pointer bump) and freeing a push, instead of
/// a `malloc`/`free` pair per object, which dominated allocation-heavy programs.
#[derive(Debug)]
struct Blocks {
    free: [*mut FreeBlock; NCLASSES],
    bump: *mut u8,
    bump_end: *mut u8,
    chunks: Vec<*mut u8>,
}

/// A free block: its first word links to the next free block of its size class.
struct FreeBlock {
    next: *mut FreeBlock,
}

/// Largest block served from a size class.
pub const SMALL_MAX: usize = 512;
const GRANULE: usize = 16;
const NCLASSES: usize = SMALL_MAX / GRANULE;
const CHUNK: usize = 256 << 10;

fn chunk_layout() -> Layout {
    Layout::from_size_align(CHUNK, GRANULE).expect("chunk layout")
}

fn large_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size, GRANULE).ok()
}

impl Blocks {
    fn new() -> Blocks {
        Blocks {
            free: [ptr::null_mut(); NCLASSES],
            bump: ptr::null_mut(),
            bump_end: ptr::null_mut(),
            chunks: Vec::new(),
        }
    }

    /// A zeroed block of at least `size` (> 0) bytes, 16-byte aligned; null if the system
    /// refuses.
    #[inline]
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if size > SMALL_MAX {
            return match large_layout(size) {
                // SAFETY: the layout has a non-zero size.
                Some(l) => unsafe { alloc::alloc_zeroed(l) },
                None => ptr::null_mut(),
            };
        }
        let class = (size - 1) / GRANULE;
        let b = self.free[class];
        if !b.is_null() {
            // SAFETY: `b` is a free block of this class (at least `size` bytes), owned by
            // the free list, whose first word is its link.
            unsafe {
                self.free[class] = (*b).next;
                ptr::write_bytes(b as *mut u8, 0, (class + 1) * GRANULE);
            }
            return b as *mut u8;
        }
        let rounded = (class + 1) * GRANULE;
        if (self.bump_end as usize) - (self.bump as usize) < rounded {
            // SAFETY: the chunk layout has a non-zero size.
            let c = unsafe { alloc::alloc_zeroed(chunk_layout()) };
            if c.is_null() {
                return ptr::null_mut();
            }
            self.chunks.push(c);
            self.bump = c;
            // SAFETY: one past the end of the chunk.
            self.bump_end = unsafe { c.add(CHUNK) };
        }
        let p = self.bump;
        // SAFETY: `rounded` bytes remain in the chunk (checked above); chunk memory is
        // zeroed and never handed out twice by the bump.
        self.bump = unsafe { p.add(rounded) };
        p
    }

    /// Returns a block of `size` bytes (the size it was allocated with).
    ///
    /// # Safety
    /// `p` must come from [`Blocks::alloc`] of this allocator with the same `size`, and not
    /// be used afterwards.
    #[inline]
    unsafe fn free(&mut self, p: *mut u8, size: usize) {
        if size > SMALL_MAX {
            // SAFETY: allocated by the system allocator with this layout (`alloc`).
            unsafe { alloc::dealloc(p, large_layout(size).expect("layout it was allocated with")) };
            return;
        }
        let class = (size - 1) / GRANULE;
        let b = p as *mut FreeBlock;
        // SAFETY: the block is at least 16 bytes and ours again.
        unsafe { (*b).next = self.free[class] };
        self.free[class] = b;
    }
}

impl Drop for Blocks {
    fn drop(&mut self) {
        for &c in &self.chunks {
            // SAFETY: allocated in `alloc` with this layout, freed once.
            unsafe { alloc::dealloc(c, chunk_layout()) };
        }
    }
}

/// Bytes accounted for the object `obj`.
///
/// # Safety
/// `obj` must be a live object.
unsafe fn object_size(obj: *mut ObjHeader) -> usize {
    // SAFETY: the kind tells the concrete type of a live object.
    unsafe {
        match (*obj).kind {
            ObjKind::String => string_size((*(obj as *const StrObj)).bytes.as_ref().len()),
            ObjKind::Array => array_size((*(obj as *const ArrayObj)).data.as_ref().len()),
            ObjKind::Closure => CLOSURE_SIZE,
            ObjKind::Env => env_size((*(obj as *const EnvObj)).nslots as usize),
            ObjKind::Instance => instance_size((*(obj as *const InstObj)).nfields as usize),
            ObjKind::Frame => {
                let f = &*(obj as *const FrameObj);
                frame_size(f.regs.len(), f.labels.len())
            }
            ObjKind::Cont => cont_size((*(obj as *const ContObj)).temps.as_ref().len()),
            ObjKind::Label => LABEL_SIZE,
        }
    }
}

impl Heap {
    /// A heap that refuses to grow beyond `limit` bytes.
    pub fn new(limit: usize) -> Heap {
        Heap {
            head: ptr::null_mut(),
            bytes: 0,
            count: 0,
            limit,
            threshold: MIN_GC_BYTES.min(limit),
            stress: false,
            env_ref_slots: Vec::new(),
            class_ref_fields: Vec::new(),
            func_ref_regs: Vec::new(),
            mark_stack: Vec::new(),
            stats: GcStats::default(),
            blocks: Blocks::new(),
        }
    }

    /// Stress mode: [`Heap::should_collect`] is always true (and, in debug builds, every
    /// collection checks that each reference it traces points to an object of the heap).
    pub fn set_stress(&mut self, on: bool) {
        self.stress = on;
        self.threshold = if on { 0 } else { MIN_GC_BYTES.min(self.limit) };
    }

    /// What to trace in environments and objects: the Ref slots of each layout and the Ref
    /// fields of each class. Must be set before objects of these layouts/classes exist.
    pub fn set_type_info(&mut self, layouts: &[EnvLayout], classes: &[ClassDesc]) {
        let refs = |kinds: &[RegKind]| -> Box<[u32]> {
            kinds.iter().enumerate().filter(|(_, k)| **k == RegKind::Ref).map(|(i, _)| i as u32).collect()
        };
        self.env_ref_slots = layouts.iter().map(|l| refs(&l.slots)).collect();
        self.class_ref_fields = classes.iter().map(|c| refs(&c.fields)).collect();
    }

    /// What to trace in heap activations and continuations: the Ref registers of each
    /// function (in increasing order, all below its register count).
    pub fn set_function_info(&mut self, ref_regs: Vec<Box<[u16]>>) {
        self.func_ref_regs = ref_regs;
    }

    /// Bytes currently allocated (object structs plus their payloads, garbage included).
    pub fn bytes_allocated(&self) -> usize {
        self.bytes
    }

    /// Number of objects in the heap (garbage included).
    pub fn object_count(&self) -> usize {
        self.count
    }

    /// Statistics.
    pub fn stats(&self) -> GcStats {
        GcStats {
            heap_bytes: self.bytes,
            heap_objects: self.count,
            peak_heap_bytes: self.stats.peak_heap_bytes.max(self.bytes),
            threshold: self.threshold,
            ..self.stats
        }
    }

    /// Whether an allocation of `size` bytes should be preceded by a collection.
    #[inline(always)]
    pub fn should_collect(&self, size: usize) -> bool {
        size > self.threshold.saturating_sub(self.bytes)
    }

    fn reserve(&mut self, size: usize) -> Result<(), OutOfMemory> {
        match self.bytes.checked_add(size) {
            Some(n) if n <= self.limit => {
                self.bytes = n;
                self.stats.bytes_allocated_total += size as u64;
                self.stats.objects_allocated_total += 1;
                Ok(())
            }
            _ => Err(OutOfMemory),
        }
    }

    fn unreserve(&mut self, size: usize) {
        self.bytes -= size;
        self.stats.bytes_allocated_total -= size as u64;
        self.stats.objects_allocated_total -= 1;
    }

    #[inline]
    fn link(&mut self, h: *mut ObjHeader) {
        // SAFETY: every pointer passed here is a freshly allocated #[repr(C)] object struct
        // whose first field is an initialized ObjHeader, exclusively owned by the heap.
        unsafe { (*h).next = self.head };
        self.head = h;
        self.count += 1;
    }

    /// Moves `obj` (an object struct, `size_of::<T>()` bytes) into a block of its own and
    /// links it; on failure gives the reservation of `reserved` bytes back.
    fn link_new<T>(&mut self, obj: T, reserved: usize) -> Result<*mut T, OutOfMemory> {
        const { assert!(align_of::<T>() <= GRANULE) };
        let p = self.blocks.alloc(size_of::<T>()) as *mut T;
        if p.is_null() {
            self.unreserve(reserved);
            return Err(OutOfMemory);
        }
        // SAFETY: a fresh block of `size_of::<T>()` bytes, suitably aligned.
        unsafe { p.write(obj) };
        self.link(p as *mut ObjHeader);
        Ok(p)
    }

    /// Allocate a string holding `bytes`.
    pub fn alloc_string(&mut self, bytes: Vec<u8>) -> Result<*mut StrObj, OutOfMemory> {
        let size = string_size(bytes.len());
        self.reserve(size)?;
        self.link_new(StrObj { header: header(ObjKind::String), bytes: bytes.into_boxed_slice() }, size)
    }

    /// Allocate a zero-filled array of `len` elements. The payload comes from a fallible,
    /// lazily zeroed allocation: a length the system cannot provide is [`OutOfMemory`].
    pub fn alloc_array(&mut self, elem: ElemKind, len: usize) -> Result<*mut ArrayObj, OutOfMemory> {
        let size = array_size(len);
        let layout = Layout::array::<u64>(len).map_err(|_| OutOfMemory)?;
        self.reserve(size)?;
        let data: Box<[u64]> = if len == 0 {
            Box::new([])
        } else {
            // SAFETY: `layout` has a non-zero size.
            let p = unsafe { alloc::alloc_zeroed(layout) } as *mut u64;
            if p.is_null() {
                self.unreserve(size);
                return Err(OutOfMemory);
            }
            // SAFETY: `p` is a zeroed allocation of the global allocator with the layout of
            // `[u64; len]`, which is what Box<[u64]> frees.
            unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(p, len)) }
        };
        self.link_new(ArrayObj { header: header(ObjKind::Array), elem, data }, size)
    }

    /// Allocate a closure.
    pub fn alloc_closure(&mut self, func: FuncId, env: u64) -> Result<*mut ClosureObj, OutOfMemory> {
        self.reserve(CLOSURE_SIZE)?;
        self.link_new(ClosureObj { header: header(ObjKind::Closure), func, env }, CLOSURE_SIZE)
    }

    /// Allocate an environment with `nslots` zeroed slots. One allocation holds the header
    /// and the slots.
    pub fn alloc_env(&mut self, layout: LayoutId, parent: u64, nslots: usize) -> Result<*mut EnvObj, OutOfMemory> {
        if nslots > u32::MAX as usize {
            return Err(OutOfMemory);
        }
        let size = env_size(nslots);
        self.reserve(size)?;
        let p = self.blocks.alloc(size) as *mut EnvObj;
        if p.is_null() {
            self.unreserve(size);
            return Err(OutOfMemory);
        }
        // SAFETY: `p` is a fresh, zeroed, suitably aligned block of `size` bytes.
        unsafe { p.write(EnvObj { header: header(ObjKind::Env), layout, nslots: nslots as u32, parent }) };
        self.link(p as *mut ObjHeader);
        Ok(p)
    }

    /// Allocate an object of class `class` with `nfields` zeroed fields and environment
    /// `env`. One allocation holds the header and the fields.
    pub fn alloc_instance(&mut self, class: ClassIdx, nfields: usize, env: u64) -> Result<*mut InstObj, OutOfMemory> {
        if nfields > u32::MAX as usize {
            return Err(OutOfMemory);
        }
        let size = instance_size(nfields);
        self.reserve(size)?;
        let p = self.blocks.alloc(size) as *mut InstObj;
        if p.is_null() {
            self.unreserve(size);
            return Err(OutOfMemory);
        }
        // SAFETY: `p` is a fresh, zeroed, suitably aligned block of `size` bytes; the
        // fields after the struct are already zero.
        unsafe {
            p.write(InstObj { header: header(ObjKind::Instance), class: class.0 as u32, nfields: nfields as u32, env });
        }
        self.link(p as *mut ObjHeader);
        Ok(p)
    }

    /// Allocate a heap activation of `func` with registers `regs`, `nlabels` label slots
    /// (null) and no continuation yet.
    pub fn alloc_frame(
        &mut self,
        func: FuncId,
        env: u64,
        regs: Vec<u64>,
        nlabels: usize,
    ) -> Result<*mut FrameObj, OutOfMemory> {
        let size = frame_size(regs.len(), nlabels);
        self.reserve(size)?;
        let obj = FrameObj {
            header: header(ObjKind::Frame),
            func,
            index: 0,
            env,
            cont: 0,
            regs: regs.into_boxed_slice(),
            labels: vec![0; nlabels].into_boxed_slice(),
        };
        self.link_new(obj, size)
    }

    /// Allocate a continuation: the pending call of `frame` at `pc`, whose temporaries are
    /// `temps` (one slot per register of the frame's function).
    pub fn alloc_cont(
        &mut self,
        frame: u64,
        pc: u32,
        ret_dst: u16,
        temps: Vec<u64>,
    ) -> Result<*mut ContObj, OutOfMemory> {
        let size = cont_size(temps.len());
        self.reserve(size)?;
        self.link_new(ContObj { header: header(ObjKind::Cont), frame, pc, ret_dst, temps: temps.into() }, size)
    }

    /// Allocate a label value.
    pub fn alloc_label(&mut self, frame: u64, pc: u32, name: u64) -> Result<*mut LabelObj, OutOfMemory> {
        self.reserve(LABEL_SIZE)?;
        self.link_new(LabelObj { header: header(ObjKind::Label), frame, pc, name }, LABEL_SIZE)
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

    /// Call `f` with every reference slot of `obj` (null ones included).
    ///
    /// # Safety
    /// `obj` must be a live object of this heap, whose layout or class is known to
    /// [`Heap::set_type_info`].
    #[inline]
    unsafe fn for_each_ref(&self, obj: *mut ObjHeader, mut f: impl FnMut(u64)) {
        // SAFETY: the caller guarantees `obj` is live; its kind tells its concrete type.
        unsafe {
            match (*obj).kind {
                ObjKind::String => {}
                ObjKind::Array => {
                    let a = &*(obj as *const ArrayObj);
                    if a.elem == ElemKind::Ref {
                        a.data.iter().for_each(|&v| f(v));
                    }
                }
                ObjKind::Closure => f((*(obj as *const ClosureObj)).env),
                ObjKind::Env => {
                    let e = &mut *(obj as *mut EnvObj);
                    f(e.parent);
                    let layout = e.layout.0 as usize;
                    let slots = e.slots();
                    for &i in self.env_ref_slots[layout].iter() {
                        f(*slots.get_unchecked(i as usize));
                    }
                }
                ObjKind::Instance => {
                    let o = &mut *(obj as *mut InstObj);
                    f(o.env);
                    let class = o.class as usize;
                    let fields = o.fields();
                    for &i in self.class_ref_fields[class].iter() {
                        f(*fields.get_unchecked(i as usize));
                    }
                }
                ObjKind::Frame => {
                    let fr = &*(obj as *const FrameObj);
                    f(fr.env);
                    f(fr.cont);
                    fr.labels.iter().for_each(|&v| f(v));
                    for &r in self.func_ref_regs[fr.func.0 as usize].iter() {
                        f(*fr.regs.get_unchecked(r as usize));
                    }
                }
                ObjKind::Cont => {
                    let c = &*(obj as *const ContObj);
                    f(c.frame);
                    let func = (*(c.frame as *const FrameObj)).func;
                    for &r in self.func_ref_regs[func.0 as usize].iter() {
                        f(*c.temps.get_unchecked(r as usize));
                    }
                }
                ObjKind::Label => {
                    let l = &*(obj as *const LabelObj);
                    f(l.frame);
                    f(l.name);
                }
            }
        }
    }

    /// Call `f` with every non-null reference held by `obj`.
    ///
    /// # Safety
    /// `obj` must be a live object of this heap, whose layout or class is known to
    /// [`Heap::set_type_info`].
    pub unsafe fn trace_object(&self, obj: *mut ObjHeader, f: &mut impl FnMut(*mut ObjHeader)) {
        // SAFETY: forwarded contract.
        unsafe {
            self.for_each_ref(obj, |v| {
                if v != 0 {
                    f(v as *mut ObjHeader)
                }
            })
        }
    }

    /// A full collection. `roots` must mark ([`Marker::mark`]) every root; then everything
    /// reachable from them is marked and every other object is freed.
    ///
    /// # Safety
    /// Every object reachable from the roots must be a live object of this heap (true of a
    /// VM that keeps its invariants); the unreachable ones must not be used afterwards.
    pub unsafe fn collect(&mut self, roots: impl FnOnce(&mut Marker)) {
        let t0 = Instant::now();
        self.stats.peak_heap_bytes = self.stats.peak_heap_bytes.max(self.bytes);
        let all: Option<HashSet<usize>> =
            (self.stress && cfg!(debug_assertions)).then(|| self.objects().map(|p| p as usize).collect());
        let mut stack = std::mem::take(&mut self.mark_stack);
        {
            let mut m = Marker { stack: &mut stack, check: all.as_ref() };
            roots(&mut m);
            while let Some(obj) = m.stack.pop() {
                // SAFETY: only live objects are pushed (Marker::mark's contract), and the
                // references they hold are live (the VM's invariant).
                unsafe { self.for_each_ref(obj, |v| m.mark(v)) };
            }
        }
        if stack.capacity() > 1 << 16 {
            stack = Vec::new();
        }
        self.mark_stack = stack;
        let t1 = Instant::now();
        // SAFETY: marking is complete; unmarked objects are unreachable.
        unsafe { self.sweep() };
        let t2 = Instant::now();
        self.stats.collections += 1;
        self.stats.mark_time += t1 - t0;
        self.stats.sweep_time += t2 - t1;
        self.stats.live_bytes = self.bytes;
        self.stats.live_objects = self.count;
        self.threshold =
            if self.stress { 0 } else { self.bytes.saturating_add(self.bytes.max(MIN_GC_BYTES)).min(self.limit) };
    }

    /// Free every unmarked object, clear the marks of the others, recount the bytes.
    ///
    /// # Safety
    /// Unmarked objects must be unreachable.
    unsafe fn sweep(&mut self) {
        let mut prev: *mut *mut ObjHeader = &mut self.head;
        let mut p = self.head;
        let (mut bytes, mut count, mut freed) = (0usize, 0usize, 0u64);
        // SAFETY: the list holds live objects; each unmarked one is unlinked before it is
        // freed, exactly once.
        unsafe {
            while !p.is_null() {
                let next = (*p).next;
                if (*p).marked {
                    (*p).marked = false;
                    bytes += object_size(p);
                    count += 1;
                    prev = &mut (*p).next;
                } else {
                    *prev = next;
                    self.free(p);
                    freed += 1;
                }
                p = next;
            }
        }
        self.bytes = bytes;
        self.count = count;
        self.stats.objects_freed_total += freed;
    }

    /// Free one object.
    ///
    /// # Safety
    /// `obj` must be an object allocated by this heap and not freed yet, and unlinked or
    /// about to be forgotten by the list.
    unsafe fn free(&mut self, obj: *mut ObjHeader) {
        // SAFETY: `obj` is a block holding the struct its kind names (`link_new`), or an
        // object or environment with its inline slots (`alloc_instance`, `alloc_env`); the
        // struct's own payloads are dropped before the block goes back.
        unsafe {
            let size = match (*obj).kind {
                ObjKind::String => drop_struct(obj as *mut StrObj),
                ObjKind::Array => drop_struct(obj as *mut ArrayObj),
                ObjKind::Closure => drop_struct(obj as *mut ClosureObj),
                ObjKind::Frame => drop_struct(obj as *mut FrameObj),
                ObjKind::Cont => drop_struct(obj as *mut ContObj),
                ObjKind::Label => drop_struct(obj as *mut LabelObj),
                ObjKind::Env => env_size((*(obj as *const EnvObj)).nslots as usize),
                ObjKind::Instance => instance_size((*(obj as *const InstObj)).nfields as usize),
            };
            self.blocks.free(obj as *mut u8, size);
        }
    }
}

/// Drops the payloads of the struct at `p` in place; returns the struct's size.
///
/// # Safety
/// `p` must point to a live `T`, not used afterwards.
unsafe fn drop_struct<T>(p: *mut T) -> usize {
    // SAFETY: forwarded contract.
    unsafe { ptr::drop_in_place(p) };
    size_of::<T>()
}

impl Drop for Heap {
    fn drop(&mut self) {
        let mut p = self.head;
        while !p.is_null() {
            // SAFETY: `p` is a live object of this heap; read `next` before freeing it, and
            // each object is freed exactly once.
            unsafe {
                let next = (*p).next;
                self.free(p);
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

/// The object behind a reference.
///
/// # Safety
/// `v` must be a non-null reference to a live object (class instance), which outlives `'a`
/// and is not otherwise borrowed mutably.
pub unsafe fn instance<'a>(v: u64) -> &'a mut InstObj {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *(v as *mut InstObj) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(fields: Vec<RegKind>) -> ClassDesc {
        ClassDesc { name: "C".into(), parent: None, fields, vtable: vec![] }
    }

    #[test]
    fn alloc_trace_and_free() {
        let layouts = vec![EnvLayout { slots: vec![RegKind::Value, RegKind::Ref] }];
        let classes = vec![class(vec![RegKind::Ref, RegKind::Value, RegKind::Ref])];
        let mut h = Heap::new(1 << 20);
        h.set_type_info(&layouts, &classes);
        let s = h.alloc_string(b"abc".to_vec()).unwrap() as u64;
        let a = h.alloc_array(ElemKind::Ref, 3).unwrap();
        // SAFETY: `a` was just allocated.
        unsafe { (*a).data[1] = s };
        let e = h.alloc_env(LayoutId(0), 0, 2).unwrap();
        // SAFETY: `e` was just allocated.
        unsafe { (*e).slots()[1] = a as u64 };
        let c = h.alloc_closure(FuncId(0), e as u64).unwrap();
        let o = h.alloc_instance(ClassIdx(0), 3, e as u64).unwrap();
        // SAFETY: `o` was just allocated with 3 fields.
        unsafe {
            assert_eq!((*o).fields(), &[0, 0, 0]);
            (*o).fields().copy_from_slice(&[c as u64, 12345, s]);
        }
        assert_eq!(h.object_count(), 5);
        assert_eq!(h.objects().count(), 5);
        assert_eq!(h.bytes_allocated(), string_size(3) + array_size(3) + env_size(2) + CLOSURE_SIZE + instance_size(3));
        assert_eq!(instance_size(3), 56);
        let mut seen = vec![];
        // SAFETY: all objects are live.
        unsafe {
            h.trace_object(c as *mut ObjHeader, &mut |p| seen.push(p as u64));
            h.trace_object(e as *mut ObjHeader, &mut |p| seen.push(p as u64));
            h.trace_object(a as *mut ObjHeader, &mut |p| seen.push(p as u64));
            h.trace_object(o as *mut ObjHeader, &mut |p| seen.push(p as u64));
        }
        assert_eq!(seen, vec![e as u64, a as u64, s, e as u64, c as u64, s]);
        // Rooting only the closure keeps it, its env, the array and the string.
        // SAFETY: `c` is live.
        unsafe { h.collect(|m| m.mark(c as u64)) };
        assert_eq!(h.object_count(), 4);
        assert_eq!(h.bytes_allocated(), string_size(3) + array_size(3) + env_size(2) + CLOSURE_SIZE);
        // SAFETY: nothing is used after.
        unsafe { h.collect(|_| {}) };
        let st = h.stats();
        assert_eq!((st.collections, st.heap_objects, st.objects_allocated_total, st.objects_freed_total), (2, 0, 5, 5));
        assert_eq!(st.heap_bytes, 0);
        assert_eq!(st.threshold, MIN_GC_BYTES.min(1 << 20));
    }

    #[test]
    fn limit_is_enforced() {
        let mut h = Heap::new(1000);
        assert_eq!(h.alloc_array(ElemKind::I32, 1 << 40).unwrap_err(), OutOfMemory);
        assert_eq!(h.alloc_array(ElemKind::I32, usize::MAX).unwrap_err(), OutOfMemory);
        assert!(h.alloc_array(ElemKind::I32, 10).is_ok());
        let mut h = Heap::new(usize::MAX);
        assert_eq!(h.alloc_array(ElemKind::I32, usize::MAX / 4).unwrap_err(), OutOfMemory);
        // 128 TiB: more than a 47-bit address space, so the system allocator refuses it.
        assert_eq!(h.alloc_array(ElemKind::I32, 1 << 44).unwrap_err(), OutOfMemory);
        assert_eq!(h.object_count(), 0);
        assert_eq!(h.stats().bytes_allocated_total, 0);
    }
}
