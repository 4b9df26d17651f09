//! Running a test's function on another CPU, in that CPU's main loop (not
//! in an interrupt handler, which must not allocate): the test leaves the
//! function in the CPU's slot and wakes it; the CPU runs it between agent
//! slices.

use super::ensure;
use aios_hal::percpu::MAX_CPUS;
use alloc::format;
use alloc::string::String;
use spin::Mutex;

/// Work waiting for one CPU.
type Slot = Mutex<Option<fn()>>;

static SLOTS: [Slot; MAX_CPUS] = [const { Mutex::new(None) }; MAX_CPUS];

/// Asks `cpu` to run `work` from its main loop; false if the CPU does
/// not exist, is busy with earlier work, or cannot be woken.
pub fn call(cpu: usize, work: fn()) -> bool {
    let Some(slot) = SLOTS.get(cpu) else {
        return false;
    };
    {
        let mut slot = slot.lock();
        if slot.is_some() {
            return false;
        }
        *slot = Some(work);
    }
    aios_hal::interrupts::send_ipi(cpu, aios_hal::interrupts::WAKE_VECTOR)
}

/// An online CPU other than this one, for a test's other half (`None`
/// on a one-CPU machine).
pub fn other_online_cpu() -> Option<usize> {
    let me = aios_hal::percpu::try_index();
    aios_hal::percpu::all()
        .iter()
        .find(|c| c.online.load(core::sync::atomic::Ordering::Acquire) && Some(c.index) != me)
        .map(|c| c.index)
}

/// The result a test's other half leaves for the test: the remote work
/// reports into it, the test waits for it.
pub struct Outcome(Mutex<Option<Result<(), String>>>);

impl Outcome {
    /// No result yet.
    pub const fn new() -> Outcome {
        Outcome(Mutex::new(None))
    }

    /// Forgets any earlier result and hands `work` (which must end with
    /// [`Outcome::report`]) to `cpu`.
    pub fn start(&self, cpu: usize, work: fn()) -> Result<(), String> {
        *self.0.lock() = None;
        ensure!(call(cpu, work), "could not hand work to cpu {}", cpu);
        Ok(())
    }

    /// The remote work's result.
    pub fn report(&self, result: Result<(), String>) {
        *self.0.lock() = Some(result);
    }

    /// Waits up to `seconds` for `cpu`'s result, running `meanwhile`
    /// between looks; its error names the CPU.
    pub fn wait(
        &self,
        cpu: usize,
        seconds: u64,
        mut meanwhile: impl FnMut(),
    ) -> Result<(), String> {
        let deadline = aios_hal::clock::now_ns() + seconds * 1_000_000_000;
        loop {
            if let Some(result) = self.0.lock().take() {
                return result.map_err(|e| format!("on cpu {cpu}: {e}"));
            }
            ensure!(
                aios_hal::clock::now_ns() < deadline,
                "cpu {} did not finish in {} s",
                cpu,
                seconds
            );
            meanwhile();
        }
    }
}

/// Runs the work left for `cpu`, if any (called by its main loop).
pub fn run_pending(cpu: usize) {
    let work = SLOTS.get(cpu).and_then(|slot| slot.lock().take());
    if let Some(work) = work {
        work();
    }
}
