// sled and the import path allocate a great deal; mimalloc makes that
// markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    guanxi::cli::main()
}
