//! Jobs: lists, details, status, configuration, exceptions, plans, results, and their
//! checkpoints and savepoints.

pub mod checkpoints;
pub mod plan;
pub mod savepoints;
