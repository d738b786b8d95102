//! What lets replicas share one folder: hybrid logical clocks, journal
//! files framed so that half-copied data is never mistaken for data, and
//! the last-writer-wins merge rule.

pub mod frame;
pub mod hlc;
pub mod journal;
pub mod merge;
pub mod snapshot;
pub mod sources;
pub mod watch;

pub use hlc::{Hlc, ReplicaId, Stamp};
pub use journal::Position;
