// mimalloc for small blocks, the system's for large ones (`allocator`).
#[global_allocator]
static ALLOCATOR: guanxi::allocator::Allocator = guanxi::allocator::Allocator;

fn main() -> std::process::ExitCode {
    guanxi::cli::main()
}
