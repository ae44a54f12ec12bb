//! Every JSON answer's decoder on any bytes: the first byte picks the model (the output of one or
//! more endpoints), the rest is the body of a 200 answer.
//!
//! Decoding never panics or overflows the stack; a model that decodes encodes, and its encoding
//! decodes again into a model that encodes the same.

#![no_main]

use std::marker::PhantomData;

use flink_api::models::applications::{
    ApplicationDetailsInfo, ApplicationExceptionsInfoWithHistory, MultipleApplicationsDetails,
};
use flink_api::models::cluster::{ClusterOverview, DashboardConfiguration, DataSetList};
use flink_api::models::common::{
    AsyncOperationResult, ConfigurationEntry, Empty, LogList, OperationOutcome, ProfilingInfo,
    ProfilingList, ThreadDump, TriggerResponse,
};
use flink_api::models::jars::{
    JarList, JarRunApplicationResponse, JarRunResponse, JarUploadResponse,
};
use flink_api::models::jobmanager::EnvironmentInfo;
use flink_api::models::jobs::checkpoints::{
    CheckpointConfigInfo, CheckpointStatistics, CheckpointTriggerOutcome, CheckpointingStatistics,
    TaskCheckpointStatisticsWithSubtaskDetails,
};
use flink_api::models::jobs::config::{JobConfigInfo, LogUrlResponse};
use flink_api::models::jobs::coordination::ClientCoordinationResponse;
use flink_api::models::jobs::details::JobDetailsInfo;
use flink_api::models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_api::models::jobs::overview::MultipleJobsDetails;
use flink_api::models::jobs::plan::JobPlanInfo;
use flink_api::models::jobs::rescales::{
    JobRescaleConfigInfo, JobRescaleDetails, JobRescalesOverview, JobRescalesSummary,
};
use flink_api::models::jobs::resources::JobResourceRequirements;
use flink_api::models::jobs::result::{JobAccumulatorsInfo, JobExecutionResultResponseBody};
use flink_api::models::jobs::savepoints::SavepointOutcome;
use flink_api::models::jobs::state::{JobIdsWithStatus, JobStatusInfo};
use flink_api::models::jobs::submission::JobSubmitResponse;
use flink_api::models::jobs::subtasks::{
    SubtaskExecutionAttemptAccumulatorsInfo, SubtasksAllAccumulatorsInfo,
};
use flink_api::models::jobs::vertices::{
    JobVertexAccumulatorsInfo, JobVertexBackPressureInfo, JobVertexDetailsInfo,
    JobVertexTaskManagersInfo, SubtaskExecutionAttemptDetailsInfo, SubtasksTimesInfo,
    VertexFlameGraph,
};
use flink_api::models::metrics::{AggregatedMetric, Metric};
use flink_api::models::taskmanagers::{TaskManagerDetails, TaskManagerList};
use flink_api::{Endpoint, JsonEndpoint, decode_response};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An endpoint whose answer decodes into `T`, as every endpoint's does.
struct Answer<T>(PhantomData<T>);

impl<T> Endpoint for Answer<T> {
    const NAME: &'static str = "fuzz.decode";

    fn path(&self) -> String {
        "/fuzz".to_owned()
    }
}

impl<T: DeserializeOwned + Send> JsonEndpoint for Answer<T> {
    type Output = T;
}

fn decode<T: DeserializeOwned + Send>(body: &[u8]) -> Result<T, flink_api::ApiError> {
    decode_response(
        &Answer::<T>(PhantomData),
        StatusCode::OK,
        Some("application/json"),
        body,
    )
}

/// Decodes `body` as `T`; what decodes must encode, and decode again to the same encoding.
fn check<T: DeserializeOwned + Serialize + Send>(body: &[u8]) {
    let model = match decode::<T>(body) {
        Ok(model) => model,
        Err(error) => {
            // Errors are for people: they must render.
            let _ = (error.to_string(), format!("{error:?}"));
            return;
        }
    };
    let encoded = serde_json::to_vec(&model).expect("a decoded model encodes");
    let again = decode::<T>(&encoded).unwrap_or_else(|error| {
        panic!(
            "a model's own encoding does not decode: {error}\n{}",
            String::from_utf8_lossy(&encoded)
        )
    });
    let encoded_again = serde_json::to_vec(&again).expect("a decoded model encodes");
    assert!(
        encoded == encoded_again,
        "encoding is not stable:\n{}\n{}",
        String::from_utf8_lossy(&encoded),
        String::from_utf8_lossy(&encoded_again)
    );
}

/// The decoders, one per model that an endpoint answers with.
const DECODERS: &[fn(&[u8])] = &[
    check::<serde_json::Value>,
    check::<ApplicationDetailsInfo>,
    check::<ApplicationExceptionsInfoWithHistory>,
    check::<AsyncOperationResult<CheckpointTriggerOutcome>>,
    check::<AsyncOperationResult<OperationOutcome>>,
    check::<AsyncOperationResult<SavepointOutcome>>,
    check::<CheckpointConfigInfo>,
    check::<CheckpointStatistics>,
    check::<CheckpointingStatistics>,
    check::<ClientCoordinationResponse>,
    check::<ClusterOverview>,
    check::<DashboardConfiguration>,
    check::<DataSetList>,
    check::<Empty>,
    check::<EnvironmentInfo>,
    check::<JarList>,
    check::<JarRunApplicationResponse>,
    check::<JarRunResponse>,
    check::<JarUploadResponse>,
    check::<JobAccumulatorsInfo>,
    check::<JobConfigInfo>,
    check::<JobDetailsInfo>,
    check::<JobExceptionsInfoWithHistory>,
    check::<JobExecutionResultResponseBody>,
    check::<JobIdsWithStatus>,
    check::<JobPlanInfo>,
    check::<JobRescaleConfigInfo>,
    check::<JobRescaleDetails>,
    check::<JobRescalesOverview>,
    check::<JobRescalesSummary>,
    check::<JobResourceRequirements>,
    check::<JobStatusInfo>,
    check::<JobSubmitResponse>,
    check::<JobVertexAccumulatorsInfo>,
    check::<JobVertexBackPressureInfo>,
    check::<JobVertexDetailsInfo>,
    check::<JobVertexTaskManagersInfo>,
    check::<LogList>,
    check::<LogUrlResponse>,
    check::<MultipleApplicationsDetails>,
    check::<MultipleJobsDetails>,
    check::<ProfilingInfo>,
    check::<ProfilingList>,
    check::<SubtaskExecutionAttemptAccumulatorsInfo>,
    check::<SubtaskExecutionAttemptDetailsInfo>,
    check::<SubtasksAllAccumulatorsInfo>,
    check::<SubtasksTimesInfo>,
    check::<TaskCheckpointStatisticsWithSubtaskDetails>,
    check::<TaskManagerDetails>,
    check::<TaskManagerList>,
    check::<ThreadDump>,
    check::<TriggerResponse>,
    check::<Vec<AggregatedMetric>>,
    check::<Vec<ConfigurationEntry>>,
    check::<Vec<JobRescaleDetails>>,
    check::<Vec<Metric>>,
    check::<VertexFlameGraph>,
];

fuzz_target!(|data: &[u8]| {
    if let Some((&which, body)) = data.split_first() {
        DECODERS[usize::from(which) % DECODERS.len()](body);
    }
});
