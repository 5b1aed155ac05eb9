//! Deterministic text dumps of the `symbol` and `typecheck` passes (`--emit=symbol`,
//! `--emit=typecheck`). Both formats are pinned by tests.
//!
//! ## Symbols
//! The scope tree, two spaces of indentation per level, then every name use in source
//! order:
//! ```text
//! scope s0 body main
//!   v0 x @1:1 local captured
//!   func fib @2:1 (v1 n) uses_outer
//!   scope s1 body fib
//!     v1 n @2:6 param
//!     scope s2 block
//! names
//!   3:12 n -> v1
//!   3:20 fib -> func fib
//!   4:7 sqrt -> builtin sqrt
//!   5:1 nope -> error
//! ```
//! A scope line is `scope sN KIND` with KIND one of `body F`, `block`, `for`,
//! `case K` (K counted from 0). Under it come its variables (`vN name @line:col`, then
//! `param`/`local`, then `captured` when set), then the functions declared in it
//! (`func F @line:col (params)`, then `uses_outer` when set), then its child scopes (a
//! function's body scope is a child of the scope the function is declared in). Functions
//! are named by their name, `main`, or `lambda@line:col` for a lambda.
//!
//! ## Types
//! A header with one line per function, `func F: TYPE` (in the order `symbol` met them),
//! then the typed AST: the `--emit=ast` format with ` : TYPE` appended to every expression
//! line (`{error}` where checking failed).

use crate::model::*;
use oort_syntax::SourceFile;
use oort_syntax::ast::{Ast, FuncId, FuncKind};
use std::fmt::Write;

/// The name a dump uses for a function.
pub fn func_name(ast: &Ast, file: &SourceFile, f: FuncId) -> String {
    let decl = ast.func(f);
    match (decl.kind, decl.name) {
        (FuncKind::Main, _) => "main".into(),
        (FuncKind::FieldInit(c), _) => format!("{}.$fields", ast.name(ast.class(c).name.sym)),
        (FuncKind::Method(c), Some(n)) => format!("{}.{}", ast.name(ast.class(c).name.sym), ast.name(n.sym)),
        (_, Some(n)) => ast.name(n.sym).into(),
        (_, None) => {
            let (l, c) = file.line_col(decl.span.lo);
            format!("lambda@{l}:{c}")
        }
    }
}

/// The `--emit=symbol` dump.
pub fn dump_symbols(ast: &Ast, sema: &SemaInfo, file: &SourceFile) -> String {
    let mut out = String::new();
    for (i, s) in sema.scopes.iter().enumerate() {
        if s.parent.is_none() {
            scope(&mut out, ast, sema, file, ScopeId(i as u32), 0);
        }
    }
    out.push_str("names\n");
    let mut uses: Vec<_> = sema.names.iter().map(|(&e, &r)| (ast.expr(e).span, e, r)).collect();
    uses.sort_by_key(|&(sp, e, _)| (sp.lo, sp.hi, e.index()));
    for (sp, _, r) in uses {
        let (l, c) = file.line_col(sp.lo);
        let target = match r {
            Res::Var(v) => format!("v{}", v.0),
            Res::Func(f) => format!("func {}", func_name(ast, file, f)),
            Res::Builtin(b) => format!("builtin {}", b.name()),
            Res::Member { this, class } => {
                format!("member of {} (this v{})", ast.name(ast.class(class).name.sym), this.0)
            }
            Res::Label(l) => format!("label {}", ast.name(sema.label(l).name)),
            Res::Error => "error".into(),
        };
        let _ = writeln!(out, "  {l}:{c} {} -> {target}", file.slice(sp));
    }
    out
}

fn scope(out: &mut String, ast: &Ast, sema: &SemaInfo, file: &SourceFile, id: ScopeId, depth: usize) {
    let pad = "  ".repeat(depth);
    let info = sema.scope(id);
    let kind = match info.kind {
        ScopeKind::FuncBody(f) => format!("body {}", func_name(ast, file, f)),
        ScopeKind::Block(_) => "block".into(),
        ScopeKind::For(_) => "for".into(),
        ScopeKind::Case(_, k) => format!("case {k}"),
        ScopeKind::Class(c) => format!("class {}", ast.name(ast.class(c).name.sym)),
    };
    let _ = writeln!(out, "{pad}scope s{} {kind}", id.0);
    for &v in &info.vars {
        let _ = writeln!(out, "{pad}  {}", var_line(ast, sema, file, v));
    }
    for (&f, fi) in &sema.funcs {
        if fi.decl_scope != Some(id) {
            continue;
        }
        let (l, c) = file.line_col(ast.func(f).span.lo);
        let params: Vec<String> =
            fi.params.iter().map(|&p| format!("v{} {}", p.0, ast.name(sema.var(p).name))).collect();
        let outer = if fi.uses_outer { " uses_outer" } else { "" };
        let _ = writeln!(out, "{pad}  func {} @{l}:{c} ({}){outer}", func_name(ast, file, f), params.join(", "));
    }
    for (i, s) in sema.scopes.iter().enumerate() {
        if s.parent == Some(id) {
            scope(out, ast, sema, file, ScopeId(i as u32), depth + 1);
        }
    }
}

fn var_line(ast: &Ast, sema: &SemaInfo, file: &SourceFile, v: VarId) -> String {
    let vi = sema.var(v);
    let (l, c) = file.line_col(vi.span.lo);
    let kind = match vi.kind {
        VarKind::Param => "param",
        VarKind::Local => "local",
        VarKind::Label(_) => "label",
    };
    let cap = if vi.captured { " captured" } else { "" };
    format!("v{} {} @{l}:{c} {kind}{cap}", v.0, ast.name(vi.name))
}

/// The `--emit=typecheck` dump.
pub fn dump_types(ast: &Ast, sema: &SemaInfo, file: &SourceFile) -> String {
    let mut out = String::new();
    for (&f, fi) in &sema.funcs {
        let _ = writeln!(out, "func {}: {}", func_name(ast, file, f), sema.display_ty(fi.ty));
    }
    out.push_str(&oort_syntax::print::ast_to_string(ast, file, &|e| Some(sema.display_ty(sema.ty_of(e)))));
    out
}
