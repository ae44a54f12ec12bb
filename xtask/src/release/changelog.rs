//! CHANGELOG.md's `Unreleased` section rolled into a dated release, with the compare links of
//! Keep a Changelog at the bottom.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Result, bail};
use semver::Version;

use super::version::tag_of;

/// The heading of the section that collects the next release's changes.
const UNRELEASED: &str = "## [Unreleased]";

/// `changelog` with its `Unreleased` section (`## [Unreleased]` or `## Unreleased`) renamed
/// `## [VERSION] - DATE` under a fresh, empty `Unreleased`, and the links at the bottom: the
/// unreleased changes compared with the new tag, the new version compared with the previous
/// one (the next `## [X]` heading), or its tag's page when it is the first release.
pub(crate) fn roll(
    changelog: &str,
    version: &Version,
    date: &str,
    repository: &str,
) -> Result<String> {
    let lines: Vec<&str> = changelog.lines().collect();
    let Some(start) = lines.iter().position(|line| is_unreleased_heading(line)) else {
        bail!("CHANGELOG.md has no `{UNRELEASED}` section to release; add one with the changes");
    };
    let section_end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## "))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let has_entries = lines[start + 1..section_end]
        .iter()
        .any(|line| !line.trim().is_empty() && !line.starts_with('#'));
    if !has_entries {
        bail!("CHANGELOG.md's Unreleased section is empty: there is nothing to release");
    }
    let previous = lines[section_end..]
        .iter()
        .find_map(|line| released_version(line));
    if let Some(previous) = &previous
        && previous >= version
    {
        bail!(
            "CHANGELOG.md already has a section for {previous}, which is not older than {version}"
        );
    }

    let repository = repository.trim_end_matches('/').trim_end_matches(".git");
    let tag = tag_of(version);
    let unreleased_link = format!("[Unreleased]: {repository}/compare/{tag}...HEAD");
    let version_link = match &previous {
        Some(previous) => format!(
            "[{version}]: {repository}/compare/{}...{tag}",
            tag_of(previous)
        ),
        None => format!("[{version}]: {repository}/releases/tag/{tag}"),
    };

    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 6);
    let mut linked = false;
    for (index, line) in lines.iter().enumerate() {
        if index == start {
            out.extend([
                UNRELEASED.to_owned(),
                String::new(),
                format!("## [{version}] - {date}"),
            ]);
        } else if line.starts_with("[Unreleased]:") {
            out.extend([unreleased_link.clone(), version_link.clone()]);
            linked = true;
        } else {
            out.push((*line).to_owned());
        }
    }
    if !linked {
        while out.last().is_some_and(|line| line.trim().is_empty()) {
            out.pop();
        }
        out.extend([String::new(), unreleased_link, version_link]);
    }
    Ok(out.join("\n") + "\n")
}

/// Whether `line` heads the Unreleased section, in either spelling.
fn is_unreleased_heading(line: &str) -> bool {
    let line = line.trim_end();
    line == UNRELEASED || line == "## Unreleased"
}

/// The version of a release heading, `## [0.1.0] - 2026-01-31`.
fn released_version(line: &str) -> Option<Version> {
    let rest = line.strip_prefix("## [")?;
    let (version, _) = rest.split_once(']')?;
    Version::parse(version).ok()
}

/// Today's date in UTC, `YYYY-MM-DD`, as a changelog dates its releases.
pub(crate) fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    date_of_day(i64::try_from(seconds / 86_400).unwrap_or(0))
}

/// The calendar date of a day counted from 1970-01-01 (the proleptic Gregorian calendar, as
/// in Howard Hinnant's `civil_from_days`).
fn date_of_day(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO: &str = "https://github.com/flink-rs/flink-rs";

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn the_first_release_links_to_its_tag() {
        let changelog = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- Everything.\n";
        let rolled = roll(changelog, &v("0.1.0"), "2026-12-07", REPO).unwrap();
        assert_eq!(
            rolled,
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-07\n\n### Added\n\n- Everything.\n\n\
             [Unreleased]: https://github.com/flink-rs/flink-rs/compare/v0.1.0...HEAD\n\
             [0.1.0]: https://github.com/flink-rs/flink-rs/releases/tag/v0.1.0\n"
        );
    }

    #[test]
    fn a_later_release_compares_with_the_previous_one() {
        let changelog = "# Changelog\n\n## Unreleased\n\n- New.\n\n## [0.1.0] - 2026-12-07\n\n- Old.\n\n\
             [Unreleased]: https://github.com/flink-rs/flink-rs/compare/v0.1.0...HEAD\n\
             [0.1.0]: https://github.com/flink-rs/flink-rs/releases/tag/v0.1.0\n";
        let rolled = roll(changelog, &v("0.2.0"), "2027-01-02", &format!("{REPO}.git")).unwrap();
        assert_eq!(
            rolled,
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2027-01-02\n\n- New.\n\n## [0.1.0] - 2026-12-07\n\n- Old.\n\n\
             [Unreleased]: https://github.com/flink-rs/flink-rs/compare/v0.2.0...HEAD\n\
             [0.2.0]: https://github.com/flink-rs/flink-rs/compare/v0.1.0...v0.2.0\n\
             [0.1.0]: https://github.com/flink-rs/flink-rs/releases/tag/v0.1.0\n"
        );
    }

    #[test]
    fn nothing_to_release_is_an_error() {
        let empty =
            "# Changelog\n\n## [Unreleased]\n\n### Added\n\n## [0.1.0] - 2026-12-07\n\n- Old.\n";
        let error = roll(empty, &v("0.2.0"), "2027-01-02", REPO).unwrap_err();
        assert!(error.to_string().contains("empty"), "{error}");
        let missing = roll("# Changelog\n", &v("0.2.0"), "2027-01-02", REPO).unwrap_err();
        assert!(
            missing.to_string().contains("no `## [Unreleased]`"),
            "{missing}"
        );
        let same = "## [Unreleased]\n\n- New.\n\n## [0.2.0] - 2026-12-07\n";
        let error = roll(same, &v("0.2.0"), "2027-01-02", REPO).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("already has a section for 0.2.0"),
            "{error}"
        );
    }

    #[test]
    fn dates_are_the_gregorian_calendar_in_utc() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(20_453), "2025-12-31");
        assert_eq!(today().len(), 10);
    }
}
