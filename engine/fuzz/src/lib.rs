//! The engine's policy module, compiled on its own for fuzzing.

#[path = "../../src/policy/mod.rs"]
pub mod policy;
