//! Joins relative request paths onto the base URL.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Response, Uri};
use tower::Service;

use crate::{Body, BoxError, BoxFuture, ResponseBody};

/// Turns `/jobs/overview?x=1` into `https://gw.example/flink/jobs/overview?x=1`. Innermost, so
/// every layer above sees the relative path.
#[derive(Clone)]
pub(crate) struct BaseUrl<S> {
    inner: S,
    base: Arc<Base>,
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
    /// `base` must have passed `validate_base_url`.
    pub(crate) fn new(inner: S, base: &Uri) -> Self {
        let scheme = base.scheme().cloned().unwrap_or(Scheme::HTTP);
        let authority = base
            .authority()
            .cloned()
            .unwrap_or_else(|| Authority::from_static("localhost"));
        let prefix = base.path().trim_end_matches('/').to_owned();
        Self {
            inner,
            base: Arc::new(Base {
                scheme,
                authority,
                prefix,
            }),
        }
    }
}

impl Base {
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
        match self.base.join(request.uri()) {
            Ok(uri) => {
                *request.uri_mut() = uri;
                Box::pin(self.inner.call(request))
            }
            Err(error) => Box::pin(std::future::ready(Err(error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(base: &str, uri: &str) -> Result<String, String> {
        let base = BaseUrl::new((), &base.parse().unwrap());
        base.base
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
