//! Job endpoints: list, overview, details, status, config, exceptions, plan, accumulators,
//! execution result, per-job JobManager information, resource requirements, cancel, client
//! heartbeat, coordination requests, legacy rescaling; and checkpoints and savepoints.

pub mod checkpoints;
pub mod savepoints;

use crate::endpoint::Execute;

/// Job calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait JobsApi: Execute + Sync {}

impl<T: Execute + Sync + ?Sized> JobsApi for T {}
