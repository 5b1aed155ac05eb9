//! The interpreter: one dispatch loop over an explicit frame stack and one register stack.
//!
//! No Rust recursion per Oort call: frames are plain [`Frame`] records in a `Vec` (reserved
//! up to the stack limit when a run starts, so pushing one never reallocates), registers
//! live in one contiguous `Vec<u64>` allocated once (lazily zeroed memory) with room for
//! `max_stack / 8` slots, so its address never changes. A call pushes a frame whose
//! registers start inside the caller's window (see [`crate::bytecode`] module docs).
//!
//! # Garbage collection
//! The heap ([`crate::heap`]) collects when an allocation would pass its threshold; the
//! interpreter asks before every allocation ([`Heap::should_collect`]) and, if so, hands the
//! roots to [`Heap::collect`] (`collect_garbage`). The roots, precisely:
//! - in every frame, the registers of Ref kind (`Function::reg_kinds`): for the running (top)
//!   frame all of `[base, base + nregs)`; for a suspended frame those below the base of the
//!   frame it called (the callee's window, from its `base`, belongs to the callee and is
//!   scanned with the callee's kinds; the callee slot `r(base)` is below it and is scanned);
//! - every frame's closure environment ([`Frame::env`]);
//! - the interned string constants and the `args ()` strings, which the VM keeps for its
//!   whole life.
//!
//! Invariants that make this precise and safe: on a call the callee's non-parameter Ref
//! registers are set to null, and on return so are the caller's Ref registers from the
//! callee's base to the end of the caller's frame, so a Ref register always holds null or a
//! reference to a live object. Scalar registers are not cleared: the code generator writes
//! every register before reading it (a variable without initializer gets its default
//! value explicitly), so stale scalars are never observed. Every allocation site reads its inputs from registers (or VM-held
//! roots) and allocates exactly one object, storing it into its `dst` register right away,
//! so no object is ever held only by host (Rust) variables across an allocation: no
//! temporary root stack is needed. (`args ()` allocates only its array: the strings exist
//! from load time.) Objects never move, so raw pointers read before an allocation remain
//! valid after it as long as the object is reachable from a root.

use std::io::Write;
use std::ptr;
use std::time::Instant;

use crate::bytecode::*;
use crate::disasm::quote_bytes;
use crate::format::write_scalar;
use crate::heap::{
    self, ArrayObj, ClosureObj, ContObj, EnvObj, FrameObj, GcStats, Heap, InstObj, LabelObj, Marker, ObjKind,
    OutOfMemory,
};
use crate::verify::{VerifyError, verify};

/// VM limits, garbage-collector settings and the instruction counter.
#[derive(Clone, Debug)]
pub struct VmOptions {
    /// Bytes of VM stack (registers plus frame records); default 256 MiB.
    pub max_stack: usize,
    /// Cap on the heap's bytes (live data, after a full collection); an allocation that
    /// would exceed it is the runtime error "out of memory". Default 4 GiB.
    pub max_heap: usize,
    /// Collect at every allocation (to test the collector; in debug builds each collection
    /// also checks every reference it traces). Default off.
    pub gc_stress: bool,
    /// Count every bytecode instruction the interpreter dispatches ([`Vm::instructions_executed`]).
    /// Default off. Free when off: the dispatch loop is compiled twice, with and without
    /// the counter, and [`Vm::run`] picks one at entry.
    pub count_instructions: bool,
    /// The most instructions one run may dispatch: the next dispatch is instead the
    /// runtime error "instruction limit exceeded" (at that instruction). Default `None`,
    /// no limit. For running untrusted programs (the fuzzer); a limit runs the counting
    /// instance of the dispatch loop, so it also counts ([`Vm::instructions_executed`]).
    pub max_instructions: Option<u64>,
}

impl Default for VmOptions {
    fn default() -> Self {
        VmOptions {
            max_stack: 256 << 20,
            max_heap: 4 << 30,
            gc_stress: false,
            count_instructions: false,
            max_instructions: None,
        }
    }
}

/// A runtime error (LANGUAGE.md §10): message and source position of the failing
/// instruction (`0, 0` when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeError {
    pub message: String,
    pub line: u32,
    pub col: u32,
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "runtime error at {}:{}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for RuntimeError {}

/// Why a program could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The verifier rejected the bytecode.
    Verify(Vec<VerifyError>),
    /// The string constants do not fit in the heap.
    OutOfMemory,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Verify(errs) => {
                writeln!(f, "invalid bytecode:")?;
                for e in errs {
                    writeln!(f, "  {e}")?;
                }
                Ok(())
            }
            LoadError::OutOfMemory => write!(f, "out of memory while loading the program"),
        }
    }
}

impl std::error::Error for LoadError {}

/// One activation record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Function index.
    pub func: u32,
    /// For suspended frames: the pc to resume at (after the pending call).
    pub pc: u32,
    /// Index of this frame's `r0` in the register stack (frames on the register stack).
    pub base: u32,
    /// Caller register that receives the return value.
    pub ret_dst: u16,
    /// Whether the frame runs in a heap activation: then `env` is that [`FrameObj`] (which
    /// holds the closure environment). Heap frames always form a prefix of the frame stack.
    pub heap: bool,
    /// The running closure's environment (null for none), or the heap activation: a GC
    /// root either way.
    pub env: u64,
}

impl Frame {
    /// The record of heap activation `act` running (again) from `pc`, as the bottom
    /// frame (its `ret_dst` is unused: it returns through its continuation).
    ///
    /// # Safety
    /// `act` must be a live [`FrameObj`].
    unsafe fn resuming(act: *mut FrameObj, pc: u32) -> Frame {
        // SAFETY: guaranteed by the caller.
        let func = unsafe { (*act).func.0 as u32 };
        Frame { func, pc, base: 0, ret_dst: 0, heap: true, env: act as u64 }
    }
}

const FRAME_BYTES: usize = size_of::<Frame>();

/// Load-time facts about a class.
#[derive(Debug)]
struct ClassRt {
    nfields: usize,
    /// Depth in the hierarchy (0 for a root class).
    depth: usize,
    /// The class's ancestors from the root down to itself (`ancestors[depth]` is the class):
    /// `c` is a subclass of `t` iff `c.ancestors[t.depth] == t`, in O(1).
    ancestors: Box<[u16]>,
}

/// What the VM keeps besides the program: the GC roots that are not in frames and the
/// tables the interpreter and the collector use.
#[derive(Debug)]
struct Loaded {
    /// Per function, the slot value of each constant (interned strings resolved).
    consts: Vec<Vec<u64>>,
    /// Every interned string constant, once (GC roots).
    interned: Vec<u64>,
    /// The `args ()` strings (GC roots).
    arg_strings: Vec<u64>,
    /// The 256 one-byte strings, by byte, then the empty string: what `chr` returns, and
    /// `substring` for lengths 0 and 1 (strings are immutable, so sharing them is
    /// invisible but for `identity_hash`; Json's parser takes a one-byte substring per
    /// character read).
    small_strings: Vec<u64>,
    /// Per function, its Ref registers in increasing order (for scanning frames).
    ref_regs: Vec<Box<[u16]>>,
    /// Per function, its temporaries: the registers not in [`Function::shared`].
    temp_regs: Vec<Box<[u16]>>,
    /// Per function, the name of each label (strings, GC roots).
    label_names: Vec<Box<[u64]>>,
    classes: Vec<ClassRt>,
}

/// The virtual machine: a loaded program, its heap and its stacks.
pub struct Vm {
    program: Program,
    heap: Heap,
    regs: Vec<u64>,
    frames: Vec<Frame>,
    loaded: Loaded,
    options: VmOptions,
    start: Instant,
    /// Instructions dispatched by all runs so far (with [`VmOptions::count_instructions`]
    /// or [`VmOptions::max_instructions`]).
    executed: u64,
}

impl std::fmt::Debug for Vm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vm").field("frames", &self.frames.len()).field("heap", &self.heap).finish()
    }
}

#[inline(always)]
fn ri32(v: u64) -> i32 {
    v as u32 as i32
}
#[inline(always)]
fn wi32(x: i32) -> u64 {
    x as i64 as u64
}
#[inline(always)]
fn ru32(v: u64) -> u32 {
    v as u32
}
#[inline(always)]
fn wu32(x: u32) -> u64 {
    x as u64
}
#[inline(always)]
fn ri64(v: u64) -> i64 {
    v as i64
}
#[inline(always)]
fn wi64(x: i64) -> u64 {
    x as u64
}
#[inline(always)]
fn ru64(v: u64) -> u64 {
    v
}
#[inline(always)]
fn wu64(x: u64) -> u64 {
    x
}
#[inline(always)]
fn rf64(v: u64) -> f64 {
    f64::from_bits(v)
}
#[inline(always)]
fn wf64(x: f64) -> u64 {
    x.to_bits()
}
#[inline(always)]
fn wbool(b: bool) -> u64 {
    b as u64
}

/// `parse_int`: optional sign, then one or more decimal digits, fitting in int64.
pub fn parse_int(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = (d - b'0') as i64;
        v = v.checked_mul(10)?;
        v = if neg { v.checked_sub(d)? } else { v.checked_add(d)? };
    }
    Some(v)
}

/// Append `<ClassName>` for an object.
///
/// # Safety
/// `v` must be a reference to a live object (class instance) of a class in `classes`.
unsafe fn write_instance(out: &mut Vec<u8>, v: u64, classes: &[ClassDesc]) {
    // SAFETY: guaranteed by the caller.
    let c = unsafe { (*(v as *const InstObj)).class } as usize;
    out.push(b'<');
    out.extend_from_slice(classes[c].name.as_bytes());
    out.push(b'>');
}

/// Append `<label name>` for a label value.
///
/// # Safety
/// `v` must be a reference to a live label value.
unsafe fn write_label(out: &mut Vec<u8>, v: u64) {
    // SAFETY: guaranteed by the caller; a label's name is a live string.
    let name = unsafe { heap::str_bytes((*(v as *const LabelObj)).name) };
    out.extend_from_slice(b"<label ");
    out.extend_from_slice(name);
    out.push(b'>');
}

/// Name of the dynamic class of a reference, for failed-cast messages: the class of an
/// object, else `null`, `string`, `array[int32]` (and the other arrays of scalars),
/// `array` (an array of references), `fn`, `label`.
///
/// # Safety
/// `v` must be null or a reference to a live object.
unsafe fn dynamic_class_name(v: u64, classes: &[ClassDesc]) -> &str {
    if v == 0 {
        return "null";
    }
    // SAFETY: guaranteed by the caller.
    unsafe {
        match heap::kind_of(v) {
            ObjKind::Instance => &classes[(*(v as *const InstObj)).class as usize].name,
            ObjKind::String => "string",
            ObjKind::Array => (*(v as *const ArrayObj)).elem.array_type_name(),
            ObjKind::Closure => "fn",
            ObjKind::Env => "env",
            ObjKind::Label => "label",
            ObjKind::Frame => "frame",
            ObjKind::Cont => "continuation",
        }
    }
}

/// Whether the reference `v` passes the kind test `kind` (never null).
///
/// # Safety
/// `v` must be null or a reference to a live object.
unsafe fn passes_kind(v: u64, kind: KindTest) -> bool {
    if v == 0 {
        return false;
    }
    // SAFETY: guaranteed by the caller; the header says which struct `v` points to.
    unsafe {
        match kind {
            KindTest::NonNull => true,
            KindTest::String => heap::kind_of(v) == ObjKind::String,
            KindTest::Label => heap::kind_of(v) == ObjKind::Label,
            KindTest::Array(e) => heap::kind_of(v) == ObjKind::Array && (*(v as *const ArrayObj)).elem == e,
        }
    }
}

/// Append the print form of a reference (dynamic kind; `null` for 0; objects as
/// `<ClassName>`, with the names from `classes`). Arrays are printed iteratively (no host
/// recursion); an array nested in itself prints as `[...]`.
///
/// # Safety
/// `v` must be null or a reference to a live object, and so must every reference reachable
/// from it; objects must be of classes in `classes`.
pub unsafe fn write_ref(out: &mut Vec<u8>, v: u64, classes: &[ClassDesc]) {
    if v == 0 {
        out.extend_from_slice(b"null");
        return;
    }
    // SAFETY: `v` and everything reachable from it are live objects (caller's contract).
    unsafe {
        match heap::kind_of(v) {
            ObjKind::String => out.extend_from_slice(heap::str_bytes(v)),
            ObjKind::Closure => out.extend_from_slice(b"<fn>"),
            ObjKind::Env => out.extend_from_slice(b"<env>"),
            ObjKind::Frame => out.extend_from_slice(b"<frame>"),
            ObjKind::Cont => out.extend_from_slice(b"<continuation>"),
            ObjKind::Label => write_label(out, v),
            ObjKind::Instance => write_instance(out, v, classes),
            ObjKind::Array => {
                let mut stack: Vec<(u64, usize)> = vec![(v, 0)];
                out.push(b'[');
                while let Some(&(a, i)) = stack.last() {
                    let arr = &*(a as *const ArrayObj);
                    if i >= arr.data.len() {
                        out.push(b']');
                        stack.pop();
                        continue;
                    }
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if i > 0 {
                        out.extend_from_slice(b", ");
                    }
                    let e = arr.data[i];
                    if arr.elem != ElemKind::Ref {
                        write_scalar(out, arr.elem, e);
                    } else if e == 0 {
                        out.extend_from_slice(b"null");
                    } else {
                        match heap::kind_of(e) {
                            ObjKind::String => {
                                out.push(b'"');
                                out.extend_from_slice(heap::str_bytes(e));
                                out.push(b'"');
                            }
                            ObjKind::Array if stack.iter().any(|&(p, _)| p == e) => out.extend_from_slice(b"[...]"),
                            ObjKind::Array => {
                                out.push(b'[');
                                stack.push((e, 0));
                            }
                            ObjKind::Closure => out.extend_from_slice(b"<fn>"),
                            ObjKind::Env => out.extend_from_slice(b"<env>"),
                            ObjKind::Frame => out.extend_from_slice(b"<frame>"),
                            ObjKind::Cont => out.extend_from_slice(b"<continuation>"),
                            ObjKind::Label => write_label(out, e),
                            ObjKind::Instance => write_instance(out, e, classes),
                        }
                    }
                }
            }
        }
    }
}

/// Set to null the Ref registers `refs` (a function's, in increasing order) that are at or
/// above `from`, in the register window starting at `bp`. Scalar registers are left as they
/// are: only references must be valid for the collector, and definite assignment (checked
/// by the front end) keeps a program from reading a scalar it has not written.
///
/// # Safety
/// `bp` must point to a register window with room for every register in `refs`.
#[inline(always)]
unsafe fn clear_refs(bp: *mut u64, refs: &[u16], from: usize) {
    for &r in refs.iter().rev() {
        if (r as usize) < from {
            break;
        }
        // SAFETY: guaranteed by the caller.
        unsafe { *bp.add(r as usize) = 0 };
    }
}

/// `n` zeroed register slots, or `None` if the memory cannot be had. Zeroed allocation: the
/// pages are only touched when used, so a large stack limit costs nothing up front.
fn zeroed_slots(n: usize) -> Option<Vec<u64>> {
    let layout = std::alloc::Layout::array::<u64>(n).ok()?;
    if layout.size() == 0 {
        return Some(Vec::new());
    }
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { std::alloc::alloc_zeroed(layout) } as *mut u64;
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` was allocated by the global allocator with the layout of `[u64; n]`, which
    // is what a `Vec<u64>` of capacity `n` uses, and its `n` elements are initialized (zero).
    Some(unsafe { Vec::from_raw_parts(p, n, n) })
}

/// Mark the VM's roots (see the module docs).
///
/// # Safety
/// `rp` must point to the register stack, `frames` be the VM's frame stack with the top
/// frame's record describing the running function, and the VM invariants hold (every Ref
/// register in the scanned ranges holds null or a live object).
unsafe fn mark_roots(m: &mut Marker, loaded: &Loaded, frames: &[Frame], rp: *const u64, cont: u64) {
    // SAFETY: guaranteed by the caller; the scanned registers are inside each frame's
    // extent, which was checked against the register stack when the frame was pushed.
    unsafe {
        for &v in loaded.interned.iter().chain(&loaded.arg_strings).chain(&loaded.small_strings) {
            m.mark(v);
        }
        for names in &loaded.label_names {
            names.iter().for_each(|&v| m.mark(v));
        }
        m.mark(cont);
        for (i, f) in frames.iter().enumerate() {
            m.mark(f.env);
            if f.heap {
                // A heap activation: the collector traces its registers.
                continue;
            }
            // A frame on the register stack; so is the frame it called, if any (heap
            // frames are a prefix).
            let base = f.base as usize;
            let limit = frames.get(i + 1).map_or(usize::MAX, |callee| callee.base as usize - base);
            for &r in loaded.ref_regs.get_unchecked(f.func as usize).iter() {
                if r as usize >= limit {
                    break;
                }
                m.mark(*rp.add(base + r as usize));
            }
        }
    }
}

/// `MakeLabel`: the value of label `label` of the running activation (the top frame,
/// suspended at its pc), moving the frames to the heap first if it is on the register
/// stack ([`capture`]). Label values are made once per activation and label.
///
/// # Safety
/// As for [`capture`].
#[cold]
#[inline(never)]
unsafe fn label_value(
    heap: &mut Heap,
    program: &Program,
    loaded: &Loaded,
    frames: &mut [Frame],
    rp: *mut u64,
    bottom_cont: u64,
    label: u16,
) -> Result<u64, OutOfMemory> {
    // SAFETY: the top frame is a heap frame after `capture`, so `env` is its FrameObj,
    // which has one label slot per label of its (verified) function.
    unsafe {
        if !frames.last().is_some_and(|f| f.heap) {
            capture(heap, program, loaded, frames, rp, bottom_cont)?;
        }
        let top = *frames.last().unwrap_unchecked();
        let act = top.env as *mut FrameObj;
        let existing = *(*act).labels.as_ref().get_unchecked(label as usize);
        if existing != 0 {
            return Ok(existing);
        }
        if heap.should_collect(heap::LABEL_SIZE) {
            collect_garbage(heap, loaded, frames, rp, bottom_cont);
        }
        let func = program.functions.get_unchecked(top.func as usize);
        let at = func.labels.get_unchecked(label as usize).pc.0;
        let name = *loaded.label_names.get_unchecked(top.func as usize).get_unchecked(label as usize);
        let v = heap.alloc_label(act as u64, at, name)? as u64;
        *(*act).labels.as_mut().get_unchecked_mut(label as usize) = v;
        Ok(v)
    }
}

/// `Goto`: makes the label's activation the top frame, at the label. If the activation is
/// in the frame stack, the frames above it are abandoned; otherwise it is re-entered
/// alone, returning (again) to the continuation it first returned to.
///
/// # Safety
/// `label` must be a live label value (so its activation is a live [`FrameObj`]).
#[cold]
#[inline(never)]
unsafe fn goto_label(loaded: &Loaded, frames: &mut Vec<Frame>, bottom_cont: &mut u64, label: u64) {
    // SAFETY: guaranteed by the caller; `index` is only a hint, checked against the record.
    unsafe {
        let l = &*(label as *const LabelObj);
        let act = l.frame as *mut FrameObj;
        let idx = (*act).index as usize;
        if frames.get(idx).is_some_and(|f| f.heap && f.env == act as u64) {
            for f in &frames[idx..] {
                leave(loaded, f);
            }
            frames.truncate(idx + 1);
            frames.last_mut().unwrap_unchecked().pc = l.pc;
        } else {
            for f in frames.iter() {
                leave(loaded, f);
            }
            frames.clear();
            let f = Frame::resuming(act, l.pc);
            leave(loaded, &f);
            frames.push(f);
            (*act).index = 0;
            *bottom_cont = (*act).cont;
        }
    }
}

/// A frame stops running in its activation (it returns, is abandoned, jumps to a label,
/// or tail-calls). For a heap activation its temporaries are dead from now on: it can
/// only be re-entered at a label (where no temporary is live) or resumed through a
/// continuation (which restores the live ones). They are cleared, so that stale values,
/// typically the label values it jumped through, do not keep old activations alive.
///
/// # Safety
/// For a heap frame, `f.env` must be its live [`FrameObj`].
#[inline]
unsafe fn leave(loaded: &Loaded, f: &Frame) {
    if !f.heap {
        return;
    }
    // SAFETY: guaranteed by the caller; the temporaries are below the function's register
    // count, which is the length of the activation's registers.
    unsafe {
        let act = f.env as *mut FrameObj;
        let regs = (*act).regs.as_mut_ptr();
        for &r in loaded.temp_regs.get_unchecked(f.func as usize).iter() {
            *regs.add(r as usize) = 0;
        }
    }
}

/// Frame-stack underflow: the bottom frame returned `val` to the continuation
/// `*bottom_cont` (non-null). Its activation becomes the only frame again, at the pc after
/// the call, with its temporaries restored from the continuation's snapshot (its
/// variables keep their current values).
///
/// # Safety
/// `*bottom_cont` must be a live [`ContObj`] and `frames` empty.
#[cold]
#[inline(never)]
unsafe fn resume(loaded: &Loaded, frames: &mut Vec<Frame>, bottom_cont: &mut u64, val: Option<u64>) {
    // SAFETY: guaranteed by the caller; a continuation's snapshot and its frame's registers
    // both have the frame's function's register count, which bounds its temporaries.
    unsafe {
        let c = &*(*bottom_cont as *const ContObj);
        let act = c.frame as *mut FrameObj;
        let cidx = (*act).func.0 as usize;
        let regs = (*act).regs.as_mut_ptr();
        for &r in loaded.temp_regs.get_unchecked(cidx).iter() {
            *regs.add(r as usize) = *c.temps.get_unchecked(r as usize);
        }
        if let Some(v) = val {
            *regs.add(c.ret_dst as usize) = v;
        }
        frames.push(Frame::resuming(act, c.pc));
        (*act).index = 0;
        *bottom_cont = (*act).cont;
    }
}

/// A full collection with the VM's roots.
///
/// # Safety
/// As for [`mark_roots`].
#[cold]
#[inline(never)]
unsafe fn collect_garbage(heap: &mut Heap, loaded: &Loaded, frames: &[Frame], rp: *const u64, cont: u64) {
    // SAFETY: forwarded contract; the roots are exactly what the running program can reach.
    unsafe { heap.collect(|m| mark_roots(m, loaded, frames, rp, cont)) }
}

/// Moves every frame on the register stack to the heap, so that the running activation
/// (the top frame) and every activation it may return through can be re-entered (see
/// the module docs). Each moved frame's [`FrameObj::cont`] is the pending call of the
/// frame below it, snapshotted now ([`ContObj`]), or `bottom_cont` for the bottom frame.
///
/// # Safety
/// The VM invariants hold for `frames` and the register stack `rp`, and the top frame's
/// registers are all valid (it is suspended at the instruction that takes the label).
#[cold]
#[inline(never)]
unsafe fn capture(
    heap: &mut Heap,
    program: &Program,
    loaded: &Loaded,
    frames: &mut [Frame],
    rp: *mut u64,
    bottom_cont: u64,
) -> Result<(), OutOfMemory> {
    let mut first = frames.len();
    while first > 0 && !frames[first - 1].heap {
        first -= 1;
    }
    for i in first..frames.len() {
        let f = frames[i];
        let func = &program.functions[f.func as usize];
        let nregs = func.nregs as usize;
        let size = heap::frame_size(nregs, func.labels.len());
        // SAFETY (whole block): frame `i` is on the register stack with `nregs` registers
        // from `base` (checked when it was pushed); its registers from the base of the
        // frame it called belong to that callee and are not copied (they are dead for it
        // until the call returns, and hold the callee's kinds). Frames below `i` are heap
        // frames now, so every GC in between sees consistent roots.
        unsafe {
            let base = f.base as usize;
            let own = frames.get(i + 1).map_or(nregs, |c| (c.base as usize - base).min(nregs));
            let mut regs = vec![0u64; nregs];
            regs[..own].copy_from_slice(std::slice::from_raw_parts(rp.add(base), own));
            if heap.should_collect(size) {
                collect_garbage(heap, loaded, frames, rp, bottom_cont);
            }
            let act = heap.alloc_frame(FuncId(f.func as u16), f.env, regs, func.labels.len())?;
            (*act).index = i as u32;
            frames[i].heap = true;
            frames[i].env = act as u64;
            let cont = if i == 0 {
                bottom_cont
            } else {
                // The caller's temporaries that are live after the call (the rest is
                // zeroed: variables are never restored, and dead values must not keep
                // objects alive).
                let caller = frames[i - 1];
                let cfunc = &program.functions[caller.func as usize];
                let cregs = &(*(caller.env as *const FrameObj)).regs;
                let call_pc = caller.pc.wrapping_sub(1);
                let temps: Vec<u64> = match cfunc.call_live.binary_search_by_key(&call_pc, |c| c.pc) {
                    Ok(k) => {
                        let mut t = vec![0u64; cregs.len()];
                        for r in &cfunc.call_live[k].regs {
                            t[r.0 as usize] = cregs[r.0 as usize];
                        }
                        t
                    }
                    Err(_) => cregs.to_vec(),
                };
                if heap.should_collect(heap::cont_size(temps.len())) {
                    collect_garbage(heap, loaded, frames, rp, bottom_cont);
                }
                heap.alloc_cont(caller.env, caller.pc, f.ret_dst, temps)? as u64
            };
            (*act).cont = cont;
        }
    }
    Ok(())
}

impl Vm {
    /// Verify and load `program`; `args` are what `args ()` returns.
    pub fn new(program: Program, args: Vec<String>, options: VmOptions) -> Result<Vm, LoadError> {
        verify(&program).map_err(LoadError::Verify)?;
        let mut heap = Heap::new(options.max_heap);
        heap.set_type_info(&program.env_layouts, &program.classes);
        let mut interned: std::collections::HashMap<&[u8], u64> = std::collections::HashMap::new();
        let mut consts = Vec::with_capacity(program.functions.len());
        for f in &program.functions {
            let mut vals = Vec::with_capacity(f.consts.len());
            for c in &f.consts {
                vals.push(match c {
                    Const::Int(bits) => *bits,
                    Const::F64(x) => x.to_bits(),
                    Const::Str(s) => match interned.get(&s[..]) {
                        Some(&p) => p,
                        None => {
                            let p = heap.alloc_string(s.to_vec()).map_err(|_| LoadError::OutOfMemory)? as u64;
                            interned.insert(&s[..], p);
                            p
                        }
                    },
                });
            }
            consts.push(vals);
        }
        let mut label_names = Vec::with_capacity(program.functions.len());
        for f in &program.functions {
            let mut names = Vec::with_capacity(f.labels.len());
            for l in &f.labels {
                let s = heap.alloc_string(l.name.clone().into_bytes()).map_err(|_| LoadError::OutOfMemory)?;
                names.push(s as u64);
            }
            label_names.push(names.into_boxed_slice());
        }
        let interned: Vec<u64> = interned.into_values().collect();
        let mut arg_strings = Vec::with_capacity(args.len());
        for a in args {
            arg_strings.push(heap.alloc_string(a.into_bytes()).map_err(|_| LoadError::OutOfMemory)? as u64);
        }
        let mut small_strings = Vec::with_capacity(257);
        for b in (0..=255u8).map(|b| vec![b]).chain([vec![]]) {
            small_strings.push(heap.alloc_string(b).map_err(|_| LoadError::OutOfMemory)? as u64);
        }
        let ref_regs: Vec<Box<[u16]>> = program
            .functions
            .iter()
            .map(|f| (0..f.nregs).filter(|&r| f.reg_kinds[r as usize] == RegKind::Ref).collect())
            .collect();
        heap.set_function_info(ref_regs.clone());
        let temp_regs = program
            .functions
            .iter()
            .map(|f| (0..f.nregs).filter(|&r| f.shared.binary_search(&Reg(r)).is_err()).collect())
            .collect();
        let classes = program
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // The verifier checked that parent chains are acyclic and in range.
                let mut ancestors = vec![i as u16];
                let mut p = c.parent;
                while let Some(pi) = p {
                    ancestors.push(pi.0);
                    p = program.classes[pi.0 as usize].parent;
                }
                ancestors.reverse();
                ClassRt { nfields: c.fields.len(), depth: ancestors.len() - 1, ancestors: ancestors.into() }
            })
            .collect();
        heap.set_stress(options.gc_stress);
        Ok(Vm {
            program,
            heap,
            regs: Vec::new(),
            frames: Vec::new(),
            loaded: Loaded { consts, interned, arg_strings, small_strings, ref_regs, temp_regs, label_names, classes },
            options,
            start: Instant::now(),
            executed: 0,
        })
    }

    /// The options the VM was created with.
    pub fn options(&self) -> &VmOptions {
        &self.options
    }

    /// Garbage-collector statistics.
    pub fn gc_stats(&self) -> GcStats {
        self.heap.stats()
    }

    /// A full collection now. Between runs the roots are the constants and arguments (and,
    /// after a run stopped by a runtime error, the frames it left).
    pub fn collect_garbage(&mut self) {
        let rp = self.regs.as_ptr();
        // SAFETY: the frames (if any) are those of the last run, whose registers keep the
        // VM invariants.
        unsafe { collect_garbage(&mut self.heap, &self.loaded, &self.frames, rp, 0) }
    }

    /// The number of bytecode instructions dispatched by the runs of this VM so far,
    /// counted only with [`VmOptions::count_instructions`] or [`VmOptions::max_instructions`]
    /// (else 0). Every dispatch counts
    /// once, whatever it does: the instruction that fails with a runtime error is counted,
    /// and so are calls, returns and `goto`s; work done outside the dispatch loop (garbage
    /// collection, moving frames to the heap, resuming a continuation) adds nothing.
    pub fn instructions_executed(&self) -> u64 {
        self.executed
    }

    /// The loaded program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The heap.
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// Run the entry function to completion, writing `print` output to `out`. The caller
    /// flushes `out` (also before reporting an error).
    pub fn run(&mut self, out: &mut dyn Write) -> Result<(), RuntimeError> {
        // Two instances of the interpreter: the one without the counter has no trace of it.
        if self.options.count_instructions || self.options.max_instructions.is_some() {
            self.execute::<true>(out)
        } else {
            self.execute::<false>(out)
        }
    }

    /// [`Vm::run`], with (`COUNT`) or without the instruction counter. With it, every
    /// dispatch increments a local counter, added to [`Vm::instructions_executed`] when the
    /// run ends (normally or by a runtime error), and is held to
    /// [`VmOptions::max_instructions`]; without it, the loop is the uncounted one.
    #[inline(never)]
    // `!(a < b)` on doubles is meant: it is true for NaN (`jnlt.f64`).
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn execute<const COUNT: bool>(&mut self, out: &mut dyn Write) -> Result<(), RuntimeError> {
        let nslots = self.options.max_stack / 8;
        let stack_error = || RuntimeError {
            message: format!(
                "out of memory: cannot reserve {} bytes of VM stack (see --max-stack)",
                self.options.max_stack
            ),
            line: 0,
            col: 0,
        };
        if self.regs.len() != nslots {
            self.regs = Vec::new();
            self.regs = zeroed_slots(nslots).ok_or_else(stack_error)?;
        }
        // Room for as many frames as the stack limit allows, so that a call can push its frame
        // without a capacity check (the memory is only touched when used).
        let nframes = self.options.max_stack / FRAME_BYTES + 1;
        self.frames.clear();
        self.frames.try_reserve_exact(nframes).map_err(|_| stack_error())?;
        let Vm { program, heap, regs, frames, loaded, options, start, executed } = self;
        let program: &Program = program;
        let loaded: &Loaded = loaded;
        let consts: &Vec<Vec<u64>> = &loaded.consts;
        let arg_strings: &[u64] = &loaded.arg_strings;
        let classes_rt: &[ClassRt] = &loaded.classes;
        let max_stack = options.max_stack;
        let max_instructions = options.max_instructions.unwrap_or(u64::MAX);
        let rp: *mut u64 = regs.as_mut_ptr();
        let fidx = program.entry.0 as usize;
        let mut func: &Function = &program.functions[fidx];
        let mut kv: &[u64] = &consts[fidx];
        // The running frame: `bp` is its `r0` (in the register stack at index `base`, or in
        // its heap activation when `in_heap`).
        let mut base: usize = 0;
        let mut bp: *mut u64 = rp;
        let mut in_heap = false;
        // Where the bottom frame returns to (0: the program ends); see the module docs.
        let mut bottom_cont: u64 = 0;
        // The next instruction of the running function: `ip` is `func.code[pc]`, kept as a
        // pointer so the dispatch loop needs no code base (see `pc!`).
        let mut ip: *const Instr = func.code.as_ptr();
        let mut buf: Vec<u8> = Vec::new();
        // Dispatches so far in this run (only with `COUNT`); every exit from the loop goes
        // through `finish!`, which adds it to the VM's total.
        let mut count: u64 = 0;

        let entry_regs = func.nregs as usize;
        if entry_regs > nslots || entry_regs * 8 + FRAME_BYTES > max_stack {
            return Err(RuntimeError { message: "stack overflow".into(), line: 0, col: 0 });
        }
        regs[..entry_regs].fill(0);
        frames.clear();
        frames.push(Frame { func: fidx as u32, pc: 0, base: 0, ret_dst: 0, heap: false, env: 0 });

        macro_rules! reg {
            ($r:expr) => {
                *bp.add($r.0 as usize)
            };
        }
        // The index of the next instruction of the running function.
        macro_rules! pc {
            () => {
                ip.offset_from(func.code.as_ptr()) as usize
            };
        }
        // Leaves the run with `result`, adding this run's dispatches to the VM's total.
        macro_rules! finish {
            ($result:expr) => {{
                if COUNT {
                    *executed += count;
                }
                return $result;
            }};
        }
        macro_rules! fail {
            ($($t:tt)*) => {{
                let (line, col) = func.spans.get(pc!() - 1).copied().unwrap_or((0, 0));
                finish!(Err(RuntimeError { message: format!($($t)*), line, col }));
            }};
        }
        macro_rules! alloc {
            ($e:expr) => {
                match $e {
                    Ok(p) => p as u64,
                    Err(_) => fail!("out of memory"),
                }
            };
        }
        // Before every allocation of `size` bytes: collect if the heap says so. The inputs
        // of the allocation must be in registers or VM roots (module docs).
        macro_rules! gc_point {
            ($size:expr) => {
                if heap.should_collect($size) {
                    collect_garbage(heap, loaded, frames, rp, bottom_cont);
                }
            };
        }
        macro_rules! bin {
            ($d:expr, $a:expr, $b:expr, $r:ident, $w:ident, |$x:ident, $y:ident| $e:expr) => {{
                let $x = $r(reg!($a));
                let $y = $r(reg!($b));
                reg!($d) = $w($e);
            }};
        }
        macro_rules! un {
            ($d:expr, $s:expr, $r:ident, $w:ident, |$x:ident| $e:expr) => {{
                let $x = $r(reg!($s));
                reg!($d) = $w($e);
            }};
        }
        macro_rules! shift {
            ($d:expr, $a:expr, $b:expr, $r:ident, $w:ident, $op:ident) => {{
                let x = $r(reg!($a));
                let c = reg!($b) as u32;
                reg!($d) = $w(x.$op(c));
            }};
        }
        macro_rules! nonzero {
            ($y:expr) => {
                if $y == 0 {
                    fail!("division by zero")
                }
            };
        }
        macro_rules! tostr {
            ($d:expr, $s:expr, $k:expr) => {{
                buf.clear();
                write_scalar(&mut buf, $k, reg!($s));
                gc_point!(heap::string_size(buf.len()));
                reg!($d) = alloc!(heap.alloc_string(buf.clone()));
            }};
        }
        macro_rules! nonnull {
            ($v:expr) => {{
                let v = $v;
                if v == 0 {
                    fail!("null dereference")
                }
                v
            }};
        }
        // Makes the top frame the running one, at its saved pc.
        macro_rules! enter_top {
            () => {{
                let fr = *frames.last().unwrap_unchecked();
                let fidx = fr.func as usize;
                func = program.functions.get_unchecked(fidx);
                kv = consts.get_unchecked(fidx);
                ip = func.code.as_ptr().add(fr.pc as usize);
                if fr.heap {
                    bp = (*(fr.env as *mut FrameObj)).regs.as_mut_ptr();
                    in_heap = true;
                } else {
                    base = fr.base as usize;
                    bp = rp.add(base);
                    in_heap = false;
                }
            }};
        }
        macro_rules! do_call {
            ($callee:expr, $env:expr, $b:expr, $nargs:expr, $dst:expr) => {{
                let callee_idx: usize = $callee;
                let callee: &Function = program.functions.get_unchecked(callee_idx);
                // A heap frame's callee starts at the bottom of the register stack, which is
                // empty then (heap frames are a prefix); its arguments are copied there.
                if in_heap {
                    std::hint::cold_path();
                    let n = ($nargs as usize).min(callee.nparams as usize);
                    ptr::copy_nonoverlapping(bp.add($b.0 as usize + 1), rp, n);
                    // So that `new_base` below is 0.
                    base = ($b.0 as usize + 1).wrapping_neg();
                    in_heap = false;
                }
                let new_base = base.wrapping_add($b.0 as usize + 1);
                let top = new_base + callee.nregs as usize;
                let len = frames.len();
                // Implies `top <= nslots` (`nslots = max_stack / 8`) and `len + 1 <
                // frames.capacity()` (reserved in `run`).
                if top * 8 + (len + 1) * FRAME_BYTES > max_stack {
                    fail!("stack overflow")
                }
                // Arguments beyond the callee's parameters (a front-end bug) are not kept, so
                // that no register gets a value of the wrong kind.
                let nargs = ($nargs as usize).min(callee.nparams as usize);
                clear_refs(rp.add(new_base), loaded.ref_regs.get_unchecked(callee_idx), nargs);
                frames.get_unchecked_mut(len - 1).pc = pc!() as u32;
                // SAFETY: `len + 1 < capacity` (checked above), so this writes into the
                // reserved buffer.
                frames.as_mut_ptr().add(len).write(Frame {
                    func: callee_idx as u32,
                    pc: 0,
                    base: new_base as u32,
                    ret_dst: $dst.0,
                    heap: false,
                    env: $env,
                });
                frames.set_len(len + 1);
                func = callee;
                kv = consts.get_unchecked(callee_idx);
                base = new_base;
                bp = rp.add(new_base);
                ip = callee.code.as_ptr();
            }};
        }
        // A tail call: the callee takes over the running frame (same base, same return
        // destination); the arguments move down to its parameter registers.
        macro_rules! do_tail_call {
            ($callee:expr, $env:expr, $b:expr, $nargs:expr) => {{
                let callee_idx: usize = $callee;
                let callee: &Function = program.functions.get_unchecked(callee_idx);
                let nregs = callee.nregs as usize;
                // A heap activation keeps its registers (a label may re-enter it): the
                // callee runs at the bottom of the (empty) register stack instead.
                let new_base = if in_heap { 0 } else { base };
                if (new_base + nregs) * 8 + frames.len() * FRAME_BYTES > max_stack {
                    fail!("stack overflow")
                }
                let nargs = ($nargs as usize).min(callee.nparams as usize);
                if in_heap {
                    ptr::copy_nonoverlapping(bp.add($b.0 as usize + 1), rp, nargs);
                    leave(loaded, frames.last().unwrap_unchecked());
                } else {
                    ptr::copy(bp.add($b.0 as usize + 1), bp, nargs);
                }
                base = new_base;
                bp = rp.add(new_base);
                in_heap = false;
                clear_refs(bp, loaded.ref_regs.get_unchecked(callee_idx), nargs);
                let frame = frames.last_mut().unwrap_unchecked();
                frame.func = callee_idx as u32;
                frame.env = $env;
                frame.heap = false;
                frame.base = new_base as u32;
                func = callee;
                kv = consts.get_unchecked(callee_idx);
                ip = callee.code.as_ptr();
            }};
        }
        macro_rules! do_ret {
            ($val:expr) => {{
                let val: Option<u64> = $val;
                let len = frames.len();
                let done = *frames.get_unchecked(len - 1);
                frames.set_len(len - 1);
                if len == 1 {
                    std::hint::cold_path();
                    if bottom_cont == 0 {
                        finish!(Ok(()));
                    }
                    leave(loaded, &done);
                    resume(loaded, frames, &mut bottom_cont, val);
                    enter_top!();
                    continue;
                }
                let caller = frames.get_unchecked(len - 2);
                if caller.heap {
                    // Into a heap frame, which runs on in place.
                    std::hint::cold_path();
                    leave(loaded, &done);
                    enter_top!();
                    if let Some(v) = val {
                        *bp.add(done.ret_dst as usize) = v;
                    }
                    continue;
                }
                // Both on the register stack: the caller's Ref registers inside the callee's
                // window are cleared (they hold the callee's values).
                let cidx = caller.func as usize;
                let cf: &Function = program.functions.get_unchecked(cidx);
                let cbase = caller.base as usize;
                clear_refs(rp.add(cbase), loaded.ref_regs.get_unchecked(cidx), done.base as usize - cbase);
                if let Some(v) = val {
                    *rp.add(cbase + done.ret_dst as usize) = v;
                }
                func = cf;
                kv = consts.get_unchecked(cidx);
                base = cbase;
                bp = rp.add(cbase);
                ip = cf.code.as_ptr().add(caller.pc as usize);
            }};
        }
        macro_rules! obj {
            ($v:expr) => {{
                let v = nonnull!($v);
                if heap::kind_of(v) != ObjKind::Instance {
                    fail!("internal error: not an object")
                }
                heap::instance(v)
            }};
        }
        macro_rules! is_instance {
            ($v:expr, $class:expr) => {{
                let v: u64 = $v;
                let t = $class.0 as usize;
                v != 0 && heap::kind_of(v) == ObjKind::Instance && {
                    let c = (*(v as *const InstObj)).class as usize;
                    let d = classes_rt.get_unchecked(t).depth;
                    classes_rt.get_unchecked(c).ancestors.get(d) == Some(&(t as u16))
                }
            }};
        }
        // A fused compare-and-branch.
        macro_rules! jump_if {
            ($target:expr, $cond:expr) => {
                if $cond {
                    ip = func.code.as_ptr().add($target.0 as usize)
                }
            };
        }
        macro_rules! env_at {
            ($env:expr, $depth:expr) => {{
                let mut e = nonnull!(reg!($env));
                for _ in 0..$depth {
                    e = nonnull!((*(e as *const EnvObj)).parent);
                }
                &mut *(e as *mut EnvObj)
            }};
        }

        loop {
            // SAFETY: the verifier guarantees every function ends in a terminator and every
            // jump target is < code.len(), and calls/returns set pc to 0 or to a saved pc
            // just after a call (never past the terminator), so `ip` points into the code.
            let instr = unsafe { *ip };
            // SAFETY: as above, at most one past the end of the code.
            ip = unsafe { ip.add(1) };
            if COUNT {
                if count == max_instructions {
                    std::hint::cold_path();
                    // SAFETY: `ip` is one past the instruction just fetched, in `func.code`.
                    unsafe { fail!("instruction limit exceeded ({max_instructions} instructions)") }
                }
                count += 1;
            }
            // SAFETY: register accesses `reg!(r)` touch `regs[base + r]`; the verifier
            // guarantees `r < nregs` of the running function and every call checks
            // `base + nregs <= regs.len()` before entering a frame, and `regs` is never
            // resized while running, so `rp` stays valid. Function, constant and layout
            // indices are verified (function indices in closures come from verified
            // `closure` instructions). Registers the interpreter dereferences are verified to
            // be Ref registers, which only ever hold null (checked before each dereference)
            // or references to live heap objects (nothing is freed while running); object
            // kinds behind them are guaranteed by the front end's type checking (closures
            // are checked dynamically).
            unsafe {
                use Instr::*;
                match instr {
                    Nop {} => {}
                    Move { dst, src } => reg!(dst) = reg!(src),
                    LoadImm { dst, imm } => reg!(dst) = imm as i64 as u64,
                    LoadConst { dst, idx } => reg!(dst) = *kv.get_unchecked(idx.0 as usize),
                    LoadNull { dst } => reg!(dst) = 0,

                    AddI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x.wrapping_add(y)),
                    SubI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x.wrapping_sub(y)),
                    MulI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x.wrapping_mul(y)),
                    DivI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| {
                        nonzero!(y);
                        x.wrapping_div(y)
                    }),
                    RemI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| {
                        nonzero!(y);
                        x.wrapping_rem(y)
                    }),
                    NegI32 { dst, src } => un!(dst, src, ri32, wi32, |x| x.wrapping_neg()),
                    AddU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x.wrapping_add(y)),
                    SubU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x.wrapping_sub(y)),
                    MulU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x.wrapping_mul(y)),
                    DivU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| {
                        nonzero!(y);
                        x / y
                    }),
                    RemU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| {
                        nonzero!(y);
                        x % y
                    }),
                    NegU32 { dst, src } => un!(dst, src, ru32, wu32, |x| x.wrapping_neg()),
                    AddI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x.wrapping_add(y)),
                    SubI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x.wrapping_sub(y)),
                    MulI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x.wrapping_mul(y)),
                    DivI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| {
                        nonzero!(y);
                        x.wrapping_div(y)
                    }),
                    RemI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| {
                        nonzero!(y);
                        x.wrapping_rem(y)
                    }),
                    NegI64 { dst, src } => un!(dst, src, ri64, wi64, |x| x.wrapping_neg()),
                    AddU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x.wrapping_add(y)),
                    SubU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x.wrapping_sub(y)),
                    MulU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x.wrapping_mul(y)),
                    DivU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| {
                        nonzero!(y);
                        x / y
                    }),
                    RemU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| {
                        nonzero!(y);
                        x % y
                    }),
                    NegU64 { dst, src } => un!(dst, src, ru64, wu64, |x| x.wrapping_neg()),
                    AddF64 { dst, a, b } => bin!(dst, a, b, rf64, wf64, |x, y| x + y),
                    SubF64 { dst, a, b } => bin!(dst, a, b, rf64, wf64, |x, y| x - y),
                    MulF64 { dst, a, b } => bin!(dst, a, b, rf64, wf64, |x, y| x * y),
                    DivF64 { dst, a, b } => bin!(dst, a, b, rf64, wf64, |x, y| x / y),
                    RemF64 { dst, a, b } => bin!(dst, a, b, rf64, wf64, |x, y| x % y),
                    NegF64 { dst, src } => un!(dst, src, rf64, wf64, |x| -x),
                    AddI32Imm { dst, a, imm } => un!(dst, a, ri32, wi32, |x| x.wrapping_add(imm as i32)),
                    AddI64Imm { dst, a, imm } => un!(dst, a, ri64, wi64, |x| x.wrapping_add(imm as i64)),

                    AndI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x & y),
                    OrI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x | y),
                    XorI32 { dst, a, b } => bin!(dst, a, b, ri32, wi32, |x, y| x ^ y),
                    NotI32 { dst, src } => un!(dst, src, ri32, wi32, |x| !x),
                    ShlI32 { dst, a, b } => shift!(dst, a, b, ri32, wi32, wrapping_shl),
                    ShrI32 { dst, a, b } => shift!(dst, a, b, ri32, wi32, wrapping_shr),
                    AndU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x & y),
                    OrU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x | y),
                    XorU32 { dst, a, b } => bin!(dst, a, b, ru32, wu32, |x, y| x ^ y),
                    NotU32 { dst, src } => un!(dst, src, ru32, wu32, |x| !x),
                    ShlU32 { dst, a, b } => shift!(dst, a, b, ru32, wu32, wrapping_shl),
                    ShrU32 { dst, a, b } => shift!(dst, a, b, ru32, wu32, wrapping_shr),
                    AndI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x & y),
                    OrI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x | y),
                    XorI64 { dst, a, b } => bin!(dst, a, b, ri64, wi64, |x, y| x ^ y),
                    NotI64 { dst, src } => un!(dst, src, ri64, wi64, |x| !x),
                    ShlI64 { dst, a, b } => shift!(dst, a, b, ri64, wi64, wrapping_shl),
                    ShrI64 { dst, a, b } => shift!(dst, a, b, ri64, wi64, wrapping_shr),
                    AndU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x & y),
                    OrU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x | y),
                    XorU64 { dst, a, b } => bin!(dst, a, b, ru64, wu64, |x, y| x ^ y),
                    NotU64 { dst, src } => un!(dst, src, ru64, wu64, |x| !x),
                    ShlU64 { dst, a, b } => shift!(dst, a, b, ru64, wu64, wrapping_shl),
                    ShrU64 { dst, a, b } => shift!(dst, a, b, ru64, wu64, wrapping_shr),

                    EqI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x == y),
                    NeI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x != y),
                    LtI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x < y),
                    LeI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x <= y),
                    GtI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x > y),
                    GeI32 { dst, a, b } => bin!(dst, a, b, ri32, wbool, |x, y| x >= y),
                    EqU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x == y),
                    NeU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x != y),
                    LtU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x < y),
                    LeU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x <= y),
                    GtU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x > y),
                    GeU32 { dst, a, b } => bin!(dst, a, b, ru32, wbool, |x, y| x >= y),
                    EqI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x == y),
                    NeI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x != y),
                    LtI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x < y),
                    LeI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x <= y),
                    GtI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x > y),
                    GeI64 { dst, a, b } => bin!(dst, a, b, ri64, wbool, |x, y| x >= y),
                    EqU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x == y),
                    NeU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x != y),
                    LtU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x < y),
                    LeU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x <= y),
                    GtU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x > y),
                    GeU64 { dst, a, b } => bin!(dst, a, b, ru64, wbool, |x, y| x >= y),
                    EqF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x == y),
                    NeF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x != y),
                    LtF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x < y),
                    LeF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x <= y),
                    GtF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x > y),
                    GeF64 { dst, a, b } => bin!(dst, a, b, rf64, wbool, |x, y| x >= y),
                    EqBool { dst, a, b } => reg!(dst) = wbool((reg!(a) != 0) == (reg!(b) != 0)),
                    NeBool { dst, a, b } => reg!(dst) = wbool((reg!(a) != 0) != (reg!(b) != 0)),
                    NotBool { dst, src } => reg!(dst) = wbool(reg!(src) == 0),
                    EqRef { dst, a, b } => reg!(dst) = wbool(reg!(a) == reg!(b)),
                    NeRef { dst, a, b } => reg!(dst) = wbool(reg!(a) != reg!(b)),
                    EqStr { dst, a, b } | NeStr { dst, a, b } => {
                        let (x, y) = (reg!(a), reg!(b));
                        let eq = x == y
                            || (x != 0
                                && y != 0
                                && heap::kind_of(x) == ObjKind::String
                                && heap::kind_of(y) == ObjKind::String
                                && heap::str_bytes(x) == heap::str_bytes(y));
                        reg!(dst) = wbool(eq == matches!(instr, EqStr { .. }));
                    }

                    CvtI32U32 { dst, src } => un!(dst, src, ri32, wu32, |x| x as u32),
                    CvtI32I64 { dst, src } => un!(dst, src, ri32, wi64, |x| x as i64),
                    CvtI32U64 { dst, src } => un!(dst, src, ri32, wu64, |x| x as u64),
                    CvtI32F64 { dst, src } => un!(dst, src, ri32, wf64, |x| x as f64),
                    CvtU32I32 { dst, src } => un!(dst, src, ru32, wi32, |x| x as i32),
                    CvtU32I64 { dst, src } => un!(dst, src, ru32, wi64, |x| x as i64),
                    CvtU32U64 { dst, src } => un!(dst, src, ru32, wu64, |x| x as u64),
                    CvtU32F64 { dst, src } => un!(dst, src, ru32, wf64, |x| x as f64),
                    CvtI64I32 { dst, src } => un!(dst, src, ri64, wi32, |x| x as i32),
                    CvtI64U32 { dst, src } => un!(dst, src, ri64, wu32, |x| x as u32),
                    CvtI64U64 { dst, src } => un!(dst, src, ri64, wu64, |x| x as u64),
                    CvtI64F64 { dst, src } => un!(dst, src, ri64, wf64, |x| x as f64),
                    CvtU64I32 { dst, src } => un!(dst, src, ru64, wi32, |x| x as i32),
                    CvtU64U32 { dst, src } => un!(dst, src, ru64, wu32, |x| x as u32),
                    CvtU64I64 { dst, src } => un!(dst, src, ru64, wi64, |x| x as i64),
                    CvtU64F64 { dst, src } => un!(dst, src, ru64, wf64, |x| x as f64),
                    CvtF64I32 { dst, src } => un!(dst, src, rf64, wi32, |x| x as i32),
                    CvtF64U32 { dst, src } => un!(dst, src, rf64, wu32, |x| x as u32),
                    CvtF64I64 { dst, src } => un!(dst, src, rf64, wi64, |x| x as i64),
                    CvtF64U64 { dst, src } => un!(dst, src, rf64, wu64, |x| x as u64),

                    Jump { target } => ip = func.code.as_ptr().add(target.0 as usize),
                    JumpIf { cond, target } => {
                        if reg!(cond) != 0 {
                            ip = func.code.as_ptr().add(target.0 as usize)
                        }
                    }
                    JumpIfNot { cond, target } => {
                        if reg!(cond) == 0 {
                            ip = func.code.as_ptr().add(target.0 as usize)
                        }
                    }
                    JumpEq { a, b, target } => jump_if!(target, reg!(a) == reg!(b)),
                    JumpNe { a, b, target } => jump_if!(target, reg!(a) != reg!(b)),
                    JumpEqImm { a, imm, target } => jump_if!(target, reg!(a) == imm as i64 as u64),
                    JumpNeImm { a, imm, target } => jump_if!(target, reg!(a) != imm as i64 as u64),
                    JumpLtI32 { a, b, target } => jump_if!(target, ri32(reg!(a)) < ri32(reg!(b))),
                    JumpLeI32 { a, b, target } => jump_if!(target, ri32(reg!(a)) <= ri32(reg!(b))),
                    JumpLtI32Imm { a, imm, target } => jump_if!(target, ri32(reg!(a)) < imm as i32),
                    JumpLeI32Imm { a, imm, target } => jump_if!(target, ri32(reg!(a)) <= imm as i32),
                    JumpGtI32Imm { a, imm, target } => jump_if!(target, ri32(reg!(a)) > imm as i32),
                    JumpGeI32Imm { a, imm, target } => jump_if!(target, ri32(reg!(a)) >= imm as i32),
                    JumpLtI64 { a, b, target } => jump_if!(target, ri64(reg!(a)) < ri64(reg!(b))),
                    JumpLeI64 { a, b, target } => jump_if!(target, ri64(reg!(a)) <= ri64(reg!(b))),
                    JumpLtI64Imm { a, imm, target } => jump_if!(target, ri64(reg!(a)) < imm as i64),
                    JumpLeI64Imm { a, imm, target } => jump_if!(target, ri64(reg!(a)) <= imm as i64),
                    JumpGtI64Imm { a, imm, target } => jump_if!(target, ri64(reg!(a)) > imm as i64),
                    JumpGeI64Imm { a, imm, target } => jump_if!(target, ri64(reg!(a)) >= imm as i64),
                    JumpLtU32 { a, b, target } => jump_if!(target, ru32(reg!(a)) < ru32(reg!(b))),
                    JumpLeU32 { a, b, target } => jump_if!(target, ru32(reg!(a)) <= ru32(reg!(b))),
                    JumpLtU64 { a, b, target } => jump_if!(target, ru64(reg!(a)) < ru64(reg!(b))),
                    JumpLeU64 { a, b, target } => jump_if!(target, ru64(reg!(a)) <= ru64(reg!(b))),
                    JumpEqF64 { a, b, target } => jump_if!(target, rf64(reg!(a)) == rf64(reg!(b))),
                    JumpNeF64 { a, b, target } => jump_if!(target, rf64(reg!(a)) != rf64(reg!(b))),
                    JumpLtF64 { a, b, target } => jump_if!(target, rf64(reg!(a)) < rf64(reg!(b))),
                    JumpLeF64 { a, b, target } => jump_if!(target, rf64(reg!(a)) <= rf64(reg!(b))),
                    JumpNltF64 { a, b, target } => jump_if!(target, !(rf64(reg!(a)) < rf64(reg!(b)))),
                    JumpNleF64 { a, b, target } => jump_if!(target, !(rf64(reg!(a)) <= rf64(reg!(b)))),

                    Call { dst, base: b, nargs } => {
                        let clo = nonnull!(reg!(b));
                        if heap::kind_of(clo) != ObjKind::Closure {
                            fail!("call of a non-function value")
                        }
                        let c = &*(clo as *const ClosureObj);
                        do_call!(c.func.0 as usize, c.env, b, nargs, dst);
                    }
                    CallDirect { dst, func: callee, base: b, nargs } => {
                        let env = reg!(b);
                        do_call!(callee.0 as usize, env, b, nargs, dst);
                    }
                    CallStatic { dst, func: callee, base: b, nargs } => {
                        do_call!(callee.0 as usize, 0, b, nargs, dst);
                    }
                    TailCall { base: b, nargs } => {
                        let clo = nonnull!(reg!(b));
                        if heap::kind_of(clo) != ObjKind::Closure {
                            fail!("call of a non-function value")
                        }
                        let c = &*(clo as *const ClosureObj);
                        do_tail_call!(c.func.0 as usize, c.env, b, nargs);
                    }
                    TailCallDirect { func: callee, base: b, nargs } => {
                        let env = reg!(b);
                        do_tail_call!(callee.0 as usize, env, b, nargs);
                    }
                    TailCallVirtual { slot, base: b, nargs } => {
                        let recv = obj!(reg!(Reg(b.0 + 1)));
                        let vtable = &program.classes.get_unchecked(recv.class as usize).vtable;
                        let Some(&callee) = vtable.get(slot as usize) else {
                            fail!("internal error: vtable slot {slot} out of range")
                        };
                        do_tail_call!(callee.0 as usize, 0, b, nargs);
                    }
                    CallBuiltin { dst, builtin, base: b, nargs: _ } => {
                        macro_rules! arg {
                            ($i:expr) => {
                                *bp.add(b.0 as usize + $i)
                            };
                        }
                        let v = match builtin {
                            Builtin::Sqrt => wf64(rf64(arg!(0)).sqrt()),
                            Builtin::Floor => wf64(rf64(arg!(0)).floor()),
                            Builtin::Sin => wf64(rf64(arg!(0)).sin()),
                            Builtin::Cos => wf64(rf64(arg!(0)).cos()),
                            Builtin::Exp => wf64(rf64(arg!(0)).exp()),
                            Builtin::Log => wf64(rf64(arg!(0)).ln()),
                            Builtin::Pow => wf64(rf64(arg!(0)).powf(rf64(arg!(1)))),
                            Builtin::Chr => {
                                let c = ri32(arg!(0));
                                if !(0..=255).contains(&c) {
                                    fail!("chr out of range: {c}")
                                }
                                *loaded.small_strings.get_unchecked(c as usize)
                            }
                            Builtin::ParseInt => {
                                let s = heap::str_bytes(nonnull!(arg!(0)));
                                match parse_int(s) {
                                    Some(v) => wi64(v),
                                    None => {
                                        fail!("malformed integer in parse_int: {}", quote_bytes(s))
                                    }
                                }
                            }
                            Builtin::Args => {
                                gc_point!(heap::array_size(arg_strings.len()));
                                let a = heap.alloc_array(ElemKind::Ref, arg_strings.len());
                                let a = alloc!(a);
                                heap::array(a).data.copy_from_slice(arg_strings);
                                a
                            }
                            Builtin::ClockUs => wi64(start.elapsed().as_micros() as i64),
                            Builtin::IdentityHash => {
                                let a = arg!(0) >> 3;
                                wi32((a ^ (a >> 32)) as u32 as i32)
                            }
                            Builtin::Substring => {
                                let s = heap::str_bytes(nonnull!(arg!(0)));
                                let (from, to) = (ri32(arg!(1)), ri32(arg!(2)));
                                if from < 0 || from > to || to as usize > s.len() {
                                    fail!("index out of bounds: substring ({from}, {to}) of length {}", s.len())
                                }
                                match to - from {
                                    0 => *loaded.small_strings.get_unchecked(256),
                                    1 => *loaded.small_strings.get_unchecked(s[from as usize] as usize),
                                    _ => {
                                        let v = s[from as usize..to as usize].to_vec();
                                        gc_point!(heap::string_size(v.len()));
                                        alloc!(heap.alloc_string(v))
                                    }
                                }
                            }
                        };
                        reg!(dst) = v;
                    }
                    Ret { src } => do_ret!(Some(reg!(src))),
                    RetVoid {} => do_ret!(None),

                    GetClosureEnv { dst } => {
                        let f = frames.last().unwrap_unchecked();
                        reg!(dst) = if f.heap { (*(f.env as *const FrameObj)).env } else { f.env };
                    }
                    NewEnv { dst, parent, layout } => {
                        let n = program.env_layouts.get_unchecked(layout.0 as usize).slots.len();
                        gc_point!(heap::env_size(n));
                        reg!(dst) = alloc!(heap.alloc_env(layout, reg!(parent), n));
                    }
                    EnvGet { dst, env, depth, slot } => {
                        let e = env_at!(env, depth);
                        match e.slots().get(slot as usize) {
                            Some(&v) => reg!(dst) = v,
                            None => fail!("internal error: environment slot {slot} out of range"),
                        }
                    }
                    EnvSet { env, depth, slot, src } => {
                        let e = env_at!(env, depth);
                        match e.slots().get_mut(slot as usize) {
                            Some(p) => *p = reg!(src),
                            None => fail!("internal error: environment slot {slot} out of range"),
                        }
                    }
                    EnvUp { dst, env, depth } => {
                        let e: *mut EnvObj = env_at!(env, depth);
                        reg!(dst) = e as u64;
                    }
                    NewClosure { dst, func: f, env } => {
                        gc_point!(heap::CLOSURE_SIZE);
                        reg!(dst) = alloc!(heap.alloc_closure(f, reg!(env)));
                    }

                    NewArray { dst, elem, len } => {
                        let n = reg!(len) as i64;
                        if n < 0 {
                            fail!("negative array length: {n}")
                        }
                        if n > i32::MAX as i64 {
                            fail!("out of memory")
                        }
                        gc_point!(heap::array_size(n as usize));
                        reg!(dst) = alloc!(heap.alloc_array(elem, n as usize));
                    }
                    ArrayGet { dst, arr, idx } => {
                        let a = heap::array(nonnull!(reg!(arr)));
                        let i = reg!(idx) as i64;
                        match a.data.get(i as usize) {
                            Some(&v) if i >= 0 => reg!(dst) = v,
                            _ => fail!("index out of bounds: index {i}, length {}", a.data.len()),
                        }
                    }
                    ArraySet { arr, idx, src } => {
                        let a = heap::array(nonnull!(reg!(arr)));
                        let i = reg!(idx) as i64;
                        let len = a.data.len();
                        match a.data.get_mut(i as usize) {
                            Some(p) if i >= 0 => *p = reg!(src),
                            _ => fail!("index out of bounds: index {i}, length {len}"),
                        }
                    }
                    ArrayLen { dst, arr } => {
                        reg!(dst) = wi32(heap::array(nonnull!(reg!(arr))).data.len() as i32);
                    }
                    StrLen { dst, s } => {
                        reg!(dst) = wi32(heap::str_bytes(nonnull!(reg!(s))).len() as i32);
                    }
                    StrIndex { dst, s, idx } => {
                        let s = heap::str_bytes(nonnull!(reg!(s)));
                        let i = reg!(idx) as i64;
                        match s.get(i as usize) {
                            Some(&c) if i >= 0 => reg!(dst) = wi32(c as i32),
                            _ => fail!("index out of bounds: index {i}, length {}", s.len()),
                        }
                    }
                    Concat { dst, a, b } => {
                        let x = heap::str_bytes(nonnull!(reg!(a)));
                        let y = heap::str_bytes(nonnull!(reg!(b)));
                        let mut v = Vec::with_capacity(x.len() + y.len());
                        v.extend_from_slice(x);
                        v.extend_from_slice(y);
                        gc_point!(heap::string_size(v.len()));
                        reg!(dst) = alloc!(heap.alloc_string(v));
                    }

                    ToStrI32 { dst, src } => tostr!(dst, src, ElemKind::I32),
                    ToStrU32 { dst, src } => tostr!(dst, src, ElemKind::U32),
                    ToStrI64 { dst, src } => tostr!(dst, src, ElemKind::I64),
                    ToStrU64 { dst, src } => tostr!(dst, src, ElemKind::U64),
                    ToStrF64 { dst, src } => tostr!(dst, src, ElemKind::F64),
                    ToStrBool { dst, src } => tostr!(dst, src, ElemKind::Bool),
                    ToStrRef { dst, src } => {
                        let v = reg!(src);
                        if v != 0 && heap::kind_of(v) == ObjKind::String {
                            reg!(dst) = v;
                        } else {
                            buf.clear();
                            write_ref(&mut buf, v, &program.classes);
                            gc_point!(heap::string_size(buf.len()));
                            reg!(dst) = alloc!(heap.alloc_string(buf.clone()));
                        }
                    }
                    Print { src } => {
                        let v = reg!(src);
                        let bytes: &[u8] = if v == 0 { b"null" } else { heap::str_bytes(v) };
                        if let Err(e) = out.write_all(bytes).and_then(|()| out.write_all(b"\n")) {
                            fail!("output error: {e}")
                        }
                    }

                    NewObject { dst, class, env } => {
                        let n = classes_rt.get_unchecked(class.0 as usize).nfields;
                        gc_point!(heap::instance_size(n));
                        reg!(dst) = alloc!(heap.alloc_instance(class, n, reg!(env)));
                    }
                    ObjEnv { dst, obj } => reg!(dst) = obj!(reg!(obj)).env,
                    GetField { dst, obj, field } => match obj!(reg!(obj)).fields().get(field as usize) {
                        Some(&v) => reg!(dst) = v,
                        None => fail!("internal error: field {field} out of range"),
                    },
                    SetField { obj, field, src } => match obj!(reg!(obj)).fields().get_mut(field as usize) {
                        Some(p) => *p = reg!(src),
                        None => fail!("internal error: field {field} out of range"),
                    },
                    CallVirtual { dst, slot, base: b, nargs } => {
                        let recv = obj!(reg!(Reg(b.0 + 1)));
                        let vtable = &program.classes.get_unchecked(recv.class as usize).vtable;
                        let Some(&callee) = vtable.get(slot as usize) else {
                            fail!("internal error: vtable slot {slot} out of range")
                        };
                        do_call!(callee.0 as usize, 0, b, nargs, dst);
                    }
                    InstanceOf { dst, obj, class } => reg!(dst) = wbool(is_instance!(reg!(obj), class)),
                    Cast { dst, obj, class } => {
                        let v = reg!(obj);
                        reg!(dst) = if is_instance!(v, class) { v } else { 0 };
                    }
                    MakeLabel { dst, label } => {
                        frames.last_mut().unwrap_unchecked().pc = pc!() as u32;
                        match label_value(heap, program, loaded, frames, rp, bottom_cont, label) {
                            Ok(v) => {
                                enter_top!();
                                reg!(dst) = v;
                            }
                            Err(OutOfMemory) => fail!("out of memory"),
                        }
                    }
                    Goto { src } => {
                        let l = nonnull!(reg!(src));
                        goto_label(loaded, frames, &mut bottom_cont, l);
                        enter_top!();
                    }
                    CheckNonNull { dst, src } => {
                        let v = reg!(src);
                        if v == 0 {
                            fail!("null dereference")
                        }
                        reg!(dst) = v;
                    }
                    IsKind { dst, obj, kind } => reg!(dst) = wbool(passes_kind(reg!(obj), kind)),
                    CastKind { dst, obj, kind } => {
                        let v = reg!(obj);
                        reg!(dst) = if passes_kind(v, kind) { v } else { 0 };
                    }
                    CastKindNonNull { dst, obj, kind } => {
                        let v = reg!(obj);
                        if !passes_kind(v, kind) {
                            let have = dynamic_class_name(v, &program.classes);
                            let want = kind.type_name().unwrap_or("?");
                            fail!("failed cast: {have} is not {want}")
                        }
                        reg!(dst) = v;
                    }
                    CastNotNull { dst, src, name } => {
                        let v = reg!(src);
                        if v == 0 {
                            // The verifier checked that `name` is a string constant.
                            let want = String::from_utf8_lossy(heap::str_bytes(*kv.get_unchecked(name.0 as usize)));
                            fail!("failed cast: null is not {want}")
                        }
                        reg!(dst) = v;
                    }
                    CastNonNull { dst, obj, class } => {
                        let v = reg!(obj);
                        if !is_instance!(v, class) {
                            let have = dynamic_class_name(v, &program.classes);
                            let want = &program.classes.get_unchecked(class.0 as usize).name;
                            fail!("failed cast: {have} is not {want}")
                        }
                        reg!(dst) = v;
                    }
                }
            }
        }
    }
}
