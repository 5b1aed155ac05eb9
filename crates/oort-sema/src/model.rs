//! What semantic analysis knows about a program: side tables keyed by AST ids.
//!
//! The `symbol` pass fills in scopes, variables and name resolution; the `typecheck`
//! pass fills in types (and inserts `Convert` nodes into the AST). Later stages
//! (flow checks, lowering) only read this.

use crate::ty::{TyId, TyKind, TypeTable};
use indexmap::{IndexMap, IndexSet};
use oort_syntax::Span;
use oort_syntax::ast::{Ast, BinOp, ClassId, ExprId, ExprKind, FuncId, StmtId, Sym, TypeExprId};

/// A local variable or parameter (every one, captured or not).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct VarId(pub u32);

/// A lexical scope: a function body, a block, a `for` statement, a `switch` case.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ScopeId(pub u32);

/// A label (`@name:`), numbered over the whole program.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct LabelId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Param,
    Local,
    /// The hidden variable of a label, holding the label's value (of type `label`) for
    /// the nested functions that name the label; it is only materialized when captured.
    Label(LabelId),
}

/// A label declaration `@name:`.
#[derive(Clone, Debug)]
pub struct LabelInfo {
    pub name: Sym,
    pub span: Span,
    /// The function whose activations the label belongs to.
    pub func: FuncId,
    /// The scope (block) whose statements the label is in: where its name is visible.
    pub scope: ScopeId,
    /// The `Label` statement.
    pub stmt: StmtId,
    /// The label's hidden variable ([`VarKind::Label`]): captured when a nested function
    /// names the label.
    pub var: VarId,
}

#[derive(Clone, Debug)]
pub struct VarInfo {
    pub name: Sym,
    pub span: Span,
    pub kind: VarKind,
    /// Set by `typecheck` (`TyId::ERROR` until then).
    pub ty: TyId,
    /// The function whose activation owns the variable.
    pub func: FuncId,
    /// The scope the variable is declared in.
    pub scope: ScopeId,
    /// Whether some nested function (or lambda, or class method) refers to it. Captured
    /// variables live in a heap environment of their scope; others in registers.
    pub captured: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    /// The body of a function, holding its parameters.
    FuncBody(FuncId),
    /// A `{ … }` block statement.
    Block(StmtId),
    /// A `for` statement: the scope of its init declaration, enclosing the body.
    For(StmtId),
    /// The statements of case `n` of a `switch` statement.
    Case(StmtId, u32),
    /// The members of a class (declares no variables; names resolve to members of `this`).
    Class(ClassId),
}

#[derive(Clone, Debug)]
pub struct ScopeInfo {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The function the scope belongs to.
    pub func: FuncId,
    /// Variables declared directly in this scope, in declaration order.
    pub vars: Vec<VarId>,
}

/// The built-in functions of LANGUAGE.md §11.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Sqrt,
    Floor,
    Sin,
    Cos,
    Exp,
    Log,
    Pow,
    Str,
    Chr,
    ParseInt,
    Args,
    ClockUs,
    IdentityHash,
}

impl Builtin {
    pub const ALL: [Builtin; 13] = [
        Builtin::Sqrt,
        Builtin::Floor,
        Builtin::Sin,
        Builtin::Cos,
        Builtin::Exp,
        Builtin::Log,
        Builtin::Pow,
        Builtin::Str,
        Builtin::Chr,
        Builtin::ParseInt,
        Builtin::Args,
        Builtin::ClockUs,
        Builtin::IdentityHash,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::Sqrt => "sqrt",
            Builtin::Floor => "floor",
            Builtin::Sin => "sin",
            Builtin::Cos => "cos",
            Builtin::Exp => "exp",
            Builtin::Log => "log",
            Builtin::Pow => "pow",
            Builtin::Str => "str",
            Builtin::Chr => "chr",
            Builtin::ParseInt => "parse_int",
            Builtin::Args => "args",
            Builtin::ClockUs => "clock_us",
            Builtin::IdentityHash => "identity_hash",
        }
    }
}

/// What a name expression (`ExprKind::Name`) refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Res {
    Var(VarId),
    Func(FuncId),
    Builtin(Builtin),
    /// A member (field or method) of `this` named without `this.`: `this` is the receiver
    /// parameter of the innermost enclosing method of `class`. Which member it is, is in
    /// [`SemaInfo::members`].
    Member {
        this: VarId,
        class: ClassId,
    },
    /// A label: its value (a `label!`), or the target of a `goto`.
    Label(LabelId),
    /// Resolution failed (already reported).
    Error,
}

/// What a type name (`TypeExprKind::Named`) refers to, decided by `symbol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeRes {
    /// A built-in type name (`int32`, `string`, `void`, `object`, `label`, …).
    Builtin(TyId),
    /// A `type name = T;` alias, by its `TypeAlias` statement.
    Alias(StmtId),
    Class(ClassId),
    /// Resolution failed (already reported).
    Error,
}

/// What a member expression (`ExprKind::Member`) means, decided by `typecheck`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberRes {
    ArrayLength,
    StringLength,
    /// `s.substring`; only valid as the callee of a call with two `int32` arguments.
    StringSubstring,
    /// Field `index` of [`ClassInfo::fields`] of the receiver's static class.
    Field {
        index: u32,
    },
    /// The method in vtable slot `slot`: a virtual call when called, else a bound method.
    Method {
        slot: u32,
    },
    Error,
}

/// How a call expression is carried out, decided by `typecheck`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// A call of a named function known statically (`callee` is a `Name` resolving to it).
    Direct(FuncId),
    /// A call of a closure value (any expression of function type).
    Closure,
    Builtin(Builtin),
    /// `s.substring (from, to)`.
    Substring,
    /// A method call through the receiver's vtable; the receiver is the member
    /// expression's base (or `this` for a member name).
    Virtual {
        slot: u32,
    },
    /// `super.m (…)` (and `super.init (…)`): a direct call of this implementation with
    /// `this` as receiver.
    Super(FuncId),
    Error,
}

/// What an `e is T` tests, or an `e as T` / `e as T!` checks, at run time (decided by
/// `typecheck`). Every test fails for `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeTest {
    /// An object of the class or of a subclass.
    Class(ClassId),
    /// A string (`e` is an `object`).
    String,
    /// A label value (`e` is an `object`).
    Label,
    /// An array with this element type, `bool`, an integer type or `double` (`e` is an
    /// `object`): the VM records the element kind of such arrays, not which reference
    /// type the elements of an array of references have.
    Array(TyId),
    /// Any reference but `null`: `e` already has the type, `T` (non-null stripped), as in
    /// `e as T!` with `e: T`, or `e is T` with `e: T` or an upcast.
    NonNull(TyId),
}

/// A field of a class.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    pub name: Sym,
    pub ty: TyId,
    /// The class that declares it.
    pub class: ClassId,
    pub span: Span,
}

/// A vtable entry: the implementation of a virtual method.
#[derive(Clone, Debug)]
pub struct MethodInfo {
    pub name: Sym,
    pub func: FuncId,
    /// The class that declares this implementation.
    pub class: ClassId,
}

/// A class: its place in the program (from `symbol`) and its layout (from `typecheck`).
#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub parent: Option<ClassId>,
    /// The function the class is declared in.
    pub func: FuncId,
    /// The scope the class is declared in.
    pub decl_scope: ScopeId,
    /// The implicit method running this class's own field initializers.
    pub field_init: FuncId,
    /// Every field, inherited ones first (the object layout, before any fields the
    /// backend adds).
    pub fields: Vec<FieldInfo>,
    /// The virtual methods by slot, inherited slots first (overrides replace them).
    pub vtable: Vec<MethodInfo>,
    /// The `init` that `new` calls: the class's own, else the nearest ancestor's.
    pub init: Option<FuncId>,
    /// `C` as a type.
    pub ty: TyId,
}

#[derive(Clone, Debug)]
pub struct FuncInfo {
    /// The enclosing function (`None` only for main).
    pub parent: Option<FuncId>,
    /// The scope the function is declared in (`None` only for main).
    pub decl_scope: Option<ScopeId>,
    /// The scope of the body; the parameters are declared in it.
    pub body_scope: ScopeId,
    pub params: Vec<VarId>,
    /// Set by `typecheck`.
    pub ret: TyId,
    /// The function's type `fn (…) -> R`, set by `typecheck`.
    pub ty: TyId,
    /// Whether the function refers to variables of enclosing functions (directly, or
    /// through calls of nested functions that do), so it needs an environment pointer.
    pub uses_outer: bool,
}

/// The side tables of semantic analysis.
#[derive(Clone, Debug, Default)]
pub struct SemaInfo {
    pub types: TypeTable,
    pub vars: Vec<VarInfo>,
    pub scopes: Vec<ScopeInfo>,
    pub funcs: IndexMap<FuncId, FuncInfo>,
    /// Scope introduced by a `Block` / `For` statement.
    pub stmt_scope: IndexMap<StmtId, ScopeId>,
    /// Scope of each case of a `switch`, keyed by (switch statement, case index).
    pub case_scope: IndexMap<(StmtId, u32), ScopeId>,
    /// The variables declared by a `VarDecl` statement, in order.
    pub decl_vars: IndexMap<StmtId, Vec<VarId>>,
    /// Resolution of every `Name` expression.
    pub names: IndexMap<ExprId, Res>,
    /// Meaning of every `Member` expression.
    pub members: IndexMap<ExprId, MemberRes>,
    /// How every `Call` expression is carried out.
    pub calls: IndexMap<ExprId, CallKind>,
    /// Type of every expression, indexed by `ExprId::index()` (filled by `typecheck`).
    pub expr_ty: Vec<TyId>,
    /// Resolution of every `TypeExprKind::Named` type expression (filled by `symbol`).
    pub type_names: IndexMap<TypeExprId, TypeRes>,
    /// The type each `type name = T;` alias stands for (filled by `typecheck`).
    pub alias_ty: IndexMap<StmtId, TyId>,
    /// Names of classes, for printing types.
    pub class_names: IndexMap<ClassId, String>,
    /// Every class.
    pub classes: IndexMap<ClassId, ClassInfo>,
    /// The class of each `new C (…)` expression.
    pub news: IndexMap<ExprId, ClassId>,
    /// What each `e is T` tests, and what each `e as T` / `e as T!` that is not a plain
    /// conversion (numeric, or an upcast of a value needing no null check) checks.
    pub type_tests: IndexMap<ExprId, TypeTest>,
    /// The value of each `case` value expression (its 64-bit register bits).
    pub case_values: IndexMap<ExprId, i64>,
    /// The `Convert` nodes to a non-null type `T!` whose operand may be null: checked at
    /// run time.
    pub null_checks: IndexSet<ExprId>,
    /// The `goto f (args);` statements: guaranteed tail calls.
    pub tail_calls: IndexSet<StmtId>,
    /// Every label, by [`LabelId`].
    pub labels: Vec<LabelInfo>,
    /// The label each `Label` statement declares.
    pub label_stmts: IndexMap<StmtId, LabelId>,
    /// The `goto name;` statements whose target is a label of the same function: plain
    /// jumps. Every other `goto` is a tail call ([`SemaInfo::tail_calls`]) or a jump
    /// through a label value.
    pub local_gotos: IndexMap<StmtId, LabelId>,
}

impl SemaInfo {
    pub fn var(&self, v: VarId) -> &VarInfo {
        &self.vars[v.0 as usize]
    }

    pub fn scope(&self, s: ScopeId) -> &ScopeInfo {
        &self.scopes[s.0 as usize]
    }

    pub fn label(&self, l: LabelId) -> &LabelInfo {
        &self.labels[l.0 as usize]
    }

    pub fn func(&self, f: FuncId) -> &FuncInfo {
        &self.funcs[&f]
    }

    pub fn ty_of(&self, e: ExprId) -> TyId {
        self.expr_ty.get(e.index()).copied().unwrap_or(TyId::ERROR)
    }

    /// Whether the (type-checked) expression `e` can never be `null`, from its type or its
    /// form alone (LANGUAGE.md §9 "known non-null"): a value of a `T!` type, `new C (…)`,
    /// `new array[T] (n)`, `this`, string and array literals, lambdas, function and label
    /// names, a `?:` whose branches both are, and the string operations that cannot give
    /// `null` (a null operand is a run-time error, never a null result): concatenation
    /// `a + b`, `s.substring (i, j)`, `str (v)` and `chr (c)`. The type checker and the
    /// `null` flow check both use it.
    pub fn non_null_by_form(&self, ast: &Ast, e: ExprId) -> bool {
        if matches!(self.types.kind(self.ty_of(e)), TyKind::NonNull(_)) {
            return true;
        }
        match &ast.expr(e).kind {
            ExprKind::New { .. }
            | ExprKind::NewArray { .. }
            | ExprKind::This
            | ExprKind::Str(_)
            | ExprKind::ArrayLit(_)
            | ExprKind::Lambda(_) => true,
            ExprKind::Binary(BinOp::Add, ..) => self.types.strip(self.ty_of(e)) == TyId::STRING,
            ExprKind::Call { .. } => {
                matches!(self.calls.get(&e), Some(CallKind::Builtin(Builtin::Str | Builtin::Chr) | CallKind::Substring))
            }
            ExprKind::Name(_) => matches!(self.names.get(&e), Some(Res::Func(_) | Res::Label(_))),
            ExprKind::Convert(x) => self.non_null_by_form(ast, *x),
            ExprKind::Cond(_, a, b) => self.non_null_by_form(ast, *a) && self.non_null_by_form(ast, *b),
            _ => false,
        }
    }

    pub fn display_ty(&self, t: TyId) -> String {
        self.types.display(t, &|c| self.class_names.get(&c).cloned().unwrap_or_else(|| "<class>".into()))
    }
}
