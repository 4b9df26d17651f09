//! Bringing the 82574L up: stopping and resetting it, reading its
//! station address, setting the link up, routing its interrupt causes.

use super::registers::{
    CTRL, CTRL_AUTO_SPEED, CTRL_EXT, CTRL_EXT_DRIVER_LOADED, CTRL_EXT_EXTENDED_AUTO_MASK,
    CTRL_EXT_INTERRUPT_AUTO_MASK, CTRL_EXT_PBA_CLEAR, CTRL_FORCE_DUPLEX, CTRL_FORCE_SPEED,
    CTRL_GIO_MASTER_DISABLE, CTRL_INVERT_LOSS_OF_SIGNAL, CTRL_LINK_RESET, CTRL_PHY_RESET,
    CTRL_RESET, CTRL_SET_LINK_UP, CTRL_VLAN_MODE, EECD, EECD_AUTO_READ_DONE, EIAC, IAM, ICR, IMC,
    IMS, INT_LINK_STATUS_CHANGE, INT_OTHER, INT_RX_OVERRUN, INT_RX_QUEUE0, INT_RX_TIMER,
    INT_TX_QUEUE0, INT_TX_WRITTEN_BACK, IVAR, IVAR_OTHER_VALID, IVAR_RX_QUEUE0_VALID,
    IVAR_TX_QUEUE0_VALID, RAH0, RAL0, RCTL, STATUS, STATUS_GIO_MASTER_ENABLED, TCTL,
};
use crate::net::NetError;
use crate::pci::{Interrupt, Mmio};

/// How long the reset and the EEPROM load may take.
const RESET_TIMEOUT_NS: u64 = 1_000_000_000;
/// How long pending bus-master requests get to drain before the reset.
const MASTER_DRAIN_NS: u64 = 10_000_000;
/// RAH: the address in RAL/RAH is valid.
const ADDRESS_VALID: u32 = 1 << 31;

/// Stops the device's interrupts, receiver, transmitter and bus
/// mastering, then resets it and waits for the EEPROM to be reloaded.
pub(super) fn reset(registers: &Mmio) -> Result<(), NetError> {
    registers.write32(IMC, u32::MAX);
    registers.write32(RCTL, 0);
    registers.write32(TCTL, 0);
    let control = registers.read32(CTRL);
    registers.write32(CTRL, control | CTRL_GIO_MASTER_DISABLE);
    // The reset stops the device's DMA anyway; the drain only lets
    // requests in flight finish first, so running out of time is fine.
    let _ = wait_until(registers, MASTER_DRAIN_NS, |r| {
        r.read32(STATUS) & STATUS_GIO_MASTER_ENABLED == 0
    });
    registers.write32(CTRL, control | CTRL_GIO_MASTER_DISABLE | CTRL_RESET);
    // The datasheet asks for a pause before registers are read again.
    crate::clock::spin_ns(1_000_000);
    wait_until(registers, RESET_TIMEOUT_NS, |r| {
        let control = r.read32(CTRL);
        control != u32::MAX && control & CTRL_RESET == 0
    })?;
    wait_until(registers, RESET_TIMEOUT_NS, |r| {
        let eecd = r.read32(EECD);
        eecd != u32::MAX && eecd & EECD_AUTO_READ_DONE != 0
    })?;
    registers.write32(IMC, u32::MAX);
    let pending = registers.read32(ICR);
    registers.write32(ICR, pending);
    Ok(())
}

/// The station address the EEPROM load put in receive address 0.
pub(super) fn station_address(registers: &Mmio) -> Result<[u8; 6], NetError> {
    let low = registers.read32(RAL0).to_le_bytes();
    let high = registers.read32(RAH0);
    let [a4, a5, ..] = high.to_le_bytes();
    let mac = [low[0], low[1], low[2], low[3], a4, a5];
    let multicast = mac[0] & 1 != 0;
    if high & ADDRESS_VALID == 0 || mac == [0; 6] || multicast {
        return Err(NetError::Device("no valid station address in RAL0/RAH0"));
    }
    Ok(mac)
}

/// Sets the link up with speed and duplex from auto-negotiation, and
/// clears what firmware may have left forced or held in reset.
pub(super) fn set_link_up(registers: &Mmio) {
    let control = registers.read32(CTRL);
    let cleared = CTRL_GIO_MASTER_DISABLE
        | CTRL_LINK_RESET
        | CTRL_INVERT_LOSS_OF_SIGNAL
        | CTRL_FORCE_SPEED
        | CTRL_FORCE_DUPLEX
        | CTRL_RESET
        | CTRL_VLAN_MODE
        | CTRL_PHY_RESET;
    registers.write32(
        CTRL,
        (control & !cleared) | CTRL_SET_LINK_UP | CTRL_AUTO_SPEED,
    );
}

/// Unmasks the causes the driver handles (received frames, overruns,
/// link changes) on the interrupt the probe set up; with MSI-X, the
/// 82574L's own cause-to-vector map sends every cause to vector 0, the
/// only one routed. Nothing is unmasked without an interrupt. Returns
/// the transmit write-back cause, left masked until the ring fills (0
/// without an interrupt).
pub(super) fn enable_interrupts(registers: &Mmio, interrupt: Option<Interrupt>) -> u32 {
    let extended = registers.read32(CTRL_EXT);
    let mut extended = (extended & !(CTRL_EXT_INTERRUPT_AUTO_MASK | CTRL_EXT_EXTENDED_AUTO_MASK))
        | CTRL_EXT_DRIVER_LOADED;
    let (causes, transmitted) = match interrupt {
        None => (0, 0),
        Some(Interrupt::Msi { .. }) => (
            INT_RX_TIMER | INT_RX_OVERRUN | INT_LINK_STATUS_CHANGE,
            INT_TX_WRITTEN_BACK,
        ),
        Some(Interrupt::MsiX { .. }) => {
            // Vector number 0 in each field, plus its valid bit.
            registers.write32(
                IVAR,
                IVAR_RX_QUEUE0_VALID | IVAR_TX_QUEUE0_VALID | IVAR_OTHER_VALID,
            );
            extended |= CTRL_EXT_PBA_CLEAR;
            (
                INT_RX_QUEUE0 | INT_OTHER | INT_RX_TIMER | INT_RX_OVERRUN | INT_LINK_STATUS_CHANGE,
                INT_TX_QUEUE0 | INT_TX_WRITTEN_BACK,
            )
        }
    };
    // No cause is cleared or masked behind the driver's back: `poll`
    // acknowledges what it read.
    registers.write32(EIAC, 0);
    registers.write32(IAM, 0);
    registers.write32(CTRL_EXT, extended);
    registers.write32(ICR, u32::MAX);
    if causes != 0 {
        registers.write32(IMS, causes);
    }
    transmitted
}

/// Spins until `done` holds, or fails with `Timeout` after `timeout_ns`.
fn wait_until(
    registers: &Mmio,
    timeout_ns: u64,
    done: impl Fn(&Mmio) -> bool,
) -> Result<(), NetError> {
    let deadline = crate::clock::now_ns().saturating_add(timeout_ns);
    while !done(registers) {
        if crate::clock::now_ns() > deadline {
            return Err(NetError::Timeout);
        }
        core::hint::spin_loop();
    }
    Ok(())
}
