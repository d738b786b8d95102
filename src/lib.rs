//! guanxi (关系): a terminal relationship manager for salespeople.
//!
//! Layers, each depending only on those above it:
//! - [`domain`]: customers, stages, interactions, follow-ups and their rules (pure);
//! - [`sync`]: clocks, journal files and merge rules that let replicas share a folder;
//! - [`store`]: the one write path (`Op` → journal → sled) and the read queries;
//! - [`workspace`]: where things live on disk, the config, the single-process lock;
//! - [`cli`]: the command line.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod interop;
pub mod lexicon;
pub mod store;
pub mod sync;
pub mod tui;
pub mod workspace;
