fn main() -> std::process::ExitCode {
    guanxi::cli::main()
}
