//! Text dumps of what the flow checks computed (`--emit=init`, `--emit=null`,
//! `--emit=return`, `--emit=reach`): per function, per statement in source order, the
//! facts at the statement's start. The format is stable; tests pin it.

use super::graph::FlowGraph;
use super::{FlowInfo, dataflow, init, null, reach};
use crate::model::{SemaInfo, VarId};
use oort_syntax::SourceFile;
use oort_syntax::ast::{Ast, FuncKind, StmtKind};
use std::fmt::Write;

fn func_title(ast: &Ast, file: &SourceFile, g: &FlowGraph) -> String {
    let decl = ast.func(g.func);
    let (line, col) = file.line_col(decl.span.lo);
    match (decl.kind, decl.name) {
        (FuncKind::Main, _) => "top level".to_string(),
        (FuncKind::Lambda, _) => format!("lambda at {line}:{col}"),
        (FuncKind::FieldInit(c), _) => format!("field initializers of `{}`", ast.name(ast.class(c).name.sym)),
        (_, Some(n)) => format!("function `{}` at {line}:{col}", ast.name(n.sym)),
        (_, None) => format!("function at {line}:{col}"),
    }
}

fn stmt_name(kind: &StmtKind) -> &'static str {
    match kind {
        StmtKind::Expr(_) => "expr",
        StmtKind::VarDecl(_) => "var",
        StmtKind::Func(_) => "fn",
        StmtKind::Class(_) => "class",
        StmtKind::TypeAlias { .. } => "type",
        StmtKind::Block(_) => "block",
        StmtKind::Empty => "empty",
        StmtKind::Print(_) => "print",
        StmtKind::If { .. } => "if",
        StmtKind::While { .. } => "while",
        StmtKind::DoWhile { .. } => "do",
        StmtKind::For { .. } => "for",
        StmtKind::Break => "break",
        StmtKind::Continue => "continue",
        StmtKind::Return(_) => "return",
        StmtKind::Switch { .. } => "switch",
        StmtKind::Label(_) => "label",
        StmtKind::Goto(_) => "goto",
        StmtKind::Error => "error",
    }
}

/// `{a, b}`: variable names in declaration order.
fn names(ast: &Ast, sema: &SemaInfo, vars: impl IntoIterator<Item = VarId>) -> String {
    let mut vars: Vec<VarId> = vars.into_iter().collect();
    vars.sort();
    let v: Vec<&str> = vars.into_iter().map(|v| ast.name(sema.var(v).name)).collect();
    format!("{{{}}}", v.join(", "))
}

/// Writes one line per statement: `  L:C  kind  <facts>`.
fn per_statement(
    out: &mut String,
    ast: &Ast,
    file: &SourceFile,
    g: &FlowGraph,
    facts: &dyn Fn(usize) -> Option<String>,
) {
    for (&s, &n) in &g.stmt_nodes {
        let (line, col) = file.line_col(ast.stmt(s).span.lo);
        let what = facts(n as usize).unwrap_or_else(|| "unreachable".to_string());
        let at = format!("{line}:{col}");
        let _ = writeln!(out, "  {at:<7} {:<8} {what}", stmt_name(&ast.stmt(s).kind));
    }
}

/// `--emit=init`: the definitely assigned variables at the start of each statement, and
/// each function's requirements.
pub fn dump_init(ast: &Ast, sema: &SemaInfo, file: &SourceFile, flow: &FlowInfo) -> String {
    let mut out = String::new();
    let empty = init::InitResult::default();
    let result = flow.init.as_ref().unwrap_or(&empty);
    for g in flow.graphs.values() {
        let _ = writeln!(out, "{}", func_title(ast, file, g));
        if let Some(r) = result.requires.get(&g.func).filter(|r| !r.is_empty()) {
            let _ = writeln!(out, "  requires {}", names(ast, sema, r.iter().copied()));
        }
        let sets = init::assigned_sets(g, sema, result);
        per_statement(&mut out, ast, file, g, &|n| {
            sets[n].as_ref().map(|s| format!("assigned {}", names(ast, sema, s.iter().copied())))
        });
    }
    out
}

/// `--emit=null`: at the start of each statement, the tracked variables known non-null,
/// those an explicit `null` may reach, and the rest.
pub fn dump_null(ast: &Ast, sema: &SemaInfo, file: &SourceFile, flow: &FlowInfo) -> String {
    let mut out = String::new();
    for g in flow.graphs.values() {
        let (a, solution) = null::analyze(ast, sema, flow, g);
        let states = solution.per_node(g, &a);
        let _ = writeln!(out, "{}", func_title(ast, file, g));
        if a.tracked.is_empty() {
            let _ = writeln!(out, "  (no tracked variables)");
            continue;
        }
        per_statement(&mut out, ast, file, g, &|n| {
            states[n].as_ref().map(|s| {
                let pick = |f: &dyn Fn(usize) -> bool| {
                    names(ast, sema, a.tracked.iter().filter(|&(_, &i)| f(i)).map(|(&v, _)| v))
                };
                format!(
                    "non-null {} null {} unknown {}",
                    pick(&|i| !s.null.contains(i) && !s.unknown.contains(i)),
                    pick(&|i| s.null.contains(i)),
                    pick(&|i| !s.null.contains(i) && s.unknown.contains(i)),
                )
            })
        });
    }
    out
}

/// `--emit=return`: for each function returning a value, whether its end is reachable.
pub fn dump_return(ast: &Ast, sema: &SemaInfo, file: &SourceFile, flow: &FlowInfo) -> String {
    let mut out = String::new();
    for g in flow.graphs.values() {
        let ret = sema.func(g.func).ret;
        let verdict = if ret == crate::ty::TyId::VOID {
            "returns void"
        } else if dataflow::reachable(g, false)[g.fall_off as usize] {
            "can fall off its end"
        } else {
            "never falls off its end"
        };
        let _ = writeln!(out, "{}: {verdict}", func_title(ast, file, g));
    }
    out
}

/// `--emit=reach`: each statement's reachability, and where each unreachable region starts.
pub fn dump_reach(ast: &Ast, file: &SourceFile, flow: &FlowInfo) -> String {
    let mut out = String::new();
    for g in flow.graphs.values() {
        let _ = writeln!(out, "{}", func_title(ast, file, g));
        let reached = dataflow::reachable(g, true);
        let strict = dataflow::reachable(g, false);
        per_statement(&mut out, ast, file, g, &|n| {
            reached[n].then(|| if strict[n] { "reachable" } else { "reachable (constant condition)" }.to_string())
        });
        for s in reach::unreachable_regions(ast, g) {
            let (line, col) = file.line_col(ast.stmt(s).span.lo);
            let _ = writeln!(out, "  region starts at {line}:{col}");
        }
    }
    out
}
