//! `oort-opt`: optimization passes over the graph IR.
//!
//! The constant and copy propagation, peephole and liveness passes arrive with the
//! optimization work; until then the default pipeline runs none and this crate only
//! holds the place the architecture gives them (between `lower` and `bytecode`).
