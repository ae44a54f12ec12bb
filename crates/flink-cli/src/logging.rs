//! What flinkctl shows of the library's tracing, on standard error: its warnings by default (TLS
//! verification turned off, credentials over plain http, a spent retry budget), retries with
//! `-v`, every request with `-vv`, everything with `-vvv`; `RUST_LOG` replaces the choice.
//! Nothing the library traces carries a secret: header values are never recorded and URLs are
//! redacted.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Installs the subscriber for `-v` given `verbose` times (or `-q`), with colours when allowed.
pub(crate) fn init(verbose: u8, quiet: bool, color: bool) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|directives| !directives.trim().is_empty());
    let requests = verbose >= 2 || from_env.is_some();
    let filter = EnvFilter::new(from_env.unwrap_or_else(|| directives(verbose, quiet)));
    // A subscriber set before (there is none in flinkctl) keeps its place.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(verbose >= 3)
        .without_time()
        // Each request is a span: printed when it closes, with its method, path and status.
        .with_span_events(if requests {
            FmtSpan::CLOSE
        } else {
            FmtSpan::NONE
        })
        .try_init();
}

/// The filter for a verbosity: only flink-rs's own crates get louder, so hyper's and rustls'
/// internals stay at warnings.
fn directives(verbose: u8, quiet: bool) -> String {
    if quiet {
        return "error".to_owned();
    }
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    format!("warn,flink_transport={level},flink_client={level},flink_api={level}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_verbosity_raises_only_flink_rs_crates() {
        assert_eq!(directives(0, true), "error");
        assert_eq!(
            directives(0, false),
            "warn,flink_transport=warn,flink_client=warn,flink_api=warn"
        );
        assert!(directives(1, false).contains("flink_transport=info"));
        assert!(directives(2, false).contains("flink_client=debug"));
        assert!(directives(9, false).starts_with("warn,flink_transport=trace"));
    }
}
