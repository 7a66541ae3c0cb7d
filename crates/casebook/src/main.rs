//! The `casebook` command: flags are parsed here, the work is done by the library crates, and
//! the outcome becomes an exit code in one place: 0 success, 1 validation errors, 2 failure.

mod cli;
mod commands;
mod reference_study;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

// Imports and reports allocate millions of small strings on both cores; mimalloc's per-thread
// heaps make that markedly cheaper than glibc's allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a command found, for the exit code.
pub enum Outcome {
    /// Everything went well (warnings may have been printed).
    Success,
    /// The data have errors; they were printed.
    ValidationErrors,
}

fn main() -> ExitCode {
    end_quietly_when_the_reader_leaves();
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
            eprintln!("casebook: {}", each_cause_once(&error));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by `: `, as anyhow's `{:#}` prints them, but each cause once:
/// Casebook's errors end with their source's message, so that a log line or a web page showing
/// the error alone says why, and the chain would print that message a second time.
fn each_cause_once(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.ends_with(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// `println!` panics when the program reading Casebook's output has gone (`casebook hpo search
/// a | head -1`). For a command-line tool that is a normal end, as it is for ripgrep or `yes`:
/// exit quietly instead of printing a panic.
fn end_quietly_when_the_reader_leaves() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message =
            payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied()).unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}
