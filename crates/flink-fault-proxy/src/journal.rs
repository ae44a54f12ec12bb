//! The proxy's shared state: its rules, and the journal of every request it received.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use http::Method;

use crate::{Fault, Route, Rule};

/// One request the proxy received, and what it did with it.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The request's method.
    pub method: Method,
    /// The request's path, without the query.
    pub path: String,
    /// The request's query, if any.
    pub query: Option<String>,
    /// What the proxy did with it.
    pub fault: Fault,
    /// Whether the upstream (Flink) received it and answered.
    pub forwarded: bool,
}

/// The rules and the journal, shared by the proxy's handle and its connections.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    exchanges: Vec<Exchange>,
}

/// The place of an exchange in the journal.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry(usize);

impl Journal {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide what the proxy saw.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a rule; rules are tried in the order they were added.
    pub(crate) fn add(&self, rule: Rule) {
        self.state().rules.push(rule);
    }

    /// Drops every rule: from now on every request is forwarded.
    pub(crate) fn clear_rules(&self) {
        self.state().rules.clear();
    }

    /// Records a request and chooses its fault: the first rule that applies, else
    /// [`Fault::Forward`].
    pub(crate) fn receive(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
    ) -> (Entry, Fault) {
        let now = Instant::now();
        let mut state = self.state();
        let fault = state
            .rules
            .iter_mut()
            .find_map(|rule| rule.take(method, path, now))
            .unwrap_or(Fault::Forward);
        state.exchanges.push(Exchange {
            method: method.clone(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            fault: fault.clone(),
            forwarded: false,
        });
        (Entry(state.exchanges.len() - 1), fault)
    }

    /// Notes that the upstream answered the request of `entry`.
    pub(crate) fn forwarded(&self, entry: Entry) {
        if let Some(exchange) = self.state().exchanges.get_mut(entry.0) {
            exchange.forwarded = true;
        }
    }

    /// Every request received so far, in order.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.state().exchanges.clone()
    }

    /// How many requests on `route` were received, and how many of them were forwarded.
    pub(crate) fn count(&self, route: &Route) -> (usize, usize) {
        let state = self.state();
        let on_route = state
            .exchanges
            .iter()
            .filter(|exchange| route.matches(&exchange.method, &exchange.path));
        on_route.fold((0, 0), |(received, forwarded), exchange| {
            (received + 1, forwarded + usize::from(exchange.forwarded))
        })
    }
}
