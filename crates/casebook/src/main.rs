//! The `casebook` command: flags are parsed here, the work is done by the library crates, and
//! the outcome becomes an exit code in one place: 0 success, 1 validation errors, 2 failure.

mod cli;
mod commands;
mod reference_study;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

/// What a command found, for the exit code.
pub enum Outcome {
    /// Everything went well (warnings may have been printed).
    Success,
    /// The data have errors; they were printed.
    ValidationErrors,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("casebook: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ValidationErrors) => ExitCode::from(1),
        Err(error) => {
            eprintln!("casebook: {error:#}");
            ExitCode::from(2)
        }
    }
}
