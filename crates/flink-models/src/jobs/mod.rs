//! Jobs: lists, details, status, configuration, exceptions, plans, results, and their
//! checkpoints and savepoints.

pub mod checkpoints;
pub mod config;
pub mod coordination;
pub mod details;
pub mod exceptions;
pub mod overview;
pub mod plan;
pub mod rescales;
pub mod resources;
pub mod result;
pub mod savepoints;
pub mod state;
pub mod submission;
pub mod subtasks;
pub mod vertices;
