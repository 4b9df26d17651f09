//! The `events` command: a subscription to the event bus made on first
//! use and kept for the console's life, drained a batch at a time, one
//! line per event.

use crate::event_line::line;
use crate::{Error, Host};
use aios_events::Event;

/// Events one `events` shows when no count is given.
pub const DEFAULT_COUNT: u32 = 20;
/// The most events one `events` shows; larger counts are taken as this.
pub const MAX_COUNT: u32 = 1000;
/// What the first `events` prints, before draining.
pub const SUBSCRIBED: &str = "events: subscribed; events from now on are kept (256 queued at most)";

/// The console's event subscription, made by the first `events`.
#[derive(Debug, Default)]
pub struct Subscription {
    /// The subscription number, once subscribed.
    sub: Option<u32>,
    /// An event taken from the kernel's queue to learn whether more were
    /// queued, shown first by the next `events`.
    ahead: Option<Event>,
}

impl Subscription {
    /// Runs `events [count]`: subscribes if not yet subscribed, then takes
    /// up to `count` (1 to [`MAX_COUNT`]) queued events without waiting.
    /// Returns the lines to print: one per event, then `events: <k> shown`
    /// (`, more queued` when events remain), or `events: <why>` on failure.
    pub fn drain<H: Host>(&mut self, host: &mut H, count: u32) -> Vec<String> {
        let count = count.clamp(1, MAX_COUNT);
        let mut lines = Vec::new();
        let sub = match self.sub {
            Some(sub) => sub,
            None => match host.event_subscribe() {
                Ok(sub) => {
                    self.sub = Some(sub);
                    lines.push(String::from(SUBSCRIBED));
                    sub
                }
                Err(error) => return vec![format!("events: {error}")],
            },
        };
        let mut shown = 0u32;
        loop {
            let next = match self.ahead.take() {
                Some(event) => Ok(event),
                None => host.event_next(sub),
            };
            match next {
                Ok(event) if shown < count => {
                    lines.push(line(&event));
                    shown += 1;
                }
                Ok(event) => {
                    self.ahead = Some(event);
                    lines.push(format!("events: {shown} shown, more queued"));
                    return lines;
                }
                Err(error) if crate::shell::is_no_input(&error) => {
                    lines.push(format!("events: {shown} shown"));
                    return lines;
                }
                Err(error) => {
                    // A stale subscription is gone for good (the kernel
                    // ended it): the next `events` subscribes afresh.
                    if error == Error::Syscall(aios_abi::Error::StaleHandle) {
                        self.sub = None;
                    }
                    lines.push(format!("events: {error}"));
                    return lines;
                }
            }
        }
    }
}
