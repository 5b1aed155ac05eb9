//! The flow graph of one function body, built from the typed AST: the common ground of
//! the flow checks (`init`, `null`, `return`, `reach`).
//!
//! Each node carries one [`Event`] — what happens at that point in evaluation order that
//! some analysis cares about — and its successors. Conditions are built with separate
//! true and false successors (short-circuit `&&`/`||`, `!`, `?:`), so what an analysis
//! knows "if true" and "if false" falls out of the graph instead of being tracked by hand.
//! A constant condition (`true`/`false` combined with `!`, `&&`, `||`) gets only the edge
//! it takes (LANGUAGE.md §9, as in Java).
//!
//! Nodes that transfer control (`break`, `continue`, `return`, `goto`) end their path: the
//! code after them starts a node without predecessors, so it is unreachable unless a label
//! makes it reachable — and an analysis never sees facts flow into it from the jump.
//!
//! Label entries: a label's node has an edge from falling through, from each local
//! `goto`, and a [`EdgeKind::LabelValue`] edge from each point where the label's value is
//! taken or a nested function naming it (transitively) is referred to.

use super::Facts;
use crate::model::{CallKind, LabelId, Res, SemaInfo, VarId};
use indexmap::IndexMap;
use oort_syntax::Span;
use oort_syntax::ast::{Ast, BinOp, ExprId, ExprKind, FuncId, FuncKind, Member, StmtId, StmtKind, UnOp};
use smallvec::SmallVec;

/// A node index in a [`FlowGraph`].
pub type NodeId = u32;

/// What happens at a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Nothing (a join point, or the start of a path).
    Nop,
    /// The start of statement `StmtId` (for reachability and the dumps).
    Stmt(StmtId),
    /// A declaration without initializer: the variable is fresh and unassigned.
    Decl(VarId),
    /// A read of variable `VarId` by the `Name` expression `ExprId`.
    Read(VarId, ExprId),
    /// An assignment to a variable of the value of an expression (`None`: a value the
    /// analyses know nothing about, e.g. `x += 1`).
    Write(VarId, Option<ExprId>),
    /// A member access, index, call or `goto` on the value of variable `VarId`, read by
    /// the `Name` expression `ExprId`.
    Deref(VarId, ExprId),
    /// A reference to (or the creation of) nested function `FuncId` by expression `ExprId`:
    /// it counts as reading what the function reads.
    RefFunc(FuncId, ExprId),
    /// Only reached on the edge where `VarId` tested non-null (`true`) or null (`false`).
    Assume(VarId, bool),
    /// A conversion of expression `ExprId` (the `Convert` node) to a non-null type, of a
    /// value the type checker could not prove non-null.
    NonNullConvert(ExprId),
}

/// How an edge is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// Ordinary control flow.
    Normal,
    /// From a point where a label's value is taken (or a nested function naming it is
    /// referred to) to the label: a later `goto` through the value may enter there.
    LabelValue,
    /// Only for reachability warnings: into the branch an `if` with a constant condition
    /// never takes (Java's rule: such code is not reported unreachable).
    ReachOnly,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub event: Event,
    pub span: Span,
    pub succ: SmallVec<[(NodeId, EdgeKind); 2]>,
}

/// The flow graph of one function.
#[derive(Clone, Debug)]
pub struct FlowGraph {
    pub func: FuncId,
    pub nodes: Vec<Node>,
    /// Where the body starts.
    pub entry: NodeId,
    /// Where `return` statements and tail calls go.
    pub exit: NodeId,
    /// The end of the body: reachable iff the function can fall off its end.
    pub fall_off: NodeId,
    /// The node of each statement's [`Event::Stmt`], in source order.
    pub stmt_nodes: IndexMap<StmtId, NodeId>,
}

/// Whether `e` is a constant condition (`true`/`false` with `!`, `&&`, `||`), and its value.
pub fn constant_condition(ast: &Ast, e: ExprId) -> Option<bool> {
    match &ast.expr(e).kind {
        ExprKind::Bool(b) => Some(*b),
        ExprKind::Unary(UnOp::Not, a) => constant_condition(ast, *a).map(|b| !b),
        ExprKind::Binary(BinOp::And, a, b) => Some(constant_condition(ast, *a)? && constant_condition(ast, *b)?),
        ExprKind::Binary(BinOp::Or, a, b) => Some(constant_condition(ast, *a)? || constant_condition(ast, *b)?),
        ExprKind::Convert(a) => constant_condition(ast, *a),
        _ => None,
    }
}

/// Whether `e` (under conversions) is a value whose label edges may wait until it is
/// stored: a label name, a lambda, or a function named as a value. Nothing can jump through
/// such a value before the assignment or initializer storing it completes.
fn storable_label_source(ast: &Ast, sema: &SemaInfo, mut e: ExprId) -> bool {
    while let ExprKind::Convert(a) = &ast.expr(e).kind {
        e = *a;
    }
    match &ast.expr(e).kind {
        ExprKind::Lambda(_) => true,
        ExprKind::Name(_) => matches!(sema.names.get(&e), Some(Res::Label(_) | Res::Func(_))),
        _ => false,
    }
}

struct Loop {
    brk: NodeId,
    cont: Option<NodeId>,
}

pub(super) struct Builder<'a> {
    ast: &'a Ast,
    sema: &'a SemaInfo,
    facts: &'a Facts,
    g: FlowGraph,
    /// The node new events are appended to.
    cur: NodeId,
    loops: Vec<Loop>,
    labels: IndexMap<LabelId, NodeId>,
    /// Label entries waiting for the store of the value that makes them possible (see
    /// [`storable_label_source`]); `None` when not collecting.
    deferred: Option<Vec<NodeId>>,
}

impl<'a> Builder<'a> {
    pub(super) fn build(ast: &'a Ast, sema: &'a SemaInfo, facts: &'a Facts, func: FuncId) -> FlowGraph {
        let decl = ast.func(func);
        let g = FlowGraph { func, nodes: Vec::new(), entry: 0, exit: 0, fall_off: 0, stmt_nodes: IndexMap::new() };
        let mut b = Builder { ast, sema, facts, g, cur: 0, loops: Vec::new(), labels: IndexMap::new(), deferred: None };
        b.g.entry = b.node(Event::Nop, decl.span);
        b.g.exit = b.node(Event::Nop, decl.end_span);
        b.cur = b.g.entry;
        for &l in facts.labels_of.get(&func).into_iter().flatten() {
            let span = sema.label(l).span;
            let n = b.node(Event::Nop, span);
            b.labels.insert(l, n);
        }
        // A class's field initializers run in its field-initializer function.
        if let FuncKind::FieldInit(c) = decl.kind {
            for m in &ast.class(c).members {
                if let Member::Field(v) = m
                    && let Some(init) = v.init
                {
                    b.expr(init);
                }
            }
        }
        for &s in &decl.body {
            b.stmt(s);
        }
        b.g.fall_off = b.cur;
        b.g
    }

    fn node(&mut self, event: Event, span: Span) -> NodeId {
        self.g.nodes.push(Node { event, span, succ: SmallVec::new() });
        (self.g.nodes.len() - 1) as NodeId
    }

    fn edge(&mut self, from: NodeId, to: NodeId, kind: EdgeKind) {
        self.g.nodes[from as usize].succ.push((to, kind));
    }

    /// Appends an event after the current node.
    fn emit(&mut self, event: Event, span: Span) {
        let n = self.node(event, span);
        self.edge(self.cur, n, EdgeKind::Normal);
        self.cur = n;
    }

    /// Continues from `n`.
    fn goto_node(&mut self, n: NodeId) {
        self.edge(self.cur, n, EdgeKind::Normal);
        self.cur = n;
    }

    /// After a transfer of control: what follows starts a path of its own.
    fn dead(&mut self, span: Span) {
        self.cur = self.node(Event::Nop, span);
    }

    fn stmt(&mut self, s: StmtId) {
        let span = self.ast.stmt(s).span;
        // A label's entry comes before its statement marker: jumps reach the marker.
        if let StmtKind::Label(_) = self.ast.stmt(s).kind
            && let Some(&l) = self.sema.label_stmts.get(&s)
            && let Some(&n) = self.labels.get(&l)
        {
            self.goto_node(n);
        }
        self.emit(Event::Stmt(s), span);
        self.g.stmt_nodes.insert(s, self.cur);
        match &self.ast.stmt(s).kind {
            StmtKind::Expr(e) | StmtKind::Print(e) => self.expr(*e),
            StmtKind::VarDecl(items) => {
                let vars = self.sema.decl_vars.get(&s).cloned().unwrap_or_default();
                for (item, v) in items.iter().zip(vars) {
                    match item.init {
                        Some(init) => {
                            self.emit(Event::Decl(v), item.name.span);
                            self.stored_value(init, |b| b.emit(Event::Write(v, Some(init)), item.name.span));
                        }
                        None => self.emit(Event::Decl(v), item.name.span),
                    }
                }
            }
            StmtKind::Func(_) | StmtKind::Class(_) | StmtKind::TypeAlias { .. } | StmtKind::Empty | StmtKind::Error => {
            }
            StmtKind::Block(body) => {
                for &t in body {
                    self.stmt(t);
                }
            }
            StmtKind::If { cond, then, els } => {
                let (t, f, j) = (self.node(Event::Nop, span), self.node(Event::Nop, span), self.node(Event::Nop, span));
                self.cond(*cond, t, f);
                if let Some(c) = constant_condition(self.ast, *cond) {
                    // Java's rule for reachability: both branches of an `if` count as
                    // reachable for warnings, whatever the condition.
                    let (from, dead) = if c { (t, f) } else { (f, t) };
                    self.edge(from, dead, EdgeKind::ReachOnly);
                }
                self.cur = t;
                self.stmt(*then);
                self.goto_node(j);
                self.cur = f;
                if let Some(e) = els {
                    self.stmt(*e);
                }
                self.goto_node(j);
            }
            StmtKind::While { cond, body } => {
                let head = self.node(Event::Nop, span);
                self.goto_node(head);
                let (b, exit) = (self.node(Event::Nop, span), self.node(Event::Nop, span));
                self.cond(*cond, b, exit);
                self.cur = b;
                self.loops.push(Loop { brk: exit, cont: Some(head) });
                self.stmt(*body);
                self.loops.pop();
                self.goto_node(head);
                self.cur = exit;
            }
            StmtKind::DoWhile { body, cond } => {
                let start = self.node(Event::Nop, span);
                self.goto_node(start);
                let (cont, exit) = (self.node(Event::Nop, span), self.node(Event::Nop, span));
                self.loops.push(Loop { brk: exit, cont: Some(cont) });
                self.stmt(*body);
                self.loops.pop();
                self.goto_node(cont);
                self.cond(*cond, start, exit);
                self.cur = exit;
            }
            StmtKind::For { init, cond, step, body } => {
                if let Some(i) = init {
                    self.stmt(*i);
                }
                let head = self.node(Event::Nop, span);
                self.goto_node(head);
                let (b, cont, exit) =
                    (self.node(Event::Nop, span), self.node(Event::Nop, span), self.node(Event::Nop, span));
                match cond {
                    Some(c) => self.cond(*c, b, exit),
                    None => self.edge(head, b, EdgeKind::Normal),
                }
                self.cur = b;
                self.loops.push(Loop { brk: exit, cont: Some(cont) });
                self.stmt(*body);
                self.loops.pop();
                self.goto_node(cont);
                if let Some(e) = step {
                    self.expr(*e);
                }
                self.goto_node(head);
                self.cur = exit;
            }
            StmtKind::Break => {
                if let Some(l) = self.loops.last() {
                    let to = l.brk;
                    self.edge(self.cur, to, EdgeKind::Normal);
                }
                self.dead(span);
            }
            StmtKind::Continue => {
                if let Some(to) = self.loops.iter().rev().find_map(|l| l.cont) {
                    self.edge(self.cur, to, EdgeKind::Normal);
                }
                self.dead(span);
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(*e);
                }
                let exit = self.g.exit;
                self.edge(self.cur, exit, EdgeKind::Normal);
                self.dead(span);
            }
            StmtKind::Switch { scrutinee, cases } => {
                self.expr(*scrutinee);
                let (dispatch, exit) = (self.cur, self.node(Event::Nop, span));
                for c in cases {
                    for &v in &c.values {
                        self.cur = dispatch;
                        self.expr(v);
                    }
                }
                let dispatch = self.cur;
                if !cases.iter().any(|c| c.is_default) {
                    self.edge(dispatch, exit, EdgeKind::Normal);
                }
                // `break` leaves the switch; `continue` still belongs to the enclosing loop.
                self.loops.push(Loop { brk: exit, cont: None });
                for c in cases {
                    let start = self.node(Event::Nop, c.span);
                    self.edge(dispatch, start, EdgeKind::Normal);
                    self.cur = start;
                    for &t in &c.body {
                        self.stmt(t);
                    }
                    self.goto_node(exit);
                }
                self.loops.pop();
                self.cur = exit;
            }
            StmtKind::Label(_) => {}
            StmtKind::Goto(e) => {
                if let Some(&l) = self.sema.local_gotos.get(&s) {
                    if let Some(&n) = self.labels.get(&l) {
                        self.edge(self.cur, n, EdgeKind::Normal);
                    }
                } else if self.sema.tail_calls.contains(&s) {
                    self.expr(*e);
                    let exit = self.g.exit;
                    self.edge(self.cur, exit, EdgeKind::Normal);
                } else {
                    self.deref_operand(*e);
                }
                self.dead(span);
            }
        }
    }

    /// Branches on condition `e`: to `t` where it is true, to `f` where it is false.
    fn cond(&mut self, e: ExprId, t: NodeId, f: NodeId) {
        let span = self.ast.expr(e).span;
        match &self.ast.expr(e).kind {
            ExprKind::Bool(true) => self.edge(self.cur, t, EdgeKind::Normal),
            ExprKind::Bool(false) => self.edge(self.cur, f, EdgeKind::Normal),
            ExprKind::Convert(a) => self.cond(*a, t, f),
            ExprKind::Unary(UnOp::Not, a) => self.cond(*a, f, t),
            ExprKind::Binary(BinOp::And, a, b) => {
                let mid = self.node(Event::Nop, span);
                self.cond(*a, mid, f);
                self.cur = mid;
                self.cond(*b, t, f);
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let mid = self.node(Event::Nop, span);
                self.cond(*a, t, mid);
                self.cur = mid;
                self.cond(*b, t, f);
            }
            ExprKind::Cond(c, a, b) => {
                let (x, y) = (self.node(Event::Nop, span), self.node(Event::Nop, span));
                self.cond(*c, x, y);
                self.cur = x;
                self.cond(*a, t, f);
                self.cur = y;
                self.cond(*b, t, f);
            }
            ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) if self.null_test(*a, *b).is_some() => {
                let Some((x, operand)) = self.null_test(*a, *b) else { return };
                self.expr(operand);
                if let Some(v) = x {
                    // `x != null` is true where `x` is not null.
                    let non_null_when_true = *op == BinOp::Ne;
                    self.assume_edges(v, non_null_when_true, t, f);
                } else {
                    self.edge(self.cur, t, EdgeKind::Normal);
                    self.edge(self.cur, f, EdgeKind::Normal);
                }
            }
            ExprKind::Is(a, _) => {
                self.expr(*a);
                match self.tested_var(*a) {
                    // `x is C` is false for null, but false says nothing about null.
                    Some(v) => {
                        let tt = self.node(Event::Assume(v, true), span);
                        self.edge(self.cur, tt, EdgeKind::Normal);
                        self.edge(tt, t, EdgeKind::Normal);
                        self.edge(self.cur, f, EdgeKind::Normal);
                    }
                    None => {
                        self.edge(self.cur, t, EdgeKind::Normal);
                        self.edge(self.cur, f, EdgeKind::Normal);
                    }
                }
            }
            _ => {
                self.expr(e);
                self.edge(self.cur, t, EdgeKind::Normal);
                self.edge(self.cur, f, EdgeKind::Normal);
            }
        }
    }

    /// Edges to `t` / `f` through `Assume` nodes for variable `v`.
    fn assume_edges(&mut self, v: VarId, non_null_when_true: bool, t: NodeId, f: NodeId) {
        let span = self.g.nodes[self.cur as usize].span;
        let tt = self.node(Event::Assume(v, non_null_when_true), span);
        let ff = self.node(Event::Assume(v, !non_null_when_true), span);
        self.edge(self.cur, tt, EdgeKind::Normal);
        self.edge(self.cur, ff, EdgeKind::Normal);
        self.edge(tt, t, EdgeKind::Normal);
        self.edge(ff, f, EdgeKind::Normal);
    }

    /// For `a == b` / `a != b` with one side `null`: the tested variable (if the other side
    /// is a variable or an assignment to one) and the other side.
    fn null_test(&self, a: ExprId, b: ExprId) -> Option<(Option<VarId>, ExprId)> {
        let is_null = |e: ExprId| matches!(self.strip(e), ExprKind::Null);
        let other = if is_null(b) {
            a
        } else if is_null(a) {
            b
        } else {
            return None;
        };
        Some((self.tested_var(other), other))
    }

    fn strip(&self, mut e: ExprId) -> &ExprKind {
        while let ExprKind::Convert(a) = &self.ast.expr(e).kind {
            e = *a;
        }
        &self.ast.expr(e).kind
    }

    /// The variable whose value `e` is: `x`, or `x = …`.
    fn tested_var(&self, e: ExprId) -> Option<VarId> {
        let mut e = e;
        loop {
            match &self.ast.expr(e).kind {
                ExprKind::Convert(a) => e = *a,
                ExprKind::Assign { op: None, target, .. } => e = *target,
                ExprKind::Name(_) => {
                    return match self.sema.names.get(&e) {
                        Some(Res::Var(v)) => Some(*v),
                        _ => None,
                    };
                }
                _ => return None,
            }
        }
    }

    /// Evaluates `e` as the operand of a member access, index, call or `goto`.
    fn deref_operand(&mut self, e: ExprId) {
        self.expr(e);
        let mut x = e;
        while let ExprKind::Convert(a) = &self.ast.expr(x).kind {
            x = *a;
        }
        if let (ExprKind::Name(id), Some(Res::Var(v))) = (&self.ast.expr(x).kind, self.sema.names.get(&x)) {
            self.emit(Event::Deref(*v, x), id.span);
        }
    }

    /// A label value edge from here to label node `n`, or later if deferred.
    fn label_entry(&mut self, n: NodeId) {
        match &mut self.deferred {
            Some(d) => d.push(n),
            None => self.edge(self.cur, n, EdgeKind::LabelValue),
        }
    }

    /// Evaluates `value`, then `store` (the write of it); the label entries `value`
    /// makes possible start after the store when `value` is directly a label, lambda or
    /// function name.
    fn stored_value(&mut self, value: ExprId, store: impl FnOnce(&mut Self)) {
        if storable_label_source(self.ast, self.sema, value) {
            let outer = self.deferred.replace(Vec::new());
            self.expr(value);
            let pending = std::mem::replace(&mut self.deferred, outer).unwrap_or_default();
            store(self);
            for n in pending {
                self.label_entry(n);
            }
        } else {
            self.expr(value);
            store(self);
        }
    }

    /// A reference to function `f` (named, or a lambda created) at expression `e`.
    fn ref_func(&mut self, f: FuncId, e: ExprId) {
        let span = self.ast.expr(e).span;
        self.emit(Event::RefFunc(f, e), span);
        // Labels of this function that `f` names (transitively) may be entered from here on.
        for l in self.facts.names_labels.get(&f).into_iter().flatten() {
            if let Some(&n) = self.labels.get(l) {
                self.label_entry(n);
            }
        }
    }

    fn expr(&mut self, e: ExprId) {
        let span = self.ast.expr(e).span;
        match &self.ast.expr(e).kind {
            ExprKind::Int(_)
            | ExprKind::Double(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::This
            | ExprKind::SuperMember(_)
            | ExprKind::Error => {}
            ExprKind::Name(_) => match self.sema.names.get(&e) {
                Some(Res::Var(v)) => self.emit(Event::Read(*v, e), span),
                Some(Res::Func(f)) => self.ref_func(*f, e),
                Some(Res::Label(l)) => {
                    if let Some(&n) = self.labels.get(l) {
                        self.label_entry(n);
                    }
                }
                _ => {}
            },
            ExprKind::Unary(_, a) | ExprKind::As(a, _) | ExprKind::Is(a, _) => self.expr(*a),
            ExprKind::Convert(a) => {
                self.expr(*a);
                if self.sema.null_checks.contains(&e) {
                    self.emit(Event::NonNullConvert(e), span);
                }
            }
            ExprKind::Binary(BinOp::And | BinOp::Or, ..) | ExprKind::Cond(..) => {
                let (t, f, j) = (self.node(Event::Nop, span), self.node(Event::Nop, span), self.node(Event::Nop, span));
                if let ExprKind::Cond(c, a, b) = &self.ast.expr(e).kind {
                    self.cond(*c, t, f);
                    self.cur = t;
                    self.expr(*a);
                    self.goto_node(j);
                    self.cur = f;
                    self.expr(*b);
                    self.goto_node(j);
                } else {
                    self.cond(e, t, f);
                    self.edge(t, j, EdgeKind::Normal);
                    self.edge(f, j, EdgeKind::Normal);
                    self.cur = j;
                }
            }
            ExprKind::Binary(_, a, b) => {
                self.expr(*a);
                self.expr(*b);
            }
            ExprKind::Assign { op, target, value } => {
                match (&self.ast.expr(*target).kind, self.sema.names.get(target)) {
                    (ExprKind::Name(id), Some(Res::Var(v))) => {
                        if op.is_some() {
                            self.emit(Event::Read(*v, *target), id.span);
                        }
                        let val = if op.is_some() { None } else { Some(*value) };
                        let (v, span) = (*v, id.span);
                        self.stored_value(*value, |b| b.emit(Event::Write(v, val), span));
                    }
                    _ => {
                        self.place(*target);
                        let span = self.ast.expr(e).span;
                        self.stored_value(*value, |b| b.emit(Event::Nop, span));
                    }
                }
            }
            ExprKind::IncDec { target, .. } => match (&self.ast.expr(*target).kind, self.sema.names.get(target)) {
                (ExprKind::Name(id), Some(Res::Var(v))) => {
                    self.emit(Event::Read(*v, *target), id.span);
                    self.emit(Event::Write(*v, None), id.span);
                }
                _ => self.place(*target),
            },
            ExprKind::Call { callee, args } => {
                match self.sema.calls.get(&e) {
                    Some(CallKind::Super(f)) => self.ref_func(*f, e),
                    Some(CallKind::Virtual { .. } | CallKind::Substring) => {
                        if let ExprKind::Member { base, .. } = &self.ast.expr(*callee).kind {
                            self.deref_operand(*base);
                        } else {
                            self.expr(*callee);
                        }
                    }
                    Some(CallKind::Closure) => self.deref_operand(*callee),
                    _ => self.expr(*callee),
                }
                for &a in args {
                    self.expr(a);
                }
            }
            ExprKind::Index { base, index } => {
                self.deref_operand(*base);
                self.expr(*index);
            }
            ExprKind::Member { base, .. } => self.deref_operand(*base),
            ExprKind::New { args, .. } => {
                if let Some(c) = self.sema.news.get(&e) {
                    for &f in self.facts.class_funcs.get(c).into_iter().flatten() {
                        self.ref_func(f, e);
                    }
                }
                for &a in args {
                    self.expr(a);
                }
            }
            ExprKind::NewArray { len, .. } => self.expr(*len),
            ExprKind::ArrayLit(items) => {
                for &a in items {
                    self.expr(a);
                }
            }
            ExprKind::Lambda(f) => self.ref_func(*f, e),
        }
    }

    /// Evaluates the object and index of an assignment target other than a variable.
    fn place(&mut self, target: ExprId) {
        match &self.ast.expr(target).kind {
            ExprKind::Index { base, index } => {
                self.deref_operand(*base);
                self.expr(*index);
            }
            ExprKind::Member { base, .. } => self.deref_operand(*base),
            _ => self.expr(target),
        }
    }
}
