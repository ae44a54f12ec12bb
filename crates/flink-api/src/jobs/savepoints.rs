//! Savepoint endpoints: trigger and status, stop-with-savepoint, disposal and its status.

use crate::endpoint::Execute;

/// Savepoint calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait SavepointsApi: Execute + Sync {}

impl<T: Execute + Sync + ?Sized> SavepointsApi for T {}
