//! Adds the default headers.

use http::header::{AUTHORIZATION, EXPECT, Entry, HeaderName};
use http::{HeaderMap, HeaderValue, Request};

use crate::{Body, BoxError, TokenSource};

/// Adds each configured header the request does not already carry (`User-Agent`,
/// `Authorization`, [`TransportConfig::headers`](crate::TransportConfig::headers)), the
/// token of a [`TokenSource`] once per call, and drops `Expect`: Flink's Netty server does not
/// answer `100-continue`.
pub(crate) struct DefaultHeaders {
    /// Each configured header with all its values.
    headers: Vec<(HeaderName, Vec<HeaderValue>)>,
    token_source: Option<TokenSource>,
}

impl DefaultHeaders {
    pub(crate) fn new(headers: &HeaderMap, token_source: Option<TokenSource>) -> Self {
        let headers = headers
            .keys()
            .map(|name| {
                (
                    name.clone(),
                    headers.get_all(name).iter().cloned().collect(),
                )
            })
            .collect();
        Self {
            headers,
            token_source,
        }
    }

    /// Adds the headers to `request`; fails, before anything is sent, when the token source
    /// does.
    pub(crate) fn add_to(&self, request: &mut Request<Body>) -> Result<(), BoxError> {
        if let Some(source) = &self.token_source
            && !request.headers().contains_key(AUTHORIZATION)
        {
            let value = source.header_value()?;
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        let headers = request.headers_mut();
        for (name, values) in &self.headers {
            if let Entry::Vacant(vacant) = headers.entry(name) {
                let mut values = values.iter().cloned();
                if let Some(first) = values.next() {
                    let mut entry = vacant.insert_entry(first);
                    values.for_each(|value| entry.append(value));
                }
            }
        }
        headers.remove(EXPECT);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::{ACCEPT, USER_AGENT};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The headers `defaults` leaves on `request`, or the error.
    fn added(defaults: &DefaultHeaders, mut request: Request<Body>) -> Result<HeaderMap, BoxError> {
        defaults.add_to(&mut request)?;
        Ok(request.headers().clone())
    }

    #[test]
    fn adds_missing_headers_only() {
        let mut defaults = HeaderMap::new();
        defaults.insert(USER_AGENT, HeaderValue::from_static("flink-rs/test"));
        defaults.append(ACCEPT, HeaderValue::from_static("application/json"));
        defaults.append(ACCEPT, HeaderValue::from_static("text/plain"));
        defaults.insert("x-tenant", HeaderValue::from_static("a"));
        let request = Request::get("/")
            .header("x-tenant", "b")
            .header(EXPECT, "100-continue")
            .body(Body::empty())
            .unwrap();
        let seen = added(&DefaultHeaders::new(&defaults, None), request).unwrap();
        assert_eq!(seen[USER_AGENT], "flink-rs/test");
        assert_eq!(seen.get_all(ACCEPT).iter().count(), 2);
        assert_eq!(seen["x-tenant"], "b");
        assert!(!seen.contains_key(EXPECT));
    }

    #[test]
    fn a_token_source_is_asked_for_each_call() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let source = TokenSource::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(crate::Secret::new(format!("t{n}")))
        });
        let defaults = DefaultHeaders::new(&HeaderMap::new(), Some(source));
        let get = || Request::get("/").body(Body::empty()).unwrap();
        let first = added(&defaults, get()).unwrap();
        let second = added(&defaults, get()).unwrap();
        assert_eq!(first[AUTHORIZATION], "Bearer t1");
        assert_eq!(second[AUTHORIZATION], "Bearer t2");
        assert!(first[AUTHORIZATION].is_sensitive());
        // A request that brings its own credentials keeps them; the source is not asked.
        let own = Request::get("/")
            .header(AUTHORIZATION, "Bearer mine")
            .body(Body::empty())
            .unwrap();
        assert_eq!(added(&defaults, own).unwrap()[AUTHORIZATION], "Bearer mine");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failing_token_source_fails_the_call() {
        let source = TokenSource::new(|| Err("the identity provider is down".into()));
        let error = added(
            &DefaultHeaders::new(&HeaderMap::new(), Some(source)),
            Request::get("/").body(Body::empty()).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("token source failed") && error.contains("identity provider"),
            "{error}"
        );
    }
}
