//! Powering the machine off through ACPI.

use crate::acpi;

/// Why power-off did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerError {
    /// No ACPI tables were found.
    NoAcpi,
    /// The FADT names no PM1a control block.
    NoPm1aControl,
    /// The DSDT has no `\_S5` package.
    NoS5,
    /// The machine ignored the request.
    Ignored,
}

impl core::fmt::Display for PowerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            PowerError::NoAcpi => "no ACPI tables",
            PowerError::NoPm1aControl => "the FADT has no PM1a control block",
            PowerError::NoS5 => "the DSDT has no \\_S5 sleep package",
            PowerError::Ignored => "the machine ignored the ACPI soft-off request",
        })
    }
}

/// Enters ACPI S5. Returns an error if that is impossible or ignored.
pub fn power_off() -> PowerError {
    let Some(tables) = acpi::get() else {
        return PowerError::NoAcpi;
    };
    let Some(pm1a_control) = tables.pm1a_control else {
        return PowerError::NoPm1aControl;
    };
    let Some(s5) = tables.s5 else {
        return PowerError::NoS5;
    };
    let acpi_enable = u16::try_from(tables.smi_command_port)
        .ok()
        .map(|port| (port, tables.acpi_enable));
    aios_hal::power::acpi_soft_off(&aios_hal::power::SoftOff {
        pm1a_control,
        pm1b_control: tables.pm1b_control,
        slp_typ_a: s5.slp_typ_a,
        slp_typ_b: s5.slp_typ_b,
        acpi_enable,
    });
    aios_hal::clock::spin_ns(100_000_000);
    PowerError::Ignored
}
