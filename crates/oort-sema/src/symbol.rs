//! The `symbol` pass: scopes, variables, and what every name refers to.
//!
//! Scopes (LANGUAGE.md §3): a function body (holding the parameters and the body's own
//! declarations), each `{ … }` block, each `for` statement (its init declaration), and each
//! `switch` case. Within a scope:
//! - functions, type aliases, classes and labels are *hoisted*: visible in the whole scope,
//!   so functions may be mutually recursive;
//! - variables are visible from their declaration to the end of the scope. A use of a name
//!   that the same scope declares later is the error "cannot use `x` before its
//!   declaration" (even when an enclosing function has an `x`, as in C#), and so is a use in
//!   the body of a function defined textually before the variable.
//!
//! Values (variables, parameters, functions, labels) and types (aliases, classes) live in
//! two separate namespaces. Redeclaring a value name while a declaration of it in an
//! enclosing scope *of the same function* is visible is an error (Java's rule); shadowing
//! names of enclosing functions and built-ins is fine. Built-in functions (§11) resolve to
//! [`Res::Builtin`] when no declaration shadows them.
//!
//! Besides resolution the pass computes [`VarInfo::captured`] (the variable is named from a
//! function other than its owner) and [`FuncInfo::uses_outer`]: the function names a
//! variable of an enclosing function, or names (calls, takes as a value, or creates, for a
//! lambda) a function that needs a variable of a function enclosing this one (fixed point).
//!
//! Classes: a class's name is a hoisted type. Its base class is resolved when its block is
//! entered (so classes of one block may extend each other in any order). Its methods and
//! field initializers are resolved inside a class scope in which every member name of
//! the class and its ancestors resolves to [`Res::Member`] of `this`, before enclosing
//! scopes. Every method gets an implicit first parameter `this`; so does the class's
//! implicit field-initializer method ([`ClassDecl::field_init`]), in whose scope the field
//! initializers are resolved. `this` resolves to the `this` parameter of the innermost
//! enclosing method; a nested function using it (or a member name) captures it.
//!
//! Labels (`@name:`) are hoisted values of their block, resolving to [`Res::Label`]. Each
//! label has a hidden variable ([`VarKind::Label`]) that is marked captured, like any
//! variable, when a nested function names the label: lowering keeps the label's value in
//! the block's environment for them. `goto name;` to a label of the same function is
//! recorded in [`SemaInfo::local_gotos`] (a plain jump).

use crate::model::*;
use crate::ty::TyId;
use oort_syntax::Span;
use oort_syntax::ast::*;
use oort_syntax::{Code, Diagnostic};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Runs the `symbol` pass over the whole program.
pub fn resolve(ast: &Ast) -> (SemaInfo, Vec<Diagnostic>) {
    let mut r = Resolver {
        ast,
        sema: SemaInfo::default(),
        diags: Vec::new(),
        frames: Vec::new(),
        ctx: Vec::new(),
        refs: HashMap::new(),
        needs: HashMap::new(),
        this_sym: ast.interner.get("this").unwrap_or(Sym(0)),
        class_depth: HashMap::new(),
    };
    r.resolve_func(ast.main, None);
    r.compute_uses_outer();
    let mut diags = r.diags;
    oort_syntax::diag::sort_diagnostics(&mut diags);
    (r.sema, diags)
}

#[derive(Clone, Copy)]
enum Value {
    Var(VarId),
    Func(FuncId),
    /// A member of the class whose class scope declares it.
    Member(ClassId),
    Label(LabelId),
}

struct Frame {
    id: ScopeId,
    func: FuncId,
    values: HashMap<Sym, Value>,
    /// Variables this scope declares further down.
    pending: HashSet<Sym>,
    types: HashMap<Sym, TypeRes>,
}

struct FuncCtx {
    func: FuncId,
    loops: u32,
    switches: u32,
    /// For a method: its class and its `this` parameter.
    this: Option<(ClassId, VarId)>,
}

struct Resolver<'a> {
    ast: &'a Ast,
    sema: SemaInfo,
    diags: Vec<Diagnostic>,
    frames: Vec<Frame>,
    ctx: Vec<FuncCtx>,
    /// Functions each function names (including lambdas it creates).
    refs: HashMap<FuncId, Vec<FuncId>>,
    /// Enclosing functions whose variables each function names directly.
    needs: HashMap<FuncId, BTreeSet<FuncId>>,
    /// The name of every method's receiver parameter.
    this_sym: Sym,
    /// The number of classes on each class's chain of ancestors (itself included).
    class_depth: HashMap<ClassId, usize>,
}

/// The most ancestors a class can have (E0402). Every class holds the fields and the
/// vtable of all its ancestors, so a chain of n classes costs n² without a limit.
pub const MAX_CLASS_DEPTH: usize = 100;

impl<'a> Resolver<'a> {
    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, span, msg));
    }

    fn name(&self, sym: Sym) -> &'a str {
        self.ast.name(sym)
    }

    fn cur_func(&self) -> FuncId {
        self.ctx.last().map_or(self.ast.main, |c| c.func)
    }

    fn cur_scope(&self) -> Option<ScopeId> {
        self.frames.last().map(|f| f.id)
    }

    // ---------------------------------------------------------------- scopes

    fn push_scope(&mut self, kind: ScopeKind) -> ScopeId {
        let id = ScopeId(self.sema.scopes.len() as u32);
        let func = self.cur_func();
        self.sema.scopes.push(ScopeInfo { kind, parent: self.cur_scope(), func, vars: Vec::new() });
        self.frames.push(Frame { id, func, values: HashMap::new(), pending: HashSet::new(), types: HashMap::new() });
        id
    }

    fn pop_scope(&mut self) {
        self.frames.pop();
    }

    /// Declares a value name in the innermost scope, checking duplicates and the Java rule.
    /// Returns whether the name was entered.
    fn declare_value(&mut self, ident: Ident, v: Value) -> bool {
        let name = self.name(ident.sym);
        let Some(top) = self.frames.last() else { return false };
        if top.values.contains_key(&ident.sym) {
            self.error(Code::DuplicateName, ident.span, format!("duplicate name `{name}` in this scope"));
            return false;
        }
        let func = top.func;
        let shadows =
            self.frames.iter().rev().skip(1).take_while(|f| f.func == func).any(|f| f.values.contains_key(&ident.sym));
        if shadows {
            self.error(
                Code::ShadowedName,
                ident.span,
                format!("`{name}` is already declared in an enclosing scope of this function"),
            );
        }
        let top = self.frames.last_mut().expect("scope");
        top.pending.remove(&ident.sym);
        top.values.insert(ident.sym, v);
        true
    }

    fn declare_type(&mut self, ident: Ident, t: TypeRes) {
        let Some(top) = self.frames.last_mut() else { return };
        if top.types.contains_key(&ident.sym) {
            let name = self.name(ident.sym);
            self.error(Code::DuplicateName, ident.span, format!("duplicate type name `{name}` in this scope"));
            return;
        }
        top.types.insert(ident.sym, t);
    }

    fn new_var(&mut self, ident: Ident, kind: VarKind) -> VarId {
        let id = self.add_var(ident, kind);
        self.declare_value(ident, Value::Var(id));
        id
    }

    /// Records a variable of the innermost scope without making its name visible.
    fn add_var(&mut self, ident: Ident, kind: VarKind) -> VarId {
        let id = VarId(self.sema.vars.len() as u32);
        let scope = self.cur_scope().expect("scope");
        self.sema.vars.push(VarInfo {
            name: ident.sym,
            span: ident.span,
            kind,
            ty: TyId::ERROR,
            func: self.cur_func(),
            scope,
            captured: false,
        });
        self.sema.scopes[scope.0 as usize].vars.push(id);
        id
    }

    /// Enters the hoisted declarations of a statement list into the innermost scope.
    fn hoist(&mut self, stmts: &[StmtId]) {
        for &s in stmts {
            let stmt = self.ast.stmt(s);
            match &stmt.kind {
                StmtKind::Func(f) => {
                    if let Some(name) = self.ast.func(*f).name {
                        self.declare_value(name, Value::Func(*f));
                    }
                }
                StmtKind::TypeAlias { name, .. } => self.declare_type(*name, TypeRes::Alias(s)),
                StmtKind::Class(c) => {
                    let class = self.ast.class(*c);
                    self.declare_type(class.name, TypeRes::Class(*c));
                    self.sema.class_names.insert(*c, self.name(class.name.sym).to_string());
                }
                StmtKind::Label(name) => {
                    let id = LabelId(self.sema.labels.len() as u32);
                    let var = self.add_var(*name, VarKind::Label(id));
                    self.sema.vars[var.0 as usize].ty = TyId::LABEL;
                    let scope = self.cur_scope().expect("scope");
                    let func = self.cur_func();
                    self.sema.labels.push(LabelInfo { name: name.sym, span: name.span, func, scope, stmt: s, var });
                    self.sema.label_stmts.insert(s, id);
                    self.declare_value(*name, Value::Label(id));
                }
                StmtKind::VarDecl(decls) => {
                    let top = self.frames.last_mut().expect("scope");
                    for d in decls {
                        if !top.values.contains_key(&d.name.sym) {
                            top.pending.insert(d.name.sym);
                        }
                    }
                }
                _ => {}
            }
        }
        // Base classes, now that every class of this scope is declared.
        let mut classes = Vec::new();
        for &s in stmts {
            if let StmtKind::Class(c) = self.ast.stmt(s).kind {
                self.declare_class(c);
                classes.push(c);
            }
        }
        self.check_depths(&classes);
    }

    /// Records a class (declared in the innermost scope) and resolves its base class.
    fn declare_class(&mut self, c: ClassId) {
        let class = self.ast.class(c);
        let parent = class.base.and_then(|b| {
            let found = self.frames.iter().rev().find_map(|f| f.types.get(&b.sym).copied());
            match found {
                Some(TypeRes::Class(p)) => Some(p),
                Some(_) => {
                    let n = self.name(b.sym);
                    self.error(
                        Code::InvalidInheritance,
                        b.span,
                        format!("`{n}` is not a class; only classes can be inherited from"),
                    );
                    None
                }
                None => {
                    let n = self.name(b.sym);
                    self.error(Code::UnknownType, b.span, format!("unknown class `{n}`"));
                    None
                }
            }
        });
        let decl_scope = self.cur_scope().expect("scope");
        self.sema.classes.insert(
            c,
            ClassInfo {
                parent,
                func: self.cur_func(),
                decl_scope,
                field_init: class.field_init,
                fields: Vec::new(),
                vtable: Vec::new(),
                init: None,
                ty: TyId::ERROR,
            },
        );
        // A class that (indirectly) inherits from itself: report once, cut the cycle. (A
        // chain longer than the depth limit is cut by `check_depths` anyway.)
        let mut seen = HashSet::from([c]);
        let mut p = parent;
        while let Some(q) = p {
            if seen.len() > MAX_CLASS_DEPTH + 1 {
                break;
            }
            if !seen.insert(q) {
                let n = self.name(class.name.sym);
                self.error(Code::InvalidInheritance, class.name.span, format!("class `{n}` inherits from itself"));
                self.sema.classes[&c].parent = None;
                break;
            }
            p = self.sema.classes.get(&q).and_then(|i| i.parent);
        }
    }

    /// E0402 for the classes of `classes` with more than [`MAX_CLASS_DEPTH`] ancestors
    /// (after their scope's classes are declared, so every base is known): their base is
    /// cut, so later passes never walk a longer chain. `depth` memoizes the number of
    /// classes on each chain, so the check is linear in the number of classes.
    fn check_depths(&mut self, classes: &[ClassId]) {
        for &c in classes {
            let mut chain = Vec::new();
            let mut k = Some(c);
            while let Some(x) = k {
                if self.class_depth.contains_key(&x) || chain.len() > MAX_CLASS_DEPTH + 1 {
                    break;
                }
                chain.push(x);
                k = self.sema.classes.get(&x).and_then(|i| i.parent);
            }
            let above = k.map_or(0, |x| self.class_depth.get(&x).copied().unwrap_or(usize::MAX));
            if above.saturating_add(chain.len()) <= MAX_CLASS_DEPTH + 1 {
                for (i, &x) in chain.iter().enumerate() {
                    self.class_depth.insert(x, above + chain.len() - i);
                }
                continue;
            }
            let class = self.ast.class(c);
            let n = self.name(class.name.sym);
            self.diags.push(
                Diagnostic::new(
                    Code::ClassTooDeep,
                    class.name.span,
                    format!("class `{n}` has more than {MAX_CLASS_DEPTH} ancestors"),
                )
                .with_primary_label("inheritance chain too long")
                .with_note(format!("a class can have at most {MAX_CLASS_DEPTH} ancestors")),
            );
            if let Some(i) = self.sema.classes.get_mut(&c) {
                i.parent = None;
            }
            self.class_depth.insert(c, 1);
        }
    }

    /// Every member name of a class and its ancestors.
    fn member_names(&self, c: ClassId) -> Vec<Sym> {
        let mut names = Vec::new();
        let mut known = HashSet::new();
        let mut cur = Some(c);
        let mut seen = HashSet::new();
        while let Some(k) = cur {
            if !seen.insert(k) {
                break;
            }
            for m in &self.ast.class(k).members {
                let sym = match m {
                    Member::Field(d) => d.name.sym,
                    Member::Method(f) => match self.ast.func(*f).name {
                        Some(n) => n.sym,
                        None => continue,
                    },
                };
                if known.insert(sym) {
                    names.push(sym);
                }
            }
            cur = self.sema.classes.get(&k).and_then(|i| i.parent);
        }
        names
    }

    /// Resolves a class body: field types, field initializers and methods, inside a class
    /// scope where member names resolve to members of `this`.
    fn class_body(&mut self, c: ClassId) {
        if !self.sema.classes.contains_key(&c) {
            return; // declared somewhere this pass did not reach (an error was reported)
        }
        self.push_scope(ScopeKind::Class(c));
        for sym in self.member_names(c) {
            self.frames.last_mut().expect("scope").values.insert(sym, Value::Member(c));
        }
        let class = self.ast.class(c);
        // Duplicate members of this class.
        let mut own: HashMap<Sym, Span> = HashMap::new();
        for m in &class.members {
            let id = match m {
                Member::Field(d) => d.name,
                Member::Method(f) => match self.ast.func(*f).name {
                    Some(n) => n,
                    None => continue,
                },
            };
            if own.insert(id.sym, id.span).is_some() {
                let n = self.name(id.sym);
                self.error(
                    Code::DuplicateName,
                    id.span,
                    format!("duplicate member `{n}` in class `{}`", self.name(class.name.sym)),
                );
            }
        }
        // Field types, then the initializers inside the field-initializer method.
        for m in &class.members {
            if let Member::Field(d) = m
                && let Some(t) = d.ty
            {
                self.type_expr(t);
            }
        }
        let inits: Vec<ExprId> = class
            .members
            .iter()
            .filter_map(|m| match m {
                Member::Field(d) => d.init,
                Member::Method(_) => None,
            })
            .collect();
        self.method(class.field_init, c, |r| {
            for e in inits {
                r.expr(e);
            }
        });
        for m in &class.members {
            if let Member::Method(f) = m {
                let f = *f;
                let decl = self.ast.func(f);
                for p in &decl.params {
                    self.type_expr(p.ty);
                }
                if let Some(r) = decl.ret {
                    self.type_expr(r);
                }
                let body = decl.body.clone();
                self.method(f, c, |r| {
                    r.hoist(&body);
                    for &s in &body {
                        r.stmt(s);
                    }
                });
            }
        }
        self.pop_scope();
    }

    /// Resolves a method (or the field-initializer method) of class `c`: `this` is its
    /// first parameter, then the declared ones; `body` resolves the rest.
    fn method(&mut self, f: FuncId, c: ClassId, body: impl FnOnce(&mut Self)) {
        let parent = self.ctx.last().map(|x| x.func);
        let decl_scope = self.sema.classes[&c].decl_scope;
        self.ctx.push(FuncCtx { func: f, loops: 0, switches: 0, this: None });
        let body_scope = self.push_scope(ScopeKind::FuncBody(f));
        self.sema.funcs.insert(
            f,
            FuncInfo {
                parent: Some(parent.unwrap_or(self.ast.main)),
                decl_scope: Some(decl_scope),
                body_scope,
                params: Vec::new(),
                ret: TyId::ERROR,
                ty: TyId::ERROR,
                uses_outer: false,
            },
        );
        let span = self.ast.func(f).span;
        let this = self.add_var(Ident { sym: self.this_sym, span }, VarKind::Param);
        if let Some(cx) = self.ctx.last_mut() {
            cx.this = Some((c, this));
        }
        let mut params = vec![this];
        let decl = self.ast.func(f);
        params.extend(decl.params.iter().map(|p| self.new_var(p.name, VarKind::Param)));
        self.sema.funcs[&f].params = params;
        body(self);
        self.pop_scope();
        self.ctx.pop();
    }

    /// The `this` parameter of the innermost method (of class `c`, if given), marked
    /// captured when used from a nested function.
    fn this_var(&mut self, c: Option<ClassId>) -> Option<(ClassId, VarId)> {
        let found = self.ctx.iter().rev().find_map(|x| x.this.filter(|(k, _)| c.is_none_or(|c| c == *k)))?;
        self.use_var(found.1);
        Some(found)
    }

    /// Records a use of variable `v` from the current function.
    fn use_var(&mut self, v: VarId) {
        let func = self.cur_func();
        let owner = self.sema.vars[v.0 as usize].func;
        if owner != func {
            self.sema.vars[v.0 as usize].captured = true;
            self.needs.entry(func).or_default().insert(owner);
        }
    }

    fn block(&mut self, stmts: &[StmtId], kind: ScopeKind) -> ScopeId {
        let id = self.push_scope(kind);
        self.hoist(stmts);
        for &s in stmts {
            self.stmt(s);
        }
        self.pop_scope();
        id
    }

    // ---------------------------------------------------------------- lookup

    fn lookup_value(&mut self, ident: Ident) -> Res {
        let func = self.cur_func();
        let mut found = None;
        for f in self.frames.iter().rev() {
            if let Some(v) = f.values.get(&ident.sym) {
                found = Some(*v);
                break;
            }
            if f.pending.contains(&ident.sym) {
                let name = self.name(ident.sym);
                self.error(
                    Code::UseBeforeDeclaration,
                    ident.span,
                    format!("cannot use `{name}` before its declaration"),
                );
                return Res::Error;
            }
        }
        match found {
            Some(Value::Var(v)) => {
                self.use_var(v);
                Res::Var(v)
            }
            Some(Value::Member(c)) => match self.this_var(Some(c)) {
                Some((class, this)) => Res::Member { this, class },
                None => Res::Error,
            },
            Some(Value::Func(f)) => {
                self.refs.entry(func).or_default().push(f);
                Res::Func(f)
            }
            Some(Value::Label(l)) => {
                self.use_var(self.sema.label(l).var);
                Res::Label(l)
            }
            None => {
                let name = self.name(ident.sym);
                if let Some(b) = Builtin::ALL.iter().find(|b| b.name() == name) {
                    return Res::Builtin(*b);
                }
                self.error(Code::UndefinedName, ident.span, format!("undefined name `{name}`"));
                Res::Error
            }
        }
    }

    fn type_expr(&mut self, te: TypeExprId) {
        let t = self.ast.ty(te);
        match &t.kind {
            TypeExprKind::Named(ident) => {
                let found = self.frames.iter().rev().find_map(|f| f.types.get(&ident.sym).copied());
                let res = found.unwrap_or_else(|| match builtin_type(self.name(ident.sym)) {
                    Some(t) => TypeRes::Builtin(t),
                    None => {
                        let name = self.name(ident.sym);
                        self.error(Code::UnknownType, ident.span, format!("unknown type `{name}`"));
                        TypeRes::Error
                    }
                });
                self.sema.type_names.insert(te, res);
            }
            TypeExprKind::Array(e) | TypeExprKind::NonNull(e) => self.type_expr(*e),
            TypeExprKind::Fn { params, ret } => {
                for &p in params {
                    self.type_expr(p);
                }
                self.type_expr(*ret);
            }
            TypeExprKind::Error => {}
        }
    }

    // ---------------------------------------------------------------- functions

    fn resolve_func(&mut self, f: FuncId, decl_scope: Option<ScopeId>) {
        let decl = self.ast.func(f);
        for p in &decl.params {
            self.type_expr(p.ty);
        }
        if let Some(r) = decl.ret {
            self.type_expr(r);
        }
        let parent = self.ctx.last().map(|c| c.func);
        self.ctx.push(FuncCtx { func: f, loops: 0, switches: 0, this: None });
        let body_scope = self.push_scope(ScopeKind::FuncBody(f));
        self.sema.funcs.insert(
            f,
            FuncInfo {
                parent,
                decl_scope,
                body_scope,
                params: Vec::new(),
                ret: TyId::ERROR,
                ty: TyId::ERROR,
                uses_outer: false,
            },
        );
        let params: Vec<VarId> = decl.params.iter().map(|p| self.new_var(p.name, VarKind::Param)).collect();
        self.sema.funcs[&f].params = params;
        self.hoist(&decl.body);
        for &s in &decl.body {
            self.stmt(s);
        }
        self.pop_scope();
        self.ctx.pop();
    }

    fn compute_uses_outer(&mut self) {
        let funcs: Vec<FuncId> = self.sema.funcs.keys().copied().collect();
        loop {
            let mut changed = false;
            for &f in &funcs {
                let Some(refs) = self.refs.get(&f) else { continue };
                let mut add = Vec::new();
                for g in refs {
                    if let Some(n) = self.needs.get(g) {
                        add.extend(n.iter().copied().filter(|&o| o != f));
                    }
                }
                let set = self.needs.entry(f).or_default();
                for o in add {
                    changed |= set.insert(o);
                }
            }
            if !changed {
                break;
            }
        }
        for (f, info) in self.sema.funcs.iter_mut() {
            info.uses_outer = self.needs.get(f).is_some_and(|n| !n.is_empty());
        }
    }

    // ---------------------------------------------------------------- statements

    /// A statement in a position that is not a statement list (`if`/loop bodies): a
    /// declaration there gets an error and a scope of its own.
    fn sub_stmt(&mut self, s: StmtId) {
        let stmt = self.ast.stmt(s);
        if matches!(
            stmt.kind,
            StmtKind::VarDecl(_)
                | StmtKind::Func(_)
                | StmtKind::Class(_)
                | StmtKind::TypeAlias { .. }
                | StmtKind::Label(_)
        ) {
            self.error(
                Code::DeclarationNotAllowed,
                stmt.span,
                "a declaration is not allowed here; put it in a block `{ … }`",
            );
            let id = self.block(&[s], ScopeKind::Block(s));
            self.sema.stmt_scope.insert(s, id);
        } else {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: StmtId) {
        let stmt = self.ast.stmt(s);
        match &stmt.kind {
            StmtKind::Expr(e) | StmtKind::Print(e) => self.expr(*e),
            StmtKind::VarDecl(decls) => {
                let mut ids = Vec::with_capacity(decls.len());
                for d in decls {
                    if let Some(t) = d.ty {
                        self.type_expr(t);
                    }
                    if let Some(init) = d.init {
                        self.expr(init);
                    }
                    ids.push(self.new_var(d.name, VarKind::Local));
                }
                self.sema.decl_vars.insert(s, ids);
            }
            StmtKind::Func(f) => {
                let scope = self.cur_scope();
                self.resolve_func(*f, scope);
            }
            StmtKind::Class(c) => self.class_body(*c),
            StmtKind::Label(_) => {} // declared when hoisted
            StmtKind::TypeAlias { ty, .. } => self.type_expr(*ty),
            StmtKind::Block(stmts) => {
                let id = self.block(stmts, ScopeKind::Block(s));
                self.sema.stmt_scope.insert(s, id);
            }
            StmtKind::Empty | StmtKind::Error => {}
            StmtKind::If { cond, then, els } => {
                self.expr(*cond);
                self.sub_stmt(*then);
                if let Some(e) = els {
                    self.sub_stmt(*e);
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(*cond);
                self.loop_body(*body);
            }
            StmtKind::DoWhile { body, cond } => {
                self.loop_body(*body);
                self.expr(*cond);
            }
            StmtKind::For { init, cond, step, body } => {
                let id = self.push_scope(ScopeKind::For(s));
                self.sema.stmt_scope.insert(s, id);
                if let Some(i) = init {
                    self.hoist(&[*i]);
                    self.stmt(*i);
                }
                if let Some(c) = cond {
                    self.expr(*c);
                }
                if let Some(st) = step {
                    self.expr(*st);
                }
                self.loop_body(*body);
                self.pop_scope();
            }
            StmtKind::Break => {
                let ok = self.ctx.last().is_some_and(|c| c.loops > 0 || c.switches > 0);
                if !ok {
                    self.error(Code::OutsideLoop, stmt.span, "`break` outside of a loop or `switch`");
                }
            }
            StmtKind::Continue => {
                if self.ctx.last().is_none_or(|c| c.loops == 0) {
                    self.error(Code::OutsideLoop, stmt.span, "`continue` outside of a loop");
                }
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(*e);
                }
            }
            StmtKind::Switch { scrutinee, cases } => {
                self.expr(*scrutinee);
                for c in cases {
                    for &v in &c.values {
                        self.expr(v);
                    }
                }
                if let Some(c) = self.ctx.last_mut() {
                    c.switches += 1;
                }
                for (i, c) in cases.iter().enumerate() {
                    let id = self.block(&c.body, ScopeKind::Case(s, i as u32));
                    self.sema.case_scope.insert((s, i as u32), id);
                }
                if let Some(c) = self.ctx.last_mut() {
                    c.switches -= 1;
                }
            }
            StmtKind::Goto(e) => {
                self.expr(*e);
                if let Some(&Res::Label(l)) = self.sema.names.get(e)
                    && self.sema.label(l).func == self.cur_func()
                {
                    self.sema.local_gotos.insert(s, l);
                }
            }
        }
    }

    fn loop_body(&mut self, body: StmtId) {
        if let Some(c) = self.ctx.last_mut() {
            c.loops += 1;
        }
        self.sub_stmt(body);
        if let Some(c) = self.ctx.last_mut() {
            c.loops -= 1;
        }
    }

    // ---------------------------------------------------------------- expressions

    fn expr(&mut self, e: ExprId) {
        let expr = self.ast.expr(e);
        match &expr.kind {
            ExprKind::Int(_)
            | ExprKind::Double(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Error => {}
            ExprKind::Name(ident) => {
                let res = self.lookup_value(*ident);
                self.sema.names.insert(e, res);
            }
            ExprKind::This => match self.this_var(None) {
                Some((_, v)) => {
                    self.sema.names.insert(e, Res::Var(v));
                }
                None => self.error(Code::NoThis, expr.span, "`this` can only be used in a method"),
            },
            ExprKind::SuperMember(_) => match self.this_var(None) {
                Some((c, v)) => {
                    self.sema.names.insert(e, Res::Var(v));
                    if self.sema.classes.get(&c).is_none_or(|i| i.parent.is_none()) {
                        let n = self.name(self.ast.class(c).name.sym).to_string();
                        self.error(
                            Code::NoThis,
                            expr.span,
                            format!("`super` used in class `{n}`, which has no superclass"),
                        );
                    }
                }
                None => self.error(Code::NoThis, expr.span, "`super` can only be used in a method"),
            },
            ExprKind::Unary(_, x) | ExprKind::Convert(x) => self.expr(*x),
            ExprKind::IncDec { target, .. } => self.expr(*target),
            ExprKind::Binary(_, l, r) => {
                self.expr(*l);
                self.expr(*r);
            }
            ExprKind::Assign { target, value, .. } => {
                self.expr(*target);
                self.expr(*value);
            }
            ExprKind::Cond(c, a, b) => {
                self.expr(*c);
                self.expr(*a);
                self.expr(*b);
            }
            ExprKind::Call { callee, args } => {
                self.expr(*callee);
                for &a in args {
                    self.expr(a);
                }
            }
            ExprKind::Index { base, index } => {
                self.expr(*base);
                self.expr(*index);
            }
            ExprKind::Member { base, .. } => self.expr(*base),
            ExprKind::New { class, args } => {
                self.type_expr(*class);
                for &a in args {
                    self.expr(a);
                }
            }
            ExprKind::NewArray { elem, len } => {
                self.type_expr(*elem);
                self.expr(*len);
            }
            ExprKind::ArrayLit(elems) => {
                for &x in elems {
                    self.expr(x);
                }
            }
            ExprKind::Lambda(f) => {
                let func = self.cur_func();
                self.refs.entry(func).or_default().push(*f);
                let scope = self.cur_scope();
                self.resolve_func(*f, scope);
            }
            ExprKind::As(x, t) | ExprKind::Is(x, t) => {
                self.expr(*x);
                self.type_expr(*t);
            }
        }
    }
}

/// The built-in type names.
pub fn builtin_type(name: &str) -> Option<TyId> {
    Some(match name {
        "bool" => TyId::BOOL,
        "int32" => TyId::I32,
        "uint32" => TyId::U32,
        "int64" => TyId::I64,
        "uint64" => TyId::U64,
        "double" => TyId::DOUBLE,
        "string" => TyId::STRING,
        "void" => TyId::VOID,
        "object" => TyId::OBJECT,
        "label" => TyId::LABEL,
        _ => return None,
    })
}
