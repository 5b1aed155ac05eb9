//! Deterministic text dumps of tokens (`--emit=tokens`) and of the AST (`--emit=ast`).
//!
//! Both formats are pinned by tests; change them only together with the expectations.
//!
//! ## Tokens
//! One token per line: `line:col kind text`, where `kind` is `ident`, `keyword`, `punct`,
//! `int`, `double`, `string` or `eof`, and `text` is the identifier, the keyword or
//! operator as written, the literal's value (integers in decimal, doubles in Rust's
//! shortest round-trip form, strings quoted with escapes), or nothing for `eof`:
//! ```text
//! 1:1 ident fib
//! 1:5 punct (
//! 1:9 ident int32
//! 2:5 keyword if
//! 2:13 int 2
//! 6:1 eof
//! ```
//!
//! ## AST
//! An indented tree, two spaces per level, one node per line:
//! `kind [payload] @line:col [: annotation]`. Positions are those of the node's first
//! byte (line and column 1-based, column in characters). The root is `main` (the
//! top-level statements). Statement and expression kinds are disjoint, so a node's
//! children can be told apart by their kinds. Types are written in source syntax.
//!
//! ```text
//! main @1:1
//!   func fib (n: int32) -> int32 @1:1
//!     if @2:5
//!       binary < @2:9
//!         name n @2:9
//!         int 2 @2:13
//!       return @2:16
//!         name n @2:23
//!   var x: int32 @5:1
//!     binary + @5:12
//!       int 1 @5:12
//!       int 2 @5:16
//! ```
//!
//! Statements: `expr` (child: the expression), `var x: T` / `var x` (inferred; child: the
//! initializer if any), `vars` (a multi-variable declaration; children: one `var` each),
//! `func name (a: T) -> R` (children: the body), `class C : B` (children: `field x: T`
//! with its initializer, `method m (…) -> R` with its body), `type name = T`, `block`,
//! `empty`, `print`, `if` (condition, then-statement, and an unpositioned `else` line over
//! the else-statement), `while` (condition, body), `dowhile` (body, condition), `for`
//! (unpositioned `init`, `cond`, `step` lines for the parts present, then the body),
//! `break`, `continue`, `return`, `switch` (scrutinee, then `case` lines with the values
//! followed by the body statements, and `default` lines), `label name`, `goto`, `error`.
//!
//! Expressions: `int 42`, `double 1.5`, `string "a\n"`, `bool true`, `null`, `this`,
//! `name x`, `unary -`, `binary +`, `assign =` / `assign +=` (target, value), `preinc`,
//! `predec`, `postinc`, `postdec`, `cond` (condition, then, else), `call` (callee, args),
//! `index` (base, index), `member name` (base), `super name`, `new C` (args),
//! `newarray T` (length), `array` (elements), `lambda (x: T) -> R` (body statements),
//! `as T`, `is T`, `convert` (inserted by the type checker), `error`.
//!
//! The annotation callback of [`ast_to_string`] lets later stages append ` : text` (for
//! example the type) to expression lines.

use crate::ast::*;
use crate::span::{SourceFile, Span};
use crate::token::{Token, TokenKind};
use std::fmt::Write;

/// `"…"` with `\n \t \r \\ \" \0` and `\xHH` for other non-printable bytes.
pub fn quote_bytes(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\r' => s.push_str("\\r"),
            b'\\' => s.push_str("\\\\"),
            b'"' => s.push_str("\\\""),
            0 => s.push_str("\\0"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s.push('"');
    s
}

/// The token dump: one `line:col kind text` line per token.
pub fn tokens_to_string(file: &SourceFile, tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        let (line, col) = file.line_col(t.span.lo);
        let _ = write!(out, "{line}:{col} ");
        let _ = match &t.kind {
            TokenKind::Ident => writeln!(out, "ident {}", file.slice(t.span)),
            TokenKind::Int(v) => writeln!(out, "int {v}"),
            TokenKind::Double(v) => writeln!(out, "double {v:?}"),
            TokenKind::Str(bytes) => writeln!(out, "string {}", quote_bytes(bytes)),
            TokenKind::Eof => writeln!(out, "eof"),
            k if k.is_keyword() => writeln!(out, "keyword {}", k.text().unwrap_or("?")),
            k => writeln!(out, "punct {}", k.text().unwrap_or("?")),
        };
    }
    out
}

/// The AST dump described in the module documentation. `annot` may add ` : text` to any
/// expression's line.
pub fn ast_to_string(ast: &Ast, file: &SourceFile, annot: &dyn Fn(ExprId) -> Option<String>) -> String {
    let mut p = Printer { ast, file, annot, out: String::new() };
    let main = ast.func(ast.main);
    p.line(0, "main", Some(main.span), None);
    for &s in &main.body {
        p.stmt(s, 1);
    }
    p.out
}

/// A type in source syntax.
pub fn type_to_string(ast: &Ast, ty: TypeExprId) -> String {
    let mut s = String::new();
    write_type(ast, ty, &mut s);
    s
}

fn write_type(ast: &Ast, ty: TypeExprId, out: &mut String) {
    match &ast.ty(ty).kind {
        TypeExprKind::Named(id) => out.push_str(ast.name(id.sym)),
        TypeExprKind::Array(elem) => {
            out.push_str("array[");
            write_type(ast, *elem, out);
            out.push(']');
        }
        TypeExprKind::Fn { params, ret } => {
            out.push_str("fn (");
            for (i, &p) in params.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_type(ast, p, out);
            }
            out.push_str(") -> ");
            write_type(ast, *ret, out);
        }
        TypeExprKind::NonNull(inner) => {
            let group = matches!(ast.ty(*inner).kind, TypeExprKind::Fn { .. });
            if group {
                out.push('(');
            }
            write_type(ast, *inner, out);
            if group {
                out.push(')');
            }
            out.push('!');
        }
        TypeExprKind::Error => out.push_str("<error>"),
    }
}

struct Printer<'a> {
    ast: &'a Ast,
    file: &'a SourceFile,
    annot: &'a dyn Fn(ExprId) -> Option<String>,
    out: String,
}

impl Printer<'_> {
    #[inline(never)]
    fn line(&mut self, depth: usize, text: &str, span: Option<Span>, annot: Option<String>) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        if let Some(span) = span {
            let (l, c) = self.file.line_col(span.lo);
            let _ = write!(self.out, " @{l}:{c}");
        }
        if let Some(a) = annot {
            self.out.push_str(" : ");
            self.out.push_str(&a);
        }
        self.out.push('\n');
    }

    fn name(&self, id: Ident) -> &str {
        self.ast.name(id.sym)
    }

    fn signature(&self, f: &FuncDecl) -> String {
        let mut s = String::from("(");
        for (i, p) in f.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(self.name(p.name));
            s.push_str(": ");
            write_type(self.ast, p.ty, &mut s);
        }
        s.push(')');
        if let Some(r) = f.ret {
            s.push_str(" -> ");
            write_type(self.ast, r, &mut s);
        }
        s
    }

    #[inline(never)]
    fn func(&mut self, keyword: &str, id: FuncId, depth: usize) {
        let f = self.ast.func(id);
        let head = match f.name {
            Some(n) => format!("{keyword} {} {}", self.name(n), self.signature(f)),
            None => format!("{keyword} {}", self.signature(f)),
        };
        self.line(depth, &head, Some(f.span), None);
        for &s in &f.body {
            self.stmt(s, depth + 1);
        }
    }

    #[inline(never)]
    fn var(&mut self, keyword: &str, d: &VarDecl, span: Span, depth: usize) {
        let mut head = format!("{keyword} {}", self.name(d.name));
        if let Some(t) = d.ty {
            head.push_str(": ");
            write_type(self.ast, t, &mut head);
        }
        self.line(depth, &head, Some(span), None);
        if let Some(init) = d.init {
            self.expr(init, depth + 1);
        }
    }

    #[inline(never)]
    fn stmt_head(&self, id: StmtId) -> String {
        let s = self.ast.stmt(id);
        match &s.kind {
            StmtKind::Expr(_) => "expr".into(),
            StmtKind::VarDecl(_) => "vars".into(),
            StmtKind::Func(_) => "func".into(),
            StmtKind::Class(c) => {
                let c = self.ast.class(*c);
                match c.base {
                    Some(b) => format!("class {} : {}", self.name(c.name), self.name(b)),
                    None => format!("class {}", self.name(c.name)),
                }
            }
            StmtKind::TypeAlias { name, ty } => {
                format!("type {} = {}", self.name(*name), type_to_string(self.ast, *ty))
            }
            StmtKind::Block(_) => "block".into(),
            StmtKind::Empty => "empty".into(),
            StmtKind::Print(_) => "print".into(),
            StmtKind::If { .. } => "if".into(),
            StmtKind::While { .. } => "while".into(),
            StmtKind::DoWhile { .. } => "dowhile".into(),
            StmtKind::For { .. } => "for".into(),
            StmtKind::Break => "break".into(),
            StmtKind::Continue => "continue".into(),
            StmtKind::Return(_) => "return".into(),
            StmtKind::Switch { .. } => "switch".into(),
            StmtKind::Label(name) => format!("label {}", self.name(*name)),
            StmtKind::Goto(_) => "goto".into(),
            StmtKind::Error => "error".into(),
        }
    }

    fn stmt(&mut self, id: StmtId, depth: usize) {
        let ast = self.ast;
        let s = ast.stmt(id);
        match &s.kind {
            StmtKind::Func(f) => return self.func("func", *f, depth),
            StmtKind::VarDecl(decls) if decls.len() == 1 => return self.var("var", &decls[0], s.span, depth),
            _ => {}
        }
        let head = self.stmt_head(id);
        self.line(depth, &head, Some(s.span), None);
        let d = depth + 1;
        // Each arm is its own function: this one is on every recursion cycle of the dump.
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::Print(e) | StmtKind::Goto(e) | StmtKind::Return(Some(e)) => self.expr(*e, d),
            StmtKind::Block(body) => self.stmts(body, d),
            StmtKind::VarDecl(_) | StmtKind::Class(_) => self.decl_children(&s.kind, d),
            StmtKind::If { .. } | StmtKind::While { .. } | StmtKind::DoWhile { .. } => {
                self.control_children(&s.kind, d)
            }
            StmtKind::For { .. } => self.for_children(&s.kind, d),
            StmtKind::Switch { scrutinee, cases } => self.switch_children(*scrutinee, cases, d),
            _ => {}
        }
    }

    fn stmts(&mut self, body: &[StmtId], depth: usize) {
        for &b in body {
            self.stmt(b, depth);
        }
    }

    fn decl_children(&mut self, kind: &StmtKind, d: usize) {
        match kind {
            StmtKind::VarDecl(decls) => {
                for v in decls {
                    self.var("var", v, v.name.span, d);
                }
            }
            StmtKind::Class(c) => {
                for m in &self.ast.class(*c).members {
                    match m {
                        Member::Field(v) => self.var("field", v, v.name.span, d),
                        Member::Method(f) => self.func("method", *f, d),
                    }
                }
            }
            _ => {}
        }
    }

    fn control_children(&mut self, kind: &StmtKind, d: usize) {
        match kind {
            StmtKind::If { cond, then, els } => {
                self.expr(*cond, d);
                self.stmt(*then, d);
                if let Some(e) = els {
                    self.line(d, "else", None, None);
                    self.stmt(*e, d + 1);
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(*cond, d);
                self.stmt(*body, d);
            }
            StmtKind::DoWhile { body, cond } => {
                self.stmt(*body, d);
                self.expr(*cond, d);
            }
            _ => {}
        }
    }

    fn for_children(&mut self, kind: &StmtKind, d: usize) {
        let StmtKind::For { init, cond, step, body } = kind else { return };
        if let Some(i) = init {
            self.line(d, "init", None, None);
            self.stmt(*i, d + 1);
        }
        if let Some(c) = cond {
            self.line(d, "cond", None, None);
            self.expr(*c, d + 1);
        }
        if let Some(st) = step {
            self.line(d, "step", None, None);
            self.expr(*st, d + 1);
        }
        self.stmt(*body, d);
    }

    fn switch_children(&mut self, scrutinee: ExprId, cases: &[SwitchCase], d: usize) {
        self.expr(scrutinee, d);
        for c in cases {
            self.line(d, if c.is_default { "default" } else { "case" }, Some(c.span), None);
            for &v in &c.values {
                self.expr(v, d + 1);
            }
            self.stmts(&c.body, d + 1);
        }
    }

    #[inline(never)]
    fn expr_head(&self, id: ExprId) -> String {
        let ast = self.ast;
        match &ast.expr(id).kind {
            ExprKind::Int(v) => format!("int {v}"),
            ExprKind::Double(v) => format!("double {v:?}"),
            ExprKind::Str(s) => format!("string {}", quote_bytes(s)),
            ExprKind::Bool(b) => format!("bool {b}"),
            ExprKind::Null => "null".into(),
            ExprKind::Name(n) => format!("name {}", self.name(*n)),
            ExprKind::This => "this".into(),
            ExprKind::Unary(op, _) => format!("unary {}", op.as_str()),
            ExprKind::Binary(op, _, _) => format!("binary {}", op.as_str()),
            ExprKind::Assign { op, .. } => format!("assign {}=", op.map_or("", |o| o.as_str())),
            ExprKind::IncDec { prefix, increment, .. } => {
                format!("{}{}", if *prefix { "pre" } else { "post" }, if *increment { "inc" } else { "dec" })
            }
            ExprKind::Cond(..) => "cond".into(),
            ExprKind::Call { .. } => "call".into(),
            ExprKind::Index { .. } => "index".into(),
            ExprKind::Member { name, .. } => format!("member {}", self.name(*name)),
            ExprKind::SuperMember(name) => format!("super {}", self.name(*name)),
            ExprKind::New { class, .. } => format!("new {}", type_to_string(ast, *class)),
            ExprKind::NewArray { elem, .. } => format!("newarray {}", type_to_string(ast, *elem)),
            ExprKind::ArrayLit(_) => "array".into(),
            ExprKind::Lambda(f) => format!("lambda {}", self.signature(ast.func(*f))),
            ExprKind::As(_, t) => format!("as {}", type_to_string(ast, *t)),
            ExprKind::Is(_, t) => format!("is {}", type_to_string(ast, *t)),
            ExprKind::Convert(_) => "convert".into(),
            ExprKind::Error => "error".into(),
        }
    }

    fn expr(&mut self, id: ExprId, depth: usize) {
        let head = self.expr_head(id);
        let annot = (self.annot)(id);
        let e = self.ast.expr(id);
        self.line(depth, &head, Some(e.span), annot);
        self.expr_children(&e.kind, depth + 1);
    }

    fn expr_children(&mut self, kind: &ExprKind, d: usize) {
        match kind {
            ExprKind::Unary(_, x)
            | ExprKind::IncDec { target: x, .. }
            | ExprKind::Member { base: x, .. }
            | ExprKind::NewArray { len: x, .. }
            | ExprKind::As(x, _)
            | ExprKind::Is(x, _)
            | ExprKind::Convert(x) => self.expr(*x, d),
            ExprKind::Binary(_, a, b)
            | ExprKind::Assign { target: a, value: b, .. }
            | ExprKind::Index { base: a, index: b } => {
                self.expr(*a, d);
                self.expr(*b, d);
            }
            ExprKind::Cond(c, a, b) => {
                self.expr(*c, d);
                self.expr(*a, d);
                self.expr(*b, d);
            }
            ExprKind::Call { callee, args } => {
                self.expr(*callee, d);
                self.exprs(args, d);
            }
            ExprKind::New { args: list, .. } | ExprKind::ArrayLit(list) => self.exprs(list, d),
            ExprKind::Lambda(f) => self.stmts(&self.ast.func(*f).body, d),
            _ => {}
        }
    }

    fn exprs(&mut self, list: &[ExprId], d: usize) {
        for &a in list {
            self.expr(a, d);
        }
    }
}
