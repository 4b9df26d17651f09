//! Disks attached to QEMU machines: the data disk on each of the three
//! controllers AIOS drives (virtio-blk, NVMe, AHCI) and blank scratch
//! images for the driver tests.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The controller a disk image is attached through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controller {
    /// `virtio-blk-pci` (modern).
    Virtio,
    /// An NVMe controller with one namespace.
    Nvme,
    /// An AHCI HBA with one SATA disk.
    Ahci,
}

impl Controller {
    /// Every controller, in the order tests use them.
    pub const ALL: [Controller; 3] = [Controller::Virtio, Controller::Nvme, Controller::Ahci];

    /// Parses `virtio`, `nvme` or `ahci` (the `--disk` option).
    pub fn parse(name: &str) -> Option<Controller> {
        match name {
            "virtio" => Some(Controller::Virtio),
            "nvme" => Some(Controller::Nvme),
            "ahci" => Some(Controller::Ahci),
            _ => None,
        }
    }

    /// The option's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Controller::Virtio => "virtio",
            Controller::Nvme => "nvme",
            Controller::Ahci => "ahci",
        }
    }

    /// QEMU arguments attaching `image` (raw) through this controller;
    /// the guest's flushes reach the host's disk.
    pub fn qemu_args(self, image: &Path) -> Vec<String> {
        self.qemu_args_cached(image, "writeback")
    }

    /// Like [`Controller::qemu_args`] with QEMU's `cache` mode `cache`
    /// (`unsafe` makes guest flushes free on the host: for benchmarks of
    /// the guest's own path, where a slow host disk would otherwise show
    /// up as guest time under `-icount`).
    pub fn qemu_args_cached(self, image: &Path, cache: &str) -> Vec<String> {
        let id = format!("disk-{}", self.name());
        let drive = format!(
            "file={},if=none,id={id},format=raw,cache={cache}",
            image.display()
        );
        let mut args = vec!["-drive".to_string(), drive];
        match self {
            Controller::Virtio => {
                args.extend(["-device".to_string(), format!("virtio-blk-pci,drive={id}")]);
            }
            Controller::Nvme => args.extend([
                "-device".to_string(),
                format!("nvme,drive={id},serial=aios-nvme"),
            ]),
            Controller::Ahci => args.extend([
                "-device".to_string(),
                "ahci,id=ahci0".to_string(),
                "-device".to_string(),
                format!("ide-hd,drive={id},bus=ahci0.0"),
            ]),
        }
        args
    }
}

/// Creates (or empties) a sparse raw image of `bytes` at `path`.
pub fn blank_image(path: &Path, bytes: u64) -> Result<PathBuf, Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    file.set_len(bytes).map_err(|e| Error::io(path, e))?;
    Ok(path.to_path_buf())
}

/// QEMU arguments attaching one blank scratch image per controller under
/// `dir` (fresh each call) with QEMU cache mode `cache`, for the driver
/// tests and the storage benchmark.
pub fn scratch_disks(dir: &Path, bytes: u64, cache: &str) -> Result<Vec<String>, Error> {
    let mut args = Vec::new();
    for controller in Controller::ALL {
        let image = blank_image(&dir.join(format!("{}.img", controller.name())), bytes)?;
        args.extend(controller.qemu_args_cached(&image, cache));
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_controller_names_its_own_drive() {
        for controller in Controller::ALL {
            let args = controller.qemu_args(Path::new("/t/d.img"));
            let drive = &args[1];
            assert!(drive.starts_with("file=/t/d.img,if=none,id=disk-"));
            assert!(
                args.iter()
                    .skip(2)
                    .any(|a| a.contains(&format!("drive=disk-{}", controller.name())))
            );
            assert_eq!(Controller::parse(controller.name()), Some(controller));
        }
        assert_eq!(Controller::parse("floppy"), None);
    }

    #[test]
    fn ahci_puts_the_disk_on_the_hba_it_adds() {
        let args = Controller::Ahci.qemu_args(Path::new("/t/d.img"));
        assert!(args.contains(&"ahci,id=ahci0".to_string()));
        assert!(args.iter().any(|a| a.ends_with("bus=ahci0.0")));
    }
}
