//! The abstract syntax tree: arena-allocated nodes addressed by typed indices.
//!
//! Architecture invariant: the AST knows nothing of types. Later stages keep their facts
//! (resolved symbols, types) in side tables indexed by [`ExprId`], [`StmtId`], [`FuncId`]
//! and [`ClassId`]. The one mutation later stages make is the type checker inserting
//! [`ExprKind::Convert`] nodes, which makes implicit conversions explicit.

use crate::span::Span;
use id_arena::{Arena, Id};
use indexmap::IndexSet;

pub type ExprId = Id<Expr>;
pub type StmtId = Id<Stmt>;
pub type TypeExprId = Id<TypeExpr>;
pub type FuncId = Id<FuncDecl>;
pub type ClassId = Id<ClassDecl>;

/// An interned identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Sym(pub u32);

/// Interns identifier text; `Sym`s compare in O(1).
#[derive(Default, Clone, Debug)]
pub struct Interner {
    names: IndexSet<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(i) = self.names.get_index_of(s) {
            return Sym(i as u32);
        }
        Sym(self.names.insert_full(s.into()).0 as u32)
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        self.names.get_index_of(s).map(|i| Sym(i as u32))
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        &self.names[sym.0 as usize]
    }
}

/// A name as written in the source.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ident {
    pub sym: Sym,
    pub span: Span,
}

/// A whole program. The top-level statements form the body of the implicit function
/// [`Ast::main`], so top level and function bodies are handled alike.
#[derive(Debug)]
pub struct Ast {
    pub interner: Interner,
    pub exprs: Arena<Expr>,
    pub stmts: Arena<Stmt>,
    pub types: Arena<TypeExpr>,
    pub funcs: Arena<FuncDecl>,
    pub classes: Arena<ClassDecl>,
    pub main: FuncId,
}

impl Ast {
    pub fn name(&self, sym: Sym) -> &str {
        self.interner.resolve(sym)
    }

    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id]
    }

    pub fn stmt(&self, id: StmtId) -> &Stmt {
        &self.stmts[id]
    }

    pub fn func(&self, id: FuncId) -> &FuncDecl {
        &self.funcs[id]
    }

    pub fn class(&self, id: ClassId) -> &ClassDecl {
        &self.classes[id]
    }

    pub fn ty(&self, id: TypeExprId) -> &TypeExpr {
        &self.types[id]
    }

    /// Adds an expression node (used by the type checker to insert conversions).
    pub fn alloc_expr(&mut self, kind: ExprKind, span: Span) -> ExprId {
        self.exprs.alloc(Expr { kind, span })
    }
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    BitAnd,
    BitXor,
    BitOr,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        use BinOp::*;
        match self {
            Mul => "*",
            Div => "/",
            Rem => "%",
            Add => "+",
            Sub => "-",
            Shl => "<<",
            Shr => ">>",
            BitAnd => "&",
            BitXor => "^",
            BitOr => "|",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Eq => "==",
            Ne => "!=",
            And => "&&",
            Or => "||",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Not,
    BitNot,
}

impl UnOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Not => "!",
            UnOp::BitNot => "~",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An integer literal; its value is at most `u64::MAX` (the lexer rejects larger ones).
    Int(u64),
    Double(f64),
    /// A string literal's bytes, escapes already decoded.
    Str(Box<[u8]>),
    Bool(bool),
    Null,
    Name(Ident),
    This,
    Unary(UnOp, ExprId),
    /// Every binary operator, including the short-circuit `&&` and `||`.
    Binary(BinOp, ExprId, ExprId),
    /// `target = value`, or a compound assignment `target op= value` when `op` is set.
    Assign {
        op: Option<BinOp>,
        target: ExprId,
        value: ExprId,
    },
    /// `++x`, `--x`, `x++`, `x--`.
    IncDec {
        prefix: bool,
        increment: bool,
        target: ExprId,
    },
    Cond(ExprId, ExprId, ExprId),
    Call {
        callee: ExprId,
        args: Vec<ExprId>,
    },
    Index {
        base: ExprId,
        index: ExprId,
    },
    Member {
        base: ExprId,
        name: Ident,
    },
    /// `super.name` (only valid as a callee or member access in a subclass method).
    SuperMember(Ident),
    /// `new C (args)`.
    New {
        class: TypeExprId,
        args: Vec<ExprId>,
    },
    /// `new array[T] (len)`; `elem` is `T`.
    NewArray {
        elem: TypeExprId,
        len: ExprId,
    },
    ArrayLit(Vec<ExprId>),
    Lambda(FuncId),
    As(ExprId, TypeExprId),
    Is(ExprId, TypeExprId),
    /// An implicit conversion inserted by the type checker; the target type is the type
    /// the checker records for this node.
    Convert(ExprId),
    /// Stands in for an expression that failed to parse.
    Error,
}

impl ExprKind {
    /// Calls `f` on every direct sub-expression, in evaluation order; not into lambda
    /// bodies (a lambda's body belongs to its own function).
    pub fn for_each_child(&self, mut f: impl FnMut(ExprId)) {
        match self {
            ExprKind::Int(_)
            | ExprKind::Double(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Name(_)
            | ExprKind::This
            | ExprKind::SuperMember(_)
            | ExprKind::Lambda(_)
            | ExprKind::Error => {}
            ExprKind::Unary(_, a) | ExprKind::Convert(a) | ExprKind::As(a, _) | ExprKind::Is(a, _) => f(*a),
            ExprKind::Member { base, .. } => f(*base),
            ExprKind::Binary(_, a, b) => {
                f(*a);
                f(*b);
            }
            ExprKind::Assign { target, value, .. } => {
                f(*target);
                f(*value);
            }
            ExprKind::IncDec { target, .. } => f(*target),
            ExprKind::Cond(a, b, c) => {
                f(*a);
                f(*b);
                f(*c);
            }
            ExprKind::Call { callee, args } => {
                f(*callee);
                args.iter().for_each(|a| f(*a));
            }
            ExprKind::Index { base, index } => {
                f(*base);
                f(*index);
            }
            ExprKind::New { args, .. } => args.iter().for_each(|a| f(*a)),
            ExprKind::NewArray { len, .. } => f(*len),
            ExprKind::ArrayLit(items) => items.iter().for_each(|a| f(*a)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// One variable of a declaration statement.
#[derive(Clone, Debug)]
pub struct VarDecl {
    pub name: Ident,
    /// `None` for `x := e`, whose type is inferred.
    pub ty: Option<TypeExprId>,
    pub init: Option<ExprId>,
}

#[derive(Clone, Debug)]
pub struct SwitchCase {
    /// Empty for `default:`.
    pub values: Vec<ExprId>,
    pub is_default: bool,
    pub body: Vec<StmtId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(ExprId),
    /// `x: T;`, `x: T = e;`, `x := e;` or `x, y: T = a, b;` (the variables are declared in
    /// order, each visible after its own declaration).
    VarDecl(Vec<VarDecl>),
    Func(FuncId),
    Class(ClassId),
    TypeAlias {
        name: Ident,
        ty: TypeExprId,
    },
    Block(Vec<StmtId>),
    Empty,
    Print(ExprId),
    If {
        cond: ExprId,
        then: StmtId,
        els: Option<StmtId>,
    },
    While {
        cond: ExprId,
        body: StmtId,
    },
    DoWhile {
        body: StmtId,
        cond: ExprId,
    },
    /// `init` is a `VarDecl` or `Expr` statement.
    For {
        init: Option<StmtId>,
        cond: Option<ExprId>,
        step: Option<ExprId>,
        body: StmtId,
    },
    Break,
    Continue,
    Return(Option<ExprId>),
    Switch {
        scrutinee: ExprId,
        cases: Vec<SwitchCase>,
    },
    /// `@name:`
    Label(Ident),
    Goto(ExprId),
    /// Stands in for a statement that failed to parse.
    Error,
}

impl StmtKind {
    /// Calls `stmt` on every direct sub-statement and `expr` on every direct expression;
    /// not into nested functions or classes (their bodies belong to their own functions).
    pub fn for_each_child(&self, mut stmt: impl FnMut(StmtId), mut expr: impl FnMut(ExprId)) {
        match self {
            StmtKind::Expr(e) | StmtKind::Print(e) | StmtKind::Goto(e) => expr(*e),
            StmtKind::Return(e) => e.iter().for_each(|e| expr(*e)),
            StmtKind::VarDecl(items) => items.iter().filter_map(|i| i.init).for_each(expr),
            StmtKind::Block(b) => b.iter().for_each(|s| stmt(*s)),
            StmtKind::If { cond, then, els } => {
                expr(*cond);
                stmt(*then);
                els.iter().for_each(|s| stmt(*s));
            }
            StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => {
                expr(*cond);
                stmt(*body);
            }
            StmtKind::For { init, cond, step, body } => {
                init.iter().for_each(|s| stmt(*s));
                cond.iter().for_each(|e| expr(*e));
                step.iter().for_each(|e| expr(*e));
                stmt(*body);
            }
            StmtKind::Switch { scrutinee, cases } => {
                expr(*scrutinee);
                for c in cases {
                    c.values.iter().for_each(|e| expr(*e));
                    c.body.iter().for_each(|s| stmt(*s));
                }
            }
            StmtKind::Func(_)
            | StmtKind::Class(_)
            | StmtKind::TypeAlias { .. }
            | StmtKind::Empty
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Label(_)
            | StmtKind::Error => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExprId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuncKind {
    /// The implicit function holding the top-level statements.
    Main,
    /// A named function declared in a block.
    Named,
    /// `fn (…) … { … }`
    Lambda,
    /// A method (including `init`) of a class.
    Method(ClassId),
    /// The implicit method that runs a class's field initializers (one per class, with an
    /// empty body; see [`ClassDecl::field_init`]).
    FieldInit(ClassId),
}

#[derive(Clone, Debug)]
pub struct FuncDecl {
    pub kind: FuncKind,
    /// The name; for a lambda or main, a synthetic one is not given (`None`).
    pub name: Option<Ident>,
    pub params: Vec<Param>,
    /// `None` when `-> T` is omitted (a `void` function).
    pub ret: Option<TypeExprId>,
    pub body: Vec<StmtId>,
    /// The whole declaration.
    pub span: Span,
    /// The closing brace of the body (where a function falls off its end).
    pub end_span: Span,
}

#[derive(Clone, Debug)]
pub enum Member {
    Field(VarDecl),
    Method(FuncId),
}

#[derive(Clone, Debug)]
pub struct ClassDecl {
    pub name: Ident,
    pub base: Option<Ident>,
    pub members: Vec<Member>,
    pub span: Span,
    /// The implicit method in whose scope the field initializers are resolved and run.
    pub field_init: FuncId,
}

#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeExprKind {
    /// A type name: a built-in (`int32`, `string`, `object`, `label`, `void`, …), a class or
    /// an alias.
    Named(Ident),
    /// `array[T]`
    Array(TypeExprId),
    /// `fn (T1, T2) -> R` (`R` may be `void`).
    Fn {
        params: Vec<TypeExprId>,
        ret: TypeExprId,
    },
    /// `T!`
    NonNull(TypeExprId),
    Error,
}
