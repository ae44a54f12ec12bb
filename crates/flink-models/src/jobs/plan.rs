//! A job graph plan as Flink shows it (nodes and their inputs), for jars and jobs alike.

use serde::{Deserialize, Serialize};

use crate::{Extra, Nullable};

/// The answer to `GET /jobs/:jobid/plan` and `GET`/`POST /jars/:jarid/plan`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPlanInfo {
    /// The plan; `None` while Flink has none yet (1.x with the adaptive scheduler answers `{}`
    /// until the job has its resources).
    #[serde(
        default,
        deserialize_with = "plan_or_empty",
        serialize_with = "plan_or_empty_object"
    )]
    pub plan: Option<Plan>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A job's dataflow graph: one node per job vertex (chained operators form one node).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The job id (for a jar plan, a fresh id the job would get).
    pub jid: String,
    /// The job's name.
    pub name: String,
    /// `STREAMING` or `BATCH`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub job_type: Option<String>,
    /// The job vertices, sinks first as Flink lists them.
    #[serde(default)]
    pub nodes: Vec<PlanNode>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One job vertex of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanNode {
    /// The vertex id (32 hexadecimal characters), as in `/jobs/:jobid/vertices/:vertexid`.
    pub id: String,
    /// The vertex's parallelism.
    pub parallelism: i64,
    /// The operator's name (often empty for streaming jobs).
    #[serde(default)]
    pub operator: String,
    /// The operator's strategy (often empty for streaming jobs).
    #[serde(default)]
    pub operator_strategy: String,
    /// The chained operators, as HTML (`Source: numbers<br/>`).
    #[serde(default)]
    pub description: String,
    /// The vertices this one reads from; empty for sources (Flink then omits the field).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<PlanInput>,
    /// Optimizer details, as Flink sends them (usually `{}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optimizer_properties: Option<serde_json::Value>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An edge into a plan node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    /// The id of the vertex the data comes from.
    pub id: String,
    /// The input's position among the node's inputs.
    pub num: i64,
    /// How data is exchanged (`pipelined_bounded`, `blocking`, …).
    #[serde(default)]
    pub exchange: String,
    /// How records are distributed (`HASH`, `FORWARD`, `REBALANCE`, …; `null` when the graph
    /// does not say).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub ship_strategy: Nullable<String>,
    /// The local strategy of batch inputs (such as a sort), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_strategy: Option<String>,
    /// How a batch input's data is cached, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caching: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Reads a plan, taking `{}` and `null` as no plan.
pub(crate) fn plan_or_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Plan>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    match &value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Object(map) if map.is_empty() => Ok(None),
        _ => serde_json::from_value(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Writes no plan as `{}`, as Flink does.
#[allow(clippy::ref_option)] // serde hands over `&Option<_>`
pub(crate) fn plan_or_empty_object<S: serde::Serializer>(
    plan: &Option<Plan>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match plan {
        Some(plan) => plan.serialize(serializer),
        None => crate::common::Empty.serialize(serializer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V2: &str = r#"{"plan":{"jid":"01d1e87b5c625bb87af7a9e20b6abf71","name":"flink-local-testjob","type":"STREAMING","nodes":[{"id":"5b61d6019ab04da71a4e62533c1a8c40","operator":"","parallelism":2,"operator_strategy":"","description":"count-per-key<br/>+- discard: Writer<br/>","optimizer_properties":{},"inputs":[{"id":"ca88eee0095684d687a1b6495617f957","num":0,"exchange":"pipelined_bounded","ship_strategy":"HASH"}]},{"id":"ca88eee0095684d687a1b6495617f957","operator":"","parallelism":2,"operator_strategy":"","description":"Source: numbers<br/>","optimizer_properties":{}}]}}"#;
    const V1: &str = r#"{"plan":{"jid":"e20d952a6eec59842b83955d60e272c2","name":"flink-local-testjob","type":"STREAMING","nodes":[{"id":"5b61d6019ab04da71a4e62533c1a8c40","parallelism":2,"operator":"","operator_strategy":"","description":"count-per-key<br/>+- discard: Writer<br/>","inputs":[{"num":0,"id":"ca88eee0095684d687a1b6495617f957","ship_strategy":"HASH","exchange":"pipelined_bounded"}],"optimizer_properties":{}},{"id":"ca88eee0095684d687a1b6495617f957","parallelism":2,"operator":"","operator_strategy":"","description":"Source: numbers<br/>","optimizer_properties":{}}]}}"#;

    #[test]
    fn an_empty_plan_is_none_and_stays_empty() {
        let info: JobPlanInfo = serde_json::from_str(r#"{"plan":{}}"#).unwrap();
        assert!(info.plan.is_none());
        assert_eq!(serde_json::to_string(&info).unwrap(), r#"{"plan":{}}"#);
    }

    #[test]
    fn plans_of_both_versions_decode_alike() {
        for json in [V2, V1] {
            let info: JobPlanInfo = serde_json::from_str(json).unwrap();
            let plan = info.plan.as_ref().unwrap();
            assert_eq!(plan.job_type.as_deref(), Some("STREAMING"));
            assert_eq!(plan.nodes.len(), 2);
            let sink = &plan.nodes[0];
            assert_eq!(sink.parallelism, 2);
            assert_eq!(sink.inputs[0].id, plan.nodes[1].id);
            assert_eq!(sink.inputs[0].ship_strategy.as_deref(), Some("HASH"));
            assert_eq!(sink.inputs[0].exchange, "pipelined_bounded");
            assert!(plan.nodes[1].inputs.is_empty(), "a source has no inputs");
        }
    }

    #[test]
    fn a_plan_survives_a_round_trip() {
        let info: JobPlanInfo = serde_json::from_str(V2).unwrap();
        let again: JobPlanInfo =
            serde_json::from_str(&serde_json::to_string(&info).unwrap()).unwrap();
        assert_eq!(info, again);
    }
}
