//! The crates a release publishes, in the order crates.io needs them, and the checks that
//! cargo runs on them before anything is uploaded: cargo-semver-checks and `cargo publish
//! --dry-run`.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use semver::Version;
use serde_json::Value;

use super::tree::export_tag;
use super::version::tag_of;
use crate::paths::{target_dir, workspace_root};
use crate::tools::{cargo_in, run_checked};

/// A crate the release publishes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Published {
    /// Its package name.
    pub(crate) name: String,
    /// Its version, as its manifest has it.
    pub(crate) version: String,
}

/// The workspace's publishable crates (those without `publish = false`), each after the
/// crates it depends on; among crates that are ready together, by name.
pub(crate) fn publish_order(root: &Path) -> Result<Vec<Published>> {
    let output = run_checked(
        &mut cargo_in(
            root,
            &[
                "metadata",
                "--no-deps",
                "--format-version",
                "1",
                "--offline",
            ],
        ),
        "cargo metadata",
    )?;
    let metadata: Value =
        serde_json::from_slice(&output.stdout).context("reading cargo metadata's answer")?;
    order_of(&metadata)
}

/// [`publish_order`] of a `cargo metadata --no-deps` document.
fn order_of(metadata: &Value) -> Result<Vec<Published>> {
    let packages = metadata["packages"]
        .as_array()
        .context("cargo metadata lists no packages")?;
    // `publish` is null when a crate may go to any registry, `[]` for `publish = false`.
    let publishable: Vec<&Value> = packages
        .iter()
        .filter(|package| package["publish"].as_array().is_none_or(|r| !r.is_empty()))
        .collect();
    let names: BTreeSet<&str> = publishable
        .iter()
        .filter_map(|package| package["name"].as_str())
        .collect();
    let mut order: Vec<Published> = Vec::new();
    while order.len() < publishable.len() {
        let ready = publishable
            .iter()
            .filter(|package| {
                !order
                    .iter()
                    .any(|done| package["name"] == done.name.as_str())
            })
            .filter(|package| {
                internal_dependencies(package, &names)
                    .all(|dependency| order.iter().any(|done| done.name == dependency))
            })
            .min_by_key(|package| package["name"].as_str());
        let Some(package) = ready else {
            bail!("the publishable crates depend on each other in a cycle");
        };
        order.push(Published {
            name: package["name"].as_str().unwrap_or_default().to_owned(),
            version: package["version"].as_str().unwrap_or_default().to_owned(),
        });
    }
    Ok(order)
}

/// The crates of `names` that `package` needs to build (its dev-dependencies are not
/// published with it, so they do not order anything).
fn internal_dependencies<'a>(
    package: &'a Value,
    names: &'a BTreeSet<&'a str>,
) -> impl Iterator<Item = &'a str> + 'a {
    package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|dependency| dependency["kind"].as_str() != Some("dev"))
        .filter_map(|dependency| dependency["name"].as_str())
        .filter(|name| names.contains(name))
}

/// `cargo semver-checks` of the release tree at `root` against the last release (the files
/// of its tag, exported to `target/release-check/baseline`); the outcome, or why it did not run.
pub(crate) fn semver_checks(root: &Path, last_release: Option<&Version>) -> Result<String> {
    if !crate::optional::cargo_tool_installed("semver-checks") {
        return Ok(
            "skipped: cargo-semver-checks is not installed (cargo install cargo-semver-checks --locked)"
                .to_owned(),
        );
    }
    let Some(last_release) = last_release else {
        return Ok(
            "skipped: no release tag (v*) to compare with, so this is the first release".to_owned(),
        );
    };
    let tag = tag_of(last_release);
    let baseline = target_dir().join("release-check").join("baseline");
    export_tag(&workspace_root(), &tag, &baseline)?;
    let baseline = baseline.display().to_string();
    let status = cargo_in(
        root,
        &[
            "semver-checks",
            "check-release",
            "--workspace",
            "--baseline-root",
            &baseline,
        ],
    )
    .status()
    .context("could not start cargo semver-checks")?;
    if !status.success() {
        bail!(
            "cargo semver-checks found changes against {tag} that need a greater version (see above)"
        );
    }
    Ok(format!(
        "no breaking change beyond what the version allows, against {tag}"
    ))
}

/// `cargo publish --dry-run` of the crates to publish, in one go: cargo packages each, checks
/// that it builds from its package alone, with its dependencies in the workspace standing in
/// for crates.io, and uploads nothing.
pub(crate) fn publish_dry_run(root: &Path, crates: &[Published]) -> Result<String> {
    let mut args = vec!["publish", "--dry-run", "--allow-dirty"];
    for published in crates {
        args.extend(["--package", published.name.as_str()]);
    }
    let status = cargo_in(root, &args)
        .status()
        .context("could not start cargo publish")?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(format!("{} crates package and build", crates.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_come_after_their_dependencies_and_unpublished_ones_not_at_all() {
        let metadata = serde_json::json!({"packages": [
            {"name": "flink-cli", "version": "0.1.0", "publish": null,
             "dependencies": [{"name": "flink-client", "kind": null},
                              {"name": "flink-fault-proxy", "kind": "dev"}]},
            {"name": "flink-client", "version": "0.1.0", "publish": null,
             "dependencies": [{"name": "flink-api", "kind": null}, {"name": "flink-transport", "kind": null},
                              {"name": "tokio", "kind": null}]},
            {"name": "flink-transport", "version": "0.1.0", "publish": null, "dependencies": []},
            {"name": "flink-api", "version": "0.1.0", "publish": null,
             "dependencies": [{"name": "flink-models", "kind": null}]},
            {"name": "flink-models", "version": "0.1.0", "publish": null, "dependencies": []},
            {"name": "flink-fault-proxy", "version": "0.1.0", "publish": [], "dependencies": []},
            {"name": "xtask", "version": "0.1.0", "publish": [], "dependencies": []}
        ]});
        let names: Vec<String> = order_of(&metadata)
            .unwrap()
            .into_iter()
            .map(|published| published.name)
            .collect();
        assert_eq!(
            names,
            [
                "flink-models",
                "flink-api",
                "flink-transport",
                "flink-client",
                "flink-cli"
            ]
        );
    }

    #[test]
    fn a_cycle_is_an_error() {
        let metadata = serde_json::json!({"packages": [
            {"name": "a", "version": "1.0.0", "publish": null, "dependencies": [{"name": "b", "kind": null}]},
            {"name": "b", "version": "1.0.0", "publish": null, "dependencies": [{"name": "a", "kind": "build"}]}
        ]});
        assert!(
            order_of(&metadata)
                .unwrap_err()
                .to_string()
                .contains("cycle")
        );
    }
}
