//! Example agent: logs `hello from agent <id>` and exits 0.

use aios_sdk::Error;

fn main() -> Result<(), Error> {
    let id = aios_sdk::my_id()?;
    aios_sdk::info!("hello from agent {id}");
    Ok(())
}

aios_sdk::entry!(main);
