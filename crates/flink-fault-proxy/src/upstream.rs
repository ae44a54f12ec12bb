//! The upstream (Flink) and the plain-HTTP client that forwards requests to it.

use std::io;

use http::header::{self, HeaderName};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::BoxError;
use crate::bodies::ProxyBody;

/// Headers of one hop, which a proxy does not pass on (RFC 9110, 7.6.1).
const HOP_BY_HOP: [HeaderName; 5] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::TE,
    header::UPGRADE,
];

/// Where requests are forwarded to.
#[derive(Clone, Debug)]
pub(crate) struct Upstream {
    client: Client<HttpConnector, ProxyBody>,
    authority: Authority,
    /// The upstream URL's path, without a trailing slash (empty for the root).
    prefix: String,
}

impl Upstream {
    /// The upstream at `url`, which must be a plain `http` URL.
    pub(crate) fn new(url: &str) -> io::Result<Self> {
        let invalid = |reason: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the fault proxy's upstream `{url}` {reason}"),
            )
        };
        let uri: Uri = url
            .parse()
            .map_err(|_| invalid("is not a URL, e.g. http://127.0.0.1:8081"))?;
        if uri.scheme() != Some(&Scheme::HTTP) {
            return Err(invalid(
                "is not plain http: the fault proxy does not speak TLS to its upstream",
            ));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| invalid("has no host"))?;
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
            authority,
            prefix: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// Sends `request` upstream as it came (method, path, query, headers and body), but for
    /// the headers of one hop and `Host`.
    pub(crate) async fn send(
        &self,
        request: Request<ProxyBody>,
    ) -> Result<Response<Incoming>, BoxError> {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", PathAndQuery::as_str);
        parts.uri = Uri::builder()
            .scheme(Scheme::HTTP)
            .authority(self.authority.clone())
            .path_and_query(format!("{}{path}", self.prefix))
            .build()?;
        for name in &HOP_BY_HOP {
            parts.headers.remove(name);
        }
        if let Ok(host) = HeaderValue::from_str(self.authority.as_str()) {
            parts.headers.insert(header::HOST, host);
        }
        let mut response = self
            .client
            .request(Request::from_parts(parts, body))
            .await?;
        for name in &HOP_BY_HOP {
            response.headers_mut().remove(name);
        }
        Ok(response)
    }
}
