//! `oort-sema`: name resolution (`symbol`), type checking (`typecheck`) and the flow checks
//! of LANGUAGE.md §9 (`init`, `return`, `null`, `reach`; see [`flow`]).
//!
//! Architecture invariant: semantic facts live in side tables ([`model::SemaInfo`]) keyed
//! by AST ids; the only change made to the AST is inserting `Convert` nodes for implicit
//! conversions. Both passes report every error they find and never panic.
//!
//! Entry points: [`symbol::resolve`] (the `symbol` pass), [`typecheck::typecheck`] (the
//! `typecheck` pass), and the dumps [`dump::dump_symbols`] / [`dump::dump_types`].

pub mod dump;
pub mod flow;
pub mod model;
pub mod symbol;
pub mod ty;
pub mod typecheck;

pub use dump::{dump_symbols, dump_types};
pub use model::*;
pub use symbol::resolve;
pub use ty::{IntTy, TyId, TyKind, TypeTable};
pub use typecheck::typecheck;

#[cfg(test)]
mod tests;
