//! The git side of a release: its tags, whether the tree is clean, the copy a dry run edits
//! instead of the workspace, and the files of the last release for cargo-semver-checks.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use semver::Version;

use crate::tools::run_checked;

/// `git ARGS` in `root`, its standard output; fails with git's own message.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let output = run_checked(
        Command::new("git").args(args).current_dir(root),
        &format!("git {}", args.join(" ")),
    )?;
    Ok(output.stdout)
}

/// The versions that have a release tag (`v0.1.0`); other tags are ignored.
pub(crate) fn tagged_versions(root: &Path) -> Result<Vec<Version>> {
    let tags = git(root, &["tag", "--list", "v*"])?;
    Ok(String::from_utf8_lossy(&tags)
        .lines()
        .filter_map(|tag| Version::parse(tag.strip_prefix('v')?).ok())
        .collect())
}

/// The changed and untracked files of the working tree, as `git status --short` lists them.
pub(crate) fn uncommitted(root: &Path) -> Result<Vec<String>> {
    let status = git(root, &["status", "--short"])?;
    Ok(String::from_utf8_lossy(&status)
        .lines()
        .map(|line| line.trim().to_owned())
        .collect())
}

/// Replaces `to` with a copy of the working tree's files as git sees them: tracked files as
/// they are now, and untracked ones that are not ignored (so never `target/`). A file that
/// is a link is copied as the file it points to. Returns how many files were copied.
pub(crate) fn copy_working_tree(root: &Path, to: &Path) -> Result<usize> {
    if to.exists() {
        fs::remove_dir_all(to).with_context(|| format!("removing {}", to.display()))?;
    }
    let listed = git(
        root,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    )?;
    let mut copied = 0;
    for name in listed
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
    {
        let name = String::from_utf8_lossy(name);
        let source = root.join(name.as_ref());
        // A tracked file deleted in the working tree is not part of it.
        if !source.is_file() {
            continue;
        }
        let destination = to.join(name.as_ref());
        if let Some(dir) = destination.parent() {
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        fs::copy(&source, &destination).with_context(|| {
            format!("copying {} to {}", source.display(), destination.display())
        })?;
        copied += 1;
    }
    Ok(copied)
}

/// Replaces `to` with the files of `tag` (`git archive`), leaving the repository as it is.
pub(crate) fn export_tag(root: &Path, tag: &str, to: &Path) -> Result<()> {
    if to.exists() {
        fs::remove_dir_all(to).with_context(|| format!("removing {}", to.display()))?;
    }
    fs::create_dir_all(to)?;
    let archive = git(root, &["archive", "--format=tar", tag])?;
    tar::Archive::new(archive.as_slice())
        .unpack(to)
        .with_context(|| format!("unpacking {tag} into {}", to.display()))
}
