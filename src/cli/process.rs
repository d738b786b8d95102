//! How the process runs a command that reads or changes a few records and
//! exits (`show`, `log`, `list`…), as against the UI and bulk work.

/// Lightens the process for one short command: a small sled cache (it
/// reads each record once) and no closing flush when nothing was written.
/// Transparent huge pages are already off (`allocator::no_huge_pages`,
/// before the first allocation).
pub fn one_short_command() {
    crate::store::for_one_command();
}

/// For the UI, imports, sample data and the other long work: transparent
/// huge pages back on. They allocate a great deal for longer, and huge
/// pages made a 10,000-contact import faster.
pub fn long_work() {
    crate::allocator::huge_pages_again();
}
