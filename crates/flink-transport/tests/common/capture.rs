//! Test helpers: a tracing subscriber that records spans and events.

// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// One span or event with its fields, formatted with `Debug`.
#[derive(Clone, Debug)]
pub(crate) struct Captured {
    pub(crate) name: &'static str,
    pub(crate) fields: Vec<(&'static str, String)>,
}

impl Captured {
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Records the spans and events of the current thread while installed (tests run on
/// current-thread runtimes).
#[derive(Clone, Default)]
pub(crate) struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    events: Arc<Mutex<Vec<Captured>>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// Uninstalls the capture when dropped.
pub(crate) struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|current| current.borrow_mut().take());
    }
}

impl Capture {
    /// A global subscriber that is always enabled forwards to the thread's capture. (A scoped
    /// `set_default` races with other test threads over tracing's cached callsite interest.)
    pub(crate) fn install(&self) -> Installed {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| tracing::subscriber::set_global_default(Forward).unwrap());
        CURRENT.with(|current| *current.borrow_mut() = Some(self.clone()));
        Installed
    }

    pub(crate) fn spans(&self) -> Vec<Captured> {
        self.spans.lock().unwrap().clone()
    }

    /// Events of the retry layer, one per retry.
    pub(crate) fn retries(&self) -> Vec<Captured> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|e| e.field("delay_ms").is_some())
            .cloned()
            .collect()
    }

    /// Everything recorded, for "never shows X" assertions.
    pub(crate) fn all_text(&self) -> String {
        let spans = self.spans.lock().unwrap();
        let events = self.events.lock().unwrap();
        format!("{spans:?} {events:?}")
    }
}

fn with_current<T>(f: impl FnOnce(&Capture) -> T) -> Option<T> {
    CURRENT.with(|current| current.borrow().as_ref().map(f))
}

struct Fields<'a>(&'a mut Vec<(&'static str, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name(), format!("{value:?}")));
    }
}

struct Forward;

impl Subscriber for Forward {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let index = with_current(|capture| {
            let mut spans = capture.spans.lock().unwrap();
            spans.push(Captured {
                name: span.metadata().name(),
                fields,
            });
            spans.len() as u64
        });
        Id::from_u64(index.unwrap_or(u64::MAX))
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        with_current(|capture| {
            let mut spans = capture.spans.lock().unwrap();
            if let Some(captured) = usize::try_from(span.into_u64() - 1)
                .ok()
                .and_then(|index| spans.get_mut(index))
            {
                values.record(&mut Fields(&mut captured.fields));
            }
        });
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        with_current(|capture| {
            capture.events.lock().unwrap().push(Captured {
                name: event.metadata().name(),
                fields,
            });
        });
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}
