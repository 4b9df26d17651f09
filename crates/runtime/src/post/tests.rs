//! The post office on its own: routing, schemas, replies, back-pressure,
//! expiry, exactly-once delivery in per-sender order.

use super::deliver::Sent;
use super::*;
use aios_abi::Error;
use aios_abi::payload::rights;
use aios_cap::{CapSpace, Resource};
use aios_ipc::{Destination, Filter, IntentSpec, Message};
use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};

const ECHO: &str = "{ text: text }";

fn text_body(text: &str) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(1).unwrap().str("text").unwrap().str(text).unwrap();
    e.into_writer()
}

fn echo_spec() -> IntentSpec {
    IntentSpec::new("demo.echo", "Echoes the text back.", ECHO, ECHO).unwrap()
}

/// A post office with agents 1..=n; agent `server` serves demo.echo.
fn post(n: u64, server: u64) -> (Post, CapSpace) {
    let mut post = Post::new();
    let mut caps = CapSpace::new();
    for agent in 1..=n {
        caps.add_agent(agent);
        let intents = if agent == server {
            vec![echo_spec()]
        } else {
            vec![]
        };
        post.add_agent(agent, intents).unwrap();
    }
    (post, caps)
}

fn request(text: &str) -> Message {
    let mut m = Message::new(999, Destination::Intent("demo.echo".into()), "demo.echo");
    m.body = text_body(text);
    m
}

fn send(
    post: &mut Post,
    caps: &mut CapSpace,
    from: u64,
    m: Message,
    nonblock: bool,
) -> Result<Sent, Error> {
    let prepared = post.prepare(from, m, Target::Intent("demo.*"))?;
    post.deliver(prepared, caps, nonblock, 10)
}

fn take(post: &mut Post, caps: &mut CapSpace, me: u64) -> Option<Message> {
    let taken = post
        .take(me, &Filter::default(), usize::MAX, caps, 10)
        .unwrap()?;
    Some(Message::decode(&taken.bytes).unwrap())
}

#[test]
fn from_is_stamped_and_id_assigned_whatever_the_sender_wrote() {
    let (mut post, mut caps) = post(2, 2);
    let mut m = request("hi");
    m.from = 2; // forged: pretends to come from the server itself
    let Sent::Queued { id, .. } = send(&mut post, &mut caps, 1, m, false).unwrap() else {
        panic!("queued");
    };
    let got = take(&mut post, &mut caps, 2).unwrap();
    assert_eq!(got.from, 1);
    assert_eq!(got.id, id);
    assert_ne!(id, 999);
    assert_eq!(got.context.conversation_id, id);
}

#[test]
fn schema_invalid_body_unknown_intent_and_uncovered_intent_are_refused() {
    let (mut post, mut caps) = post(2, 2);
    let mut bad = request("x");
    bad.body = text_body("x")[..3].to_vec();
    assert_eq!(
        send(&mut post, &mut caps, 1, bad, false),
        Err(Error::SchemaMismatch)
    );
    let mut wrong_type = request("x");
    let mut e = minicbor::Encoder::new(Vec::new());
    e.map(1).unwrap().str("text").unwrap().u32(5).unwrap();
    wrong_type.body = e.into_writer();
    assert_eq!(
        send(&mut post, &mut caps, 1, wrong_type, false),
        Err(Error::SchemaMismatch)
    );
    let nobody = Message::new(
        1,
        Destination::Intent("demo.nothing".into()),
        "demo.nothing",
    );
    assert_eq!(
        send(&mut post, &mut caps, 1, nobody, false),
        Err(Error::NoSuchIntent)
    );
    let prepared = post.prepare(1, request("x"), Target::Intent("text.*"));
    assert_eq!(prepared.err(), Some(Error::PermissionDenied));
    assert!(
        take(&mut post, &mut caps, 2).is_none(),
        "the receiver never sees refused messages"
    );
}

#[test]
fn a_reply_goes_back_once_and_only_to_the_requester() {
    let (mut post, mut caps) = post(3, 2);
    send(&mut post, &mut caps, 1, request("hi"), false).unwrap();
    let req = take(&mut post, &mut caps, 2).unwrap();
    let mut reply = Message::new(0, Destination::Agent(3), "whatever");
    reply.reply_to = Some(req.id);
    reply.body = text_body("hi");
    assert_eq!(
        post.prepare(2, reply.clone(), Target::Reply).err(),
        Some(Error::InvalidArgument)
    );
    reply.to = Destination::Agent(1);
    let prepared = post.prepare(2, reply.clone(), Target::Reply).unwrap();
    post.deliver(prepared, &mut caps, false, 20).unwrap();
    assert_eq!(
        post.prepare(2, reply, Target::Reply).err(),
        Some(Error::NotFound)
    );
    let got = take(&mut post, &mut caps, 1).unwrap();
    assert_eq!(got.reply_to, Some(req.id));
    assert_eq!(got.intent, "demo.echo");
    assert_eq!(got.context.conversation_id, req.context.conversation_id);
    assert_eq!(post.stats().latency_buckets.iter().sum::<u64>(), 1);
}

#[test]
fn deadlines_expire_with_a_notice_to_the_sender() {
    let (mut post, mut caps) = post(2, 2);
    let mut m = request("late");
    m.context.deadline_ns = Some(100);
    let Sent::Queued { id, .. } = send(&mut post, &mut caps, 1, m, false).unwrap() else {
        panic!("queued");
    };
    assert!(post.expire(&mut caps, 50).is_empty());
    post.expire(&mut caps, 101);
    assert!(
        post.take(2, &Filter::default(), usize::MAX, &mut caps, 101)
            .unwrap()
            .is_none()
    );
    let notice = take(&mut post, &mut caps, 1).unwrap();
    assert_eq!(notice.intent, EXPIRED_INTENT);
    assert_eq!(notice.reply_to, Some(id));
    assert_eq!(notice.from, KERNEL);
    let mut gone = request("too late");
    gone.context.deadline_ns = Some(5);
    assert_eq!(
        send(&mut post, &mut caps, 1, gone, false),
        Err(Error::Expired)
    );
}

#[test]
fn a_full_mailbox_pushes_back_without_loss_or_growth() {
    let (mut post, mut caps) = post(3, 3);
    for i in 0..MAILBOX_CAPACITY {
        let sent = send(&mut post, &mut caps, 1, request(&format!("{i}")), true).unwrap();
        assert!(matches!(sent, Sent::Queued { .. }));
    }
    assert_eq!(
        send(&mut post, &mut caps, 1, request("x"), true),
        Err(Error::WouldBlock)
    );
    let Sent::Parked { id } = send(&mut post, &mut caps, 2, request("parked"), false).unwrap()
    else {
        panic!("parked");
    };
    assert_eq!(post.boxes[&3].len(), MAILBOX_CAPACITY);
    let first = post
        .take(3, &Filter::default(), usize::MAX, &mut caps, 10)
        .unwrap()
        .unwrap();
    assert_eq!(
        first.wakes,
        vec![Wake {
            agent: 2,
            value: id as i64
        }]
    );
    assert_eq!(post.boxes[&3].len(), MAILBOX_CAPACITY);
    let mut seen = 1;
    while let Some(m) = take(&mut post, &mut caps, 3) {
        seen += 1;
        if seen == MAILBOX_CAPACITY + 1 {
            assert_eq!(m.id, id);
        }
    }
    assert_eq!(seen, MAILBOX_CAPACITY + 1);
}

#[test]
fn ten_senders_ten_thousand_messages_each_exactly_once_in_order() {
    let (mut post, mut caps) = post(11, 11);
    let mut next = [0u32; 11];
    let mut received = [0u32; 11];
    let mut parked: Vec<Option<Message>> = vec![None; 11];
    let total = 10 * 10_000;
    let mut delivered = 0;
    while delivered < total {
        for sender in 1..=10u64 {
            let i = sender as usize;
            if parked[i].is_some() || next[i] == 10_000 {
                continue;
            }
            let m = request(&format!("{sender}:{}", next[i]));
            next[i] += 1;
            if let Sent::Parked { .. } =
                send(&mut post, &mut caps, sender, m.clone(), false).unwrap()
            {
                parked[i] = Some(m);
            }
        }
        for _ in 0..7 {
            let Some(taken) = post
                .take(11, &Filter::default(), usize::MAX, &mut caps, 10)
                .unwrap()
            else {
                break;
            };
            for wake in taken.wakes {
                parked[wake.agent as usize] = None;
            }
            let m = Message::decode(&taken.bytes).unwrap();
            let mut d = minicbor::Decoder::new(&m.body);
            d.map().unwrap();
            d.str().unwrap();
            let text = String::from(d.str().unwrap());
            let (who, n) = text.split_once(':').unwrap();
            let who: usize = who.parse().unwrap();
            assert_eq!(who as u64, m.from);
            assert_eq!(n.parse::<u32>().unwrap(), received[who], "per-sender order");
            received[who] += 1;
            delivered += 1;
        }
        assert!(post.boxes[&11].len() <= MAILBOX_CAPACITY);
        assert!(post.pending.values().map(|q| q.len()).sum::<usize>() <= 10);
    }
    assert!(received[1..].iter().all(|&n| n == 10_000));
    assert!(
        take(&mut post, &mut caps, 11).is_none(),
        "nothing duplicated"
    );
}

#[test]
fn a_stopped_receiver_returns_requests_and_fails_parked_senders() {
    let (mut post, mut caps) = post(3, 3);
    send(&mut post, &mut caps, 1, request("a"), false).unwrap();
    send(&mut post, &mut caps, 2, request("b"), false).unwrap();
    let taken = take(&mut post, &mut caps, 3).unwrap();
    assert_eq!(taken.from, 1);
    post.remove_agent(3);
    for sender in [1, 2] {
        let notice = take(&mut post, &mut caps, sender).unwrap();
        assert_eq!(notice.intent, UNDELIVERED_INTENT);
    }
    assert_eq!(
        send(&mut post, &mut caps, 1, request("c"), false),
        Err(Error::NoAgent)
    );
}

#[test]
fn capabilities_travel_attenuated_and_need_grant() {
    let (mut post, mut caps) = post(2, 2);
    let handle = caps
        .mint(
            1,
            Resource::Intent("demo.*".into()),
            rights::WRITE | rights::GRANT,
            None,
            None,
        )
        .unwrap();
    let plain = caps
        .mint(1, Resource::Console, rights::WRITE, None, None)
        .unwrap();
    let mut m = request("cap");
    m.caps = vec![plain.raw()];
    assert_eq!(
        send(&mut post, &mut caps, 1, m, false),
        Err(Error::PermissionDenied)
    );
    let mut m = request("cap");
    m.caps = vec![handle.raw()];
    send(&mut post, &mut caps, 1, m, false).unwrap();
    let got = take(&mut post, &mut caps, 2).unwrap();
    assert_eq!(got.caps.len(), 1);
    let theirs = caps.list(2, 0);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].rights, rights::WRITE, "GRANT does not travel");
    assert_eq!(theirs[0].handle.raw(), got.caps[0]);
}

#[test]
fn notices_to_an_agent_that_never_reads_are_bounded_and_counted() {
    let (mut post, mut caps) = post(2, 2);
    // Agent 1 sends far more short-lived requests than boxes hold, reading
    // nothing; the server takes them too late, so each comes back expired.
    let mut sent = 0;
    for round in 0..10u64 {
        for _ in 0..MAILBOX_CAPACITY {
            let mut m = request("late");
            m.context.deadline_ns = Some(20 + round);
            let prepared = post.prepare(1, m, Target::Intent("demo.*")).unwrap();
            post.deliver(prepared, &mut caps, true, 10 + round).unwrap();
            sent += 1;
        }
        post.expire(&mut caps, 100 + round);
    }
    assert_eq!(post.totals.expired, sent);
    assert_eq!(
        post.boxes[&1].len(),
        2 * MAILBOX_CAPACITY,
        "bounded at twice"
    );
    assert_eq!(post.totals.notices_lost, sent - 2 * MAILBOX_CAPACITY as u64);
    assert_eq!(post.stats().notices_lost, post.totals.notices_lost);
}

#[test]
fn large_bodies_push_back_at_the_byte_bound_not_only_the_count() {
    let mut post = Post::new();
    let mut caps = CapSpace::new();
    let spec = IntentSpec::new("demo.blob", "Takes bytes.", "bytes", "bytes").unwrap();
    for agent in 1..=2 {
        caps.add_agent(agent);
    }
    post.add_agent(1, vec![]).unwrap();
    post.add_agent(2, vec![spec]).unwrap();
    let blob = |n: usize| {
        let mut m = Message::new(0, Destination::Intent("demo.blob".into()), "demo.blob");
        let mut e = minicbor::Encoder::new(Vec::new());
        e.bytes(&vec![7u8; n]).unwrap();
        m.body = e.into_writer();
        m
    };
    let mut queued = 0;
    loop {
        let prepared = post
            .prepare(1, blob(512 * 1024), Target::Intent("demo.*"))
            .unwrap();
        match post.deliver(prepared, &mut caps, true, 10) {
            Ok(_) => queued += 1,
            Err(error) => {
                assert_eq!(error, Error::WouldBlock);
                break;
            }
        }
    }
    assert!(queued < MAILBOX_CAPACITY, "{queued}");
    assert!(post.boxes[&2].bytes() <= MAILBOX_BYTES);
    // Taking one makes room again.
    take(&mut post, &mut caps, 2).unwrap();
    let prepared = post
        .prepare(1, blob(512 * 1024), Target::Intent("demo.*"))
        .unwrap();
    assert!(post.deliver(prepared, &mut caps, true, 10).is_ok());
}

#[test]
fn the_api_s_requests_are_answered_into_its_inbox_with_notices_for_failures() {
    let (mut post, mut caps) = post(2, 2);
    let api_send = |post: &mut Post, caps: &mut CapSpace, m: Message| {
        let prepared = post.prepare(API, m, Target::Intent("*")).unwrap();
        match post.deliver(prepared, caps, true, 10).unwrap() {
            Sent::Queued { id, .. } => id,
            other => panic!("{other:?}"),
        }
    };
    // Answered: the reply goes to the inbox, not to a mailbox.
    let asked = api_send(&mut post, &mut caps, request("hi"));
    let req = take(&mut post, &mut caps, 2).unwrap();
    assert_eq!(req.from, API);
    let mut reply = Message::new(0, Destination::Agent(API), "demo.echo");
    reply.reply_to = Some(req.id);
    reply.body = text_body("hi");
    let prepared = post.prepare(2, reply, Target::Reply).unwrap();
    assert!(matches!(
        post.deliver(prepared, &mut caps, false, 20),
        Ok(Sent::ToKernel { .. })
    ));
    let got = post.api_inbox.pop_front().unwrap();
    assert_eq!((got.from, got.reply_to), (2, Some(asked)));
    assert_eq!(got.body, text_body("hi"));
    // Expired unread: a notice.
    let mut late = request("late");
    late.context.deadline_ns = Some(100);
    let expired = api_send(&mut post, &mut caps, late);
    post.expire(&mut caps, 101);
    let notice = post.api_inbox.pop_front().unwrap();
    assert_eq!(
        (notice.intent.as_str(), notice.from, notice.reply_to),
        (EXPIRED_INTENT, KERNEL, Some(expired))
    );
    // Taken, then its receiver stopped: a notice.
    let orphan = api_send(&mut post, &mut caps, request("orphan"));
    take(&mut post, &mut caps, 2).unwrap();
    post.remove_agent(2);
    let notice = post.api_inbox.pop_front().unwrap();
    assert_eq!(
        (notice.intent.as_str(), notice.reply_to),
        (UNDELIVERED_INTENT, Some(orphan))
    );
    // The inbox is bounded: the oldest goes.
    for i in 0..API_INBOX as u64 + 3 {
        let mut m = Message::new(i, Destination::Agent(API), "x");
        m.reply_to = Some(i);
        post.keep_for_api(m);
    }
    assert_eq!(post.api_inbox.len(), API_INBOX);
    assert_eq!(post.api_inbox.front().unwrap().reply_to, Some(3));
}
