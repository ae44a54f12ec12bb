//! Savepoints: trigger, stop-with-savepoint and disposal requests, and their outcomes.
