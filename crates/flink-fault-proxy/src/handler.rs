//! What the proxy does with one request: record it, choose its fault, and act on it.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::BoxError;
use crate::bodies::{self, ProxyBody};
use crate::journal::{Entry, Journal};
use crate::reset::ResetSwitch;
use crate::upstream::Upstream;
use crate::{Answer, Fault};

/// Handles the requests of every connection of one proxy.
#[derive(Debug)]
pub(crate) struct Handler {
    journal: Arc<Journal>,
    /// `None` for a standalone proxy, which answers a request it would forward with 502.
    upstream: Option<Upstream>,
}

impl Handler {
    pub(crate) fn new(journal: Arc<Journal>, upstream: Option<Upstream>) -> Self {
        Self { journal, upstream }
    }

    /// The response to `request`; an error ends the connection without one (after `reset`
    /// was armed, with a reset).
    pub(crate) async fn handle(
        self: Arc<Self>,
        request: Request<Incoming>,
        reset: ResetSwitch,
    ) -> Result<Response<ProxyBody>, BoxError> {
        let uri = request.uri();
        let (entry, fault) = self
            .journal
            .receive(request.method(), uri.path(), uri.query());
        let request = request.map(bodies::upstream);
        let forwarded = match fault {
            Fault::Respond(answer) => return Ok(answer_with(&answer)),
            Fault::NeverAnswer => return never_answer(request).await,
            Fault::EndlessBody => return Ok(json(bodies::endless())),
            Fault::EndlessLog => {
                return Ok(respond(StatusCode::OK, "text/plain", bodies::endless_log()));
            }
            Fault::NestedBody(depth) => return Ok(json(bodies::full(bodies::nested(depth)))),
            Fault::Delay(pause) => self.forward_later(request, entry, pause).await,
            _ => self.forward(request, entry).await,
        };
        let response = match forwarded {
            Ok(response) => response,
            Err(error) => return Ok(bad_gateway(&*error)),
        };
        match fault {
            Fault::ForwardThenRespond(answer) => {
                drain(response.into_body()).await;
                Ok(answer_with(&answer))
            }
            Fault::ForwardThenReset => {
                drain(response.into_body()).await;
                reset.arm();
                Err("the fault proxy reset the connection".into())
            }
            Fault::StallBodyAfterHead => Ok(response.map(|_| bodies::stalled())),
            Fault::CutAfter(limit) => Ok(response.map(|body| bodies::cut(body, limit))),
            _ => Ok(response.map(bodies::upstream)),
        }
    }

    /// Sends `request` upstream and notes that it got there.
    async fn forward(
        &self,
        request: Request<ProxyBody>,
        entry: Entry,
    ) -> Result<Response<Incoming>, BoxError> {
        let upstream = self.upstream.as_ref().ok_or(
            "it is standalone, with no upstream: add a rule that answers this request itself",
        )?;
        let response = upstream.send(request).await?;
        self.journal.forwarded(entry);
        Ok(response)
    }

    /// Reads the whole request, then forwards it after `pause` in a task of its own, so that
    /// the client going away does not cancel it.
    async fn forward_later(
        self: &Arc<Self>,
        request: Request<ProxyBody>,
        entry: Entry,
        pause: Duration,
    ) -> Result<Response<Incoming>, BoxError> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await?.to_bytes();
        let handler = Arc::clone(self);
        let later = tokio::spawn(async move {
            tokio::time::sleep(pause).await;
            let request = Request::from_parts(parts, bodies::full(body));
            handler.forward(request, entry).await
        });
        later.await?
    }
}

/// Reads the whole request, then keeps the connection open without an answer until the client
/// or the proxy ends it.
async fn never_answer(request: Request<ProxyBody>) -> Result<Response<ProxyBody>, BoxError> {
    // An error reading the body ends the connection: an answer that never comes all the same.
    request.into_body().collect().await?;
    std::future::pending().await
}

/// Reads a body to its end and drops it, so that the upstream has sent its whole answer.
async fn drain(mut body: Incoming) {
    while let Some(frame) = body.frame().await {
        if frame.is_err() {
            return;
        }
    }
}

fn answer_with(answer: &Answer) -> Response<ProxyBody> {
    respond(
        answer.status,
        &answer.content_type,
        bodies::full(answer.body.clone()),
    )
}

fn json(body: ProxyBody) -> Response<ProxyBody> {
    respond(StatusCode::OK, "application/json; charset=UTF-8", body)
}

/// What a proxy answers when it cannot reach its upstream.
fn bad_gateway(error: &(dyn std::error::Error + 'static)) -> Response<ProxyBody> {
    let mut text = format!("the fault proxy could not forward the request: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    respond(
        StatusCode::BAD_GATEWAY,
        "text/plain",
        bodies::full(text.into()),
    )
}

fn respond(status: StatusCode, content_type: &str, body: ProxyBody) -> Response<ProxyBody> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}
