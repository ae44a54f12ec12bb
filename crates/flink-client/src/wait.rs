//! Waiting for jobs: a state, all tasks running, the next checkpoint, the final result.
