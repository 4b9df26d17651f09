//! The link under the stack: whatever sends and receives Ethernet frames
//! (a NIC in the kernel, a queue in tests), and its adapter to smoltcp's
//! `phy::Device`.

use smoltcp::phy::{self, Checksum, DeviceCapabilities, Medium};
use smoltcp::time::Instant;

/// Largest frame the link carries, without the FCS.
pub const MAX_FRAME: usize = 1514;

/// Counters a link keeps since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Frames handed to the device.
    pub tx_frames: u64,
    /// Bytes of those frames.
    pub tx_bytes: u64,
    /// Frames received.
    pub rx_frames: u64,
    /// Bytes of those frames.
    pub rx_bytes: u64,
    /// Frames the device or driver dropped.
    pub rx_dropped: u64,
    /// Sends refused because the transmit ring was full.
    pub tx_busy: u64,
    /// Interrupts taken.
    pub interrupts: u64,
}

/// An Ethernet link. The stack calls it from one CPU at a time, but may
/// call `transmit` from inside `receive`'s consumer (it answers a frame
/// while reading it), so the two sides must not share a lock.
pub trait Link: Send + Sync {
    /// The interface's name ("virtio-net 00:03.0").
    fn name(&self) -> &str;
    /// The station address.
    fn mac(&self) -> [u8; 6];
    /// True while the link is up.
    fn link_up(&self) -> bool;
    /// True if a received frame is waiting.
    fn rx_ready(&self) -> bool;
    /// Hands the next received frame to `consume` (at most once); false if
    /// none was waiting.
    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> bool;
    /// True if a frame could be sent now.
    fn tx_ready(&self) -> bool;
    /// Lets `fill` write a frame of `len` bytes in place and sends it;
    /// false if it could not be sent (then `fill` may not have run).
    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> bool;
    /// The link's counters.
    fn stats(&self) -> LinkStats;
}

/// smoltcp's view of a [`Link`] for one poll.
pub(crate) struct Phy<'a> {
    link: &'a dyn Link,
    /// Frames smoltcp produced that the link refused.
    pub(crate) tx_lost: u64,
    /// Frames dropped for a wrong TCP or UDP checksum
    /// ([`crate::checksum::transport_ok`]).
    pub(crate) rx_bad: u64,
}

impl<'a> Phy<'a> {
    pub(crate) fn new(link: &'a dyn Link) -> Phy<'a> {
        Phy {
            link,
            tx_lost: 0,
            rx_bad: 0,
        }
    }
}

pub(crate) struct Rx<'a, 'b> {
    link: &'a dyn Link,
    bad: &'b mut u64,
}

pub(crate) struct Tx<'a, 'b> {
    link: &'a dyn Link,
    lost: &'b mut u64,
}

impl<'a> phy::Device for Phy<'a> {
    type RxToken<'t>
        = Rx<'a, 't>
    where
        Self: 't;
    type TxToken<'t>
        = Tx<'a, 't>
    where
        Self: 't;

    fn receive(&mut self, _now: Instant) -> Option<(Self::RxToken<'_>, Self::TxToken<'_>)> {
        if !self.link.rx_ready() {
            return None;
        }
        let link = self.link;
        Some((
            Rx {
                link,
                bad: &mut self.rx_bad,
            },
            Tx {
                link,
                lost: &mut self.tx_lost,
            },
        ))
    }

    fn transmit(&mut self, _now: Instant) -> Option<Self::TxToken<'_>> {
        if !self.link.tx_ready() {
            return None;
        }
        Some(Tx {
            link: self.link,
            lost: &mut self.tx_lost,
        })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = MAX_FRAME;
        caps.max_burst_size = Some(16);
        // Received TCP and UDP checksums are checked as each frame is
        // read (`Rx::consume`), 64 bits at a time; smoltcp still computes
        // them on what it sends.
        caps.checksum.tcp = Checksum::Tx;
        caps.checksum.udp = Checksum::Tx;
        caps
    }
}

impl phy::RxToken for Rx<'_, '_> {
    fn consume<R, F>(self, f: F) -> R
    where
        F: FnOnce(&[u8]) -> R,
    {
        let mut f = Some(f);
        let mut out = None;
        let bad = self.bad;
        self.link.receive(&mut |frame| {
            if let Some(g) = f.take() {
                // A segment whose checksum is wrong reaches smoltcp as an
                // empty frame, which it drops.
                let frame = if crate::checksum::transport_ok(frame) {
                    frame
                } else {
                    *bad += 1;
                    &[]
                };
                out = Some(g(frame));
            }
        });
        match (out, f) {
            (Some(r), _) => r,
            // The link had no frame after all: smoltcp drops an empty one.
            (None, Some(g)) => g(&[]),
            (None, None) => unreachable!("the frame consumer ran without a result"),
        }
    }
}

impl phy::TxToken for Tx<'_, '_> {
    fn consume<R, F>(self, len: usize, f: F) -> R
    where
        F: FnOnce(&mut [u8]) -> R,
    {
        let mut f = Some(f);
        let mut out = None;
        let sent = len <= MAX_FRAME
            && self.link.transmit(len, &mut |buf| {
                if let Some(g) = f.take() {
                    out = Some(g(buf));
                }
            });
        match (out, f) {
            (Some(r), _) if sent => r,
            (Some(r), _) => {
                *self.lost += 1;
                r
            }
            // Refused before the frame was written: write it into scratch
            // space so smoltcp's state stays consistent, and count it lost
            // (TCP retransmits; ICMP and DNS time out and retry).
            (None, Some(g)) => {
                *self.lost += 1;
                let mut scratch = alloc::vec![0u8; len];
                g(&mut scratch)
            }
            (None, None) => unreachable!("the frame writer ran without a result"),
        }
    }
}
