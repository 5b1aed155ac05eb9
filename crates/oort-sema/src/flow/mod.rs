//! The flow checks of LANGUAGE.md §9, as four passes over one framework:
//!
//! - `init` ([`init`]): definite assignment, including what nested functions read;
//! - `return` ([`check_return`]): a non-`void` function does not fall off its end;
//! - `null` ([`null`]): non-null types `T!` and the definite-null rule;
//! - `reach` ([`reach`]): warnings for unreachable user code.
//!
//! Each function body becomes a [`graph::FlowGraph`] (built once, in [`FlowInfo`]), and
//! each check is a forward analysis solved by [`dataflow::solve`]. The facts a pass
//! computed can be printed (`--emit=init`, …) by [`dump`].
//!
//! Architecture invariant: the flow checks only read the AST and the semantic tables;
//! they never change them, and they never panic on a program with errors (nodes whose
//! resolution failed are skipped).

pub mod bits;
pub mod dataflow;
pub mod dump;
pub mod graph;
pub mod init;
pub mod null;
pub mod reach;

use crate::model::{LabelId, Res, SemaInfo, VarId, VarKind};
use graph::{Builder, FlowGraph};
use indexmap::{IndexMap, IndexSet};
use oort_syntax::ast::{Ast, ClassId, ExprId, ExprKind, FuncId, Member};
use oort_syntax::{Code, Diagnostic};

/// Program-wide facts the graphs are built from.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The labels of each function.
    pub labels_of: IndexMap<FuncId, Vec<LabelId>>,
    /// The labels of enclosing functions each function names, directly or through the
    /// functions it refers to.
    pub names_labels: IndexMap<FuncId, IndexSet<LabelId>>,
    /// What `new C` refers to: the field initializers, `init`s and methods of `C` and of
    /// its ancestors.
    pub class_funcs: IndexMap<ClassId, Vec<FuncId>>,
    /// The functions each function refers to (by name, lambda, `new`, `super`).
    pub refs: IndexMap<FuncId, IndexSet<FuncId>>,
    /// Variables assigned by a function other than their own.
    pub assigned_by_nested: IndexSet<VarId>,
}

/// The flow graphs of every function, and the facts they were built from.
#[derive(Clone, Debug, Default)]
pub struct FlowInfo {
    pub facts: Facts,
    /// One graph per function, in AST order.
    pub graphs: IndexMap<FuncId, FlowGraph>,
    /// What `init` found, for `--emit=init` and for `null`.
    pub init: Option<init::InitResult>,
}

impl FlowInfo {
    /// Builds the graphs of every function of a (resolved, type-checked) program.
    pub fn build(ast: &Ast, sema: &SemaInfo) -> FlowInfo {
        let facts = Facts::collect(ast, sema);
        let graphs = sema.funcs.keys().map(|&f| (f, Builder::build(ast, sema, &facts, f))).collect();
        FlowInfo { facts, graphs, init: None }
    }
}

impl Facts {
    fn collect(ast: &Ast, sema: &SemaInfo) -> Facts {
        let mut facts = Facts::default();
        for (i, l) in sema.labels.iter().enumerate() {
            facts.labels_of.entry(l.func).or_default().push(LabelId(i as u32));
        }
        for (&c, _) in &sema.classes {
            let mut funcs = Vec::new();
            let mut k = Some(c);
            while let Some(cls) = k {
                let decl = ast.class(cls);
                funcs.push(decl.field_init);
                for m in &decl.members {
                    if let Member::Method(f) = m {
                        funcs.push(*f);
                    }
                }
                k = sema.classes.get(&cls).and_then(|ci| ci.parent);
            }
            facts.class_funcs.insert(c, funcs);
        }
        // Direct references and direct label names, per function.
        let mut direct_labels: IndexMap<FuncId, IndexSet<LabelId>> = IndexMap::new();
        for (&f, _) in &sema.funcs {
            facts.refs.insert(f, IndexSet::new());
            direct_labels.insert(f, IndexSet::new());
        }
        // Each function's own expressions, in arena order (no whole-program map from
        // expression to function: on a big program that map was most of the time here).
        let mut own = Vec::new();
        for &f in sema.funcs.keys() {
            own.clear();
            for_each_own_expr(ast, f, |e| own.push(e));
            own.sort_by_key(|e| e.index());
            for &e in &own {
                let expr = ast.expr(e);
                match &expr.kind {
                    ExprKind::Name(_) => match sema.names.get(&e) {
                        Some(Res::Func(g)) => {
                            facts.refs[&f].insert(*g);
                        }
                        Some(Res::Label(l)) if sema.label(*l).func != f => {
                            direct_labels[&f].insert(*l);
                        }
                        _ => {}
                    },
                    ExprKind::Lambda(g) => {
                        facts.refs[&f].insert(*g);
                    }
                    ExprKind::New { .. } => {
                        if let Some(c) = sema.news.get(&e) {
                            let gs = facts.class_funcs.get(c).cloned().unwrap_or_default();
                            facts.refs[&f].extend(gs);
                        }
                    }
                    ExprKind::Call { .. } => {
                        if let Some(crate::model::CallKind::Super(g)) = sema.calls.get(&e) {
                            facts.refs[&f].insert(*g);
                        }
                    }
                    ExprKind::Assign { target, .. } | ExprKind::IncDec { target, .. } => {
                        if let Some(Res::Var(v)) = sema.names.get(target)
                            && sema.var(*v).func != f
                        {
                            facts.assigned_by_nested.insert(*v);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Transitive closure: a function names what the functions it refers to name,
        // except its own labels.
        let mut names = direct_labels;
        loop {
            let mut changed = false;
            for (&f, gs) in &facts.refs {
                let mut add: Vec<LabelId> = Vec::new();
                for g in gs {
                    for &l in names.get(g).into_iter().flatten() {
                        if sema.label(l).func != f && !names[&f].contains(&l) {
                            add.push(l);
                        }
                    }
                }
                if !add.is_empty() {
                    changed = true;
                    names[&f].extend(add);
                }
            }
            if !changed {
                break;
            }
        }
        facts.names_labels = names;
        facts
    }
}

/// Calls `visit` on every expression function `f` owns: those in its body but not in the
/// bodies of functions nested in it (a lambda expression belongs to the function it
/// appears in), and for a field-init function its class's field initializers.
pub fn for_each_own_expr(ast: &Ast, f: FuncId, mut visit: impl FnMut(ExprId)) {
    let decl = ast.func(f);
    let mut stack: Vec<ExprId> = Vec::new();
    let mut stmts: Vec<_> = decl.body.clone();
    while let Some(s) = stmts.pop() {
        ast.stmt(s).kind.for_each_child(|t| stmts.push(t), |e| stack.push(e));
    }
    // Field initializers are in the class's field-init function.
    if let oort_syntax::ast::FuncKind::FieldInit(c) = decl.kind {
        for m in &ast.class(c).members {
            if let Member::Field(v) = m
                && let Some(i) = v.init
            {
                stack.push(i);
            }
        }
    }
    while let Some(e) = stack.pop() {
        visit(e);
        ast.expr(e).kind.for_each_child(|c| stack.push(c));
    }
}

/// The `return` check: a non-`void` function whose end is reachable is an error
/// (reported at its closing `}`).
pub fn check_return(ast: &Ast, sema: &SemaInfo, flow: &FlowInfo) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (&f, g) in &flow.graphs {
        let info = sema.func(f);
        if info.ret == crate::ty::TyId::VOID || info.ret == crate::ty::TyId::ERROR {
            continue;
        }
        let reached = dataflow::reachable(g, false);
        if reached[g.fall_off as usize] {
            diags.push(missing_return(ast, f));
        }
    }
    diags
}

/// E0302 for function `f`, at its closing `}`.
pub fn missing_return(ast: &Ast, f: FuncId) -> Diagnostic {
    let decl = ast.func(f);
    let what = match decl.name {
        Some(n) => format!("function `{}`", ast.name(n.sym)),
        None => "lambda".to_string(),
    };
    Diagnostic::new(Code::MissingReturn, decl.end_span, format!("{what} can reach its end without returning a value"))
        .with_primary_label("missing `return` before here")
}

/// Whether variable `v` is one the flow checks track in function `f`: a parameter or
/// local of `f` (not a label's hidden variable).
pub fn own_var(sema: &SemaInfo, f: FuncId, v: VarId) -> bool {
    let info = sema.var(v);
    info.func == f && !matches!(info.kind, VarKind::Label(_))
}
