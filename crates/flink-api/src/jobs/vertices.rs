//! Vertex endpoints: details, subtask times, TaskManagers, accumulators, backpressure, flame graph, watermarks.
//!
//! Backpressure and flame graphs are measured on demand: the first request starts the
//! measurement and is answered at once with a "not yet" state
//! ([`JobVertexBackPressureInfo::is_ready`] is `false`, [`VertexFlameGraph::state`] is
//! [`FlameGraphState::Pending`]); both are ordinary answers, not errors. Ask again every second
//! or two until the state changes, with a deadline: backpressure needs Flink's metric fetcher to
//! have run (`metrics.fetcher.update-interval`, 10 s by default), a flame graph needs its
//! samples (about 5 s by default).
//!
//! [`FlameGraphState::Pending`]: flink_models::jobs::vertices::FlameGraphState::Pending

use std::future::Future;

use super::info::job_path;
use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::{ApiError, FlinkVersion, JobId, VertexId};
use flink_models::jobs::vertices::{
    FlameGraphType, JobVertexAccumulatorsInfo, JobVertexBackPressureInfo, JobVertexDetailsInfo,
    JobVertexTaskManagersInfo, SubtasksTimesInfo, VertexFlameGraph,
};
use flink_models::metrics::Metric;

/// `/jobs/:jobid/vertices/:vertexid` with both ids encoded.
pub(crate) fn vertex_path(job: &JobId, vertex: &VertexId) -> String {
    format!(
        "{}/vertices/{}",
        job_path(job),
        encode_segment(vertex.as_str())
    )
}

/// Declares an endpoint `GET /jobs/:jobid/vertices/:vertexid<suffix>` without other parameters.
macro_rules! vertex_get {
    ($(#[$meta:meta])* $name:ident, $op:literal, $suffix:literal, $output:ty) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            /// Which job.
            pub job: JobId,
            /// Which of its vertices.
            pub vertex: VertexId,
        }

        impl Endpoint for $name {
            const NAME: &'static str = $op;

            fn path(&self) -> String {
                format!("{}{}", vertex_path(&self.job, &self.vertex), $suffix)
            }
        }

        impl JsonEndpoint for $name {
            type Output = $output;
        }
    };
}

vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid`: the vertex and the current attempt of each of its
    /// subtasks (state, TaskManager, times, I/O).
    GetJobVertex,
    "jobs.vertices.details",
    "",
    JobVertexDetailsInfo
);
vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid/subtasktimes`: when each subtask entered each state.
    GetSubtaskTimes,
    "jobs.vertices.subtasktimes",
    "/subtasktimes",
    SubtasksTimesInfo
);
vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid/taskmanagers`: the vertex's subtasks grouped by
    /// TaskManager.
    GetVertexTaskManagers,
    "jobs.vertices.taskmanagers",
    "/taskmanagers",
    JobVertexTaskManagersInfo
);
vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid/accumulators`: the vertex's user accumulators.
    GetVertexAccumulators,
    "jobs.vertices.accumulators",
    "/accumulators",
    JobVertexAccumulatorsInfo
);
vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid/backpressure`: how much the subtasks wait for
    /// downstream buffers; not ready during the first seconds (see the [module docs](self)).
    GetVertexBackPressure,
    "jobs.vertices.backpressure",
    "/backpressure",
    JobVertexBackPressureInfo
);
vertex_get!(
    /// `GET /jobs/:jobid/vertices/:vertexid/watermarks`: the current input watermark of each
    /// subtask, as metrics named `<subtask>.currentInputWatermark` (milliseconds, as text).
    GetVertexWatermarks,
    "jobs.vertices.watermarks",
    "/watermarks",
    Vec<Metric>
);

/// `GET /jobs/:jobid/vertices/:vertexid/flamegraph?type=…[&subtaskindex=N]`: sampled stacks of
/// the vertex's subtasks; pending at first (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct GetVertexFlameGraph {
    /// Which job.
    pub job: JobId,
    /// Which of its vertices.
    pub vertex: VertexId,
    /// Which thread states to sample.
    pub graph_type: FlameGraphType,
    /// Only this subtask (from 0); all subtasks when `None`.
    pub subtask: Option<u32>,
}

impl GetVertexFlameGraph {
    /// The full flame graph (on- and off-CPU) of all subtasks of `vertex`.
    pub fn new(job: JobId, vertex: VertexId) -> Self {
        Self {
            job,
            vertex,
            graph_type: FlameGraphType::Full,
            subtask: None,
        }
    }

    /// Samples only the thread states of `graph_type`.
    #[must_use]
    pub fn graph_type(mut self, graph_type: FlameGraphType) -> Self {
        self.graph_type = graph_type;
        self
    }

    /// Samples only subtask `index` (from 0).
    #[must_use]
    pub fn subtask(mut self, index: u32) -> Self {
        self.subtask = Some(index);
        self
    }

    fn validate(&self) -> Result<(), ApiError> {
        if let FlameGraphType::Unknown(other) = &self.graph_type {
            return Err(ApiError::invalid(
                "flame graph type",
                other,
                format!(
                    "the flame graph of vertex {} (job {}) is of type FULL, ON_CPU or OFF_CPU",
                    self.vertex, self.job
                ),
            ));
        }
        if let Some(index) = self.subtask
            && i32::try_from(index).is_err()
        {
            return Err(ApiError::invalid(
                "subtask index",
                &index.to_string(),
                format!(
                    "a subtask index is below the parallelism of vertex {} (job {}), which is at most {}; see GET /jobs/{}/vertices/{}",
                    self.vertex,
                    self.job,
                    i32::MAX,
                    self.job,
                    self.vertex
                ),
            ));
        }
        Ok(())
    }
}

impl Endpoint for GetVertexFlameGraph {
    const NAME: &'static str = "jobs.vertices.flamegraph";
    const VERSION_DEPENDENT: bool = true;

    /// Flink 1.16 and older draw the whole vertex only, ignoring `subtaskindex`.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if self.subtask.is_none() {
            return Ok(());
        }
        version.require(1, 17, "a flame graph of one subtask (`subtaskindex`)")
    }

    fn path(&self) -> String {
        format!("{}/flamegraph", vertex_path(&self.job, &self.vertex))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("type", self.graph_type.as_str().to_owned())];
        if let Some(index) = self.subtask {
            query.push(("subtaskindex", index.to_string()));
        }
        query
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        self.validate()?;
        Ok(None)
    }
}

impl JsonEndpoint for GetVertexFlameGraph {
    type Output = VertexFlameGraph;
}

/// Vertex calls. Implemented for every [`Execute`]; bring it into scope to call them.
///
/// Backpressure and flame graphs answer "not ready yet" at first; see the
/// [module docs](self) for how to poll them.
pub trait VerticesApi: Execute + Sync {
    /// `GET /jobs/:jobid/vertices/:vertexid`: the vertex and its subtasks.
    fn vertex_details(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<JobVertexDetailsInfo, ApiError>> + Send {
        self.execute(GetJobVertex { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasktimes`.
    fn vertex_subtask_times(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<SubtasksTimesInfo, ApiError>> + Send {
        self.execute(GetSubtaskTimes { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/taskmanagers`.
    fn vertex_taskmanagers(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<JobVertexTaskManagersInfo, ApiError>> + Send {
        self.execute(GetVertexTaskManagers { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/accumulators`.
    fn vertex_accumulators(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<JobVertexAccumulatorsInfo, ApiError>> + Send {
        self.execute(GetVertexAccumulators { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/backpressure`: check
    /// [`JobVertexBackPressureInfo::is_ready`] and ask again while it is `false`.
    fn vertex_backpressure(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<JobVertexBackPressureInfo, ApiError>> + Send {
        self.execute(GetVertexBackPressure { job, vertex })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/flamegraph?type=…[&subtaskindex=N]`: check
    /// [`VertexFlameGraph::state`] and ask again while it is pending.
    fn vertex_flame_graph(
        &self,
        job: JobId,
        vertex: VertexId,
        graph_type: FlameGraphType,
        subtask: Option<u32>,
    ) -> impl Future<Output = Result<VertexFlameGraph, ApiError>> + Send {
        self.execute(GetVertexFlameGraph {
            job,
            vertex,
            graph_type,
            subtask,
        })
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/watermarks`: one `<subtask>.currentInputWatermark`
    /// metric per subtask.
    fn vertex_watermarks(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetVertexWatermarks { job, vertex })
    }
}

impl<T: Execute + Sync + ?Sized> VerticesApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FlinkVersion, build_for_newest, build_request_for, decode_response};
    use flink_models::jobs::vertices::{BackpressureStatus, FlameGraphNode, FlameGraphState};
    use http::{Method, StatusCode};

    const JOB: &str = "d7b2518b7cc9b04478ed2eb249c5b9a0";
    const VERTEX: &str = "5b61d6019ab04da71a4e62533c1a8c40";
    const BASE: &str =
        "/jobs/d7b2518b7cc9b04478ed2eb249c5b9a0/vertices/5b61d6019ab04da71a4e62533c1a8c40";

    fn job() -> JobId {
        JOB.parse().unwrap()
    }

    fn vertex() -> VertexId {
        VERTEX.parse().unwrap()
    }

    fn uri<E: Endpoint + Clone>(endpoint: &E) -> String {
        let request = build_for_newest(endpoint).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert!(request.body().is_empty());
        assert!(endpoint.idempotent());
        request.uri().to_string()
    }

    #[test]
    fn vertex_requests() {
        let (job, vertex) = (job(), vertex());
        let cases = [
            (
                uri(&GetJobVertex {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "",
            ),
            (
                uri(&GetSubtaskTimes {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "/subtasktimes",
            ),
            (
                uri(&GetVertexTaskManagers {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "/taskmanagers",
            ),
            (
                uri(&GetVertexAccumulators {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "/accumulators",
            ),
            (
                uri(&GetVertexBackPressure {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "/backpressure",
            ),
            (
                uri(&GetVertexWatermarks {
                    job: job.clone(),
                    vertex: vertex.clone(),
                }),
                "/watermarks",
            ),
            (
                uri(&GetVertexFlameGraph::new(job.clone(), vertex.clone())),
                "/flamegraph?type=FULL",
            ),
            (
                uri(&GetVertexFlameGraph::new(job.clone(), vertex.clone())
                    .graph_type(FlameGraphType::OnCpu)
                    .subtask(0)),
                "/flamegraph?type=ON_CPU&subtaskindex=0",
            ),
            (
                uri(&GetVertexFlameGraph::new(job, vertex)
                    .graph_type(FlameGraphType::OffCpu)
                    .subtask(3)),
                "/flamegraph?type=OFF_CPU&subtaskindex=3",
            ),
        ];
        for (uri, suffix) in cases {
            assert_eq!(uri, format!("{BASE}{suffix}"));
        }
    }

    #[test]
    fn bad_flame_graph_queries_are_rejected_before_sending() {
        let unknown = GetVertexFlameGraph::new(job(), vertex())
            .graph_type(FlameGraphType::Unknown("HOT".to_owned()));
        let error = build_for_newest(&unknown).unwrap_err();
        assert!(error.is_invalid_input());
        let text = error.to_string();
        assert!(text.contains("HOT") && text.contains(VERTEX), "{text}");

        let mut too_big = GetVertexFlameGraph::new(job(), vertex()).subtask(u32::MAX);
        let error = build_for_newest(&too_big).unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains(JOB), "{error}");
        // Bad input comes first, also where the version lacks the parameter.
        let old = FlinkVersion::new(1, 16, 3);
        let error = build_request_for(&mut too_big, &old).unwrap_err();
        assert!(error.is_invalid_input(), "{error:?}");
    }

    #[test]
    fn a_flame_graph_of_one_subtask_needs_flink_1_17() {
        let mut whole = GetVertexFlameGraph::new(job(), vertex());
        let old = FlinkVersion::new(1, 16, 3);
        assert!(build_request_for(&mut whole, &old).is_ok());
        let mut one = whole.subtask(0);
        let error = build_request_for(&mut one, &old).unwrap_err();
        assert!(error.is_unsupported(), "{error:?}");
        assert!(error.to_string().contains("subtaskindex"), "{error}");
        assert!(build_request_for(&mut one, &FlinkVersion::new(1, 17, 2)).is_ok());
    }

    #[test]
    fn not_ready_answers_decode_as_states() {
        let backpressure = GetVertexBackPressure {
            job: job(),
            vertex: vertex(),
        };
        let warming = decode_response(
            &backpressure,
            StatusCode::OK,
            None,
            br#"{"status":"deprecated"}"#,
        )
        .unwrap();
        assert_eq!(warming.status, BackpressureStatus::Deprecated);
        assert!(!warming.is_ready());

        let flame_graph = GetVertexFlameGraph::new(job(), vertex());
        let pending = decode_response(
            &flame_graph,
            StatusCode::OK,
            None,
            br#"{"endTimestamp":-3}"#,
        )
        .unwrap();
        assert_eq!(pending.state(), FlameGraphState::Pending);
        let ready = decode_response(
            &flame_graph,
            StatusCode::OK,
            None,
            br#"{"endTimestamp":5,"data":{"name":"root","value":2,"children":[{"name":"a.B.c:1","value":2,"children":[]}]}}"#,
        )
        .unwrap();
        assert_eq!(ready.tree().map(FlameGraphNode::frame_count), Some(2));
    }

    #[test]
    fn flame_graphs_of_deep_stacks_decode() {
        use std::fmt::Write as _;

        // Two levels of JSON per frame: 150 frames nest past serde_json's limit of 128.
        let frames = 150;
        let mut json = String::from(r#"{"endTimestamp":5,"data":"#);
        for frame in 0..frames {
            write!(json, r#"{{"name":"f{frame}","value":1,"children":["#).unwrap();
        }
        json.push_str(&"]}".repeat(frames));
        json.push('}');
        let graph = decode_response(
            &GetVertexFlameGraph::new(job(), vertex()),
            StatusCode::OK,
            None,
            json.as_bytes(),
        )
        .unwrap();
        assert_eq!(graph.tree().map(FlameGraphNode::frame_count), Some(frames));
    }

    #[test]
    fn watermarks_decode_and_unknown_vertices_are_not_found() {
        let watermarks = GetVertexWatermarks {
            job: job(),
            vertex: vertex(),
        };
        let list = decode_response(
            &watermarks,
            StatusCode::OK,
            None,
            br#"[{"id":"0.currentInputWatermark","value":"1795441879327"}]"#,
        )
        .unwrap();
        assert_eq!(list[0].as_i64(), Some(1_795_441_879_327));

        let details = GetJobVertex {
            job: job(),
            vertex: vertex(),
        };
        let error = decode_response(
            &details,
            StatusCode::NOT_FOUND,
            None,
            br#"{"errors":["org.apache.flink.runtime.rest.NotFoundException: JobVertex 5b61d6019ab04da71a4e62533c1a8c40 not found"]}"#,
        )
        .unwrap_err();
        assert!(error.is_not_found());
        assert!(error.to_string().contains(BASE), "{error}");
    }
}
