//! The JSON calls measured side by side: each as flink-rs makes it (typed) and as the floor
//! does (`serde_json::Value`), one at a time or many at once.

use std::sync::Arc;

use flink_client::api::metrics::MetricNames;
use flink_client::prelude::*;

use crate::fixtures::TASKMANAGER_METRICS;
use crate::floor::Floor;

/// The job the server answers for: any id gets the same job.
const JOB_ID: &str = "5b61d6019ab04da71a4e62533c1a8c40";

/// One JSON call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `GET /overview` (0.2 KB).
    Overview,
    /// `GET /taskmanagers/metrics?get=…` of 10 metrics, every aggregation (1 KB).
    TaskManagerMetrics,
    /// `GET /jobs/:jobid` of a job with 200 vertices (200 KB).
    JobDetails,
    /// `GET /jobs/:jobid/checkpoints` with a history of 100 checkpoints (250 KB).
    Checkpoints,
}

/// Who makes the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// flink-rs: `FlinkClient` and its typed models.
    FlinkRs,
    /// The bare hyper-util client and `serde_json::Value`.
    Floor,
}

/// A case: a call, made `concurrency` at a time.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The name results carry.
    pub name: &'static str,
    /// The call.
    pub call: Call,
    /// How many are sent at once; one operation is all of them.
    pub concurrency: usize,
}

/// The JSON cases, in the order they run and are reported.
pub const CASES: [Case; 6] = [
    Case {
        name: "overview",
        call: Call::Overview,
        concurrency: 1,
    },
    Case {
        name: "overview_8_concurrent",
        call: Call::Overview,
        concurrency: 8,
    },
    Case {
        name: "overview_64_concurrent",
        call: Call::Overview,
        concurrency: 64,
    },
    Case {
        name: "taskmanager_metrics",
        call: Call::TaskManagerMetrics,
        concurrency: 1,
    },
    Case {
        name: "job_details_200_vertices",
        call: Call::JobDetails,
        concurrency: 1,
    },
    Case {
        name: "checkpoints_history_100",
        call: Call::Checkpoints,
        concurrency: 1,
    },
];

impl Call {
    /// The path and query, as the floor and curl ask for it.
    pub fn path_and_query(self) -> String {
        match self {
            Self::Overview => "/overview".to_owned(),
            Self::TaskManagerMetrics => {
                format!(
                    "/taskmanagers/metrics?get={}",
                    TASKMANAGER_METRICS.join(",")
                )
            }
            Self::JobDetails => format!("/jobs/{JOB_ID}"),
            Self::Checkpoints => format!("/jobs/{JOB_ID}/checkpoints"),
        }
    }
}

/// Both clients, of one server, each with the metric names a poller asks for every time made
/// ready once: checked and joined for flink-rs, the request's path for the floor.
#[derive(Clone)]
pub struct Clients {
    flink_rs: FlinkClient,
    metric_names: MetricNames,
    floor: Floor,
    floor_metrics_path: Arc<str>,
}

impl Clients {
    /// Clients of the server at `url`: flink-rs as `FlinkClient::new` makes it, and the floor.
    pub fn new(url: &str) -> Self {
        Self {
            flink_rs: FlinkClient::new(url).expect("a client"),
            metric_names: MetricNames::new(&TASKMANAGER_METRICS).expect("valid metric names"),
            floor: Floor::new(url),
            floor_metrics_path: Call::TaskManagerMetrics.path_and_query().into(),
        }
    }

    /// Makes `call` once, as `side` does; panics when it fails (a benchmark of failures
    /// measures nothing).
    pub async fn call(&self, side: Side, call: Call) {
        match side {
            Side::Floor => {
                let answer = match call {
                    Call::TaskManagerMetrics => self.floor.get_json(&self.floor_metrics_path).await,
                    _ => self.floor.get_json(&call.path_and_query()).await,
                };
                assert!(answer.is_ok(), "the floor's {call:?}: {answer:?}");
            }
            Side::FlinkRs => self.flink_rs_call(call).await,
        }
    }

    async fn flink_rs_call(&self, call: Call) {
        let client = &self.flink_rs;
        let failed = match call {
            Call::Overview => client.overview().await.err(),
            Call::TaskManagerMetrics => client
                .taskmanagers_metrics(&self.metric_names, &[], Vec::new())
                .await
                .err(),
            Call::JobDetails => client.job(job_id()).await.err(),
            Call::Checkpoints => client.checkpoints(job_id()).await.err(),
        };
        assert!(failed.is_none(), "flink-rs's {call:?}: {failed:?}");
    }

    /// One operation of `case`: its call, `concurrency` at once.
    pub async fn operation(&self, side: Side, case: Case) {
        if case.concurrency == 1 {
            return self.call(side, case.call).await;
        }
        let tasks: Vec<_> = (0..case.concurrency)
            .map(|_| {
                let clients = self.clone();
                tokio::spawn(async move { clients.call(side, case.call).await })
            })
            .collect();
        for task in tasks {
            assert!(task.await.is_ok(), "a concurrent call of {case:?} panicked");
        }
    }
}

fn job_id() -> JobId {
    JOB_ID.parse().expect("a valid job id")
}
