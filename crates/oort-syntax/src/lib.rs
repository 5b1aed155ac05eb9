//! `oort-syntax`: source files, tokens, the arena-allocated AST, the lexer and the parser.
//!
//! Architecture invariant: this crate knows nothing about types or later stages. Parsing
//! never fails: [`parse`] always returns an [`ast::Ast`] (with `Error` nodes where the
//! source was malformed) together with every syntax error of the file.
//!
//! Entry points: [`lex`] (`--emit=tokens`), [`parse`] (`--emit=ast`), and the text dumps
//! [`print::tokens_to_string`] and [`print::ast_to_string`].

pub mod ast;
pub mod codes;
pub mod diag;
pub mod lexer;
pub mod parser;
pub mod print;
pub mod span;
pub mod token;

pub use codes::Code;
pub use diag::{Diagnostic, Severity};
pub use lexer::lex;
pub use parser::parse;
pub use span::{MAX_SOURCE_BYTES, SourceFile, Span};
