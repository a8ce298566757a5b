//! The `narrate` binary: parse arguments, run, print the error chain, exit with its code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = <narrate::cli::Cli as clap::Parser>::parse();
    match narrate::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            narrate::commands::print_error(&err);
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1))
        }
    }
}
