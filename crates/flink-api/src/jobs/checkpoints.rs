//! Checkpoint endpoints: statistics, config, details, subtask details, trigger and status.

use crate::endpoint::Execute;

/// Checkpoint calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait CheckpointsApi: Execute + Sync {}

impl<T: Execute + Sync + ?Sized> CheckpointsApi for T {}
