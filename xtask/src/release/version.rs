//! Which version a release gets, and the manifest edit that gives it to every crate at once.

use anyhow::{Context, Result, bail};
use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

/// What releasing a version means for this workspace.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The workspace's version was never released (no tag `vVERSION`): release it as it is,
    /// with no bump.
    FirstOfCurrent,
    /// Bump the workspace from `from` to the released version.
    Bump {
        /// The workspace's version before the release.
        from: Version,
    },
}

/// The tag of a released version.
pub(crate) fn tag_of(version: &Version) -> String {
    format!("v{version}")
}

/// Decides what releasing `wanted` means, given the workspace's `current` version and the
/// versions already tagged: a version greater than the current one and than every tag is a
/// bump; the current version itself is a release without a bump, as long as it has no tag yet.
pub(crate) fn plan(wanted: &Version, current: &Version, tagged: &[Version]) -> Result<Plan> {
    if tagged.contains(wanted) {
        bail!(
            "{wanted} is already released (tag {}); give a greater version",
            tag_of(wanted)
        );
    }
    if let Some(latest) = tagged.iter().max().filter(|latest| *latest > wanted) {
        bail!(
            "{wanted} is older than the latest release, {latest} (tag {}); give a greater version",
            tag_of(latest)
        );
    }
    if wanted < current {
        bail!(
            "{wanted} is older than the workspace's version, {current}; give {current} (its first release) or a greater version"
        );
    }
    if wanted == current {
        return Ok(Plan::FirstOfCurrent);
    }
    Ok(Plan::Bump {
        from: current.clone(),
    })
}

/// Parses a version as semver says (`0.2.0`, `1.0.0-rc.1`); a leading `v` is a tag, not a
/// version, and is refused with a hint.
pub(crate) fn parse(text: &str) -> Result<Version> {
    if let Some(rest) = text.strip_prefix('v') {
        bail!("give the version without the tag's `v`: {rest}");
    }
    Version::parse(text).with_context(|| {
        format!("{text:?} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 0.2.0)")
    })
}

/// The root manifest's `[workspace.package]` version.
pub(crate) fn workspace_version(manifest: &str) -> Result<Version> {
    let document: DocumentMut = manifest.parse().context("reading the root Cargo.toml")?;
    let text = document["workspace"]["package"]["version"]
        .as_str()
        .context("the root Cargo.toml has no [workspace.package] version")?;
    Version::parse(text)
        .with_context(|| format!("the workspace's version {text:?} is not a semantic version"))
}

/// The root manifest with the workspace's version, and the version of every internal
/// dependency in `[workspace.dependencies]` (those with both a `path` and a `version`; a path
/// dependency without a version is not published), set to `to`. Formatting and comments are
/// kept. Also returns the names of the dependencies it changed.
pub(crate) fn bump(manifest: &str, to: &Version) -> Result<(String, Vec<String>)> {
    let mut document: DocumentMut = manifest.parse().context("reading the root Cargo.toml")?;
    let version = document["workspace"]["package"]["version"]
        .as_value_mut()
        .context("the root Cargo.toml has no [workspace.package] version")?;
    set_keeping_decor(version, to);

    let mut bumped = Vec::new();
    let dependencies = document["workspace"]["dependencies"]
        .as_table_like_mut()
        .context("the root Cargo.toml has no [workspace.dependencies]")?;
    for (name, item) in dependencies.iter_mut() {
        let Some(table) = item.as_table_like_mut() else {
            continue;
        };
        if !table.contains_key("path") {
            continue;
        }
        if let Some(Item::Value(version)) = table.get_mut("version") {
            set_keeping_decor(version, to);
            bumped.push(name.get().to_owned());
        }
    }
    Ok((document.to_string(), bumped))
}

/// Replaces a string value, keeping the spaces and comments around it.
fn set_keeping_decor(value: &mut Value, to: &Version) {
    let decor = value.decor().clone();
    *value = Value::from(to.to_string());
    *value.decor_mut() = decor;
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.1.0" # every crate's
edition = "2024"

[workspace.dependencies]
flink-models = { path = "crates/flink-models", version = "0.1.0" }
flink-api = { path = "crates/flink-api", version = "0.1.0" }
flink-fault-proxy = { path = "crates/flink-fault-proxy" }

# Not ours.
serde = { version = "1", features = ["derive"] }
toml = "1"
"#;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn bump_sets_the_workspace_and_internal_versions_and_nothing_else() {
        let (bumped, names) = bump(MANIFEST, &v("0.2.0")).unwrap();
        assert_eq!(names, ["flink-models", "flink-api"]);
        let expected = MANIFEST
            .replace(
                r#"version = "0.1.0" # every"#,
                r#"version = "0.2.0" # every"#,
            )
            .replace(
                r#"flink-models", version = "0.1.0""#,
                r#"flink-models", version = "0.2.0""#,
            )
            .replace(
                r#"flink-api", version = "0.1.0""#,
                r#"flink-api", version = "0.2.0""#,
            );
        assert_eq!(bumped, expected);
        assert_eq!(workspace_version(&bumped).unwrap(), v("0.2.0"));
    }

    #[test]
    fn the_current_version_without_a_tag_is_its_first_release() {
        assert_eq!(
            plan(&v("0.1.0"), &v("0.1.0"), &[]).unwrap(),
            Plan::FirstOfCurrent
        );
        assert_eq!(
            plan(&v("0.2.0"), &v("0.1.0"), &[v("0.1.0")]).unwrap(),
            Plan::Bump { from: v("0.1.0") }
        );
        assert_eq!(
            plan(&v("1.0.0-rc.1"), &v("0.9.0"), &[]).unwrap(),
            Plan::Bump { from: v("0.9.0") }
        );
    }

    #[test]
    fn released_and_older_versions_are_refused_saying_what_to_give() {
        let again = plan(&v("0.1.0"), &v("0.1.0"), &[v("0.1.0")]).unwrap_err();
        assert!(again.to_string().contains("already released (tag v0.1.0)"));
        let older = plan(&v("0.1.0"), &v("0.2.0"), &[]).unwrap_err();
        assert!(
            older
                .to_string()
                .contains("older than the workspace's version, 0.2.0")
        );
        let behind_tag = plan(&v("0.3.0"), &v("0.3.0"), &[v("0.4.0")]).unwrap_err();
        assert!(behind_tag.to_string().contains("latest release, 0.4.0"));
    }

    #[test]
    fn versions_are_semver_without_the_tag_prefix() {
        assert_eq!(parse("0.2.0").unwrap(), v("0.2.0"));
        assert!(parse("v0.2.0").unwrap_err().to_string().contains("without"));
        assert!(
            parse("0.2")
                .unwrap_err()
                .to_string()
                .contains("not a semantic")
        );
    }
}
