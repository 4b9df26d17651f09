//! The CMOS real-time clock: the wall-clock hour, for policies with time
//! windows. QEMU keeps it in UTC.

use crate::port::{inb, outb};

const INDEX: u16 = 0x70;
const DATA: u16 = 0x71;
const SECONDS: u8 = 0x00;
const MINUTES: u8 = 0x02;
const HOURS: u8 = 0x04;
const STATUS_A: u8 = 0x0A;
const STATUS_B: u8 = 0x0B;

fn read(register: u8) -> u8 {
    // SAFETY: ports 0x70/0x71 are the CMOS index and data registers; the
    // kernel never uses them elsewhere. Bit 7 of the index keeps NMIs
    // masked as the firmware left them.
    unsafe {
        outb(INDEX, register | 0x80);
        inb(DATA)
    }
}

/// Seconds since midnight (0..86,400) the RTC shows, read when no update
/// is in progress. Port I/O is slow under emulation: read it once and
/// count from the monotonic clock.
pub fn seconds_of_day() -> u32 {
    for _ in 0..1000 {
        if read(STATUS_A) & 0x80 == 0 {
            break;
        }
    }
    let status = read(STATUS_B);
    let binary = |raw: u8| {
        if status & 0x04 == 0 {
            (raw >> 4) * 10 + (raw & 0x0F)
        } else {
            raw
        }
    };
    let seconds = u32::from(binary(read(SECONDS)).min(59));
    let minutes = u32::from(binary(read(MINUTES)).min(59));
    let hour = u32::from(hour_from(status, read(HOURS)));
    hour * 3600 + minutes * 60 + seconds
}

fn hour_from(status: u8, raw: u8) -> u8 {
    let pm = raw & 0x80 != 0;
    let value = raw & 0x7F;
    let mut hour = if status & 0x04 == 0 {
        (value >> 4) * 10 + (value & 0x0F)
    } else {
        value
    };
    if status & 0x02 == 0 {
        // 12-hour mode: 12 AM is 0, 12 PM is 12.
        hour %= 12;
        if pm {
            hour += 12;
        }
    }
    hour.min(23)
}
