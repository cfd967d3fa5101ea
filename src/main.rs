fn main() -> std::process::ExitCode {
    dfix::cli::run()
}
