//! A job's checkpoints: the history with sparklines of its sizes and durations
//! (`jobs checkpoints`), the configuration (`jobs checkpoint-config`), and one checkpoint by
//! vertex or by subtask (`jobs checkpoint`).

use std::collections::HashMap;
use std::time::Duration;

use flink_client::api::JobId;
use flink_client::api::jobs::checkpoints::{
    GetCheckpointConfig, GetCheckpointDetails, GetCheckpointingStatistics, GetTaskCheckpointDetails,
};
use flink_client::models::jobs::checkpoints::{
    CheckpointConfigInfo, CheckpointStatistics, CheckpointingStatistics,
    TaskCheckpointStatisticsWithSubtaskDetails,
};

use super::vertex::{vertex_id, vertices};
use crate::cli::Format;
use crate::commands::{Ctx, decode};
use crate::exit::Failure;
use crate::output::{Rows, bytes, timestamp, write};
use crate::render::sparkline::sparkline;

/// `jobs checkpoints JOB`: the history, newest first; the table view ends with sparklines of
/// the completed checkpoints' sizes and durations.
pub(super) async fn history(ctx: &Ctx, job: JobId) -> Result<(), Failure> {
    let json = ctx.json(GetCheckpointingStatistics { job }).await?;
    let mut out = std::io::stdout().lock();
    let mut trend = String::new();
    ctx.printer.print(&mut out, &json, || {
        let stats: CheckpointingStatistics = decode(&json)?;
        trend = trend_lines(&stats.history);
        Ok(history_rows(stats))
    })?;
    if matches!(ctx.printer.format, Format::Table | Format::Wide) {
        write(&mut out, trend.as_bytes())?;
    }
    Ok(())
}

/// One row per checkpoint of the history, newest first as Flink lists them.
fn history_rows(stats: CheckpointingStatistics) -> Rows {
    let mut rows = Rows::new(&["ID", "STATUS", "TYPE", "TRIGGERED", "DURATION", "SIZE"]).wide(&[
        "STATE SIZE",
        "ACKNOWLEDGED",
        "PATH",
    ]);
    for checkpoint in stats.history {
        let kind = if checkpoint.is_savepoint {
            "savepoint".to_owned()
        } else {
            checkpoint.checkpoint_type.to_string()
        };
        rows.push([
            checkpoint.id.to_string(),
            checkpoint.status.to_string(),
            kind,
            timestamp(checkpoint.trigger_timestamp),
            duration(checkpoint.end_to_end_duration),
            bytes(checkpoint.checkpointed_size),
            bytes(checkpoint.state_size),
            format!(
                "{}/{}",
                checkpoint.num_acknowledged_subtasks, checkpoint.num_subtasks
            ),
            checkpoint
                .external_path
                .into_value()
                .unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    rows
}

/// The sizes and durations of the completed checkpoints of `history` (newest first, as Flink
/// sends it) as two sparklines, oldest first, after a blank line; nothing without any.
fn trend_lines(history: &[CheckpointStatistics]) -> String {
    let completed: Vec<&CheckpointStatistics> = history
        .iter()
        .rev()
        .filter(|checkpoint| checkpoint.is_completed())
        .collect();
    if completed.is_empty() {
        return String::new();
    }
    let sizes: Vec<i64> = completed.iter().map(|c| c.checkpointed_size).collect();
    let durations: Vec<i64> = completed.iter().map(|c| c.end_to_end_duration).collect();
    let line = |label: &str, values: &[i64], unit: fn(i64) -> String| {
        let low = unit(values.iter().copied().min().unwrap_or_default());
        let high = unit(values.iter().copied().max().unwrap_or_default());
        let range = if low == high {
            low
        } else {
            format!("{low} … {high}")
        };
        format!("{label:<10}{}   {range}\n", sparkline(values))
    };
    format!(
        "\n{}{}",
        line("size", &sizes, bytes),
        line("duration", &durations, duration)
    )
}

/// Milliseconds for people (`37ms`, `2s 500ms`), or `-` when negative (not known).
fn duration(ms: i64) -> String {
    u64::try_from(ms).map_or_else(
        |_| "-".to_owned(),
        |ms| humantime::format_duration(Duration::from_millis(ms)).to_string(),
    )
}

/// `jobs checkpoint-config JOB`.
pub(super) async fn config(ctx: &Ctx, job: JobId) -> Result<(), Failure> {
    ctx.show(GetCheckpointConfig { job }, config_rows).await
}

/// The configuration as keys and values, named as in Flink's answer.
fn config_rows(config: CheckpointConfigInfo) -> Rows {
    let mut rows = Rows::new(&["KEY", "VALUE"]);
    let interval = if config.interval == i64::MAX {
        "disabled".to_owned()
    } else {
        duration(config.interval)
    };
    let optional = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    let entries = [
        ("mode", config.mode.to_string()),
        ("interval", interval),
        ("timeout", duration(config.timeout)),
        ("min_pause", duration(config.min_pause)),
        ("max_concurrent", config.max_concurrent.to_string()),
        (
            "externalization.enabled",
            config.externalization.enabled.to_string(),
        ),
        (
            "externalization.delete_on_cancellation",
            config.externalization.delete_on_cancellation.to_string(),
        ),
        ("state_backend", config.state_backend),
        ("checkpoint_storage", optional(config.checkpoint_storage)),
        (
            "unaligned_checkpoints",
            config.unaligned_checkpoints.to_string(),
        ),
        (
            "tolerable_failed_checkpoints",
            config.tolerable_failed_checkpoints.to_string(),
        ),
        (
            "aligned_checkpoint_timeout",
            optional(config.aligned_checkpoint_timeout.map(duration)),
        ),
        (
            "checkpoints_after_tasks_finish",
            optional(config.checkpoints_after_tasks_finish.map(|b| b.to_string())),
        ),
        (
            "state_changelog_enabled",
            optional(config.state_changelog_enabled.map(|b| b.to_string())),
        ),
        (
            "changelog_periodic_materialization_interval",
            optional(
                config
                    .changelog_periodic_materialization_interval
                    .map(duration),
            ),
        ),
        ("changelog_storage", optional(config.changelog_storage)),
    ];
    for (key, value) in entries {
        rows.push([key.to_owned(), value]);
    }
    rows
}

/// `jobs checkpoint JOB ID [--vertex V]`: the checkpoint's vertices, or one vertex's subtasks.
pub(super) async fn details(
    ctx: &Ctx,
    job: JobId,
    checkpoint: &str,
    vertex: Option<&str>,
) -> Result<(), Failure> {
    let checkpoint = checkpoint_id(checkpoint)?;
    if let Some(wanted) = vertex {
        let vertex = vertices(ctx, &job, Some(wanted)).await?.remove(0);
        let endpoint = GetTaskCheckpointDetails {
            job,
            checkpoint,
            vertex: vertex_id(&vertex)?,
        };
        return ctx.show(endpoint, subtask_rows).await;
    }
    let endpoint = GetCheckpointDetails {
        job: job.clone(),
        checkpoint,
    };
    let json = ctx.json(endpoint).await?;
    // Tables name the vertices, which the answer knows by id only.
    let names: HashMap<String, String> = if ctx.printer.is_document() {
        HashMap::new()
    } else {
        vertices(ctx, &job, None)
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect()
    };
    ctx.printer.print(&mut std::io::stdout().lock(), &json, || {
        decode(&json).map(|details| vertex_rows(details, &names))
    })
}

/// A checkpoint's id as `jobs checkpoints` shows it.
fn checkpoint_id(text: &str) -> Result<u64, Failure> {
    text.trim().parse().map_err(|_| {
        Failure::InvalidInput(format!(
            "`{text}` is not a checkpoint id: expected a number, as the ID column of `flinkctl jobs checkpoints JOB` shows"
        ))
    })
}

/// One row per vertex of a checkpoint, named by `names` (vertex id to name).
fn vertex_rows(details: CheckpointStatistics, names: &HashMap<String, String>) -> Rows {
    let mut rows = Rows::new(&[
        "VERTEX",
        "NAME",
        "STATUS",
        "ACKNOWLEDGED",
        "DURATION",
        "SIZE",
    ])
    .wide(&["STATE SIZE", "PROCESSED", "PERSISTED", "LATEST ACK"]);
    for (id, task) in details.tasks.unwrap_or_default() {
        let name = names.get(&id).cloned().unwrap_or_else(|| "-".to_owned());
        rows.push([
            id,
            name,
            task.status.to_string(),
            format!("{}/{}", task.num_acknowledged_subtasks, task.num_subtasks),
            duration(task.end_to_end_duration),
            bytes(task.checkpointed_size),
            bytes(task.state_size),
            bytes(task.processed_data),
            bytes(task.persisted_data),
            timestamp(task.latest_ack_timestamp),
        ]);
    }
    rows
}

/// One row per subtask of a vertex's part of a checkpoint; `-` where a subtask has not
/// acknowledged.
fn subtask_rows(details: TaskCheckpointStatisticsWithSubtaskDetails) -> Rows {
    let mut rows = Rows::new(&["SUBTASK", "STATUS", "ACKNOWLEDGED", "DURATION", "SIZE"]).wide(&[
        "STATE SIZE",
        "SYNC",
        "ASYNC",
        "ALIGNMENT",
        "START DELAY",
        "UNALIGNED",
    ]);
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    for subtask in details.subtasks {
        rows.push([
            subtask.index.to_string(),
            subtask.status,
            or_dash(subtask.ack_timestamp.map(timestamp)),
            or_dash(subtask.end_to_end_duration.map(duration)),
            or_dash(subtask.checkpointed_size.map(bytes)),
            or_dash(subtask.state_size.map(bytes)),
            or_dash(subtask.checkpoint.as_ref().map(|c| duration(c.sync))),
            or_dash(subtask.checkpoint.as_ref().map(|c| duration(c.async_))),
            or_dash(subtask.alignment.as_ref().map(|a| duration(a.duration))),
            or_dash(subtask.start_delay.map(duration)),
            or_dash(subtask.unaligned_checkpoint.map(|u| u.to_string())),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkpoint of the history as Flink 2.3 sends it.
    fn checkpoint(id: u64, status: &str, size: i64, duration: i64) -> serde_json::Value {
        let class = if status == "COMPLETED" {
            "completed"
        } else {
            "failed"
        };
        serde_json::json!({
            "className": class, "id": id, "status": status, "is_savepoint": false,
            "savepointFormat": null, "trigger_timestamp": 1_714_564_800_000_i64 + 1000 * i64::try_from(id).unwrap(),
            "latest_ack_timestamp": 1_714_564_800_000_i64, "checkpointed_size": size,
            "state_size": size, "end_to_end_duration": duration, "alignment_buffered": 0,
            "processed_data": 0, "persisted_data": 0, "num_subtasks": 2,
            "num_acknowledged_subtasks": 2, "checkpoint_type": "CHECKPOINT", "tasks": {},
            "external_path": "file:/cp/chk-1", "discarded": false
        })
    }

    /// Statistics over some numbers, as Flink sends them.
    fn stats() -> serde_json::Value {
        serde_json::json!({"min": 0, "max": 0, "avg": 0, "p50": 0.0, "p90": 0.0, "p95": 0.0,
            "p99": 0.0, "p999": 0.0})
    }

    fn list(entries: &[serde_json::Value]) -> Vec<CheckpointStatistics> {
        serde_json::from_value(serde_json::Value::Array(entries.to_vec())).unwrap()
    }

    #[test]
    fn sparklines_of_the_completed_checkpoints_oldest_first() {
        // Newest first, as Flink lists them; the failed one is left out.
        let history = list(&[
            checkpoint(4, "COMPLETED", 2678, 251),
            checkpoint(3, "FAILED", 0, 600_000),
            checkpoint(2, "COMPLETED", 2124, 37),
            checkpoint(1, "COMPLETED", 1570, 144),
        ]);
        assert_eq!(
            trend_lines(&history),
            "\nsize      ▁▅█   1.5 KiB … 2.6 KiB\nduration  ▅▁█   37ms … 251ms\n"
        );
        assert_eq!(trend_lines(&[]), "");
        let flat = list(&[
            checkpoint(2, "COMPLETED", 2048, 40),
            checkpoint(1, "COMPLETED", 2050, 40),
        ]);
        assert_eq!(
            trend_lines(&flat),
            "\nsize      █▁   2.0 KiB\nduration  ▄▄   40ms\n"
        );
        assert_eq!(trend_lines(&history[1..2]), "");
    }

    #[test]
    fn the_history_table_has_the_checkpoint_id_first() {
        let stats: CheckpointingStatistics = serde_json::from_value(serde_json::json!({
            "counts": {"restored": 0, "total": 1, "in_progress": 0, "completed": 1, "failed": 0},
            "summary": {"checkpointed_size": stats(), "state_size": stats(),
                "end_to_end_duration": stats(), "alignment_buffered": stats(),
                "processed_data": stats(), "persisted_data": stats()},
            "latest": {"completed": null, "savepoint": null, "failed": null, "restored": null}, "history": [checkpoint(7, "COMPLETED", 2048, 1500)]
        }))
        .unwrap_or_else(|error| panic!("{error}"));
        let text = history_rows(stats).render(true, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("ID   STATUS"), "{text}");
        for part in [
            "7    COMPLETED   CHECKPOINT",
            "1s 500ms",
            "2.0 KiB",
            "2/2",
            "file:/cp/chk-1",
        ] {
            assert!(lines[1].contains(part), "{part}: {text}");
        }
    }

    #[test]
    fn the_configuration_is_keys_and_values_for_people() {
        let config: CheckpointConfigInfo = serde_json::from_str(
            r#"{"mode":"at_least_once","interval":9223372036854775807,"timeout":600000,"min_pause":0,"max_concurrent":1,"externalization":{"enabled":true,"delete_on_cancellation":false},"state_backend":"HashMapStateBackend","unaligned_checkpoints":false,"tolerable_failed_checkpoints":0}"#,
        )
        .unwrap();
        let text = config_rows(config).render(false, false);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .map(|line| line.split_whitespace().collect())
            .collect();
        for row in [
            ["mode", "at_least_once"],
            ["interval", "disabled"],
            ["timeout", "10m"],
            ["externalization.enabled", "true"],
            ["checkpoint_storage", "-"],
        ] {
            assert!(rows.contains(&row.to_vec()), "{row:?}:\n{text}");
        }
    }

    #[test]
    fn vertices_are_named_and_pending_subtasks_are_dashes() {
        let mut details: CheckpointStatistics =
            serde_json::from_value(checkpoint(2, "COMPLETED", 2678, 37)).unwrap();
        details.tasks =
            serde_json::from_value(serde_json::json!({"5b61d6019ab04da71a4e62533c1a8c40": {
                "id": 2, "status": "COMPLETED", "latest_ack_timestamp": 1_714_564_800_000_i64,
                "checkpointed_size": 2148, "state_size": 2148, "end_to_end_duration": 37,
                "alignment_buffered": 0, "processed_data": 0, "persisted_data": 0,
                "num_subtasks": 2, "num_acknowledged_subtasks": 1
            }}))
            .unwrap();
        let names = HashMap::from([(
            "5b61d6019ab04da71a4e62533c1a8c40".to_owned(),
            "count-per-key".to_owned(),
        )]);
        let text = vertex_rows(details, &names).render(false, false);
        assert_eq!(
            text.lines().nth(1),
            Some(
                "5b61d6019ab04da71a4e62533c1a8c40   count-per-key   COMPLETED   1/2            37ms       2.1 KiB"
            )
        );
        let subtasks: TaskCheckpointStatisticsWithSubtaskDetails = serde_json::from_value(serde_json::json!({
            "id": 2, "status": "IN_PROGRESS", "latest_ack_timestamp": 1_714_564_800_000_i64,
            "checkpointed_size": 1040, "state_size": 1040, "end_to_end_duration": 37,
            "alignment_buffered": 0, "processed_data": 0, "persisted_data": 0,
            "num_subtasks": 2, "num_acknowledged_subtasks": 1,
            "summary": {
                "checkpointed_size": stats(), "state_size": stats(),
                "end_to_end_duration": stats(),
                "checkpoint_duration": {"sync": stats(), "async": stats()},
                "alignment": {"buffered": stats(), "processed": stats(), "persisted": stats(),
                    "duration": stats()},
                "start_delay": stats()
            },
            "subtasks": [
                {"className": "completed", "index": 0, "ack_timestamp": 1_714_564_800_000_i64,
                 "end_to_end_duration": 37, "checkpointed_size": 1040, "state_size": 1040,
                 "checkpoint": {"sync": 0, "async": 3}, "alignment": {"buffered": 0, "processed": 0, "persisted": 0, "duration": 1},
                 "start_delay": 17, "unaligned_checkpoint": false, "aborted": false, "status": "completed"},
                {"className": "pending_or_failed", "index": 1, "status": "pending_or_failed"}
            ]
        }))
        .unwrap();
        let text = subtask_rows(subtasks).render(true, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("SUBTASK   STATUS"), "{text}");
        assert!(
            lines[1].starts_with("0         completed           2024-05-01T12:00:00Z   37ms"),
            "{text}"
        );
        assert!(lines[1].ends_with("false"), "{text}");
        let pending: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(pending[..2], ["1", "pending_or_failed"], "{text}");
        assert!(
            pending[2..].len() == 9 && pending[2..].iter().all(|cell| *cell == "-"),
            "{text}"
        );
    }

    #[test]
    fn checkpoint_ids_are_numbers() {
        assert_eq!(checkpoint_id(" 42 ").unwrap(), 42);
        assert!(matches!(
            checkpoint_id("latest"),
            Err(Failure::InvalidInput(_))
        ));
        assert_eq!(duration(-1), "-");
        assert_eq!(duration(2500), "2s 500ms");
    }
}
