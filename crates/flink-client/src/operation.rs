//! One handle for every asynchronous operation: trigger with a client-chosen id, poll, wait.
