//! `cargo xtask release VERSION [--dry-run]`: prepares and checks a release, and prints the
//! commands that make it public (tag, push, publish) without running them.
//!
//! In order: the version (a bump of the workspace's version and of the internal dependencies'
//! requirements together, or none for the first release of the workspace's version), the
//! CHANGELOG (its Unreleased section dated, with compare links), `cargo xtask test`,
//! cargo-semver-checks against the last release tag, `cargo publish --dry-run` of every
//! published crate, and the artefacts that ship with flinkctl (man pages, shell completions)
//! in `target/release-artifacts`. The first step that fails ends the release.
//!
//! A real run edits this tree, which must be clean, so that the release commit holds only the
//! release. A dry run makes the edits in a copy of the working tree,
//! `target/release-check/tree`, prints them, packages the crates from the copy, tests this
//! tree (see [`check`] for why), and changes nothing here.

mod artifacts;
mod changelog;
mod publish;
mod tree;
mod version;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::Args;
use semver::Version;

use crate::paths::{target_dir, workspace_root};
use crate::test::cargo_command;
use crate::tools::{cargo_in, run_checked};
use publish::Published;
use version::{Plan, tag_of};

/// The files a release edits.
const EDITED: [&str; 3] = ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"];

/// Arguments of `cargo xtask release`.
#[derive(Args)]
pub(crate) struct ReleaseArgs {
    /// The version to release (semver): greater than the workspace's (a bump), or the
    /// workspace's own while it has no tag (its first release, without a bump).
    version: String,
    /// Make the edits in a copy of the working tree and print them, package the crates from
    /// the copy, run the same checks; this tree stays as it is.
    #[arg(long)]
    dry_run: bool,
    /// Do not run `cargo xtask test` (only with --dry-run, to iterate on the release itself).
    #[arg(long, requires = "dry_run")]
    skip_test: bool,
}

/// One line of the closing summary: a step and what came of it.
struct Done {
    /// The step's name.
    step: &'static str,
    /// What came of it: what it did, or why it was skipped.
    outcome: String,
}

/// Prepares the release of `args.version` (on a copy with `--dry-run`), checks it, and prints
/// the commands that publish it.
pub(crate) fn run(args: &ReleaseArgs) -> Result<()> {
    let root = workspace_root();
    let manifest = read(&root.join("Cargo.toml"))?;
    let current = version::workspace_version(&manifest)?;
    let wanted = version::parse(&args.version)?;
    let tagged = tree::tagged_versions(&root)?;
    let plan = version::plan(&wanted, &current, &tagged)?;
    let last_release = tagged.iter().max();

    let changes = tree::uncommitted(&root)?;
    let mut done = Vec::new();
    let work = if args.dry_run {
        if !changes.is_empty() {
            eprintln!(
                "xtask: the dry run includes this tree's {} uncommitted change(s)",
                changes.len()
            );
        }
        let copy = target_dir().join("release-check").join("tree");
        step(&mut done, "copy the working tree", || {
            let files = tree::copy_working_tree(&root, &copy)?;
            Ok(format!("{files} files in {}", copy.display()))
        })?;
        copy
    } else {
        if !changes.is_empty() {
            bail!(
                "the working tree has uncommitted changes ({}); commit or stash them first, so that the release commit holds only the release (or try --dry-run)",
                changes.join(", ")
            );
        }
        root.clone()
    };

    let prepared = prepare(&work, &plan, &wanted, &mut done).and_then(|()| {
        if args.dry_run {
            show_edits(&root, &work)?;
        }
        check(&work, &plan, &wanted, args, last_release, &mut done)
    });
    let crates = match prepared {
        Ok(crates) => crates,
        Err(error) if !args.dry_run => {
            return Err(error.context(format!(
                "the release's edits stay in the working tree; `git checkout -- {}` undoes them",
                EDITED.join(" ")
            )));
        }
        Err(error) => return Err(error),
    };

    eprintln!("\n==> summary");
    for Done { step, outcome } in &done {
        eprintln!("  {step:<28} {outcome}");
    }
    print_next_steps(args, &wanted, &crates);
    Ok(())
}

/// Edits the release tree at `work`: the version, Cargo.lock, the CHANGELOG.
fn prepare(work: &Path, plan: &Plan, wanted: &Version, done: &mut Vec<Done>) -> Result<()> {
    step(done, "set the version", || match plan {
        Plan::FirstOfCurrent => Ok(format!(
            "no bump: {wanted} is the workspace's version and has no tag yet (its first release)"
        )),
        Plan::Bump { from } => {
            let path = work.join("Cargo.toml");
            let (bumped, dependencies) = version::bump(&read(&path)?, wanted)?;
            write(&path, &bumped)?;
            // Cargo.lock records the workspace's crates with their versions.
            run_checked(
                &mut cargo_in(work, &["update", "--workspace", "--offline"]),
                "cargo update --workspace (Cargo.lock)",
            )?;
            Ok(format!(
                "{from} -> {wanted}: the workspace and {}",
                dependencies.join(", ")
            ))
        }
    })?;
    step(done, "roll CHANGELOG.md", || {
        let path = work.join("CHANGELOG.md");
        let manifest = read(&work.join("Cargo.toml"))?;
        let repository = repository_url(&manifest)?;
        let date = changelog::today();
        write(
            &path,
            &changelog::roll(&read(&path)?, wanted, &date, &repository)?,
        )?;
        Ok(format!("Unreleased is now [{wanted}] - {date}"))
    })
}

/// What a release checks: `cargo xtask test` and flinkctl's artefacts are made in this tree,
/// semver-checks and `cargo publish --dry-run` in the prepared tree at `work` (this tree, or a
/// dry run's copy). Returns the crates to publish, in order.
///
/// A dry run builds nothing of the workspace in its copy: the copy shares this tree's target
/// directory, where cargo keys the workspace's artefacts by their path inside the workspace,
/// so a build there would leave this tree with binaries that point into the copy (xtask's own
/// `workspace_root` among them). Its edits change only versions and the CHANGELOG, so the
/// tests of this tree are the tests of the release.
fn check(
    work: &Path,
    plan: &Plan,
    wanted: &Version,
    options: &ReleaseArgs,
    last_release: Option<&Version>,
    done: &mut Vec<Done>,
) -> Result<Vec<Published>> {
    let crates = publish::publish_order(work)?;
    if let Some(other) = crates.iter().find(|c| c.version != wanted.to_string()) {
        bail!(
            "{} has version {}, not the release's {wanted}: give it `version.workspace = true`",
            other.name,
            other.version,
        );
    }
    step(done, "cargo xtask test", || {
        if options.skip_test {
            return Ok("skipped: --skip-test".to_owned());
        }
        let status = cargo_command(&["xtask", "test"], &[])
            .status()
            .context("could not start cargo xtask test")?;
        if !status.success() {
            bail!("cargo xtask test failed ({status}); see its summary above");
        }
        Ok("passed".to_owned())
    })?;
    step(done, "cargo semver-checks", || {
        publish::semver_checks(work, last_release)
    })?;
    step(done, "cargo publish --dry-run", || {
        publish::publish_dry_run(work, &crates)
    })?;
    step(done, "flinkctl's artefacts", || {
        let out = artifacts_dir();
        let files = artifacts::build(&out)?;
        // The man pages carry flinkctl's version.
        let note = match plan {
            Plan::Bump { from } if options.dry_run => {
                format!(" (by this tree's flinkctl, {from}; a real run's carry {wanted})")
            }
            _ => String::new(),
        };
        Ok(format!("{} files in {}{note}", files.len(), out.display()))
    })?;
    Ok(crates)
}

/// Runs one step of the release under a heading and notes its outcome for the summary; its
/// error ends the release.
fn step(
    done: &mut Vec<Done>,
    name: &'static str,
    run: impl FnOnce() -> Result<String>,
) -> Result<()> {
    eprintln!("\n==> {name}");
    let outcome = run().with_context(|| format!("{name} failed"))?;
    eprintln!("xtask: {outcome}");
    done.push(Done {
        step: name,
        outcome,
    });
    Ok(())
}

/// Prints what a real run changes: the diff of each edited file between this tree and the
/// dry run's copy.
fn show_edits(root: &Path, copy: &Path) -> Result<()> {
    eprintln!("\n==> the edits a real run makes");
    for file in EDITED {
        let (before, after) = (root.join(file), copy.join(file));
        // `git diff --no-index` exits with 1 when the files differ.
        let status = Command::new("git")
            .args(["diff", "--no-index", "--no-color", "--"])
            .args([&before, &after])
            .current_dir(root)
            .status()
            .context("could not start git diff")?;
        if status.code().is_none_or(|code| code > 1) {
            bail!(
                "git diff of {} and {} failed ({status})",
                before.display(),
                after.display()
            );
        }
    }
    Ok(())
}

/// Prints the commands that make the release public; none of them has run.
fn print_next_steps(args: &ReleaseArgs, version: &Version, crates: &[Published]) {
    let tag = tag_of(version);
    if args.dry_run {
        eprintln!(
            "\nxtask: dry run: this tree is unchanged. `cargo xtask release {version}` makes the edits above \
             and runs the same checks; then:"
        );
    } else {
        eprintln!("\nxtask: {version} is ready; review the edits (`git diff`), then:");
    }
    println!("git commit -am \"Release {version}\"");
    println!("git tag -a {tag} -m \"flink-rs {version}\"");
    println!("git push origin HEAD {tag}");
    for published in crates {
        println!("cargo publish -p {}", published.name);
    }
    eprintln!(
        "xtask: attach {} (man pages, shell completions) to the GitHub release of {tag}",
        artifacts_dir().display()
    );
}

/// The repository's URL, from the root manifest's `[workspace.package]`.
fn repository_url(manifest: &str) -> Result<String> {
    let document: toml_edit::DocumentMut = manifest.parse().context("reading Cargo.toml")?;
    document["workspace"]["package"]["repository"]
        .as_str()
        .map(str::to_owned)
        .context(
            "the root Cargo.toml has no [workspace.package] repository for the CHANGELOG's links",
        )
}

/// The text of a file of the release tree.
fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Replaces a file of the release tree.
fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Where `cargo xtask release` leaves what ships with flinkctl.
fn artifacts_dir() -> PathBuf {
    target_dir().join("release-artifacts")
}
