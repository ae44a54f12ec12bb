//! Live tests: jars.
