//! The `typecheck` pass: the type of every expression, variable and function.
//!
//! Rules (LANGUAGE.md §1, §2, §5, §11), and the decisions taken where the definition is
//! silent:
//! - **Integer literals** are `int32` if they fit, else `int64`, else `uint64`; they adapt
//!   to an *expected* integer type that holds them. Expected types come from a declared
//!   variable type, an assignment target, a parameter type, a return type, an array
//!   literal's element type, a case value's `switch` type, the target of `as`, and the other
//!   operand of a binary operator or `?:`. An expression built only from integer literals
//!   with arithmetic, bit and shift operators passes the expectation on to its literals
//!   (`x: int64 = 1 << 40;` shifts in `int64`).
//! - **Negative literals**: a unary minus applied directly to an integer literal is part of
//!   the literal, so `x: int32 = -2147483648;` is accepted. Both the `Unary` node and its
//!   `Int` child get the literal's type; the child's value is to be taken modulo 2^bits
//!   (wrapping), so negating it yields the right value.
//! - **Implicit widenings** `int32 → int64`, `int32 → double`, `uint32 → int64`,
//!   `uint32 → uint64`, `uint32 → double`, `int64 → double` become `ExprKind::Convert`
//!   nodes (one helper, [`Checker::coerce`]). `null` flows into any reference type without a
//!   node (its type stays `null`).
//! - **Binary operators**: arithmetic (`* / % + -`, `%` also on doubles) and comparisons
//!   convert both operands to their common type: for two integer types the smallest of
//!   `int32, uint32, int64, uint64` holding both (none: "mixed signed/unsigned 64-bit
//!   operands need a cast"); with a `double`, `double` when the integer widens to it.
//!   Bit operators `& ^ |` need integers (not `bool`: use `&&`/`||`). `+` on two strings
//!   concatenates (no implicit `str`). Shifts take the left operand's type and any integer
//!   count (not converted). `==`/`!=` also compare two `bool`s, two values of the same
//!   reference type, and `null` with any reference type. `<`… are numeric only.
//! - **Assignments**: the target is a variable or an array element (strings are immutable).
//!   A compound assignment `t op= v` converts `v` to the type of `t` (so `i += 1.5` with
//!   `i: int32` is an error) and needs `op` to be defined on that type; for `<<=`/`>>=` the
//!   count is any integer type. `++`/`--` work on any numeric target.
//! - **Calls**: `CallKind::Direct` for a name resolving to a function, `Builtin` for a
//!   built-in, `Substring` for `s.substring (a, b)` (arguments converted to `int32`),
//!   `Closure` for any other callee of function type. Arguments are converted to the
//!   parameter types. Built-ins: `sqrt floor sin cos exp log` (double) -> double, `pow`
//!   (double, double) -> double, `str` (any value) -> string, `chr` (int32) -> string,
//!   `parse_int` (string) -> int64, `args () -> array[string]`, `clock_us` () -> int64,
//!   `identity_hash` (any reference) -> int32. A built-in name not called is the error
//!   "built-in `x` can only be called"; the callee `Name` of a built-in call is given the
//!   built-in's function type (`fn (object) -> …` for `str` and `identity_hash`).
//! - `?:`: the common numeric type, or identical types, or a reference type with `null`.
//! - Array literals: element type from the expected array type, else the common type of the
//!   elements (an empty literal or one of only `null`s needs an expected type).
//! - `new array[T] (n)`, indices: any integer type, not converted.
//! - `switch` values must be integers; case values are integer constant expressions
//!   (literals combined with unary and binary integer operators), converted to the switch
//!   type and distinct after conversion; at most one `default`.
//! - `return e;` converts `e` to the return type; `return;` only in `void` functions; at
//!   the top level `return;` is allowed (it ends the program) and `return e;` is an error.
//! - `void` is only a return type (also through an alias); a `void` expression is accepted
//!   only as an expression statement.
//!
//! - **Classes** (§3): a class's fields are its ancestors' followed by its own; its vtable
//!   is its parent's slots (an override replaces the slot and must have the identical
//!   signature) followed by its new methods; `init` is not virtual and not in the vtable,
//!   and `new C (…)` calls the nearest `init` of the chain (none: no arguments). A field and
//!   a method may not share a name, nor may a field redeclare an inherited field.
//! - **References**: implicit conversions subclass → superclass and any reference →
//!   `object` become `Convert` nodes; `T!` → `T` needs none. A value known to be non-null
//!   (a `T!`-typed value, `new`, `this`, a string or array literal, a lambda, a function
//!   or label name, a string concatenation, `substring`, `str`, `chr`:
//!   [`SemaInfo::non_null_by_form`]) converts to `T!` freely; any other converts through a `Convert` node that checks for null at run
//!   time. `new C (…)` and `this` have type `C!`. `==`/`!=` compare references whose types are related (one converts to
//!   the other). The common type of two class types is their nearest common superclass,
//!   else `object`.
//! - `as`/`is` on references (`Checker::ref_conversion`, docs/language.md §2b): a class
//!   target is a class test of any reference; a target the value already has or converts
//!   to is an upcast (`as T!` then checks for null, `is T` is a null test); from `object`,
//!   `string`, `label` and arrays of `bool`, integers or `double` are kind tests; other
//!   downcasts from `object` (function types, arrays of references), which the VM cannot
//!   check, and conversions between types with no common value are errors. What each
//!   tests is recorded in `SemaInfo::type_tests`. `x.m` without a call is a bound method
//!   of type `fn (…) -> R`.
//! - A label name has type `label!`. `goto e;` needs `e: label` (a jump, run-time checked
//!   for null), unless `e` is a call returning something else: a tail call.

use crate::model::*;
use crate::ty::{IntTy, TyId, TyKind};
use indexmap::IndexMap;
use oort_syntax::Span;
use oort_syntax::ast::*;
use oort_syntax::{Code, Diagnostic};

/// Why `object` cannot be cast to an array of references.
const UNCHECKABLE_ARRAY: &str = "an array does not record the type of its references at run time";
/// Why `object` cannot be cast to a function type.
const UNCHECKABLE_FN: &str = "a function value does not record its parameter and result types at run time";

/// The meaning of an `as` or `is` between reference types ([`Checker::ref_conversion`]).
enum RefConversion {
    /// The value already has the target type, or converts to it implicitly.
    Upcast,
    /// A run-time test.
    Test(TypeTest),
}

/// Runs the `typecheck` pass; `sema` must come from [`crate::symbol::resolve`] on `ast`.
pub fn typecheck(ast: &mut Ast, sema: &mut SemaInfo) -> Vec<Diagnostic> {
    let mut c = Checker { ast, sema, diags: Vec::new(), alias_busy: Vec::new(), ret: Vec::new() };
    let n = c.ast.exprs.len();
    c.sema.expr_ty = vec![TyId::ERROR; n];
    // Aliases first, so a cycle is reported once even when the alias is unused.
    let aliases: Vec<StmtId> =
        c.ast.stmts.iter().filter(|(_, s)| matches!(s.kind, StmtKind::TypeAlias { .. })).map(|(id, _)| id).collect();
    let aliases: Vec<StmtId> = aliases.into_iter().filter(|&s| c.alias_declared(s)).collect();
    for s in aliases {
        c.alias_ty(s);
    }
    // Class types and fields, then the signature of every function (methods take their
    // class as `this`), then vtables (which compare signatures), so that calls and member
    // accesses can be checked before any body.
    let classes: Vec<ClassId> = c.sema.classes.keys().copied().collect();
    for &k in &classes {
        let t = c.sema.types.intern(TyKind::Class(k));
        c.sema.classes[&k].ty = t;
    }
    let mut done = std::collections::HashSet::new();
    for &k in &classes {
        c.class_fields(k, &mut done);
    }
    let funcs: Vec<FuncId> = c.sema.funcs.keys().copied().collect();
    for &f in &funcs {
        c.signature(f);
    }
    let mut done = std::collections::HashSet::new();
    for &k in &classes {
        c.class_methods(k, &mut done);
    }
    let main = c.ast.main;
    c.func_body(main);
    let n = c.ast.exprs.len();
    c.sema.expr_ty.resize(n, TyId::ERROR);
    let mut diags = c.diags;
    oort_syntax::diag::sort_diagnostics(&mut diags);
    diags
}

/// The type checker's state; public so the rules above can name [`Checker::coerce`].
pub struct Checker<'a> {
    ast: &'a mut Ast,
    sema: &'a mut SemaInfo,
    diags: Vec<Diagnostic>,
    /// Aliases being resolved (cycle detection).
    alias_busy: Vec<StmtId>,
    /// Return type of each function being checked, innermost last, with whether it is main.
    ret: Vec<(TyId, bool)>,
}

fn is_int_lit_op(op: BinOp) -> bool {
    use BinOp::*;
    matches!(op, Mul | Div | Rem | Add | Sub | Shl | Shr | BitAnd | BitXor | BitOr)
}

impl Checker<'_> {
    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, span, msg));
    }

    fn show(&self, t: TyId) -> String {
        self.sema.display_ty(t)
    }

    fn span(&self, e: ExprId) -> Span {
        self.ast.expr(e).span
    }

    fn set_ty(&mut self, e: ExprId, t: TyId) -> TyId {
        let i = e.index();
        if self.sema.expr_ty.len() <= i {
            self.sema.expr_ty.resize(i + 1, TyId::ERROR);
        }
        self.sema.expr_ty[i] = t;
        t
    }

    fn ty(&self, e: ExprId) -> TyId {
        self.sema.ty_of(e)
    }

    fn kind(&self, t: TyId) -> &TyKind {
        self.sema.types.kind(t)
    }

    fn is_err(&self, t: TyId) -> bool {
        t == TyId::ERROR
    }

    fn int(&self, t: TyId) -> Option<IntTy> {
        self.sema.types.as_int(t)
    }

    // ---------------------------------------------------------------- types

    fn alias_declared(&self, s: StmtId) -> bool {
        // An alias the symbol pass saw has its type expression resolved (or contains none
        // that needed resolving); aliases inside unsupported class bodies are skipped.
        if let StmtKind::TypeAlias { ty, .. } = &self.ast.stmt(s).kind { self.type_expr_seen(*ty) } else { false }
    }

    fn type_expr_seen(&self, te: TypeExprId) -> bool {
        match &self.ast.ty(te).kind {
            TypeExprKind::Named(_) => self.sema.type_names.contains_key(&te),
            TypeExprKind::Array(e) | TypeExprKind::NonNull(e) => self.type_expr_seen(*e),
            TypeExprKind::Fn { ret, .. } => self.type_expr_seen(*ret),
            TypeExprKind::Error => false,
        }
    }

    fn alias_ty(&mut self, s: StmtId) -> TyId {
        if let Some(t) = self.sema.alias_ty.get(&s) {
            return *t;
        }
        let StmtKind::TypeAlias { name, ty } = self.ast.stmt(s).kind.clone() else { return TyId::ERROR };
        if self.alias_busy.contains(&s) {
            let n = self.ast.name(name.sym).to_string();
            self.error(Code::InvalidType, name.span, format!("type alias `{n}` is defined in terms of itself"));
            self.sema.alias_ty.insert(s, TyId::ERROR);
            return TyId::ERROR;
        }
        self.alias_busy.push(s);
        let t = self.resolve_type(ty, true);
        self.alias_busy.pop();
        // A cycle through this alias has already stored `{error}`.
        *self.sema.alias_ty.entry(s).or_insert(t)
    }

    /// The semantic type of a type expression; `void` only where `allow_void`.
    fn resolve_type(&mut self, te: TypeExprId, allow_void: bool) -> TyId {
        let span = self.ast.ty(te).span;
        let t = match self.ast.ty(te).kind.clone() {
            TypeExprKind::Named(_) => match self.sema.type_names.get(&te).copied() {
                Some(TypeRes::Builtin(t)) => t,
                Some(TypeRes::Alias(s)) => self.alias_ty(s),
                Some(TypeRes::Class(c)) if self.sema.classes.contains_key(&c) => {
                    self.sema.types.intern(TyKind::Class(c))
                }
                Some(TypeRes::Class(_)) | Some(TypeRes::Error) | None => TyId::ERROR,
            },
            TypeExprKind::Array(e) => {
                let el = self.resolve_type(e, false);
                if self.is_err(el) { TyId::ERROR } else { self.sema.types.array(el) }
            }
            TypeExprKind::Fn { params, ret } => {
                let ps: Vec<TyId> = params.iter().map(|&p| self.resolve_type(p, false)).collect();
                let r = self.resolve_type(ret, true);
                if ps.iter().any(|&p| self.is_err(p)) || self.is_err(r) {
                    TyId::ERROR
                } else {
                    self.sema.types.func(ps, r)
                }
            }
            TypeExprKind::NonNull(e) => {
                let inner = self.resolve_type(e, false);
                if self.is_err(inner) {
                    TyId::ERROR
                } else if !self.sema.types.is_ref(inner) || inner == TyId::NULL {
                    let s = self.show(inner);
                    self.error(Code::InvalidType, span, format!("`!` needs a reference type, found `{s}`"));
                    TyId::ERROR
                } else {
                    self.sema.types.non_null(inner)
                }
            }
            TypeExprKind::Error => TyId::ERROR,
        };
        if t == TyId::VOID && !allow_void {
            self.error(Code::InvalidType, span, "`void` is only allowed as a return type");
            return TyId::ERROR;
        }
        t
    }

    fn signature(&mut self, f: FuncId) {
        let decl = self.ast.func(f).clone();
        let (params, ret) = if decl.kind == FuncKind::Main {
            (Vec::new(), TyId::VOID)
        } else {
            let ps: Vec<TyId> = decl.params.iter().map(|p| self.resolve_type(p.ty, false)).collect();
            let r = decl.ret.map_or(TyId::VOID, |r| self.resolve_type(r, true));
            (ps, r)
        };
        let mut vars = self.sema.funcs[&f].params.clone();
        // A method's `this` is its first parameter, of type `C!`; it is not part of the
        // method's type (a bound method or a call passes it implicitly).
        if let FuncKind::Method(k) | FuncKind::FieldInit(k) = decl.kind
            && !vars.is_empty()
        {
            let this = vars.remove(0);
            let ct = self.sema.classes.get(&k).map_or(TyId::ERROR, |i| i.ty);
            let t = if self.is_err(ct) { ct } else { self.sema.types.non_null(ct) };
            self.sema.vars[this.0 as usize].ty = t;
        }
        for (v, &t) in vars.iter().zip(&params) {
            self.sema.vars[v.0 as usize].ty = t;
        }
        let ty = if params.iter().any(|&p| self.is_err(p)) || self.is_err(ret) {
            TyId::ERROR
        } else {
            self.sema.types.func(params, ret)
        };
        let info = &mut self.sema.funcs[&f];
        info.ret = ret;
        info.ty = ty;
    }

    fn func_body(&mut self, f: FuncId) {
        let Some(info) = self.sema.funcs.get(&f) else { return };
        let ret = info.ret;
        let is_main = self.ast.func(f).kind == FuncKind::Main;
        self.ret.push((ret, is_main));
        let body = self.ast.func(f).body.clone();
        for s in body {
            self.stmt(s);
        }
        self.ret.pop();
    }

    // ---------------------------------------------------------------- classes

    fn class_name(&self, c: ClassId) -> String {
        self.ast.name(self.ast.class(c).name.sym).to_string()
    }

    /// Computes the fields of `c` (after its parent's); `done` prevents repeats.
    fn class_fields(&mut self, c: ClassId, done: &mut std::collections::HashSet<ClassId>) {
        if !done.insert(c) {
            return;
        }
        let parent = self.sema.classes[&c].parent;
        let mut fields = match parent {
            Some(p) => {
                self.class_fields(p, done);
                self.sema.classes[&p].fields.clone()
            }
            None => Vec::new(),
        };
        let members = self.ast.class(c).members.clone();
        for m in &members {
            if let Member::Field(d) = m {
                let ty = d.ty.map_or(TyId::ERROR, |t| self.resolve_type(t, false));
                if let Some(prev) = fields.iter().find(|f| f.name == d.name.sym) {
                    if prev.class == c {
                        continue; // a duplicate within the class: reported by `symbol`
                    }
                    let n = self.ast.name(d.name.sym).to_string();
                    let owner = self.class_name(prev.class);
                    let prev_span = prev.span;
                    self.diags.push(
                        Diagnostic::new(
                            Code::DuplicateName,
                            d.name.span,
                            format!("field `{n}` is already declared in class `{owner}`"),
                        )
                        .with_label(prev_span, "first declared here"),
                    );
                    continue;
                }
                fields.push(FieldInfo { name: d.name.sym, ty, class: c, span: d.name.span });
            }
        }
        self.sema.classes[&c].fields = fields;
    }

    /// Computes the vtable and `init` of `c` (after its parent's), checking overrides.
    fn class_methods(&mut self, c: ClassId, done: &mut std::collections::HashSet<ClassId>) {
        if !done.insert(c) {
            return;
        }
        let parent = self.sema.classes[&c].parent;
        let (mut vtable, mut init) = match parent {
            Some(p) => {
                self.class_methods(p, done);
                let pi = &self.sema.classes[&p];
                (pi.vtable.clone(), pi.init)
            }
            None => (Vec::new(), None),
        };
        let members = self.ast.class(c).members.clone();
        // A field may not take the name of an inherited method.
        for m in &members {
            if let Member::Field(d) = m
                && let Some(inherited) = vtable.iter().find(|x| x.name == d.name.sym)
            {
                let n = self.ast.name(d.name.sym).to_string();
                let owner = self.class_name(inherited.class);
                let mspan = self.ast.func(inherited.func).span;
                self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        d.name.span,
                        format!("field `{n}` has the same name as a method of class `{owner}`"),
                    )
                    .with_label(mspan, "method declared here"),
                );
            }
        }
        for m in &members {
            let Member::Method(f) = m else { continue };
            let Some(name) = self.ast.func(*f).name else { continue };
            let n = self.ast.name(name.sym).to_string();
            if let Some(field) = self.sema.classes[&c].fields.iter().find(|x| x.name == name.sym) {
                if field.class == c {
                    continue; // a duplicate member within the class: reported by `symbol`
                }
                let owner = self.class_name(field.class);
                let fspan = field.span;
                self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        name.span,
                        format!("method `{n}` has the same name as a field of class `{owner}`"),
                    )
                    .with_label(fspan, "field declared here"),
                );
                continue;
            }
            if n == "init" {
                init = Some(*f);
                continue;
            }
            let entry = MethodInfo { name: name.sym, func: *f, class: c };
            match vtable.iter().position(|x| x.name == name.sym) {
                // Two methods of one name in one class: reported by `symbol`.
                Some(slot) if vtable[slot].class == c => {}
                Some(slot) => {
                    let base = vtable[slot].func;
                    let (old, new) = (self.sema.funcs[&base].ty, self.sema.funcs[f].ty);
                    if old != new && !self.is_err(old) && !self.is_err(new) {
                        let owner = self.class_name(vtable[slot].class);
                        let (a, b) = (self.show(new), self.show(old));
                        let bdecl = self.ast.func(base);
                        let bspan = bdecl.name.map_or(bdecl.span, |n| n.span);
                        self.diags.push(
                            Diagnostic::new(
                                Code::IncompatibleOverride,
                                name.span,
                                format!("method `{n}` overrides `{owner}.{n}` with a different signature"),
                            )
                            .with_primary_label(format!("`{a}` here, `{b}` in `{owner}`"))
                            .with_label(bspan, "overridden method declared here"),
                        );
                    }
                    vtable[slot] = entry;
                }
                None => vtable.push(entry),
            }
        }
        let info = &mut self.sema.classes[&c];
        info.vtable = vtable;
        info.init = init;
    }

    /// The class of a (possibly non-null) class type.
    fn class_of(&self, t: TyId) -> Option<ClassId> {
        match self.kind(self.sema.types.strip(t)) {
            TyKind::Class(c) => Some(*c),
            _ => None,
        }
    }

    /// Whether class `sub` is `sup` or inherits from it.
    fn inherits(&self, sub: ClassId, sup: ClassId) -> bool {
        let mut cur = Some(sub);
        let mut steps = 0;
        while let Some(k) = cur {
            if k == sup {
                return true;
            }
            steps += 1;
            if steps > self.sema.classes.len() {
                return false;
            }
            cur = self.sema.classes.get(&k).and_then(|i| i.parent);
        }
        false
    }

    /// Looks up member `name` of class `c`: a field or a method, with its type.
    fn lookup_member(&mut self, c: ClassId, name: Sym) -> Option<(MemberRes, TyId)> {
        let info = self.sema.classes.get(&c)?;
        if let Some(i) = info.fields.iter().position(|f| f.name == name) {
            return Some((MemberRes::Field { index: i as u32 }, info.fields[i].ty));
        }
        let slot = info.vtable.iter().position(|m| m.name == name)?;
        let f = info.vtable[slot].func;
        Some((MemberRes::Method { slot: slot as u32 }, self.sema.funcs[&f].ty))
    }

    /// The type of member `name` of a value of class `c`, recording what it is for `e`.
    fn member_of(&mut self, e: ExprId, c: ClassId, name: Ident) -> TyId {
        match self.lookup_member(c, name.sym) {
            Some((res, t)) => {
                self.sema.members.insert(e, res);
                t
            }
            None => {
                let n = self.ast.name(name.sym).to_string();
                let cn = self.class_name(c);
                self.error(Code::NoSuchMember, name.span, format!("class `{cn}` has no member `{n}`"));
                self.sema.members.insert(e, MemberRes::Error);
                TyId::ERROR
            }
        }
    }

    /// Checks a class body: the field initializers (in the field-initializer method) and
    /// every method.
    fn class_body(&mut self, c: ClassId) {
        let Some(info) = self.sema.classes.get(&c) else { return };
        let fields = info.fields.clone();
        self.ret.push((TyId::VOID, false));
        let mut members = self.ast.class(c).members.clone();
        for m in members.iter_mut() {
            if let Member::Field(d) = m
                && let Some(init) = d.init
            {
                let t = fields.iter().find(|f| f.name == d.name.sym && f.class == c).map_or(TyId::ERROR, |f| f.ty);
                d.init = Some(self.check_to(init, t));
            }
        }
        self.ret.pop();
        self.ast.classes[c].members = members.clone();
        for m in members {
            if let Member::Method(f) = m {
                self.func_body(f);
            }
        }
    }

    /// Whether `e` is known not to be null from its type or its form alone.
    fn known_non_null(&self, e: ExprId) -> bool {
        self.sema.non_null_by_form(self.ast, e)
    }

    /// Whether `e` is a variable, field or array element, whose conversion to a `T!` is
    /// checked at run time (until the `null` flow pass proves locals statically).
    fn checkable_at_run_time(&self, e: ExprId) -> bool {
        match &self.ast.expr(e).kind {
            ExprKind::Name(_) => matches!(self.sema.names.get(&e), Some(Res::Var(_) | Res::Member { .. })),
            ExprKind::Member { .. } => matches!(self.sema.members.get(&e), Some(MemberRes::Field { .. })),
            ExprKind::Index { .. } => true,
            ExprKind::Convert(x) => self.checkable_at_run_time(*x),
            _ => false,
        }
    }

    /// Whether a reference of type `from` (non-null stripped) converts to `to` (stripped)
    /// by an upcast: subclass to superclass, anything to `object`.
    fn ref_widens(&self, from: TyId, to: TyId) -> bool {
        let types = &self.sema.types;
        if !types.is_ref(from) || from == TyId::NULL {
            return false;
        }
        if to == TyId::OBJECT {
            return from != TyId::OBJECT;
        }
        match (self.class_of(from), self.class_of(to)) {
            (Some(a), Some(b)) => a != b && self.inherits(a, b),
            _ => false,
        }
    }

    /// Whether values of types `a` and `b` may be compared with `==`.
    fn related_refs(&self, a: TyId, b: TyId) -> bool {
        let types = &self.sema.types;
        let (a, b) = (types.strip(a), types.strip(b));
        types.is_ref(a) && types.is_ref(b) && (a == b || self.ref_widens(a, b) || self.ref_widens(b, a))
    }

    /// The nearest common type of two reference types (`object` when unrelated).
    fn join_refs(&self, a: TyId, b: TyId) -> TyId {
        let types = &self.sema.types;
        let (sa, sb) = (types.strip(a), types.strip(b));
        if sa == sb {
            return sa;
        }
        if let (Some(x), Some(y)) = (self.class_of(sa), self.class_of(sb)) {
            let mut cur = Some(x);
            while let Some(k) = cur {
                if self.inherits(y, k) {
                    return self.sema.classes[&k].ty;
                }
                cur = self.sema.classes.get(&k).and_then(|i| i.parent);
            }
        }
        TyId::OBJECT
    }

    /// What `e as t` / `e is t` means for a reference `e` of type `xt` and a reference type
    /// `t`: a class test (any reference, as before: `e is C`, `e as C`, `e as C!`); an
    /// upcast (`e` is already a `t`, or `null`); a kind test of an `object` (`string`,
    /// `label`, arrays of `bool`, integers or `double`, which the VM can tell apart); or
    /// why not (a downcast the VM cannot check, or types no value has both of).
    fn ref_conversion(&self, xt: TyId, t: TyId) -> Result<RefConversion, String> {
        let types = &self.sema.types;
        let (xs, ts) = (types.strip(xt), types.strip(t));
        if let Some(c) = self.class_of(ts) {
            return Ok(RefConversion::Test(TypeTest::Class(c)));
        }
        if xs == TyId::NULL || xs == ts || self.ref_widens(xs, ts) {
            return Ok(RefConversion::Upcast);
        }
        if xs != TyId::OBJECT {
            let (a, b) = (self.show(xs), self.show(ts));
            return Err(format!("`{a}` and `{b}` have no values in common"));
        }
        match self.kind(ts) {
            TyKind::String => Ok(RefConversion::Test(TypeTest::String)),
            TyKind::Label => Ok(RefConversion::Test(TypeTest::Label)),
            TyKind::Array(el) if types.is_numeric(*el) || *el == TyId::BOOL => {
                Ok(RefConversion::Test(TypeTest::Array(*el)))
            }
            TyKind::Array(_) => Err(UNCHECKABLE_ARRAY.into()),
            _ => Err(UNCHECKABLE_FN.into()),
        }
    }

    /// Reports an invalid `as` or `is` (E0212), with a way out when the VM cannot check it.
    fn cast_error(&mut self, span: Span, msg: String, why: &str) {
        let mut d = Diagnostic::new(Code::InvalidCast, span, msg);
        if why == UNCHECKABLE_ARRAY || why == UNCHECKABLE_FN {
            d = d.with_note(
                "only classes, `string`, `label` and arrays of `bool`, integers or `double` can be told apart at \
                 run time; to keep another value in an `object`, store it in a field of a class and cast to the class",
            );
        }
        self.diags.push(d);
    }

    // ---------------------------------------------------------------- conversions

    /// Whether `from` converts implicitly to `to` by a numeric widening.
    fn widens(&self, from: TyId, to: TyId) -> bool {
        use IntTy::*;
        match (self.kind(from), self.kind(to)) {
            (TyKind::Int(a), TyKind::Int(b)) => matches!((a, b), (I32, I64) | (U32, I64) | (U32, U64)),
            (TyKind::Int(a), TyKind::Double) => matches!(a, I32 | U32 | I64),
            _ => false,
        }
    }

    /// Whether a value of type `from` may be used where `to` is expected without a node.
    fn same_or_null(&self, from: TyId, to: TyId) -> bool {
        from == to || self.is_err(from) || self.is_err(to) || (from == TyId::NULL && self.sema.types.is_ref(to))
    }

    /// Converts the (already checked) expression `e` to type `to`: returns `e` itself when
    /// no conversion is needed, a new `Convert` node for an implicit widening, and reports
    /// "mismatched types" otherwise. The caller stores the returned id in the parent.
    pub fn coerce(&mut self, e: ExprId, to: TyId) -> ExprId {
        let from = self.ty(e);
        if self.same_or_null(from, to) && !(from == TyId::NULL && matches!(self.kind(to), TyKind::NonNull(_))) {
            return e;
        }
        if self.widens(from, to) {
            let span = self.span(e);
            let c = self.ast.alloc_expr(ExprKind::Convert(e), span);
            self.set_ty(c, to);
            return c;
        }
        // References: `T!` to `T`, known non-null values to `T!`, upcasts.
        let types = &self.sema.types;
        let to_non_null = matches!(types.kind(to), TyKind::NonNull(_));
        let (sf, st) = (types.strip(from), types.strip(to));
        if types.is_ref(sf) && sf != TyId::NULL && (sf == st || self.ref_widens(sf, st)) {
            // §9: what the checker cannot see — variables, fields, elements — is checked
            // at run time by a conversion node; any other possibly-null value (a call
            // result, a cast with `as C`, …) may not flow into a `T!`.
            let checked = to_non_null && !self.known_non_null(e);
            if checked && !self.checkable_at_run_time(e) {
                let (a, b) = (self.show(to), self.show(from));
                self.diags.push(
                    Diagnostic::new(
                        Code::NullIntoNonNull,
                        self.span(e),
                        format!("mismatched types: expected `{a}`, found `{b}`"),
                    )
                    .with_note(format!("a `{b}` may be null; test it first, or convert it with `as …!`")),
                );
                return e;
            }
            if sf == st && !checked {
                return e;
            }
            let span = self.span(e);
            let c = self.ast.alloc_expr(ExprKind::Convert(e), span);
            self.set_ty(c, to);
            if checked {
                self.sema.null_checks.insert(c);
            }
            return c;
        }
        if from != TyId::VOID {
            let (a, b) = (self.show(to), self.show(from));
            self.error(Code::MismatchedTypes, self.span(e), format!("mismatched types: expected `{a}`, found `{b}`"));
        }
        e
    }

    /// Checks `e` as a value with `to` as expected type and converts it to `to`.
    fn check_to(&mut self, e: ExprId, to: TyId) -> ExprId {
        self.value(e, Some(to));
        self.coerce(e, to)
    }

    /// The common type of two numeric types, or the error message.
    fn numeric_common(&self, a: TyId, b: TyId) -> Result<TyId, ()> {
        match (self.int(a), self.int(b)) {
            (Some(x), Some(y)) => {
                for it in [IntTy::I32, IntTy::U32, IntTy::I64, IntTy::U64] {
                    if x.fits_in(it) && y.fits_in(it) {
                        return Ok(self.sema.types.int(it));
                    }
                }
                Err(())
            }
            _ if a == TyId::DOUBLE && b == TyId::DOUBLE => Ok(TyId::DOUBLE),
            _ if a == TyId::DOUBLE && self.widens(b, TyId::DOUBLE) => Ok(TyId::DOUBLE),
            _ if b == TyId::DOUBLE && self.widens(a, TyId::DOUBLE) => Ok(TyId::DOUBLE),
            _ => Err(()),
        }
    }

    fn is_mixed_ints(&self, a: TyId, b: TyId) -> bool {
        self.int(a).is_some() && self.int(b).is_some()
    }

    /// The common type of `?:` branches or array elements, if any.
    fn join(&self, a: TyId, b: TyId) -> Option<TyId> {
        if self.is_err(a) || self.is_err(b) {
            return Some(TyId::ERROR);
        }
        if a == b {
            return Some(a);
        }
        if self.sema.types.is_numeric(a) && self.sema.types.is_numeric(b) {
            return self.numeric_common(a, b).ok();
        }
        if a == TyId::NULL && self.sema.types.is_ref(b) {
            return Some(self.sema.types.strip(b));
        }
        if b == TyId::NULL && self.sema.types.is_ref(a) {
            return Some(self.sema.types.strip(a));
        }
        if self.sema.types.is_ref(a) && self.sema.types.is_ref(b) {
            return Some(self.join_refs(a, b));
        }
        None
    }

    // ---------------------------------------------------------------- literals

    /// Whether `e` is built only from integer literals (so it adapts to an expectation).
    fn is_int_lit(&self, e: ExprId) -> bool {
        match &self.ast.expr(e).kind {
            ExprKind::Int(_) => true,
            ExprKind::Unary(UnOp::Neg | UnOp::BitNot, x) => self.is_int_lit(*x),
            ExprKind::Binary(op, l, r) => is_int_lit_op(*op) && self.is_int_lit(*l) && self.is_int_lit(*r),
            _ => false,
        }
    }

    /// The expectation `e` is checked with: an expression built only from integer literals
    /// takes an expected integer type as a whole only when every literal in it fits that
    /// type; otherwise each literal keeps its own type (`(-1 + 2) as uint64` adds in
    /// `int32`, instead of `-1` staying `int32` while `2` became `uint64`, which made them
    /// "mixed signed/unsigned 64-bit operands").
    fn literal_expect(&self, e: ExprId, expect: Option<TyId>) -> Option<TyId> {
        match expect.and_then(|t| self.int(t)) {
            Some(it) if self.is_int_lit(e) && !self.literals_fit(e, it) => None,
            _ => expect,
        }
    }

    /// Whether every integer literal of `e`, an expression built only from them, fits `it`
    /// (a `-` directly before a literal is part of it).
    fn literals_fit(&self, e: ExprId, it: IntTy) -> bool {
        match &self.ast.expr(e).kind {
            ExprKind::Int(v) => it.holds_literal(*v, false),
            ExprKind::Unary(op, x) => match self.ast.expr(*x).kind {
                ExprKind::Int(v) if *op == UnOp::Neg => it.holds_literal(v, true),
                _ => self.literals_fit(*x, it),
            },
            ExprKind::Binary(_, l, r) => self.literals_fit(*l, it) && self.literals_fit(*r, it),
            _ => true,
        }
    }

    fn literal_ty(&mut self, v: u64, neg: bool, expect: Option<TyId>, span: Span) -> TyId {
        if let Some(it) = expect.and_then(|t| self.int(t))
            && it.holds_literal(v, neg)
        {
            return self.sema.types.int(it);
        }
        for it in [IntTy::I32, IntTy::I64] {
            if it.holds_literal(v, neg) {
                return self.sema.types.int(it);
            }
        }
        if !neg {
            return TyId::U64;
        }
        self.error(Code::LiteralOutOfRange, span, "integer literal is out of range");
        TyId::ERROR
    }

    /// Checks two operands; an integer-literal operand takes the other's type as expected
    /// type, otherwise both get `expect`.
    fn operands(&mut self, l: ExprId, r: ExprId, expect: Option<TyId>) -> (TyId, TyId) {
        let (ll, rl) = (self.is_int_lit(l), self.is_int_lit(r));
        if ll && !rl {
            let rt = self.value(r, None);
            let lt = self.value(l, Some(rt));
            (lt, rt)
        } else if rl && !ll {
            let lt = self.value(l, None);
            let rt = self.value(r, Some(lt));
            (lt, rt)
        } else {
            let lt = self.value(l, expect);
            let rt = self.value(r, expect);
            (lt, rt)
        }
    }

    // ---------------------------------------------------------------- expressions

    /// Checks `e` where a value is needed: `void` is an error (typed `{error}`).
    fn value(&mut self, e: ExprId, expect: Option<TyId>) -> TyId {
        let t = self.expr(e, expect);
        if t == TyId::VOID {
            self.error(Code::VoidValue, self.span(e), "a `void` expression cannot be used as a value");
            return self.set_ty(e, TyId::ERROR);
        }
        t
    }

    /// Checks an expression, records its type and returns it. `expect` only guides
    /// literals; the caller converts.
    fn expr(&mut self, e: ExprId, expect: Option<TyId>) -> TyId {
        let expect = self.literal_expect(e, expect);
        let t = self.expr_inner(e, expect);
        self.set_ty(e, t)
    }

    fn set_kind(&mut self, e: ExprId, k: ExprKind) {
        self.ast.exprs[e].kind = k;
    }

    fn expr_inner(&mut self, e: ExprId, expect: Option<TyId>) -> TyId {
        let span = self.span(e);
        match self.ast.expr(e).kind.clone() {
            ExprKind::Int(v) => self.literal_ty(v, false, expect, span),
            ExprKind::Double(_) => TyId::DOUBLE,
            ExprKind::Str(_) => TyId::STRING,
            ExprKind::Bool(_) => TyId::BOOL,
            ExprKind::Null => TyId::NULL,
            ExprKind::Error => TyId::ERROR,
            ExprKind::This => match self.sema.names.get(&e).copied() {
                Some(Res::Var(v)) => self.sema.var(v).ty,
                _ => TyId::ERROR,
            },
            ExprKind::SuperMember(name) => {
                self.error(
                    Code::UncalledMethod,
                    span,
                    format!("`super.{}` can only be called", self.ast.name(name.sym)),
                );
                TyId::ERROR
            }
            ExprKind::Name(ident) => match self.sema.names.get(&e).copied() {
                Some(Res::Var(v)) => self.sema.var(v).ty,
                Some(Res::Member { class, .. }) => self.member_of(e, class, ident),
                Some(Res::Func(f)) => self.sema.funcs.get(&f).map_or(TyId::ERROR, |i| i.ty),
                Some(Res::Label(_)) => self.sema.types.non_null(TyId::LABEL),
                Some(Res::Builtin(_)) => {
                    let n = self.ast.name(ident.sym).to_string();
                    self.error(Code::UncalledMethod, span, format!("built-in `{n}` can only be called"));
                    TyId::ERROR
                }
                Some(Res::Error) | None => TyId::ERROR,
            },
            ExprKind::Unary(op, x) => self.unary(op, x, expect, span),
            ExprKind::Binary(op, l, r) => self.binary(e, op, l, r, expect, span),
            ExprKind::Assign { op, target, value } => self.assign(e, op, target, value, span),
            ExprKind::IncDec { target, .. } => {
                let t = self.target(target);
                if !self.is_err(t) && !self.sema.types.is_numeric(t) {
                    let s = self.show(t);
                    self.error(
                        Code::InvalidOperands,
                        span,
                        format!("`++`/`--` need a numeric variable or element, found `{s}`"),
                    );
                    return TyId::ERROR;
                }
                t
            }
            ExprKind::Cond(c, a, b) => {
                let c2 = self.check_to(c, TyId::BOOL);
                let (at, bt) = self.operands(a, b, expect);
                let Some(t) = self.join(at, bt) else {
                    let (x, y) = (self.show(at), self.show(bt));
                    self.error(
                        Code::NoCommonType,
                        span,
                        format!("branches of `?:` have incompatible types `{x}` and `{y}`"),
                    );
                    self.set_kind(e, ExprKind::Cond(c2, a, b));
                    return TyId::ERROR;
                };
                let a2 = self.coerce(a, t);
                let b2 = self.coerce(b, t);
                self.set_kind(e, ExprKind::Cond(c2, a2, b2));
                t
            }
            ExprKind::Call { callee, args } => self.call(e, callee, args, span),
            ExprKind::Index { base, index } => {
                let bt = self.value(base, None);
                let it = self.value(index, None);
                if !self.is_err(it) && self.int(it).is_none() {
                    let s = self.show(it);
                    self.error(
                        Code::MismatchedTypes,
                        self.span(index),
                        format!("index must be an integer, found `{s}`"),
                    );
                }
                let bt = self.sema.types.strip(bt);
                match self.kind(bt).clone() {
                    TyKind::Array(el) => el,
                    TyKind::String => TyId::I32,
                    TyKind::Error => TyId::ERROR,
                    _ => {
                        let s = self.show(bt);
                        self.error(Code::NotIndexable, span, format!("cannot index a value of type `{s}`"));
                        TyId::ERROR
                    }
                }
            }
            ExprKind::Member { base, name } => {
                let bt = self.value(base, None);
                let bt = self.sema.types.strip(bt);
                let n = self.ast.name(name.sym).to_string();
                if let Some(c) = self.class_of(bt) {
                    return self.member_of(e, c, name);
                }
                let (res, t) = match (self.kind(bt), n.as_str()) {
                    (TyKind::Error, _) => (MemberRes::Error, TyId::ERROR),
                    (TyKind::Array(_), "length") => (MemberRes::ArrayLength, TyId::I32),
                    (TyKind::String, "length") => (MemberRes::StringLength, TyId::I32),
                    (TyKind::String, "substring") => {
                        self.error(
                            Code::UncalledMethod,
                            span,
                            "`substring` can only be called: `s.substring (from, to)`",
                        );
                        (MemberRes::Error, TyId::ERROR)
                    }
                    _ => {
                        let s = self.show(bt);
                        self.error(Code::NoSuchMember, name.span, format!("type `{s}` has no member `{n}`"));
                        (MemberRes::Error, TyId::ERROR)
                    }
                };
                self.sema.members.insert(e, res);
                t
            }
            ExprKind::New { class, args } => {
                let t = self.resolve_type(class, false);
                let Some(c) = self.class_of(t).filter(|_| !matches!(self.kind(t), TyKind::NonNull(_))) else {
                    if !self.is_err(t) {
                        let s = self.show(t);
                        self.error(
                            Code::NewNonClass,
                            self.ast.ty(class).span,
                            format!("`new` needs a class, found `{s}`"),
                        );
                    }
                    for a in args {
                        self.value(a, None);
                    }
                    return TyId::ERROR;
                };
                self.sema.news.insert(e, c);
                let params: Vec<Option<TyId>> = match self.sema.classes[&c].init {
                    Some(init) => match self.kind(self.sema.funcs[&init].ty).clone() {
                        TyKind::Fn { params, .. } => params.into_iter().map(Some).collect(),
                        _ => args.iter().map(|_| None).collect(),
                    },
                    None => Vec::new(),
                };
                if args.len() != params.len() {
                    let what = format!("`new {}`", self.class_name(c));
                    self.arity_error(span, &what, params.len(), args.len());
                }
                let new = self.args(&args, &params);
                self.set_kind(e, ExprKind::New { class, args: new });
                self.sema.types.non_null(t)
            }
            ExprKind::NewArray { elem, len } => {
                let et = self.resolve_type(elem, false);
                let lt = self.value(len, None);
                if !self.is_err(lt) && self.int(lt).is_none() {
                    let s = self.show(lt);
                    self.error(
                        Code::MismatchedTypes,
                        self.span(len),
                        format!("array length must be an integer, found `{s}`"),
                    );
                }
                if self.is_err(et) { TyId::ERROR } else { self.sema.types.array(et) }
            }
            ExprKind::ArrayLit(elems) => self.array_lit(e, elems, expect, span),
            ExprKind::Lambda(f) => {
                self.func_body(f);
                self.sema.funcs.get(&f).map_or(TyId::ERROR, |i| i.ty)
            }
            ExprKind::As(x, te) => {
                let t = self.resolve_type(te, false);
                let hint = if self.int(t).is_some() { Some(t) } else { None };
                let xt = self.value(x, hint);
                if self.is_err(t) || self.is_err(xt) {
                    return t;
                }
                let types = &self.sema.types;
                if types.is_numeric(t) && types.is_numeric(xt) {
                    return t;
                }
                if !types.is_ref(xt) || !types.is_ref(t) {
                    let (a, b) = (self.show(xt), self.show(t));
                    self.error(Code::InvalidCast, span, format!("cannot convert `{a}` to `{b}` with `as`"));
                    return TyId::ERROR;
                }
                match self.ref_conversion(xt, t) {
                    Ok(RefConversion::Upcast) => {
                        // Already a `T` (or an upcast to it): only `as T!` checks, for null.
                        let ts = self.sema.types.strip(t);
                        let x2 = self.coerce(x, ts);
                        self.set_kind(e, ExprKind::As(x2, te));
                        if matches!(self.kind(t), TyKind::NonNull(_)) && !self.known_non_null(x) {
                            self.sema.type_tests.insert(e, TypeTest::NonNull(ts));
                        }
                        t
                    }
                    Ok(RefConversion::Test(test)) => {
                        self.sema.type_tests.insert(e, test);
                        t
                    }
                    Err(why) => {
                        let (a, b) = (self.show(xt), self.show(t));
                        self.cast_error(span, format!("cannot convert `{a}` to `{b}` with `as`: {why}"), &why);
                        TyId::ERROR
                    }
                }
            }
            ExprKind::Is(x, te) => {
                let xt = self.value(x, None);
                let t = self.resolve_type(te, false);
                if self.is_err(xt) || self.is_err(t) {
                    return TyId::BOOL;
                }
                if !self.sema.types.is_ref(t) {
                    let s = self.show(t);
                    self.error(
                        Code::InvalidCast,
                        self.ast.ty(te).span,
                        format!("`is` needs a reference type, found `{s}`"),
                    );
                } else if !self.sema.types.is_ref(xt) {
                    let s = self.show(xt);
                    self.error(Code::InvalidCast, self.span(x), format!("`is` needs a reference value, found `{s}`"));
                } else {
                    match self.ref_conversion(xt, t) {
                        Ok(RefConversion::Upcast) => {
                            let ts = self.sema.types.strip(t);
                            self.sema.type_tests.insert(e, TypeTest::NonNull(ts));
                        }
                        Ok(RefConversion::Test(test)) => {
                            self.sema.type_tests.insert(e, test);
                        }
                        Err(why) => {
                            let types = &self.sema.types;
                            let (a, b) = (self.show(types.strip(xt)), self.show(types.strip(t)));
                            self.cast_error(
                                span,
                                format!("cannot test a value of type `{a}` with `is {b}`: {why}"),
                                &why,
                            );
                        }
                    }
                }
                TyId::BOOL
            }
            ExprKind::Convert(x) => {
                // Only present when a pass runs twice; keep the recorded type.
                self.value(x, None);
                self.ty(e)
            }
        }
    }

    fn unary(&mut self, op: UnOp, x: ExprId, expect: Option<TyId>, span: Span) -> TyId {
        if op == UnOp::Neg
            && let ExprKind::Int(v) = self.ast.expr(x).kind
        {
            let t = self.literal_ty(v, true, expect, span);
            self.set_ty(x, t);
            return t;
        }
        let expect = if self.is_int_lit(x) { expect } else { None };
        let t = self.value(x, expect);
        if self.is_err(t) {
            return t;
        }
        let ok = match op {
            UnOp::Neg => self.sema.types.is_numeric(t),
            UnOp::Not => t == TyId::BOOL,
            UnOp::BitNot => self.int(t).is_some(),
        };
        if !ok {
            let s = self.show(t);
            self.error(Code::InvalidOperands, span, format!("operator `{}` cannot be applied to `{s}`", op.as_str()));
            return TyId::ERROR;
        }
        t
    }

    fn binary(&mut self, e: ExprId, op: BinOp, l: ExprId, r: ExprId, expect: Option<TyId>, span: Span) -> TyId {
        use BinOp::*;
        let bad = |c: &mut Self, lt: TyId, rt: TyId| {
            let (a, b) = (c.show(lt), c.show(rt));
            if c.is_mixed_ints(lt, rt) {
                c.error(Code::InvalidOperands, span, "mixed signed/unsigned 64-bit operands need a cast");
            } else {
                c.error(
                    Code::InvalidOperands,
                    span,
                    format!("operator `{}` cannot be applied to `{a}` and `{b}`", op.as_str()),
                );
            }
            TyId::ERROR
        };
        match op {
            And | Or => {
                let l2 = self.check_to(l, TyId::BOOL);
                let r2 = self.check_to(r, TyId::BOOL);
                self.set_kind(e, ExprKind::Binary(op, l2, r2));
                TyId::BOOL
            }
            Shl | Shr => {
                let lexp = if self.is_int_lit(l) { expect } else { None };
                let lt = self.value(l, lexp);
                let rt = self.value(r, None);
                if self.is_err(lt) || self.is_err(rt) {
                    return TyId::ERROR;
                }
                if self.int(lt).is_none() || self.int(rt).is_none() {
                    return bad(self, lt, rt);
                }
                lt
            }
            Mul | Div | Rem | Add | Sub | BitAnd | BitXor | BitOr | Lt | Le | Gt | Ge | Eq | Ne => {
                let arith = matches!(op, Mul | Div | Rem | Add | Sub | BitAnd | BitXor | BitOr);
                let (lt, rt) = self.operands(l, r, if arith { expect } else { None });
                if self.is_err(lt) || self.is_err(rt) {
                    return if arith { TyId::ERROR } else { TyId::BOOL };
                }
                let types = &self.sema.types;
                let common = if types.is_numeric(lt) && types.is_numeric(rt) {
                    match self.numeric_common(lt, rt) {
                        Ok(t) if matches!(op, BitAnd | BitXor | BitOr) && self.int(t).is_none() => None,
                        Ok(t) => Some(t),
                        Err(()) => None,
                    }
                } else if op == Add && types.strip(lt) == TyId::STRING && types.strip(rt) == TyId::STRING {
                    Some(TyId::STRING)
                } else if matches!(op, Eq | Ne) {
                    if lt == rt && (lt == TyId::BOOL || types.is_ref(lt)) {
                        Some(lt)
                    } else if (lt == TyId::NULL && types.is_ref(rt)) || (rt == TyId::NULL && types.is_ref(lt)) {
                        Some(types.strip(if lt == TyId::NULL { rt } else { lt }))
                    } else if self.related_refs(lt, rt) {
                        Some(self.join_refs(lt, rt))
                    } else {
                        None
                    }
                } else {
                    None
                };
                let Some(t) = common else {
                    return bad(self, lt, rt);
                };
                let l2 = self.coerce(l, t);
                let r2 = self.coerce(r, t);
                self.set_kind(e, ExprKind::Binary(op, l2, r2));
                if arith { t } else { TyId::BOOL }
            }
        }
    }

    /// Checks an assignment target; returns its type (`{error}` when it is not assignable).
    fn target(&mut self, t: ExprId) -> TyId {
        let span = self.span(t);
        match self.ast.expr(t).kind.clone() {
            ExprKind::Name(_) => {
                let ty = self.value(t, None);
                match self.sema.names.get(&t) {
                    Some(Res::Var(_)) => ty,
                    Some(Res::Member { .. }) => self.field_target(t, ty, span),
                    Some(Res::Func(_)) => {
                        self.error(Code::InvalidAssignTarget, span, "cannot assign to a function");
                        TyId::ERROR
                    }
                    Some(Res::Label(_)) => {
                        self.error(Code::InvalidAssignTarget, span, "cannot assign to a label");
                        TyId::ERROR
                    }
                    _ => TyId::ERROR,
                }
            }
            ExprKind::Index { base, .. } => {
                let ty = self.value(t, None);
                let bt = self.sema.types.strip(self.ty(base));
                if bt == TyId::STRING {
                    self.error(
                        Code::InvalidAssignTarget,
                        span,
                        "cannot assign to a character of a string: strings are immutable",
                    );
                    return TyId::ERROR;
                }
                ty
            }
            ExprKind::Member { .. } => {
                let ty = self.value(t, None);
                match self.sema.members.get(&t) {
                    Some(MemberRes::Field { .. } | MemberRes::Method { .. }) => self.field_target(t, ty, span),
                    Some(MemberRes::Error) => TyId::ERROR,
                    _ => {
                        self.error(
                            Code::InvalidAssignTarget,
                            span,
                            "invalid assignment target: expected a variable, field or array element",
                        );
                        TyId::ERROR
                    }
                }
            }
            ExprKind::Error => TyId::ERROR,
            _ => {
                let ty = self.expr(t, None);
                if !self.is_err(ty) {
                    self.error(
                        Code::InvalidAssignTarget,
                        span,
                        "invalid assignment target: expected a variable, field or array element",
                    );
                }
                TyId::ERROR
            }
        }
    }

    /// A member as an assignment target: fields are assignable, methods are not.
    fn field_target(&mut self, t: ExprId, ty: TyId, span: Span) -> TyId {
        match self.sema.members.get(&t) {
            Some(MemberRes::Field { .. }) => ty,
            Some(MemberRes::Method { .. }) => {
                self.error(Code::InvalidAssignTarget, span, "cannot assign to a method");
                TyId::ERROR
            }
            _ => TyId::ERROR,
        }
    }

    fn assign(&mut self, e: ExprId, op: Option<BinOp>, target: ExprId, value: ExprId, span: Span) -> TyId {
        let tt = self.target(target);
        match op {
            None => {
                let v2 = self.check_to(value, tt);
                self.set_kind(e, ExprKind::Assign { op, target, value: v2 });
            }
            Some(BinOp::Shl | BinOp::Shr) => {
                let vt = self.value(value, None);
                if !self.is_err(tt) && !self.is_err(vt) && (self.int(tt).is_none() || self.int(vt).is_none()) {
                    let (a, b) = (self.show(tt), self.show(vt));
                    let o = op.map_or("", |o| o.as_str());
                    self.error(
                        Code::InvalidOperands,
                        span,
                        format!("operator `{o}=` cannot be applied to `{a}` and `{b}`"),
                    );
                }
            }
            Some(o) => {
                let v2 = self.check_to(value, tt);
                self.set_kind(e, ExprKind::Assign { op, target, value: v2 });
                let types = &self.sema.types;
                let ok = self.is_err(tt)
                    || match o {
                        BinOp::Add => types.is_numeric(tt) || types.strip(tt) == TyId::STRING,
                        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => types.is_numeric(tt),
                        BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor => self.int(tt).is_some(),
                        _ => false,
                    };
                if !ok {
                    let a = self.show(tt);
                    self.error(
                        Code::InvalidOperands,
                        span,
                        format!("operator `{}=` cannot be applied to `{a}`", o.as_str()),
                    );
                }
            }
        }
        tt
    }

    fn array_lit(&mut self, e: ExprId, elems: Vec<ExprId>, expect: Option<TyId>, span: Span) -> TyId {
        let expected_elem = expect.and_then(|t| match self.kind(self.sema.types.strip(t)) {
            TyKind::Array(el) => Some(*el),
            _ => None,
        });
        let elem = if let Some(el) = expected_elem {
            for &x in &elems {
                self.value(x, Some(el));
            }
            el
        } else {
            // Non-literal elements first; integer literals then adapt to their common type.
            let mut hint: Option<TyId> = None;
            for &x in &elems {
                if !self.is_int_lit(x) {
                    let xt = self.value(x, None);
                    hint = match hint {
                        None => Some(xt),
                        Some(h) => self.join(h, xt).or(Some(h)),
                    };
                }
            }
            for &x in &elems {
                if self.is_int_lit(x) {
                    self.value(x, hint);
                }
            }
            let mut common: Option<TyId> = None;
            let mut failed = false;
            for &x in &elems {
                let xt = self.ty(x);
                common = match common {
                    None => Some(xt),
                    Some(c) => match self.join(c, xt) {
                        Some(j) => Some(j),
                        None => {
                            let (a, b) = (self.show(c), self.show(xt));
                            self.error(
                                Code::NoCommonType,
                                self.span(x),
                                format!("array elements have incompatible types `{a}` and `{b}`"),
                            );
                            failed = true;
                            break;
                        }
                    },
                };
            }
            match common {
                _ if failed => return TyId::ERROR,
                None | Some(TyId::NULL) => {
                    self.error(
                        Code::CannotInfer,
                        span,
                        "cannot infer the element type of this array literal; declare the variable's type",
                    );
                    return TyId::ERROR;
                }
                Some(TyId::VOID) => return TyId::ERROR,
                Some(c) => c,
            }
        };
        let new: Vec<ExprId> = elems.iter().map(|&x| self.coerce(x, elem)).collect();
        self.set_kind(e, ExprKind::ArrayLit(new));
        if self.is_err(elem) { TyId::ERROR } else { self.sema.types.array(elem) }
    }

    fn builtin_sig(&mut self, b: Builtin) -> (Vec<Option<TyId>>, TyId) {
        use Builtin::*;
        match b {
            Sqrt | Floor | Sin | Cos | Exp | Log => (vec![Some(TyId::DOUBLE)], TyId::DOUBLE),
            Pow => (vec![Some(TyId::DOUBLE), Some(TyId::DOUBLE)], TyId::DOUBLE),
            Str => (vec![None], TyId::STRING),
            Chr => (vec![Some(TyId::I32)], TyId::STRING),
            ParseInt => (vec![Some(TyId::STRING)], TyId::I64),
            Args => {
                let t = self.sema.types.array(TyId::STRING);
                (vec![], t)
            }
            ClockUs => (vec![], TyId::I64),
            IdentityHash => (vec![None], TyId::I32),
        }
    }

    fn arity_error(&mut self, span: Span, what: &str, want: usize, got: usize) {
        let s = if want == 1 { "" } else { "s" };
        self.error(Code::ArgumentCount, span, format!("{what} takes {want} argument{s} but {got} were given"));
    }

    /// Checks arguments against parameter types (`None`: any value), converting them.
    fn args(&mut self, args: &[ExprId], params: &[Option<TyId>]) -> Vec<ExprId> {
        args.iter()
            .enumerate()
            .map(|(i, &a)| match params.get(i).copied().flatten() {
                Some(p) => self.check_to(a, p),
                None => {
                    self.value(a, None);
                    a
                }
            })
            .collect()
    }

    fn call(&mut self, e: ExprId, callee: ExprId, args: Vec<ExprId>, span: Span) -> TyId {
        let res = match &self.ast.expr(callee).kind {
            ExprKind::Name(_) => self.sema.names.get(&callee).copied(),
            _ => None,
        };
        // Built-ins.
        if let Some(Res::Builtin(b)) = res {
            let (params, ret) = self.builtin_sig(b);
            let shown: Vec<TyId> = params.iter().map(|p| p.unwrap_or(TyId::OBJECT)).collect();
            let fty = self.sema.types.func(shown, ret);
            self.set_ty(callee, fty);
            if args.len() != params.len() {
                self.arity_error(span, &format!("`{}`", b.name()), params.len(), args.len());
            }
            let new = self.args(&args, &params);
            for (&a, p) in new.iter().zip(&params) {
                let t = self.ty(a);
                if p.is_none() && b == Builtin::IdentityHash && !self.is_err(t) && !self.sema.types.is_ref(t) {
                    let s = self.show(t);
                    self.error(
                        Code::MismatchedTypes,
                        self.span(a),
                        format!("`identity_hash` needs a reference value, found `{s}`"),
                    );
                }
            }
            self.set_kind(e, ExprKind::Call { callee, args: new });
            self.sema.calls.insert(e, CallKind::Builtin(b));
            return ret;
        }
        // `s.substring (from, to)`.
        if let ExprKind::Member { base, name } = self.ast.expr(callee).kind.clone()
            && self.ast.name(name.sym) == "substring"
        {
            let bt = self.value(base, None);
            let bt = self.sema.types.strip(bt);
            if bt != TyId::STRING {
                if !self.is_err(bt) {
                    let s = self.show(bt);
                    self.error(Code::NoSuchMember, name.span, format!("type `{s}` has no member `substring`"));
                }
                self.sema.members.insert(callee, MemberRes::Error);
                self.set_ty(callee, TyId::ERROR);
                let new = self.args(&args, &[]);
                self.set_kind(e, ExprKind::Call { callee, args: new });
                self.sema.calls.insert(e, CallKind::Error);
                return TyId::ERROR;
            } else {
                self.sema.members.insert(callee, MemberRes::StringSubstring);
                let fty = self.sema.types.func(vec![TyId::I32, TyId::I32], TyId::STRING);
                self.set_ty(callee, fty);
                if args.len() != 2 {
                    self.arity_error(span, "`substring`", 2, args.len());
                }
                let new = self.args(&args, &[Some(TyId::I32), Some(TyId::I32)]);
                self.set_kind(e, ExprKind::Call { callee, args: new });
                self.sema.calls.insert(e, CallKind::Substring);
                return TyId::STRING;
            }
        }
        // `super.m (…)`: the parent's implementation, called directly.
        if let ExprKind::SuperMember(name) = self.ast.expr(callee).kind {
            let f = self.super_method(callee, name);
            let (kind, ret, params) = match f.map(|f| (f, self.sema.funcs[&f].ty)) {
                Some((f, t)) => match self.kind(t).clone() {
                    TyKind::Fn { params, ret } => {
                        self.set_ty(callee, t);
                        (CallKind::Super(f), ret, params)
                    }
                    _ => (CallKind::Error, TyId::ERROR, Vec::new()),
                },
                None => (CallKind::Error, TyId::ERROR, Vec::new()),
            };
            if kind != CallKind::Error && args.len() != params.len() {
                let what = format!("`super.{}`", self.ast.name(name.sym));
                self.arity_error(span, &what, params.len(), args.len());
            }
            let ps: Vec<Option<TyId>> = params.iter().map(|&p| Some(p)).collect();
            let new = self.args(&args, &ps);
            self.set_kind(e, ExprKind::Call { callee, args: new });
            self.sema.calls.insert(e, kind);
            return ret;
        }
        let ct = self.value(callee, None);
        let ct = self.sema.types.strip(ct);
        let (kind, ret, params) = match self.kind(ct).clone() {
            TyKind::Fn { params, ret } => {
                let kind = match (res, self.sema.members.get(&callee)) {
                    (Some(Res::Func(f)), _) => CallKind::Direct(f),
                    (_, Some(MemberRes::Method { slot })) => CallKind::Virtual { slot: *slot },
                    _ => CallKind::Closure,
                };
                (kind, ret, params)
            }
            TyKind::Error => (CallKind::Error, TyId::ERROR, Vec::new()),
            _ => {
                let s = self.show(ct);
                self.error(Code::NotCallable, self.span(callee), format!("cannot call a value of type `{s}`"));
                (CallKind::Error, TyId::ERROR, Vec::new())
            }
        };
        if kind != CallKind::Error && args.len() != params.len() {
            self.arity_error(span, "this function", params.len(), args.len());
        }
        let ps: Vec<Option<TyId>> = params.iter().map(|&p| Some(p)).collect();
        let new = self.args(&args, &ps);
        self.set_kind(e, ExprKind::Call { callee, args: new });
        self.sema.calls.insert(e, kind);
        ret
    }

    /// The implementation `super.name` refers to (the parent's method, or the nearest
    /// `init` above the current class).
    fn super_method(&mut self, callee: ExprId, name: Ident) -> Option<FuncId> {
        let this = match self.sema.names.get(&callee) {
            Some(Res::Var(v)) => *v,
            _ => return None, // reported by `symbol`
        };
        let class = self.class_of(self.sema.var(this).ty)?;
        let parent = self.sema.classes.get(&class)?.parent?;
        let n = self.ast.name(name.sym).to_string();
        let pi = &self.sema.classes[&parent];
        let found = if n == "init" { pi.init } else { pi.vtable.iter().find(|m| m.name == name.sym).map(|m| m.func) };
        if found.is_none() {
            let pn = self.class_name(parent);
            self.error(Code::NoSuchMember, name.span, format!("class `{pn}` has no method `{n}`"));
        }
        found
    }

    // ---------------------------------------------------------------- statements

    fn cond(&mut self, c: ExprId) -> ExprId {
        self.check_to(c, TyId::BOOL)
    }

    fn stmt(&mut self, s: StmtId) {
        let span = self.ast.stmt(s).span;
        let kind = self.ast.stmt(s).kind.clone();
        let new = match kind {
            StmtKind::Expr(e) => {
                self.expr(e, None);
                None
            }
            StmtKind::Print(e) => {
                self.value(e, None);
                None
            }
            StmtKind::VarDecl(mut decls) => {
                let vars = self.sema.decl_vars.get(&s).cloned().unwrap_or_default();
                for (i, d) in decls.iter_mut().enumerate() {
                    let t = match (d.ty, d.init) {
                        (Some(te), init) => {
                            let t = self.resolve_type(te, false);
                            if let Some(init) = init {
                                d.init = Some(self.check_to(init, t));
                            }
                            t
                        }
                        (None, Some(init)) => {
                            let t = self.value(init, None);
                            if t == TyId::NULL {
                                self.error(
                                    Code::CannotInfer,
                                    self.span(init),
                                    "cannot infer a variable's type from `null`",
                                );
                                TyId::ERROR
                            } else {
                                t
                            }
                        }
                        (None, None) => TyId::ERROR,
                    };
                    if let Some(v) = vars.get(i) {
                        self.sema.vars[v.0 as usize].ty = t;
                    }
                }
                Some(StmtKind::VarDecl(decls))
            }
            StmtKind::Func(f) => {
                self.func_body(f);
                None
            }
            StmtKind::Class(c) => {
                self.class_body(c);
                None
            }
            StmtKind::TypeAlias { .. } | StmtKind::Label(_) => None,
            StmtKind::Empty | StmtKind::Error | StmtKind::Break | StmtKind::Continue => None,
            StmtKind::Block(stmts) => {
                for st in stmts {
                    self.stmt(st);
                }
                None
            }
            StmtKind::If { cond, then, els } => {
                let cond = self.cond(cond);
                self.stmt(then);
                if let Some(x) = els {
                    self.stmt(x);
                }
                Some(StmtKind::If { cond, then, els })
            }
            StmtKind::While { cond, body } => {
                let cond = self.cond(cond);
                self.stmt(body);
                Some(StmtKind::While { cond, body })
            }
            StmtKind::DoWhile { body, cond } => {
                self.stmt(body);
                let cond = self.cond(cond);
                Some(StmtKind::DoWhile { body, cond })
            }
            StmtKind::For { init, cond, step, body } => {
                if let Some(i) = init {
                    self.stmt(i);
                }
                let cond = cond.map(|c| self.cond(c));
                if let Some(st) = step {
                    self.expr(st, None);
                }
                self.stmt(body);
                Some(StmtKind::For { init, cond, step, body })
            }
            StmtKind::Return(v) => {
                let (ret, is_main) = self.ret.last().copied().unwrap_or((TyId::VOID, true));
                let v = match v {
                    Some(e) if is_main => {
                        self.value(e, None);
                        self.error(Code::InvalidReturn, span, "cannot return a value from the top level");
                        Some(e)
                    }
                    Some(e) if ret == TyId::VOID => {
                        self.value(e, None);
                        self.error(Code::InvalidReturn, span, "cannot return a value from a `void` function");
                        Some(e)
                    }
                    Some(e) => Some(self.check_to(e, ret)),
                    None => {
                        if ret != TyId::VOID && !self.is_err(ret) {
                            let r = self.show(ret);
                            self.error(
                                Code::InvalidReturn,
                                span,
                                format!("missing return value: the function returns `{r}`"),
                            );
                        }
                        None
                    }
                };
                Some(StmtKind::Return(v))
            }
            StmtKind::Switch { scrutinee, mut cases } => {
                let st = self.value(scrutinee, None);
                let int_ok = self.is_err(st) || self.int(st).is_some();
                if !int_ok {
                    let x = self.show(st);
                    self.error(
                        Code::MismatchedTypes,
                        self.span(scrutinee),
                        format!("`switch` value must be an integer, found `{x}`"),
                    );
                }
                let case_ty = if int_ok { st } else { TyId::ERROR };
                let mut seen: IndexMap<i128, ()> = IndexMap::new();
                let mut defaults = 0;
                for c in cases.iter_mut() {
                    if c.is_default {
                        defaults += 1;
                        if defaults == 2 {
                            self.error(Code::InvalidSwitchCase, c.span, "duplicate `default` case");
                        }
                    }
                    for v in c.values.iter_mut() {
                        *v = self.check_to(*v, case_ty);
                        if self.is_err(self.ty(*v)) || self.is_err(case_ty) {
                            continue;
                        }
                        match self.const_int(*v) {
                            None => self.error(
                                Code::InvalidSwitchCase,
                                self.span(*v),
                                "case value must be an integer constant",
                            ),
                            Some(k) => {
                                if seen.insert(k, ()).is_some() {
                                    self.error(
                                        Code::InvalidSwitchCase,
                                        self.span(*v),
                                        format!("duplicate case value `{k}`"),
                                    );
                                }
                                // The value's register bits (two's complement, 64 bits).
                                self.sema.case_values.insert(*v, k as i64);
                            }
                        }
                    }
                    for &b in &c.body {
                        self.stmt(b);
                    }
                }
                Some(StmtKind::Switch { scrutinee, cases })
            }
            StmtKind::Goto(e) => {
                let t = self.expr(e, None);
                let is_label = self.sema.types.strip(t) == TyId::LABEL;
                if matches!(self.ast.expr(e).kind, ExprKind::Call { .. }) && !is_label {
                    self.tail_call(s, e, t);
                } else if !is_label && !self.is_err(t) {
                    let found = self.show(t);
                    self.diags.push(
                        Diagnostic::new(
                            Code::InvalidGoto,
                            self.span(e),
                            format!("`goto` needs a label, found `{found}`"),
                        )
                        .with_note("`goto e;` jumps to a label value; `goto f (args);` is a tail call"),
                    );
                }
                None
            }
        };
        if let Some(k) = new {
            self.ast.stmts[s].kind = k;
        }
    }

    /// Checks `goto f (args);`: allowed only where `return f (args);` would be with no
    /// conversion of the result, so the callee can return straight to our caller.
    fn tail_call(&mut self, s: StmtId, call: ExprId, t: TyId) {
        let span = self.span(call);
        let callable = matches!(
            self.sema.calls.get(&call),
            Some(CallKind::Direct(_) | CallKind::Closure | CallKind::Virtual { .. } | CallKind::Super(_))
        );
        if !callable {
            if !matches!(self.sema.calls.get(&call), Some(CallKind::Error) | None) {
                self.error(Code::InvalidGoto, span, "`goto` needs a call of a function, not of a built-in");
            }
            return;
        }
        let (ret, _) = self.ret.last().copied().unwrap_or((TyId::VOID, true));
        if self.is_err(t) || self.is_err(ret) {
            return;
        }
        let fits = t == ret || (self.sema.types.strip(t) == ret && matches!(self.kind(t), TyKind::NonNull(_)));
        if !fits {
            let (a, b) = (self.show(ret), self.show(t));
            self.diags.push(
                Diagnostic::new(
                    Code::InvalidGoto,
                    span,
                    format!("a tail call must return the function's own type: expected `{a}`, found `{b}`"),
                )
                .with_note("`goto f (args);` is allowed only where `return f (args);` would be, without a conversion"),
            );
            return;
        }
        self.sema.tail_calls.insert(s);
    }

    /// Value of an integer constant expression (after conversion), wrapped to its type.
    fn const_int(&self, e: ExprId) -> Option<i128> {
        let it = self.int(self.ty(e))?;
        let wrap = |v: i128| -> i128 {
            match it {
                IntTy::I32 => v as i32 as i128,
                IntTy::U32 => v as u32 as i128,
                IntTy::I64 => v as i64 as i128,
                IntTy::U64 => v as u64 as i128,
            }
        };
        let v = match &self.ast.expr(e).kind {
            ExprKind::Int(v) => *v as i128,
            ExprKind::Convert(x) => self.const_int(*x)?,
            ExprKind::Unary(UnOp::Neg, x) => self.const_int(*x)?.checked_neg()?,
            ExprKind::Unary(UnOp::BitNot, x) => !self.const_int(*x)?,
            ExprKind::Binary(op, l, r) => {
                let a = self.const_int(*l)?;
                let b = self.const_int(*r)?;
                let bits = it.bits();
                match op {
                    BinOp::Add => a.checked_add(b)?,
                    BinOp::Sub => a.checked_sub(b)?,
                    BinOp::Mul => a.checked_mul(b)?,
                    BinOp::Div => a.checked_div(if b == 0 { return None } else { b })?,
                    BinOp::Rem => a.checked_rem(if b == 0 { return None } else { b })?,
                    BinOp::BitAnd => a & b,
                    BinOp::BitOr => a | b,
                    BinOp::BitXor => a ^ b,
                    BinOp::Shl => a.checked_shl((b as u32) & (bits - 1))?,
                    BinOp::Shr => {
                        // Arithmetic for signed, logical for unsigned: `a` is already in range.
                        a >> ((b as u32) & (bits - 1))
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(wrap(v))
    }
}
