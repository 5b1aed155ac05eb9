//! Oort VM: register bytecode, verifier, disassembler, heap and interpreter.
//!
//! The code generator builds a [`Program`] with [`ProgramBuilder`] and [`FunctionBuilder`]
//! (registers with [`RegKind`]s, [`Instr`]uctions, labels, constants), then
//! [`Vm::new`] verifies it ([`verify::verify`]) and loads it (string constants become
//! interned heap strings), and [`Vm::run`] executes the entry function, writing `print`
//! output to a writer and returning a [`RuntimeError`] (message, line, column) on failure.
//! [`disasm::disassemble`] renders a program as stable text (`--emit=bytecode`).
//!
//! Design points (see DESIGN.md §4):
//! - values are untagged `u64` slots; each register's kind (value/reference) is static, so
//!   the garbage collector can be precise ([`bytecode`] module docs);
//! - calls use Lua-style register windows and push plain [`Frame`] records on a `Vec`: no
//!   host recursion per Oort call, and the stack limit ([`VmOptions::max_stack`]) yields the
//!   runtime error "stack overflow";
//! - objects (class instances) have a fixed field layout and a vtable per class
//!   ([`ClassDesc`], [`ProgramBuilder::add_class`]); `new`, `getf`/`setf`, `callv`, `instof`,
//!   `cast`/`cast!` and `objenv` work on them; subclass tests are O(1) (ancestor arrays
//!   computed at load);
//! - the heap ([`heap`]) is collected by a precise, non-moving mark-sweep collector (explicit
//!   mark stack; roots described in [`interp`]); it collects when the bytes allocated since
//!   the last collection pass `max(4 MiB, live bytes)`, fails with "out of memory" past
//!   [`VmOptions::max_heap`], collects at every allocation with [`VmOptions::gc_stress`], and
//!   reports [`heap::GcStats`] ([`Vm::gc_stats`]);
//! - with [`VmOptions::count_instructions`] the interpreter counts the instructions it
//!   dispatches ([`Vm::instructions_executed`]); the dispatch loop is compiled twice, with
//!   and without the counter, so it costs nothing when off; [`VmOptions::max_instructions`]
//!   bounds the dispatches of a run with the same counter (runtime error "instruction limit
//!   exceeded").
//!
//! Printing: code generators emit `tostr.<type>` (also used for `str (v)`) followed by
//! `print`, which writes a string and a newline.

pub mod builder;
pub mod bytecode;
pub mod codegen;
pub mod disasm;
pub mod format;
pub mod heap;
pub mod interp;
pub mod verify;

pub use builder::{BuildError, FunctionBuilder, Label, ProgramBuilder};
pub use bytecode::*;
pub use codegen::{BytecodePass, generate, register};
pub use disasm::disassemble;
pub use interp::{Frame, LoadError, RuntimeError, Vm, VmOptions};
pub use verify::{VerifyError, verify};

#[cfg(test)]
mod tests;
