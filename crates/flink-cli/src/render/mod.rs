//! Pictures drawn as text: the job graph (`jobs plan`) and the frames of `top`.
//!
//! Pure functions from models to a `String`, so that every rendering is unit-tested.

pub(crate) mod plan;
pub(crate) mod top;
