//! `cargo xtask`: build, image, run, test and benchmark AIOS.

mod agents;
mod bench;
mod build;
mod cli;
mod cluster;
mod crash;
mod data_disk;
mod disks;
mod e2e;
mod e2e_agents;
mod e2e_ai;
mod e2e_api;
mod e2e_cluster;
mod e2e_ipc;
mod e2e_net;
mod e2e_sdk;
mod e2e_store;
mod e2e_traps;
mod error;
mod esp;
mod ktest;
mod models;
mod nics;
mod paths;
mod process;
mod protocol;
mod qemu;
mod report;
mod run;
mod serial;
mod setup;
mod test;
mod tls_peer;

use std::process::ExitCode;

use cli::Command;
use error::Error;
use paths::Paths;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(error @ Error::Usage(_)) => {
            eprintln!("xtask: {error}\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("xtask: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command; `Ok` carries the exit code.
fn dispatch(args: &[String]) -> Result<i32, Error> {
    let command = cli::parse(args)?;
    let paths = Paths::discover()?;
    match command {
        Command::Help => println!("{}", cli::USAGE),
        Command::Setup => setup::run(&paths)?,
        Command::Build => {
            setup::run(&paths)?;
            build::all(&paths)?;
        }
        Command::Image(options) => {
            setup::run(&paths)?;
            let image = build::image(&paths, &options)?;
            println!(
                "xtask: ESP ready at {} (signed with {})",
                image.esp.display(),
                image.key.seed.display()
            );
            data_disk::ensure(&paths)?;
        }
        Command::Run(options) => return run::run(&paths, &options),
        Command::Test => test::run(&paths)?,
        Command::Bench(suite) => bench::run(&paths, suite)?,
    }
    Ok(0)
}
