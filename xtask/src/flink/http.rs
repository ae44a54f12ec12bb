//! One `GET /overview`, to see whether a cluster is ready: plain HTTP over a socket, or curl
//! for TLS clusters (xtask stays free of an HTTP stack; the client crates are what we test).

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// How to reach a cluster's REST endpoint.
pub(crate) struct Endpoint {
    pub(crate) port: u16,
    pub(crate) ca: Option<PathBuf>,
    pub(crate) client_cert: Option<(PathBuf, PathBuf)>,
}

impl Endpoint {
    /// The body of `GET /overview`, or an error when the cluster does not answer (yet).
    pub(crate) fn overview(&self) -> Result<String> {
        match &self.ca {
            None => get(self.port, "/overview"),
            Some(ca) => {
                let mut curl = Command::new("curl");
                curl.args(["-s", "-f", "--max-time", "2", "--cacert"])
                    .arg(ca);
                if let Some((cert, key)) = &self.client_cert {
                    curl.arg("--cert").arg(cert).arg("--key").arg(key);
                }
                let output = curl
                    .arg(format!("https://127.0.0.1:{}/overview", self.port))
                    .output()
                    .context("TLS clusters are polled with curl: install curl")?;
                if !output.status.success() {
                    bail!("curl failed: {}", output.status);
                }
                Ok(String::from_utf8_lossy(&output.stdout).into_owned())
            }
        }
    }
}

/// The body of a plain-HTTP `GET` on loopback; fails on any status but 200.
pub(crate) fn get(port: u16, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("no HTTP response")?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("{}", head.lines().next().unwrap_or_default());
    }
    Ok(body.to_owned())
}

/// The number of registered TaskManagers in an `/overview` body.
pub(crate) fn taskmanagers(overview: &str) -> Option<u64> {
    serde_json::from_str::<serde_json::Value>(overview)
        .ok()?
        .get("taskmanagers")?
        .as_u64()
}

/// Whether something listens on the port already.
pub(crate) fn port_in_use(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(300)).is_ok()
}

/// A free port on loopback (for the JobManager's RPC).
pub(crate) fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taskmanagers_are_read_from_the_overview() {
        assert_eq!(
            taskmanagers(r#"{"taskmanagers":1,"slots-total":4}"#),
            Some(1)
        );
        assert_eq!(taskmanagers(r#"{"errors":["x"]}"#), None);
        assert_eq!(taskmanagers("<html>"), None);
    }
}
