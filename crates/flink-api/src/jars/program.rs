//! The builder methods that every jar plan and run shares, written once as two traits.

use std::collections::BTreeMap;

use flink_models::jars::{ClaimMode, JarPlanRequest, JarRunRequest};

/// The options of a jar's program: entry class, arguments, parallelism and configuration.
///
/// Implemented by every jar plan and run ([`GetJarPlan`](super::GetJarPlan),
/// [`PostJarPlan`](super::PostJarPlan), [`RunJar`](super::RunJar),
/// [`RunJarApplication`](super::RunJarApplication), and `flink_client::SubmitJar`); bring it
/// into scope (it is in `flink_client::prelude`) to call its methods.
///
/// ```
/// use flink_api::JarProgram;
/// use flink_api::jars::PostJarPlan;
///
/// let plan = PostJarPlan::new("8e5e_job.jar".parse()?)
///     .entry_class("flinklocal.TestJob")
///     .args(["--name", "a, b"])
///     .parallelism(2)
///     .config("parallelism.default", "3");
/// assert_eq!(plan.request.parallelism, Some(2));
/// # Ok::<(), flink_api::ApiError>(())
/// ```
pub trait JarProgram: Sized {
    /// The program options this value sends.
    fn program_mut(&mut self) -> &mut JarPlanRequest;

    /// Runs (or plans) the program of this class; the jar's manifest decides without it.
    #[must_use]
    fn entry_class(mut self, class: impl Into<String>) -> Self {
        self.program_mut().entry_class = Some(class.into());
        self
    }

    /// Passes these arguments to the program, each as it is (no splitting on spaces).
    /// [`GetJarPlan`](super::GetJarPlan) refuses any that is empty or has a comma.
    #[must_use]
    fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.program_mut().program_args_list = Some(args.into_iter().map(Into::into).collect());
        self
    }

    /// Uses this default parallelism (at least 1; checked before sending).
    #[must_use]
    fn parallelism(mut self, parallelism: i32) -> Self {
        self.program_mut().parallelism = Some(parallelism);
        self
    }

    /// Sets a configuration option for the program, such as `parallelism.default`.
    /// [`GetJarPlan`](super::GetJarPlan) cannot send it and refuses it.
    #[must_use]
    fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.program_mut()
            .flink_configuration
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
    }
}

/// How a jar run restores its job from a savepoint or retained checkpoint.
///
/// Implemented by the runs ([`RunJar`](super::RunJar),
/// [`RunJarApplication`](super::RunJarApplication), and `flink_client::SubmitJar`); bring it
/// into scope (it is in `flink_client::prelude`) to call its methods.
pub trait JarRestore: JarProgram {
    /// The run options this value sends.
    fn run_mut(&mut self) -> &mut JarRunRequest;

    /// Restores the job from this savepoint or retained checkpoint.
    #[must_use]
    fn savepoint_path(mut self, path: impl Into<String>) -> Self {
        self.run_mut().savepoint_path = Some(path.into());
        self
    }

    /// Whether the job may start although the savepoint has state that no operator claims.
    #[must_use]
    fn allow_non_restored_state(mut self, allow: bool) -> Self {
        self.run_mut().allow_non_restored_state = Some(allow);
        self
    }

    /// How the job treats the snapshot it restores from. [`RunJar`](super::RunJar) sends it
    /// to servers before Flink 1.20 as `restoreMode`, the only name they read.
    #[must_use]
    fn claim_mode(mut self, mode: ClaimMode) -> Self {
        self.run_mut().claim_mode = Some(mode);
        self
    }
}
