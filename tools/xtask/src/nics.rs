//! Network cards attached to QEMU machines: the two kinds AIOS drives,
//! each on its own QEMU user network with `restrict=on`, so the guest
//! reaches QEMU's built-in services (ARP, DHCP) and nothing beyond the
//! emulator.

/// The network card a machine carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nic {
    /// `virtio-net-pci`, modern only.
    Virtio,
    /// QEMU's Intel 82574L.
    E1000e,
}

impl Nic {
    /// Both kinds, in the order the test machines attach them.
    pub const ALL: [Nic; 2] = [Nic::Virtio, Nic::E1000e];

    /// Parses `virtio` or `e1000e` (the `--net` option).
    pub fn parse(name: &str) -> Option<Nic> {
        match name {
            "virtio" => Some(Nic::Virtio),
            "e1000e" => Some(Nic::E1000e),
            _ => None,
        }
    }

    /// The option's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Nic::Virtio => "virtio",
            Nic::E1000e => "e1000e",
        }
    }

    /// QEMU arguments attaching this card to a fresh, restricted user
    /// network called `id`.
    pub fn qemu_args(self, id: &str) -> Vec<String> {
        self.qemu_args_with(id, &[])
    }

    /// Like [`Nic::qemu_args`], with user-network options such as
    /// `hostfwd=tcp:127.0.0.1:PORT-:7` or `guestfwd=…` (explicit forwards
    /// work under `restrict=on`; nothing else leaves the emulator).
    pub fn qemu_args_with(self, id: &str, options: &[String]) -> Vec<String> {
        let device = match self {
            Nic::Virtio => format!("virtio-net-pci,netdev={id},disable-legacy=on"),
            Nic::E1000e => format!("e1000e,netdev={id}"),
        };
        vec![
            "-netdev".to_string(),
            core::iter::once(format!("user,id={id},restrict=on"))
                .chain(options.iter().cloned())
                .collect::<Vec<_>>()
                .join(","),
            "-device".to_string(),
            device,
        ]
    }
}

/// QEMU arguments for the test machines: one card of each kind, each on
/// its own restricted user network (`n0`, `n1`, …).
pub fn test_nics() -> Vec<String> {
    Nic::ALL
        .iter()
        .enumerate()
        .flat_map(|(i, nic)| nic.qemu_args(&format!("n{i}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qemu::tests::pair;

    #[test]
    fn each_card_sits_on_its_own_restricted_user_network() {
        assert_eq!(
            Nic::Virtio.qemu_args("net0"),
            [
                "-netdev",
                "user,id=net0,restrict=on",
                "-device",
                "virtio-net-pci,netdev=net0,disable-legacy=on",
            ]
        );
        assert_eq!(
            Nic::E1000e.qemu_args("net0"),
            [
                "-netdev",
                "user,id=net0,restrict=on",
                "-device",
                "e1000e,netdev=net0",
            ]
        );
        for nic in Nic::ALL {
            assert_eq!(Nic::parse(nic.name()), Some(nic));
        }
        assert_eq!(Nic::parse("rtl8139"), None);
    }

    #[test]
    fn test_machines_carry_both_cards_on_separate_networks() {
        let args = test_nics();
        assert_eq!(
            pair(&args, "-netdev"),
            ["user,id=n0,restrict=on", "user,id=n1,restrict=on"]
        );
        assert_eq!(
            pair(&args, "-device"),
            [
                "virtio-net-pci,netdev=n0,disable-legacy=on",
                "e1000e,netdev=n1"
            ]
        );
        assert!(
            pair(&args, "-netdev")
                .iter()
                .all(|netdev| netdev.starts_with("user,") && netdev.ends_with(",restrict=on")),
            "every network is QEMU's restricted user network"
        );
    }
}
