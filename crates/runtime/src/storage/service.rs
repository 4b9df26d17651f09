//! The mounted store, shared by every CPU, and agents' turns at it.

use aios_abi::Error;
use aios_iosched::{IoScheduler, Ticket};
use aios_store::{BlockDevice, Store, Upload};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;

/// The device the kernel hands the runtime: any block device.
pub type Disk = Box<dyn BlockDevice + Send>;

/// Most uploads (chunked puts) one agent may have open at once.
pub(crate) const MAX_UPLOADS: usize = 4;

/// The store as mounted, with the uploads in progress.
pub(crate) struct Mounted {
    pub(crate) store: Store<Disk>,
    /// Open uploads by (agent, namespace, key).
    pub(crate) uploads: BTreeMap<(u64, String, String), Upload>,
}

/// What mounting found, for the boot log and the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    /// Journal records replayed (non-zero after a crash).
    pub replayed: u64,
    /// Namespaces on the volume.
    pub namespaces: usize,
    /// Total and free 4 KiB blocks.
    pub blocks: (u64, u64),
    /// What became of the stored audit chain.
    pub audit: String,
}

/// Why the data disk could not be mounted.
#[derive(Debug)]
pub struct MountError(pub aios_store::Error);

impl core::fmt::Display for MountError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the data disk does not mount: {}", self.0)
    }
}

/// The object-store service.
pub(crate) struct Storage {
    mounted: spin::Mutex<Option<Mounted>>,
    io: spin::Mutex<IoScheduler>,
    /// Sequence number of the first audit record not yet stored.
    pub(crate) audit_next: spin::Mutex<u64>,
}

impl Storage {
    /// No store mounted yet: store syscalls answer `Unavailable`.
    pub(crate) fn new() -> Storage {
        Storage {
            mounted: spin::Mutex::new(None),
            io: spin::Mutex::new(IoScheduler::new()),
            audit_next: spin::Mutex::new(0),
        }
    }

    /// Mounts `disk` (replaying its journal) as the store.
    pub(crate) fn mount(&self, disk: Disk) -> Result<StoreStatus, MountError> {
        let (store, report) = Store::mount(disk).map_err(MountError)?;
        let mounted = Mounted {
            store,
            uploads: BTreeMap::new(),
        };
        let status = status(&mounted, report.replayed);
        *self.mounted.lock() = Some(mounted);
        Ok(status)
    }

    /// Whether a store is mounted.
    pub(crate) fn mounted_now(&self) -> bool {
        self.mounted.lock().is_some()
    }

    /// The store's state now, if one is mounted.
    pub(crate) fn status(&self) -> Option<StoreStatus> {
        self.mounted.lock().as_ref().map(|m| status(m, 0))
    }

    /// Sets an agent's I/O rate quota.
    pub(crate) fn set_io_quota(&self, agent: u64, bytes_per_second: Option<u64>) {
        self.io.lock().set_quota(agent, bytes_per_second);
    }

    /// Forgets an agent that ended: its open uploads are abandoned and its
    /// scheduler state dropped.
    pub(crate) fn forget(&self, agent: u64) {
        self.io.lock().forget(agent);
        if let Some(mounted) = self.mounted.lock().as_mut() {
            let (ended, kept) = core::mem::take(&mut mounted.uploads)
                .into_iter()
                .partition(|((owner, _, _), _)| *owner == agent);
            mounted.uploads = kept;
            let ended: BTreeMap<_, Upload> = ended;
            for upload in ended.into_values() {
                mounted.store.abort(upload);
            }
        }
    }

    /// Waits for `agent`'s turn at the device for a request of `cost`
    /// bytes. `WouldBlock` when its I/O quota is spent for now.
    pub(crate) fn turn(&self, agent: u64, cost: u64, now_ns: u64) -> Result<Turn<'_>, Error> {
        if self.mounted.lock().is_none() {
            return Err(Error::Unavailable);
        }
        let ticket = self
            .io
            .lock()
            .request(agent, cost, now_ns)
            .map_err(|_| Error::WouldBlock)?;
        // Another CPU holds the device for a moment (one chunk); requests
        // are granted in the scheduler's fair order.
        while !self.io.lock().may_run(ticket) {
            core::hint::spin_loop();
        }
        Ok(Turn {
            storage: self,
            ticket,
        })
    }

    /// Checkpoints the store (before power-off).
    pub(crate) fn sync(&self) -> Result<(), aios_store::Error> {
        match self.mounted.lock().as_mut() {
            Some(mounted) => mounted.store.sync(),
            None => Ok(()),
        }
    }
}

fn status(mounted: &Mounted, replayed: u64) -> StoreStatus {
    let stats = mounted.store.stats();
    StoreStatus {
        replayed,
        namespaces: stats.namespaces,
        blocks: (stats.blocks_total, stats.blocks_free),
        audit: String::new(),
    }
}

/// An agent's turn at the store; ends (and passes the device on) when
/// dropped.
pub(crate) struct Turn<'a> {
    storage: &'a Storage,
    ticket: Ticket,
}

impl Turn<'_> {
    /// Runs `f` on the mounted store.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Mounted) -> R) -> Result<R, Error> {
        let mut mounted = self.storage.mounted.lock();
        let mounted = mounted.as_mut().ok_or(Error::Unavailable)?;
        Ok(f(mounted))
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.storage.io.lock().finish(self.ticket);
    }
}
