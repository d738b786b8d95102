//! guanxi (关系): a terminal relationship manager for salespeople.
//!
//! Layers, bottom to top, each using only those below it (checked by
//! `tests/layers.rs`):
//! - [`lexicon`]: the locale catalogues as data (every text and name);
//! - [`domain`]: customers, stages, interactions, follow-ups, duplicates and their rules (pure);
//! - [`i18n`]: messages, dates, numbers and sort order in the user's language;
//! - [`sync`]: clocks, journal files and merge rules that let replicas share a folder;
//! - [`workspace`]: where things live on disk, the config, the single-process lock;
//! - [`store`]: the one write path (`Op` → journal → sled) and the read queries;
//! - [`interop`]: other programs' files in and out, and the importer;
//! - [`demo`]: sample data;
//! - [`tui`]: the terminal UI;
//! - [`cli`]: the command line, which also starts the UI.

pub mod allocator;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod encryption;
pub mod i18n;
pub mod interop;
pub mod lexicon;
pub mod report;
#[cfg(test)]
mod source_scan;
pub mod store;
pub mod sync;
pub mod tui;
pub mod workspace;
