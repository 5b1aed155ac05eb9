//! `null`: the null flow check (LANGUAGE.md §9).
//!
//! Tracked are the parameters and locals of nullable reference type that no nested
//! function assigns. For each, two may-facts: "an explicit `null` (assignment or
//! initializer) may reach here untested" and "a value of unknown nullness may reach
//! here"; a variable with neither is known non-null. Joins are unions; `x != null`,
//! `x == null`, `x is C` (through the `Assume` nodes of the graph) and assignments of
//! known non-null values refine. Where a test finds the variable null, the facts stay as
//! they were: an explicit `null` that reached the test still reaches past it.
//!
//! Two errors: a tracked variable that is not known non-null converted to a `T!`
//! (E0303), and a member access, index, call or `goto` on a tracked variable an explicit
//! `null` may reach (E0304). What the check cannot see — fields, elements, captured
//! variables assigned by nested functions — keeps the run-time check the type checker
//! put on its conversion.

use super::bits::Bits;
use super::dataflow::{Analysis, Solution, solve};
use super::graph::{EdgeKind, Event, FlowGraph, NodeId};
use super::{FlowInfo, own_var};
use crate::model::{Res, SemaInfo, VarId};
use crate::ty::TyKind;
use indexmap::IndexMap;
use oort_syntax::ast::{Ast, ExprId, ExprKind};
use oort_syntax::{Code, Diagnostic};

/// The null state of every tracked variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NullState {
    /// An explicit `null` may reach the variable, untested.
    pub null: Bits,
    /// A value of unknown nullness may reach it.
    pub unknown: Bits,
}

/// How null a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Nullness {
    null: bool,
    unknown: bool,
}

const NON_NULL: Nullness = Nullness { null: false, unknown: false };
const UNKNOWN: Nullness = Nullness { null: false, unknown: true };

pub(super) struct Null<'a> {
    ast: &'a Ast,
    sema: &'a SemaInfo,
    /// Tracked variables, numbered.
    pub(super) tracked: IndexMap<VarId, usize>,
}

impl<'a> Null<'a> {
    pub(super) fn new(ast: &'a Ast, sema: &'a SemaInfo, flow: &FlowInfo, g: &FlowGraph) -> Null<'a> {
        let mut tracked = IndexMap::new();
        let mut add = |v: VarId| {
            let info = sema.var(v);
            let ty = info.ty;
            if own_var(sema, g.func, v)
                && sema.types.is_ref(ty)
                && !matches!(sema.types.kind(ty), TyKind::NonNull(_) | TyKind::Error)
                && !flow.facts.assigned_by_nested.contains(&v)
            {
                let n = tracked.len();
                tracked.entry(v).or_insert(n);
            }
        };
        for &p in &sema.func(g.func).params {
            add(p);
        }
        for n in &g.nodes {
            if let Event::Decl(v) | Event::Write(v, _) = n.event {
                add(v);
            }
        }
        Null { ast, sema, tracked }
    }

    fn set(&self, state: &mut NullState, v: VarId, n: Nullness) {
        if let Some(&i) = self.tracked.get(&v) {
            state.null.set(i, n.null);
            state.unknown.set(i, n.unknown);
        }
    }

    fn get(&self, state: &NullState, v: VarId) -> Option<Nullness> {
        self.tracked.get(&v).map(|&i| Nullness { null: state.null.contains(i), unknown: state.unknown.contains(i) })
    }

    /// How null the value of expression `e` is, in `state` (before the assignment).
    fn value(&self, state: &NullState, e: ExprId) -> Nullness {
        if self.sema.non_null_by_form(self.ast, e) {
            return NON_NULL;
        }
        match &self.ast.expr(e).kind {
            ExprKind::Null => Nullness { null: true, unknown: false },
            ExprKind::Convert(x) => self.value(state, *x),
            ExprKind::Assign { op: None, value, .. } => self.value(state, *value),
            ExprKind::Cond(_, a, b) => {
                let (a, b) = (self.value(state, *a), self.value(state, *b));
                Nullness { null: a.null || b.null, unknown: a.unknown || b.unknown }
            }
            ExprKind::Name(_) => match self.sema.names.get(&e) {
                Some(Res::Var(v)) => self.get(state, *v).unwrap_or(UNKNOWN),
                _ => UNKNOWN,
            },
            _ => UNKNOWN,
        }
    }

    /// The tracked variable `e` (under conversions) reads, if any.
    fn tracked_operand(&self, e: ExprId) -> Option<(VarId, ExprId)> {
        let mut x = e;
        while let ExprKind::Convert(a) = &self.ast.expr(x).kind {
            x = *a;
        }
        match (&self.ast.expr(x).kind, self.sema.names.get(&x)) {
            (ExprKind::Name(_), Some(Res::Var(v))) if self.tracked.contains_key(v) => Some((*v, x)),
            _ => None,
        }
    }
}

impl Analysis for Null<'_> {
    type State = NullState;

    fn entry(&self) -> NullState {
        let n = self.tracked.len();
        NullState { null: Bits::empty(n), unknown: Bits::full(n) }
    }

    fn transfer(&self, _node: NodeId, event: &Event, state: &mut NullState) {
        match event {
            Event::Decl(v) => self.set(state, *v, UNKNOWN),
            Event::Write(v, Some(e)) => {
                let n = self.value(state, *e);
                self.set(state, *v, n);
            }
            Event::Write(v, None) => self.set(state, *v, UNKNOWN),
            Event::Assume(v, true) => self.set(state, *v, NON_NULL),
            // Where a test found the variable null, whatever `null` reached it still does.
            Event::Assume(_, false) => {}
            _ => {}
        }
    }

    fn join(&self, into: &mut NullState, from: &NullState) {
        into.null.union_with(&from.null);
        into.unknown.union_with(&from.unknown);
    }

    fn along(&self, kind: EdgeKind, state: &NullState) -> NullState {
        let mut s = state.clone();
        if kind == EdgeKind::LabelValue {
            // A jump through the label value comes later, when anything may hold: nothing
            // is known, and no particular `null` is known to reach.
            let n = self.tracked.len();
            s.unknown = Bits::full(n);
            s.null = Bits::empty(n);
        }
        s
    }
}

/// The null states of `g`, and the analysis (for its numbering).
pub(super) fn analyze<'a>(
    ast: &'a Ast,
    sema: &'a SemaInfo,
    flow: &FlowInfo,
    g: &FlowGraph,
) -> (Null<'a>, Solution<NullState>) {
    let a = Null::new(ast, sema, flow, g);
    let states = solve(g, &a);
    (a, states)
}

/// The `null` check over every function of the program.
pub fn check(ast: &Ast, sema: &SemaInfo, flow: &FlowInfo) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for g in flow.graphs.values() {
        let a = Null::new(ast, sema, flow, g);
        if a.tracked.is_empty() {
            continue;
        }
        // Reported in node order (not the order blocks are visited in).
        let mut found: Vec<(NodeId, Diagnostic)> = Vec::new();
        solve(g, &a).for_each(g, &a, |n, state| {
            let mut push = |d: Diagnostic| found.push((n, d));
            match &g.nodes[n as usize].event {
                Event::Deref(v, e) if a.get(state, *v).is_some_and(|n| n.null) => {
                    let name = ast.name(sema.var(*v).name);
                    push(
                        Diagnostic::new(Code::NullDeref, ast.expr(*e).span, format!("`{name}` may be null here"))
                            .with_primary_label(format!("a `null` assigned to `{name}` may reach here untested"))
                            .with_label(sema.var(*v).span, format!("`{name}` declared here"))
                            .with_note(format!("test it first: `if ({name} != null) …`")),
                    );
                }
                Event::NonNullConvert(c) => {
                    let ExprKind::Convert(operand) = &ast.expr(*c).kind else { return };
                    let Some((v, at)) = a.tracked_operand(*operand) else { return };
                    if a.get(state, v).is_some_and(|n| n.null || n.unknown) {
                        let name = ast.name(sema.var(v).name);
                        let want = sema.display_ty(sema.ty_of(*c));
                        push(
                            Diagnostic::new(
                                Code::NullIntoNonNull,
                                ast.expr(at).span,
                                format!("`{name}` may be null here, but a `{want}` is required"),
                            )
                            .with_primary_label("not known to be non-null")
                            .with_label(sema.var(v).span, format!("`{name}` declared here"))
                            .with_note(format!("test it first: `if ({name} != null) …`")),
                        );
                    }
                }
                _ => {}
            }
        });
        found.sort_by_key(|&(n, _)| n);
        diags.extend(found.into_iter().map(|(_, d)| d));
    }
    diags
}
