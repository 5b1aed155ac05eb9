//! `oort-cli`: the driver library behind the `oort` binary, and the API for using Oort
//! as a library.
//!
//! It owns the default pipeline (the list of registered passes and why each sits where
//! it does), turns stage names into `--emit` output, and renders diagnostics.
//! Architecture invariant: only this crate does I/O or parses command-line arguments;
//! the library functions here return strings and values, `main.rs` prints them.
//!
//! # Using Oort as a library
//!
//! Load a source, build the default pipeline, change it, compile up to any stage, read
//! the diagnostics, render a stage's text, and run the program:
//!
//! ```
//! use oort_cli::{Optimizations, SourceFile, compile, emit, pipeline, registry};
//!
//! let source = SourceFile::new("demo.oort", "x := 6;\nprint x * 7;\n");
//! let reg = registry();
//! let mut pipeline = pipeline(&reg, &Optimizations::Default).unwrap();
//! assert!(pipeline.remove("peephole")); // passes can be removed …
//! // … and inserted before or after a named pass (see `examples/custom_pass.rs`).
//!
//! // Compile up to the `constprop` stage and print the IR it left.
//! let compiled = compile(source.clone(), &pipeline, Some("constprop"));
//! assert!(compiled.diagnostics().is_empty());
//! let ir = emit(&compiled.unit, &pipeline, "constprop").unwrap();
//! assert!(ir.contains("const.i32 42"));
//!
//! // Compile all the way and run it.
//! let compiled = compile(source, &pipeline, None);
//! let mut out = Vec::new();
//! compiled.run(Vec::new(), Default::default(), &mut out).unwrap();
//! assert_eq!(out, b"42\n");
//! ```
//!
//! A pass of your own implements [`Pass`] (name, description, [`PassKind`], `run` over
//! the [`Unit`], `dump` for `--emit`); `crates/oort-cli/examples/custom_pass.rs` is a
//! complete one (`cargo run --example custom_pass`).

pub mod cli;
pub mod render;

/// The graph IR, for passes of your own.
pub use oort_ir as ir;
pub use oort_ir::{Pass, PassKind, Pipeline, Registry, RunOptions, Stop, Unit};
pub use oort_syntax::{Diagnostic, SourceFile};
pub use oort_vm::{RuntimeError, VmOptions};

/// Every registered pass of every crate: the front end and flow checks, `lower`, the
/// optimization passes and `bytecode`.
pub fn registry() -> Registry {
    let mut reg = Registry::default();
    oort_ir::passes::register(&mut reg);
    oort_opt::register(&mut reg);
    oort_vm::register(&mut reg);
    reg
}

/// Which optimization passes run between `lower` and `bytecode`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Optimizations {
    /// `-O0`: none.
    None,
    /// `-O1`, the default: [`oort_opt::DEFAULT`].
    #[default]
    Default,
    /// `--passes=a,b,c`: exactly these, in this order (repeats allowed).
    Custom(Vec<String>),
}

/// A pass name that is not a registered optimization pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPass {
    pub name: String,
    /// Whether a pass of that name exists (but is not an optimization pass).
    pub required: bool,
    /// The optimization passes there are.
    pub valid: Vec<&'static str>,
}

impl std::fmt::Display for UnknownPass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.required {
            write!(f, "`{}` is not an optimization pass (it always runs)", self.name)?;
        } else {
            write!(f, "unknown optimization pass `{}`", self.name)?;
        }
        write!(f, "; valid passes: {}", self.valid.join(", "))
    }
}

impl std::error::Error for UnknownPass {}

/// The default pipeline (at `-O1`).
pub fn default_pipeline(reg: &Registry) -> Pipeline {
    pipeline(reg, &Optimizations::Default).expect("the default passes are registered")
}

/// The pipeline with the given optimizations.
pub fn pipeline(reg: &Registry, opt: &Optimizations) -> Result<Pipeline, UnknownPass> {
    let front = [
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
        // Typed AST → graph IR.
        "lower",
    ];
    let mut p = Pipeline::new(front.iter().map(|n| reg.get(n).expect("front-end pass is registered")).collect());
    let opts: Vec<String> = match opt {
        Optimizations::None => Vec::new(),
        Optimizations::Default => oort_opt::DEFAULT.iter().map(|s| s.to_string()).collect(),
        Optimizations::Custom(names) => names.clone(),
    };
    for name in &opts {
        match reg.get(name) {
            Some(pass) if pass.kind() == PassKind::Optimization => p.push(pass),
            other => {
                return Err(UnknownPass {
                    name: name.clone(),
                    required: other.is_some(),
                    valid: optimization_passes(reg),
                });
            }
        }
    }
    // Graph IR → register bytecode, the VM's input. Last: it consumes the IR.
    p.push(reg.get("bytecode").expect("bytecode pass is registered"));
    Ok(p)
}

/// The names of the registered optimization passes, in registration order.
pub fn optimization_passes(reg: &Registry) -> Vec<&'static str> {
    reg.iter().filter(|p| p.kind() == PassKind::Optimization).map(|p| p.name()).collect()
}

/// Stages that exist before any pass runs, for `--emit`.
pub const FRONT_STAGES: [(&str, &str); 2] =
    [("tokens", "the tokens of the source file"), ("ast", "the syntax tree, as parsed")];

/// The stage that prints the final graph IR as Graphviz `dot`.
pub const CFG_STAGE: (&str, &str) = ("cfg", "the graph IR as it enters `bytecode`, as a Graphviz dot graph");

/// Every stage `--emit` accepts, with its description, in pipeline order.
pub fn stages(pipeline: &Pipeline) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<_> = FRONT_STAGES.to_vec();
    for p in pipeline.passes() {
        if p.name() == "bytecode" {
            v.push(CFG_STAGE);
        }
        v.push((p.name(), p.description()));
    }
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

/// The pass to stop after to emit `stage`: the stage itself, or for `cfg` the last pass
/// before `bytecode`.
pub fn stop_for<'a>(pipeline: &'a Pipeline, stage: &'a str) -> &'a str {
    if stage != CFG_STAGE.0 {
        return stage;
    }
    let names = pipeline.names();
    let k = names.iter().position(|n| *n == "bytecode").unwrap_or(names.len());
    names[..k].last().copied().unwrap_or(stage)
}

/// Result of compiling a unit up to some stage.
pub struct Compiled {
    pub unit: Unit,
    pub result: Result<(), Stop>,
}

/// Why [`Compiled::run`] did not run to completion.
#[derive(Debug)]
pub enum RunError {
    /// The compilation stopped before producing bytecode (errors, or an earlier stage
    /// was asked for).
    NotCompiled,
    /// The VM rejected the bytecode (a compiler bug).
    Rejected(String),
    /// The program stopped with a runtime error.
    Runtime(RuntimeError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotCompiled => f.write_str("the program was not compiled to bytecode"),
            RunError::Rejected(e) => write!(f, "the bytecode was rejected: {e}"),
            RunError::Runtime(e) => write!(f, "runtime error: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

impl Compiled {
    /// The diagnostics, sorted by position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.unit.diags
    }

    pub fn has_errors(&self) -> bool {
        self.result.is_err() || self.unit.has_errors()
    }

    /// The diagnostics rendered as `oort` prints them (rustc style).
    pub fn render_diagnostics(&self, color: bool) -> String {
        render::diagnostics(&self.unit.file, &self.unit.diags, color)
    }

    /// The bytecode program, when the pipeline ran to `bytecode` without errors.
    pub fn program(&self) -> Option<&oort_vm::Program> {
        self.unit.backend.as_ref().and_then(|b| b.downcast_ref::<oort_vm::Program>())
    }

    /// Loads the program into a new VM (`args` is what `args ()` returns).
    pub fn load(self, args: Vec<String>, options: VmOptions) -> Result<oort_vm::Vm, RunError> {
        if self.has_errors() {
            return Err(RunError::NotCompiled);
        }
        let program =
            self.unit.backend.and_then(|b| b.downcast::<oort_vm::Program>().ok()).ok_or(RunError::NotCompiled)?;
        oort_vm::Vm::new(*program, args, options).map_err(|e| RunError::Rejected(e.to_string()))
    }

    /// Runs the program, writing what it prints to `out`.
    pub fn run(self, args: Vec<String>, options: VmOptions, out: &mut dyn std::io::Write) -> Result<(), RunError> {
        self.load(args, options)?.run(out).map_err(RunError::Runtime)
    }
}

/// Parses and runs the pipeline (up to `stop_after`, if given). The IR verifier runs
/// after every pass in debug builds, or when `OORT_VERIFY` is set.
pub fn compile(file: SourceFile, pipeline: &Pipeline, stop_after: Option<&str>) -> Compiled {
    let verify = cfg!(debug_assertions) || std::env::var_os("OORT_VERIFY").is_some();
    compile_with(file, pipeline, RunOptions { stop_after, verify, free_front_end: false })
}

/// [`compile`] with explicit options.
pub fn compile_with(file: SourceFile, pipeline: &Pipeline, options: RunOptions<'_>) -> Compiled {
    let mut unit = Unit::parse(file);
    let result = pipeline.run(&mut unit, options);
    oort_syntax::diag::sort_diagnostics(&mut unit.diags);
    Compiled { unit, result }
}

/// Renders the output of stage `stage` of a unit compiled up to it ([`stop_for`]).
pub fn emit(unit: &Unit, pipeline: &Pipeline, stage: &str) -> Option<String> {
    match stage {
        "tokens" => {
            let (tokens, _) = oort_syntax::lex(&unit.file);
            Some(oort_syntax::print::tokens_to_string(&unit.file, &tokens))
        }
        "ast" => Some(oort_syntax::print::ast_to_string(&unit.ast, &unit.file, &|_| None)),
        "cfg" => unit.ir.as_ref().map(oort_ir::print::module_to_dot),
        _ => pipeline.passes().iter().find(|p| p.name() == stage).map(|p| p.dump(unit)),
    }
}
