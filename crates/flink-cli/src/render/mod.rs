//! Pictures drawn as text: the job graph (`jobs plan`), the frames of `top`, sparklines.
//!
//! Pure functions from models to a `String`, so that every rendering is unit-tested.

pub(crate) mod plan;
pub(crate) mod sparkline;
pub(crate) mod top;
