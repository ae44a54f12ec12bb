//! Workflows over several calls: submit a jar, upgrade a job through a savepoint.
