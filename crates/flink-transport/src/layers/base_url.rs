//! Joins relative request paths onto the base URL, and fails over to the next JobManager of
//! an HA cluster when the current one cannot be reached or has no leader.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Response, Uri};
use tower::Service;

use crate::{Body, BoxError, BoxFuture, ResponseBody, is_connect};

/// Turns `/jobs/overview?x=1` into `https://gw.example/flink/jobs/overview?x=1`. Innermost, so
/// every layer above sees the relative path, and the retry layer's next attempt goes to the
/// endpoint failed over to.
#[derive(Clone)]
pub(crate) struct BaseUrl<S> {
    inner: S,
    endpoints: Arc<Endpoints>,
}

/// The base URL and its failover URLs, and which one requests go to now (shared by clones).
struct Endpoints {
    bases: Vec<Base>,
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

impl<S> BaseUrl<S> {
    /// `base` and each of `failover` must have passed `validate_base_url`.
    pub(crate) fn new(inner: S, base: &Uri, failover: &[Uri]) -> Self {
        let bases = std::iter::once(base)
            .chain(failover)
            .map(Base::new)
            .collect();
        Self {
            inner,
            endpoints: Arc::new(Endpoints {
                bases,
                current: AtomicUsize::new(0),
            }),
        }
    }
}

impl Endpoints {
    /// After a failed attempt at endpoint `failed`: the next one, unless another request
    /// already moved on.
    fn fail_over(&self, failed: usize) {
        let next = (failed + 1) % self.bases.len();
        if self
            .current
            .compare_exchange(failed, next, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            let base = &self.bases[next];
            tracing::info!(
                endpoint = %format!("{}://{}{}/", base.scheme, base.authority, base.prefix),
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

    fn join(&self, uri: &Uri) -> Result<Uri, BoxError> {
        if uri.scheme().is_some() || uri.authority().is_some() {
            // Absolute URIs are allowed only for the base's own origin, and are used as-is.
            if uri.scheme() == Some(&self.scheme) && uri.authority() == Some(&self.authority) {
                return Ok(uri.clone());
            }
            return Err(Box::new(OutsideBaseUrl {
                uri: uri.clone(),
                base: format!("{}://{}{}/", self.scheme, self.authority, self.prefix),
            }));
        }
        let path = uri.path();
        let separator = if path.starts_with('/') { "" } else { "/" };
        let joined = match uri.query() {
            Some(query) => format!("{}{separator}{path}?{query}", self.prefix),
            None => format!("{}{separator}{path}", self.prefix),
        };
        let path_and_query = PathAndQuery::try_from(joined)?;
        Ok(Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build()?)
    }
}

impl<S> Service<Request<Body>> for BaseUrl<S>
where
    S: Service<Request<Body>, Response = Response<ResponseBody>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<ResponseBody>;
    type Error = BoxError;
    type Future = BoxFuture<Response<ResponseBody>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let index = self.endpoints.current.load(Ordering::Acquire) % self.endpoints.bases.len();
        match self.endpoints.bases[index].join(request.uri()) {
            Ok(uri) => {
                *request.uri_mut() = uri;
                let calling = self.inner.call(request);
                if self.endpoints.bases.len() == 1 {
                    return Box::pin(calling);
                }
                let endpoints = Arc::clone(&self.endpoints);
                Box::pin(async move {
                    let result = calling.await;
                    // Unreachable, or up without a leader (503): the next attempt goes elsewhere.
                    let failed = match &result {
                        Ok(response) => response.status() == http::StatusCode::SERVICE_UNAVAILABLE,
                        Err(error) => is_connect(&**error),
                    };
                    if failed {
                        endpoints.fail_over(index);
                    }
                    result
                })
            }
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(base: &str, uri: &str) -> Result<String, String> {
        let base = BaseUrl::new((), &base.parse().unwrap(), &[]);
        base.endpoints.bases[0]
            .join(&uri.parse().unwrap())
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
