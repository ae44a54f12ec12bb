//! The Flink distribution: `apache-flink-libraries` from PyPI, downloaded once and unpacked
//! into the cache (`lib/`, `opt/`, `plugins/`, `bin/`).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::pypi::{self, Package};

/// The directories of the package that make a Flink home.
const WANTED: [&str; 4] = ["lib/", "opt/", "plugins/", "bin/"];

/// Returns the Flink home of `version`, downloading and unpacking it first if needed.
pub(crate) fn ensure(version: &str) -> Result<PathBuf> {
    pypi::ensure(&Package {
        project: "apache-flink-libraries",
        version,
        dir: format!("flink-{version}"),
        size: "230-330 MB",
        download_hint: format!("is {version} a released Flink version?"),
        target_of,
        expected: "Flink distribution (lib/flink-dist*.jar, bin/bash-java-utils.jar)",
        is_complete: |home| home.join("bin/bash-java-utils.jar").exists() && dist_jar(home).is_ok(),
    })
}

/// The `flink-dist` jar of a Flink home.
pub(crate) fn dist_jar(home: &Path) -> Result<PathBuf> {
    let lib = home.join("lib");
    let entries = fs::read_dir(&lib).with_context(|| format!("no {}", lib.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("flink-dist") && path.extension().is_some_and(|e| e == "jar") {
            return Ok(path);
        }
    }
    bail!("no flink-dist jar in {}", lib.display())
}

/// Where an archive entry goes: `…/pyflink/lib/x.jar` (wheel) or `…/deps/lib/x.jar` (sdist)
/// becomes `lib/x.jar`; anything else is skipped.
fn target_of(entry: &str) -> Option<&str> {
    let mut rest = entry;
    loop {
        let (part, tail) = rest.split_once('/')?;
        if (part == "pyflink" || part == "deps")
            && WANTED.iter().any(|w| tail.starts_with(w))
            && !tail.ends_with('/')
        {
            return Some(tail);
        }
        rest = tail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_map_onto_a_flink_home() {
        assert_eq!(
            target_of("pyflink/lib/flink-dist-2.3.0.jar"),
            Some("lib/flink-dist-2.3.0.jar")
        );
        assert_eq!(
            target_of("apache_flink_libraries-1.20.5/deps/bin/bash-java-utils.jar"),
            Some("bin/bash-java-utils.jar")
        );
        assert_eq!(target_of("pyflink/conf/config.yaml"), None);
        assert_eq!(target_of("pyflink/lib/"), None);
        assert_eq!(target_of("setup.py"), None);
    }
}
