//! Live tests: jar upload, list, plan, run, run-application, delete, and the submit workflow.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flink_client::api::jars::{
    GetJarPlan, PostJarPlan, RunJar, RunJarApplication, is_already_submitted,
};
use flink_client::models::applications::ApplicationState;
use flink_client::prelude::*;
use flink_client::{SubmitJar, UploadOptions};

use crate::testjob::{LIMIT, TEST_JOB_CLASS, run_test_job, test_jar, upload_test_jar};
use crate::{client, eventually, is_flink_2_3};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn upload_list_and_delete() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    assert!(jar.as_str().ends_with("_flink-rs-testjob.jar"), "{jar}");
    let list = client.jars().await.unwrap();
    let listed = list
        .files
        .iter()
        .find(|file| file.id == jar.as_str())
        .unwrap_or_else(|| panic!("{jar} is listed: {list:?}"));
    assert_eq!(listed.name, "flink-rs-testjob.jar");
    assert!(listed.uploaded > 0);
    assert!(
        listed
            .entry
            .iter()
            .any(|entry| entry.name == TEST_JOB_CLASS),
        "{listed:?}"
    );

    client.delete_jar(jar.clone()).await.unwrap();
    let again = client.delete_jar(jar.clone()).await.unwrap_err();
    assert!(again.is_bad_request(), "{again:?}");
    assert!(
        again.flink_message().unwrap().contains("does not exist"),
        "{again}"
    );
    let after = client.jars().await.unwrap();
    assert!(!after.files.iter().any(|file| file.id == jar.as_str()));
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn the_progress_callback_sees_the_whole_file() {
    let client = client();
    let path = test_jar();
    let size = std::fs::metadata(&path).unwrap().len();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&reports);
    let uploaded = client
        .upload_jar_with(
            &path,
            UploadOptions::new()
                .with_chunk_size(1024)
                .progress(Arc::new(move |sent, total| {
                    record.lock().unwrap().push((sent, total));
                })),
        )
        .await
        .unwrap();
    assert_eq!(uploaded.bytes, size);
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.last(), Some(&(size, size)), "{reports:?}");
    assert!(
        reports.len() >= 2,
        "1 KiB chunks of a {size} byte jar: {reports:?}"
    );
    assert!(reports.windows(2).all(|pair| pair[0].0 < pair[1].0));
    client.delete_jar(uploaded.jar).await.unwrap();
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_non_jar_name_is_refused_before_sending() {
    let client = client();
    let error = client
        .upload_jar_from_reader(
            "flink-rs-testjob.txt",
            &b"not a jar"[..],
            9,
            UploadOptions::new(),
        )
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    assert!(error.to_string().contains(".jar"), "{error}");
    let missing = client
        .upload_jar(test_jar().with_file_name("no-such-file.jar"))
        .await
        .unwrap_err();
    assert!(missing.is_invalid_input(), "{missing:?}");
    assert!(
        missing.to_string().contains("no-such-file.jar"),
        "{missing}"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn plans_by_get_and_post_show_the_job_graph() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    let by_get = client
        .jar_plan_by_query(
            GetJarPlan::new(jar.clone())
                .entry_class(TEST_JOB_CLASS)
                .parallelism(1)
                .args(["--rate", "5"]),
        )
        .await
        .unwrap();
    let by_post = client
        .jar_plan(
            PostJarPlan::new(jar.clone())
                .entry_class(TEST_JOB_CLASS)
                .parallelism(2)
                .args(["--name", "a plan, with a comma"]),
        )
        .await
        .unwrap();
    client.delete_jar(jar).await.unwrap();

    for (info, parallelism) in [(&by_get, 1), (&by_post, 2)] {
        let plan = info.plan.as_ref().expect("a jar's plan is never empty");
        assert_eq!(plan.job_type.as_deref(), Some("STREAMING"));
        assert_eq!(plan.nodes.len(), 2, "{plan:?}");
        assert!(
            plan.nodes
                .iter()
                .all(|node| node.parallelism == parallelism)
        );
        let source = plan
            .nodes
            .iter()
            .find(|node| node.description.contains("Source"))
            .unwrap_or_else(|| panic!("a source node: {plan:?}"));
        assert!(source.inputs.is_empty());
        let sink = plan.nodes.iter().find(|node| node.id != source.id).unwrap();
        assert_eq!(sink.inputs[0].id, source.id);
        assert_eq!(sink.inputs[0].ship_strategy.as_deref(), Some("HASH"));
    }
    assert_eq!(
        by_post.plan.expect("a plan").name,
        "a plan, with a comma",
        "arguments arrive whole"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_run_returns_the_chosen_job_id() {
    let client = client();
    let job = run_test_job(&client, &["--count", "20"]).await;
    assert_eq!(job.as_str().len(), 32);
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_second_run_with_the_same_job_id_is_recognised() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    let job = JobId::generate();
    let run = RunJar::new(jar.clone())
        .entry_class(TEST_JOB_CLASS)
        .args(["--count", "20"])
        .parallelism(1)
        .job_id(&job);
    let first = client.run_jar(run.clone()).await.unwrap();
    assert_eq!(first.jobid, job.as_str());
    assert_eq!(
        first.application_id.is_some(),
        is_flink_2_3(&client).await,
        "applicationId is new in 2.3"
    );
    let second = client.run_jar(run).await.unwrap_err();
    client.delete_jar(jar).await.unwrap();
    assert!(is_already_submitted(&second), "{second:#?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_bad_entry_class_is_flinks_typed_error() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    let error = client
        .run_jar(RunJar::new(jar.clone()).entry_class("does.not.Exist"))
        .await
        .unwrap_err();
    client.delete_jar(jar).await.unwrap();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error:?}");
    // Flink's own message, in full; the summary is the deepest cause.
    let errors = error.flink_errors().join("\n");
    assert!(
        errors.contains("ProgramInvocationException")
            && errors.contains("entry point class 'does.not.Exist' was not found"),
        "{errors}"
    );
    assert!(
        error.flink_message().unwrap().contains("does.not.Exist"),
        "{error}"
    );
    assert!(!is_already_submitted(&error));
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_parallelism_below_one_is_refused_before_sending() {
    let client = client();
    let jar: JarId = "00000000-0000-0000-0000-000000000000_none.jar"
        .parse()
        .unwrap();
    let error = client
        .run_jar(RunJar::new(jar).parallelism(0))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn run_application_works_on_flink_2_only() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    let result = client
        .run_jar_application(
            RunJarApplication::new(jar.clone())
                .entry_class(TEST_JOB_CLASS)
                .args(["--count", "5", "--name", "flink-rs-application"])
                .parallelism(1),
        )
        .await;
    if is_flink_2_3(&client).await {
        let started = result.unwrap();
        let application: ApplicationId = started.application_id.parse().unwrap();
        // Flink runs the program after answering, from the uploaded jar: keep it until then.
        let ended = eventually("the application to end", LIMIT, || {
            let (client, application) = (client.clone(), application.clone());
            async move {
                let details = client.application(application).await.ok()?;
                details.status.is_terminal().then_some(details)
            }
        })
        .await;
        assert_eq!(ended.status, ApplicationState::Finished, "{ended:?}");
        client.delete_jar(jar).await.unwrap();
    } else {
        client.delete_jar(jar).await.unwrap();
        let error = result.unwrap_err();
        assert!(error.is_unsupported(), "{error:?}");
        assert!(error.to_string().contains("run-application"), "{error}");
    }
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn submit_jar_uploads_runs_and_cleans_up() {
    let client = client();
    let sent = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&sent);
    let submitted = client
        .submit_jar(
            SubmitJar::new(test_jar())
                .entry_class(TEST_JOB_CLASS)
                .args(["--count", "20", "--name", "flink-rs submit"])
                .parallelism(1)
                .delete_jar_after(true)
                .upload_options(UploadOptions::new().progress(Arc::new(move |s, _| {
                    seen.store(s, Ordering::SeqCst);
                }))),
        )
        .await
        .unwrap();
    assert!(submitted.jar_deleted, "{submitted:?}");
    assert_eq!(
        sent.load(Ordering::SeqCst),
        std::fs::metadata(test_jar()).unwrap().len()
    );
    let jars = client.jars().await.unwrap();
    assert!(!jars.files.iter().any(|f| f.id == submitted.jar.as_str()));

    // The job exists under the id the client chose.
    let jar = upload_test_jar(&client).await;
    let error = client
        .run_jar(
            RunJar::new(jar.clone())
                .args(["--count", "1"])
                .job_id(&submitted.job),
        )
        .await
        .unwrap_err();
    client.delete_jar(jar).await.unwrap();
    assert!(is_already_submitted(&error), "{error:#?}");

    let failed = client
        .submit_jar(
            SubmitJar::new(test_jar())
                .entry_class("does.not.Exist")
                .delete_jar_after(true),
        )
        .await
        .unwrap_err();
    assert!(
        failed.flink_message().unwrap().contains("does.not.Exist"),
        "{failed}"
    );
}
