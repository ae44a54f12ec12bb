//! The external programs xtask needs, with what to install when one is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::paths::target_dir;
use crate::test::cargo_command;

/// A JDK tool (`java`, `javac`, `jar`, `keytool`): from `JAVA_HOME` when set, else from `PATH`.
pub(crate) fn jdk_tool(name: &str) -> Result<PathBuf> {
    let candidate = std::env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin").join(name))
        .filter(|path| path.exists())
        .unwrap_or_else(|| PathBuf::from(name));
    match Command::new(&candidate).arg("-version").output() {
        Ok(_) => Ok(candidate),
        Err(_) => bail!(
            "`{name}` not found: install a Java 17 JDK (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME"
        ),
    }
}

/// `python3`, checked to have a working `pip`.
pub(crate) fn python_with_pip() -> Result<PathBuf> {
    let python = PathBuf::from("python3");
    let output = Command::new(&python)
        .args(["-m", "pip", "--version"])
        .output()
        .context(
            "`python3` not found: install Python 3 with pip (Debian: apt-get install python3-pip)",
        )?;
    if !output.status.success() {
        bail!("`python3 -m pip` does not work: install pip (Debian: apt-get install python3-pip)");
    }
    Ok(python)
}

/// A plain program from `PATH` (`openssl`, `curl`), with an install hint.
pub(crate) fn program(name: &str, install_hint: &str) -> Result<PathBuf> {
    match Command::new(name).arg("--version").output() {
        Ok(_) => Ok(PathBuf::from(name)),
        Err(_) => bail!("`{name}` not found: {install_hint}"),
    }
}

/// Runs a command to completion; fails with its output when it fails.
pub(crate) fn run_checked(command: &mut Command, what: &str) -> Result<std::process::Output> {
    let output = command
        .output()
        .with_context(|| format!("could not start {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output)
}

/// `cargo ARGS` in the workspace at `root` (this one, or a release's copy of it) with this
/// workspace's target directory, so that packaging a copy reuses the dependencies built
/// already. Never build the workspace's own crates of a copy with it: see `release::check`.
pub(crate) fn cargo_in(root: &Path, args: &[&str]) -> Command {
    let target = target_dir().display().to_string();
    let mut command = cargo_command(args, &[("CARGO_TARGET_DIR".to_owned(), target)]);
    command.current_dir(root);
    command
}
