//! The live cluster the fault tests stand in front of.

/// The URL of the cluster under test (`FLINK_REST_URL`), or `None`, saying why on stderr, when
/// it is served over TLS, which the proxy does not speak: a fault test then returns at once.
///
/// # Panics
///
/// When `FLINK_REST_URL` is not set: a live test must never pass without a cluster.
#[allow(clippy::print_stderr, reason = "a test that does nothing says why")]
pub fn plain_http_test_cluster() -> Option<String> {
    let url = std::env::var("FLINK_REST_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            panic!("live tests need a Flink cluster: run `cargo xtask test`, or set FLINK_REST_URL")
        });
    if url.starts_with("https://") {
        eprintln!(
            "skipped: the fault proxy speaks plain HTTP to Flink, but FLINK_REST_URL is {url}; the fault tests run against the plain-HTTP clusters (Flink 2.3.0 in `cargo xtask test`)"
        );
        return None;
    }
    Some(url)
}
