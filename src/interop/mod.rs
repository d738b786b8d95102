//! Other programs' files: contacts in and out as CSV, vCard and JSON, and
//! follow-ups out as iCalendar; a folder of cards for vdirsyncer (`vdir`).

pub mod account_plans;
pub mod contact;
pub mod csv;
pub mod encoding;
pub mod export;
pub mod ics;
pub mod import;
pub mod json;
pub mod organizations;
pub mod resume;
pub mod saved_lists;
pub mod sniff;
pub mod vcard;
pub mod vdir;

pub use contact::Contact;
