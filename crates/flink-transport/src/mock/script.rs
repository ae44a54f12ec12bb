//! [`ScriptedResponse`]: one answer of the mock's script.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Full};

use crate::prefix::prefixed;
use crate::{BoxError, ResponseBody};

/// A body that never sends anything, nor ends.
struct Silent;

impl http_body::Body for Silent {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        std::task::Poll::Pending
    }
}

/// A scripted answer was given a status outside 100..=999.
#[derive(Debug, thiserror::Error)]
#[error("the mock script holds the invalid status {0}; use a code between 100 and 999")]
pub struct InvalidScriptedStatus(pub u16);

/// One scripted answer: a response, an error, or silence.
#[derive(Debug)]
pub struct ScriptedResponse {
    answer: Answer,
    delay: Option<Duration>,
    body_stalls: bool,
}

#[derive(Debug)]
enum Answer {
    Response {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
    Error(BoxError),
    Never,
}

impl ScriptedResponse {
    /// A response with `status` and an empty body.
    pub fn status(status: u16) -> Self {
        Self::bytes(status, Bytes::new())
    }

    /// A response with `status` and `body`, typed `application/json`.
    pub fn json(status: u16, body: impl Into<Bytes>) -> Self {
        Self::bytes(status, body)
            .with_header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
    }

    /// A response with `status` and a raw `body`.
    pub fn bytes(status: u16, body: impl Into<Bytes>) -> Self {
        Self::from_answer(Answer::Response {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        })
    }

    /// Fails the attempt with `error`. An `io::Error` counts as an I/O error mid-request
    /// (retried only when idempotent).
    pub fn error(error: impl Into<BoxError>) -> Self {
        Self::from_answer(Answer::Error(error.into()))
    }

    /// Fails the attempt as if the connection was refused: [`is_connect`](crate::is_connect)
    /// holds, and the stack retries it for any method.
    pub fn connect_error() -> Self {
        Self::error(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "connection refused (scripted)",
        ))
    }

    /// Never answers, for timeout tests.
    pub fn never() -> Self {
        Self::from_answer(Answer::Never)
    }

    /// Adds a header to a response (ignored for errors).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if let Answer::Response { headers, .. } = &mut self.answer {
            headers.append(name, value);
        }
        self
    }

    /// Adds `Retry-After: <seconds>` to a response.
    #[must_use]
    pub fn retry_after(self, seconds: u64) -> Self {
        self.with_header(RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// Sends the response head and the body's bytes, then nothing more, without ending the
    /// body: a server that stalls mid-body.
    #[must_use]
    pub fn body_stalls(mut self) -> Self {
        self.body_stalls = true;
        self
    }

    /// Answers only after `delay` (Tokio time), e.g. to trip a timeout.
    #[must_use]
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    fn from_answer(answer: Answer) -> Self {
        Self {
            answer,
            delay: None,
            body_stalls: false,
        }
    }

    /// A copy of this answer, for a route that gives it to every matching request. An error is
    /// copied as an `io::Error` of the same kind (`Other` for an error that is not one) with the
    /// same message, so the stack classifies the copy as it does the original.
    pub(super) fn replay(&self) -> Self {
        let answer = match &self.answer {
            Answer::Response {
                status,
                headers,
                body,
            } => Answer::Response {
                status: *status,
                headers: headers.clone(),
                body: body.clone(),
            },
            Answer::Error(error) => {
                let kind = error
                    .downcast_ref::<io::Error>()
                    .map_or(io::ErrorKind::Other, io::Error::kind);
                Answer::Error(Box::new(io::Error::new(kind, error.to_string())))
            }
            Answer::Never => Answer::Never,
        };
        Self {
            answer,
            delay: self.delay,
            body_stalls: self.body_stalls,
        }
    }

    pub(super) async fn answer(self) -> Result<Response<ResponseBody>, BoxError> {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        match self.answer {
            Answer::Response {
                status,
                headers,
                body,
            } => {
                let code = StatusCode::from_u16(status)
                    .map_err(|_| Box::new(InvalidScriptedStatus(status)) as BoxError)?;
                let body = if self.body_stalls {
                    prefixed(body, Silent.boxed_unsync())
                } else {
                    Full::new(body)
                        .map_err(|never| match never {})
                        .boxed_unsync()
                };
                let mut response = Response::new(body);
                *response.status_mut() = code;
                *response.headers_mut() = headers;
                Ok(response)
            }
            Answer::Error(error) => Err(error),
            Answer::Never => std::future::pending().await,
        }
    }
}
