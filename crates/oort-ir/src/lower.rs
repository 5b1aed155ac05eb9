//! The `lower` pass: typed AST → graph IR.
//!
//! Each AST function becomes one IR [`Function`]; `main` (the top-level statements) is
//! `f0`, the others follow in source order. Variables that no nested function
//! captures become IR variables (virtual registers). Captured variables live in heap
//! environments: one environment per scope that declares a captured variable, allocated
//! each time the scope is entered (so each loop iteration gets fresh variables), whose
//! parent is the environment of the nearest enclosing such scope. A function that needs
//! variables of enclosing functions receives that chain as its closure environment
//! ([`Op::ClosureEnv`]).
//!
//! Expressions are evaluated left to right into temporaries. When an operand is a plain
//! variable and a later operand has side effects, the variable is first copied, so the
//! later side effect cannot change the value already "evaluated" (copy propagation
//! removes the copies that turn out unnecessary).
//!
//! Classes: each class gets a fixed layout — its parent's slots, then (when its methods
//! need variables of enclosing functions) one hidden slot holding the environment they
//! close over, then its own fields. Methods take `this` as their first parameter and read
//! their environment from that hidden slot. `new C (args)` evaluates the arguments,
//! allocates the object, stores its environment, runs the class's field-initializer
//! method (which first forwards the parent's environment and runs the parent's), then
//! calls the nearest `init`. A bound method `o.m` is a closure over `o` of a small
//! trampoline function that makes the virtual call.
//!
//! Labels: `@name:` starts a block; `goto name;` within the function is a jump to it. A
//! label whose value is taken ([`Op::MakeLabel`]) is listed in [`Function::labels`], which
//! makes its block an entry point of the graph. A label named by a nested function keeps
//! its value in its scope's environment (its hidden variable, [`VarKind::Label`]), stored
//! when the scope is entered; `goto e;` through a value is [`Terminator::Goto`]. Named
//! variables in registers are marked [`crate::ir::VarData::shared`]: they are what a
//! re-entered activation shares, while temporaries are restored per pending call.
//!
//! Lowering also reports a non-`void` function whose end is reachable ("missing
//! return"): with the constant-condition rule of LANGUAGE.md §9, the control-flow graph
//! built here is exactly what that check needs.

use crate::ir::{
    BinOp as IrBin, Block, Callee, ClassDef, Const, FnIdx, Function, LabelData, Module, Op, Terminator, Ty, TypeTest,
    UnOp as IrUn, Var,
};
use indexmap::{IndexMap, IndexSet};
use oort_sema::{
    CallKind, FuncInfo, IntTy, LabelId, MemberRes, Res, ScopeId, ScopeKind, SemaInfo, TyId, TyKind, VarId, VarKind,
};
use oort_syntax::ast::{Ast, BinOp, ClassId, ExprId, ExprKind, FuncId, FuncKind, Member, StmtId, StmtKind, UnOp};
use oort_syntax::{Diagnostic, SourceFile, Span};

/// Lowers a type-checked program. Returns the module and any errors found on the way.
pub fn lower(ast: &Ast, sema: &SemaInfo, file: &SourceFile) -> (Module, Vec<Diagnostic>) {
    let cx = Cx::new(ast, sema, file);
    let mut module = Module::default();
    let mut diags = Vec::new();
    for (&fid, &idx) in &cx.fn_idx {
        debug_assert_eq!(idx.index(), module.funcs.len());
        let mut fl = FnLower::new(&cx, fid);
        fl.lower_body();
        diags.append(&mut fl.diags);
        module.funcs.push(fl.f);
    }
    for (&(class, slot), &idx) in &cx.trampolines {
        debug_assert_eq!(idx.index(), module.funcs.len());
        module.funcs.push(cx.trampoline(class, slot));
    }
    for (&c, layout) in &cx.classes {
        let info = &sema.classes[&c];
        module.classes.push(ClassDef {
            name: ast.name(ast.class(c).name.sym).to_string(),
            parent: info.parent.map(|p| cx.classes[&p].index),
            fields: layout.types.clone(),
            vtable: info.vtable.iter().map(|m| cx.fn_idx[&m.func]).collect(),
        });
    }
    (module, diags)
}

/// Facts shared by the lowering of every function.
struct Cx<'a> {
    ast: &'a Ast,
    sema: &'a SemaInfo,
    file: &'a SourceFile,
    fn_idx: IndexMap<FuncId, FnIdx>,
    /// Scopes that declare at least one captured variable, with those variables in slot
    /// order.
    env_slots: IndexMap<ScopeId, Vec<VarId>>,
    /// Functions that need their closure environment.
    needs_env: IndexSet<FuncId>,
    /// Every class, parents before children, with its layout.
    classes: IndexMap<ClassId, ClassLayout>,
    /// Bound-method trampolines: (static class, vtable slot) → function.
    trampolines: IndexMap<(ClassId, u32), FnIdx>,
}

/// Where a class keeps its fields.
struct ClassLayout {
    /// Index in [`Module::classes`].
    index: u32,
    /// Slot of each field of `ClassInfo::fields`.
    field_slots: Vec<u32>,
    /// The hidden slot holding the environment the class's methods close over.
    env_slot: Option<u32>,
    /// Type of every slot.
    types: Vec<Ty>,
    /// Whether the field-initializer method does nothing (no initializers, no
    /// environments to forward, in the whole chain), so `new` need not call it.
    trivial_init: bool,
}

/// A use, inside a function, of something that may need an environment.
#[derive(Clone, Copy)]
enum Use {
    Res(Res),
    /// `new C` (or forwarding `C`'s environment): needs C's environment.
    ClassEnv(ClassId),
}

impl<'a> Cx<'a> {
    fn new(ast: &'a Ast, sema: &'a SemaInfo, file: &'a SourceFile) -> Cx<'a> {
        let mut fn_idx = IndexMap::new();
        fn_idx.insert(ast.main, FnIdx(0));
        // The other functions in source order (the arena holds inner functions first).
        let mut others: Vec<FuncId> =
            ast.funcs.iter().map(|(fid, _)| fid).filter(|&f| f != ast.main && sema.funcs.contains_key(&f)).collect();
        others.sort_by_key(|&f| ast.func(f).span.lo);
        for fid in others {
            let n = fn_idx.len() as u32;
            fn_idx.insert(fid, FnIdx(n));
        }
        let mut env_slots: IndexMap<ScopeId, Vec<VarId>> = IndexMap::new();
        for (i, v) in sema.vars.iter().enumerate() {
            if v.captured {
                env_slots.entry(v.scope).or_default().push(VarId(i as u32));
            }
        }
        let mut cx = Cx {
            ast,
            sema,
            file,
            fn_idx,
            env_slots,
            needs_env: IndexSet::new(),
            classes: IndexMap::new(),
            trampolines: IndexMap::new(),
        };
        cx.compute_needs_env();
        for &c in sema.classes.keys() {
            cx.layout(c);
        }
        cx.find_trampolines();
        cx
    }

    fn has_env(&self, s: ScopeId) -> bool {
        self.env_slots.contains_key(&s)
    }

    /// The scope lexically enclosing `s`, crossing from a function body to the scope the
    /// function is declared in.
    fn outer(&self, s: ScopeId) -> Option<ScopeId> {
        let info = self.sema.scope(s);
        match info.kind {
            ScopeKind::FuncBody(f) => self.sema.funcs.get(&f).and_then(|fi| fi.decl_scope),
            _ => info.parent,
        }
    }

    /// The innermost environment-bearing scope enclosing `s` (inclusive).
    fn env_scope_from(&self, mut s: Option<ScopeId>) -> Option<ScopeId> {
        while let Some(sc) = s {
            if self.has_env(sc) {
                return Some(sc);
            }
            s = self.outer(sc);
        }
        None
    }

    /// The environment a closure of `f` captures: that of the innermost
    /// environment-bearing scope around its declaration.
    fn closure_env_scope(&self, f: FuncId) -> Option<ScopeId> {
        self.env_scope_from(self.sema.funcs.get(&f)?.decl_scope)
    }

    fn func_info(&self, f: FuncId) -> &FuncInfo {
        self.sema.func(f)
    }

    /// Marks every function from `from` up to, not including, `owner` as needing its
    /// environment. Returns whether anything changed.
    fn mark_chain(&mut self, from: FuncId, owner: FuncId) -> bool {
        let mut changed = false;
        let mut f = Some(from);
        while let Some(g) = f {
            if g == owner {
                break;
            }
            changed |= self.needs_env.insert(g);
            f = self.sema.funcs.get(&g).and_then(|i| i.parent);
        }
        changed
    }

    fn compute_needs_env(&mut self) {
        // Which function each use sits in, from a walk of every function body (nested
        // function bodies are walked as their own functions).
        let mut uses: Vec<(FuncId, Use)> = Vec::new();
        for &fid in self.fn_idx.keys() {
            let mut names = Vec::new();
            for s in self.ast.func(fid).body.iter().copied() {
                collect_names_stmt(self.ast, s, &mut names);
            }
            if let FuncKind::FieldInit(c) = self.ast.func(fid).kind {
                for e in field_inits(self.ast, c) {
                    collect_names_expr(self.ast, e, &mut names);
                }
                if let Some(p) = self.sema.classes.get(&c).and_then(|i| i.parent) {
                    uses.push((fid, Use::ClassEnv(p)));
                }
            }
            for e in names {
                if let Some(r) = self.sema.names.get(&e) {
                    uses.push((fid, Use::Res(*r)));
                }
                if let Some(c) = self.sema.news.get(&e) {
                    uses.push((fid, Use::ClassEnv(*c)));
                }
            }
        }
        loop {
            let mut changed = false;
            for &(f, u) in &uses {
                let target = match u {
                    Use::Res(Res::Var(v) | Res::Member { this: v, .. }) => Some(self.sema.var(v).func),
                    Use::Res(Res::Label(l)) => Some(self.sema.label(l).func),
                    Use::Res(Res::Func(k)) if self.needs_env.contains(&k) => {
                        self.closure_env_scope(k).map(|es| self.sema.scope(es).func)
                    }
                    Use::ClassEnv(c) if self.class_needs_env(c) => {
                        self.class_env_scope(c).map(|es| self.sema.scope(es).func)
                    }
                    _ => None,
                };
                if let Some(owner) = target
                    && owner != f
                    && encloses(self.sema, owner, f)
                {
                    changed |= self.mark_chain(f, owner);
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The environment the methods of class `c` close over: that of the innermost
    /// environment-bearing scope around the class's declaration.
    fn class_env_scope(&self, c: ClassId) -> Option<ScopeId> {
        self.env_scope_from(Some(self.sema.classes[&c].decl_scope))
    }

    /// Whether methods of class `c` (or of an ancestor, whose environment `c` forwards)
    /// need variables of enclosing functions.
    fn class_needs_env(&self, c: ClassId) -> bool {
        let mut cur = Some(c);
        let mut steps = 0;
        while let Some(k) = cur {
            let Some(info) = self.sema.classes.get(&k) else { return false };
            let own =
                self.ast.class(k).members.iter().any(|m| matches!(m, Member::Method(f) if self.needs_env.contains(f)));
            if own || self.needs_env.contains(&info.field_init) {
                return true;
            }
            steps += 1;
            if steps > self.sema.classes.len() {
                return false;
            }
            cur = info.parent;
        }
        false
    }

    /// Computes the layout of `c` (after its parent's).
    fn layout(&mut self, c: ClassId) {
        if self.classes.contains_key(&c) {
            return;
        }
        let info = &self.sema.classes[&c];
        let (mut types, mut field_slots, parent_trivial) = match info.parent {
            Some(p) => {
                self.layout(p);
                let pl = &self.classes[&p];
                (pl.types.clone(), pl.field_slots.clone(), pl.trivial_init)
            }
            None => (Vec::new(), Vec::new(), true),
        };
        let env_slot = if self.class_needs_env(c) {
            types.push(Ty::Ref);
            Some(types.len() as u32 - 1)
        } else {
            None
        };
        for f in &info.fields[field_slots.len()..] {
            field_slots.push(types.len() as u32);
            types.push(self.ty(f.ty).unwrap_or(Ty::I32));
        }
        let has_inits = field_inits(self.ast, c).next().is_some();
        let forwards = info.parent.is_some_and(|p| self.classes[&p].env_slot.is_some());
        let trivial_init = parent_trivial && !has_inits && !forwards;
        let index = self.classes.len() as u32;
        self.classes.insert(c, ClassLayout { index, field_slots, env_slot, types, trivial_init });
    }

    /// The static class of the receiver of member expression `e`.
    fn member_class(&self, e: ExprId) -> Option<ClassId> {
        match &self.ast.expr(e).kind {
            ExprKind::Name(_) => match self.sema.names.get(&e) {
                Some(Res::Member { class, .. }) => Some(*class),
                _ => None,
            },
            ExprKind::Member { base, .. } => {
                let t = self.sema.types.strip(self.sema.ty_of(*base));
                match self.sema.types.kind(t) {
                    TyKind::Class(c) => Some(*c),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Finds the methods used as values (bound methods), which need trampolines.
    fn find_trampolines(&mut self) {
        let callees: IndexSet<ExprId> = self
            .sema
            .calls
            .keys()
            .filter_map(|&call| match &self.ast.expr(call).kind {
                ExprKind::Call { callee, .. } => Some(*callee),
                _ => None,
            })
            .collect();
        let mut next = self.fn_idx.len() as u32;
        for (&e, m) in &self.sema.members {
            if let MemberRes::Method { slot } = m
                && !callees.contains(&e)
                && let Some(c) = self.member_class(e)
                && !self.trampolines.contains_key(&(c, *slot))
            {
                self.trampolines.insert((c, *slot), FnIdx(next));
                next += 1;
            }
        }
    }

    /// The trampoline of a bound method: its environment is the receiver, and it makes
    /// the virtual call with its own arguments.
    fn trampoline(&self, c: ClassId, slot: u32) -> Function {
        let method = self.sema.classes[&c].vtable[slot as usize].func;
        let name = format!(
            "{}.{}$bound",
            self.ast.name(self.ast.class(c).name.sym),
            self.ast.name(self.sema.classes[&c].vtable[slot as usize].name)
        );
        let span = self.ast.func(method).span;
        let mut f = Function::new(name, span);
        let info = self.func_info(method);
        let mut args = Vec::new();
        for &p in &info.params[1..] {
            let vi = self.sema.var(p);
            args.push(f.new_var(self.ty(vi.ty).unwrap_or(Ty::I32), Some(self.ast.name(vi.name).to_string())));
        }
        f.params = args.len() as u32;
        f.ret = self.ty(info.ret);
        f.takes_env = true;
        let entry = f.entry;
        let this = f.new_var(Ty::Ref, Some("this".into()));
        f.push(entry, Some(this), Op::ClosureEnv, span);
        args.insert(0, this);
        let dst = f.ret.map(|t| f.new_var(t, None));
        f.push(entry, dst, Op::Call { callee: Callee::Virtual { slot }, args }, span);
        f.set_term(entry, Terminator::Return(dst), span);
        f
    }

    fn ty(&self, t: TyId) -> Option<Ty> {
        ir_ty(self.sema, t)
    }
}

/// Whether function `outer` lexically encloses (or is) `inner`.
fn encloses(sema: &SemaInfo, outer: FuncId, inner: FuncId) -> bool {
    let mut f = Some(inner);
    while let Some(g) = f {
        if g == outer {
            return true;
        }
        f = sema.funcs.get(&g).and_then(|i| i.parent);
    }
    false
}

/// The IR type of a semantic type; `None` for `void`.
pub fn ir_ty(sema: &SemaInfo, t: TyId) -> Option<Ty> {
    Some(match sema.types.kind(t) {
        TyKind::Void => return None,
        TyKind::Bool => Ty::Bool,
        TyKind::Int(IntTy::I32) => Ty::I32,
        TyKind::Int(IntTy::U32) => Ty::U32,
        TyKind::Int(IntTy::I64) => Ty::I64,
        TyKind::Int(IntTy::U64) => Ty::U64,
        TyKind::Double => Ty::F64,
        TyKind::Error => Ty::I32,
        _ => Ty::Ref,
    })
}

fn collect_names_stmt(ast: &Ast, s: StmtId, out: &mut Vec<ExprId>) {
    let mut exprs = Vec::new();
    let mut stmts = vec![s];
    while let Some(s) = stmts.pop() {
        ast.stmt(s).kind.for_each_child(|t| stmts.push(t), |e| exprs.push(e));
    }
    for e in exprs {
        collect_names_expr(ast, e, out);
    }
}

/// Collects the expressions of `e` that name something (variables, functions, `this`,
/// `super`) or create objects, not looking into lambda bodies.
fn collect_names_expr(ast: &Ast, e: ExprId, out: &mut Vec<ExprId>) {
    let mut exprs = vec![e];
    while let Some(e) = exprs.pop() {
        match &ast.expr(e).kind {
            ExprKind::Name(_) | ExprKind::This | ExprKind::SuperMember(_) => out.push(e),
            ExprKind::Lambda(_) => {} // walked as its own function
            k => {
                if matches!(k, ExprKind::New { .. }) {
                    out.push(e);
                }
                k.for_each_child(|c| exprs.push(c))
            }
        }
    }
}

/// The field initializer expressions of class `c`, in declaration order.
fn field_inits(ast: &Ast, c: ClassId) -> impl Iterator<Item = ExprId> + '_ {
    ast.class(c).members.iter().filter_map(|m| match m {
        Member::Field(d) => d.init,
        Member::Method(_) => None,
    })
}

/// Whether evaluating `e` can have a side effect that changes a variable.
fn is_pure(ast: &Ast, e: ExprId) -> bool {
    match &ast.expr(e).kind {
        ExprKind::Assign { .. } | ExprKind::IncDec { .. } | ExprKind::Call { .. } | ExprKind::New { .. } => false,
        k => {
            let mut pure = true;
            k.for_each_child(|c| pure &= is_pure(ast, c));
            pure
        }
    }
}

struct LoopCtx {
    break_to: Block,
    /// `None` for a `switch`, which `continue` passes through.
    continue_to: Option<Block>,
}

/// An assignable place, with its object and index already evaluated.
enum Place {
    Reg(Var),
    Env { env: Var, slot: u32, ty: Ty },
    Elem { array: Var, index: Var, elem: Ty },
    Field { obj: Var, slot: u32, ty: Ty },
}

struct FnLower<'a> {
    cx: &'a Cx<'a>,
    fid: FuncId,
    f: Function,
    cur: Block,
    regs: IndexMap<VarId, Var>,
    /// Environments of the scopes currently open in this function.
    envs: IndexMap<ScopeId, Var>,
    /// The closure environment, read once at entry.
    closure_env: Option<Var>,
    scope: ScopeId,
    loops: Vec<LoopCtx>,
    /// The block each label of this function starts.
    label_blocks: IndexMap<LabelId, Block>,
    /// The index in [`Function::labels`] of each label whose value is taken.
    label_index: IndexMap<LabelId, u32>,
    diags: Vec<Diagnostic>,
}

impl<'a> FnLower<'a> {
    fn new(cx: &'a Cx<'a>, fid: FuncId) -> FnLower<'a> {
        let decl = cx.ast.func(fid);
        let info = cx.func_info(fid);
        let name = function_name(cx, fid);
        let mut f = Function::new(name, decl.span);
        f.ret = cx.ty(info.ret);
        let mut regs = IndexMap::new();
        for &p in &info.params {
            let vi = cx.sema.var(p);
            let v = f.new_var(cx.ty(vi.ty).unwrap_or(Ty::I32), Some(cx.ast.name(vi.name).to_string()));
            f.vars[v.index()].shared = true;
            regs.insert(p, v);
        }
        f.params = info.params.len() as u32;
        // Methods find their environment in `this`, not in a closure.
        f.takes_env = cx.needs_env.contains(&fid) && method_class(cx.ast, fid).is_none();
        let cur = f.entry;
        FnLower {
            cx,
            fid,
            f,
            cur,
            regs,
            envs: IndexMap::new(),
            closure_env: None,
            scope: info.body_scope,
            loops: Vec::new(),
            label_blocks: IndexMap::new(),
            label_index: IndexMap::new(),
            diags: Vec::new(),
        }
    }

    fn span_of(&self, e: ExprId) -> Span {
        self.cx.ast.expr(e).span
    }

    fn ty_of(&self, e: ExprId) -> TyId {
        self.cx.sema.ty_of(e)
    }

    fn ir_ty_of(&self, e: ExprId) -> Ty {
        self.cx.ty(self.ty_of(e)).unwrap_or(Ty::I32)
    }

    fn emit(&mut self, dst: Option<Var>, op: Op, span: Span) {
        self.f.push(self.cur, dst, op, span);
    }

    fn temp(&mut self, ty: Ty) -> Var {
        self.f.new_var(ty, None)
    }

    /// Emits `op` into a new temporary of type `ty`.
    fn value(&mut self, ty: Ty, op: Op, span: Span) -> Var {
        let t = self.temp(ty);
        self.emit(Some(t), op, span);
        t
    }

    fn constant(&mut self, c: Const, span: Span) -> Var {
        self.value(c.ty(), Op::Const(c), span)
    }

    /// Ends the current block and continues in a fresh one (unreachable until something
    /// jumps to it).
    fn terminate(&mut self, term: Terminator, span: Span) {
        self.f.set_term(self.cur, term, span);
        self.cur = self.f.new_block();
    }

    fn jump_to(&mut self, target: Block, span: Span) {
        self.f.set_term(self.cur, Terminator::Jump(target), span);
        self.cur = target;
    }

    fn lower_body(&mut self) {
        let decl = self.cx.ast.func(self.fid);
        let span = decl.span;
        if self.f.takes_env {
            let e = self.value(Ty::Ref, Op::ClosureEnv, span);
            self.closure_env = Some(e);
        } else if let Some(c) = method_class(self.cx.ast, self.fid)
            && self.cx.needs_env.contains(&self.fid)
            && let Some(slot) = self.cx.classes[&c].env_slot
        {
            let e = self.value(Ty::Ref, Op::GetField { obj: Var(0), slot, ty: Ty::Ref }, span);
            self.closure_env = Some(e);
        }
        let body_scope = self.scope;
        self.enter_scope(body_scope, span);
        // Captured parameters move into the body's environment.
        let params = self.cx.func_info(self.fid).params.clone();
        for p in params {
            if self.cx.sema.var(p).captured {
                let reg = self.regs[&p];
                let place = self.var_place(p);
                self.store(place, reg, span);
            }
        }
        if let FuncKind::FieldInit(c) = decl.kind {
            self.field_init_body(c);
        }
        for &s in &decl.body {
            self.stmt(s);
        }
        let end = decl.end_span;
        if self.f.ret.is_none() {
            self.f.set_term(self.cur, Terminator::Return(None), end);
        } else {
            // The `return` pass reports this first in the default pipeline; a pipeline
            // without it still gets the error rather than an unterminated block.
            let fall_off = self.cur;
            if self.f.reverse_postorder().contains(&fall_off) {
                self.diags.push(oort_sema::flow::missing_return(self.cx.ast, self.fid));
            }
        }
    }

    /// The body of class `c`'s field-initializer method: forward the parent's
    /// environment, run the parent's initializers, then this class's.
    fn field_init_body(&mut self, c: ClassId) {
        let info = &self.cx.sema.classes[&c];
        let span = self.cx.ast.class(c).span;
        let this = Var(0);
        if let Some(p) = info.parent {
            self.store_class_env(this, p, span);
            if !self.cx.classes[&p].trivial_init {
                let func = self.cx.fn_idx[&self.cx.sema.classes[&p].field_init];
                self.emit(None, Op::Call { callee: Callee::Direct { func, env: None }, args: vec![this] }, span);
            }
        }
        let fields = &self.cx.sema.classes[&c].fields;
        let layout = &self.cx.classes[&c];
        for m in &self.cx.ast.class(c).members {
            if let Member::Field(d) = m
                && let Some(init) = d.init
                && let Some(i) = fields.iter().position(|f| f.class == c && f.name == d.name.sym)
            {
                let slot = layout.field_slots[i];
                let value = self.expr_value(init);
                self.emit(None, Op::SetField { obj: this, slot, value }, d.name.span);
            }
        }
    }

    /// Stores into `obj`'s hidden slot for class `c` (if it has one) the environment `c`'s
    /// methods close over, as seen from here.
    fn store_class_env(&mut self, obj: Var, c: ClassId, span: Span) {
        if let Some(slot) = self.cx.classes[&c].env_slot
            && let Some(env) = self.cx.class_env_scope(c).and_then(|es| self.env_of(es))
        {
            self.emit(None, Op::SetField { obj, slot, value: env }, span);
        }
    }

    /// The current value of variable `v`.
    fn load_var(&mut self, v: VarId, span: Span) -> Var {
        let place = self.var_place(v);
        self.load(&place, span)
    }

    /// `new C (args)`.
    fn new_object(&mut self, c: ClassId, args: &[ExprId], span: Span) -> Var {
        let argv = self.operands(args);
        let layout = &self.cx.classes[&c];
        let (index, trivial) = (layout.index, layout.trivial_init);
        let obj = self.value(Ty::Ref, Op::NewObject { class: index }, span);
        self.store_class_env(obj, c, span);
        let info = &self.cx.sema.classes[&c];
        if !trivial {
            let func = self.cx.fn_idx[&info.field_init];
            self.emit(None, Op::Call { callee: Callee::Direct { func, env: None }, args: vec![obj] }, span);
        }
        if let Some(init) = info.init {
            let func = self.cx.fn_idx[&init];
            let mut all = vec![obj];
            all.extend(argv);
            self.emit(None, Op::Call { callee: Callee::Direct { func, env: None }, args: all }, span);
        }
        obj
    }

    /// The object and slot of a field access (member expression or member name).
    fn field_access(&mut self, e: ExprId) -> Option<(Var, u32, Ty)> {
        let Some(MemberRes::Field { index }) = self.cx.sema.members.get(&e).copied() else { return None };
        let class = self.cx.member_class(e)?;
        let slot = self.cx.classes[&class].field_slots[index as usize];
        let obj = self.receiver(e);
        Some((obj, slot, self.ir_ty_of(e)))
    }

    /// The receiver of a member expression: its base, or `this` for a member name.
    fn receiver(&mut self, e: ExprId) -> Var {
        let span = self.span_of(e);
        match self.cx.ast.expr(e).kind {
            ExprKind::Member { base, .. } => self.expr_value(base),
            _ => match self.cx.sema.names.get(&e).copied() {
                Some(Res::Member { this, .. }) => self.load_var(this, span),
                _ => self.constant(Const::Null, span),
            },
        }
    }

    /// A member expression or member name that is not called: a field's value or a
    /// bound method.
    fn member_value(&mut self, e: ExprId) -> Option<Var> {
        let span = self.span_of(e);
        match self.cx.sema.members.get(&e).copied()? {
            MemberRes::Field { .. } => {
                let (obj, slot, ty) = self.field_access(e)?;
                Some(self.value(ty, Op::GetField { obj, slot, ty }, span))
            }
            MemberRes::Method { slot } => {
                let class = self.cx.member_class(e)?;
                let func = self.cx.trampolines[&(class, slot)];
                let obj = self.receiver(e);
                Some(self.value(Ty::Ref, Op::NewClosure { func, env: Some(obj) }, span))
            }
            _ => None,
        }
    }

    // ----------------------------------------------------------------------------
    // Scopes and variables

    fn enter_scope(&mut self, s: ScopeId, span: Span) -> ScopeId {
        let prev = self.scope;
        self.scope = s;
        if let Some(slots) = self.cx.env_slots.get(&s) {
            let parent = self.cx.env_scope_from(self.cx.outer(s)).and_then(|p| self.env_of(p));
            let tys = slots.iter().map(|&v| self.cx.ty(self.cx.sema.var(v).ty).unwrap_or(Ty::I32)).collect();
            let env = self.f.new_var(Ty::Ref, Some(format!("env.{}", s.0)));
            self.emit(Some(env), Op::NewEnv { parent, slots: tys }, span);
            self.envs.insert(s, env);
            // Labels that nested functions name: their values, for those functions.
            for (slot, &v) in slots.iter().enumerate() {
                if let VarKind::Label(l) = self.cx.sema.var(v).kind {
                    let value = self.label_value(l, span);
                    self.emit(None, Op::EnvSet { env, slot: slot as u32, value }, span);
                }
            }
        }
        prev
    }

    /// The block label `l` starts.
    fn label_block(&mut self, l: LabelId) -> Block {
        let f = &mut self.f;
        *self.label_blocks.entry(l).or_insert_with(|| f.new_block())
    }

    /// The value of label `l` of this function, in this activation.
    fn label_value(&mut self, l: LabelId, span: Span) -> Var {
        let block = self.label_block(l);
        let n = match self.label_index.get(&l) {
            Some(&n) => n,
            None => {
                let n = self.f.labels.len() as u32;
                let name = self.cx.ast.name(self.cx.sema.label(l).name).to_string();
                self.f.labels.push(LabelData { name, block });
                self.label_index.insert(l, n);
                n
            }
        };
        self.value(Ty::Ref, Op::MakeLabel(n), span)
    }

    fn exit_scope(&mut self, prev: ScopeId) {
        self.envs.shift_remove(&self.scope);
        self.scope = prev;
    }

    /// A variable holding the environment of environment-bearing scope `target`, as seen
    /// from the current point; `None` when it is out of this function's reach (only
    /// when the function needs no environment, so nobody asks).
    fn env_of(&mut self, target: ScopeId) -> Option<Var> {
        if let Some(&v) = self.envs.get(&target) {
            return Some(v);
        }
        let base = self.closure_env?;
        // Count environment-bearing scopes from the function's declaration outward.
        let mut depth = 0;
        let mut s = self.cx.env_scope_from(self.cx.func_info(self.fid).decl_scope);
        while let Some(sc) = s {
            if sc == target {
                if depth == 0 {
                    return Some(base);
                }
                let span = self.f.span;
                return Some(self.value(Ty::Ref, Op::EnvUp { env: base, depth }, span));
            }
            depth += 1;
            s = self.cx.env_scope_from(self.cx.outer(sc));
        }
        None
    }

    fn var_place(&mut self, v: VarId) -> Place {
        let info = self.cx.sema.var(v);
        let ty = self.cx.ty(info.ty).unwrap_or(Ty::I32);
        if info.captured {
            let slot = self.cx.env_slots[&info.scope].iter().position(|&x| x == v).unwrap_or(0) as u32;
            let env = self.env_of(info.scope).expect("environment of a captured variable is reachable");
            Place::Env { env, slot, ty }
        } else {
            let name = self.cx.ast.name(info.name).to_string();
            let f = &mut self.f;
            Place::Reg(*self.regs.entry(v).or_insert_with(|| {
                let r = f.new_var(ty, Some(name));
                f.vars[r.index()].shared = true;
                r
            }))
        }
    }

    fn load(&mut self, place: &Place, span: Span) -> Var {
        match *place {
            Place::Reg(v) => v,
            Place::Env { env, slot, ty } => self.value(ty, Op::EnvGet { env, slot, ty }, span),
            Place::Elem { array, index, elem } => self.value(elem, Op::ArrayGet { elem, array, index }, span),
            Place::Field { obj, slot, ty } => self.value(ty, Op::GetField { obj, slot, ty }, span),
        }
    }

    fn store(&mut self, place: Place, value: Var, span: Span) {
        match place {
            Place::Reg(v) => {
                if v != value {
                    self.emit(Some(v), Op::Copy(value), span)
                }
            }
            Place::Env { env, slot, .. } => self.emit(None, Op::EnvSet { env, slot, value }, span),
            Place::Elem { array, index, elem } => self.emit(None, Op::ArraySet { elem, array, index, value }, span),
            Place::Field { obj, slot, .. } => self.emit(None, Op::SetField { obj, slot, value }, span),
        }
    }

    /// The environment to pass to function `g` (called or closed over from here).
    fn env_for(&mut self, g: FuncId) -> Option<Var> {
        if !self.cx.needs_env.contains(&g) {
            return None;
        }
        let scope = self.cx.closure_env_scope(g)?;
        self.env_of(scope)
    }

    // ----------------------------------------------------------------------------
    // Statements

    fn stmt(&mut self, s: StmtId) {
        let ast = self.cx.ast;
        let stmt = ast.stmt(s);
        let span = stmt.span;
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.expr(*e);
            }
            StmtKind::VarDecl(items) => {
                let vars = self.cx.sema.decl_vars.get(&s).cloned().unwrap_or_default();
                for (item, v) in items.iter().zip(vars) {
                    let value = match item.init {
                        Some(init) => self.expr_value(init),
                        None => {
                            let ty = self.cx.ty(self.cx.sema.var(v).ty).unwrap_or(Ty::I32);
                            self.constant(default_const(ty), item.name.span)
                        }
                    };
                    let place = self.var_place(v);
                    self.store(place, value, item.name.span);
                }
            }
            StmtKind::Func(_) | StmtKind::Class(_) | StmtKind::TypeAlias { .. } | StmtKind::Empty => {}
            StmtKind::Block(stmts) => {
                let scope = self.cx.sema.stmt_scope.get(&s).copied();
                let prev = scope.map(|sc| self.enter_scope(sc, span));
                for &st in stmts {
                    self.stmt(st);
                }
                if let Some(p) = prev {
                    self.exit_scope(p);
                }
            }
            StmtKind::Print(e) => {
                let v = self.expr_value(*e);
                let ty = self.ir_ty_of(*e);
                let s = self.value(Ty::Ref, Op::ToStr(ty, v), span);
                self.emit(None, Op::Print(s), span);
            }
            StmtKind::If { cond, then, els } => {
                let then_bb = self.f.new_block();
                let join = self.f.new_block();
                let else_bb = if els.is_some() { self.f.new_block() } else { join };
                self.cond(*cond, then_bb, else_bb);
                self.cur = then_bb;
                self.stmt(*then);
                self.jump_to(join, span);
                if let Some(e) = els {
                    self.cur = else_bb;
                    self.stmt(*e);
                    self.jump_to(join, span);
                }
                self.cur = join;
            }
            StmtKind::While { cond, body } => {
                let head = self.f.new_block();
                let body_bb = self.f.new_block();
                let exit = self.f.new_block();
                self.jump_to(head, span);
                self.cond(*cond, body_bb, exit);
                self.cur = body_bb;
                self.loop_body(*body, exit, Some(head));
                self.jump_to(head, span);
                self.cur = exit;
            }
            StmtKind::DoWhile { body, cond } => {
                let body_bb = self.f.new_block();
                let test = self.f.new_block();
                let exit = self.f.new_block();
                self.jump_to(body_bb, span);
                self.loop_body(*body, exit, Some(test));
                self.jump_to(test, span);
                self.cond(*cond, body_bb, exit);
                self.cur = exit;
            }
            StmtKind::For { init, cond, step, body } => {
                let scope = self.cx.sema.stmt_scope.get(&s).copied();
                let prev = scope.map(|sc| self.enter_scope(sc, span));
                if let Some(i) = init {
                    self.stmt(*i);
                }
                let head = self.f.new_block();
                let body_bb = self.f.new_block();
                let step_bb = self.f.new_block();
                let exit = self.f.new_block();
                self.jump_to(head, span);
                match cond {
                    Some(c) => self.cond(*c, body_bb, exit),
                    None => self.jump_to(body_bb, span),
                }
                self.cur = body_bb;
                self.loop_body(*body, exit, Some(step_bb));
                self.jump_to(step_bb, span);
                if let Some(st) = step {
                    self.expr(*st);
                }
                self.jump_to(head, span);
                self.cur = exit;
                if let Some(p) = prev {
                    self.exit_scope(p);
                }
            }
            StmtKind::Break => {
                if let Some(l) = self.loops.last() {
                    let t = l.break_to;
                    self.terminate(Terminator::Jump(t), span);
                }
            }
            StmtKind::Continue => {
                if let Some(t) = self.loops.iter().rev().find_map(|l| l.continue_to) {
                    self.terminate(Terminator::Jump(t), span);
                }
            }
            StmtKind::Return(e) => {
                let v = e.map(|e| self.expr_value(e));
                let v = if self.f.ret.is_some() { v } else { None };
                self.terminate(Terminator::Return(v), span);
            }
            StmtKind::Switch { scrutinee, cases } => self.switch(s, *scrutinee, cases, span),
            StmtKind::Goto(e) if self.cx.sema.tail_calls.contains(&s) => {
                if let ExprKind::Call { callee, args } = &ast.expr(*e).kind
                    && let Ok((callee, args)) = self.call_parts(*e, *callee, args, span)
                {
                    self.terminate(Terminator::TailCall { callee, args }, span);
                }
            }
            StmtKind::Label(_) => {
                if let Some(&l) = self.cx.sema.label_stmts.get(&s) {
                    let b = self.label_block(l);
                    self.jump_to(b, span);
                }
            }
            StmtKind::Goto(_) if let Some(&l) = self.cx.sema.local_gotos.get(&s) => {
                let b = self.label_block(l);
                self.terminate(Terminator::Jump(b), span);
            }
            StmtKind::Goto(e) => {
                let v = self.expr_value(*e);
                let at = self.span_of(*e);
                self.terminate(Terminator::Goto(v), at);
            }
            StmtKind::Error => {}
        }
    }

    fn loop_body(&mut self, body: StmtId, exit: Block, cont: Option<Block>) {
        self.loops.push(LoopCtx { break_to: exit, continue_to: cont });
        self.stmt(body);
        self.loops.pop();
    }

    fn switch(&mut self, s: StmtId, scrutinee: ExprId, cases: &[oort_syntax::ast::SwitchCase], span: Span) {
        let value = self.expr_value(scrutinee);
        let exit = self.f.new_block();
        let mut table: Vec<(i64, Block)> = Vec::new();
        let mut default = exit;
        let mut bodies = Vec::new();
        for (i, c) in cases.iter().enumerate() {
            let bb = self.f.new_block();
            if c.is_default {
                default = bb;
            }
            for &ve in &c.values {
                // The type checker evaluated every case value and rejected duplicates.
                if let Some(&bits) = self.cx.sema.case_values.get(&ve) {
                    table.push((bits, bb));
                }
            }
            bodies.push((i as u32, bb));
        }
        self.terminate(Terminator::Switch { value, cases: table, default }, span);
        self.loops.push(LoopCtx { break_to: exit, continue_to: None });
        for ((i, bb), c) in bodies.into_iter().zip(cases) {
            self.cur = bb;
            let scope = self.cx.sema.case_scope.get(&(s, i)).copied();
            let prev = scope.map(|sc| self.enter_scope(sc, c.span));
            for &st in &c.body {
                self.stmt(st);
            }
            if let Some(p) = prev {
                self.exit_scope(p);
            }
            self.jump_to(exit, c.span);
        }
        self.loops.pop();
        self.cur = exit;
    }

    /// Lowers a condition as control flow: jumps to `t` when it holds, else to `f`.
    fn cond(&mut self, e: ExprId, t: Block, f: Block) {
        let span = self.span_of(e);
        match &self.cx.ast.expr(e).kind {
            ExprKind::Bool(true) => self.f.set_term(self.cur, Terminator::Jump(t), span),
            ExprKind::Bool(false) => self.f.set_term(self.cur, Terminator::Jump(f), span),
            ExprKind::Unary(UnOp::Not, a) => {
                let a = *a;
                return self.cond(a, f, t);
            }
            ExprKind::Binary(BinOp::And, a, b) => {
                let (a, b) = (*a, *b);
                let mid = self.f.new_block();
                self.cond(a, mid, f);
                self.cur = mid;
                return self.cond(b, t, f);
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let (a, b) = (*a, *b);
                let mid = self.f.new_block();
                self.cond(a, t, mid);
                self.cur = mid;
                return self.cond(b, t, f);
            }
            _ => {
                let v = self.expr_value(e);
                self.f.set_term(self.cur, Terminator::Branch { cond: v, then: t, els: f }, span);
            }
        }
        self.cur = self.f.new_block();
    }

    // ----------------------------------------------------------------------------
    // Expressions

    /// Lowers an expression that has a value.
    fn expr_value(&mut self, e: ExprId) -> Var {
        match self.expr(e) {
            Some(v) => v,
            None => {
                // `void` used as a value is a type error reported earlier.
                let span = self.span_of(e);
                self.constant(Const::I32(0), span)
            }
        }
    }

    /// Lowers operands left to right, protecting earlier plain-variable operands from
    /// side effects of later ones.
    fn operands(&mut self, es: &[ExprId]) -> Vec<Var> {
        let mut out = Vec::with_capacity(es.len());
        for (i, &e) in es.iter().enumerate() {
            let v = self.expr_value(e);
            if es[i + 1..].iter().any(|&later| !is_pure(self.cx.ast, later)) {
                let span = self.span_of(e);
                out.push(self.protect(v, span));
            } else {
                out.push(v);
            }
        }
        out
    }

    fn expr(&mut self, e: ExprId) -> Option<Var> {
        let ast = self.cx.ast;
        let span = self.span_of(e);
        let ty = self.ir_ty_of(e);
        let kind = &ast.expr(e).kind;
        Some(match kind {
            ExprKind::Int(v) => {
                let c = int_const(self.cx.sema, self.ty_of(e), *v, false);
                self.constant(c, span)
            }
            ExprKind::Double(d) => self.constant(Const::F64(*d), span),
            ExprKind::Str(s) => self.constant(Const::Str(s.clone()), span),
            ExprKind::Bool(b) => self.constant(Const::Bool(*b), span),
            ExprKind::Null => self.constant(Const::Null, span),
            ExprKind::Name(_) | ExprKind::This => match self.cx.sema.names.get(&e).copied() {
                Some(Res::Var(v)) => self.load_var(v, span),
                Some(Res::Member { .. }) => match self.member_value(e) {
                    Some(v) => v,
                    None => self.constant(Const::I32(0), span),
                },
                Some(Res::Func(g)) => {
                    let env = self.env_for(g);
                    let func = self.cx.fn_idx[&g];
                    self.value(Ty::Ref, Op::NewClosure { func, env }, span)
                }
                Some(Res::Label(l)) if self.cx.sema.label(l).func == self.fid => self.label_value(l, span),
                Some(Res::Label(l)) => self.load_var(self.cx.sema.label(l).var, span),
                _ => self.constant(Const::I32(0), span),
            },
            ExprKind::Unary(UnOp::Neg, a) if matches!(ast.expr(*a).kind, ExprKind::Int(_)) => {
                let ExprKind::Int(v) = ast.expr(*a).kind else { unreachable!() };
                let c = int_const(self.cx.sema, self.ty_of(e), v, true);
                self.constant(c, span)
            }
            ExprKind::Unary(op, a) => {
                let v = self.expr_value(*a);
                let op = match op {
                    UnOp::Neg => IrUn::Neg,
                    UnOp::Not => IrUn::Not,
                    UnOp::BitNot => IrUn::BitNot,
                };
                self.value(ty, Op::Unary(op, ty, v), span)
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let (a, b) = (*a, *b);
                let result = self.temp(Ty::Bool);
                let rhs_bb = self.f.new_block();
                let join = self.f.new_block();
                let av = self.expr_value(a);
                self.emit(Some(result), Op::Copy(av), span);
                let term = if *op == BinOp::And {
                    Terminator::Branch { cond: result, then: rhs_bb, els: join }
                } else {
                    Terminator::Branch { cond: result, then: join, els: rhs_bb }
                };
                self.f.set_term(self.cur, term, span);
                self.cur = rhs_bb;
                let bv = self.expr_value(b);
                self.emit(Some(result), Op::Copy(bv), span);
                self.jump_to(join, span);
                result
            }
            ExprKind::Binary(op, a, b) => {
                let (op, a, b) = (*op, *a, *b);
                let vs = self.operands(&[a, b]);
                self.binary(op, a, b, vs[0], vs[1], span)
            }
            ExprKind::Assign { op, target, value } => self.assign(*op, *target, *value, span),
            ExprKind::IncDec { prefix, increment, target } => {
                let place = self.place(*target);
                let old = self.load(&place, span);
                let old = if *prefix { old } else { self.value(ty, Op::Copy(old), span) };
                let one = self.constant(one_const(ty), span);
                let op = if *increment { IrBin::Add } else { IrBin::Sub };
                let new = self.value(ty, Op::Binary(op, ty, old, one), span);
                self.store(place, new, span);
                if *prefix { new } else { old }
            }
            ExprKind::Cond(c, a, b) => {
                let (c, a, b) = (*c, *a, *b);
                let result = self.temp(ty);
                let t = self.f.new_block();
                let f = self.f.new_block();
                let join = self.f.new_block();
                self.cond(c, t, f);
                self.cur = t;
                let av = self.expr_value(a);
                self.emit(Some(result), Op::Copy(av), span);
                self.jump_to(join, span);
                self.cur = f;
                let bv = self.expr_value(b);
                self.emit(Some(result), Op::Copy(bv), span);
                self.jump_to(join, span);
                result
            }
            ExprKind::Call { callee, args } => return self.call(e, *callee, args, span),
            ExprKind::Index { base, index } => {
                let (base, index) = (*base, *index);
                let vs = self.operands(&[base, index]);
                if matches!(self.cx.sema.types.kind(self.cx.sema.types.strip(self.ty_of(base))), TyKind::String) {
                    self.value(Ty::I32, Op::StrIndex { string: vs[0], index: vs[1] }, span)
                } else {
                    self.value(ty, Op::ArrayGet { elem: ty, array: vs[0], index: vs[1] }, span)
                }
            }
            ExprKind::Member { .. } if self.cx.member_class(e).is_some() => match self.member_value(e) {
                Some(v) => v,
                None => self.constant(Const::I32(0), span),
            },
            ExprKind::Member { base, .. } => {
                let b = self.expr_value(*base);
                match self.cx.sema.members.get(&e) {
                    Some(MemberRes::ArrayLength) => self.value(Ty::I32, Op::ArrayLen(b), span),
                    Some(MemberRes::StringLength) => self.value(Ty::I32, Op::StrLen(b), span),
                    _ => self.constant(Const::I32(0), span),
                }
            }
            ExprKind::NewArray { len, .. } => {
                let n = self.expr_value(*len);
                let elem = self.array_elem_ty(self.ty_of(e));
                self.value(Ty::Ref, Op::NewArray { elem, len: n }, span)
            }
            ExprKind::ArrayLit(items) => {
                let elem = self.array_elem_ty(self.ty_of(e));
                let vs = self.operands(items);
                let n = self.constant(Const::I32(vs.len() as i32), span);
                let arr = self.value(Ty::Ref, Op::NewArray { elem, len: n }, span);
                for (i, v) in vs.into_iter().enumerate() {
                    let idx = self.constant(Const::I32(i as i32), span);
                    self.emit(None, Op::ArraySet { elem, array: arr, index: idx, value: v }, span);
                }
                arr
            }
            ExprKind::Lambda(g) => {
                let env = self.env_for(*g);
                let func = self.cx.fn_idx[g];
                self.value(Ty::Ref, Op::NewClosure { func, env }, span)
            }
            ExprKind::New { args, .. } => match self.cx.sema.news.get(&e).copied() {
                Some(c) => self.new_object(c, args, span),
                None => self.constant(Const::Null, span),
            },
            ExprKind::Is(a, _) => {
                let obj = self.expr_value(*a);
                match self.cx.sema.type_tests.get(&e) {
                    Some(t) => {
                        let test = self.type_test(*t);
                        self.value(Ty::Bool, Op::InstanceOf { obj, test }, span)
                    }
                    None => self.constant(Const::Bool(false), span),
                }
            }
            ExprKind::As(a, _) if self.cx.sema.type_tests.contains_key(&e) => {
                let obj = self.expr_value(*a);
                let test = self.type_test(self.cx.sema.type_tests[&e]);
                let non_null = matches!(self.cx.sema.types.kind(self.ty_of(e)), TyKind::NonNull(_));
                self.value(Ty::Ref, Op::Cast { obj, test, non_null }, span)
            }
            ExprKind::Convert(a) if self.cx.sema.null_checks.contains(&e) => {
                let v = self.expr_value(*a);
                self.value(Ty::Ref, Op::NullCheck(v), span)
            }
            ExprKind::As(a, _) | ExprKind::Convert(a) => {
                let from = self.ir_ty_of(*a);
                let v = self.expr_value(*a);
                if from == ty || from == Ty::Ref || ty == Ty::Ref {
                    v
                } else {
                    self.value(ty, Op::Convert { from, to: ty, src: v }, span)
                }
            }
            ExprKind::SuperMember(_) | ExprKind::Error => {
                // Rejected by the type checker before lowering runs.
                self.constant(Const::I32(0), span)
            }
        })
    }

    /// The IR form of a type test decided by `typecheck`.
    fn type_test(&self, t: oort_sema::TypeTest) -> TypeTest {
        match t {
            oort_sema::TypeTest::Class(c) => TypeTest::Class(self.cx.classes[&c].index),
            oort_sema::TypeTest::String => TypeTest::String,
            oort_sema::TypeTest::Label => TypeTest::Label,
            oort_sema::TypeTest::Array(el) => TypeTest::Array(self.cx.ty(el).unwrap_or(Ty::I32)),
            oort_sema::TypeTest::NonNull(ty) => TypeTest::NonNull(self.cx.sema.display_ty(ty)),
        }
    }

    fn array_elem_ty(&self, array_ty: TyId) -> Ty {
        let types = &self.cx.sema.types;
        match types.kind(types.strip(array_ty)) {
            TyKind::Array(el) => self.cx.ty(*el).unwrap_or(Ty::I32),
            _ => Ty::I32,
        }
    }

    fn is_string(&self, e: ExprId) -> bool {
        let types = &self.cx.sema.types;
        matches!(types.kind(types.strip(self.ty_of(e))), TyKind::String)
    }

    /// Whether the operand `e` of an `==` may hold a string: its static type before any
    /// implicit conversion (an upcast to `object`) is `string` or `object`.
    fn may_be_string(&self, e: ExprId) -> bool {
        let mut x = e;
        while let ExprKind::Convert(y) = &self.cx.ast.expr(x).kind {
            x = *y;
        }
        let types = &self.cx.sema.types;
        matches!(types.kind(types.strip(self.ty_of(x))), TyKind::String | TyKind::Object)
    }

    fn binary(&mut self, op: BinOp, a: ExprId, b: ExprId, av: Var, bv: Var, span: Span) -> Var {
        let operand_ty = self.ir_ty_of(a);
        let strings = self.is_string(a) || self.is_string(b);
        // §5: strings compare by content whatever the static type, so `==` between two
        // operands that may both hold strings (`object` with `object` or `string`)
        // compares strings by content and anything else by identity (`StrEq` does both).
        // Operands of class, array, fn or label types compare by identity alone.
        let content = strings || (self.may_be_string(a) && self.may_be_string(b));
        let irop = match op {
            BinOp::Add if strings => return self.value(Ty::Ref, Op::StrConcat(av, bv), span),
            BinOp::Eq | BinOp::Ne if content => {
                let negate = op == BinOp::Ne;
                return self.value(Ty::Bool, Op::StrEq { negate, lhs: av, rhs: bv }, span);
            }
            BinOp::Mul => IrBin::Mul,
            BinOp::Div => IrBin::Div,
            BinOp::Rem => IrBin::Rem,
            BinOp::Add => IrBin::Add,
            BinOp::Sub => IrBin::Sub,
            BinOp::Shl => IrBin::Shl,
            BinOp::Shr => IrBin::Shr,
            BinOp::BitAnd => IrBin::And,
            BinOp::BitXor => IrBin::Xor,
            BinOp::BitOr => IrBin::Or,
            BinOp::Lt => IrBin::Lt,
            BinOp::Le => IrBin::Le,
            BinOp::Gt => IrBin::Gt,
            BinOp::Ge => IrBin::Ge,
            BinOp::Eq => IrBin::Eq,
            BinOp::Ne => IrBin::Ne,
            BinOp::And | BinOp::Or => unreachable!("short-circuit operators are lowered as control flow"),
        };
        let result_ty = if irop.is_comparison() { Ty::Bool } else { operand_ty };
        self.value(result_ty, Op::Binary(irop, operand_ty, av, bv), span)
    }

    /// Evaluates the object and index of an assignment target.
    fn place(&mut self, target: ExprId) -> Place {
        if let Some((obj, slot, ty)) = self.field_access(target) {
            return Place::Field { obj, slot, ty };
        }
        match &self.cx.ast.expr(target).kind {
            ExprKind::Name(_) => match self.cx.sema.names.get(&target).copied() {
                Some(Res::Var(v)) => self.var_place(v),
                _ => Place::Reg(self.temp(Ty::I32)),
            },
            ExprKind::Index { base, index } => {
                let (base, index) = (*base, *index);
                let elem = self.ir_ty_of(target);
                let vs = self.operands(&[base, index]);
                Place::Elem { array: vs[0], index: vs[1], elem }
            }
            _ => Place::Reg(self.temp(Ty::I32)),
        }
    }

    /// A copy of `v` if it is a user variable (which a later side effect could change),
    /// else `v` itself.
    fn protect(&mut self, v: Var, span: Span) -> Var {
        if self.f.vars[v.index()].name.is_some() {
            let ty = self.f.var_ty(v);
            self.value(ty, Op::Copy(v), span)
        } else {
            v
        }
    }

    fn assign(&mut self, op: Option<BinOp>, target: ExprId, value: ExprId, span: Span) -> Var {
        let mut place = self.place(target);
        // The target's array and index are evaluated before the value (left to right).
        if !is_pure(self.cx.ast, value) {
            match place {
                Place::Elem { array, index, elem } => {
                    place = Place::Elem { array: self.protect(array, span), index: self.protect(index, span), elem };
                }
                Place::Field { obj, slot, ty } => place = Place::Field { obj: self.protect(obj, span), slot, ty },
                _ => {}
            }
        }
        let result = match op {
            None => self.expr_value(value),
            Some(op) => {
                let mut old = self.load(&place, span);
                if !is_pure(self.cx.ast, value) {
                    old = self.protect(old, span);
                }
                let rhs = self.expr_value(value);
                self.binary(op, target, value, old, rhs, span)
            }
        };
        self.store(place, result, span);
        result
    }

    fn call(&mut self, e: ExprId, callee: ExprId, args: &[ExprId], span: Span) -> Option<Var> {
        let ret = self.cx.ty(self.ty_of(e));
        let (callee, argv) = match self.call_parts(e, callee, args, span) {
            Ok(parts) => parts,
            Err(value) => return Some(value),
        };
        let dst = ret.map(|t| self.temp(t));
        self.emit(dst, Op::Call { callee, args: argv }, span);
        dst
    }

    /// Evaluates the callee and arguments of a call; `Err` holds the value of a call that
    /// is not an IR call (`substring`, or an erroneous call).
    fn call_parts(
        &mut self,
        e: ExprId,
        callee: ExprId,
        args: &[ExprId],
        span: Span,
    ) -> Result<(Callee, Vec<Var>), Var> {
        let kind = self.cx.sema.calls.get(&e).copied().unwrap_or(CallKind::Error);
        Ok(match kind {
            CallKind::Direct(g) => {
                let argv = self.operands(args);
                let env = self.env_for(g);
                (Callee::Direct { func: self.cx.fn_idx[&g], env }, argv)
            }
            CallKind::Closure => {
                let mut all = vec![callee];
                all.extend_from_slice(args);
                let vs = self.operands(&all);
                (Callee::Closure(vs[0]), vs[1..].to_vec())
            }
            CallKind::Builtin(b) => (Callee::Builtin(b), self.operands(args)),
            CallKind::Virtual { slot } => {
                let receiver = self.receiver(callee);
                let receiver = if args.iter().any(|&a| !is_pure(self.cx.ast, a)) {
                    self.protect(receiver, span)
                } else {
                    receiver
                };
                let mut argv = vec![receiver];
                argv.extend(self.operands(args));
                (Callee::Virtual { slot }, argv)
            }
            CallKind::Super(f) => {
                let this = match self.cx.sema.names.get(&callee).copied() {
                    Some(Res::Var(v)) => self.load_var(v, span),
                    _ => self.constant(Const::Null, span),
                };
                let mut argv = vec![this];
                argv.extend(self.operands(args));
                (Callee::Direct { func: self.cx.fn_idx[&f], env: None }, argv)
            }
            CallKind::Substring => {
                let ExprKind::Member { base, .. } = self.cx.ast.expr(callee).kind else {
                    return Err(self.constant(Const::Null, span));
                };
                let mut all = vec![base];
                all.extend_from_slice(args);
                let vs = self.operands(&all);
                let (string, from, to) = (vs[0], vs[1], vs[2]);
                return Err(self.value(Ty::Ref, Op::Substring { string, from, to }, span));
            }
            CallKind::Error => return Err(self.constant(Const::I32(0), span)),
        })
    }
}

/// The class of a method or field-initializer method.
fn method_class(ast: &Ast, f: FuncId) -> Option<ClassId> {
    match ast.func(f).kind {
        FuncKind::Method(c) | FuncKind::FieldInit(c) => Some(c),
        _ => None,
    }
}

fn function_name(cx: &Cx<'_>, fid: FuncId) -> String {
    let decl = cx.ast.func(fid);
    if decl.kind == FuncKind::Main {
        return "main".to_string();
    }
    let class = |c: ClassId| cx.ast.name(cx.ast.class(c).name.sym);
    let own = match (decl.kind, decl.name) {
        (FuncKind::FieldInit(c), _) => format!("{}.$fields", class(c)),
        (FuncKind::Method(c), Some(n)) => format!("{}.{}", class(c), cx.ast.name(n.sym)),
        (_, Some(n)) => cx.ast.name(n.sym).to_string(),
        (_, None) => {
            let (l, c) = cx.file.line_col(decl.span.lo);
            format!("lambda@{l}:{c}")
        }
    };
    match cx.sema.funcs.get(&fid).and_then(|i| i.parent) {
        Some(p) if p != cx.ast.main => format!("{}.{own}", function_name(cx, p)),
        _ => own,
    }
}

fn default_const(ty: Ty) -> Const {
    match ty {
        Ty::Bool => Const::Bool(false),
        Ty::I32 => Const::I32(0),
        Ty::U32 => Const::U32(0),
        Ty::I64 => Const::I64(0),
        Ty::U64 => Const::U64(0),
        Ty::F64 => Const::F64(0.0),
        Ty::Ref => Const::Null,
    }
}

fn one_const(ty: Ty) -> Const {
    match ty {
        Ty::I32 => Const::I32(1),
        Ty::U32 => Const::U32(1),
        Ty::I64 => Const::I64(1),
        Ty::U64 => Const::U64(1),
        Ty::F64 => Const::F64(1.0),
        _ => Const::I32(1),
    }
}

/// The constant for an integer literal of magnitude `v` (negated when `neg`) at the type
/// the checker gave it.
fn int_const(sema: &SemaInfo, t: TyId, v: u64, neg: bool) -> Const {
    let signed = if neg { (v as i64).wrapping_neg() } else { v as i64 };
    match sema.types.kind(t) {
        TyKind::Int(IntTy::I32) => Const::I32(signed as i32),
        TyKind::Int(IntTy::U32) => Const::U32(signed as u32),
        TyKind::Int(IntTy::I64) => Const::I64(signed),
        TyKind::Int(IntTy::U64) => Const::U64(signed as u64),
        TyKind::Double => Const::F64(if neg { -(v as f64) } else { v as f64 }),
        _ => Const::I64(signed),
    }
}
