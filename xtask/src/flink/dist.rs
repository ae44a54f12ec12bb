//! The Flink distribution: `apache-flink-libraries` from PyPI, downloaded once and unpacked
//! into the cache (`lib/`, `opt/`, `plugins/`, `bin/`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::paths::cache_dir;
use crate::tools::{python_with_pip, run_checked};

/// The directories of the package that make a Flink home.
const WANTED: [&str; 4] = ["lib/", "opt/", "plugins/", "bin/"];

/// Returns the Flink home of `version`, downloading and unpacking it first if needed.
pub(crate) fn ensure(version: &str) -> Result<PathBuf> {
    let cache = cache_dir();
    let home = cache.join(format!("flink-{version}"));
    if home.join(".complete").exists() {
        return Ok(home);
    }
    fs::create_dir_all(cache.join("download"))
        .with_context(|| format!("could not create {}", cache.display()))?;
    // Two clusters of one version may start at once: one unpacks, the other waits.
    let lock = fs::File::create(cache.join(format!(".lock-{version}")))?;
    lock.lock()?;
    if home.join(".complete").exists() {
        return Ok(home);
    }
    let package = match find_package(&cache, version)? {
        Some(package) => package,
        None => download(&cache, version)?,
    };
    let started = Instant::now();
    eprintln!("xtask: unpacking {} ...", package.display());
    let staging = cache.join(format!("flink-{version}.tmp"));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let files = unpack(&package, &staging)?;
    if files == 0
        || !staging.join("bin/bash-java-utils.jar").exists()
        || dist_jar(&staging).is_err()
    {
        bail!(
            "{} holds no Flink distribution (lib/flink-dist*.jar, bin/bash-java-utils.jar); delete it and retry",
            package.display()
        );
    }
    fs::write(staging.join(".complete"), b"")?;
    if home.exists() {
        fs::remove_dir_all(&home)?;
    }
    fs::rename(&staging, &home)?;
    eprintln!(
        "xtask: unpacked {files} files in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(home)
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

fn find_package(cache: &Path, version: &str) -> Result<Option<PathBuf>> {
    for entry in fs::read_dir(cache.join("download"))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if is_package_of(name, version) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// `apache_flink_libraries-2.3.0-py2.py3-none-any.whl` or `apache-flink-libraries-1.20.5.tar.gz`.
fn is_package_of(file_name: &str, version: &str) -> bool {
    let normalized = file_name.replace('_', "-");
    normalized
        .strip_prefix("apache-flink-libraries-")
        .and_then(|rest| rest.strip_prefix(version))
        .is_some_and(|rest| {
            (rest.starts_with('-') && Path::new(rest).extension().is_some_and(|e| e == "whl"))
                || rest == ".tar.gz"
        })
}

fn download(cache: &Path, version: &str) -> Result<PathBuf> {
    let python = python_with_pip()?;
    eprintln!("xtask: downloading apache-flink-libraries=={version} from PyPI (230-330 MB) ...");
    let started = Instant::now();
    run_checked(
        Command::new(python)
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "-d",
            ])
            .arg(cache.join("download"))
            .arg(format!("apache-flink-libraries=={version}")),
        &format!(
            "pip download apache-flink-libraries=={version} (is {version} a released Flink version?)"
        ),
    )?;
    eprintln!(
        "xtask: downloaded in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    find_package(cache, version)?.with_context(|| {
        format!(
            "pip reported success but no package is in {}",
            cache.join("download").display()
        )
    })
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

fn unpack(package: &Path, destination: &Path) -> Result<usize> {
    let file = fs::File::open(package)?;
    let mut count = 0;
    let mut write = |name: &str, reader: &mut dyn io::Read| -> Result<()> {
        if let Some(target) = target_of(name) {
            let path = destination.join(target);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            io::copy(reader, &mut fs::File::create(&path)?)?;
            count += 1;
        }
        Ok(())
    };
    if package.extension().is_some_and(|e| e == "whl") {
        let mut archive = zip::ZipArchive::new(io::BufReader::new(file))?;
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index)?;
            let name = entry.name()?.into_owned();
            write(&name, &mut entry)?;
        }
    } else {
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(io::BufReader::new(file)));
        for entry in archive.entries()? {
            let mut entry = entry?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry.path()?.to_string_lossy().into_owned();
            write(&name, &mut entry)?;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_of_both_layouts() {
        assert!(is_package_of(
            "apache_flink_libraries-2.3.0-py2.py3-none-any.whl",
            "2.3.0"
        ));
        assert!(is_package_of(
            "apache_flink_libraries-1.20.5.tar.gz",
            "1.20.5"
        ));
        assert!(!is_package_of(
            "apache_flink_libraries-1.20.50.tar.gz",
            "1.20.5"
        ));
        assert!(!is_package_of(
            "apache_flink_libraries-2.3.0-py2.py3-none-any.whl",
            "2.3.1"
        ));
    }

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
