//! The CMOS real-time clock: the wall-clock hour, for policies with time
//! windows, and the date and time, for checking certificates. QEMU keeps
//! it in UTC.

use crate::port::{inb, outb};

const INDEX: u16 = 0x70;
const DATA: u16 = 0x71;
const SECONDS: u8 = 0x00;
const MINUTES: u8 = 0x02;
const HOURS: u8 = 0x04;
const DAY: u8 = 0x07;
const MONTH: u8 = 0x08;
const YEAR: u8 = 0x09;
/// The century register QEMU and most firmware keep (ACPI FADT's default).
const CENTURY: u8 = 0x32;
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
    (read_clock().0 % 86_400) as u32
}

/// Seconds since 1970-01-01T00:00:00Z the RTC shows, or `None` if its date
/// is not a date (a clock never set). Read it once and count from the
/// monotonic clock.
pub fn unix_seconds() -> Option<u64> {
    let (of_day, date) = read_clock();
    let (year, month, day) = date?;
    let days = days_from_civil(year, month, day)?;
    Some(days * 86_400 + of_day)
}

/// Seconds of the day, and the date (year, month, day) if it is one.
fn read_clock() -> (u64, Option<(u32, u32, u32)>) {
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
    let seconds = u64::from(binary(read(SECONDS)).min(59));
    let minutes = u64::from(binary(read(MINUTES)).min(59));
    let hour = u64::from(hour_from(status, read(HOURS)));
    let day = u32::from(binary(read(DAY)));
    let month = u32::from(binary(read(MONTH)));
    let year = u32::from(binary(read(YEAR)));
    let century = u32::from(binary(read(CENTURY)));
    // A century register that holds no century (0, or garbage) means the
    // firmware keeps none: years 00-99 are then 2000-2099.
    let century = if (19..=99).contains(&century) {
        century
    } else {
        20
    };
    let valid = (1..=12).contains(&month) && (1..=31).contains(&day) && year <= 99;
    (
        hour * 3600 + minutes * 60 + seconds,
        valid.then_some((century * 100 + year, month, day)),
    )
}

/// Days from 1970-01-01 to the proleptic Gregorian date, `None` before
/// 1970, for a month that is not 1 to 12, or for a day the month does not
/// have.
pub fn days_from_civil(year: u32, month: u32, day: u32) -> Option<u64> {
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if year < 1970 || day > month_days[(month - 1) as usize] {
        return None;
    }
    let years = u64::from(year - 1970);
    let leaps = |y: u64| y / 4 - y / 100 + y / 400;
    // Leap days in the years before `year`, counted from 1970 (whose
    // preceding year 1969 has 492 such days since year 0).
    let leap_days = leaps(u64::from(year) - 1) - leaps(1969);
    let before_month: u64 = month_days[..(month - 1) as usize]
        .iter()
        .map(|d| u64::from(*d))
        .sum();
    Some(years * 365 + leap_days + before_month + u64::from(day) - 1)
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
