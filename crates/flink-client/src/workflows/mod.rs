//! Workflows over several calls: submit a jar, upgrade a job through a savepoint, rescale.

mod rescale;
mod submit;
mod upgrade;

pub use submit::{SubmitJar, SubmittedJar};
pub use upgrade::UpgradedJob;
