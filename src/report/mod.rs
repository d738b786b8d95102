//! Reports: how the relationships are going, computed from the store
//! (issue 16). `figures` gathers them a customer at a time; `stays` reads
//! a customer's stays in each stage from its stage history; `gather` reads
//! the figures of a scope from the view.

pub mod figures;
pub mod gather;
pub mod stays;

pub use figures::{Facts, Figures, Gather, Period};
pub use gather::{Scope, gather};
