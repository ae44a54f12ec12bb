//! The small tower services of the default stack, each with one job.

mod base_url;
mod headers;
mod timeout;
mod trace;

pub(crate) use base_url::BaseUrl;
pub(crate) use headers::DefaultHeaders;
pub(crate) use timeout::AttemptTimeout;
pub(crate) use trace::Trace;
