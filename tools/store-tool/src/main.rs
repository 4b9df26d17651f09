//! `aios-store`: inspect, check and export AIOS data images.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    match aios_store_tool::run(&args, &mut out) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("aios-store: {message}");
            ExitCode::from(2)
        }
    }
}
