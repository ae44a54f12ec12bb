//! Live tests: jobs.
