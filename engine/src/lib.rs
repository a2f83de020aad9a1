//! Rampart's engine: collect an AWS account into a typed [`inventory::Inventory`], judge it
//! with pure [`checks`], and score the result. No web code lives here.

pub mod access;
pub mod checks;
pub mod collect;
pub mod coverage;
pub mod demo;
pub mod filter_pattern;
pub mod formats;
pub mod frameworks;
pub mod inventory;
pub mod mute;
pub mod policy;
pub mod report;
pub mod score;
pub mod testing;
pub mod types;

pub use checks::{Finding, Severity, Status};
pub use inventory::Inventory;
