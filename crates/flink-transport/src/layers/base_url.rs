//! Joins relative request paths onto the base URL, and fails over to the next JobManager of
//! an HA cluster when the current one cannot be reached or has no leader.

use std::sync::atomic::{AtomicUsize, Ordering};

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Response, Uri};

use crate::{Body, BoxError, is_connect};

/// Turns `/jobs/overview?x=1` into `https://gw.example/flink/jobs/overview?x=1`. The last step
/// before the HTTP client, so every step above sees the relative path, and the next attempt of
/// a retried call goes to the endpoint failed over to.
pub(crate) struct BaseUrl {
    bases: Vec<Base>,
    /// Which of `bases` requests go to now.
    current: AtomicUsize,
}

struct Base {
    scheme: Scheme,
    authority: Authority,
    /// The base path without its trailing `/`; empty for the root.
    prefix: String,
}

/// A request URI pointing at another server; refusing it keeps credentials from leaking there.
#[derive(Debug, thiserror::Error)]
#[error("the request URI {uri} is outside the base URL {base}; send a relative path such as /jobs")]
struct OutsideBaseUrl {
    uri: Uri,
    base: String,
}

impl BaseUrl {
    /// `base` and each of `failover` must have passed `validate_base_url`.
    pub(crate) fn new(base: &Uri, failover: &[Uri]) -> Self {
        let bases = std::iter::once(base)
            .chain(failover)
            .map(Base::new)
            .collect();
        Self {
            bases,
            current: AtomicUsize::new(0),
        }
    }

    /// `request` with its URI joined onto the current endpoint, and which endpoint that is.
    pub(crate) fn join(
        &self,
        mut request: Request<Body>,
    ) -> Result<(usize, Request<Body>), BoxError> {
        let index = self.current.load(Ordering::Acquire) % self.bases.len();
        let uri = std::mem::take(request.uri_mut());
        *request.uri_mut() = self.bases[index].join(uri)?;
        Ok((index, request))
    }

    /// After an attempt at endpoint `index`: when its result says the endpoint is unreachable
    /// or leaderless, later attempts go to the next one.
    pub(crate) fn after<B>(&self, index: usize, result: &Result<Response<B>, BoxError>) {
        if self.bases.len() == 1 {
            return;
        }
        // Unreachable, or up without a leader (503): the next attempt goes elsewhere.
        let failed = match result {
            Ok(response) => response.status() == http::StatusCode::SERVICE_UNAVAILABLE,
            Err(error) => is_connect(&**error),
        };
        if failed {
            self.fail_over(index);
        }
    }

    /// After a failed attempt at endpoint `failed`: the next one, unless another request
    /// already moved on.
    fn fail_over(&self, failed: usize) {
        let next = (failed + 1) % self.bases.len();
        if self
            .current
            .compare_exchange(failed, next, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            tracing::info!(
                endpoint = %self.bases[next],
                "failing over to the next JobManager"
            );
        }
    }
}

impl Base {
    fn new(base: &Uri) -> Self {
        Self {
            scheme: base.scheme().cloned().unwrap_or(Scheme::HTTP),
            authority: base
                .authority()
                .cloned()
                .unwrap_or_else(|| Authority::from_static("localhost")),
            prefix: base.path().trim_end_matches('/').to_owned(),
        }
    }

    /// `uri` on this base. Without a path prefix, a path that starts with `/` only gains the
    /// scheme and authority, with no text copied or parsed again.
    fn join(&self, uri: Uri) -> Result<Uri, BoxError> {
        if uri.scheme().is_some() || uri.authority().is_some() {
            // Absolute URIs are allowed only for the base's own origin, and are used as-is.
            if uri.scheme() == Some(&self.scheme) && uri.authority() == Some(&self.authority) {
                return Ok(uri);
            }
            return Err(Box::new(OutsideBaseUrl {
                uri,
                base: self.to_string(),
            }));
        }
        let mut parts = uri.into_parts();
        let rooted = parts
            .path_and_query
            .as_ref()
            .is_some_and(|path| path.as_str().starts_with('/'));
        if !(rooted && self.prefix.is_empty()) {
            let (path, query) = parts
                .path_and_query
                .as_ref()
                .map_or(("", None), |path| (path.path(), path.query()));
            let separator = if path.starts_with('/') { "" } else { "/" };
            let joined = match query {
                Some(query) => format!("{}{separator}{path}?{query}", self.prefix),
                None => format!("{}{separator}{path}", self.prefix),
            };
            parts.path_and_query = Some(PathAndQuery::try_from(joined)?);
        }
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        Ok(Uri::from_parts(parts)?)
    }
}

impl std::fmt::Display for Base {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}/", self.scheme, self.authority, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(base: &str, uri: &str) -> Result<String, String> {
        let base = BaseUrl::new(&base.parse().unwrap(), &[]);
        base.bases[0]
            .join(uri.parse().unwrap())
            .map(|u| u.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn joins_paths_and_keeps_queries() {
        let cases = [
            (
                "https://gw.example/flink/",
                "/jobs/overview?x=1",
                "https://gw.example/flink/jobs/overview?x=1",
            ),
            (
                "https://gw.example/flink",
                "/jobs/overview",
                "https://gw.example/flink/jobs/overview",
            ),
            (
                "http://localhost:8081",
                "/overview",
                "http://localhost:8081/overview",
            ),
            (
                "http://localhost:8081/",
                "/jobs?a=1&b=%20",
                "http://localhost:8081/jobs?a=1&b=%20",
            ),
            (
                "http://localhost:8081/v1/",
                "/",
                "http://localhost:8081/v1/",
            ),
            (
                "http://localhost:8081/v1",
                "/jobs/overview",
                "http://localhost:8081/v1/jobs/overview",
            ),
        ];
        for (base, uri, want) in cases {
            assert_eq!(join(base, uri).unwrap(), want, "{base} + {uri}");
        }
    }

    #[test]
    fn absolute_uris_must_stay_on_the_base_origin() {
        assert_eq!(
            join("http://localhost:8081/p/", "http://localhost:8081/jobs").unwrap(),
            "http://localhost:8081/jobs"
        );
        let error = join("http://localhost:8081/", "http://elsewhere:8081/jobs").unwrap_err();
        assert!(error.contains("outside the base URL"), "{error}");
    }
}
