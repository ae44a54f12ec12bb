//! [`Route`]: an answer the mock gives to every request of one method and path pattern.

use http::{Method, Uri};

use super::ScriptedResponse;

/// A standing answer for the requests that match a method and a path pattern.
#[derive(Debug)]
pub(super) struct Route {
    method: Method,
    /// The pattern's segments; `*` stands for any one segment.
    segments: Vec<String>,
    answer: ScriptedResponse,
}

impl Route {
    /// A route answering `method` requests whose path matches `pattern` with `answer`.
    pub(super) fn new(method: Method, pattern: &str, answer: ScriptedResponse) -> Self {
        Self {
            method,
            segments: split(pattern).map(str::to_owned).collect(),
            answer,
        }
    }

    /// Whether a request with this method and URI takes this route's answer. The query does
    /// not count.
    pub(super) fn matches(&self, method: &Method, uri: &Uri) -> bool {
        let mut path = split(uri.path());
        *method == self.method
            && self.segments.iter().all(|pattern| {
                path.next()
                    .is_some_and(|segment| pattern == "*" || pattern == segment)
            })
            && path.next().is_none()
    }

    /// The answer for one more matching request.
    pub(super) fn answer(&self) -> ScriptedResponse {
        self.answer.replay()
    }
}

/// The non-empty segments of a path.
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(pattern: &str) -> Route {
        Route::new(Method::GET, pattern, ScriptedResponse::status(200))
    }

    fn uri(text: &str) -> Uri {
        text.parse().unwrap()
    }

    #[test]
    fn a_star_matches_one_segment_and_the_query_does_not_count() {
        let status = route("/jobs/*/status");
        assert!(status.matches(&Method::GET, &uri("/jobs/a1b2/status")));
        assert!(status.matches(&Method::GET, &uri("/jobs/a1b2/status?x=1")));
        assert!(status.matches(&Method::GET, &uri("http://flink.test/jobs/a1b2/status")));
        assert!(!status.matches(&Method::POST, &uri("/jobs/a1b2/status")));
        assert!(!status.matches(&Method::GET, &uri("/jobs/status")));
        assert!(!status.matches(&Method::GET, &uri("/jobs/a1b2/status/more")));
        assert!(!status.matches(&Method::GET, &uri("/jobs/a/b/status")));
        assert!(route("/config").matches(&Method::GET, &uri("/config")));
        assert!(!route("/config").matches(&Method::GET, &uri("/")));
    }
}
