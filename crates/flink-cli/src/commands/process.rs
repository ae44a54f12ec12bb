//! What the JobManager and the TaskManagers share: log files, thread dumps, metrics.

use std::io::Write;
use std::time::Duration;

use flink_client::api::logs::{GetLogFile, ListLogs, LogFile};
use flink_client::api::metrics::{
    AggregatedMetricScope, Aggregation, GetAggregatedMetrics, GetMetrics, MetricScope,
};
use flink_client::api::thread_dump::GetThreadDump;
use flink_client::api::{ClusterProcess, Execute, FileName, JsonEndpoint};
use flink_client::models::common::{LogList, ThreadDump};
use flink_client::models::metrics::{AggregatedMetric, Metric};

use super::{Ctx, decode};
use crate::exit::Failure;
use crate::output::{Rows, bytes, timestamp, write};

/// How often `--follow` asks for the file again.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Lists the files of the process's log directory.
pub(crate) async fn logs(ctx: &Ctx, process: ClusterProcess) -> Result<(), Failure> {
    ctx.show(ListLogs { process }, log_rows).await
}

fn log_rows(list: LogList) -> Rows {
    let mut rows = Rows::new(&["NAME", "SIZE", "MODIFIED"]).wide(&["BYTES"]);
    for log in list.logs {
        rows.push([
            log.name,
            bytes(log.size),
            timestamp(log.mtime),
            log.size.to_string(),
        ]);
    }
    rows
}

/// Which file `log` reads: the main log, or a named one of `logs`.
pub(crate) fn log_file(name: Option<&str>) -> Result<LogFile, Failure> {
    match name {
        None => Ok(LogFile::Main),
        Some(name) => Ok(LogFile::Named(name.parse::<FileName>()?)),
    }
}

/// Streams a file to standard output; with `follow`, then prints what is appended, every
/// second, until Ctrl-C.
pub(crate) async fn log(
    ctx: &Ctx,
    process: ClusterProcess,
    file: LogFile,
    follow: bool,
) -> Result<(), Failure> {
    let endpoint = GetLogFile { process, file };
    let mut out = std::io::stdout().lock();
    let mut printed = ctx.within(copy(ctx, &endpoint, 0, &mut out)).await?;
    if !follow {
        return Ok(());
    }
    let poll = async {
        loop {
            tokio::time::sleep(FOLLOW_INTERVAL).await;
            // Flink sends the whole file each time: print only what is new.
            let length = ctx.within(copy(ctx, &endpoint, printed, &mut out)).await?;
            if length < printed {
                ctx.info("flinkctl: the file is shorter than before (rotated?); printing it anew");
                printed = ctx.within(copy(ctx, &endpoint, 0, &mut out)).await?;
            } else {
                printed = length;
            }
        }
    };
    tokio::select! {
        result = poll => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// Streams the file, writing what comes after its first `skip` bytes; returns its length.
async fn copy(
    ctx: &Ctx,
    endpoint: &GetLogFile,
    skip: u64,
    out: &mut dyn Write,
) -> Result<u64, Failure> {
    let mut stream = ctx.client.open_stream(endpoint.clone()).await?;
    let mut seen = 0u64;
    while let Some(chunk) = stream.next_chunk().await {
        let chunk = chunk?;
        let length = chunk.len() as u64;
        if seen + length > skip {
            let start = usize::try_from(skip.saturating_sub(seen)).unwrap_or(usize::MAX);
            write(out, &chunk[start.min(chunk.len())..])?;
        }
        seen += length;
    }
    Ok(seen)
}

/// Prints the process's threads as `jstack` would.
pub(crate) async fn thread_dump(ctx: &Ctx, process: ClusterProcess) -> Result<(), Failure> {
    ctx.show_text(GetThreadDump { process }, |dump: ThreadDump| {
        dump.thread_infos
            .into_iter()
            .map(|thread| thread.stringified_thread_info)
            .collect::<String>()
    })
    .await
}

/// Lists the process's metric names, or prints the values of `names`.
pub(crate) async fn metrics(
    ctx: &Ctx,
    process: ClusterProcess,
    names: &[String],
) -> Result<(), Failure> {
    let scope = match process {
        ClusterProcess::JobManager => MetricScope::JobManager,
        ClusterProcess::TaskManager(id) => MetricScope::TaskManager(id),
    };
    metrics_in(ctx, scope, names).await
}

/// Lists the metric names of `scope`, or prints the values of `names`.
pub(crate) async fn metrics_in(
    ctx: &Ctx,
    scope: MetricScope,
    names: &[String],
) -> Result<(), Failure> {
    if names.is_empty() {
        return ctx
            .show(GetMetrics::names(scope), |metrics| {
                metric_rows(metrics, false)
            })
            .await;
    }
    let json = concatenated(ctx, GetMetrics::values(&scope, names)?).await?;
    ctx.printer.print(&mut std::io::stdout().lock(), &json, || {
        decode(&json).map(|metrics| metric_rows(metrics, true))
    })
}

/// The answers of several requests for one list of metrics, as one list: long name lists are
/// split into several requests.
async fn concatenated<E>(ctx: &Ctx, requests: Vec<E>) -> Result<serde_json::Value, Failure>
where
    E: JsonEndpoint + Send + 'static,
{
    let mut all = Vec::new();
    for request in requests {
        match ctx.json(request).await? {
            serde_json::Value::Array(items) => all.extend(items),
            other => all.push(other),
        }
    }
    Ok(serde_json::Value::Array(all))
}

/// Lists the metric names `scope` aggregates, or prints the `aggregations` of `names` (all
/// aggregations when empty).
pub(crate) async fn aggregated_metrics_in(
    ctx: &Ctx,
    scope: AggregatedMetricScope,
    names: &[String],
    aggregations: &[Aggregation],
) -> Result<(), Failure> {
    if names.is_empty() {
        return ctx
            .show(GetAggregatedMetrics::names(scope), |metrics| {
                let names = metrics.into_iter().map(|metric| Metric {
                    id: metric.id,
                    value: None,
                    extra: metric.extra,
                });
                metric_rows(names.collect(), false)
            })
            .await;
    }
    let requests = GetAggregatedMetrics::values(&scope, names, aggregations)?;
    let json = concatenated(ctx, requests).await?;
    ctx.printer.print(&mut std::io::stdout().lock(), &json, || {
        decode(&json).map(|metrics| aggregated_rows(metrics, aggregations))
    })
}

/// Each aggregation's column and value.
type AggregateColumn = (
    Aggregation,
    &'static str,
    fn(&AggregatedMetric) -> Option<f64>,
);

/// The columns of aggregates, in the order of [`Aggregation::ALL`].
const AGGREGATE_COLUMNS: [AggregateColumn; 5] = [
    (Aggregation::Min, "MIN", |metric| metric.min),
    (Aggregation::Max, "MAX", |metric| metric.max),
    (Aggregation::Sum, "SUM", |metric| metric.sum),
    (Aggregation::Avg, "AVG", |metric| metric.avg),
    (Aggregation::Skew, "SKEW", |metric| metric.skew),
];

/// One row per metric, one column per aggregation asked for, in that order (all when none).
fn aggregated_rows(metrics: Vec<AggregatedMetric>, aggregations: &[Aggregation]) -> Rows {
    let shown: Vec<&AggregateColumn> = if aggregations.is_empty() {
        AGGREGATE_COLUMNS.iter().collect()
    } else {
        aggregations
            .iter()
            .filter_map(|asked| AGGREGATE_COLUMNS.iter().find(|(a, ..)| a == asked))
            .collect()
    };
    let mut columns = vec!["METRIC"];
    columns.extend(shown.iter().map(|(_, header, _)| *header));
    let mut rows = Rows::new(&columns);
    for metric in metrics {
        let mut row = vec![metric.id.clone()];
        row.extend(shown.iter().map(|(_, _, value)| {
            value(&metric).map_or_else(|| "-".to_owned(), |value| value.to_string())
        }));
        rows.push(row);
    }
    rows
}

fn metric_rows(metrics: Vec<Metric>, with_values: bool) -> Rows {
    let mut rows = if with_values {
        Rows::new(&["METRIC", "VALUE"])
    } else {
        Rows::new(&["METRIC"])
    };
    for metric in metrics {
        rows.push([metric.id, metric.value.unwrap_or_default()]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_files_show_size_and_time() {
        let list: LogList = serde_json::from_value(serde_json::json!({
            "logs": [{"name": "jobmanager.log", "size": 2048, "mtime": 1_714_564_800_000_i64}]
        }))
        .unwrap();
        let text = log_rows(list).render(false, false);
        assert_eq!(
            text.lines().nth(1),
            Some("jobmanager.log   2.0 KiB   2024-05-01T12:00:00Z")
        );
    }

    #[test]
    fn metric_values_are_a_column() {
        let metrics = vec![Metric {
            id: "Status.JVM.CPU.Load".to_owned(),
            value: Some("0.5".to_owned()),
            extra: flink_client::models::Extra::default(),
        }];
        let text = metric_rows(metrics, true).render(false, false);
        assert_eq!(
            text,
            "METRIC                VALUE\nStatus.JVM.CPU.Load   0.5\n"
        );
    }

    #[test]
    fn aggregates_are_the_columns_asked_for() {
        let metrics: Vec<AggregatedMetric> = serde_json::from_value(serde_json::json!([
            {"id": "numRecordsIn", "min": 3.0, "max": 7.5, "sum": 10.5},
            {"id": "busyTimeMsPerSecond", "min": "NaN"}
        ]))
        .unwrap();
        let text = aggregated_rows(metrics.clone(), &[Aggregation::Max, Aggregation::Min])
            .render(false, false);
        assert_eq!(
            text,
            "METRIC                MAX   MIN\nnumRecordsIn          7.5   3\nbusyTimeMsPerSecond   -     NaN\n"
        );
        let all = aggregated_rows(metrics, &[]).render(false, false);
        assert!(
            all.starts_with("METRIC                MIN   MAX   SUM    AVG   SKEW\n"),
            "{all}"
        );
    }

    #[test]
    fn named_files_are_checked() {
        assert_eq!(log_file(None).unwrap(), LogFile::Main);
        assert!(log_file(Some("gc.log")).is_ok());
        assert!(matches!(log_file(Some("../x")), Err(Failure::Api(_))));
    }
}
