//! Jar endpoints: upload (the multipart framing), list, plan, run, run-application, delete.

use crate::endpoint::Execute;

/// Jar calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait JarsApi: Execute + Sync {}

impl<T: Execute + Sync + ?Sized> JarsApi for T {}
