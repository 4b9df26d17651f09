//! NVMe controller bring-up helpers: waiting for the ready state and
//! running admin commands, polled, before interrupts are routed.

use super::REG_CSTS;
use super::queue::{Command, QueuePair};
use crate::blk::BlkError;
use crate::pci::Mmio;

const CSTS_READY: u32 = 1;
const CSTS_FATAL: u32 = 2;

pub(super) fn wait_ready(registers: &Mmio, ready: bool, timeout_ns: u64) -> Result<(), BlkError> {
    let deadline = crate::clock::now_ns().saturating_add(timeout_ns);
    loop {
        let status = registers.read32(REG_CSTS);
        if status & CSTS_FATAL != 0 && status != u32::MAX {
            return Err(BlkError::Init("controller fatal status"));
        }
        if (status & CSTS_READY != 0) == ready && status != u32::MAX {
            return Ok(());
        }
        if crate::clock::now_ns() > deadline {
            return Err(BlkError::Init("controller did not change ready state"));
        }
        core::hint::spin_loop();
    }
}

/// Runs one admin command to completion, polled (used before interrupts
/// are routed).
pub(super) fn admin_command(
    registers: &Mmio,
    admin: &mut QueuePair,
    opcode: u32,
    namespace: u32,
    prp1: u64,
    cdw: [u32; 2],
) -> Result<(), BlkError> {
    let mut command: Command = [0; 16];
    command[0] = opcode;
    command[1] = namespace;
    command[6] = prp1 as u32;
    command[7] = (prp1 >> 32) as u32;
    command[10] = cdw[0];
    command[11] = cdw[1];
    admin.submit(registers, &command);
    let deadline = crate::clock::now_ns().saturating_add(5_000_000_000);
    loop {
        let mut status = None;
        admin.reap(registers, |_, s| status = Some(s));
        match status {
            Some(0) => return Ok(()),
            Some(s) => {
                return Err(BlkError::Device {
                    status: u32::from(s),
                });
            }
            None if crate::clock::now_ns() > deadline => return Err(BlkError::Timeout),
            None => core::hint::spin_loop(),
        }
    }
}
