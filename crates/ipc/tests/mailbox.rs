//! Mailbox: ordering, per-sender FIFO, capacity, filters, expiry.

use std::collections::BTreeMap;

use aios_ipc::{Destination, Filter, Mailbox, Message, Pattern, PushError};
use proptest::prelude::*;

fn message(id: u64, from: u64, priority: u8, deadline: Option<u64>) -> Message {
    let mut message = Message::new(id, Destination::Agent(1), "text.speak");
    message.from = from;
    message.context.priority = priority;
    message.context.deadline_ns = deadline;
    message
}

fn drain(mailbox: &mut Mailbox, now: u64) -> Vec<u64> {
    std::iter::from_fn(|| mailbox.pop(now))
        .map(|m| m.id)
        .collect()
}

#[test]
fn priority_then_deadline_then_arrival() {
    let mut mailbox = Mailbox::new(10);
    mailbox.push(message(1, 1, 10, None), 0).unwrap();
    mailbox.push(message(2, 1, 200, None), 0).unwrap();
    mailbox.push(message(3, 2, 10, Some(50)), 0).unwrap();
    mailbox.push(message(4, 2, 10, Some(40)), 0).unwrap();
    mailbox.push(message(5, 3, 10, None), 0).unwrap();
    mailbox.push(message(6, 1, 200, None), 0).unwrap();
    assert_eq!(drain(&mut mailbox, 0), [2, 6, 4, 3, 1, 5]);
}

#[test]
fn full_mailbox_refuses_and_returns_the_message() {
    let mut mailbox = Mailbox::new(2);
    mailbox.push(message(1, 1, 0, None), 0).unwrap();
    mailbox.push(message(2, 1, 0, None), 0).unwrap();
    let refused = mailbox.push(message(3, 1, 255, None), 0).unwrap_err();
    assert!(matches!(&refused, PushError::Full(m) if m.id == 3));
    assert_eq!(refused.into_message().id, 3);
    assert_eq!((mailbox.len(), mailbox.capacity()), (2, 2));
    mailbox.pop(0).unwrap();
    mailbox.push(message(3, 1, 255, None), 0).unwrap();
    assert_eq!(drain(&mut mailbox, 0), [3, 2]);
}

#[test]
fn filters_select_by_intent_sender_and_conversation() {
    let mut mailbox = Mailbox::new(10);
    let mut reply = message(1, 5, 0, None);
    reply.intent = "reply".into();
    reply.context.conversation_id = 77;
    mailbox.push(reply, 0).unwrap();
    mailbox.push(message(2, 6, 0, None), 0).unwrap();
    mailbox.push(message(3, 5, 0, None), 0).unwrap();
    let text = Filter {
        intent: Some(Pattern::parse("text.*").unwrap()),
        ..Filter::default()
    };
    assert_eq!(mailbox.pop_matching(&text, 0).map(|m| m.id), Some(2));
    let from_five = Filter {
        from: Some(5),
        ..Filter::default()
    };
    let conversation = Filter {
        conversation: Some(77),
        ..Filter::default()
    };
    assert_eq!(
        mailbox.pop_matching(&conversation, 0).map(|m| m.id),
        Some(1)
    );
    assert_eq!(mailbox.pop_matching(&conversation, 0), None);
    assert_eq!(mailbox.pop_matching(&from_five, 0).map(|m| m.id), Some(3));
    assert!(mailbox.is_empty());
}

#[test]
fn expired_messages_leave_only_through_expire() {
    let mut mailbox = Mailbox::new(10);
    mailbox.push(message(1, 1, 0, Some(100)), 0).unwrap();
    mailbox.push(message(2, 1, 0, Some(200)), 0).unwrap();
    mailbox.push(message(3, 1, 0, None), 0).unwrap();
    assert_eq!(mailbox.next_deadline(), Some(100));
    // At the deadline itself a message is still deliverable.
    assert_eq!(mailbox.pop(100).map(|m| m.id), Some(1));
    assert!(mailbox.expire(150).is_empty());
    assert_eq!(mailbox.pop(201).map(|m| m.id), Some(3));
    assert_eq!(mailbox.len(), 1);
    assert_eq!(
        mailbox.expire(201).iter().map(|m| m.id).collect::<Vec<_>>(),
        [2]
    );
    assert!(mailbox.expire(1000).is_empty());
    assert!(mailbox.is_empty());
    let late = mailbox.push(message(4, 1, 0, Some(5)), 6).unwrap_err();
    assert!(matches!(late, PushError::Expired(m) if m.id == 4));
}

#[derive(Debug, Clone)]
enum Step {
    Push {
        sender: u64,
        priority: u8,
        deadline: Option<u64>,
    },
    Pop {
        from: Option<u64>,
    },
    Advance(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..10u64, prop_oneof![Just(0u8), Just(128), Just(255)], proptest::option::of(0..500u64))
            .prop_map(|(sender, priority, deadline)| Step::Push { sender, priority, deadline }),
        3 => proptest::option::of(0..10u64).prop_map(|from| Step::Pop { from }),
        1 => (0..40u64).prop_map(Step::Advance),
    ]
}

proptest! {
    /// Ten senders push many messages with random priorities and deadlines;
    /// random pops (some filtered by sender) and expiry runs take them out.
    /// Every message leaves exactly once, the box never exceeds its
    /// capacity, and each sender's messages of equal priority and deadline
    /// leave in the order they were sent.
    #[test]
    fn every_message_leaves_exactly_once_in_sender_order(
        capacity in 1usize..16,
        steps in proptest::collection::vec(step(), 1..400),
    ) {
        let mut mailbox = Mailbox::new(capacity);
        let mut now = 0;
        let mut next_id = 0;
        let mut accepted = Vec::new();
        let mut left = BTreeMap::new();
        let mut last_seen: BTreeMap<(u64, u8, Option<u64>), u64> = BTreeMap::new();
        let mut depart = |m: Message, popped: bool, left: &mut BTreeMap<u64, bool>| {
            prop_assert!(left.insert(m.id, popped).is_none(), "message {} left twice", m.id);
            if popped {
                let class = (m.from, m.context.priority, m.context.deadline_ns);
                if let Some(previous) = last_seen.insert(class, m.id) {
                    prop_assert!(previous < m.id, "sender {} out of order", m.from);
                }
            }
            Ok(())
        };
        for step in steps {
            match step {
                Step::Push { sender, priority, deadline } => {
                    let id = next_id;
                    next_id += 1;
                    let deadline = deadline.map(|d| now + d);
                    let was_full = mailbox.len() == capacity;
                    match mailbox.push(message(id, sender, priority, deadline), now) {
                        Ok(()) => accepted.push(id),
                        Err(PushError::Full(m)) => prop_assert!(was_full && m.id == id),
                        Err(PushError::Expired(m)) => prop_assert_eq!(m.id, id),
                    }
                }
                Step::Pop { from } => {
                    let filter = Filter { from, ..Filter::default() };
                    if let Some(m) = mailbox.pop_matching(&filter, now) {
                        prop_assert!(from.is_none_or(|f| f == m.from));
                        prop_assert!(!m.is_expired(now));
                        depart(m, true, &mut left)?;
                    }
                }
                Step::Advance(by) => {
                    now += by;
                    for m in mailbox.expire(now) {
                        prop_assert!(m.is_expired(now));
                        depart(m, false, &mut left)?;
                    }
                }
            }
            prop_assert!(mailbox.len() <= capacity);
        }
        for m in mailbox.expire(u64::MAX) {
            depart(m, false, &mut left)?;
        }
        while let Some(m) = mailbox.pop(now) {
            depart(m, true, &mut left)?;
        }
        prop_assert_eq!(left.keys().copied().collect::<Vec<_>>(), accepted);
    }
}
