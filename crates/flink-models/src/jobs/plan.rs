//! A job graph plan as Flink shows it (nodes and their inputs), for jars and jobs alike.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
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
///
/// Read straight from the deserializer, not through a `serde_json::Value`: a job's details
/// carry a plan node per vertex, and building a `Value` of them first, then reading that, cost
/// more than the rest of the plan's decode. An error inside the plan keeps its place
/// (`plan.nodes[3].parallelism`).
pub(crate) fn plan_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Plan>, D::Error> {
    deserializer.deserialize_any(PlanOrEmpty)
}

/// The visitor of [`plan_or_empty`].
struct PlanOrEmpty;

impl<'de> Visitor<'de> for PlanOrEmpty {
    type Value = Option<Plan>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a plan object, `{}` or null")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Plan>, A::Error> {
        let mut empty = false;
        let plan = Plan::deserialize(MapAccessDeserializer::new(EmptyNoted {
            map,
            started: false,
            empty: &mut empty,
        }));
        // `{}` fails as a plan (no `jid`); it means no plan, so that error is not one.
        if empty { Ok(None) } else { plan.map(Some) }
    }

    /// JSON `null` (through `serde_json` and through the buffered values of structs with
    /// flattened fields alike).
    fn visit_unit<E: de::Error>(self) -> Result<Option<Plan>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Plan>, E> {
        Ok(None)
    }
}

/// A map that notes whether it ends before its first key, so that `{}` can be told apart
/// from a plan that fails to decode without reading the map twice.
struct EmptyNoted<'a, A> {
    /// The map being read.
    map: A,
    /// Whether a key was asked for yet.
    started: bool,
    /// Set when the first key asked for turned out to be the end of the map.
    empty: &'a mut bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EmptyNoted<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let key = self.map.next_key_seed(seed)?;
        if !self.started {
            self.started = true;
            *self.empty = key.is_none();
        }
        Ok(key)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
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

    /// A plan answer inside a struct that flattens it: serde buffers the object and reads the
    /// plan from its own buffer, through `deserialize_any`.
    #[derive(Deserialize)]
    struct Buffered {
        #[serde(flatten)]
        info: JobPlanInfo,
    }

    /// The plan of `json` read straight from the text, through serde's buffer of a flattening
    /// struct, and from a `Value`.
    fn plan_three_ways(json: &str) -> [Result<Option<Plan>, String>; 3] {
        let direct = serde_json::from_str::<JobPlanInfo>(json).map(|info| info.plan);
        let buffered = serde_json::from_str::<Buffered>(json).map(|outer| outer.info.plan);
        let value = serde_json::from_str::<serde_json::Value>(json)
            .and_then(serde_json::from_value::<JobPlanInfo>)
            .map(|info| info.plan);
        [direct, buffered, value].map(|read| read.map_err(|error| error.to_string()))
    }

    #[test]
    fn null_an_empty_object_and_no_key_are_no_plan_and_an_object_is_one() {
        for json in [
            r#"{"plan":null}"#,
            r#"{"plan":{}}"#,
            r#"{"plan": { } }"#,
            "{}",
        ] {
            for read in plan_three_ways(json) {
                assert_eq!(read, Ok(None), "{json}");
            }
        }
        let expected = serde_json::from_str::<JobPlanInfo>(V2)
            .unwrap()
            .plan
            .unwrap();
        for read in plan_three_ways(V2) {
            assert_eq!(
                read.as_ref()
                    .map(|plan| plan.as_ref().map(|plan| plan.nodes.len())),
                Ok(Some(2))
            );
            assert_eq!(read, Ok(Some(expected.clone())));
        }
        let minimal = r#"{"plan":{"jid":"j","name":"n","future":1}}"#;
        for read in plan_three_ways(minimal) {
            let plan = read.unwrap().unwrap();
            assert_eq!((plan.jid.as_str(), plan.nodes.len()), ("j", 0));
            assert_eq!(plan.extra["future"], 1, "unknown fields are kept");
        }
    }

    #[test]
    fn anything_else_is_refused_with_what_failed() {
        let refused = [
            (
                r#"{"plan":"x"}"#,
                r#"invalid type: string "x", expected a plan object, `{}` or null"#,
            ),
            (
                r#"{"plan":1}"#,
                "invalid type: integer `1`, expected a plan object, `{}` or null",
            ),
            (
                r#"{"plan":[]}"#,
                "invalid type: sequence, expected a plan object, `{}` or null",
            ),
            (r#"{"plan":{"jid":"j"}}"#, "missing field `name`"),
            (
                r#"{"plan":{"jid":"j","name":"n","nodes":[{"id":"a","parallelism":"two"}]}}"#,
                r#"invalid type: string "two", expected i64"#,
            ),
        ];
        for (json, message) in refused {
            for read in plan_three_ways(json) {
                let error = read.unwrap_err();
                assert!(error.contains(message), "{json}: {error}");
            }
        }
    }

    #[test]
    fn broken_json_in_a_plan_is_an_error_not_an_empty_plan() {
        for json in [
            r#"{"plan":{,}}"#,
            r#"{"plan":{"#,
            r#"{"plan":{}"#,
            r#"{"plan":{"jid":}}"#,
        ] {
            assert!(serde_json::from_str::<JobPlanInfo>(json).is_err(), "{json}");
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
