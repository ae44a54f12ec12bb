//! `GET` and `PUT /jobs/:jobid/resource-requirements`: the parallelism bounds of each vertex,
//! which the adaptive scheduler rescales a running job to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;

/// The parallelism bounds of every vertex of a job, by vertex id.
///
/// Only the adaptive scheduler (`jobmanager.scheduler: adaptive`) supports these; it runs each
/// vertex with as many tasks as the free slots allow, within the bounds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobResourceRequirements {
    /// Vertex id (32 hexadecimal characters) → its requirements.
    pub vertices: BTreeMap<String, VertexResourceRequirements>,
}

impl JobResourceRequirements {
    /// Sets the bounds of one vertex (adding it if missing). Returns `self` for chaining.
    #[must_use]
    pub fn with_parallelism(mut self, vertex_id: &str, lower_bound: i32, upper_bound: i32) -> Self {
        self.vertices.insert(
            vertex_id.to_owned(),
            VertexResourceRequirements {
                parallelism: ParallelismBounds::new(lower_bound, upper_bound),
                extra: Extra::new(),
            },
        );
        self
    }

    /// The bounds of one vertex, if the job has it.
    pub fn parallelism(&self, vertex_id: &str) -> Option<&ParallelismBounds> {
        self.vertices.get(vertex_id).map(|v| &v.parallelism)
    }
}

/// The resource requirements of one vertex.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VertexResourceRequirements {
    /// How many tasks the vertex may run.
    pub parallelism: ParallelismBounds,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A range of parallelism: at least `lower_bound`, at most `upper_bound` tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParallelismBounds {
    /// The fewest tasks the vertex runs with (the job waits for slots below it).
    pub lower_bound: i32,
    /// The most tasks the vertex runs with; at most the vertex's max parallelism.
    pub upper_bound: i32,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ParallelismBounds {
    /// The range `lower_bound..=upper_bound`.
    pub fn new(lower_bound: i32, upper_bound: i32) -> Self {
        Self {
            lower_bound,
            upper_bound,
            extra: Extra::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_a_map_of_vertices() {
        let json = r#"{"ca88eee0095684d687a1b6495617f957":{"parallelism":{"lowerBound":1,"upperBound":1}},"5b61d6019ab04da71a4e62533c1a8c40":{"parallelism":{"lowerBound":1,"upperBound":2}}}"#;
        let requirements: JobResourceRequirements = serde_json::from_str(json).unwrap();
        assert_eq!(
            requirements
                .parallelism("5b61d6019ab04da71a4e62533c1a8c40")
                .unwrap()
                .upper_bound,
            2
        );
        assert_eq!(
            serde_json::to_value(&requirements).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
        let raised = requirements.with_parallelism("ca88eee0095684d687a1b6495617f957", 1, 3);
        assert_eq!(
            serde_json::to_value(&raised).unwrap()["ca88eee0095684d687a1b6495617f957"],
            serde_json::json!({"parallelism": {"lowerBound": 1, "upperBound": 3}})
        );
    }
}
