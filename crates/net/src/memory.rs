//! An in-memory Ethernet: links whose frames land in each other's queues,
//! like the ports of a hub. For tests of anything that runs on the
//! network service without a NIC (this crate's, the runtime's).

use crate::link::{Link, LinkStats};
use alloc::collections::VecDeque;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use spin::Mutex;

type Queue = Arc<Mutex<VecDeque<Vec<u8>>>>;

/// Most frames queued for one port; more are dropped, as a switch would.
pub const QUEUE: usize = 64;

/// One port: frames it sends land in every other port's queue.
pub struct Port {
    name: String,
    mac: [u8; 6],
    inbox: Queue,
    peers: Vec<Queue>,
    stats: Mutex<LinkStats>,
}

/// Ports that all hear each other, one per MAC.
pub fn hub(macs: &[[u8; 6]]) -> Vec<Port> {
    let queues: Vec<Queue> = macs.iter().map(|_| Queue::default()).collect();
    macs.iter()
        .enumerate()
        .map(|(i, mac)| Port {
            name: format!("hub port {i}"),
            mac: *mac,
            inbox: queues[i].clone(),
            peers: queues
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, q)| q.clone())
                .collect(),
            stats: Mutex::new(LinkStats::default()),
        })
        .collect()
}

/// Two connected ports.
pub fn wire(a: [u8; 6], b: [u8; 6]) -> (Port, Port) {
    let mut ports = hub(&[a, b]);
    let b = ports.pop();
    let a = ports.pop();
    match (a, b) {
        (Some(a), Some(b)) => (a, b),
        _ => unreachable!("hub makes one port per MAC"),
    }
}

impl Port {
    /// Sends `frame` to the other ports without going through a stack.
    pub fn inject(&self, frame: &[u8]) {
        self.deliver(frame);
    }

    /// Takes the next frame waiting for this port (one no stack read).
    pub fn take(&self) -> Option<Vec<u8>> {
        self.inbox.lock().pop_front()
    }

    fn deliver(&self, frame: &[u8]) {
        for peer in &self.peers {
            let mut queue = peer.lock();
            if queue.len() < QUEUE {
                queue.push_back(frame.to_vec());
            }
        }
    }
}

impl Link for Port {
    fn name(&self) -> &str {
        &self.name
    }
    fn mac(&self) -> [u8; 6] {
        self.mac
    }
    fn link_up(&self) -> bool {
        true
    }
    fn rx_ready(&self) -> bool {
        !self.inbox.lock().is_empty()
    }
    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> bool {
        // Taken out first: the consumer may transmit on this port.
        let Some(frame) = self.take() else {
            return false;
        };
        {
            let mut stats = self.stats.lock();
            stats.rx_frames += 1;
            stats.rx_bytes += frame.len() as u64;
        }
        consume(&frame);
        true
    }
    fn tx_ready(&self) -> bool {
        true
    }
    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> bool {
        let mut frame = vec![0; len];
        fill(&mut frame);
        {
            let mut stats = self.stats.lock();
            stats.tx_frames += 1;
            stats.tx_bytes += len as u64;
        }
        self.deliver(&frame);
        true
    }
    fn stats(&self) -> LinkStats {
        *self.stats.lock()
    }
}
