//! QEMU command lines: the machine every boot shares, PVH or UEFI firmware,
//! and a fresh OVMF variable store per boot.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;
use crate::setup::{OVMF_CODE, OVMF_VARS, QEMU};

/// How the machine boots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boot {
    /// QEMU's PVH direct boot: fast, unverified.
    Pvh {
        /// The kernel ELF.
        kernel: PathBuf,
        /// The boot bundle, passed as `-initrd`.
        bundle: PathBuf,
        /// The kernel command line (`-append`).
        cmdline: String,
    },
    /// OVMF booting the loader from an ESP directory: verified boot.
    Uefi {
        /// The ESP directory, served as a FAT drive.
        esp: PathBuf,
        /// This boot's own copy of the OVMF variable store.
        vars: PathBuf,
    },
}

/// Where the guest's serial port goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serial {
    /// Plain stdio (for piped, captured runs).
    Stdio,
    /// stdio multiplexed with the QEMU monitor (terminals: Ctrl-A X quits).
    MonitorStdio,
}

/// One QEMU machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Number of CPUs.
    pub smp: u32,
    /// Memory in QEMU's syntax.
    pub memory: String,
    /// How it boots.
    pub boot: Boot,
    /// Extra arguments appended last.
    pub extra: Vec<String>,
}

impl Machine {
    /// QEMU's arguments for this machine.
    pub fn args(&self, serial: Serial) -> Vec<String> {
        let serial = match serial {
            Serial::Stdio => "stdio",
            Serial::MonitorStdio => "mon:stdio",
        };
        let mut args: Vec<String> = [
            "-machine",
            "q35",
            "-cpu",
            "max",
            "-m",
            &self.memory,
            "-smp",
            &self.smp.to_string(),
            "-display",
            "none",
            "-monitor",
            "none",
            "-no-reboot",
            "-serial",
            serial,
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match &self.boot {
            Boot::Pvh {
                kernel,
                bundle,
                cmdline,
            } => {
                args.extend([
                    "-kernel".to_string(),
                    kernel.display().to_string(),
                    "-initrd".to_string(),
                    bundle.display().to_string(),
                    "-append".to_string(),
                    cmdline.clone(),
                ]);
            }
            Boot::Uefi { esp, vars } => {
                args.extend([
                    "-drive".to_string(),
                    format!("if=pflash,format=raw,readonly=on,file={OVMF_CODE}"),
                    "-drive".to_string(),
                    format!("if=pflash,format=raw,file={}", vars.display()),
                    "-drive".to_string(),
                    format!("format=raw,file=fat:rw:{}", esp.display()),
                ]);
            }
        }
        args.extend(self.extra.iter().cloned());
        args
    }

    /// The QEMU command for this machine (stdio not yet configured).
    pub fn command(&self, serial: Serial) -> Command {
        let mut command = Command::new(QEMU);
        command.args(self.args(serial));
        command
    }
}

/// A fresh copy of OVMF's variable store at `<dir>/ovmf-vars-<name>.fd`, so
/// no boot sees variables an earlier one wrote.
pub fn fresh_vars(dir: &Path, name: &str) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let vars = dir.join(format!("ovmf-vars-{name}.fd"));
    std::fs::copy(OVMF_VARS, &vars).map_err(|e| Error::io(OVMF_VARS, e))?;
    Ok(vars)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn machine(boot: Boot) -> Machine {
        Machine {
            smp: 4,
            memory: "2G".to_string(),
            boot,
            extra: vec!["-d".to_string(), "int".to_string()],
        }
    }

    /// The values that follow `flag` in QEMU arguments, in order (for the
    /// argument tests of this module, `nics` and `run`).
    pub(crate) fn pair(args: &[String], flag: &str) -> Vec<String> {
        args.windows(2)
            .filter(|w| w[0] == flag)
            .map(|w| w[1].clone())
            .collect()
    }

    #[test]
    fn pvh_line_has_the_common_machine_and_direct_boot() {
        let args = machine(Boot::Pvh {
            kernel: PathBuf::from("/t/kernel.elf"),
            bundle: PathBuf::from("/t/bundle.bin"),
            cmdline: "loglevel=info ktest".to_string(),
        })
        .args(Serial::Stdio);
        assert_eq!(pair(&args, "-machine"), ["q35"]);
        assert_eq!(pair(&args, "-cpu"), ["max"]);
        assert_eq!(pair(&args, "-m"), ["2G"]);
        assert_eq!(pair(&args, "-smp"), ["4"]);
        assert_eq!(pair(&args, "-serial"), ["stdio"]);
        assert_eq!(pair(&args, "-monitor"), ["none"]);
        assert!(args.contains(&"-no-reboot".to_string()));
        assert_eq!(
            pair(&args, "-device"),
            ["isa-debug-exit,iobase=0xf4,iosize=0x04"]
        );
        assert_eq!(pair(&args, "-kernel"), ["/t/kernel.elf"]);
        assert_eq!(pair(&args, "-initrd"), ["/t/bundle.bin"]);
        assert_eq!(pair(&args, "-append"), ["loglevel=info ktest"]);
        assert!(pair(&args, "-drive").is_empty());
        assert_eq!(args[args.len() - 2..], ["-d", "int"]);
    }

    #[test]
    fn uefi_line_has_firmware_vars_and_the_esp() {
        let args = machine(Boot::Uefi {
            esp: PathBuf::from("/t/esp"),
            vars: PathBuf::from("/t/vars.fd"),
        })
        .args(Serial::MonitorStdio);
        assert_eq!(pair(&args, "-serial"), ["mon:stdio"]);
        assert_eq!(
            pair(&args, "-drive"),
            [
                "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                "if=pflash,format=raw,file=/t/vars.fd",
                "format=raw,file=fat:rw:/t/esp",
            ]
        );
        assert!(pair(&args, "-kernel").is_empty());
    }
}
