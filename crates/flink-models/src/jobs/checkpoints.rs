//! Checkpoints of a job: statistics, configuration, details, and the trigger request.
