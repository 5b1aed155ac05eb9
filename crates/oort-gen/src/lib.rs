//! Random programs and differential testing for Oort.
//!
//! - [`generate`] writes a random, well-typed, terminating program from a seed and a size
//!   (see the [`program`] module for what it covers and what it guarantees);
//! - [`engine`] runs a program in each engine, `-O0`, `-O1` and `-O1 --gc-stress`, and
//!   compares what they printed and how they ended;
//! - [`reduce`] shrinks a program while a property holds (for example: the engines still
//!   disagree), so that a disagreement becomes a small regression test.
//!
//! The `oort-gen` binary puts them together: `oort-gen gen`, `oort-gen diff`,
//! `oort-gen reduce` (`oort-gen --help`).

pub mod engine;
pub mod program;
pub mod reduce;

pub use program::{generate, generate_from};
