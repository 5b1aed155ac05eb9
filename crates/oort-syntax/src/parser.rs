//! The parser: tokens to the arena AST (LANGUAGE.md §3–§6).
//!
//! Hand-written recursive descent. Binary operators are parsed with an explicit operator
//! stack (precedence climbing without recursion) and prefix operators, `?:` chains and
//! assignment chains iteratively, so the Rust stack grows only with real nesting:
//! parentheses, brackets, call arguments, blocks, lambdas and nested types.
//!
//! Architecture invariants:
//! - Parsing never fails and never panics: [`parse`] always returns an [`Ast`] and every
//!   syntax error of the file (lexer errors included), sorted in source order.
//! - Error recovery works per statement: the first error in a statement is reported, the
//!   rest of the statement is skipped up to a statement boundary (a `;` or a balanced
//!   `{ … }` group, stopping before a `}` that closes the enclosing block or before a
//!   keyword that can only start a statement) and the statement becomes
//!   [`StmtKind::Error`]. A missing `;` before a token on a new line (or before `}`) is
//!   reported and then treated as present, so the next line parses normally.
//! - Nesting deeper than [`MAX_DEPTH`] is reported once as "nesting too deep" and ends
//!   the parse (the rest of the file is skipped), instead of overflowing the stack.
//!
//! AST shapes worth knowing:
//! - `x, y: T = a, b;` is one [`StmtKind::VarDecl`] with two [`VarDecl`]s that share the
//!   one [`TypeExprId`] of `T`. A `VarDecl` with `ty: None` (`x := e`) always has
//!   `init: Some(_)`; if initializers are missing the parser reports it and supplies
//!   [`ExprKind::Error`].
//! - Parentheses leave no node; an enclosing node's span includes them.
//! - `-5` is `Unary(Neg, Int(5))`: no folding here.

use crate::ast::*;
use crate::codes::Code;
use crate::diag::{Diagnostic, sort_diagnostics};
use crate::lexer::lex;
use crate::span::{SourceFile, Span};
use crate::token::{Token, TokenKind};
use id_arena::Arena;

/// Nesting levels (of expressions, statements and types together) the parser accepts.
/// Chosen so that parsing and printing at the limit fit in a 2 MiB thread stack in a
/// debug build.
pub const MAX_DEPTH: u32 = 1000;

/// Lexical and syntax errors recorded at most; the next one stops the parse (E0009), so a
/// file of garbage costs neither gigabytes of diagnostics nor the time to make them.
pub const MAX_ERRORS: usize = 10_000;

const NO_MATCH: u32 = u32::MAX;

/// Parses one source file. Always returns an AST; the diagnostics are every lexical and
/// syntax error found, in source order.
pub fn parse(file: &SourceFile) -> (Ast, Vec<Diagnostic>) {
    let (tokens, lex_diags) = lex(file);
    let mut p = Parser::new(file, tokens);
    p.lex_error_spans = lex_diags.iter().map(|d| d.span).collect();
    p.lex_error_spans.sort();
    p.diags = lex_diags;
    if p.diags.len() >= MAX_ERRORS {
        let span = p.diags.last().map_or(Span::DUMMY, |d| d.span);
        p.too_many_errors(span);
    }
    let main = p.parse_program();
    let mut diags = std::mem::take(&mut p.diags);
    sort_diagnostics(&mut diags);
    let ast = Ast {
        interner: p.interner,
        exprs: p.exprs,
        stmts: p.stmts,
        types: p.types,
        funcs: p.funcs,
        classes: p.classes,
        main,
    };
    (ast, diags)
}

/// A syntax error has been reported; unwind to the enclosing statement.
struct Fail;

type PResult<T> = Result<T, Fail>;

struct Parser<'a> {
    file: &'a SourceFile,
    tokens: Vec<Token>,
    /// For each `(` token, the index of its matching `)` (or `NO_MATCH`).
    paren_match: Vec<u32>,
    pos: usize,
    interner: Interner,
    exprs: Arena<Expr>,
    stmts: Arena<Stmt>,
    types: Arena<TypeExpr>,
    funcs: Arena<FuncDecl>,
    classes: Arena<ClassDecl>,
    diags: Vec<Diagnostic>,
    depth: u32,
    /// Set after "nesting too deep": everything after is skipped and no more errors come.
    aborted: bool,
    /// An "…, found end of file" error has been reported; unclosed outer blocks stay quiet.
    eof_reported: bool,
    /// Token index of the last error reported at a token, to avoid two errors at one token.
    last_error_token: usize,
    /// Height of each node's subtree (a leaf is 1), indexed like the arenas: the AST's
    /// height is kept within [`MAX_DEPTH`] so that recursive passes over it are bounded
    /// even where the parser itself does not recurse (`1 + 1 + … + 1`, `- - - x`).
    /// Spans of the lexer's errors, sorted: no syntax error is reported next to one.
    lex_error_spans: Vec<Span>,
    expr_height: Vec<u32>,
    stmt_height: Vec<u32>,
    func_height: Vec<u32>,
}

/// Binary operators by token, with their precedence (higher binds tighter; LANGUAGE.md §5).
fn binary_op(kind: &TokenKind) -> Option<(BinOp, u8)> {
    use TokenKind as T;
    Some(match kind {
        T::OrOr => (BinOp::Or, 1),
        T::AndAnd => (BinOp::And, 2),
        T::EqEq => (BinOp::Eq, 3),
        T::Ne => (BinOp::Ne, 3),
        T::Lt => (BinOp::Lt, 4),
        T::Le => (BinOp::Le, 4),
        T::Gt => (BinOp::Gt, 4),
        T::Ge => (BinOp::Ge, 4),
        T::Pipe => (BinOp::BitOr, 5),
        T::Caret => (BinOp::BitXor, 6),
        T::Amp => (BinOp::BitAnd, 7),
        T::Shl => (BinOp::Shl, 8),
        T::Shr => (BinOp::Shr, 8),
        T::Plus => (BinOp::Add, 9),
        T::Minus => (BinOp::Sub, 9),
        T::Star => (BinOp::Mul, 10),
        T::Slash => (BinOp::Div, 10),
        T::Percent => (BinOp::Rem, 10),
        _ => return None,
    })
}

/// `None` for a token that is not an assignment operator, `Some(None)` for `=`.
fn assign_op(kind: &TokenKind) -> Option<Option<BinOp>> {
    use TokenKind as T;
    Some(match kind {
        T::Eq => None,
        T::PlusEq => Some(BinOp::Add),
        T::MinusEq => Some(BinOp::Sub),
        T::StarEq => Some(BinOp::Mul),
        T::SlashEq => Some(BinOp::Div),
        T::PercentEq => Some(BinOp::Rem),
        T::AmpEq => Some(BinOp::BitAnd),
        T::PipeEq => Some(BinOp::BitOr),
        T::CaretEq => Some(BinOp::BitXor),
        T::ShlEq => Some(BinOp::Shl),
        T::ShrEq => Some(BinOp::Shr),
        _ => return None,
    })
}

/// Keywords that can only begin a statement (or a switch case): error recovery stops
/// before them.
fn starts_statement(kind: &TokenKind) -> bool {
    use TokenKind as T;
    matches!(
        kind,
        T::If
            | T::While
            | T::Do
            | T::For
            | T::Return
            | T::Break
            | T::Continue
            | T::Switch
            | T::Case
            | T::Default
            | T::Goto
            | T::Print
            | T::Class
            | T::Type
            | T::At
    )
}

/// How a token is named in "found …" messages.
fn describe(file: &SourceFile, tok: &Token) -> String {
    match &tok.kind {
        TokenKind::Eof => "end of file".to_string(),
        TokenKind::Str(_) => "a string literal".to_string(),
        kind => match kind.text() {
            Some(t) => format!("`{t}`"),
            None => format!("`{}`", file.slice(tok.span)),
        },
    }
}

fn compute_paren_match(tokens: &[Token]) -> Vec<u32> {
    let mut result = vec![NO_MATCH; tokens.len()];
    let mut stack = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => stack.push(i),
            TokenKind::RParen => {
                if let Some(open) = stack.pop() {
                    result[open] = i as u32;
                }
            }
            _ => {}
        }
    }
    result
}

impl<'a> Parser<'a> {
    fn new(file: &'a SourceFile, tokens: Vec<Token>) -> Parser<'a> {
        let paren_match = compute_paren_match(&tokens);
        Parser {
            file,
            tokens,
            paren_match,
            pos: 0,
            interner: {
                // `this` names the receiver parameter every method gets.
                let mut i = Interner::default();
                i.intern("this");
                i
            },
            exprs: Arena::new(),
            stmts: Arena::new(),
            types: Arena::new(),
            funcs: Arena::new(),
            classes: Arena::new(),
            diags: Vec::new(),
            depth: 0,
            aborted: false,
            eof_reported: false,
            last_error_token: usize::MAX,
            lex_error_spans: Vec::new(),
            expr_height: Vec::new(),
            stmt_height: Vec::new(),
            func_height: Vec::new(),
        }
    }

    // ---------------------------------------------------------------- token access

    fn peek(&self) -> &TokenKind {
        &self.tokens[self.pos].kind
    }

    fn peek_at(&self, ahead: usize) -> &TokenKind {
        let i = (self.pos + ahead).min(self.tokens.len() - 1);
        &self.tokens[i].kind
    }

    fn at(&self, kind: &TokenKind) -> bool {
        self.peek() == kind
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    fn lo(&self) -> u32 {
        self.span().lo
    }

    /// End of the last consumed token.
    fn prev_hi(&self) -> u32 {
        if self.pos == 0 { 0 } else { self.tokens[self.pos - 1].span.hi }
    }

    /// The span from `lo` to the end of the last consumed token.
    fn span_from(&self, lo: u32) -> Span {
        Span { lo, hi: self.prev_hi().max(lo) }
    }

    /// Consumes the current token (never moves past `Eof`) and returns its span.
    fn bump(&mut self) -> Span {
        let span = self.span();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        span
    }

    fn eat(&mut self, kind: &TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: TokenKind) -> PResult<Span> {
        if self.at(&kind) { Ok(self.bump()) } else { Err(self.expected_token(&kind)) }
    }

    fn is_ident(&self, text: &str) -> bool {
        matches!(self.peek(), TokenKind::Ident) && self.file.slice(self.span()) == text
    }

    fn ident(&mut self) -> PResult<Ident> {
        if let TokenKind::Ident = &self.tokens[self.pos].kind {
            let sym = self.interner.intern(self.file.slice(self.span()));
            let span = self.bump();
            Ok(Ident { sym, span })
        } else {
            Err(self.expected("identifier"))
        }
    }

    fn newline_before_current(&self) -> bool {
        let lo = self.prev_hi() as usize;
        let hi = self.lo() as usize;
        self.file.text.as_bytes().get(lo..hi).is_some_and(|gap| gap.contains(&b'\n'))
    }

    // ---------------------------------------------------------------- errors

    fn report(&mut self, diag: Diagnostic) {
        if self.aborted {
            return;
        }
        if self.diags.len() >= MAX_ERRORS {
            self.too_many_errors(diag.span);
            return;
        }
        self.diags.push(diag);
    }

    /// Reports "too many errors" at `span` and ends the parse: the rest of the file is
    /// skipped.
    #[inline(never)]
    #[cold]
    fn too_many_errors(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::new(Code::TooManyErrors, span, format!("too many errors: the parser stops after {MAX_ERRORS}"))
                .with_note("the rest of the file is skipped"),
        );
        self.aborted = true;
        self.pos = self.tokens.len() - 1;
    }

    /// Reports "expected {what}, found {current token}" unless an error was already
    /// reported at this token (or at end of file).
    #[inline(never)]
    fn expected(&mut self, what: &str) -> Fail {
        let tok = &self.tokens[self.pos];
        let is_eof = tok.kind == TokenKind::Eof;
        if self.last_error_token == self.pos || (is_eof && self.eof_reported) || self.after_lex_error() {
            return Fail;
        }
        self.last_error_token = self.pos;
        self.eof_reported |= is_eof;
        let msg = format!("expected {what}, found {}", describe(self.file, tok));
        let span = tok.span;
        self.report(Diagnostic::new(Code::UnexpectedToken, span, msg));
        Fail
    }

    /// Whether a lexer error lies between the start of the previous token and the end of
    /// the current one: the syntax error there is most likely a consequence of it.
    fn after_lex_error(&self) -> bool {
        let lo = if self.pos == 0 { 0 } else { self.tokens[self.pos - 1].span.lo };
        let hi = self.span().hi;
        let i = self.lex_error_spans.partition_point(|s| s.hi < lo);
        self.lex_error_spans.get(i).is_some_and(|s| s.lo <= hi)
    }

    #[inline(never)]
    fn expected_token(&mut self, kind: &TokenKind) -> Fail {
        let what = format!("`{}`", kind.text().unwrap_or("?"));
        self.expected(&what)
    }

    #[inline(never)]
    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>) {
        self.report(Diagnostic::new(code, span, msg));
    }

    /// Enters one nesting level; past [`MAX_DEPTH`] reports once and ends the parse.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            self.too_deep();
            return Err(Fail);
        }
        self.depth += 1;
        Ok(())
    }

    #[inline(never)]
    #[cold]
    fn too_deep(&mut self) {
        let span = self.span();
        self.too_deep_at(span);
    }

    /// Reports "nesting too deep" once and ends the parse: the rest of the file is skipped.
    #[inline(never)]
    #[cold]
    fn too_deep_at(&mut self, span: Span) {
        if !self.aborted {
            self.report(
                Diagnostic::new(Code::NestingTooDeep, span, "nesting too deep")
                    .with_note(format!("the parser accepts at most {MAX_DEPTH} levels of nesting")),
            );
            self.aborted = true;
            self.pos = self.tokens.len() - 1;
        }
    }

    /// Skips to a statement boundary after an error (see the module doc).
    fn sync(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Semi if depth == 0 => {
                    self.bump();
                    return;
                }
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                k if depth == 0 && starts_statement(k) => return,
                _ => {}
            }
            self.bump();
        }
    }

    /// `;` ending a statement. A missing `;` before `}`, end of file or a new line is
    /// reported and treated as present.
    fn expect_semi(&mut self) -> PResult<()> {
        if self.eat(&TokenKind::Semi) {
            return Ok(());
        }
        let fail = self.expected("`;`");
        if matches!(self.peek(), TokenKind::RBrace | TokenKind::Eof) || self.newline_before_current() {
            Ok(())
        } else {
            Err(fail)
        }
    }

    // ---------------------------------------------------------------- allocation

    // A node that would make the tree too high is reported and replaced by an `Error`
    // node (its children are left unreferenced), so the tree's height stays bounded.

    fn expr(&mut self, mut kind: ExprKind, span: Span) -> ExprId {
        let mut height = self.expr_kind_height(&kind);
        if height > MAX_DEPTH {
            self.too_deep_at(span);
            (kind, height) = (ExprKind::Error, 1);
        }
        self.expr_height.push(height);
        self.exprs.alloc(Expr { kind, span })
    }

    fn stmt(&mut self, mut kind: StmtKind, span: Span) -> StmtId {
        let mut height = self.stmt_kind_height(&kind);
        if height > MAX_DEPTH {
            self.too_deep_at(span);
            (kind, height) = (StmtKind::Error, 1);
        }
        self.stmt_height.push(height);
        self.stmts.alloc(Stmt { kind, span })
    }

    fn func(&mut self, mut decl: FuncDecl) -> FuncId {
        let mut height = 1 + self.stmts_height(&decl.body);
        if height > MAX_DEPTH && decl.kind != FuncKind::Main {
            self.too_deep_at(decl.span);
            decl.body.clear();
            height = 1;
        }
        self.func_height.push(height);
        self.funcs.alloc(decl)
    }

    fn ty(&mut self, kind: TypeExprKind, span: Span) -> TypeExprId {
        self.types.alloc(TypeExpr { kind, span })
    }

    fn eh(&self, e: ExprId) -> u32 {
        self.expr_height.get(e.index()).copied().unwrap_or(0)
    }

    fn exprs_height(&self, list: &[ExprId]) -> u32 {
        list.iter().map(|&e| self.eh(e)).max().unwrap_or(0)
    }

    fn stmts_height(&self, list: &[StmtId]) -> u32 {
        list.iter().map(|&s| self.stmt_height.get(s.index()).copied().unwrap_or(0)).max().unwrap_or(0)
    }

    fn fh(&self, f: FuncId) -> u32 {
        self.func_height.get(f.index()).copied().unwrap_or(0)
    }

    #[inline(never)]
    fn expr_kind_height(&self, kind: &ExprKind) -> u32 {
        let children = match kind {
            ExprKind::Unary(_, x)
            | ExprKind::IncDec { target: x, .. }
            | ExprKind::Member { base: x, .. }
            | ExprKind::NewArray { len: x, .. }
            | ExprKind::As(x, _)
            | ExprKind::Is(x, _)
            | ExprKind::Convert(x) => self.eh(*x),
            ExprKind::Binary(_, a, b)
            | ExprKind::Assign { target: a, value: b, .. }
            | ExprKind::Index { base: a, index: b } => self.eh(*a).max(self.eh(*b)),
            ExprKind::Cond(c, a, b) => self.eh(*c).max(self.eh(*a)).max(self.eh(*b)),
            ExprKind::Call { callee, args } => self.eh(*callee).max(self.exprs_height(args)),
            ExprKind::New { args: list, .. } | ExprKind::ArrayLit(list) => self.exprs_height(list),
            ExprKind::Lambda(f) => self.fh(*f),
            _ => 0,
        };
        children + 1
    }

    #[inline(never)]
    fn stmt_kind_height(&self, kind: &StmtKind) -> u32 {
        let sh = |s: &StmtId| self.stmt_height.get(s.index()).copied().unwrap_or(0);
        let children = match kind {
            StmtKind::Expr(e) | StmtKind::Print(e) | StmtKind::Goto(e) | StmtKind::Return(Some(e)) => self.eh(*e),
            StmtKind::VarDecl(decls) => decls.iter().filter_map(|d| d.init).map(|e| self.eh(e)).max().unwrap_or(0),
            StmtKind::Func(f) => self.fh(*f),
            StmtKind::Class(c) => self.classes[*c]
                .members
                .iter()
                .map(|m| match m {
                    Member::Field(d) => d.init.map_or(0, |e| self.eh(e)),
                    Member::Method(f) => self.fh(*f),
                })
                .max()
                .unwrap_or(0),
            StmtKind::Block(body) => self.stmts_height(body),
            StmtKind::If { cond, then, els } => self.eh(*cond).max(sh(then)).max(els.as_ref().map_or(0, sh)),
            StmtKind::While { cond, body } | StmtKind::DoWhile { body, cond } => self.eh(*cond).max(sh(body)),
            StmtKind::For { init, cond, step, body } => init
                .as_ref()
                .map_or(0, sh)
                .max(cond.map_or(0, |e| self.eh(e)))
                .max(step.map_or(0, |e| self.eh(e)))
                .max(sh(body)),
            StmtKind::Switch { scrutinee, cases } => cases
                .iter()
                .map(|c| self.exprs_height(&c.values).max(self.stmts_height(&c.body)) + 1)
                .max()
                .unwrap_or(0)
                .max(self.eh(*scrutinee)),
            _ => 0,
        };
        children + 1
    }

    // ---------------------------------------------------------------- program and blocks

    fn parse_program(&mut self) -> FuncId {
        let mut body = Vec::new();
        loop {
            match self.peek() {
                TokenKind::Eof => break,
                TokenKind::RBrace => {
                    if self.last_error_token != self.pos {
                        let span = self.span();
                        self.error(Code::UnbalancedBraces, span, "unexpected `}` with no matching `{`");
                    }
                    self.bump();
                }
                _ => self.push_stmt(&mut body),
            }
        }
        let end = self.file.text.len();
        self.func(FuncDecl {
            kind: FuncKind::Main,
            name: None,
            params: Vec::new(),
            ret: None,
            body,
            span: Span::new(0, end),
            end_span: Span::new(end, end),
        })
    }

    /// Parses a statement into `out`, making sure at least one token is consumed (a
    /// statement that fails at its first token, such as a stray `else`, is skipped up to
    /// the next statement boundary).
    fn push_stmt(&mut self, out: &mut Vec<StmtId>) {
        let before = self.pos;
        out.push(self.parse_stmt());
        if self.pos == before && !self.aborted {
            self.bump();
            self.sync();
        }
    }

    /// The statements after `{` up to and including `}`; returns them and the span of `}`
    /// (of the end of file when it is missing).
    fn parse_block_body(&mut self, open: Span) -> (Vec<StmtId>, Span) {
        let mut body = Vec::new();
        loop {
            match self.peek() {
                TokenKind::RBrace => {
                    let close = self.bump();
                    return (body, close);
                }
                TokenKind::Eof => {
                    self.unclosed(open);
                    return (body, self.span());
                }
                _ => self.push_stmt(&mut body),
            }
        }
    }

    #[inline(never)]
    fn unclosed(&mut self, open: Span) {
        if !self.eof_reported && !self.aborted {
            self.eof_reported = true;
            let span = self.span();
            self.report(
                Diagnostic::new(Code::UnbalancedBraces, span, "expected `}`, found end of file")
                    .with_label(open, "this `{` is never closed"),
            );
        }
    }

    // ---------------------------------------------------------------- statements
    //
    // Every statement form has its own function that allocates its node: the dispatcher
    // and the forms are on the recursion cycles through nested statements, and in debug
    // builds a big `match` makes a big stack frame.

    fn parse_stmt(&mut self) -> StmtId {
        let lo = self.lo();
        if self.enter().is_err() {
            return self.error_stmt(lo);
        }
        let result = self.parse_stmt_inner(lo);
        self.depth -= 1;
        match result {
            Ok(s) => s,
            Err(Fail) => self.recover_stmt(lo),
        }
    }

    #[inline(never)]
    fn recover_stmt(&mut self, lo: u32) -> StmtId {
        self.sync();
        self.error_stmt(lo)
    }

    #[inline(never)]
    fn error_stmt(&mut self, lo: u32) -> StmtId {
        let span = self.span_from(lo);
        self.stmt(StmtKind::Error, span)
    }

    fn parse_stmt_inner(&mut self, lo: u32) -> PResult<StmtId> {
        match self.peek() {
            TokenKind::LBrace => self.parse_block_stmt(lo),
            TokenKind::Print | TokenKind::Goto | TokenKind::Return => self.parse_keyword_expr_stmt(lo),
            TokenKind::If => self.parse_if(lo),
            TokenKind::While => self.parse_while(lo),
            TokenKind::Do => self.parse_do(lo),
            TokenKind::For => self.parse_for(lo),
            TokenKind::Switch => self.parse_switch(lo),
            TokenKind::Class => self.parse_class_stmt(lo),
            TokenKind::Type => self.parse_type_alias(lo),
            TokenKind::Semi | TokenKind::Break | TokenKind::Continue | TokenKind::At => self.parse_simple_stmt(lo),
            TokenKind::Ident if self.decl_ahead() => self.parse_var_decl_stmt(lo),
            TokenKind::Ident if self.func_ahead() => self.parse_func_stmt(lo),
            _ => self.parse_expr_stmt(lo),
        }
    }

    /// Allocates a statement spanning from `lo` to the last consumed token.
    fn finish_stmt(&mut self, kind: StmtKind, lo: u32) -> PResult<StmtId> {
        let span = self.span_from(lo);
        Ok(self.stmt(kind, span))
    }

    fn parse_block_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let open = self.bump();
        let (body, _) = self.parse_block_body(open);
        self.finish_stmt(StmtKind::Block(body), lo)
    }

    /// `print e;`, `goto e;`, `return [e];`
    fn parse_keyword_expr_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let keyword = self.peek().clone();
        self.bump();
        if keyword == TokenKind::Return && self.eat(&TokenKind::Semi) {
            return self.finish_stmt(StmtKind::Return(None), lo);
        }
        let e = self.parse_expr()?;
        self.expect_semi()?;
        let kind = match keyword {
            TokenKind::Print => StmtKind::Print(e),
            TokenKind::Goto => StmtKind::Goto(e),
            _ => StmtKind::Return(Some(e)),
        };
        self.finish_stmt(kind, lo)
    }

    /// `;`, `break;`, `continue;`, `@name:`
    #[inline(never)]
    fn parse_simple_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let first = self.peek().clone();
        self.bump();
        let kind = match first {
            TokenKind::Semi => StmtKind::Empty,
            TokenKind::At => {
                let name = self.ident()?;
                self.expect(TokenKind::Colon)?;
                StmtKind::Label(name)
            }
            _ => {
                self.expect_semi()?;
                if first == TokenKind::Break { StmtKind::Break } else { StmtKind::Continue }
            }
        };
        self.finish_stmt(kind, lo)
    }

    fn parse_type_alias(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        let name = self.ident()?;
        self.expect(TokenKind::Eq)?;
        let ty = self.parse_type()?;
        self.expect_semi()?;
        self.finish_stmt(StmtKind::TypeAlias { name, ty }, lo)
    }

    fn parse_var_decl_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let decls = self.parse_var_decls(false)?;
        self.expect_semi()?;
        self.finish_stmt(StmtKind::VarDecl(decls), lo)
    }

    fn parse_func_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let f = self.parse_func(FuncKind::Named)?;
        self.finish_stmt(StmtKind::Func(f), lo)
    }

    fn parse_class_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let c = self.parse_class()?;
        self.finish_stmt(StmtKind::Class(c), lo)
    }

    fn parse_expr_stmt(&mut self, lo: u32) -> PResult<StmtId> {
        let e = self.parse_expr()?;
        self.expect_semi()?;
        self.finish_stmt(StmtKind::Expr(e), lo)
    }

    /// At an identifier: does a variable declaration start here (`x :`, `x :=`, `x ,`)?
    fn decl_ahead(&self) -> bool {
        matches!(self.peek_at(1), TokenKind::Colon | TokenKind::ColonEq | TokenKind::Comma)
    }

    /// At an identifier: does a function definition start here (`f ->`, or `f ( … )`
    /// followed by `->` or `{`)?
    fn func_ahead(&self) -> bool {
        match self.peek_at(1) {
            TokenKind::Arrow => true,
            TokenKind::LParen => {
                let close = self.paren_match.get(self.pos + 1).copied().unwrap_or(NO_MATCH);
                close != NO_MATCH
                    && matches!(
                        self.tokens.get(close as usize + 1).map(|t| &t.kind),
                        Some(TokenKind::Arrow | TokenKind::LBrace)
                    )
            }
            _ => false,
        }
    }

    fn parse_paren_cond(&mut self) -> PResult<ExprId> {
        self.expect(TokenKind::LParen)?;
        let cond = self.parse_expr()?;
        self.expect(TokenKind::RParen)?;
        Ok(cond)
    }

    fn parse_if(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        let cond = self.parse_paren_cond()?;
        let then = self.parse_stmt();
        let els = if self.eat(&TokenKind::Else) { Some(self.parse_stmt()) } else { None };
        self.finish_stmt(StmtKind::If { cond, then, els }, lo)
    }

    fn parse_while(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        let cond = self.parse_paren_cond()?;
        let body = self.parse_stmt();
        self.finish_stmt(StmtKind::While { cond, body }, lo)
    }

    fn parse_do(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        let body = self.parse_stmt();
        self.expect(TokenKind::While)?;
        let cond = self.parse_paren_cond()?;
        self.expect_semi()?;
        self.finish_stmt(StmtKind::DoWhile { body, cond }, lo)
    }

    fn parse_for(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        self.expect(TokenKind::LParen)?;
        let init = if self.at(&TokenKind::Semi) { None } else { Some(self.parse_for_init()?) };
        self.expect(TokenKind::Semi)?;
        let cond = self.parse_opt_expr(TokenKind::Semi)?;
        self.expect(TokenKind::Semi)?;
        let step = self.parse_opt_expr(TokenKind::RParen)?;
        self.expect(TokenKind::RParen)?;
        let body = self.parse_stmt();
        self.finish_stmt(StmtKind::For { init, cond, step, body }, lo)
    }

    /// A `for` initializer: a declaration or an expression, as a statement without `;`.
    fn parse_for_init(&mut self) -> PResult<StmtId> {
        let lo = self.lo();
        let kind = if matches!(self.peek(), TokenKind::Ident) && self.decl_ahead() {
            self.parse_var_decls(false).map(StmtKind::VarDecl)
        } else {
            self.parse_expr().map(StmtKind::Expr)
        }?;
        self.finish_stmt(kind, lo)
    }

    /// An expression, or `None` when the next token is `end`.
    fn parse_opt_expr(&mut self, end: TokenKind) -> PResult<Option<ExprId>> {
        if self.at(&end) { Ok(None) } else { self.parse_expr().map(Some) }
    }

    fn parse_switch(&mut self, lo: u32) -> PResult<StmtId> {
        self.bump();
        let scrutinee = self.parse_paren_cond()?;
        let open = self.expect(TokenKind::LBrace)?;
        let mut cases = Vec::new();
        loop {
            match self.peek() {
                TokenKind::RBrace => {
                    self.bump();
                    break;
                }
                TokenKind::Eof => {
                    self.unclosed(open);
                    break;
                }
                TokenKind::Case | TokenKind::Default => cases.push(self.parse_case()),
                _ => {
                    self.expected("`case`, `default` or `}`");
                    self.bump();
                    self.skip_to_case();
                }
            }
        }
        self.finish_stmt(StmtKind::Switch { scrutinee, cases }, lo)
    }

    fn parse_case(&mut self) -> SwitchCase {
        let lo = self.lo();
        let is_default = self.at(&TokenKind::Default);
        self.bump();
        let mut values = Vec::new();
        if self.parse_case_header(is_default, &mut values).is_err() {
            // Skip the rest of the header: up to its `:` or the next case.
            self.skip_to_case();
            self.eat(&TokenKind::Colon);
        }
        let mut body = Vec::new();
        while !matches!(self.peek(), TokenKind::Case | TokenKind::Default | TokenKind::RBrace | TokenKind::Eof) {
            self.push_stmt(&mut body);
        }
        SwitchCase { values, is_default, body, span: self.span_from(lo) }
    }

    fn parse_case_header(&mut self, is_default: bool, values: &mut Vec<ExprId>) -> PResult<()> {
        if !is_default {
            values.push(self.parse_expr()?);
            while self.eat(&TokenKind::Comma) {
                values.push(self.parse_expr()?);
            }
        }
        self.expect(TokenKind::Colon)?;
        Ok(())
    }

    /// Skips (balancing braces) to the next `case`, `default`, the switch's `}` or, in a
    /// case header, its `:`.
    fn skip_to_case(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.peek() {
                TokenKind::Eof => return,
                TokenKind::Case | TokenKind::Default | TokenKind::Colon if depth == 0 => return,
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    // ---------------------------------------------------------------- declarations

    /// `x, y: T [= a, b]` or `x, y := a, b` (no `;`). In a class body (`field`), the
    /// inferred form is an error: fields need a declared type.
    fn parse_var_decls(&mut self, field: bool) -> PResult<Vec<VarDecl>> {
        let mut names = vec![self.ident()?];
        while self.eat(&TokenKind::Comma) {
            names.push(self.ident()?);
        }
        let inferred = self.at(&TokenKind::ColonEq);
        let ty = if inferred { self.inferred_decl_type(field) } else { Some(self.parse_decl_type()?) };
        let inits_lo = self.lo();
        let inits = if self.eat(if inferred { &TokenKind::ColonEq } else { &TokenKind::Eq }) {
            Some(self.parse_expr_list()?)
        } else {
            None
        };
        Ok(self.make_var_decls(names, ty, inits, inits_lo))
    }

    /// At `:=`: `None` (inferred), or an error type for a field.
    #[inline(never)]
    fn inferred_decl_type(&mut self, field: bool) -> Option<TypeExprId> {
        if !field {
            return None;
        }
        let op = self.span();
        self.error(Code::MalformedDeclaration, op, "a field needs a declared type: write `name: T = value`");
        Some(self.ty(TypeExprKind::Error, op))
    }

    fn parse_decl_type(&mut self) -> PResult<TypeExprId> {
        self.expect(TokenKind::Colon)?;
        self.parse_type()
    }

    #[inline(never)]
    fn make_var_decls(
        &mut self,
        names: Vec<Ident>,
        ty: Option<TypeExprId>,
        inits: Option<Vec<ExprId>>,
        inits_lo: u32,
    ) -> Vec<VarDecl> {
        if let Some(inits) = &inits
            && inits.len() != names.len()
        {
            let span = self.span_from(inits_lo);
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let msg = format!(
                "{} variable{} declared but {} initial value{} given",
                names.len(),
                plural(names.len()),
                inits.len(),
                plural(inits.len())
            );
            self.error(Code::MalformedDeclaration, span, msg);
        }
        let mut decls = Vec::with_capacity(names.len());
        for (i, name) in names.into_iter().enumerate() {
            let init = inits
                .as_ref()
                .map(|list| list.get(i).copied().unwrap_or_else(|| self.expr(ExprKind::Error, name.span)));
            decls.push(VarDecl { name, ty, init });
        }
        decls
    }

    fn parse_expr_list(&mut self) -> PResult<Vec<ExprId>> {
        let mut list = vec![self.parse_expr()?];
        while self.eat(&TokenKind::Comma) {
            list.push(self.parse_expr()?);
        }
        Ok(list)
    }

    /// `name [(params)] [-> T] { body }` (the caller checked the shape).
    fn parse_func(&mut self, kind: FuncKind) -> PResult<FuncId> {
        let lo = self.lo();
        let name = self.ident()?;
        let has_params = self.at(&TokenKind::LParen);
        let params = if has_params { self.parse_params()? } else { Vec::new() };
        let ret = if has_params {
            if self.eat(&TokenKind::Arrow) { Some(self.parse_type()?) } else { None }
        } else {
            self.expect(TokenKind::Arrow)?;
            Some(self.parse_type()?)
        };
        self.parse_func_body(kind, Some(name), params, ret, lo)
    }

    fn parse_func_body(
        &mut self,
        kind: FuncKind,
        name: Option<Ident>,
        params: Vec<Param>,
        ret: Option<TypeExprId>,
        lo: u32,
    ) -> PResult<FuncId> {
        let open = self.expect(TokenKind::LBrace)?;
        // A function is a nesting level of its own: class and method bodies recurse
        // through several large frames per level.
        self.enter()?;
        let (body, end_span) = self.parse_block_body(open);
        self.depth -= 1;
        let span = Span { lo, hi: end_span.hi.max(lo) };
        Ok(self.func(FuncDecl { kind, name, params, ret, body, span, end_span }))
    }

    fn parse_params(&mut self) -> PResult<Vec<Param>> {
        self.expect(TokenKind::LParen)?;
        let mut params = Vec::new();
        if !self.eat(&TokenKind::RParen) {
            loop {
                let name = self.ident()?;
                self.expect(TokenKind::Colon)?;
                let ty = self.parse_type()?;
                params.push(Param { name, ty });
                if self.eat(&TokenKind::RParen) {
                    break;
                }
                if !self.eat(&TokenKind::Comma) {
                    return Err(self.expected("`,` or `)`"));
                }
            }
        }
        Ok(params)
    }

    fn parse_class(&mut self) -> PResult<ClassId> {
        let lo = self.bump().lo;
        let name = self.ident()?;
        let base = if self.eat(&TokenKind::Colon) { Some(self.ident()?) } else { None };
        let open = self.expect(TokenKind::LBrace)?;
        // Allocated first: methods refer to their class.
        let span = self.span_from(lo);
        let field_init = self.funcs.alloc(FuncDecl {
            kind: FuncKind::Main,
            name: None,
            params: Vec::new(),
            ret: None,
            body: Vec::new(),
            span,
            end_span: span,
        });
        let id = self.classes.alloc(ClassDecl { name, base, members: Vec::new(), span, field_init });
        self.funcs[field_init].kind = FuncKind::FieldInit(id);
        let mut members = Vec::new();
        loop {
            match self.peek() {
                TokenKind::RBrace => {
                    self.bump();
                    break;
                }
                TokenKind::Eof => {
                    self.unclosed(open);
                    break;
                }
                TokenKind::Semi => {
                    self.bump();
                }
                _ => {
                    let before = self.pos;
                    if self.parse_member(id, &mut members).is_err() {
                        self.sync();
                    }
                    if self.pos == before && !self.aborted {
                        self.bump();
                    }
                }
            }
        }
        let span = self.span_from(lo);
        let class = &mut self.classes[id];
        class.members = members;
        class.span = span;
        let field_init = class.field_init;
        self.funcs[field_init].span = span;
        self.funcs[field_init].end_span = span;
        Ok(id)
    }

    fn parse_member(&mut self, class: ClassId, members: &mut Vec<Member>) -> PResult<()> {
        if !matches!(self.peek(), TokenKind::Ident) {
            return Err(self.expected("a field or method declaration"));
        }
        match self.peek_at(1) {
            TokenKind::Colon | TokenKind::ColonEq | TokenKind::Comma => {
                let decls = self.parse_var_decls(true)?;
                self.expect_semi()?;
                members.extend(decls.into_iter().map(Member::Field));
            }
            TokenKind::LParen | TokenKind::Arrow => {
                let f = self.parse_func(FuncKind::Method(class))?;
                members.push(Member::Method(f));
            }
            _ => {
                self.bump();
                return Err(self.expected("`:`, `:=`, `(` or `->` after the member name"));
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- types

    fn parse_type(&mut self) -> PResult<TypeExprId> {
        self.enter()?;
        let result = self.parse_type_inner();
        self.depth -= 1;
        result
    }

    fn parse_type_inner(&mut self) -> PResult<TypeExprId> {
        let lo = self.lo();
        let id = match self.peek() {
            TokenKind::Ident if self.is_ident("array") && self.peek_at(1) == &TokenKind::LBracket => {
                self.parse_array_type(lo)
            }
            TokenKind::Ident => self.parse_named_type(),
            TokenKind::Fn => self.parse_fn_type(lo),
            TokenKind::LParen => self.parse_paren_type(),
            _ => Err(self.expected("a type")),
        }?;
        if matches!(self.peek(), TokenKind::Bang | TokenKind::Ne) { Ok(self.non_null_type(lo, id)) } else { Ok(id) }
    }

    fn parse_named_type(&mut self) -> PResult<TypeExprId> {
        let name = self.ident()?;
        Ok(self.ty(TypeExprKind::Named(name), name.span))
    }

    /// `array[T]`
    fn parse_array_type(&mut self, lo: u32) -> PResult<TypeExprId> {
        self.bump();
        self.bump();
        let elem = self.parse_type()?;
        self.expect(TokenKind::RBracket)?;
        let span = self.span_from(lo);
        Ok(self.ty(TypeExprKind::Array(elem), span))
    }

    /// `fn (T, U) -> R`; the `-> R` is required (write `-> void`).
    fn parse_fn_type(&mut self, lo: u32) -> PResult<TypeExprId> {
        self.bump();
        self.expect(TokenKind::LParen)?;
        let mut params = Vec::new();
        if !self.eat(&TokenKind::RParen) {
            loop {
                params.push(self.parse_type()?);
                if self.eat(&TokenKind::RParen) {
                    break;
                }
                if !self.eat(&TokenKind::Comma) {
                    return Err(self.expected("`,` or `)`"));
                }
            }
        }
        self.expect(TokenKind::Arrow)?;
        let ret = self.parse_type()?;
        let span = self.span_from(lo);
        Ok(self.ty(TypeExprKind::Fn { params, ret }, span))
    }

    /// `(T)`: grouping, e.g. `(fn (int32) -> int32)!`; leaves no node of its own.
    fn parse_paren_type(&mut self) -> PResult<TypeExprId> {
        self.bump();
        let inner = self.parse_type()?;
        self.expect(TokenKind::RParen)?;
        Ok(inner)
    }

    /// `T!`. `x: T!= e` lexes as `T` `!=` `e`: the `!=` is split into `!` and `=`.
    #[inline(never)]
    fn non_null_type(&mut self, lo: u32, inner: TypeExprId) -> TypeExprId {
        let bang = self.span();
        if self.at(&TokenKind::Ne) {
            self.tokens[self.pos] = Token { kind: TokenKind::Eq, span: Span { lo: bang.lo + 1, hi: bang.hi } };
        } else {
            self.bump();
        }
        self.ty(TypeExprKind::NonNull(inner), Span { lo, hi: bang.lo + 1 })
    }

    // ---------------------------------------------------------------- expressions

    fn parse_expr(&mut self) -> PResult<ExprId> {
        self.enter()?;
        let result = self.parse_assign();
        self.depth -= 1;
        result
    }

    // The functions from `parse_assign` to `parse_primary` are on every recursion cycle
    // through expressions, so each handles the common case and leaves the rest to a
    // separate function: in debug builds frame sizes decide how deep we can nest.

    fn parse_assign(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        let first = self.parse_cond()?;
        if assign_op(self.peek()).is_some() { self.assign_chain(lo, first) } else { Ok(first) }
    }

    /// `t1 = t2 += v`: assignment is right-associative; parsed iteratively.
    fn assign_chain(&mut self, lo: u32, first: ExprId) -> PResult<ExprId> {
        let mut targets: Vec<(u32, Option<BinOp>, ExprId)> = Vec::new();
        let mut target = (lo, first);
        while let Some(op) = assign_op(self.peek()) {
            if targets.len() as u32 >= MAX_DEPTH {
                self.too_deep();
                return Err(Fail);
            }
            self.bump();
            targets.push((target.0, op, target.1));
            let lo = self.lo();
            target = (lo, self.parse_cond()?);
        }
        Ok(self.fold_assign(targets, target.1))
    }

    #[inline(never)]
    fn fold_assign(&mut self, mut targets: Vec<(u32, Option<BinOp>, ExprId)>, mut value: ExprId) -> ExprId {
        let hi = self.prev_hi();
        while let Some((lo, op, target)) = targets.pop() {
            value = self.expr(ExprKind::Assign { op, target, value }, Span { lo, hi });
        }
        value
    }

    fn parse_cond(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        let first = self.parse_binary()?;
        if self.at(&TokenKind::Question) { self.cond_chain(lo, first) } else { Ok(first) }
    }

    /// `c1 ? a1 : c2 ? a2 : e` is `c1 ? a1 : (c2 ? a2 : e)`; parsed iteratively.
    fn cond_chain(&mut self, lo: u32, first: ExprId) -> PResult<ExprId> {
        let mut arms: Vec<(u32, ExprId, ExprId)> = Vec::new();
        let mut cond = (lo, first);
        loop {
            // A chain deeper than the limit: stop at its first `?` too many, before
            // building the rest (see `prefix_chain`).
            if arms.len() as u32 >= MAX_DEPTH {
                self.too_deep();
                return Err(Fail);
            }
            self.bump(); // `?`
            let then = self.parse_expr()?;
            self.expect(TokenKind::Colon)?;
            arms.push((cond.0, cond.1, then));
            cond = (self.lo(), self.parse_binary()?);
            if !self.at(&TokenKind::Question) {
                return Ok(self.fold_cond(arms, cond.1));
            }
        }
    }

    #[inline(never)]
    fn fold_cond(&mut self, mut arms: Vec<(u32, ExprId, ExprId)>, mut last: ExprId) -> ExprId {
        let hi = self.prev_hi();
        while let Some((lo, c, then)) = arms.pop() {
            last = self.expr(ExprKind::Cond(c, then, last), Span { lo, hi });
        }
        last
    }

    fn parse_binary(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        let first = self.parse_operand()?;
        if binary_op(self.peek()).is_some() { self.binary_chain(lo, first) } else { Ok(first) }
    }

    /// Binary operators by precedence climbing with an explicit operand/operator stack.
    fn binary_chain(&mut self, lo: u32, first: ExprId) -> PResult<ExprId> {
        let mut operands: Vec<(ExprId, Span)> = vec![(first, self.span_from(lo))];
        let mut ops: Vec<(BinOp, u8)> = Vec::new();
        while let Some((op, prec)) = binary_op(self.peek()) {
            while let Some(&(_, top)) = ops.last()
                && top >= prec
            {
                self.reduce(&mut operands, &mut ops);
            }
            self.bump();
            ops.push((op, prec));
            let lo = self.lo();
            let rhs = self.parse_operand()?;
            operands.push((rhs, self.span_from(lo)));
        }
        while !ops.is_empty() {
            self.reduce(&mut operands, &mut ops);
        }
        Ok(operands[0].0)
    }

    fn reduce(&mut self, operands: &mut Vec<(ExprId, Span)>, ops: &mut Vec<(BinOp, u8)>) {
        let (Some((op, _)), Some((rhs, rs)), Some((lhs, ls))) = (ops.pop(), operands.pop(), operands.pop()) else {
            return;
        };
        let span = ls.to(rs);
        let e = self.expr(ExprKind::Binary(op, lhs, rhs), span);
        operands.push((e, span));
    }

    /// Prefix operators, then a postfix expression, then `as`/`is` conversions.
    fn parse_operand(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        let e = if is_prefix_op(self.peek()) { self.prefix_chain() } else { self.parse_postfix() }?;
        if matches!(self.peek(), TokenKind::As | TokenKind::Is) { self.conversion_chain(lo, e) } else { Ok(e) }
    }

    fn prefix_chain(&mut self) -> PResult<ExprId> {
        let mut prefixes: Vec<(u32, TokenKind)> = Vec::new();
        while is_prefix_op(self.peek()) {
            // Deeper than the limit cannot be accepted: stop at the first operator too
            // many, before building a node per operator of a chain of millions.
            if prefixes.len() as u32 >= MAX_DEPTH {
                self.too_deep();
                return Err(Fail);
            }
            prefixes.push((self.lo(), self.peek().clone()));
            self.bump();
        }
        let e = self.parse_postfix()?;
        Ok(self.fold_prefixes(prefixes, e))
    }

    #[inline(never)]
    fn fold_prefixes(&mut self, mut prefixes: Vec<(u32, TokenKind)>, mut e: ExprId) -> ExprId {
        let hi = self.prev_hi();
        while let Some((lo, kind)) = prefixes.pop() {
            let k = match kind {
                TokenKind::Minus => ExprKind::Unary(UnOp::Neg, e),
                TokenKind::Bang => ExprKind::Unary(UnOp::Not, e),
                TokenKind::Tilde => ExprKind::Unary(UnOp::BitNot, e),
                TokenKind::PlusPlus => ExprKind::IncDec { prefix: true, increment: true, target: e },
                _ => ExprKind::IncDec { prefix: true, increment: false, target: e },
            };
            e = self.expr(k, Span { lo, hi });
        }
        e
    }

    fn conversion_chain(&mut self, lo: u32, mut e: ExprId) -> PResult<ExprId> {
        loop {
            let is_as = match self.peek() {
                TokenKind::As => true,
                TokenKind::Is => false,
                _ => return Ok(e),
            };
            self.bump();
            let ty = self.parse_type()?;
            let span = self.span_from(lo);
            e = self.expr(if is_as { ExprKind::As(e, ty) } else { ExprKind::Is(e, ty) }, span);
        }
    }

    fn parse_postfix(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        let e = self.parse_primary()?;
        if is_postfix_op(self.peek()) { self.postfix_chain(lo, e) } else { Ok(e) }
    }

    fn postfix_chain(&mut self, lo: u32, mut e: ExprId) -> PResult<ExprId> {
        loop {
            e = match self.peek() {
                TokenKind::LParen => self.parse_call(lo, e),
                TokenKind::LBracket => self.parse_index(lo, e),
                TokenKind::Dot | TokenKind::PlusPlus | TokenKind::MinusMinus => self.parse_member_or_incdec(lo, e),
                _ => return Ok(e),
            }?;
        }
    }

    fn parse_call(&mut self, lo: u32, callee: ExprId) -> PResult<ExprId> {
        let args = self.parse_args()?;
        self.finish_expr(ExprKind::Call { callee, args }, lo)
    }

    fn parse_index(&mut self, lo: u32, base: ExprId) -> PResult<ExprId> {
        self.bump();
        let index = self.parse_expr()?;
        self.expect(TokenKind::RBracket)?;
        self.finish_expr(ExprKind::Index { base, index }, lo)
    }

    #[inline(never)]
    fn parse_member_or_incdec(&mut self, lo: u32, e: ExprId) -> PResult<ExprId> {
        let kind = if self.eat(&TokenKind::Dot) {
            ExprKind::Member { base: e, name: self.ident()? }
        } else {
            let increment = self.at(&TokenKind::PlusPlus);
            self.bump();
            ExprKind::IncDec { prefix: false, increment, target: e }
        };
        self.finish_expr(kind, lo)
    }

    /// Allocates an expression spanning from `lo` to the last consumed token.
    fn finish_expr(&mut self, kind: ExprKind, lo: u32) -> PResult<ExprId> {
        let span = self.span_from(lo);
        Ok(self.expr(kind, span))
    }

    fn parse_args(&mut self) -> PResult<Vec<ExprId>> {
        self.expect(TokenKind::LParen)?;
        let mut args = Vec::new();
        if self.eat(&TokenKind::RParen) {
            return Ok(args);
        }
        loop {
            args.push(self.parse_expr()?);
            if self.eat(&TokenKind::RParen) {
                return Ok(args);
            }
            if !self.eat(&TokenKind::Comma) {
                return Err(self.expected("`,` or `)`"));
            }
        }
    }

    fn parse_primary(&mut self) -> PResult<ExprId> {
        let lo = self.lo();
        match self.peek() {
            TokenKind::LParen => self.parse_paren(),
            TokenKind::LBracket => self.parse_array_lit(lo),
            TokenKind::New => self.parse_new(lo),
            TokenKind::Fn => self.parse_lambda(lo),
            _ => self.parse_atom(lo),
        }
    }

    fn parse_paren(&mut self) -> PResult<ExprId> {
        self.bump();
        let inner = self.parse_expr()?;
        self.expect(TokenKind::RParen)?;
        // No node for parentheses: the inner node keeps its own span.
        Ok(inner)
    }

    /// Primary expressions without sub-expressions.
    #[inline(never)]
    fn parse_atom(&mut self, lo: u32) -> PResult<ExprId> {
        let kind = match &self.tokens[self.pos].kind {
            TokenKind::Int(v) => ExprKind::Int(*v),
            TokenKind::Double(v) => ExprKind::Double(*v),
            TokenKind::Str(s) => ExprKind::Str(s.as_slice().into()),
            TokenKind::True => ExprKind::Bool(true),
            TokenKind::False => ExprKind::Bool(false),
            TokenKind::Null => ExprKind::Null,
            TokenKind::This => ExprKind::This,
            TokenKind::Ident => {
                let name = self.ident()?;
                return self.finish_expr(ExprKind::Name(name), lo);
            }
            TokenKind::Super => {
                self.bump();
                self.expect(TokenKind::Dot)?;
                let name = self.ident()?;
                return self.finish_expr(ExprKind::SuperMember(name), lo);
            }
            _ => return Err(self.expected("an expression")),
        };
        self.bump();
        self.finish_expr(kind, lo)
    }

    /// `[a, b, c]`, with an optional trailing comma.
    fn parse_array_lit(&mut self, lo: u32) -> PResult<ExprId> {
        self.bump();
        let mut elems = Vec::new();
        while !self.at(&TokenKind::RBracket) {
            elems.push(self.parse_expr()?);
            if !self.eat(&TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RBracket)?;
        self.finish_expr(ExprKind::ArrayLit(elems), lo)
    }

    fn parse_lambda(&mut self, lo: u32) -> PResult<ExprId> {
        self.bump();
        let params = self.parse_params()?;
        let ret = if self.eat(&TokenKind::Arrow) { Some(self.parse_type()?) } else { None };
        let f = self.parse_func_body(FuncKind::Lambda, None, params, ret, lo)?;
        self.finish_expr(ExprKind::Lambda(f), lo)
    }

    fn parse_new(&mut self, lo: u32) -> PResult<ExprId> {
        self.bump();
        if self.is_ident("array") && self.peek_at(1) == &TokenKind::LBracket {
            return self.parse_new_array(lo);
        }
        let name = self.ident()?;
        let class = self.ty(TypeExprKind::Named(name), name.span);
        let args = self.parse_args()?;
        self.finish_expr(ExprKind::New { class, args }, lo)
    }

    /// `new array[T] (len)`, after `new`.
    fn parse_new_array(&mut self, lo: u32) -> PResult<ExprId> {
        self.bump();
        self.bump();
        let elem = self.parse_type()?;
        self.expect(TokenKind::RBracket)?;
        self.expect(TokenKind::LParen)?;
        let len = self.parse_expr()?;
        self.expect(TokenKind::RParen)?;
        self.finish_expr(ExprKind::NewArray { elem, len }, lo)
    }
}

fn is_prefix_op(kind: &TokenKind) -> bool {
    matches!(kind, TokenKind::Minus | TokenKind::Bang | TokenKind::Tilde | TokenKind::PlusPlus | TokenKind::MinusMinus)
}

fn is_postfix_op(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::LParen | TokenKind::LBracket | TokenKind::Dot | TokenKind::PlusPlus | TokenKind::MinusMinus
    )
}
