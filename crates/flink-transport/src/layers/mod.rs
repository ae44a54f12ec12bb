//! The steps of the default stack, each with one job, and the HTTP client under them. The
//! stack (`stack.rs`) runs them in order as plain async steps.

mod attempt;
mod base_url;
mod client;
mod headers;
pub(crate) mod trace;

pub(crate) use attempt::{Attempt, ReadBody};
pub(crate) use base_url::BaseUrl;
pub(crate) use client::{HttpClient, Towered};
pub(crate) use headers::DefaultHeaders;
