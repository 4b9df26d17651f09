//! How the node gets its addresses: the kernel command line's `net.ip=`
//! and `net.dns=` (DHCPv4 unless told otherwise; IPv6 always by SLAAC
//! with a link-local address from the MAC).

use alloc::vec::Vec;
use core::fmt;
use smoltcp::wire::{IpAddress, Ipv4Address, Ipv4Cidr};

/// Where the IPv4 address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressing {
    /// Ask a DHCPv4 server (address, router, DNS servers).
    Dhcp,
    /// A fixed address, with an optional default router.
    Static {
        /// Address and prefix length.
        address: Ipv4Cidr,
        /// Default router.
        gateway: Option<Ipv4Address>,
    },
}

/// The stack's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// IPv4 addressing.
    pub addressing: Addressing,
    /// DNS servers to use besides (before) the ones DHCP names.
    pub dns: Vec<IpAddress>,
    /// Seed for TCP initial sequence numbers and ports (differs per boot).
    pub seed: u64,
}

/// Why a network setting on the command line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting ("net.ip").
    pub key: &'static str,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

impl Config {
    /// Reads `net.ip=dhcp|ADDR/PREFIX[,GATEWAY]` and
    /// `net.dns=ADDR[,ADDR…]` (either may be absent: DHCP, no extra DNS).
    pub fn parse(ip: Option<&str>, dns: Option<&str>, seed: u64) -> Result<Config, ConfigError> {
        let addressing = match ip {
            None | Some("dhcp") => Addressing::Dhcp,
            Some(text) => parse_static(text)?,
        };
        let mut servers = Vec::new();
        for part in dns.unwrap_or("").split(',').filter(|p| !p.is_empty()) {
            let address: IpAddress = part.parse().map_err(|_| ConfigError {
                key: "net.dns",
                reason: "not an IPv4 or IPv6 address",
            })?;
            if !address.is_unicast() {
                return Err(ConfigError {
                    key: "net.dns",
                    reason: "not a unicast address",
                });
            }
            servers.push(address);
        }
        if servers.len() > crate::MAX_DNS_SERVERS {
            return Err(ConfigError {
                key: "net.dns",
                reason: "more than 4 servers",
            });
        }
        Ok(Config {
            addressing,
            dns: servers,
            seed,
        })
    }
}

fn parse_static(text: &str) -> Result<Addressing, ConfigError> {
    let bad = |reason| ConfigError {
        key: "net.ip",
        reason,
    };
    let (cidr, gateway) = match text.split_once(',') {
        Some((cidr, gateway)) => (cidr, Some(gateway)),
        None => (text, None),
    };
    let (address, prefix) = cidr
        .split_once('/')
        .ok_or(bad("expected dhcp or ADDRESS/PREFIX[,GATEWAY]"))?;
    let address: Ipv4Address = address.parse().map_err(|_| bad("not an IPv4 address"))?;
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|p| (1..=32).contains(p))
        .ok_or(bad("prefix length must be 1 to 32"))?;
    if address.is_broadcast() || address.is_multicast() || address.is_unspecified() {
        return Err(bad("not a unicast address"));
    }
    let address = Ipv4Cidr::new(address, prefix);
    let gateway = match gateway {
        None => None,
        Some(text) => {
            let gateway: Ipv4Address = text
                .parse()
                .map_err(|_| bad("gateway is not an IPv4 address"))?;
            if !address.contains_addr(&gateway) || gateway == address.address() {
                return Err(bad("gateway must be another address on the same network"));
            }
            Some(gateway)
        }
    };
    Ok(Addressing::Static { address, gateway })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dhcp_is_the_default() {
        let config = Config::parse(None, None, 7).unwrap();
        assert_eq!(config.addressing, Addressing::Dhcp);
        assert!(config.dns.is_empty());
        assert_eq!(Config::parse(Some("dhcp"), None, 7).unwrap(), config);
    }

    #[test]
    fn static_address_with_gateway_and_dns() {
        let config =
            Config::parse(Some("10.0.2.15/24,10.0.2.2"), Some("10.0.2.3,fec0::3"), 1).unwrap();
        assert_eq!(
            config.addressing,
            Addressing::Static {
                address: Ipv4Cidr::new(Ipv4Address::new(10, 0, 2, 15), 24),
                gateway: Some(Ipv4Address::new(10, 0, 2, 2)),
            }
        );
        assert_eq!(config.dns.len(), 2);
    }

    #[test]
    fn bad_settings_name_what_is_wrong() {
        let cases = [
            (
                Some("10.0.2.15"),
                None,
                "expected dhcp or ADDRESS/PREFIX[,GATEWAY]",
            ),
            (Some("10.0.2/24"), None, "not an IPv4 address"),
            (Some("10.0.2.15/33"), None, "prefix length must be 1 to 32"),
            (Some("10.0.2.15/0"), None, "prefix length must be 1 to 32"),
            (Some("224.0.0.1/24"), None, "not a unicast address"),
            (
                Some("10.0.2.15/24,10.0.3.2"),
                None,
                "gateway must be another address on the same network",
            ),
            (
                Some("10.0.2.15/24,10.0.2.15"),
                None,
                "gateway must be another address on the same network",
            ),
            (None, Some("nameserver"), "not an IPv4 or IPv6 address"),
            (None, Some("255.255.255.255"), "not a unicast address"),
            (
                None,
                Some("1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5"),
                "more than 4 servers",
            ),
        ];
        for (ip, dns, reason) in cases {
            let error = Config::parse(ip, dns, 0).unwrap_err();
            assert_eq!(error.reason, reason, "{ip:?} {dns:?}");
        }
    }
}
