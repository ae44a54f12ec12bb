//! Live tests: checkpoints.
