//! Finding a job's vertices by id or name, and the views over several vertices: backpressure
//! and watermarks.

use std::time::Duration;

use flink_client::api::jobs::GetJob;
use flink_client::api::jobs::vertices::{GetVertexBackPressure, GetVertexWatermarks};
use flink_client::api::{ApiError, Execute, JobId, VertexId};
use flink_client::models::jobs::details::JobVertexDetails;
use flink_client::models::jobs::vertices::JobVertexBackPressureInfo;
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

/// The one vertex of the job named by `wanted` (id or name), and its id.
pub(super) async fn find(
    ctx: &Ctx,
    job: &JobId,
    wanted: &str,
) -> Result<(JobVertexDetails, VertexId), Failure> {
    let vertex = vertices(ctx, job, Some(wanted))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::InvalidInput(format!("no vertex of job {job} is `{wanted}`")))?;
    let id = vertex_id(&vertex)?;
    Ok((vertex, id))
}

/// An optional argument (a subtask index, an attempt number) checked, before anything is asked.
pub(super) fn parse_optional<T>(value: Option<&str>) -> Result<Option<T>, Failure>
where
    T: std::str::FromStr<Err = ApiError>,
{
    Ok(value.map(str::parse::<T>).transpose()?)
}

/// Polls `ask` until `ready` says the answer is there, within `--timeout` (or a minute).
pub(super) async fn wait_for<F, Fut>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermarks_before_the_first_are_a_dash() {
        assert_eq!(percent(0.256), "26%");
        assert_eq!(watermark(Some("-9223372036854775808")), "-");
        assert_eq!(watermark(None), "-");
        assert_eq!(watermark(Some("1714564800000")), "2024-05-01T12:00:00Z");
    }
}
