// mimalloc: about 10 % less CPU than the system allocator on the corpus (bench/corpus.sh);
// a lint allocates many small short-lived strings and vectors per instruction.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dfix::cli::run()
}
