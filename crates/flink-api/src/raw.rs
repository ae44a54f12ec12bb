//! Any JSON endpoint, answered with the JSON the server sent instead of a model.

use std::time::Duration;

use bytes::Bytes;
use http::Method;

use crate::endpoint::{Endpoint, JsonEndpoint};
use crate::{ApiError, FlinkVersion};

/// `E`, but decoded into [`serde_json::Value`]: exactly what the server sent, nothing lost or
/// added. For printing answers as they are, and for checking that the models keep everything.
///
/// ```
/// use flink_api::{Raw, build_request, decode_response};
/// use flink_api::cluster::GetOverview;
/// use http::StatusCode;
///
/// let raw = Raw(GetOverview);
/// assert_eq!(build_request(&raw)?.uri(), "/overview");
/// let json = decode_response(&raw, StatusCode::OK, None, br#"{"taskmanagers":1,"new-field":true}"#)?;
/// assert_eq!(json["new-field"], true);
/// # Ok::<(), flink_api::ApiError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Raw<E>(pub E);

impl<E: Endpoint> Endpoint for Raw<E> {
    const NAME: &'static str = E::NAME;
    const VERSION_DEPENDENT: bool = E::VERSION_DEPENDENT;

    fn method(&self) -> Method {
        self.0.method()
    }

    fn path(&self) -> String {
        self.0.path()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.0.query()
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        self.0.body()
    }

    fn idempotent(&self) -> bool {
        self.0.idempotent()
    }

    fn timeout(&self) -> Option<Duration> {
        self.0.timeout()
    }

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        self.0.adapt_to(version)
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        self.0.map_error(error)
    }
}

impl<E: JsonEndpoint> JsonEndpoint for Raw<E> {
    type Output = serde_json::Value;
}
