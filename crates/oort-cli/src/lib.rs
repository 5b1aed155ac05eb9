//! `oort-cli`: the driver library behind the `oort` binary.
//!
//! It owns the default pipeline (the list of registered passes and why each sits where
//! it does), turns stage names into `--emit` output, and renders diagnostics.
//! Architecture invariant: only this crate does I/O or parses command-line arguments;
//! the library functions here return strings and values, `main.rs` prints them.

pub mod cli;
pub mod render;

use oort_ir::{Pipeline, Registry, RunOptions, Stop, Unit};
use oort_syntax::SourceFile;

/// Every registered pass of every crate.
pub fn registry() -> Registry {
    let mut reg = Registry::default();
    oort_ir::passes::register(&mut reg);
    oort_vm::register(&mut reg);
    reg
}

/// The default pipeline.
pub fn default_pipeline(reg: &Registry) -> Pipeline {
    let names = [
        // Names first: every later pass needs to know what each name refers to.
        "symbol",
        // Types for every expression; implicit conversions become explicit nodes.
        "typecheck",
        // The flow checks of LANGUAGE.md §9, on flow graphs of the typed AST (built once,
        // by the first). After typecheck: they need resolved names and types.
        "init",
        "return",
        "null",
        "reach",
        // Typed AST → graph IR; also reports functions that can fall off their end.
        "lower",
        // Graph IR → register bytecode, the VM's input. Last: it consumes the IR.
        "bytecode",
    ];
    Pipeline::new(names.iter().map(|n| reg.get(n).expect("default pass is registered")).collect())
}

/// Stages that exist before any pass runs, for `--emit`.
pub const FRONT_STAGES: [(&str, &str); 2] =
    [("tokens", "the tokens of the source file"), ("ast", "the syntax tree, as parsed")];

/// Every stage `--emit` accepts, with its description, in pipeline order.
pub fn stages(pipeline: &Pipeline) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<_> = FRONT_STAGES.to_vec();
    v.extend(pipeline.passes().iter().map(|p| (p.name(), p.description())));
    v
}

/// Text of the `--emit=help` listing.
pub fn stages_help(pipeline: &Pipeline) -> String {
    let mut s = String::from("stages for --emit (in pipeline order):\n");
    for (name, desc) in stages(pipeline) {
        s.push_str(&format!("  {name:<12} {desc}\n"));
    }
    s
}

/// Result of compiling a unit up to some stage.
pub struct Compiled {
    pub unit: Unit,
    pub result: Result<(), Stop>,
}

/// Parses and runs the pipeline (up to `stop_after`, if given).
pub fn compile(file: SourceFile, pipeline: &Pipeline, stop_after: Option<&str>) -> Compiled {
    let mut unit = Unit::parse(file);
    let verify = cfg!(debug_assertions) || std::env::var_os("OORT_VERIFY").is_some();
    let result = pipeline.run(&mut unit, RunOptions { stop_after, verify });
    oort_syntax::diag::sort_diagnostics(&mut unit.diags);
    Compiled { unit, result }
}

/// Renders the output of stage `stage` of a unit compiled up to it.
pub fn emit(unit: &Unit, pipeline: &Pipeline, stage: &str) -> Option<String> {
    match stage {
        "tokens" => {
            let (tokens, _) = oort_syntax::lex(&unit.file);
            Some(oort_syntax::print::tokens_to_string(&unit.file, &tokens))
        }
        "ast" => Some(oort_syntax::print::ast_to_string(&unit.ast, &unit.file, &|_| None)),
        _ => pipeline.passes().iter().find(|p| p.name() == stage).map(|p| p.dump(unit)),
    }
}
