//! The small tower services of the default stack, each with one job.

mod attempt;
mod base_url;
mod headers;
mod trace;

pub(crate) use attempt::{Attempt, ReadBody};
pub(crate) use base_url::BaseUrl;
pub(crate) use headers::DefaultHeaders;
pub(crate) use trace::Trace;
