//! Requests built by the job endpoints, and bad input rejected before any request.

use bytes::Bytes;
use http::{Method, StatusCode};

use super::*;
use crate::{Endpoint, FlinkVersion, build_for_newest, build_request_for, decode_response};
use flink_models::jobs::resources::JobResourceRequirements;

const JOB: &str = "d7b2518b7cc9b04478ed2eb249c5b9a0";
const VERTEX: &str = "ca88eee0095684d687a1b6495617f957";

fn job() -> JobId {
    JOB.parse().unwrap()
}

fn request<E: Endpoint + Clone>(endpoint: &E) -> (Method, String, Bytes) {
    let request = build_for_newest(endpoint).unwrap();
    (
        request.method().clone(),
        request.uri().to_string(),
        request.body().clone(),
    )
}

fn get(path: &str) -> (Method, String, Bytes) {
    (Method::GET, path.to_owned(), Bytes::new())
}

#[test]
fn read_only_requests() {
    let taskmanager: TaskManagerId = "127.0.0.1:41119-e8b103".parse().unwrap();
    let cases = [
        (request(&ListJobs), get("/jobs")),
        (request(&GetJobsOverview), get("/jobs/overview")),
        (
            request(&GetJob { job: job() }),
            get(&format!("/jobs/{JOB}")),
        ),
        (
            request(&GetJobStatus { job: job() }),
            get(&format!("/jobs/{JOB}/status")),
        ),
        (
            request(&GetJobConfig { job: job() }),
            get(&format!("/jobs/{JOB}/config")),
        ),
        (
            request(&GetJobPlan { job: job() }),
            get(&format!("/jobs/{JOB}/plan")),
        ),
        (
            request(&GetJobExecutionResult { job: job() }),
            get(&format!("/jobs/{JOB}/execution-result")),
        ),
        (
            request(&GetJobJobManagerConfig { job: job() }),
            get(&format!("/jobs/{JOB}/jobmanager/config")),
        ),
        (
            request(&GetJobJobManagerEnvironment { job: job() }),
            get(&format!("/jobs/{JOB}/jobmanager/environment")),
        ),
        (
            request(&GetJobJobManagerLogUrl { job: job() }),
            get(&format!("/jobs/{JOB}/jobmanager/log-url")),
        ),
        (
            request(&GetJobTaskManagerLogUrl {
                job: job(),
                taskmanager,
            }),
            get(&format!(
                "/jobs/{JOB}/taskmanagers/127.0.0.1%3A41119-e8b103/log-url"
            )),
        ),
        (
            request(&GetJobAccumulators {
                job: job(),
                include_serialized_value: false,
            }),
            get(&format!("/jobs/{JOB}/accumulators")),
        ),
        (
            request(&GetJobAccumulators {
                job: job(),
                include_serialized_value: true,
            }),
            get(&format!(
                "/jobs/{JOB}/accumulators?includeSerializedValue=true"
            )),
        ),
        (
            request(&GetResourceRequirements { job: job() }),
            get(&format!("/jobs/{JOB}/resource-requirements")),
        ),
        (
            request(&GetJobExceptions::new(job())),
            get(&format!("/jobs/{JOB}/exceptions")),
        ),
        (
            request(
                &GetJobExceptions::new(job())
                    .max_exceptions(5)
                    .failure_label("type", "user")
                    .failure_label("team", "a b"),
            ),
            get(&format!(
                "/jobs/{JOB}/exceptions?maxExceptions=5&failureLabelFilter=type%3Auser,team%3Aa%20b"
            )),
        ),
    ];
    for (built, expected) in cases {
        assert_eq!(built, expected);
    }
    assert!(GetJobStatus { job: job() }.idempotent());
}

#[test]
fn bad_exception_queries_are_rejected_before_sending() {
    let zero = build_for_newest(&GetJobExceptions::new(job()).max_exceptions(0)).unwrap_err();
    assert!(zero.is_invalid_input());
    assert!(zero.to_string().contains("at least 1"), "{zero}");
    assert!(zero.to_string().contains(JOB), "{zero}");
    for (key, value) in [("", "x"), ("k", ""), ("a:b", "c"), ("a", "b,c")] {
        let error =
            build_for_newest(&GetJobExceptions::new(job()).failure_label(key, value)).unwrap_err();
        assert!(error.is_invalid_input(), "{key:?} {value:?}");
    }
}

#[test]
fn cancel_is_a_patch_with_mode_and_is_idempotent() {
    let cancel = CancelJob::new(job());
    assert_eq!(
        request(&cancel),
        (
            Method::PATCH,
            format!("/jobs/{JOB}?mode=cancel"),
            Bytes::new()
        )
    );
    assert!(cancel.idempotent());
    let empty = decode_response(&cancel, StatusCode::ACCEPTED, None, b"{}").unwrap();
    assert_eq!(empty, Empty);
}

#[test]
fn heartbeat_and_coordination_bodies() {
    let mut heartbeat = JobClientHeartbeat::new(job(), 1_700_000_000_000);
    assert_eq!(
        request(&heartbeat),
        (
            Method::PATCH,
            format!("/jobs/{JOB}/clientHeartbeat"),
            Bytes::from_static(br#"{"expiredTimestamp":1700000000000}"#)
        )
    );
    assert!(heartbeat.idempotent());
    // Flink 1.19 and older read the bare number only.
    let old = build_request_for(&mut heartbeat, &"1.19.3".parse().unwrap()).unwrap();
    assert_eq!(old.body(), &Bytes::from_static(b"1700000000000"));
    let expired = JobClientHeartbeat::new(job(), 0);
    assert!(build_for_newest(&expired).unwrap_err().is_invalid_input());

    let coordinate = CoordinateOperator {
        job: job(),
        operator: "collect sink#1".parse().unwrap(),
        request: ClientCoordinationRequest::new("rO0AB"),
    };
    assert_eq!(
        request(&coordinate),
        (
            Method::POST,
            format!("/jobs/{JOB}/coordinators/collect%20sink%231"),
            Bytes::from_static(br#"{"serializedCoordinationRequest":"rO0AB"}"#)
        )
    );
    assert!(!coordinate.idempotent());
    let v1: crate::FlinkVersion = "1.20.5".parse().unwrap();
    let v2: crate::FlinkVersion = "2.3.0".parse().unwrap();
    let mut on_v2 = coordinate.clone();
    assert!(on_v2.adapt_to(&v2).is_ok());
    let mut on_v1 = coordinate.clone();
    let error = on_v1.adapt_to(&v1).unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");
    assert!(error.to_string().contains("collect sink#1"), "{error}");
    // Flink decodes the path before it splits it, so a uid with `/` could never be reached.
    for bad in ["collect/1", "..", "%2e%2e"] {
        let error = bad.parse::<OperatorUid>().unwrap_err();
        assert!(error.to_string().contains("operator uid"), "{error}");
    }
    let mut by_id = CoordinateOperator {
        operator: VERTEX.parse().unwrap(),
        ..coordinate.clone()
    };
    assert!(by_id.adapt_to(&v1).is_ok());
    let empty = CoordinateOperator {
        request: ClientCoordinationRequest::new(""),
        ..coordinate
    };
    assert!(build_for_newest(&empty).unwrap_err().is_invalid_input());
    let not_base64 = CoordinateOperator {
        request: ClientCoordinationRequest::new("not base64!"),
        ..empty
    };
    assert!(
        build_for_newest(&not_base64)
            .unwrap_err()
            .is_invalid_input()
    );
    for bad in ["", "  ", "a\nb"] {
        assert!(bad.parse::<OperatorUid>().unwrap_err().is_invalid_input());
    }
}

#[test]
fn resource_requirements_put_and_validation() {
    let requirements = JobResourceRequirements::default().with_parallelism(VERTEX, 1, 2);
    let put = SetResourceRequirements {
        job: job(),
        requirements,
    };
    assert_eq!(
        request(&put),
        (
            Method::PUT,
            format!("/jobs/{JOB}/resource-requirements"),
            Bytes::from(format!(
                r#"{{"{VERTEX}":{{"parallelism":{{"lowerBound":1,"upperBound":2}}}}}}"#
            ))
        )
    );
    assert!(put.idempotent());
    for bad in [
        JobResourceRequirements::default(),
        JobResourceRequirements::default().with_parallelism("not-a-vertex", 1, 1),
        JobResourceRequirements::default().with_parallelism(VERTEX, 0, 1),
        JobResourceRequirements::default().with_parallelism(VERTEX, 3, 2),
    ] {
        let error = build_for_newest(&SetResourceRequirements {
            job: job(),
            requirements: bad.clone(),
        })
        .unwrap_err();
        assert!(error.is_invalid_input(), "{bad:?}");
    }
}

const DEFAULT_SCHEDULER_500: &[u8] = br#"{"errors":["Internal server error.","<Exception on server side:\njava.lang.UnsupportedOperationException: The DefaultScheduler does not support changing the parallelism without a job restart. This feature is currently only expected to work with the AdaptiveScheduler.\n\tat org.apache.X.y(X.java:1)\n\nEnd of exception on server side>"]}"#;

#[test]
fn resource_requirements_on_the_default_scheduler_say_what_to_configure() {
    let endpoint = GetResourceRequirements { job: job() };
    let error = decode_response(
        &endpoint,
        StatusCode::INTERNAL_SERVER_ERROR,
        Some("application/json"),
        DEFAULT_SCHEDULER_500,
    )
    .unwrap_err();
    assert!(error.is_disabled(), "{error:?}");
    assert!(needs_adaptive_scheduler(&error));
    let text = error.to_string();
    assert!(
        text.contains("jobmanager.scheduler: adaptive")
            && text.contains(&format!("GET /jobs/{JOB}/resource-requirements")),
        "{text}"
    );
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("UnsupportedOperationException"), "{source}");

    // Other errors pass through unchanged.
    let not_found = decode_response(
        &endpoint,
        StatusCode::NOT_FOUND,
        None,
        br#"{"errors":["Job x not found"]}"#,
    )
    .unwrap_err();
    assert!(not_found.is_not_found() && !needs_adaptive_scheduler(&not_found));
}

const RESCALING_503: &[u8] = br#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Rescaling is temporarily disabled. See FLINK-12312.\n\tat org.apache.X.y(X.java:1)"]}"#;

#[test]
fn legacy_rescaling_is_a_typed_disabled_error() {
    let trigger = TriggerRescaling {
        job: job(),
        parallelism: 3,
    };
    assert_eq!(
        request(&trigger),
        (
            Method::PATCH,
            format!("/jobs/{JOB}/rescaling?parallelism=3"),
            Bytes::new()
        )
    );
    let zero = TriggerRescaling {
        job: job(),
        parallelism: 0,
    };
    assert!(build_for_newest(&zero).unwrap_err().is_invalid_input());

    let error = decode_response(
        &trigger,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        RESCALING_503,
    )
    .unwrap_err();
    assert!(error.is_disabled(), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("legacy rescaling") && text.contains("resource-requirements"),
        "{text}"
    );

    let trigger_id: TriggerId = "0123456789abcdef0123456789abcdef".parse().unwrap();
    let status = RescalingStatus {
        job: job(),
        trigger: trigger_id,
    };
    assert_eq!(
        request(&status),
        get(&format!(
            "/jobs/{JOB}/rescaling/0123456789abcdef0123456789abcdef"
        ))
    );
    let error = decode_response(
        &status,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        RESCALING_503,
    )
    .unwrap_err();
    assert!(error.is_disabled());

    // A 503 from a JobManager that is not ready yet stays what it is.
    let other = decode_response(
        &trigger,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        br#"{"errors":["leader not yet known"]}"#,
    )
    .unwrap_err();
    assert!(other.is_unavailable() && !other.is_disabled());
}

/// Refuses `endpoint` on the release before `since` and builds it on `since`; returns the
/// refusal's text.
fn refused_before<E: Endpoint + Clone>(endpoint: &E, since: (u16, u16)) -> String {
    let before = FlinkVersion::new(since.0, since.1 - 1, 9);
    let error = build_request_for(&mut endpoint.clone(), &before).unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");
    let text = error.to_string();
    assert!(text.contains(&format!("{}.{}", since.0, since.1)), "{text}");
    let at = FlinkVersion::new(since.0, since.1, 0);
    assert!(build_request_for(&mut endpoint.clone(), &at).is_ok());
    assert!(
        crate::build_request(endpoint).is_err(),
        "a version-dependent endpoint needs the version"
    );
    text
}

#[test]
fn endpoints_added_after_1_15_are_refused_on_older_servers() {
    let taskmanager: TaskManagerId = "127.0.0.1:41119-e8b103".parse().unwrap();
    let added_in_1_16 = [
        refused_before(&GetJobStatus { job: job() }, (1, 16)),
        refused_before(&GetJobJobManagerConfig { job: job() }, (1, 16)),
        refused_before(&GetJobJobManagerEnvironment { job: job() }, (1, 16)),
        refused_before(&GetJobJobManagerLogUrl { job: job() }, (1, 16)),
        refused_before(
            &GetJobTaskManagerLogUrl {
                job: job(),
                taskmanager,
            },
            (1, 16),
        ),
    ];
    for text in added_in_1_16 {
        assert!(text.contains(&format!("GET /jobs/{JOB}/")), "{text}");
    }
    let status = checkpoints::CheckpointStatus {
        job: job(),
        trigger: TriggerId::generate(),
    };
    refused_before(&status, (1, 17));
    refused_before(&JobClientHeartbeat::new(job(), 1_700_000_000_000), (1, 17));
    refused_before(&GetResourceRequirements { job: job() }, (1, 18));
}

#[test]
fn a_failure_label_filter_needs_flink_1_18() {
    let mut all = GetJobExceptions::new(job());
    assert!(build_request_for(&mut all, &FlinkVersion::new(1, 15, 4)).is_ok());
    let filtered = GetJobExceptions::new(job()).failure_label("type", "user");
    let text = refused_before(&filtered, (1, 18));
    assert!(text.contains("failureLabelFilter"), "{text}");
    // Bad input is reported first, whatever the version.
    let mut bad = GetJobExceptions::new(job()).failure_label("", "user");
    let error = build_request_for(&mut bad, &FlinkVersion::new(1, 17, 2)).unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
}
