//! Properties of ids and of the requests the real endpoints build from them: every accepted id
//! round-trips and stays in its own path segment, whatever a proxy decodes; query values come
//! back as they were given.

use flink_api::jars::{DeleteJar, GetJarPlan};
use flink_api::jobs::{CoordinateOperator, OperatorUid};
use flink_api::logs::{GetLogFile, LogFile};
use flink_api::metrics::{GetMetrics, MetricScope};
use flink_api::models::jobs::coordination::ClientCoordinationRequest;
use flink_api::taskmanagers::GetTaskManager;
use flink_api::{
    ClusterProcess, Endpoint, FileName, FlinkVersion, JarId, JarProgram, JobId, TaskManagerId,
    TriggerId, build_request_for,
};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// Text as ids come: anything at all, or mostly the characters that matter to a path (dots,
/// separators, percent escapes of them, the characters of real TaskManager ids).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("."),
                Just("/"),
                Just("\\"),
                Just("%"),
                Just("%2e"),
                Just("%2E"),
                Just("%2f"),
                Just("%5C"),
                Just("%25"),
                Just(":"),
                Just("-"),
                Just("_"),
                Just("a"),
                Just("7"),
                Just(" "),
                Just("é"),
            ],
            0..10,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

/// `text` percent-decoded as often as it changes: what the most eager proxy could make of it.
fn decoded_fully(text: &str) -> Vec<String> {
    let mut stages = vec![text.to_owned()];
    loop {
        let last = stages.last().map_or("", String::as_str);
        let next = percent_decode_str(last).decode_utf8_lossy().into_owned();
        if next == last {
            return stages;
        }
        stages.push(next);
    }
}

fn assert_stays_in_its_segment(id: &str) {
    for stage in decoded_fully(id) {
        assert!(
            stage != "." && stage != ".." && !stage.contains(['/', '\\']),
            "{id:?} is accepted, but a proxy may read it as {stage:?}"
        );
    }
}

/// `endpoint`'s request to a Flink 2.3 server.
fn request<E: Endpoint + Clone>(endpoint: &E) -> http::Request<bytes::Bytes> {
    build_request_for(&mut endpoint.clone(), &FlinkVersion::new(2, 3, 0)).expect("a request")
}

/// The path's segments, `/` first, each as sent.
fn segments<E: Endpoint + Clone>(endpoint: &E) -> Vec<String> {
    let request = request(endpoint);
    let path = request.uri().path().to_owned();
    let segments: Vec<String> = path.split('/').skip(1).map(str::to_owned).collect();
    for segment in &segments {
        assert!(
            !segment.is_empty() && segment != "." && segment != "..",
            "{path}"
        );
    }
    segments
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment)
        .decode_utf8()
        .expect("UTF-8")
        .into_owned()
}

/// The decoded values of `key` in a request's query.
fn query_values<E: Endpoint + Clone>(endpoint: &E, key: &str) -> Vec<String> {
    let request = request(endpoint);
    let query = request.uri().query().unwrap_or_default().to_owned();
    // Netty reads `+` as a space in a query: it must never be sent as it is.
    assert!(!query.contains(['+', '#', ' ']), "{query}");
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(name, _)| *name == key)
        .map(|(_, value)| decode(value))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn accepted_text_ids_round_trip_and_stay_in_their_segment(value in text()) {
        if let Ok(id) = value.parse::<TaskManagerId>() {
            prop_assert_eq!(id.to_string(), value.clone());
            prop_assert_eq!(id.to_string().parse::<TaskManagerId>().ok(), Some(id));
            assert_stays_in_its_segment(&value);
        }
        if let Ok(uid) = value.parse::<OperatorUid>() {
            prop_assert_eq!(uid.to_string().parse::<OperatorUid>().ok(), Some(uid));
            assert_stays_in_its_segment(&value);
        }
        if let Ok(file) = value.parse::<FileName>() {
            prop_assert_eq!(file.to_string().parse::<FileName>().ok(), Some(file));
            assert_stays_in_its_segment(&value);
        }
        if let Ok(jar) = value.parse::<JarId>() {
            prop_assert_eq!(jar.to_string().parse::<JarId>().ok(), Some(jar));
            assert_stays_in_its_segment(&value);
        }
    }

    #[test]
    fn hex_ids_round_trip_in_lower_case(value in "[0-9a-fA-F]{32}", other in text()) {
        let job: JobId = value.parse().expect("32 hex characters");
        prop_assert_eq!(job.to_string(), value.to_ascii_lowercase());
        prop_assert_eq!(job.to_string().parse::<JobId>().ok(), Some(job));
        let accepted = other.parse::<TriggerId>().is_ok();
        prop_assert_eq!(
            accepted,
            other.len() == 32 && other.bytes().all(|b| b.is_ascii_hexdigit())
        );
    }

    #[test]
    fn an_id_fills_exactly_its_own_segment(value in text(), file in text()) {
        if let Ok(taskmanager) = value.parse::<TaskManagerId>() {
            let path = segments(&GetTaskManager { taskmanager: taskmanager.clone() });
            prop_assert_eq!(path.len(), 2);
            prop_assert_eq!(decode(&path[1]), value.clone());

            if let Ok(name) = file.parse::<FileName>() {
                let endpoint = GetLogFile {
                    process: ClusterProcess::TaskManager(taskmanager),
                    file: LogFile::Named(name),
                };
                let path = segments(&endpoint);
                prop_assert_eq!(&path[..3], ["taskmanagers".to_owned(), path[1].clone(), "logs".to_owned()]);
                prop_assert_eq!(path.len(), 4);
                prop_assert_eq!(decode(&path[1]), value.clone());
                prop_assert_eq!(decode(&path[3]), file.clone());
            }
        }
        if let Ok(operator) = value.parse::<OperatorUid>() {
            let endpoint = CoordinateOperator {
                job: JOB.parse().expect("a job id"),
                operator,
                request: ClientCoordinationRequest::new("rO0AB"),
            };
            let path = segments(&endpoint);
            prop_assert_eq!(path.len(), 4);
            prop_assert_eq!(decode(&path[3]), value.clone());
        }
        if let Ok(jar) = value.parse::<JarId>() {
            let path = segments(&DeleteJar { jar });
            prop_assert_eq!(path.len(), 2);
            prop_assert_eq!(decode(&path[1]), value.clone());
        }
    }

    #[test]
    fn query_values_come_back_as_given(
        names in proptest::collection::vec(text(), 1..12),
        class in text(),
    ) {
        let scope = MetricScope::JobManager;
        if let Ok(requests) = GetMetrics::values(&scope, &names) {
            let mut sent = Vec::new();
            for request in &requests {
                prop_assert_eq!(segments(request), ["jobmanager", "metrics"]);
                let values = query_values(request, "get");
                prop_assert_eq!(values.len(), 1);
                sent.extend(values[0].split(',').map(str::to_owned));
            }
            prop_assert_eq!(sent, names);
        } else {
            prop_assert!(names.iter().any(|name| name.trim().is_empty() || name.contains(',')));
        }
        let plan = GetJarPlan::new("job.jar".parse().expect("a jar id")).entry_class(class.clone());
        prop_assert_eq!(query_values(&plan, "entry-class"), [class]);
    }
}
