//! Choosing what a CPU runs next, putting it back, and stealing work.

use crate::queue::rebase;
use crate::scheduler::Scheduler;
use crate::{TaskId, TaskState};

impl Scheduler {
    /// The next task for `cpu`: the lowest virtual runtime in its queue,
    /// after stealing from the busiest CPU if this one has too little work
    /// (see [`Scheduler::steals`]). The task is then running on `cpu` until
    /// it is requeued, blocked, put to sleep or removed. `None` if there is
    /// nothing to run here (or `cpu` does not exist): the CPU may halt.
    pub fn pick(&mut self, cpu: usize) -> Option<TaskId> {
        if cpu >= self.queues.len() {
            return None;
        }
        self.balance(cpu);
        let task = self.queues[cpu].first()?;
        // In place: this is the hot path of every switch, so the task table
        // entry is updated rather than removed and filed again.
        let entry = self.tasks.get_mut(&task)?;
        let key = (entry.vruntime, entry.seq);
        entry.state = TaskState::Running { cpu };
        entry.home = cpu;
        let vruntime = entry.vruntime;
        let queue = &mut self.queues[cpu];
        queue.remove(key);
        queue.start_running();
        queue.advance_floor(vruntime);
        Some(task)
    }

    /// Puts `task`, running and still runnable after its slice, in `cpu`'s
    /// queue. Its virtual runtime keeps its distance to the queue clock if
    /// it changes CPU. A task that is not running is left as it is.
    pub fn requeue(&mut self, task: TaskId, cpu: usize) {
        let Some(TaskState::Running { cpu: from }) = self.state(task) else {
            return;
        };
        let to = self.cpu_for(cpu);
        if from != to {
            self.migrate(task, from, to);
            return;
        }
        // Same CPU (the common case): update in place, no rebase needed.
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        let Some(entry) = self.tasks.get_mut(&task) else {
            return;
        };
        entry.seq = seq;
        entry.state = TaskState::Runnable { cpu: to };
        entry.home = to;
        let key = (entry.vruntime, seq);
        let queue = &mut self.queues[to];
        queue.stop_running();
        queue.insert(key, task);
    }

    /// Steals one task for `cpu` if the busiest other CPU has at least two
    /// more tasks (queued or running) than it: that covers an idle CPU
    /// taking queued work from a busy one, and it evens out queues that
    /// never empty, which stealing only when idle would leave lopsided for
    /// ever. A CPU's last task is never taken, and the thief takes the
    /// victim's task with the highest virtual runtime.
    fn balance(&mut self, cpu: usize) {
        let own = self.queues[cpu].load();
        let victim = self
            .queues
            .iter()
            .enumerate()
            .filter(|&(other, queue)| other != cpu && queue.len() > 0)
            .max_by(|(a, qa), (b, qb)| qa.load().cmp(&qb.load()).then(b.cmp(a)))
            .map(|(other, queue)| (other, queue.load()));
        let Some((victim, load)) = victim else {
            return;
        };
        if load < own.saturating_add(2) {
            return;
        }
        if let Some(task) = self.queues[victim].last() {
            self.migrate(task, victim, cpu);
            self.steals = self.steals.saturating_add(1);
        }
    }

    /// Moves `task` from wherever it is to `to`'s queue, translating its
    /// virtual runtime from `from`'s clock to `to`'s.
    fn migrate(&mut self, task: TaskId, from: usize, to: usize) {
        let Some(mut entry) = self.take(task) else {
            return;
        };
        let (from_floor, to_floor) = (self.queues[from].floor(), self.queues[to].floor());
        entry.vruntime = rebase(entry.vruntime, from_floor, to_floor);
        entry.state = TaskState::Runnable { cpu: to };
        self.file(task, entry);
    }
}
