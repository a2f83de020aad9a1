//! The `rampart` binary: parses arguments and runs the command (scan, evaluate, serve,
//! demo, import, ...). Exit codes are part of the interface (see README).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_tracing(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Scans are deep futures; give workers a main thread's stack.
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rampart: starting the async runtime: {e}");
            return ExitCode::from(cli::EXIT_FAILED);
        }
    };
    match runtime.block_on(cli::run(args)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("rampart: {e:#}");
            ExitCode::from(cli::EXIT_FAILED)
        }
    }
}
