// sled and the import path allocate a great deal; mimalloc makes that
// markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
    guanxi::cli::main()
}

/// mimalloc asks the kernel for transparent huge pages, and each one is
/// zeroed whole (2 MiB) when first touched: a command that runs for 20 ms
/// spent a quarter of it there, and `show` held 53 MB instead of 22.
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
