//! Live tests: savepoints.
