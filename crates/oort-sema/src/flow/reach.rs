//! `reach`: the unreachable-code warning (LANGUAGE.md §9).
//!
//! A statement is unreachable when no path of its function's flow graph reaches its
//! start, counting the `ReachOnly` edges into the branch an `if` with a constant
//! condition never takes (as in Java, `if (true) {} else { return; }` is not reported).
//! Only statements the user wrote are considered — never the step of a `for`, a loop
//! condition, or anything else the compiler arranges around them — and a run of
//! consecutive unreachable statements (a region) is reported once, at its first
//! statement; statements inside a reported one are not reported again. Declarations of
//! functions, classes and types are not code and neither start nor end a region.

use super::FlowInfo;
use super::dataflow::reachable;
use super::graph::FlowGraph;
use oort_syntax::ast::{Ast, StmtId, StmtKind};
use oort_syntax::{Code, Diagnostic, Span};

/// The first statement of each unreachable region of `g`'s function, in source order.
pub fn unreachable_regions(ast: &Ast, g: &FlowGraph) -> Vec<StmtId> {
    let reached = reachable(g, true);
    let mut out = Vec::new();
    walk(ast, g, &reached, &ast.func(g.func).body, &mut out);
    out
}

fn walk(ast: &Ast, g: &FlowGraph, reached: &[bool], stmts: &[StmtId], out: &mut Vec<StmtId>) {
    let mut in_region = false;
    for &s in stmts {
        let kind = &ast.stmt(s).kind;
        if matches!(kind, StmtKind::Func(_) | StmtKind::Class(_) | StmtKind::TypeAlias { .. } | StmtKind::Empty) {
            continue;
        }
        let Some(&n) = g.stmt_nodes.get(&s) else { continue };
        if !reached[n as usize] {
            if !in_region {
                out.push(s);
                in_region = true;
            }
            continue;
        }
        in_region = false;
        match kind {
            StmtKind::Block(b) => walk(ast, g, reached, b, out),
            StmtKind::If { then, els, .. } => {
                walk(ast, g, reached, &[*then], out);
                if let Some(e) = els {
                    walk(ast, g, reached, &[*e], out);
                }
            }
            StmtKind::While { body, .. } | StmtKind::DoWhile { body, .. } => walk(ast, g, reached, &[*body], out),
            StmtKind::For { init, body, .. } => {
                if let Some(i) = init {
                    walk(ast, g, reached, &[*i], out);
                }
                walk(ast, g, reached, &[*body], out);
            }
            StmtKind::Switch { cases, .. } => {
                for c in cases {
                    walk(ast, g, reached, &c.body, out);
                }
            }
            _ => {}
        }
    }
}

/// The statement's span cut at the end of its first line.
fn first_line(ast: &Ast, text: &str, s: StmtId) -> Span {
    let span = ast.stmt(s).span;
    let lo = span.lo as usize;
    let end = text.get(lo..span.hi as usize).and_then(|t| t.find('\n')).map_or(span.hi, |i| (lo + i) as u32);
    Span { lo: span.lo, hi: end.max(span.lo + 1).min(span.hi.max(span.lo + 1)) }
}

/// The `reach` check: one warning per unreachable region of user code.
pub fn check(ast: &Ast, text: &str, flow: &FlowInfo) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for g in flow.graphs.values() {
        for s in unreachable_regions(ast, g) {
            diags.push(
                Diagnostic::new(Code::Unreachable, first_line(ast, text, s), "unreachable code")
                    .with_primary_label("no path reaches this statement"),
            );
        }
    }
    diags
}
