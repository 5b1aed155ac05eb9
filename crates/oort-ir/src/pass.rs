//! Passes as values: the [`Pass`] trait, the [`Registry`] of every known pass, and the
//! [`Pipeline`] loop that runs a list of them over a compilation [`Unit`].
//!
//! A pass reads and writes the unit (AST, semantic tables, IR, backend output), reports
//! problems as diagnostics on the unit, and can render what it produced as text for
//! `--emit=<name>`. The driver never calls a stage directly: it runs a pipeline.

use crate::ir::Module;
use indexmap::IndexMap;
use oort_sema::SemaInfo;
use oort_syntax::ast::Ast;
use oort_syntax::{Diagnostic, SourceFile};
use std::any::Any;
use std::rc::Rc;
use std::time::Instant;

/// Everything known about one source file as it moves through the pipeline.
pub struct Unit {
    pub file: SourceFile,
    pub ast: Ast,
    pub sema: SemaInfo,
    /// The flow graphs of the flow checks, once the first of them has run.
    pub flow: Option<oort_sema::flow::FlowInfo>,
    /// The graph IR, once the `lower` pass has run.
    pub ir: Option<Module>,
    /// What a backend pass produced (the VM's bytecode program), for later stages.
    pub backend: Option<Box<dyn Any>>,
    pub diags: Vec<Diagnostic>,
}

impl Unit {
    /// Parses a source file into a new unit; syntax errors become the unit's first
    /// diagnostics (parsing never fails).
    pub fn parse(file: SourceFile) -> Unit {
        let (ast, diags) = oort_syntax::parse(&file);
        Unit { file, ast, sema: SemaInfo::default(), flow: None, ir: None, backend: None, diags }
    }

    /// Frees the AST's expressions, statements and type expressions, the semantic tables
    /// and the flow graphs: nothing after `lower` reads them (the IR carries what the
    /// later passes need), and on a big program they are a third of the memory at the
    /// peak, which comes after `lower`. Functions, classes and names stay.
    pub fn free_front_end(&mut self) {
        self.ast.exprs = Default::default();
        self.ast.stmts = Default::default();
        self.ast.types = Default::default();
        self.sema = SemaInfo::default();
        self.flow = None;
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.is_error())
    }

    /// The IR's text form (empty before `lower`): what IR passes print for `--emit`.
    pub fn ir_text(&self) -> String {
        self.ir.as_ref().map(crate::print::module_to_string).unwrap_or_default()
    }

    pub fn ir(&self) -> &Module {
        self.ir.as_ref().expect("the IR exists only after the `lower` pass")
    }
}

/// What a pass is for, which decides whether `-O0` may skip it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassKind {
    /// Reports errors or warnings; required for correctness.
    Check,
    /// Turns one representation into the next; required.
    Lowering,
    /// Makes the program faster without changing its meaning; optional.
    Optimization,
}

pub trait Pass {
    /// The pass's name: its `--emit=` and `--passes=` name.
    fn name(&self) -> &'static str;
    /// One line for `--emit=help`.
    fn description(&self) -> &'static str;
    fn kind(&self) -> PassKind;
    /// Runs the pass. Problems found in the program are pushed to `unit.diags`.
    fn run(&self, unit: &mut Unit);
    /// Renders the result of the pass (what `--emit=<name>` prints).
    fn dump(&self, unit: &Unit) -> String;
}

/// Every known pass, by name, in registration order.
#[derive(Default, Clone)]
pub struct Registry {
    passes: IndexMap<&'static str, Rc<dyn Pass>>,
}

impl Registry {
    pub fn register(&mut self, pass: Rc<dyn Pass>) {
        self.passes.insert(pass.name(), pass);
    }

    pub fn get(&self, name: &str) -> Option<Rc<dyn Pass>> {
        self.passes.get(name).cloned()
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.passes.keys().copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rc<dyn Pass>> + '_ {
        self.passes.values()
    }
}

/// An ordered list of passes.
#[derive(Default, Clone)]
pub struct Pipeline {
    passes: Vec<Rc<dyn Pass>>,
}

/// Why a pipeline stopped before its end.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// A pass reported errors (they are in `unit.diags`).
    Errors { after: &'static str },
    /// The IR verifier rejected the output of a pass: a compiler bug.
    Verifier { after: &'static str, errors: Vec<String> },
}

#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions<'a> {
    /// Stop after the pass of this name.
    pub stop_after: Option<&'a str>,
    /// Run the IR verifier after every pass that leaves IR behind.
    pub verify: bool,
    /// Once `lower` has run, free what only the passes before it read
    /// ([`Unit::free_front_end`]): for a caller that wants the program, not the trees.
    pub free_front_end: bool,
}

impl Pipeline {
    pub fn new(passes: Vec<Rc<dyn Pass>>) -> Pipeline {
        Pipeline { passes }
    }

    pub fn passes(&self) -> &[Rc<dyn Pass>] {
        &self.passes
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.passes.iter().map(|p| p.name()).collect()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.passes.iter().position(|p| p.name() == name)
    }

    /// Inserts `pass` before the pass named `anchor`; false if there is none.
    pub fn insert_before(&mut self, anchor: &str, pass: Rc<dyn Pass>) -> bool {
        self.position(anchor).map(|i| self.passes.insert(i, pass)).is_some()
    }

    /// Inserts `pass` after the pass named `anchor`; false if there is none.
    pub fn insert_after(&mut self, anchor: &str, pass: Rc<dyn Pass>) -> bool {
        self.position(anchor).map(|i| self.passes.insert(i + 1, pass)).is_some()
    }

    /// Removes the pass named `name`; false if there is none.
    pub fn remove(&mut self, name: &str) -> bool {
        self.position(name).map(|i| self.passes.remove(i)).is_some()
    }

    pub fn push(&mut self, pass: Rc<dyn Pass>) {
        self.passes.push(pass);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Runs the passes in order: run, time, verify. Stops after `options.stop_after`,
    /// or when errors have been reported and the next pass is not a check.
    pub fn run(&self, unit: &mut Unit, options: RunOptions<'_>) -> Result<(), Stop> {
        if unit.has_errors() {
            return Err(Stop::Errors { after: "parse" });
        }
        for (i, pass) in self.passes.iter().enumerate() {
            let start = Instant::now();
            pass.run(unit);
            tracing::debug!(pass = pass.name(), elapsed_us = start.elapsed().as_micros() as u64, "pass done");
            // Consecutive checks all run, so one compilation reports every error they
            // find; anything else needs a program without errors.
            let next_is_check = self.passes.get(i + 1).is_some_and(|p| p.kind() == PassKind::Check);
            let stopping_here = options.stop_after == Some(pass.name());
            if unit.has_errors() && (!next_is_check || stopping_here) {
                return Err(Stop::Errors { after: pass.name() });
            }
            if options.verify
                && let Some(ir) = &unit.ir
                && let Err(errors) = crate::verify::verify_module(ir)
            {
                return Err(Stop::Verifier { after: pass.name(), errors });
            }
            if options.stop_after == Some(pass.name()) {
                break;
            }
            if options.free_front_end && pass.name() == "lower" {
                unit.free_front_end();
            }
        }
        Ok(())
    }
}
