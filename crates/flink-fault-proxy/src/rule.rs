//! [`Rule`]: a fault for the requests of a route, a number of times or until a moment.

use std::time::Instant;

use http::Method;

use crate::{Fault, Route};

/// Applies `fault` to the requests on `route`; by default to all of them, for ever.
#[derive(Clone, Debug)]
pub struct Rule {
    route: Route,
    fault: Fault,
    /// How many more requests it applies to; `None` for no limit.
    remaining: Option<usize>,
    /// When it stops applying; `None` for never.
    until: Option<Instant>,
}

impl Rule {
    /// `fault` for every request on `route`.
    pub fn new(route: Route, fault: Fault) -> Self {
        Self {
            route,
            fault,
            remaining: None,
            until: None,
        }
    }

    /// Applies to the first `count` matching requests only.
    #[must_use]
    pub fn times(mut self, count: usize) -> Self {
        self.remaining = Some(count);
        self
    }

    /// Applies only to requests received before `deadline`.
    #[must_use]
    pub fn until(mut self, deadline: Instant) -> Self {
        self.until = Some(deadline);
        self
    }

    /// The fault for a request with `method` for `path` received `now`, counting it against
    /// the limit; `None` when the rule does not apply (any more).
    pub(crate) fn take(&mut self, method: &Method, path: &str, now: Instant) -> Option<Fault> {
        if self.remaining == Some(0)
            || self.until.is_some_and(|until| now >= until)
            || !self.route.matches(method, path)
        {
            return None;
        }
        if let Some(remaining) = &mut self.remaining {
            *remaining -= 1;
        }
        Some(self.fault.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_rule_applies_a_number_of_times_or_until_a_moment() {
        let now = Instant::now();
        let mut twice = Rule::new(Route::any(), Fault::Forward).times(2);
        assert!(twice.take(&Method::GET, "/", now).is_some());
        assert!(twice.take(&Method::GET, "/", now).is_some());
        assert!(twice.take(&Method::GET, "/", now).is_none());
        let mut until = Rule::new(Route::exact(Method::GET, "/a"), Fault::Forward)
            .until(now + Duration::from_secs(1));
        assert!(until.take(&Method::GET, "/b", now).is_none());
        assert!(until.take(&Method::GET, "/a", now).is_some());
        assert!(
            until
                .take(&Method::GET, "/a", now + Duration::from_secs(1))
                .is_none()
        );
    }

    #[test]
    fn a_request_off_the_route_does_not_count() {
        let mut once = Rule::new(Route::exact(Method::POST, "/jobs"), Fault::Forward).times(1);
        assert!(once.take(&Method::GET, "/jobs", Instant::now()).is_none());
        assert!(once.take(&Method::POST, "/jobs", Instant::now()).is_some());
    }
}
