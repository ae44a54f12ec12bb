//! Issue 10, point 5: a document nested a million levels deep ends `flinkctl` with an error
//! and a message, not with a stack overflow (SIGABRT, exit status 134 in a shell).

use std::time::Duration;

use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use crate::process::watch;
use crate::proxied::Proxied;

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_deeply_nested_answer_is_an_error_not_an_abort() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let overview = Route::exact(Method::GET, "/overview");
    proxied
        .proxy
        .add(Rule::new(overview.clone(), Fault::NestedBody(1_000_000)));
    for args in [
        &["-o", "json", "overview"][..],
        &["api", "GET", "/overview"],
    ] {
        let watched = watch(proxied.flinkctl(args), Duration::from_secs(60), 512);
        assert_eq!(
            watched.signal(),
            None,
            "flinkctl {args:?}: {}",
            watched.describe()
        );
        assert!(
            watched.code().is_some_and(|code| code != 0),
            "flinkctl {args:?}: {}",
            watched.describe()
        );
        let stderr = watched.stderr.to_lowercase();
        assert!(
            ["deep", "depth", "nest"]
                .iter()
                .any(|word| stderr.contains(word)),
            "flinkctl {args:?} must say the answer nests too deep; {}",
            watched.describe()
        );
    }
    assert_eq!(
        proxied.proxy.forwarded(&overview),
        0,
        "the proxy answered itself"
    );
}
