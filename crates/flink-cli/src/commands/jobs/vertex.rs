//! The vertex subcommands of `jobs`: backpressure, watermarks, flame graphs.

use std::time::Duration;

use flink_client::api::jobs::GetJob;
use flink_client::api::jobs::vertices::{
    GetVertexBackPressure, GetVertexFlameGraph, GetVertexWatermarks,
};
use flink_client::api::{ApiError, Execute, JobId, VertexId};
use flink_client::models::jobs::details::JobVertexDetails;
use flink_client::models::jobs::vertices::{
    FlameGraphNode, FlameGraphState, FlameGraphType, JobVertexBackPressureInfo, VertexFlameGraph,
};
use flink_client::models::metrics::Metric;
use serde_json::{Map, Value};

use crate::commands::{Ctx, decode};
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// How long the waits for Flink's samples last without `--timeout`.
const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// How often a pending answer is asked again.
const POLL: Duration = Duration::from_millis(500);

/// The job's vertices, or only the one named by `wanted` (id or name).
pub(super) async fn vertices(
    ctx: &Ctx,
    job: &JobId,
    wanted: Option<&str>,
) -> Result<Vec<JobVertexDetails>, Failure> {
    let details = ctx
        .call(ctx.client.execute(GetJob { job: job.clone() }))
        .await?;
    let Some(wanted) = wanted else {
        return Ok(details.vertices);
    };
    let exact: Vec<&JobVertexDetails> = details
        .vertices
        .iter()
        .filter(|v| v.id == wanted || v.name == wanted)
        .collect();
    let found: Vec<&JobVertexDetails> = if exact.is_empty() {
        details
            .vertices
            .iter()
            .filter(|v| v.name.contains(wanted))
            .collect()
    } else {
        exact
    };
    if let [one] = found.as_slice() {
        return Ok(vec![(*one).clone()]);
    }
    let known: Vec<String> = details
        .vertices
        .iter()
        .map(|v| format!("{} ({})", v.id, v.name))
        .collect();
    let what = if found.is_empty() {
        "no"
    } else {
        "more than one"
    };
    Err(Failure::InvalidInput(format!(
        "{what} vertex of job {job} is `{wanted}`; its vertices: {}",
        known.join(", ")
    )))
}

/// The id of a vertex of the job's details, checked.
pub(super) fn vertex_id(vertex: &JobVertexDetails) -> Result<VertexId, Failure> {
    Ok(vertex.id.parse::<VertexId>()?)
}

/// Polls `ask` until `ready` says the answer is there, within `--timeout` (or a minute).
async fn wait_for<F, Fut>(
    ctx: &Ctx,
    mut ask: F,
    ready: impl Fn(&Value) -> Result<bool, Failure>,
) -> Result<Value, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Value, Failure>>,
{
    let work = async {
        loop {
            let json = ask().await?;
            if ready(&json)? {
                return Ok(json);
            }
            tokio::time::sleep(POLL).await;
        }
    };
    let limit = ctx.timeout.unwrap_or(DEFAULT_WAIT);
    tokio::time::timeout(ctx.time_left().unwrap_or(limit), work)
        .await
        .map_err(|_| Failure::Deadline(limit))?
}

/// Prints the answers of several vertices: one server answer, or an object keyed by id.
fn print_all(
    ctx: &Ctx,
    single: bool,
    answers: &[(JobVertexDetails, Value)],
    rows: impl FnOnce(&[(JobVertexDetails, Value)]) -> Result<Rows, Failure>,
) -> Result<(), Failure> {
    let json = if single {
        answers
            .first()
            .map_or(Value::Null, |(_, json)| json.clone())
    } else {
        Value::Object(
            answers
                .iter()
                .map(|(v, json)| (v.id.clone(), json.clone()))
                .collect::<Map<String, Value>>(),
        )
    };
    ctx.printer
        .print(&mut std::io::stdout().lock(), &json, || rows(answers))
}

/// `jobs backpressure JOB [VERTEX]`.
pub(crate) async fn backpressure(
    ctx: &Ctx,
    job: JobId,
    wanted: Option<&str>,
) -> Result<(), Failure> {
    let mut answers = Vec::new();
    for vertex in vertices(ctx, &job, wanted).await? {
        let endpoint = GetVertexBackPressure {
            job: job.clone(),
            vertex: vertex_id(&vertex)?,
        };
        let json = wait_for(
            ctx,
            || ctx.json(endpoint.clone()),
            |json| Ok(decode::<JobVertexBackPressureInfo>(json)?.is_ready()),
        )
        .await?;
        answers.push((vertex, json));
    }
    print_all(ctx, wanted.is_some(), &answers, |answers| {
        let mut rows = Rows::new(&[
            "VERTEX",
            "SUBTASK",
            "LEVEL",
            "BACKPRESSURED",
            "BUSY",
            "IDLE",
        ]);
        for (vertex, json) in answers {
            let info: JobVertexBackPressureInfo = decode(json)?;
            for subtask in info.subtasks() {
                rows.push([
                    vertex.name.clone(),
                    subtask.subtask.to_string(),
                    subtask.backpressure_level.to_string(),
                    percent(subtask.ratio),
                    percent(subtask.busy_ratio),
                    percent(subtask.idle_ratio),
                ]);
            }
        }
        Ok(rows)
    })
}

fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// A watermark in milliseconds as a time, or `-` when the subtask has none yet.
fn watermark(value: Option<&str>) -> String {
    match value.and_then(|v| v.parse::<i64>().ok()) {
        Some(ms) if ms > 0 && ms < i64::MAX => timestamp(ms),
        Some(_) | None => "-".to_owned(),
    }
}

/// `jobs watermarks JOB [VERTEX]`.
pub(crate) async fn watermarks(ctx: &Ctx, job: JobId, wanted: Option<&str>) -> Result<(), Failure> {
    let mut answers = Vec::new();
    for vertex in vertices(ctx, &job, wanted).await? {
        let endpoint = GetVertexWatermarks {
            job: job.clone(),
            vertex: vertex_id(&vertex)?,
        };
        let json = ctx.json(endpoint).await?;
        answers.push((vertex, json));
    }
    print_all(ctx, wanted.is_some(), &answers, |answers| {
        let mut rows = Rows::new(&["VERTEX", "SUBTASK", "WATERMARK"]).wide(&["MILLIS"]);
        for (vertex, json) in answers {
            let mut metrics: Vec<Metric> = decode(json)?;
            metrics.sort_by(|a, b| a.id.cmp(&b.id));
            for metric in metrics {
                let subtask = metric.id.split('.').next().unwrap_or_default().to_owned();
                rows.push([
                    vertex.name.clone(),
                    subtask,
                    watermark(metric.value.as_deref()),
                    metric.value.unwrap_or_default(),
                ]);
            }
        }
        Ok(rows)
    })
}

/// `jobs flamegraph JOB VERTEX`: waits for the graph, then prints its hottest frames.
pub(crate) async fn flamegraph(
    ctx: &Ctx,
    job: JobId,
    wanted: &str,
    graph_type: FlameGraphType,
    top: usize,
) -> Result<(), Failure> {
    let vertex = vertices(ctx, &job, Some(wanted)).await?.remove(0);
    let endpoint =
        GetVertexFlameGraph::new(job.clone(), vertex_id(&vertex)?).graph_type(graph_type);
    let json = wait_for(
        ctx,
        || ctx.json(endpoint.clone()),
        |json| {
            let graph: VertexFlameGraph = decode(json)?;
            match graph.state() {
                FlameGraphState::Ready { .. } => Ok(true),
                FlameGraphState::Pending => Ok(false),
                FlameGraphState::Disabled => {
                    let request = format!("GET /jobs/{job}/vertices/{}/flamegraph", vertex.id);
                    Err(Failure::Api(ApiError::Disabled {
                        request: request.clone(),
                        feature: "flame graphs",
                        reason: "the cluster has rest.flamegraph.enabled: false",
                        hint: "set rest.flamegraph.enabled: true in the cluster's configuration",
                        source: Box::new(ApiError::Flink {
                            request,
                            status: http::StatusCode::OK,
                            errors: vec!["endTimestamp -1: flame graphs are disabled".to_owned()],
                            extra: Box::default(),
                        }),
                    }))
                }
                FlameGraphState::Terminated => Err(Failure::Answer(format!(
                    "vertex `{}` has no running subtask to sample",
                    vertex.name
                ))),
                _ => Err(Failure::Answer(format!(
                    "Flink answered the flame graph with endTimestamp {}",
                    graph.end_timestamp
                ))),
            }
        },
    )
    .await?;
    ctx.printer.print(&mut std::io::stdout().lock(), &json, || {
        let graph: VertexFlameGraph = decode(&json)?;
        let mut rows = Rows::new(&["SELF", "SELF %", "TOTAL %", "FRAME"]);
        if let Some(root) = graph.tree() {
            for frame in hottest(root, top) {
                rows.push([
                    frame.self_samples.to_string(),
                    share(frame.self_samples, root.value),
                    share(frame.total_samples, root.value),
                    frame.name,
                ]);
            }
        }
        Ok(rows)
    })
}

fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "-".to_owned();
    }
    #[allow(clippy::cast_precision_loss)] // display only
    let value = part as f64 * 100.0 / whole as f64;
    format!("{value:.1}%")
}

/// A frame of a flame graph with its samples summed over the tree.
#[derive(Debug, PartialEq)]
pub(crate) struct HotFrame {
    /// The frame, `class.method:line`.
    pub(crate) name: String,
    /// Samples in which it was the innermost frame.
    pub(crate) self_samples: i64,
    /// Samples in which it was on the stack (counted once per stack, recursion included).
    pub(crate) total_samples: i64,
}

/// The `top` frames with the most samples of their own, the root left out.
pub(crate) fn hottest(root: &FlameGraphNode, top: usize) -> Vec<HotFrame> {
    let mut frames: std::collections::HashMap<&str, (i64, i64)> = std::collections::HashMap::new();
    let mut path: Vec<&str> = Vec::new();
    let mut stack: Vec<(&FlameGraphNode, usize)> =
        root.children.iter().rev().map(|child| (child, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        path.truncate(depth);
        let child_samples: i64 = node.children.iter().map(|c| c.value).sum();
        let entry = frames.entry(node.name.as_str()).or_default();
        entry.0 += (node.value - child_samples).max(0);
        if !path.contains(&node.name.as_str()) {
            entry.1 += node.value;
        }
        path.push(&node.name);
        stack.extend(node.children.iter().rev().map(|child| (child, depth + 1)));
    }
    let mut hot: Vec<HotFrame> = frames
        .into_iter()
        .map(|(name, (self_samples, total_samples))| HotFrame {
            name: name.to_owned(),
            self_samples,
            total_samples,
        })
        .filter(|frame| frame.self_samples > 0)
        .collect();
    hot.sort_by(|a, b| {
        b.self_samples
            .cmp(&a.self_samples)
            .then_with(|| a.name.cmp(&b.name))
    });
    hot.truncate(top);
    hot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hottest_frames_have_the_most_own_samples() {
        let root: FlameGraphNode = serde_json::from_str(
            r#"{"name":"root","value":10,"children":[
                {"name":"run","value":10,"children":[
                    {"name":"poll","value":6,"children":[{"name":"park","value":5}]},
                    {"name":"work","value":3,"children":[{"name":"run","value":2}]}]}]}"#,
        )
        .unwrap();
        let hot = hottest(&root, 3);
        let names: Vec<(&str, i64, i64)> = hot
            .iter()
            .map(|f| (f.name.as_str(), f.self_samples, f.total_samples))
            .collect();
        assert_eq!(names, [("park", 5, 5), ("run", 3, 10), ("poll", 1, 6)]);
        assert_eq!(share(5, 10), "50.0%");
        assert_eq!(share(1, 0), "-");
        assert_eq!(watermark(Some("-9223372036854775808")), "-");
        assert_eq!(watermark(Some("1714564800000")), "2024-05-01T12:00:00Z");
    }
}
