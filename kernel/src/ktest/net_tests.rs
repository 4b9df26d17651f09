//! Tests of the network drivers on every interface QEMU attached (the
//! ktest boots carry a virtio-net and an e1000e card, each on its own
//! restricted user network): identity and link, ARP and DHCP exchanges
//! with QEMU's built-in services, interrupts, a burst that wraps the
//! rings, and refused lengths. Every wait has a deadline.

use super::net_frames::{self, ARP_LEN, DHCP_LEN, FIRST_LEASE, GATEWAY};
use super::{ensure, ktests};
use aios_hal::clock::now_ns;
use aios_hal::net::{MAX_FRAME, NetError, Nic, NicKind};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

ktests!(
    a_virtio_net_and_an_e1000e_interface_are_present,
    every_interface_has_a_unicast_mac_and_link_up,
    arp_for_the_gateway_gets_a_reply,
    dhcp_discover_gets_an_offer_of_the_first_lease,
    replies_arrive_by_interrupt,
    two_hundred_frames_back_to_back_keep_the_accounting,
    empty_and_oversize_frames_are_refused,
    every_interface_still_works_at_the_end,
);

/// The kinds that must be present.
const REQUIRED: &[NicKind] = &[NicKind::Virtio, NicKind::E1000e];
/// How long QEMU may take to answer (generous: TCG on a loaded host).
const REPLY_TIMEOUT_NS: u64 = 5_000_000_000;
/// Frames of the burst test.
const BURST: u32 = 200;

/// The interfaces; an empty list fails every test.
fn nics() -> Result<&'static [Nic], String> {
    let nics = crate::net::nics();
    ensure!(!nics.is_empty(), "no network interface was brought up");
    Ok(nics)
}

/// Drops whatever frames are waiting (earlier tests' late replies).
fn drain(nic: &Nic) {
    for _ in 0..1024 {
        if nic.receive(|_| ()).is_none() {
            return;
        }
    }
}

/// Sends a `len`-byte frame `fill` writes, waiting out `Busy` until
/// `deadline`.
fn send(nic: &Nic, len: usize, deadline: u64, fill: impl Fn(&mut [u8])) -> Result<(), String> {
    loop {
        match nic.transmit(len, &fill) {
            Ok(()) => return Ok(()),
            Err(NetError::Busy) => wait_tx_ready(nic, deadline)?,
            Err(e) => return Err(format!("{}: transmit: {}", nic.name(), e)),
        }
    }
}

fn wait_tx_ready(nic: &Nic, deadline: u64) -> Result<(), String> {
    while !nic.tx_ready() {
        ensure!(
            now_ns() < deadline,
            "{}: no transmit buffer came back in time",
            nic.name()
        );
        core::hint::spin_loop();
    }
    Ok(())
}

/// The first received frame `matches` accepts, skipping others, before
/// `deadline`.
fn wait_for<R>(
    nic: &Nic,
    deadline: u64,
    what: &str,
    matches: impl Fn(&[u8]) -> Option<R>,
) -> Result<R, String> {
    loop {
        match nic.receive(&matches) {
            Some(Some(found)) => return Ok(found),
            Some(None) => {}
            None => {
                ensure!(now_ns() < deadline, "{}: no {} in time", nic.name(), what);
                core::hint::spin_loop();
            }
        }
    }
}

/// Asks for the gateway's MAC by ARP and returns it.
fn arp_gateway(nic: &Nic) -> Result<[u8; 6], String> {
    let mac = nic.mac();
    let deadline = now_ns() + REPLY_TIMEOUT_NS;
    drain(nic);
    send(nic, ARP_LEN, deadline, |frame| {
        net_frames::arp_request(frame, mac, FIRST_LEASE, GATEWAY)
    })?;
    wait_for(nic, deadline, "ARP reply from 10.0.2.2", |frame| {
        net_frames::arp_reply(frame, GATEWAY, mac)
    })
}

fn is_unicast(mac: [u8; 6]) -> bool {
    mac != [0; 6] && mac[0] & 1 == 0
}

fn a_virtio_net_and_an_e1000e_interface_are_present() -> Result<(), String> {
    let nics = nics()?;
    for kind in REQUIRED {
        ensure!(
            nics.iter().any(|nic| nic.kind() == *kind),
            "no {} interface (interfaces: {:?})",
            kind.label(),
            nics.iter().map(|nic| nic.name()).collect::<Vec<_>>()
        );
    }
    for nic in nics.iter().filter(|nic| REQUIRED.contains(&nic.kind())) {
        ensure!(
            nic.has_interrupt(),
            "{}: no MSI-X interrupt (QEMU's virtio-net and e1000e have one)",
            nic.name()
        );
    }
    Ok(())
}

fn every_interface_has_a_unicast_mac_and_link_up() -> Result<(), String> {
    for nic in nics()? {
        ensure!(
            is_unicast(nic.mac()),
            "{}: MAC {:02x?} is not a unicast address",
            nic.name(),
            nic.mac()
        );
        ensure!(nic.link_up(), "{}: link down", nic.name());
    }
    Ok(())
}

fn arp_for_the_gateway_gets_a_reply() -> Result<(), String> {
    for nic in nics()? {
        let before = nic.stats();
        let gateway = arp_gateway(nic)?;
        ensure!(
            is_unicast(gateway),
            "{}: the gateway's MAC {:02x?} is not unicast",
            nic.name(),
            gateway
        );
        let after = nic.stats();
        ensure!(
            after.tx_frames > before.tx_frames && after.rx_frames > before.rx_frames,
            "{}: counters did not move: {:?} then {:?}",
            nic.name(),
            before,
            after
        );
    }
    Ok(())
}

fn dhcp_discover_gets_an_offer_of_the_first_lease() -> Result<(), String> {
    for (i, nic) in nics()?.iter().enumerate() {
        let mac = nic.mac();
        let xid = 0x4149_4F53 ^ i as u32;
        let deadline = now_ns() + REPLY_TIMEOUT_NS;
        drain(nic);
        send(nic, DHCP_LEN, deadline, |frame| {
            net_frames::dhcp_discover(frame, mac, xid)
        })?;
        let offered = wait_for(nic, deadline, "DHCPOFFER", |frame| {
            net_frames::dhcp_offer(frame, xid)
        })?;
        ensure!(
            offered == FIRST_LEASE,
            "{}: offered {:?}, expected 10.0.2.15",
            nic.name(),
            offered
        );
    }
    Ok(())
}

fn replies_arrive_by_interrupt() -> Result<(), String> {
    for nic in nics()?.iter().filter(|nic| nic.has_interrupt()) {
        let mac = nic.mac();
        let deadline = now_ns() + REPLY_TIMEOUT_NS;
        drain(nic);
        let before = nic.stats().interrupts;
        send(nic, ARP_LEN, deadline, |frame| {
            net_frames::arp_request(frame, mac, FIRST_LEASE, GATEWAY)
        })?;
        // Nothing here polls the device: only its interrupt moves the count.
        while nic.stats().interrupts == before {
            ensure!(
                now_ns() < deadline,
                "{}: no interrupt for the ARP reply",
                nic.name()
            );
            core::hint::spin_loop();
        }
        wait_for(nic, deadline, "ARP reply after the interrupt", |frame| {
            net_frames::arp_reply(frame, GATEWAY, mac)
        })?;
    }
    Ok(())
}

/// 200 frames of varied lengths, each sent as soon as a buffer is free:
/// more than any ring holds, so the rings wrap; every frame is counted
/// once, and every `Busy` is counted and recovered from. virtio-net's
/// transmit ring holds at most 64 frames and its transmit never reclaims
/// (polling does), so there the burst must meet `Busy`.
fn two_hundred_frames_back_to_back_keep_the_accounting() -> Result<(), String> {
    for nic in nics()? {
        let mac = nic.mac();
        drain(nic);
        let before = nic.stats();
        let deadline = now_ns() + REPLY_TIMEOUT_NS;
        let (mut busy, mut bytes) = (0u64, 0u64);
        for seq in 0..BURST {
            let len = 60 + (seq as usize * 97) % (MAX_FRAME - 59);
            let fill = |frame: &mut [u8]| net_frames::filler(frame, mac, seq);
            loop {
                match nic.transmit(len, fill) {
                    Ok(()) => break,
                    Err(NetError::Busy) => {
                        busy += 1;
                        wait_tx_ready(nic, deadline)?;
                    }
                    Err(e) => return Err(format!("{}: frame {}: {}", nic.name(), seq, e)),
                }
            }
            bytes += len as u64;
        }
        let after = nic.stats();
        ensure!(
            after.tx_frames - before.tx_frames == u64::from(BURST)
                && after.tx_bytes - before.tx_bytes == bytes,
            "{}: {} frames of {} bytes sent, counters say {} of {}",
            nic.name(),
            BURST,
            bytes,
            after.tx_frames - before.tx_frames,
            after.tx_bytes - before.tx_bytes
        );
        ensure!(
            after.tx_busy - before.tx_busy == busy,
            "{}: {} Busy answers, counter says {}",
            nic.name(),
            busy,
            after.tx_busy - before.tx_busy
        );
        ensure!(
            busy > 0 || nic.kind() != NicKind::Virtio,
            "{}: {} frames never filled the transmit ring",
            nic.name(),
            BURST
        );
        wait_tx_ready(nic, deadline)?;
        crate::println!(
            "ktest: net: {}: {} frames, {} bytes, {} Busy answers",
            nic.name(),
            BURST,
            bytes,
            busy
        );
    }
    Ok(())
}

fn empty_and_oversize_frames_are_refused() -> Result<(), String> {
    for nic in nics()? {
        let before = nic.stats();
        for len in [0, MAX_FRAME + 1, usize::MAX] {
            let mut filled = false;
            let result = nic.transmit(len, |_| filled = true);
            ensure!(
                result == Err(NetError::BadLength) && !filled,
                "{}: a {}-byte frame gave {:?} (filled: {})",
                nic.name(),
                len,
                result,
                filled
            );
        }
        ensure!(
            nic.stats().tx_frames == before.tx_frames,
            "{}: a refused frame was counted as sent",
            nic.name()
        );
        let mac = nic.mac();
        let deadline = now_ns() + REPLY_TIMEOUT_NS;
        send(nic, MAX_FRAME, deadline, |frame| {
            net_frames::filler(frame, mac, 0)
        })
        .map_err(|e| format!("{} (a frame of exactly MAX_FRAME bytes)", e))?;
    }
    Ok(())
}

fn every_interface_still_works_at_the_end() -> Result<(), String> {
    for nic in nics()? {
        arp_gateway(nic)?;
        let stats = nic.stats();
        ensure!(
            stats.rx_dropped == 0,
            "{}: {} frames dropped by the driver ({:?})",
            nic.name(),
            stats.rx_dropped,
            stats
        );
    }
    Ok(())
}
