//! The front-end passes as pipeline values: `symbol`, `typecheck` and the flow checks
//! `init`, `return`, `null`, `reach` (adapters over `oort-sema`), and `lower` (typed AST →
//! IR).

use crate::pass::{Pass, PassKind, Registry, Unit};
use oort_sema::flow::FlowInfo;
use oort_syntax::Diagnostic;
use std::rc::Rc;

pub struct SymbolPass;

impl Pass for SymbolPass {
    fn name(&self) -> &'static str {
        "symbol"
    }
    fn description(&self) -> &'static str {
        "resolve names to variables, functions and built-ins; build scopes"
    }
    fn kind(&self) -> PassKind {
        PassKind::Check
    }
    fn run(&self, unit: &mut Unit) {
        let (sema, diags) = oort_sema::resolve(&unit.ast);
        unit.sema = sema;
        unit.diags.extend(diags);
    }
    fn dump(&self, unit: &Unit) -> String {
        oort_sema::dump_symbols(&unit.ast, &unit.sema, &unit.file)
    }
}

pub struct TypecheckPass;

impl Pass for TypecheckPass {
    fn name(&self) -> &'static str {
        "typecheck"
    }
    fn description(&self) -> &'static str {
        "type every expression; make implicit conversions explicit"
    }
    fn kind(&self) -> PassKind {
        PassKind::Check
    }
    fn run(&self, unit: &mut Unit) {
        let diags = oort_sema::typecheck(&mut unit.ast, &mut unit.sema);
        unit.diags.extend(diags);
    }
    fn dump(&self, unit: &Unit) -> String {
        oort_sema::dump_types(&unit.ast, &unit.sema, &unit.file)
    }
}

pub struct LowerPass;

impl Pass for LowerPass {
    fn name(&self) -> &'static str {
        "lower"
    }
    fn description(&self) -> &'static str {
        "translate the typed AST into the graph IR"
    }
    fn kind(&self) -> PassKind {
        PassKind::Lowering
    }
    fn run(&self, unit: &mut Unit) {
        // The flow graphs are the flow checks' alone (a flow pass after this one builds
        // them again): free them before the IR takes their place in memory.
        unit.flow = None;
        let (module, diags) = crate::lower::lower(&unit.ast, &unit.sema, &unit.file);
        unit.ir = Some(module);
        unit.diags.extend(diags);
    }
    fn dump(&self, unit: &Unit) -> String {
        unit.ir_text()
    }
}

/// One flow check of LANGUAGE.md §9: what it reports and what it prints.
pub struct FlowPass {
    name: &'static str,
    description: &'static str,
    check: fn(&Unit, &mut FlowInfo) -> Vec<Diagnostic>,
    dump: fn(&Unit, &FlowInfo) -> String,
}

impl Pass for FlowPass {
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn kind(&self) -> PassKind {
        PassKind::Check
    }
    fn run(&self, unit: &mut Unit) {
        // The flow graphs are built once, by the first flow check that runs.
        let mut flow = unit.flow.take().unwrap_or_else(|| {
            let start = std::time::Instant::now();
            let flow = FlowInfo::build(&unit.ast, &unit.sema);
            tracing::debug!(elapsed_us = start.elapsed().as_micros() as u64, "flow graphs built");
            flow
        });
        let mut diags = (self.check)(unit, &mut flow);
        unit.flow = Some(flow);
        // On a program that already has errors (names, types), the checks still report
        // errors, but no warnings: they would mostly be echoes of the errors (a variable
        // whose initializer is wrong is "unused", code after a misplaced `break` is
        // "unreachable").
        if unit.has_errors() {
            diags.retain(Diagnostic::is_error);
        }
        unit.diags.extend(diags);
    }
    fn dump(&self, unit: &Unit) -> String {
        unit.flow.as_ref().map(|f| (self.dump)(unit, f)).unwrap_or_default()
    }
}

/// The four flow checks, in pipeline order.
pub fn flow_passes() -> [FlowPass; 4] {
    use oort_sema::flow::{self, dump};
    [
        FlowPass {
            name: "init",
            description: "definite assignment; unused variables (facts: assigned set per statement)",
            check: |unit, f| {
                let (result, diags) = flow::init::check(&unit.ast, &unit.sema, f);
                f.init = Some(result);
                diags
            },
            dump: |unit, f| dump::dump_init(&unit.ast, &unit.sema, &unit.file, f),
        },
        FlowPass {
            name: "return",
            description: "non-void functions never fall off their end",
            check: |unit, f| flow::check_return(&unit.ast, &unit.sema, f),
            dump: |unit, f| dump::dump_return(&unit.ast, &unit.sema, &unit.file, f),
        },
        FlowPass {
            name: "null",
            description: "non-null types and the definite-null rule (facts: null state per statement)",
            check: |unit, f| flow::null::check(&unit.ast, &unit.sema, f),
            dump: |unit, f| dump::dump_null(&unit.ast, &unit.sema, &unit.file, f),
        },
        FlowPass {
            name: "reach",
            description: "warn about unreachable code (facts: reachability per statement)",
            check: |unit, f| flow::reach::check(&unit.ast, &unit.file.text, f),
            dump: |unit, f| dump::dump_reach(&unit.ast, &unit.file, f),
        },
    ]
}

/// Registers `symbol`, `typecheck`, the flow checks and `lower`.
pub fn register(reg: &mut Registry) {
    reg.register(Rc::new(SymbolPass));
    reg.register(Rc::new(TypecheckPass));
    for p in flow_passes() {
        reg.register(Rc::new(p));
    }
    reg.register(Rc::new(LowerPass));
}
