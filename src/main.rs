// mimalloc for small blocks, the system's for large ones, and for every
// block of a command that names one customer (`allocator`).
#[global_allocator]
static ALLOCATOR: guanxi::allocator::Allocator = guanxi::allocator::Allocator;

fn main() -> std::process::ExitCode {
    guanxi::cli::main()
}

// Run as the program is loaded, before Rust's runtime allocates anything:
// transparent huge pages off (`allocator::no_huge_pages`), and, for a
// command that names one customer, the system's allocator for every block
// (`allocator`). glibc passes the command line to these functions.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[unsafe(link_section = ".init_array")]
static AT_LOAD: extern "C" fn(i32, *const *const std::ffi::c_char, *const *const std::ffi::c_char) = at_load;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" fn at_load(argc: i32, argv: *const *const std::ffi::c_char, _env: *const *const std::ffi::c_char) {
    guanxi::allocator::no_huge_pages();
    let count = usize::try_from(argc).unwrap_or(0);
    if argv.is_null() || count < 2 {
        return;
    }
    // SAFETY: glibc calls this with the program's argc and argv: `count`
    // pointers to NUL-terminated strings that live as long as the process
    // (a null one, which glibc never passes, is passed over).
    let args = (1..count)
        .map(|i| unsafe { *argv.add(i) })
        .filter(|arg| !arg.is_null())
        .map(|arg| unsafe { std::ffi::CStr::from_ptr(arg) }.to_bytes());
    if guanxi::cli::names_one_customer(args) {
        guanxi::allocator::small_blocks_from_system();
    }
}

// Elsewhere on Linux the functions are called without the command line.
#[cfg(all(target_os = "linux", not(target_env = "gnu")))]
#[used]
#[unsafe(link_section = ".init_array")]
static AT_LOAD: extern "C" fn() = guanxi::allocator::no_huge_pages;
