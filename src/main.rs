// mimalloc for small blocks, the system's for large ones (`allocator`).
#[global_allocator]
static ALLOCATOR: guanxi::allocator::Allocator = guanxi::allocator::Allocator;

fn main() -> std::process::ExitCode {
    guanxi::cli::main()
}

// Run as the program is loaded, before Rust's runtime allocates anything
// (`allocator::no_huge_pages`).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static HUGE_PAGES_OFF: extern "C" fn() = guanxi::allocator::no_huge_pages;
