//! The front-end passes as pipeline values: `symbol` and `typecheck` (adapters over
//! `oort-sema`) and `lower` (typed AST → IR).

use crate::pass::{Pass, PassKind, Registry, Unit};
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
        let (module, diags) = crate::lower::lower(&unit.ast, &unit.sema, &unit.file);
        unit.ir = Some(module);
        unit.diags.extend(diags);
    }
    fn dump(&self, unit: &Unit) -> String {
        unit.ir.as_ref().map(crate::print::module_to_string).unwrap_or_default()
    }
}

/// Registers `symbol`, `typecheck` and `lower`.
pub fn register(reg: &mut Registry) {
    reg.register(Rc::new(SymbolPass));
    reg.register(Rc::new(TypecheckPass));
    reg.register(Rc::new(LowerPass));
}
