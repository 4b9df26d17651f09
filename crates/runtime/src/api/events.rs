//! The node's events, watched through the API: a subscription on the
//! event bus owned by [`API`], one per stream, dropped when its client
//! goes.

use crate::Runtime;
use crate::post::API;
use aios_abi::Error;
use aios_abi::payload::EventFilter;
use aios_events::Event;

impl Runtime {
    /// Subscribes the API to the events of `categories` (`agent`, `ipc`,
    /// `capability`, `policy`, `device`, `security`; all if empty),
    /// only those involving `agent` if given. `InvalidArgument` names an
    /// unknown category; `QuotaExceeded` means the bus has no room.
    pub fn api_watch(&self, categories: &[&str], agent: Option<u64>) -> Result<u64, Error> {
        let topic = if categories.is_empty() {
            alloc::string::String::from("*")
        } else {
            categories.join(",")
        };
        let filter = EventFilter {
            agent,
            ..EventFilter::default()
        };
        self.inner.subscribe(API, &topic, &filter)
    }

    /// The next event of the API's subscription `sub`, if one is queued.
    pub fn api_next_event(&self, sub: u64) -> Result<Option<Event>, Error> {
        self.inner.next_event(API, sub)
    }

    /// Ends the API's subscription `sub`.
    pub fn api_unwatch(&self, sub: u64) {
        self.inner.unsubscribe(API, sub);
    }
}
