//! `oort-ir`: the graph IR, its text form and verifier, the `lower` pass from the typed
//! AST, and the pass machinery ([`pass::Pass`], [`pass::Registry`], [`pass::Pipeline`])
//! every stage plugs into.
//!
//! Architecture invariant: the IR knows nothing about bytecode or machine code. The
//! verifier states the IR's invariants; every pass must leave a module it accepts.

pub mod dataflow;
pub mod ir;
pub mod liveness;
pub mod lower;
pub mod pass;
pub mod passes;
pub mod print;
pub mod verify;

pub use ir::*;
pub use pass::{Pass, PassKind, Pipeline, Registry, RunOptions, Stop, Unit};

#[cfg(test)]
mod tests;
