//! `cargo xtask test`: everything CI runs, in order, with a summary of what ran and how long
//! it took. Static checks, unit and doc tests, then the live tests against real Flink clusters
//! that it starts and stops itself (or against `FLINK_REST_URL`, starting nothing).

use std::cell::OnceCell;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;

use crate::docs;
use crate::flink::{self, Cluster, UpArgs};
use crate::optional;
use crate::paths::workspace_root;
use crate::testjob;

/// Live tests that may stop the cluster; they run alone, after the others.
pub(crate) const DESTRUCTIVE: &str = "test(/^shutdown::/)";

/// Live tests that put a fault-injecting proxy in front of the cluster; it speaks plain HTTP
/// to Flink, so they run only against clusters served over plain HTTP.
const FAULTS: &str = "(test(/^faults::/) | binary(faults))";

/// `filter` without the fault tests when the cluster at `url` is served over TLS, saying so.
fn without_faults_over_tls(filter: String, url: &str, cluster: &str) -> String {
    if !url.starts_with("https://") {
        return filter;
    }
    eprintln!(
        "xtask: the fault tests put a plain-HTTP proxy in front of Flink, so they do not run on {cluster}, which is served over TLS"
    );
    format!("{filter} and not {FAULTS}")
}

/// Arguments of `cargo xtask test`.
#[derive(Args)]
pub(crate) struct TestArgs {
    /// Flink versions to run the live tests against (ignored when `FLINK_REST_URL` is set).
    #[arg(long, value_delimiter = ',', default_value = "2.3.0,1.20.5")]
    versions: Vec<String>,
    /// Versions whose cluster serves its REST API over mutual TLS, so that the live tests also
    /// prove TLS and client certificates against real Flink.
    #[arg(long, value_delimiter = ',', default_value = "1.20.5")]
    mtls: Vec<String>,
    /// Do not start the adaptive-scheduler clusters (their tests then run only on the default
    /// scheduler's clusters).
    #[arg(long)]
    no_adaptive: bool,
    /// Skip the static checks: fmt, clippy, cargo-deny, MSRV.
    #[arg(long)]
    skip_static: bool,
    /// Leave the clusters running afterwards.
    #[arg(long)]
    keep: bool,
}

/// One line of the summary.
pub(crate) struct Step {
    name: String,
    took: Duration,
    result: Result<String>,
}

pub(crate) fn run(args: &TestArgs) -> Result<()> {
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut record = |name: &str, step: &dyn Fn() -> Result<String>| {
        steps.push(run_step(name, step));
    };

    if !args.skip_static {
        record("cargo fmt --check", &|| {
            cargo(&["fmt", "--all", "--check"], &[]).map(|()| String::new())
        });
        record("feature builds: clippy -D warnings", &feature_builds);
        record("cargo clippy -D warnings", &|| {
            cargo(
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--all-features",
                    "--",
                    "-D",
                    "warnings",
                ],
                &[],
            )
            .map(|()| String::new())
        });
        record("cargo deny check", &optional::deny);
        record("MSRV: cargo check", &optional::msrv);
    }
    record("unit tests", &|| nextest(&[], &[]));
    record("doc tests", &docs::doc_tests);
    record(
        "docs (rustdoc as docs.rs, Markdown links)",
        &docs::rustdoc_and_links,
    );

    match std::env::var("FLINK_REST_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            // A jar the caller names is used as it is.
            let given = std::env::var_os("FLINK_TEST_JAR").is_some_and(|v| !v.is_empty());
            let jar = if given {
                None
            } else {
                build_test_job(&mut record)
            };
            record(&format!("live tests against {url}"), &|| {
                let filter = without_faults_over_tls(external_filter(), &url, &url);
                nextest(
                    &["--run-ignored", "only", "-E", &filter],
                    &external_env(jar.as_deref()),
                )
            });
        }
        None => live_on_local_clusters(args, &mut record),
    }

    summarize(&steps, started)
}

/// Runs one step of a checklist under a `==> name` header, saying when it failed.
pub(crate) fn run_step(name: &str, step: &dyn Fn() -> Result<String>) -> Step {
    eprintln!("\n==> {name}");
    let begin = Instant::now();
    let result = step();
    if let Err(error) = &result {
        eprintln!("xtask: {name} failed: {error:#}");
    }
    Step {
        name: name.to_owned(),
        took: begin.elapsed(),
        result,
    }
}

/// Prints what each step did and how long it took; fails when one failed.
pub(crate) fn summarize(steps: &[Step], started: Instant) -> Result<()> {
    eprintln!(
        "\n==> summary ({:.0}s in all)",
        started.elapsed().as_secs_f64()
    );
    let mut failed = 0;
    for step in steps {
        let (mark, detail) = match &step.result {
            Ok(detail) => ("ok  ", detail.clone()),
            Err(error) => {
                failed += 1;
                (
                    "FAIL",
                    format!("{error:#}")
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                )
            }
        };
        eprintln!(
            "  {mark} {:>6.1}s  {:<44} {detail}",
            step.took.as_secs_f64(),
            step.name
        );
    }
    if failed > 0 {
        bail!("{failed} step(s) failed");
    }
    Ok(())
}

/// The builds the workspace's own (default and all features) leave out, linted so that they
/// keep compiling: flink-client over a transport of one's own, without hyper and rustls, and
/// flink-transport with ring instead of aws-lc-rs and the system's roots instead of Mozilla's.
fn feature_builds() -> Result<String> {
    let builds: [&[&str]; 2] = [
        &["-p", "flink-client", "--no-default-features"],
        &[
            "-p",
            "flink-transport",
            "--no-default-features",
            "--features",
            "ring,native-roots",
        ],
    ];
    for build in builds {
        cargo(
            &[&["clippy"], build, &["--", "-D", "warnings"]].concat(),
            &[],
        )?;
    }
    Ok(String::new())
}

type Record<'a> = dyn FnMut(&str, &dyn Fn() -> Result<String>) + 'a;

/// Builds the test job's jar as a step of the run; its path, unless that failed.
fn build_test_job(record: &mut Record<'_>) -> Option<PathBuf> {
    let jar: OnceCell<Result<PathBuf>> = OnceCell::new();
    record(
        "build the test job",
        &|| match jar.get_or_init(|| testjob::build("2.3.0")) {
            Ok(path) => Ok(path.display().to_string()),
            Err(error) => bail!("{error:#}"),
        },
    );
    jar.into_inner().and_then(Result::ok)
}

/// The live tests against someone else's cluster: never those that shut it down, nor those
/// whose inputs were not given (a HistoryServer, a job graph written for its version).
fn external_filter() -> String {
    let mut filter = format!("not {DESTRUCTIVE}");
    for (variable, tests) in [
        ("FLINK_HISTORY_URL", "history"),
        ("FLINK_TEST_JOB_GRAPH", "submission"),
    ] {
        if std::env::var_os(variable).is_none_or(|v| v.is_empty()) {
            eprintln!("xtask: {variable} is not set, so the {tests}:: tests do not run");
            filter = format!("{filter} and not test(/^{tests}::/)");
        }
    }
    filter
}

/// What the live tests need beyond the environment's `FLINK_*` settings of the cluster: the
/// test job's jar, when it was built here, and no proxy for loopback.
fn external_env(jar: Option<&Path>) -> Vec<(String, String)> {
    let mut env = no_proxy_for_loopback();
    if let Some(path) = jar {
        env.push(("FLINK_TEST_JAR".to_owned(), path.display().to_string()));
    }
    env
}

/// `NO_PROXY` (both spellings) with loopback added: a proxy of this machine's environment
/// must not be asked for a cluster on this machine.
fn no_proxy_for_loopback() -> Vec<(String, String)> {
    let no_proxy = std::env::var("NO_PROXY").or_else(|_| std::env::var("no_proxy"));
    let no_proxy = match no_proxy {
        Ok(list) if !list.trim().is_empty() => format!("{list},127.0.0.1,localhost"),
        _ => "127.0.0.1,localhost".to_owned(),
    };
    vec![
        ("NO_PROXY".to_owned(), no_proxy.clone()),
        ("no_proxy".to_owned(), no_proxy),
    ]
}

fn live_on_local_clusters(args: &TestArgs, record: &mut Record<'_>) {
    let planned = plan_clusters(args);
    let clusters: OnceCell<Vec<Result<Cluster>>> = OnceCell::new();
    record("start Flink clusters", &|| {
        let started = clusters.get_or_init(|| start_clusters(&planned));
        match started.iter().find_map(|c| c.as_ref().err()) {
            Some(error) => bail!("{error:#}"),
            None => Ok(started
                .iter()
                .filter_map(|c| c.as_ref().ok())
                .map(|c| format!("{} on :{}{}", c.version, c.port, transport_of(c)))
                .collect::<Vec<_>>()
                .join(", ")),
        }
    });
    let clusters = clusters.into_inner().unwrap_or_default();
    let jar = build_test_job(record);

    for (plan, cluster) in planned.iter().zip(&clusters) {
        let Ok(cluster) = cluster else { continue };
        let env = live_env(cluster, jar.as_deref());
        let label = format!(
            "Flink {}{}{}",
            cluster.version,
            transport_of(cluster),
            if plan.up.adaptive {
                ", adaptive scheduler"
            } else {
                ""
            }
        );
        let filter = without_faults_over_tls(
            format!("({}) and not {DESTRUCTIVE}", plan.tests),
            cluster.var("FLINK_REST_URL").unwrap_or_default(),
            &label,
        );
        // Live tests mostly wait on Flink, so more of them than cores run at once; the few on
        // an adaptive cluster run one at a time, since a rescale there may take every slot.
        let threads = if plan.up.adaptive { "1" } else { "4" };
        record(&format!("live tests on {label}"), &|| {
            nextest(
                &[
                    "--run-ignored",
                    "only",
                    "--test-threads",
                    threads,
                    "-E",
                    &filter,
                ],
                &env,
            )
        });
        if !plan.up.adaptive {
            record(&format!("cluster shutdown test on {label}"), &|| {
                nextest(&["--run-ignored", "only", "-E", DESTRUCTIVE], &env)
            });
        }
    }
    if args.keep {
        eprintln!("xtask: clusters left running (--keep); stop them with `cargo xtask flink down`");
    } else {
        for cluster in clusters.iter().filter_map(|c| c.as_ref().ok()) {
            if let Err(error) = flink::down(Some(cluster.port)) {
                eprintln!(
                    "xtask: could not stop the cluster on :{}: {error:#}",
                    cluster.port
                );
            }
        }
    }
}

/// The environment of the live tests against `cluster`: its env file, the version it must
/// report, its state directory and the test job's jar.
pub(crate) fn live_env(cluster: &Cluster, jar: Option<&Path>) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = cluster.env.clone();
    env.push(("FLINK_TEST_VERSION".to_owned(), cluster.version.clone()));
    env.extend(no_proxy_for_loopback());
    env.push((
        "FLINK_TEST_STATE_DIR".to_owned(),
        cluster.state.display().to_string(),
    ));
    if let Some(path) = jar {
        env.push(("FLINK_TEST_JAR".to_owned(), path.display().to_string()));
        // A graph carries its job's id, so each run submits a fresh one.
        let graph = testjob::job_graph_path(&cluster.version);
        match testjob::write_job_graph(&cluster.version, path, &graph) {
            Ok(_) => env.push((
                "FLINK_TEST_JOB_GRAPH".to_owned(),
                graph.display().to_string(),
            )),
            Err(error) => eprintln!(
                "xtask: could not write the test job's graph for Flink {}: {error:#}",
                cluster.version
            ),
        }
    }
    env
}

/// What one cluster of the live test run is for.
struct Planned {
    up: UpArgs,
    /// The live tests it runs (a nextest filter expression).
    tests: &'static str,
}

/// Live tests that need the adaptive scheduler; they also run on the default clusters, where
/// they check the error Flink gives there.
pub(crate) const ADAPTIVE: &str = "test(/resource_requirements/)";

/// One cluster per version with the default scheduler (all live tests), and one per version
/// with the adaptive scheduler (only the tests that need it).
fn plan_clusters(args: &TestArgs) -> Vec<Planned> {
    let mut planned = Vec::new();
    for (index, version) in args.versions.iter().enumerate() {
        let offset = u16::try_from(index).unwrap_or(0);
        let mut up = UpArgs::plain(version, 18081 + offset);
        up.mtls = args.mtls.contains(version);
        // The HistoryServer (REST port + 200) serves the jobs this cluster archives.
        up.history = true;
        planned.push(Planned { up, tests: "all()" });
        if !args.no_adaptive {
            let mut up = UpArgs::plain(version, 18181 + offset);
            up.adaptive = true;
            planned.push(Planned {
                up,
                tests: ADAPTIVE,
            });
        }
    }
    planned
}

/// Starts the planned clusters at once: startup (~6 s each) overlaps, memory stays under 3 GB.
fn start_clusters(planned: &[Planned]) -> Vec<Result<Cluster>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = planned
            .iter()
            .map(|plan| scope.spawn(move || flink::up(&plan.up)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("cluster start panicked")))
            })
            .collect()
    })
}

/// How the cluster's REST API is reached, for the summary.
fn transport_of(cluster: &Cluster) -> &'static str {
    if cluster.var("FLINK_TLS_CLIENT_CERT").is_some() {
        " (mutual TLS)"
    } else {
        ""
    }
}

/// Runs cargo in the workspace root; fails when it fails.
pub(crate) fn cargo(args: &[&str], env: &[(String, String)]) -> Result<()> {
    let status = cargo_command(args, env).status()?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// `cargo ARGS` in the workspace root, with `env` added.
pub(crate) fn cargo_command(args: &[&str], env: &[(String, String)]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .args(args)
        .current_dir(workspace_root())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    command
}

/// Runs the workspace's tests with cargo-nextest (or `cargo test` without it) and returns the
/// runner's summary line, e.g. `18 tests run: 18 passed, 12 skipped`.
fn nextest(filter: &[&str], env: &[(String, String)]) -> Result<String> {
    nextest_with(filter, env, &mut |line| eprintln!("{line}"))
}

/// Whether cargo-nextest is installed.
pub(crate) fn have_nextest() -> bool {
    cargo_command(&["nextest", "--version"], &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// [`nextest`], handing each line of the runner's output to `on_line` instead of printing it.
pub(crate) fn nextest_with(
    filter: &[&str],
    env: &[(String, String)],
    on_line: &mut dyn FnMut(&str),
) -> Result<String> {
    let have_nextest = have_nextest();
    let mut args = vec![
        "nextest",
        "run",
        "--workspace",
        "--all-features",
        "--no-fail-fast",
    ];
    if !have_nextest {
        args = vec!["test", "--workspace", "--all-features", "--no-fail-fast"];
    }
    let libtest_filter;
    if have_nextest {
        args.extend_from_slice(filter);
    } else if filter.contains(&"--run-ignored") {
        // Without nextest, live tests are selected by libtest's `--ignored`.
        libtest_filter = if filter.contains(&DESTRUCTIVE) {
            "shutdown::"
        } else {
            ""
        };
        args.extend_from_slice(&["--", "--ignored", libtest_filter]);
    }
    let mut child = cargo_command(&args, env).stderr(Stdio::piped()).spawn()?;
    let mut summary = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line?;
            on_line(&line);
            if let Some(found) = line
                .split_once("] ")
                .map(|(_, rest)| rest)
                .filter(|r| r.contains(" run: "))
            {
                found.trim().clone_into(&mut summary);
            } else if line.starts_with("test result:") {
                line.clone_into(&mut summary);
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!(
            "tests failed: {}",
            if summary.is_empty() {
                status.to_string()
            } else {
                summary
            }
        );
    }
    Ok(summary)
}
