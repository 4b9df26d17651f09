//! Fairness and quota behaviour of the I/O scheduler.

use aios_iosched::{IoScheduler, QUANTUM, Throttled};

const SECOND: u64 = 1_000_000_000;

/// Serves every queued request in grant order; returns (agent, cost) in
/// the order they got the device.
fn drain(
    sched: &mut IoScheduler,
    tickets: &mut Vec<(aios_iosched::Ticket, u64, u64)>,
) -> Vec<(u64, u64)> {
    let mut order = Vec::new();
    while !tickets.is_empty() {
        let index = tickets
            .iter()
            .position(|(t, _, _)| sched.may_run(*t))
            .expect("some queued request holds the device");
        let (ticket, agent, cost) = tickets.remove(index);
        order.push((agent, cost));
        sched.finish(ticket);
    }
    order
}

#[test]
fn a_streaming_agent_does_not_starve_small_requests() {
    let mut sched = IoScheduler::new();
    let mut tickets = Vec::new();
    // Agent 1 queues 20 chunks of 512 KiB; agent 2 then 20 puts of 4 KiB.
    for _ in 0..20 {
        let t = sched.request(1, 512 * 1024, 0).unwrap();
        tickets.push((t, 1, 512 * 1024));
    }
    for _ in 0..20 {
        let t = sched.request(2, 4096, 0).unwrap();
        tickets.push((t, 2, 4096));
    }
    let order = drain(&mut sched, &mut tickets);
    // All of agent 2's puts are served before agent 1 has moved 4 chunks:
    // FIFO would have made them wait for all 20.
    let last_small = order.iter().rposition(|(a, _)| *a == 2).unwrap();
    let big_before = order[..last_small].iter().filter(|(a, _)| *a == 1).count();
    assert!(
        big_before <= 4,
        "{big_before} large chunks went first: {order:?}"
    );
}

#[test]
fn busy_agents_move_equal_bytes() {
    let mut sched = IoScheduler::new();
    let mut tickets = Vec::new();
    for _ in 0..64 {
        tickets.push((sched.request(1, 64 * 1024, 0).unwrap(), 1, 64 * 1024));
        tickets.push((sched.request(2, 16 * 1024, 0).unwrap(), 2, 16 * 1024));
    }
    let order = drain(&mut sched, &mut tickets);
    // Over the first 2 MiB of service both agents got about half.
    let mut served = [0u64; 3];
    let mut total = 0;
    for (agent, cost) in order {
        if total >= 2 << 20 {
            break;
        }
        served[agent as usize] += cost;
        total += cost;
    }
    let diff = served[1].abs_diff(served[2]);
    assert!(diff <= 2 * QUANTUM, "unfair split {served:?}");
}

#[test]
fn a_quota_throttles_and_refills() {
    let mut sched = IoScheduler::new();
    sched.set_quota(7, Some(1 << 20));
    let t = sched
        .request(7, 3 << 20, 0)
        .expect("first request admitted");
    assert!(sched.may_run(t));
    sched.finish(t);
    // 3 MiB charged against 1 MiB/s: in debt for about 2 s.
    let Err(Throttled { retry_at_ns }) = sched.request(7, 4096, SECOND) else {
        panic!("second request should be throttled");
    };
    assert!(
        retry_at_ns > SECOND && retry_at_ns <= 2 * SECOND + 1000,
        "{retry_at_ns}"
    );
    assert!(sched.request(7, 4096, retry_at_ns).is_ok());
    assert_eq!(sched.stats(7).throttled, 1);
    assert_eq!(sched.stats(7).requests, 2);
    // Another agent is unaffected.
    assert!(sched.request(8, 1 << 30, SECOND).is_ok());
}

#[test]
fn withdrawn_and_forgotten_requests_do_not_block_others() {
    let mut sched = IoScheduler::new();
    let a = sched.request(1, 4096, 0).unwrap();
    let b = sched.request(2, 4096, 0).unwrap();
    let c = sched.request(3, 4096, 0).unwrap();
    assert!(sched.may_run(a));
    sched.finish(b); // agent 2 gave up waiting
    sched.forget(3);
    sched.finish(a);
    assert!(!sched.may_run(b));
    assert!(!sched.may_run(c));
    let d = sched.request(4, 4096, 0).unwrap();
    assert!(sched.may_run(d), "the device is free for a new request");
}
