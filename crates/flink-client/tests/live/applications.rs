//! Live tests: applications (Flink 2.x): overview, details, exceptions, JobManager
//! configuration, cancel; on Flink 1.x every call is refused before sending.

use std::future::Future;

use flink_client::api::ApplicationId;
use flink_client::models::applications::{
    ApplicationDetailsInfo, ApplicationOverview, ApplicationState,
};
use flink_client::models::jobs::state::JobState;
use flink_client::prelude::*;

use crate::testjob::{LIMIT, TEST_JOB_CLASS, upload_test_jar, with_job};
use crate::{client, eventually, is_flink_2_3};

/// Runs the test job with `args` as an application (Flink 2.x) with a chosen job id, hands
/// both ids to `body`, and cancels the application and deletes the jar afterwards, also when
/// `body` panics.
async fn with_application<F, Fut>(args: &[&str], body: F)
where
    F: FnOnce(FlinkClient, ApplicationId, JobId) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let client = client();
    let jar = upload_test_jar(&client).await;
    let job = JobId::generate();
    let run = RunJarApplication::new(jar.clone())
        .entry_class(TEST_JOB_CLASS)
        .args(args.iter().copied())
        .parallelism(1)
        .job_id(&job);
    let started = client.run_jar_application(run).await;
    let started = match started {
        Ok(started) => started,
        Err(error) => {
            client.delete_jar(jar.clone()).await.ok();
            panic!("running the test job {args:?} as an application: {error}");
        }
    };
    let application: ApplicationId = started
        .application_id
        .parse()
        .unwrap_or_else(|error| panic!("Flink's application id: {error}"));
    // Flink runs the program after answering, so the jar must stay until the body is done.
    let outcome = tokio::spawn(body(client.clone(), application.clone(), job)).await;
    // An application that has ended is "not found" for cancel: either way it no longer runs.
    let cancelled = client.cancel_application(application.clone()).await;
    let deleted = client.delete_jar(jar.clone()).await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
    if let Err(error) = cancelled {
        assert!(
            error.is_not_found(),
            "cancelling application {application}: {error}"
        );
    }
    deleted.unwrap_or_else(|error| panic!("deleting jar {jar}: {error}"));
}

/// Polls the application until it is in `state`, and returns its details.
async fn wait_for_application(
    client: &FlinkClient,
    application: &ApplicationId,
    state: ApplicationState,
) -> ApplicationDetailsInfo {
    let last_seen = std::sync::Mutex::new(None);
    let found = tokio::time::timeout(
        LIMIT,
        // The outer timeout fires first, so the panic names the last state seen.
        eventually(
            &format!("application {application} to be {state}"),
            LIMIT * 2,
            || {
                let client = client.clone();
                let application = application.clone();
                let state = state.clone();
                let last_seen = &last_seen;
                async move {
                    let details = client
                        .application(application.clone())
                        .await
                        .unwrap_or_else(|error| panic!("GET /applications/{application}: {error}"));
                    let done = (details.status == state).then(|| details.clone());
                    *last_seen.lock().expect("not poisoned") = Some(details);
                    done
                }
            },
        ),
    )
    .await;
    found.unwrap_or_else(|_| {
        panic!(
            "application {application} did not become {state}; last seen: {:#?}",
            last_seen.lock().expect("not poisoned")
        )
    })
}

/// The entry of `GET /applications/overview` for `application`.
async fn listed(client: &FlinkClient, application: &ApplicationId) -> ApplicationOverview {
    let overview = client
        .applications()
        .await
        .expect("GET /applications/overview");
    overview
        .applications
        .into_iter()
        .find(|a| a.id == application.as_str())
        .unwrap_or_else(|| panic!("application {application} is listed"))
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn an_application_is_listed_detailed_configured_and_cancelled() {
    if !is_flink_2_3(&client()).await {
        return; // run-application is Flink 2.x only; see `application_calls_are_unsupported_on_flink_1`
    }
    let args = ["--rate", "10", "--name", "flink-rs-application-cancel"];
    with_application(&args, |client, application, job| async move {
        let details = eventually("the application's job to run", LIMIT, || {
            let client = client.clone();
            let application = application.clone();
            async move {
                let details = client.application(application).await.unwrap();
                let running = details.jobs.iter().any(|j| j.state == JobState::Running);
                running.then_some(details)
            }
        })
        .await;
        assert_eq!(details.id, application.as_str());
        assert_eq!(details.name, TEST_JOB_CLASS, "{details:#?}");
        assert_eq!(details.status, ApplicationState::Running);
        assert_eq!(details.jobs.len(), 1, "{details:#?}");
        assert_eq!(details.jobs[0].jid, job.as_str());
        assert_eq!(details.jobs[0].name, "flink-rs-application-cancel");
        assert!(details.entered(&ApplicationState::Running).is_some());
        assert_eq!(details.end_time, -1);

        let listed = listed(&client, &application).await;
        assert_eq!(listed.status, ApplicationState::Running);
        assert_eq!(listed.jobs_in(&JobState::Running), 1, "{listed:?}");

        let config = client
            .application_jobmanager_config(application.clone())
            .await
            .unwrap();
        assert!(
            config.iter().any(|e| e.key == "jobmanager.rpc.address"),
            "{config:#?}"
        );

        let exceptions = client
            .application_exceptions(application.clone())
            .await
            .unwrap();
        assert!(
            exceptions.exception_history.entries.is_empty(),
            "{exceptions:#?}"
        );

        client
            .cancel_application(application.clone())
            .await
            .unwrap();
        let cancelled =
            wait_for_application(&client, &application, ApplicationState::Canceled).await;
        assert!(cancelled.status.is_terminal());
        assert!(cancelled.end_time >= cancelled.start_time, "{cancelled:#?}");
        let state = client
            .wait_for_job_state(&job, &[JobState::Canceled], LIMIT)
            .await
            .unwrap();
        assert_eq!(state, JobState::Canceled);
        // Once ended and cleaned up, the application is "not found" for cancel; while the
        // JobManager still archives it, a cancel is accepted and changes nothing.
        if let Err(error) = client.cancel_application(application.clone()).await {
            assert!(error.is_not_found(), "{error:?}");
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_failing_application_reports_its_exception() {
    if !is_flink_2_3(&client()).await {
        return; // run-application is Flink 2.x only; see `application_calls_are_unsupported_on_flink_1`
    }
    let args = ["--fail-after", "5", "--name", "flink-rs-application-fail"];
    with_application(&args, |client, application, job| async move {
        let failed = wait_for_application(&client, &application, ApplicationState::Failed).await;
        assert!(
            failed.entered(&ApplicationState::Failing).is_some(),
            "{failed:#?}"
        );
        assert_eq!(failed.jobs[0].state, JobState::Failed);

        let exceptions = client
            .application_exceptions(application.clone())
            .await
            .unwrap();
        let entry = exceptions
            .exception_history
            .entries
            .iter()
            .find(|e| e.job_id.as_deref() == Some(job.as_str()))
            .unwrap_or_else(|| panic!("an exception names job {job}: {exceptions:#?}"));
        assert!(entry.timestamp > 0);
        assert!(!entry.exception_name.is_empty());
        assert!(
            exceptions.mentions("intentional failure"),
            "{exceptions:#?}"
        );

        let listed = listed(&client, &application).await;
        assert_eq!(listed.status, ApplicationState::Failed);
        assert_eq!(listed.jobs_in(&JobState::Failed), 1, "{listed:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_plain_jar_run_is_a_single_job_application() {
    with_job(&["--rate", "10"], |client, job| async move {
        let application = ApplicationId::from(job.clone());
        let result = client.application(application.clone()).await;
        if !is_flink_2_3(&client).await {
            let error = result.unwrap_err();
            assert!(error.is_unsupported(), "{error:?}");
            return;
        }
        let details = result.unwrap();
        assert_eq!(details.id, job.as_str());
        assert!(
            details.name.starts_with("SingleJobApplication("),
            "{details:#?}"
        );
        assert_eq!(details.jobs.len(), 1);
        assert_eq!(details.jobs[0].jid, job.as_str());
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn application_calls_are_unsupported_on_flink_1() {
    let client = client();
    let unknown = ApplicationId::generate();
    let calls = [
        ("overview", client.applications().await.map(drop)),
        (
            "details",
            client.application(unknown.clone()).await.map(drop),
        ),
        (
            "exceptions",
            client
                .application_exceptions(unknown.clone())
                .await
                .map(drop),
        ),
        (
            "jobmanager config",
            client
                .application_jobmanager_config(unknown.clone())
                .await
                .map(drop),
        ),
        (
            "cancel",
            client.cancel_application(unknown.clone()).await.map(drop),
        ),
    ];
    if is_flink_2_3(&client).await {
        for (what, result) in &calls {
            match *what {
                // The overview answers, and the JobManager configuration does not depend on
                // the application: Flink answers it for any id.
                "overview" | "jobmanager config" => assert!(result.is_ok(), "{what}: {result:?}"),
                // An unknown application is not found (a 500 for details and exceptions, a
                // 404 for cancel).
                _ => {
                    let error = result.as_ref().expect_err(what);
                    assert!(error.is_not_found(), "{what}: {error:?}");
                }
            }
        }
        return;
    }
    // Flink 1.x has no applications: refused before sending, naming the version.
    for (what, result) in calls {
        let error = result.expect_err(what);
        assert!(error.is_unsupported(), "{what}: {error:?}");
        assert!(
            error.to_string().contains("/applications"),
            "{what}: {error}"
        );
    }
    let bad = "not-an-application".parse::<ApplicationId>().unwrap_err();
    assert!(bad.is_invalid_input(), "{bad:?}");
}
