//! Reports: how the relationships are going, computed from the store
//! (issue 16). `figures` gathers them a customer at a time; `stays` reads
//! a customer's stays in each stage from its stage history.

pub mod figures;
pub mod stays;

pub use figures::{Figures, Gather, Period};
