//! The checks of `cargo xtask test` that need a tool CI may lack: cargo-deny (licences,
//! advisories, banned and duplicate crates, sources; `deny.toml`) and the toolchain of the
//! minimum supported Rust version. Each runs when its tool is installed, and says that it was
//! skipped and how to install the tool otherwise.

use std::fs;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::paths::workspace_root;
use crate::test::{cargo, cargo_command};

/// Whether `cargo SUBCOMMAND` is installed (it answers `--version`).
pub(crate) fn cargo_tool_installed(subcommand: &str) -> bool {
    cargo_command(&[subcommand, "--version"], &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `cargo deny check` of the whole workspace against `deny.toml`. Advisories need the advisory
/// database: when it cannot be fetched (no network), the other checks run, saying so.
pub(crate) fn deny() -> Result<String> {
    if !cargo_tool_installed("deny") {
        return Ok(
            "skipped: cargo-deny not installed (cargo install cargo-deny --locked)".to_owned(),
        );
    }
    let fetched = cargo_command(&["deny", "fetch", "db"], &[])
        .status()
        .is_ok_and(|status| status.success());
    if fetched {
        cargo(&["deny", "--offline", "check"], &[])?;
        return Ok("passed".to_owned());
    }
    cargo(
        &["deny", "--offline", "check", "licenses", "bans", "sources"],
        &[],
    )?;
    Ok("licenses, bans, sources passed; advisories not checked: RustSec's database could not be fetched".to_owned())
}

/// `cargo check` of every crate that promises the workspace's `rust-version`, with that
/// toolchain (xtask needs a newer one and is left out).
pub(crate) fn msrv() -> Result<String> {
    let manifest = fs::read_to_string(workspace_root().join("Cargo.toml"))
        .context("reading the root Cargo.toml")?;
    let document: toml_edit::DocumentMut =
        manifest.parse().context("reading the root Cargo.toml")?;
    let Some(msrv) = document["workspace"]["package"]["rust-version"].as_str() else {
        bail!("the root Cargo.toml has no [workspace.package] rust-version");
    };
    let Some(toolchain) = installed_toolchain(msrv) else {
        return Ok(format!(
            "skipped: Rust {msrv} not installed (rustup toolchain install {msrv})"
        ));
    };
    let status = Command::new("rustup")
        .args([
            "run",
            &toolchain,
            "cargo",
            "check",
            "--workspace",
            "--all-features",
        ])
        .args(["--exclude", "xtask"])
        .current_dir(workspace_root())
        .status()
        .context("could not start rustup")?;
    if !status.success() {
        bail!(
            "the workspace does not build with Rust {msrv} ({status}): raise rust-version or avoid the newer feature"
        );
    }
    Ok(format!("builds with Rust {msrv} ({toolchain})"))
}

/// The installed rustup toolchain of Rust `version` (`1.88` matches `1.88.0-x86_64-…` and
/// `1.88-x86_64-…`), if any; none without rustup.
fn installed_toolchain(version: &str) -> Option<String> {
    let output = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .ok()
        .filter(|output| output.status.success())?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .find(|name| is_toolchain_of(name, version))
        .map(str::to_owned)
}

/// Whether the toolchain `name` is Rust `version`, or one of its patch releases.
fn is_toolchain_of(name: &str, version: &str) -> bool {
    name.strip_prefix(version)
        .is_some_and(|rest| rest.starts_with(['-', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolchains_match_their_version_and_its_patch_releases() {
        assert!(is_toolchain_of("1.88.0-x86_64-unknown-linux-gnu", "1.88"));
        assert!(is_toolchain_of("1.88-x86_64-unknown-linux-gnu", "1.88"));
        assert!(is_toolchain_of("1.88.1-aarch64-apple-darwin", "1.88"));
        assert!(is_toolchain_of("1.88.0-x86_64-unknown-linux-gnu", "1.88.0"));
        assert!(!is_toolchain_of(
            "1.88.1-x86_64-unknown-linux-gnu",
            "1.88.0"
        ));
        assert!(!is_toolchain_of("1.880-x86_64-unknown-linux-gnu", "1.88"));
        assert!(!is_toolchain_of("stable-x86_64-unknown-linux-gnu", "1.88"));
    }
}
