//! Subtask endpoints: all subtasks' accumulators, subtask details, attempts and their accumulators.

use std::fmt;
use std::future::Future;
use std::str::FromStr;

pub(crate) use super::info::job_path;
use super::vertices::vertex_path;
use crate::endpoint::{Endpoint, Execute, JsonEndpoint};
use crate::{ApiError, JobId, VertexId};
use flink_models::jobs::subtasks::{
    SubtaskExecutionAttemptAccumulatorsInfo, SubtaskExecutionAttemptDetailsInfo,
    SubtasksAllAccumulatorsInfo,
};

/// Declares a newtype over a non-negative number Flink reads as a Java `int` (0 to `i32::MAX`).
macro_rules! int_index {
    ($(#[$doc:meta])* $name:ident, $what:literal, $hint:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The first one: 0.
            pub const FIRST: Self = Self(0);

            /// Checks that `value` fits Flink's `int` (at most 2147483647).
            pub fn new(value: u32) -> Result<Self, ApiError> {
                if i32::try_from(value).is_ok() {
                    Ok(Self(value))
                } else {
                    Err(ApiError::invalid($what, &value.to_string(), concat!("Flink reads it as a Java int, so it is at most 2147483647; ", $hint)))
                }
            }

            /// The number.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl TryFrom<u32> for $name {
            type Error = ApiError;

            fn try_from(value: u32) -> Result<Self, ApiError> {
                Self::new(value)
            }
        }

        /// From the `i32` fields of Flink's answers; negative values are rejected.
        impl TryFrom<i32> for $name {
            type Error = ApiError;

            fn try_from(value: i32) -> Result<Self, ApiError> {
                u32::try_from(value).map(Self).map_err(|_| {
                    ApiError::invalid($what, &value.to_string(), concat!("it cannot be negative; ", $hint))
                })
            }
        }

        impl From<u16> for $name {
            fn from(value: u16) -> Self {
                Self(u32::from(value))
            }
        }

        impl FromStr for $name {
            type Err = ApiError;

            fn from_str(value: &str) -> Result<Self, ApiError> {
                let number: u32 = value.trim().parse().map_err(|_| {
                    ApiError::invalid($what, value, concat!("it is a number from 0; ", $hint))
                })?;
                Self::new(number)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

int_index!(
    /// The index of a subtask within its vertex (0 to parallelism − 1), as in
    /// `/subtasks/:subtaskindex`.
    SubtaskIndex,
    "subtask index",
    "valid indexes go from 0 to the vertex's parallelism minus one (see `GET /jobs/:jobid`)"
);
int_index!(
    /// The number of an execution attempt of a subtask (0 for the first, one more per restart),
    /// as in `/attempts/:attempt`.
    AttemptNumber,
    "attempt number",
    "the current attempt is the `attempt` of the subtask's details"
);

/// `/jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex`.
pub(crate) fn subtask_path(job: &JobId, vertex: &VertexId, subtask: SubtaskIndex) -> String {
    format!("{}/subtasks/{subtask}", vertex_path(job, vertex))
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/accumulators`: the user accumulators of every
/// subtask of a vertex.
#[derive(Clone, Debug)]
pub struct GetSubtasksAccumulators {
    /// The job.
    pub job: JobId,
    /// The vertex.
    pub vertex: VertexId,
}

impl Endpoint for GetSubtasksAccumulators {
    const NAME: &'static str = "jobs.subtasks.accumulators";

    fn path(&self) -> String {
        format!(
            "{}/subtasks/accumulators",
            vertex_path(&self.job, &self.vertex)
        )
    }
}

impl JsonEndpoint for GetSubtasksAccumulators {
    type Output = SubtasksAllAccumulatorsInfo;
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex`: the current attempt of one
/// subtask.
#[derive(Clone, Debug)]
pub struct GetSubtask {
    /// The job.
    pub job: JobId,
    /// The vertex.
    pub vertex: VertexId,
    /// The subtask.
    pub subtask: SubtaskIndex,
}

impl Endpoint for GetSubtask {
    const NAME: &'static str = "jobs.subtasks.get";

    fn path(&self) -> String {
        subtask_path(&self.job, &self.vertex, self.subtask)
    }
}

impl JsonEndpoint for GetSubtask {
    type Output = SubtaskExecutionAttemptDetailsInfo;
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/attempts/:attempt`: one
/// execution attempt of a subtask, the current one or an earlier one.
#[derive(Clone, Debug)]
pub struct GetSubtaskAttempt {
    /// The job.
    pub job: JobId,
    /// The vertex.
    pub vertex: VertexId,
    /// The subtask.
    pub subtask: SubtaskIndex,
    /// The attempt.
    pub attempt: AttemptNumber,
}

impl Endpoint for GetSubtaskAttempt {
    const NAME: &'static str = "jobs.subtasks.attempt";

    fn path(&self) -> String {
        format!(
            "{}/attempts/{}",
            subtask_path(&self.job, &self.vertex, self.subtask),
            self.attempt
        )
    }
}

impl JsonEndpoint for GetSubtaskAttempt {
    type Output = SubtaskExecutionAttemptDetailsInfo;
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/attempts/:attempt/accumulators`:
/// the user accumulators of one execution attempt.
#[derive(Clone, Debug)]
pub struct GetSubtaskAttemptAccumulators {
    /// The job.
    pub job: JobId,
    /// The vertex.
    pub vertex: VertexId,
    /// The subtask.
    pub subtask: SubtaskIndex,
    /// The attempt.
    pub attempt: AttemptNumber,
}

impl Endpoint for GetSubtaskAttemptAccumulators {
    const NAME: &'static str = "jobs.subtasks.attempt-accumulators";

    fn path(&self) -> String {
        format!(
            "{}/attempts/{}/accumulators",
            subtask_path(&self.job, &self.vertex, self.subtask),
            self.attempt
        )
    }
}

impl JsonEndpoint for GetSubtaskAttemptAccumulators {
    type Output = SubtaskExecutionAttemptAccumulatorsInfo;
}

/// Subtask calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait SubtasksApi: Execute + Sync {
    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/accumulators`.
    fn subtasks_accumulators(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<SubtasksAllAccumulatorsInfo, ApiError>> + Send {
        self.execute(GetSubtasksAccumulators { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex`: the current attempt.
    fn subtask(
        &self,
        job: JobId,
        vertex: VertexId,
        subtask: SubtaskIndex,
    ) -> impl Future<Output = Result<SubtaskExecutionAttemptDetailsInfo, ApiError>> + Send {
        self.execute(GetSubtask {
            job,
            vertex,
            subtask,
        })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/attempts/:attempt`.
    fn subtask_attempt(
        &self,
        job: JobId,
        vertex: VertexId,
        subtask: SubtaskIndex,
        attempt: AttemptNumber,
    ) -> impl Future<Output = Result<SubtaskExecutionAttemptDetailsInfo, ApiError>> + Send {
        self.execute(GetSubtaskAttempt {
            job,
            vertex,
            subtask,
            attempt,
        })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/attempts/:attempt/accumulators`.
    fn subtask_attempt_accumulators(
        &self,
        job: JobId,
        vertex: VertexId,
        subtask: SubtaskIndex,
        attempt: AttemptNumber,
    ) -> impl Future<Output = Result<SubtaskExecutionAttemptAccumulatorsInfo, ApiError>> + Send
    {
        self.execute(GetSubtaskAttemptAccumulators {
            job,
            vertex,
            subtask,
            attempt,
        })
    }
}

impl<T: Execute + Sync + ?Sized> SubtasksApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;

    const JOB: &str = "d7b2518b7cc9b04478ed2eb249c5b9a0";
    const VERTEX: &str = "5b61d6019ab04da71a4e62533c1a8c40";

    fn ids() -> (JobId, VertexId) {
        (JOB.parse().unwrap(), VERTEX.parse().unwrap())
    }

    fn uri<E: Endpoint>(endpoint: &E) -> String {
        let request = build_request(endpoint).unwrap();
        assert_eq!(request.method(), http::Method::GET);
        assert!(endpoint.idempotent());
        request.uri().to_string()
    }

    #[test]
    fn subtask_requests() {
        let (job, vertex) = ids();
        let base = format!("/jobs/{JOB}/vertices/{VERTEX}/subtasks");
        assert_eq!(
            uri(&GetSubtasksAccumulators {
                job: job.clone(),
                vertex: vertex.clone()
            }),
            format!("{base}/accumulators")
        );
        let subtask = SubtaskIndex::new(3).unwrap();
        assert_eq!(
            uri(&GetSubtask {
                job: job.clone(),
                vertex: vertex.clone(),
                subtask
            }),
            format!("{base}/3")
        );
        let attempt = AttemptNumber::from(2);
        assert_eq!(
            uri(&GetSubtaskAttempt {
                job: job.clone(),
                vertex: vertex.clone(),
                subtask,
                attempt
            }),
            format!("{base}/3/attempts/2")
        );
        assert_eq!(
            uri(&GetSubtaskAttemptAccumulators {
                job,
                vertex,
                subtask: SubtaskIndex::FIRST,
                attempt: AttemptNumber::FIRST
            }),
            format!("{base}/0/attempts/0/accumulators")
        );
    }

    #[test]
    fn indexes_fit_a_java_int_and_are_not_negative() {
        assert_eq!(
            SubtaskIndex::new(2_147_483_647).unwrap().get(),
            2_147_483_647
        );
        let error = SubtaskIndex::new(2_147_483_648).unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains("subtask index"), "{error}");
        assert!(
            SubtaskIndex::try_from(-1_i32)
                .unwrap_err()
                .is_invalid_input()
        );
        assert_eq!(AttemptNumber::try_from(4_i32).unwrap().get(), 4);
        assert_eq!("7".parse::<SubtaskIndex>().unwrap().get(), 7);
        for bad in ["", "-1", "x", "1-2", "4294967296"] {
            let error = bad.parse::<AttemptNumber>().unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
            assert!(error.to_string().contains("attempt number"), "{error}");
        }
    }

    #[test]
    fn an_unknown_subtask_is_not_found() {
        let (job, vertex) = ids();
        let endpoint = GetSubtask {
            job,
            vertex,
            subtask: SubtaskIndex::from(9),
        };
        let error = crate::decode_response(
            &endpoint,
            http::StatusCode::NOT_FOUND,
            Some("application/json"),
            br#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Invalid subtask index for vertex 5b61d6019ab04da71a4e62533c1a8c40\n\tat a.b(C.java:1)"]}"#,
        )
        .unwrap_err();
        assert!(error.is_not_found());
        let text = error.to_string();
        assert!(text.contains("/subtasks/9:"), "{text}");
        assert!(
            text.ends_with("Invalid subtask index for vertex 5b61d6019ab04da71a4e62533c1a8c40"),
            "{text}"
        );
    }
}
