//! The `tls` suite: the kernel's `bench-tls` measurement, run at boot
//! under `-icount shift=0` (one CPU): full TLS 1.3 handshakes in memory
//! with the node's certificate from the bundle, verified against its trust
//! store, once offering X25519MLKEM768 and once X25519 alone; the client's
//! and the server's guest instructions per handshake, and the hybrid's
//! cost over the classical one.

use std::time::Duration;

use super::Measure;
use super::agents::results::pairs;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::serial::Wait;

const TIMEOUT: Duration = Duration::from_secs(300);

/// Boots once with `bench-tls` and returns the figures.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    // The node's certificate and the CA that vouches for it.
    crate::tls_peer::ensure(paths)?;
    build::bundle(paths)?;
    let cmdline = format!("{DEFAULT_CMDLINE} bench-tls");
    let machine = super::pvh_machine(paths, &kernel, &cmdline, 1, true);
    println!("xtask: bench tls under -icount shift=0, smp 1 …");
    let line = super::measure_boot(paths, &machine, "bench-tls-icount", |session| match session
        .wait_for(TIMEOUT, |line| {
            protocol::without_prompt(line).starts_with("bench: tls")
        }) {
        Wait::Found(line) => Ok(protocol::without_prompt(&line.text).to_string()),
        other => Err(format!("no tls result line ({other:?})")),
    })?;
    measures(&line).map_err(Error::Check)
}

/// The measures from the kernel's result line.
fn measures(line: &str) -> Result<Vec<Measure>, String> {
    let figures = pairs(line);
    let get = |key: &str| {
        figures
            .iter()
            .find(|(name, _)| name == key)
            .map(|&(_, value)| value)
            .ok_or_else(|| format!("no `{key}=` in `{line}`"))
    };
    let instructions = |name: &str, value: f64| Measure {
        name: name.to_string(),
        value,
        unit: "instructions".to_string(),
        target: None,
    };
    let hybrid_client = get("tls_x25519mlkem768_client_ns")?;
    let hybrid_server = get("tls_x25519mlkem768_server_ns")?;
    let classic_client = get("tls_x25519_client_ns")?;
    let classic_server = get("tls_x25519_server_ns")?;
    Ok(vec![
        instructions("handshake_x25519mlkem768_client", hybrid_client),
        instructions("handshake_x25519mlkem768_server", hybrid_server),
        instructions("handshake_x25519_client", classic_client),
        instructions("handshake_x25519_server", classic_server),
        Measure {
            name: "hybrid_over_x25519".to_string(),
            value: (hybrid_client + hybrid_server) / (classic_client + classic_server),
            unit: "x".to_string(),
            target: None,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::measures;

    #[test]
    fn the_result_line_gives_both_sides_of_both_groups() {
        let line = "bench: tls_handshakes=10 tls_x25519mlkem768_client_ns=300 tls_x25519mlkem768_server_ns=200 tls_x25519_client_ns=200 tls_x25519_server_ns=200";
        let got = measures(line).unwrap();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0].value, 300.0);
        assert_eq!(got[4].value, 1.25);
        assert!(measures("bench: tls failed: no node.pem").is_err());
    }
}
