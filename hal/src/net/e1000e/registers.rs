//! 82574L register offsets in BAR0 and the bits the driver uses
//! (datasheet section 10.2).

/// Device control.
pub(super) const CTRL: u64 = 0x0000;
/// Device status.
pub(super) const STATUS: u64 = 0x0008;
/// EEPROM/flash control.
pub(super) const EECD: u64 = 0x0010;
/// Extended device control.
pub(super) const CTRL_EXT: u64 = 0x0018;
/// Interrupt cause read (cleared by writing ones).
pub(super) const ICR: u64 = 0x00C0;
/// Interrupt mask set.
pub(super) const IMS: u64 = 0x00D0;
/// Interrupt mask clear.
pub(super) const IMC: u64 = 0x00D8;
/// Extended interrupt auto clear (MSI-X).
pub(super) const EIAC: u64 = 0x00DC;
/// Interrupt acknowledge auto-mask.
pub(super) const IAM: u64 = 0x00E0;
/// Interrupt vector allocation (MSI-X).
pub(super) const IVAR: u64 = 0x00E4;
/// Receive control.
pub(super) const RCTL: u64 = 0x0100;
/// Transmit control.
pub(super) const TCTL: u64 = 0x0400;
/// Transmit inter-packet gap.
pub(super) const TIPG: u64 = 0x0410;
/// Receive descriptor ring 0: base low/high, length, head, tail.
pub(super) const RDBAL: u64 = 0x2800;
pub(super) const RDBAH: u64 = 0x2804;
pub(super) const RDLEN: u64 = 0x2808;
pub(super) const RDH: u64 = 0x2810;
pub(super) const RDT: u64 = 0x2818;
/// Receive interrupt delay timer and absolute delay.
pub(super) const RDTR: u64 = 0x2820;
pub(super) const RADV: u64 = 0x282C;
/// Transmit descriptor ring 0: base low/high, length, head, tail.
pub(super) const TDBAL: u64 = 0x3800;
pub(super) const TDBAH: u64 = 0x3804;
pub(super) const TDLEN: u64 = 0x3808;
pub(super) const TDH: u64 = 0x3810;
pub(super) const TDT: u64 = 0x3818;
/// Transmit arbitration count, queue 0.
pub(super) const TARC0: u64 = 0x3840;
/// Receive checksum control.
pub(super) const RXCSUM: u64 = 0x5000;
/// Receive filter control.
pub(super) const RFCTL: u64 = 0x5008;
/// Multicast table array: 128 registers.
pub(super) const MTA: u64 = 0x5200;
pub(super) const MTA_REGISTERS: u64 = 128;
/// Receive address 0, low and high.
pub(super) const RAL0: u64 = 0x5400;
pub(super) const RAH0: u64 = 0x5404;

pub(super) const CTRL_GIO_MASTER_DISABLE: u32 = 1 << 2;
pub(super) const CTRL_LINK_RESET: u32 = 1 << 3;
pub(super) const CTRL_AUTO_SPEED: u32 = 1 << 5;
pub(super) const CTRL_SET_LINK_UP: u32 = 1 << 6;
pub(super) const CTRL_INVERT_LOSS_OF_SIGNAL: u32 = 1 << 7;
pub(super) const CTRL_FORCE_SPEED: u32 = 1 << 11;
pub(super) const CTRL_FORCE_DUPLEX: u32 = 1 << 12;
pub(super) const CTRL_RESET: u32 = 1 << 26;
pub(super) const CTRL_VLAN_MODE: u32 = 1 << 30;
pub(super) const CTRL_PHY_RESET: u32 = 1 << 31;

pub(super) const STATUS_LINK_UP: u32 = 1 << 1;
pub(super) const STATUS_GIO_MASTER_ENABLED: u32 = 1 << 19;

/// The EEPROM's contents (the station address among them) were loaded.
pub(super) const EECD_AUTO_READ_DONE: u32 = 1 << 9;

pub(super) const CTRL_EXT_INTERRUPT_AUTO_MASK: u32 = 1 << 27;
pub(super) const CTRL_EXT_EXTENDED_AUTO_MASK: u32 = 1 << 24;
/// Tells management firmware that a driver owns the device.
pub(super) const CTRL_EXT_DRIVER_LOADED: u32 = 1 << 28;
/// With MSI-X: unmasking a cause clears its vector's pending bit.
pub(super) const CTRL_EXT_PBA_CLEAR: u32 = 1 << 31;

/// Interrupt causes (ICR, IMS, IMC share the layout).
pub(super) const INT_TX_WRITTEN_BACK: u32 = 1 << 0;
pub(super) const INT_LINK_STATUS_CHANGE: u32 = 1 << 2;
pub(super) const INT_RX_OVERRUN: u32 = 1 << 6;
pub(super) const INT_RX_TIMER: u32 = 1 << 7;
/// MSI-X mode: receive queue 0 wrote back.
pub(super) const INT_RX_QUEUE0: u32 = 1 << 20;
/// MSI-X mode: transmit queue 0 wrote back.
pub(super) const INT_TX_QUEUE0: u32 = 1 << 22;
/// MSI-X mode: link change, overrun and the other causes.
pub(super) const INT_OTHER: u32 = 1 << 24;

/// IVAR: each cause's 3-bit vector number plus a valid bit.
pub(super) const IVAR_RX_QUEUE0_VALID: u32 = 1 << 3;
pub(super) const IVAR_TX_QUEUE0_VALID: u32 = 1 << 11;
pub(super) const IVAR_OTHER_VALID: u32 = 1 << 19;

pub(super) const RCTL_ENABLE: u32 = 1 << 1;
pub(super) const RCTL_BROADCAST_ACCEPT: u32 = 1 << 15;
/// Multicast promiscuous: IPv6 needs multicast (router advertisements to
/// all nodes, neighbour solicitations to solicited-node groups); the stack
/// drops groups it has not joined.
pub(super) const RCTL_MULTICAST_PROMISCUOUS: u32 = 1 << 4;
/// Buffer size field (bits 16-17, with BSEX clear): 0 means 2048 bytes.
pub(super) const RCTL_BUFFER_2048: u32 = 0;
pub(super) const RCTL_STRIP_CRC: u32 = 1 << 26;

/// RFCTL: extended receive descriptors (the driver uses legacy ones).
pub(super) const RFCTL_EXTENDED: u32 = 1 << 15;

pub(super) const TCTL_ENABLE: u32 = 1 << 1;
pub(super) const TCTL_PAD_SHORT: u32 = 1 << 3;
/// Collision threshold 15 (bits 4-11), the datasheet's value.
pub(super) const TCTL_COLLISION_THRESHOLD: u32 = 0x0F << 4;
/// Collision distance 63 (bits 12-21), for full duplex.
pub(super) const TCTL_COLLISION_DISTANCE: u32 = 0x3F << 12;
pub(super) const TCTL_RETRANSMIT_LATE_COLLISION: u32 = 1 << 24;

/// The datasheet's inter-packet gap for copper: IPGT 8, IPGR1 8, IPGR2 6.
pub(super) const TIPG_COPPER: u32 = 8 | (8 << 10) | (6 << 20);

/// TARC0: queue 0 takes part in transmit arbitration.
pub(super) const TARC_ENABLE: u32 = 1 << 10;
