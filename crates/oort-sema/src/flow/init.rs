//! `init`: definite assignment (LANGUAGE.md §9), and the unused-variable warning.
//!
//! In each function, a must-analysis: the variables assigned on every path (the join is
//! intersection; an unreachable node holds "everything"). A read of a variable of the
//! function that is not in the set is an error. Nested functions are the subtle part:
//! referring to one (calling it, naming it, creating a lambda, `new` of a class with
//! methods, `super.m`) counts as reading every enclosing variable that it reads before
//! assigning it itself — its *requirements* — transitively through what it refers to.
//! Requirements are found by the same analysis: in a nested function, a read of an
//! enclosing variable not assigned within the function so far adds it to the function's
//! requirements instead of being an error. Functions refer to each other recursively, so
//! the requirements are iterated to a fixed point before errors are reported.

use super::bits::Bits;
use super::dataflow::{Analysis, Solution, solve};
use super::graph::{Event, FlowGraph, NodeId};
use super::{FlowInfo, own_var};
use crate::model::{SemaInfo, VarId, VarKind};
use indexmap::{IndexMap, IndexSet};
use oort_syntax::ast::{Ast, ExprId, FuncId, FuncKind};
use oort_syntax::{Code, Diagnostic};

/// What `init` computed.
#[derive(Clone, Debug, Default)]
pub struct InitResult {
    /// Per function, the enclosing variables it reads before assigning them (including
    /// through the functions it refers to).
    pub requires: IndexMap<FuncId, IndexSet<VarId>>,
}

/// The variables of one function's analysis, numbered densely.
struct Vars {
    index: IndexMap<VarId, usize>,
}

impl Vars {
    fn of(g: &FlowGraph, requires: &IndexMap<FuncId, IndexSet<VarId>>, sema: &SemaInfo) -> Vars {
        let mut index = IndexMap::new();
        let mut add = |v: VarId| {
            let n = index.len();
            index.entry(v).or_insert(n);
        };
        for &p in &sema.func(g.func).params {
            add(p);
        }
        for n in &g.nodes {
            match &n.event {
                Event::Decl(v) | Event::Read(v, _) | Event::Write(v, _) => add(*v),
                Event::RefFunc(h, _) => requires.get(h).into_iter().flatten().for_each(|&v| add(v)),
                _ => {}
            }
        }
        Vars { index }
    }
}

struct Init<'a> {
    vars: &'a Vars,
    params: Vec<usize>,
}

impl Analysis for Init<'_> {
    type State = Bits;

    fn entry(&self) -> Bits {
        let mut s = Bits::empty(self.vars.index.len());
        for &p in &self.params {
            s.insert(p);
        }
        s
    }

    fn transfer(&self, _node: NodeId, event: &Event, state: &mut Bits) {
        match event {
            Event::Decl(v) => state.set(self.vars.index[v], false),
            Event::Write(v, _) => state.insert(self.vars.index[v]),
            _ => {}
        }
    }

    fn join(&self, into: &mut Bits, from: &Bits) {
        into.intersect_with(from);
    }
}

/// The numbering of `g`'s variables, with the requirements known so far.
fn numbering(g: &FlowGraph, sema: &SemaInfo, requires: &IndexMap<FuncId, IndexSet<VarId>>) -> (Vars, Vec<usize>) {
    let vars = Vars::of(g, requires, sema);
    let params = sema.func(g.func).params.iter().map(|p| vars.index[p]).collect();
    (vars, params)
}

/// The assigned variables at the entry of each node, for `--emit=init`.
pub fn assigned_sets(g: &FlowGraph, sema: &SemaInfo, result: &InitResult) -> Vec<Option<Vec<VarId>>> {
    let (vars, params) = numbering(g, sema, &result.requires);
    let a = Init { vars: &vars, params };
    let states = solve(g, &a).per_node(g, &a);
    states
        .into_iter()
        .map(|s| s.map(|s| vars.index.iter().filter(|&(_, &i)| s.contains(i)).map(|(&v, _)| v).collect()))
        .collect()
}

/// One violation: at expression `at`, variable `var` may be unassigned; `via` is the
/// nested function whose reference reads it, if any.
struct Violation {
    at: ExprId,
    var: VarId,
    via: Option<FuncId>,
}

/// Runs one function's analysis: its violations of its own variables, and its
/// requirements (enclosing variables read while unassigned).
fn check_function(
    g: &FlowGraph,
    sema: &SemaInfo,
    requires: &IndexMap<FuncId, IndexSet<VarId>>,
) -> (Vec<Violation>, IndexSet<VarId>) {
    let f = g.func;
    let (vars, params) = numbering(g, sema, requires);
    let a = Init { vars: &vars, params };
    let solution: Solution<Bits> = solve(g, &a);
    // Unassigned reads, with their node: reported in node order, the first of each
    // (expression, variable) pair.
    let mut found: Vec<(NodeId, Violation)> = Vec::new();
    let mut needed: Vec<(NodeId, VarId)> = Vec::new();
    solution.for_each(g, &a, |n, state| {
        let mut check = |v: VarId, at: ExprId, via: Option<FuncId>| {
            if state.contains(vars.index[&v]) {
                return;
            }
            if own_var(sema, f, v) {
                found.push((n, Violation { at, var: v, via }));
            } else if !matches!(sema.var(v).kind, VarKind::Label(_)) {
                needed.push((n, v));
            }
        };
        match &g.nodes[n as usize].event {
            Event::Read(v, e) => check(*v, *e, None),
            Event::RefFunc(h, e) => {
                for &v in requires.get(h).into_iter().flatten() {
                    check(v, *e, Some(*h));
                }
            }
            _ => {}
        }
    });
    found.sort_by_key(|&(n, _)| n);
    let mut seen: IndexSet<(ExprId, VarId)> = IndexSet::new();
    let violations = found.into_iter().map(|(_, v)| v).filter(|v| seen.insert((v.at, v.var))).collect();
    // The requirements in node order too (not the order blocks were visited in).
    needed.sort_by_key(|&(n, _)| n);
    (violations, needed.into_iter().map(|(_, v)| v).collect())
}

/// The `init` check over every function of the program.
pub fn check(ast: &Ast, sema: &SemaInfo, flow: &FlowInfo) -> (InitResult, Vec<Diagnostic>) {
    // Requirements grow monotonically. Every function is analyzed once, innermost first;
    // when a function's requirements grow, the functions referring to it are analyzed
    // again. At the fixed point, each function's latest analysis saw the final
    // requirements of everything it refers to, so its violations are the ones to report.
    let order: Vec<FuncId> = flow.graphs.keys().rev().copied().collect();
    let mut referrers: IndexMap<FuncId, Vec<FuncId>> = IndexMap::new();
    for (&f, gs) in &flow.facts.refs {
        for &g in gs {
            referrers.entry(g).or_default().push(f);
        }
    }
    let mut requires: IndexMap<FuncId, IndexSet<VarId>> = order.iter().map(|&f| (f, IndexSet::new())).collect();
    let mut violations: IndexMap<FuncId, Vec<Violation>> = IndexMap::new();
    let mut work: std::collections::VecDeque<FuncId> = order.iter().copied().collect();
    let mut queued: IndexSet<FuncId> = order.iter().copied().collect();
    while let Some(f) = work.pop_front() {
        queued.swap_remove(&f);
        let (found, needs) = check_function(&flow.graphs[&f], sema, &requires);
        violations.insert(f, found);
        let r = &mut requires[&f];
        let before = r.len();
        r.extend(needs);
        if r.len() != before {
            for &h in referrers.get(&f).into_iter().flatten() {
                if queued.insert(h) {
                    work.push_back(h);
                }
            }
        }
    }
    let mut diags = Vec::new();
    for f in flow.graphs.keys() {
        for Violation { at, var, via } in violations.swap_remove(f).unwrap_or_default() {
            diags.push(violation_diag(ast, sema, at, var, via));
        }
    }
    diags.extend(unused_variables(ast, sema, flow));
    (InitResult { requires }, diags)
}

fn violation_diag(ast: &Ast, sema: &SemaInfo, at: ExprId, var: VarId, via: Option<FuncId>) -> Diagnostic {
    let info = sema.var(var);
    let name = ast.name(info.name);
    let span = ast.expr(at).span;
    let d = match via {
        None => {
            Diagnostic::new(Code::UnassignedRead, span, format!("variable `{name}` may be read before it is assigned"))
                .with_primary_label(format!("`{name}` may be unassigned here"))
        }
        Some(h) => {
            let what = match (ast.func(h).kind, ast.func(h).name) {
                (FuncKind::Lambda, _) => "this lambda".to_string(),
                (FuncKind::FieldInit(c), _) => {
                    format!("the field initializers of class `{}`", ast.name(ast.class(c).name.sym))
                }
                (_, Some(n)) => format!("`{}`", ast.name(n.sym)),
                (_, None) => "this function".to_string(),
            };
            Diagnostic::new(
                Code::UnassignedRead,
                span,
                format!("{what} reads variable `{name}`, which may not be assigned yet"),
            )
            .with_primary_label(format!("`{name}` may be unassigned here"))
            .with_note("referring to a nested function counts as reading the enclosing variables it reads")
        }
    };
    d.with_label(info.span, format!("`{name}` declared here"))
}

/// W0002: locals that nothing reads (names starting with `_` are exempt).
fn unused_variables(ast: &Ast, sema: &SemaInfo, flow: &FlowInfo) -> Vec<Diagnostic> {
    let mut read = vec![false; sema.vars.len()];
    for g in flow.graphs.values() {
        for n in &g.nodes {
            if let Event::Read(v, _) = n.event {
                read[v.0 as usize] = true;
            }
        }
    }
    sema.vars
        .iter()
        .enumerate()
        .filter(|&(i, v)| !read[i] && v.kind == VarKind::Local && !ast.name(v.name).starts_with('_'))
        .map(|(_, v)| {
            let name = ast.name(v.name);
            Diagnostic::new(Code::UnusedVariable, v.span, format!("unused variable `{name}`"))
                .with_primary_label("never read")
                .with_note(format!("if this is intentional, prefix it with an underscore: `_{name}`"))
        })
        .collect()
}
