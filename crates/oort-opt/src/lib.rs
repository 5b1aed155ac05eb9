//! `oort-opt`: the optimization passes over the graph IR, between `lower` and `bytecode`.
//!
//! | pass        | what it does |
//! |-------------|--------------|
//! | `constprop` | constant propagation and folding; branches on constants resolved ([`constprop`]) |
//! | `copyprop`  | reads of a copy read the original ([`copyprop`]) |
//! | `peephole`  | local rewrites from one rule table ([`peephole`]) |
//! | `liveness`  | dead-store and dead-temporary elimination ([`dce`]) |
//! | `cleanup`   | jump threading, block merging, unreachable blocks and unused variables dropped ([`cleanup`]) |
//!
//! The analyses are written in `oort-ir`'s one dataflow framework
//! ([`oort_ir::dataflow`]). Every pass keeps the program's meaning exactly, including
//! under re-entry of activations through labels ([`facts`] explains what that costs),
//! and leaves a module the IR verifier accepts. Each is a [`Pass`] of kind
//! [`PassKind::Optimization`], so `-O0` skips them all.
//!
//! Architecture invariant: passes here only rewrite `unit.ir`; they report no
//! diagnostics (an optimization never makes a program wrong).

pub mod cleanup;
pub mod constprop;
pub mod copyprop;
pub mod dce;
pub mod facts;
pub mod fold;
pub mod peephole;

use oort_ir::{Module, Pass, PassKind, Registry, Unit};
use std::rc::Rc;

/// The default `-O1` list, in order: constants first (they resolve branches and make
/// copies of constants into constants), then copies (which leaves the copies dead),
/// local rewrites on the simplified code, dead code removal, and a final cleanup that
/// drops what the others left unreachable or unused.
pub const DEFAULT: [&str; 5] = ["constprop", "copyprop", "peephole", "liveness", "cleanup"];

/// An optimization pass: a name, a description and a function over the module.
pub struct OptPass {
    name: &'static str,
    description: &'static str,
    run: fn(&mut Module) -> usize,
}

impl Pass for OptPass {
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn kind(&self) -> PassKind {
        PassKind::Optimization
    }
    fn run(&self, unit: &mut Unit) {
        if let Some(ir) = unit.ir.as_mut() {
            let changes = (self.run)(ir);
            tracing::debug!(pass = self.name, changes, "optimized");
        }
    }
    fn dump(&self, unit: &Unit) -> String {
        unit.ir_text()
    }
}

/// The optimization passes, in [`DEFAULT`] order.
pub fn passes() -> [OptPass; 5] {
    [
        OptPass {
            name: "constprop",
            description: "constant propagation and folding; branches on constants resolved",
            run: constprop::run,
        },
        OptPass { name: "copyprop", description: "copy propagation", run: copyprop::run },
        OptPass { name: "peephole", description: "local rewrites from the peephole rule table", run: peephole::run },
        OptPass { name: "liveness", description: "dead-store and dead-temporary elimination", run: dce::run },
        OptPass {
            name: "cleanup",
            description: "thread jumps, merge blocks, drop unreachable blocks and unused variables",
            run: cleanup::run,
        },
    ]
}

/// Registers every optimization pass.
pub fn register(reg: &mut Registry) {
    for p in passes() {
        reg.register(Rc::new(p));
    }
}
