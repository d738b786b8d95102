//! How the process runs a command that reads or changes a few records and
//! exits (`show`, `log`, `list`…), as against the UI and bulk work.

/// Lightens the process for one short command: a small sled cache (it
/// reads each record once), no closing flush when nothing was written,
/// and no transparent huge pages. mimalloc asks
/// the kernel for huge pages, and each is zeroed whole (2 MiB) when first
/// touched: a quarter of a 20 ms `show`, which held 53 MB instead of 25.
/// The UI, imports and sample data keep them: they allocate a great deal
/// for longer, and huge pages made a 10,000-contact import faster.
pub fn one_short_command() {
    crate::store::for_one_command();
    no_huge_pages();
}

#[cfg(target_os = "linux")]
fn no_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integers only and
    // changes nothing but this process's use of huge pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}
