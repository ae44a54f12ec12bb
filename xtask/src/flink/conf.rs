//! The cluster's configuration files: Flink's config and log4j.

use std::fmt::Write as _;
use std::path::Path;

use super::Tls;

/// The cipher suites a TLS cluster offers: Flink 1.20's default `security.ssl.algorithms`.
const MODERN_CIPHER_SUITES: &str =
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";

/// Password of the generated TLS key and trust stores (test material only).
pub(crate) const STORE_PASSWORD: &str = "flinkrs";

/// What one cluster's configuration depends on.
pub(crate) struct ConfigInputs<'a> {
    pub(crate) version: &'a str,
    pub(crate) rest_port: u16,
    pub(crate) rpc_port: u16,
    pub(crate) state: &'a Path,
    pub(crate) tls: Tls,
    pub(crate) adaptive: bool,
    /// The HistoryServer's port, when the cluster has one.
    pub(crate) history_port: Option<u16>,
    pub(crate) extra: &'a [String],
}

/// Where the JobManager archives finished jobs and the HistoryServer reads them.
pub(crate) const ARCHIVE_DIR: &str = "archive";

/// The HistoryServer's working directory (it unpacks the archives there as static files).
pub(crate) const HISTORY_WEB_DIR: &str = "history-web";

/// The config file's name: `config.yaml` for Flink 2.x, the legacy `flink-conf.yaml` for 1.x.
pub(crate) fn file_name(version: &str) -> &'static str {
    if version.starts_with("1.") {
        "flink-conf.yaml"
    } else {
        "config.yaml"
    }
}

/// The config as flat `key: value` lines, which both of Flink's parsers accept.
pub(crate) fn config_text(inputs: &ConfigInputs<'_>) -> String {
    let state = inputs.state.display();
    let mut entries: Vec<(String, String)> = [
        ("jobmanager.rpc.address", "127.0.0.1".to_owned()),
        ("jobmanager.rpc.port", inputs.rpc_port.to_string()),
        ("jobmanager.bind-host", "127.0.0.1".to_owned()),
        ("jobmanager.memory.process.size", "1024m".to_owned()),
        (
            "jobmanager.execution.failover-strategy",
            "region".to_owned(),
        ),
        ("taskmanager.host", "127.0.0.1".to_owned()),
        ("taskmanager.bind-host", "127.0.0.1".to_owned()),
        // Live tests run several small jobs at once; each takes one slot.
        ("taskmanager.numberOfTaskSlots", "8".to_owned()),
        ("taskmanager.memory.process.size", "1536m".to_owned()),
        ("parallelism.default", "1".to_owned()),
        // A TaskManager that starts before the JobManager's RPC is up retries after this delay
        // (10 s by default, which made startup three times slower). In milliseconds: before
        // 1.20 the key is a number, and later versions read a number as milliseconds too.
        ("cluster.registration.error-delay", "1000".to_owned()),
        ("rest.address", "127.0.0.1".to_owned()),
        ("rest.bind-address", "127.0.0.1".to_owned()),
        ("rest.port", inputs.rest_port.to_string()),
        ("rest.flamegraph.enabled", "true".to_owned()),
        ("rest.profiling.enabled", "true".to_owned()),
        // Metrics reach the REST API through this fetcher; 10 s by default makes tests wait.
        ("metrics.fetcher.update-interval", "2000".to_owned()),
        ("web.upload.dir", format!("{state}/web-upload")),
        ("web.tmpdir", format!("{state}/tmp")),
        ("io.tmp.dirs", format!("{state}/tmp")),
        (
            "state.checkpoints.dir",
            format!("file://{state}/checkpoints"),
        ),
        ("state.savepoints.dir", format!("file://{state}/savepoints")),
        (
            "execution.checkpointing.dir",
            format!("file://{state}/checkpoints"),
        ),
        (
            "execution.checkpointing.savepoint-dir",
            format!("file://{state}/savepoints"),
        ),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    if inputs.adaptive {
        entries.extend(adaptive_entries());
    }
    if let Some(port) = inputs.history_port {
        entries.extend(history_entries(inputs.state, port));
    }
    if inputs.tls != Tls::None {
        let tls = inputs.state.join("tls");
        let tls = tls.display();
        for (key, value) in [
            ("security.ssl.rest.enabled", "true".to_owned()),
            ("security.ssl.rest.keystore", format!("{tls}/server.p12")),
            (
                "security.ssl.rest.keystore-password",
                STORE_PASSWORD.to_owned(),
            ),
            ("security.ssl.rest.key-password", STORE_PASSWORD.to_owned()),
            (
                "security.ssl.rest.truststore",
                format!("{tls}/truststore.p12"),
            ),
            (
                "security.ssl.rest.truststore-password",
                STORE_PASSWORD.to_owned(),
            ),
        ] {
            entries.push((key.to_owned(), value));
        }
        if super::is_older_than(inputs.version, 1, 20) {
            // Flink before 1.20 offers only TLS_RSA_WITH_AES_128_CBC_SHA by default, which
            // rustls (and so flink-rs) does not speak: 1.20's default instead.
            entries.push((
                "security.ssl.algorithms".to_owned(),
                MODERN_CIPHER_SUITES.to_owned(),
            ));
        }
        if inputs.tls == Tls::Mutual {
            entries.push((
                "security.ssl.rest.authentication-enabled".to_owned(),
                "true".to_owned(),
            ));
        }
    }
    // Extra settings replace keys in place: config.yaml rejects duplicate keys.
    for line in inputs.extra {
        if let Some((key, value)) = line.split_once(':') {
            let (key, value) = (key.trim().to_owned(), value.trim().to_owned());
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
        }
    }
    let mut text = format!(
        "# generated by cargo xtask flink up for Flink {}\n",
        inputs.version
    );
    for (key, value) in entries {
        let _ = writeln!(text, "{key}: {value}");
    }
    text
}

/// The adaptive scheduler, with short cooldowns and its rescale history kept.
fn adaptive_entries() -> Vec<(String, String)> {
    [
        ("jobmanager.scheduler", "adaptive"),
        // A rescale waits out this cooldown (30 s by default) after the job starts running;
        // the key was renamed in 1.20, and Flink ignores the name it does not know.
        ("jobmanager.adaptive-scheduler.scaling-interval.min", "1 s"),
        (
            "jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling",
            "1 s",
        ),
        // Keep the rescale history (Flink 2.3+), which is off (0) by default.
        ("web.adaptive-scheduler.rescale-history.size", "20"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect()
}

/// The settings of the JobManager's archive and of the HistoryServer that serves it. The
/// HistoryServer serves plain HTTP (`historyserver.web.ssl.enabled` stays off), also next to a
/// TLS cluster.
fn history_entries(state: &Path, port: u16) -> Vec<(String, String)> {
    let state = state.display();
    let archive = format!("file://{state}/{ARCHIVE_DIR}");
    [
        // The JobManager writes one archive file per globally terminated job here …
        ("jobmanager.archive.fs.dir", archive.clone()),
        // … and the HistoryServer polls the same directory (every 10 s by default).
        ("historyserver.archive.fs.dir", archive),
        // Plain milliseconds: before 1.20 this key is a number, not a duration.
        (
            "historyserver.archive.fs.refresh-interval",
            "1000".to_owned(),
        ),
        ("historyserver.web.address", "127.0.0.1".to_owned()),
        ("historyserver.web.port", port.to_string()),
        (
            "historyserver.web.tmpdir",
            format!("{state}/{HISTORY_WEB_DIR}"),
        ),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect()
}

/// log4j2 configuration as in Flink's default `conf/log4j.properties`: a rolling file per process.
pub(crate) const LOG4J: &str = "\
monitorInterval=30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = INFO
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 10
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
";

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(extra: &[String], tls: Tls) -> ConfigInputs<'_> {
        ConfigInputs {
            version: "2.3.0",
            rest_port: 18081,
            rpc_port: 40000,
            state: Path::new("/tmp/s"),
            tls,
            adaptive: true,
            history_port: None,
            extra,
        }
    }

    #[test]
    fn extra_settings_replace_keys_in_place_and_add_new_ones() {
        let extra = vec![
            "taskmanager.numberOfTaskSlots: 3".to_owned(),
            "a.b: c".to_owned(),
        ];
        let text = config_text(&inputs(&extra, Tls::None));
        assert!(text.contains("taskmanager.numberOfTaskSlots: 3\n"));
        assert!(!text.contains("taskmanager.numberOfTaskSlots: 8"));
        assert!(text.ends_with("a.b: c\n"));
        assert!(text.contains("rest.port: 18081\n"));
        assert!(text.contains("jobmanager.scheduler: adaptive\n"));
        assert!(!text.contains("security.ssl"));
        assert!(
            !text.contains("archive"),
            "no archiving without a HistoryServer"
        );
    }

    #[test]
    fn a_history_server_reads_what_the_jobmanager_archives() {
        let extra = vec!["historyserver.archive.fs.refresh-interval: 5 s".to_owned()];
        let text = config_text(&ConfigInputs {
            history_port: Some(18281),
            ..inputs(&extra, Tls::None)
        });
        assert!(text.contains("jobmanager.archive.fs.dir: file:///tmp/s/archive\n"));
        assert!(text.contains("historyserver.archive.fs.dir: file:///tmp/s/archive\n"));
        assert!(text.contains("historyserver.web.address: 127.0.0.1\n"));
        assert!(text.contains("historyserver.web.port: 18281\n"));
        assert!(text.contains("historyserver.web.tmpdir: /tmp/s/history-web\n"));
        // Extra settings win over the short default refresh interval, without a duplicate key.
        assert!(text.contains("historyserver.archive.fs.refresh-interval: 5 s\n"));
        assert_eq!(text.matches("refresh-interval").count(), 1);
        // The HistoryServer serves plain HTTP, also next to a TLS cluster.
        assert!(!text.contains("historyserver.web.ssl"));
    }

    #[test]
    fn mutual_tls_turns_on_client_authentication() {
        let text = config_text(&inputs(&[], Tls::Mutual));
        assert!(text.contains("security.ssl.rest.enabled: true\n"));
        assert!(text.contains("security.ssl.rest.keystore: /tmp/s/tls/server.p12\n"));
        assert!(text.contains("security.ssl.rest.authentication-enabled: true\n"));
    }

    #[test]
    fn tls_before_flink_1_20_offers_cipher_suites_rustls_speaks() {
        let old = config_text(&ConfigInputs {
            version: "1.17.2",
            ..inputs(&[], Tls::Server)
        });
        assert!(old.contains(&format!(
            "security.ssl.algorithms: {MODERN_CIPHER_SUITES}\n"
        )));
        // 1.20 offers them by default; plain HTTP needs none.
        assert!(!config_text(&inputs(&[], Tls::Server)).contains("security.ssl.algorithms"));
        let plain = config_text(&ConfigInputs {
            version: "1.17.2",
            ..inputs(&[], Tls::None)
        });
        assert!(!plain.contains("security.ssl.algorithms"));
    }

    #[test]
    fn config_file_per_major_version() {
        assert_eq!(file_name("1.20.5"), "flink-conf.yaml");
        assert_eq!(file_name("2.3.0"), "config.yaml");
    }
}
