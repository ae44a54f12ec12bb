//! Live tests: workflows.
