//! The link check of the Markdown files: every relative link names a file of the repository,
//! every `#anchor` a heading of its Markdown file (with GitHub's slugs), every reference link a
//! defined reference; external links are checked for their syntax only, since the check runs
//! offline.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// A link that leads nowhere.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BrokenLink {
    /// The Markdown file, relative to the repository root.
    pub(crate) file: PathBuf,
    /// The link's line in it (from 1).
    pub(crate) line: usize,
    /// The link's destination as written (`[name]` for an undefined reference).
    pub(crate) target: String,
    /// What is wrong with it.
    pub(crate) problem: String,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.target,
            self.problem
        )
    }
}

/// What the check found.
pub(crate) struct Report {
    /// How many links it checked.
    pub(crate) links: usize,
    /// Those that lead nowhere.
    pub(crate) broken: Vec<BrokenLink>,
}

/// Checks the links of the Markdown `files` (relative to `root`).
pub(crate) fn check(root: &Path, files: &[PathBuf]) -> Result<Report> {
    let mut checker = Checker {
        root,
        anchors: HashMap::new(),
    };
    let mut report = Report {
        links: 0,
        broken: Vec::new(),
    };
    for file in files {
        let document = checker.parse(file)?;
        report.links += document.links.len();
        for link in document.links {
            let problem = match link.destination {
                Destination::Url(target) => checker.problem(file, &target)?.map(|p| (target, p)),
                Destination::Undefined(name) => Some((
                    format!("[{name}]"),
                    "no such reference is defined in this file".to_owned(),
                )),
            };
            if let Some((target, problem)) = problem {
                report.broken.push(BrokenLink {
                    file: file.clone(),
                    line: link.line,
                    target,
                    problem,
                });
            }
        }
    }
    Ok(report)
}

/// The anchors of the Markdown files read so far, by path relative to the root.
struct Checker<'a> {
    root: &'a Path,
    anchors: HashMap<PathBuf, HashSet<String>>,
}

impl Checker<'_> {
    /// Reads and parses `file`, keeping its anchors for the links to it.
    fn parse(&mut self, file: &Path) -> Result<Document> {
        let path = self.root.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let document = Document::parse(&text);
        self.anchors
            .insert(file.to_path_buf(), document.anchors.clone());
        Ok(document)
    }

    /// The anchors of the Markdown `file`, read once.
    fn anchors_of(&mut self, file: &Path) -> Result<&HashSet<String>> {
        if !self.anchors.contains_key(file) {
            self.parse(file)?;
        }
        Ok(&self.anchors[file])
    }

    /// What is wrong with the link to `target` from `file`, if anything.
    fn problem(&mut self, file: &Path, target: &str) -> Result<Option<String>> {
        if let Some(scheme) = scheme(target) {
            return Ok(match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" => url_problem(target, scheme),
                "mailto" => None,
                _ => Some(format!(
                    "`{scheme}:` links are not checked: use http(s) or a relative link"
                )),
            });
        }
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        // GitHub's `?plain=1` and the like do not change the file.
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        let resolved = if path.is_empty() {
            Some(file.to_path_buf())
        } else if let Some(from_root) = path.strip_prefix('/') {
            within_root(Path::new(from_root))
        } else {
            within_root(&file.parent().unwrap_or(Path::new("")).join(path))
        };
        let Some(resolved) = resolved else {
            return Ok(Some(
                "leads out of the repository, where readers of it cannot follow".to_owned(),
            ));
        };
        let full = self.root.join(&resolved);
        if !full.exists() {
            return Ok(Some(format!("no such file: {}", resolved.display())));
        }
        let checks_anchor = !anchor.is_empty() && full.is_file() && is_markdown(&resolved);
        if checks_anchor && !self.anchors_of(&resolved)?.contains(anchor) {
            return Ok(Some(format!(
                "no heading of {} has the anchor #{anchor}",
                resolved.display()
            )));
        }
        Ok(None)
    }
}

/// A Markdown file's heading anchors and links.
struct Document {
    /// The anchors GitHub gives its headings.
    anchors: HashSet<String>,
    /// Its links and images.
    links: Vec<Link>,
}

/// One link of a Markdown file.
struct Link {
    /// Its line (from 1).
    line: usize,
    destination: Destination,
}

/// Where a link points.
enum Destination {
    /// A URL or path, as written.
    Url(String),
    /// `[text][name]` or `[name][]` with no `[name]: …` definition.
    Undefined(String),
}

impl Document {
    fn parse(text: &str) -> Self {
        let mut undefined = Vec::new();
        let mut links = Vec::new();
        let mut anchors = HashSet::new();
        let mut slugs = Slugs::default();
        // The text of the heading being read.
        let mut heading: Option<String> = None;
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS;
        // `[text]` alone is often just text in brackets; only the explicit reference forms
        // are links whose definition is missing.
        let on_unresolved = |broken: pulldown_cmark::BrokenLink<'_>| {
            if matches!(broken.link_type, LinkType::Reference | LinkType::Collapsed) {
                undefined.push((broken.span.start, broken.reference.to_string()));
            }
            None
        };
        let parser = Parser::new_with_broken_link_callback(text, options, Some(on_unresolved));
        for (event, range) in parser.into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(title) = heading.take() {
                        anchors.insert(slugs.next(&title));
                    }
                }
                Event::Text(part) | Event::Code(part) => {
                    if let Some(title) = &mut heading {
                        title.push_str(&part);
                    }
                }
                Event::Start(
                    Tag::Link {
                        link_type,
                        dest_url,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        ..
                    },
                ) if link_type != LinkType::Email => links.push(Link {
                    line: line_of(text, range.start),
                    destination: Destination::Url(dest_url.into_string()),
                }),
                _ => {}
            }
        }
        links.extend(undefined.into_iter().map(|(offset, name)| Link {
            line: line_of(text, offset),
            destination: Destination::Undefined(name),
        }));
        Self { anchors, links }
    }
}

/// GitHub's anchors of a file's headings, in order: the slug of the heading's text, with
/// `-1`, `-2`, … added to repeats (as github-slugger makes them).
#[derive(Default)]
struct Slugs {
    /// How often each slug was given so far.
    seen: HashMap<String, usize>,
}

impl Slugs {
    /// The anchor of the next heading, whose text is `title`.
    fn next(&mut self, title: &str) -> String {
        let base = slug(title);
        let mut anchor = base.clone();
        while self.seen.contains_key(&anchor) {
            let count = self.seen.get(&base).map_or(1, |count| count + 1);
            self.seen.insert(base.clone(), count);
            anchor = format!("{base}-{count}");
        }
        self.seen.insert(anchor.clone(), 0);
        anchor
    }
}

/// GitHub's slug of a heading: lower case, letters, digits, `-` and `_` kept, each space a
/// `-`, everything else dropped.
fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The line (from 1) of the byte at `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// The URL scheme of `target` (`https` of `https://…`), if it has one.
fn scheme(target: &str) -> Option<&str> {
    let (scheme, _) = target.split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_allowed = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && rest_allowed).then_some(scheme)
}

/// What is wrong with the http(s) URL `url` (whose scheme is `scheme`), if anything.
fn url_problem(url: &str, scheme: &str) -> Option<String> {
    let Some(rest) = url[scheme.len()..].strip_prefix("://") else {
        return Some("an http(s) URL needs `://` after its scheme".to_owned());
    };
    if url.chars().any(char::is_whitespace) {
        return Some("a URL cannot hold spaces (write %20)".to_owned());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    // `[::1]:8081`: the port follows the last `:`, unless that is inside an IPv6 address.
    let (host, port) = match host_and_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (host_and_port, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '[' | ']' | ':'));
    if !host_ok {
        return Some(format!("`{host}` is not a host name"));
    }
    if let Some(port) = port.filter(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return Some(format!("`{port}` is not a port"));
    }
    None
}

/// `path` (relative to the root) with `.` and `..` resolved; `None` if it leads out of the root.
fn within_root(path: &Path) -> Option<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => resolved.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !resolved.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(resolved)
}

/// Whether `path` is a Markdown file, whose anchors are its headings.
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository of `files` (path, text) in a fresh directory under the target dir.
    fn repository(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = crate::paths::target_dir().join("xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    fn broken(root: &Path, files: &[&str]) -> Vec<String> {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        check(root, &files)
            .unwrap()
            .broken
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn good_links_pass() {
        let root = repository(
            "good",
            &[
                (
                    "README.md",
                    "# flink-rs\n\n## Reaching a cluster: TLS & `mTLS`\n\n\
                     See [the guide](docs/guide/README.md#testing-your-code), \
                     [TLS](#reaching-a-cluster-tls--mtls), [the crates](crates), \
                     [Flink](https://flink.apache.org/) and [ref][site].\n\n\
                     [site]: http://127.0.0.1:8081/#/overview\n",
                ),
                (
                    "docs/guide/README.md",
                    "# Guide\n\n## Testing your code\n\n## Testing your code\n\n\
                     [up](../../README.md#flink-rs), [second](#testing-your-code-1), \
                     [top](#), [mail](mailto:dev@example.org)\n\n```md\n[not a link](nowhere.md)\n```\n",
                ),
                ("crates/README.md", "crates\n"),
            ],
        );
        assert_eq!(
            broken(&root, &["README.md", "docs/guide/README.md"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn broken_links_are_found_with_their_line() {
        let root = repository(
            "broken",
            &[
                (
                    "README.md",
                    "# Title\n\n[guide](docs/guide.md)\n\n[anchor](docs/real.md#no-such-heading)\n\
                     [here](#titel) [out](../elsewhere.md) [url](<https://exa mple.org>) \
                     [other](ftp://example.org) [port](http://localhost:80a/)\n\n[missing][nowhere]\n",
                ),
                ("docs/real.md", "# Real heading\n"),
            ],
        );
        assert_eq!(
            broken(&root, &["README.md"]),
            [
                "README.md:3: docs/guide.md: no such file: docs/guide.md",
                "README.md:5: docs/real.md#no-such-heading: no heading of docs/real.md has the anchor #no-such-heading",
                "README.md:6: #titel: no heading of README.md has the anchor #titel",
                "README.md:6: ../elsewhere.md: leads out of the repository, where readers of it cannot follow",
                "README.md:6: https://exa mple.org: a URL cannot hold spaces (write %20)",
                "README.md:6: ftp://example.org: `ftp:` links are not checked: use http(s) or a relative link",
                "README.md:6: http://localhost:80a/: `80a` is not a port",
                "README.md:8: [nowhere]: no such reference is defined in this file",
            ]
        );
    }

    #[test]
    fn slugs_follow_github() {
        let mut slugs = Slugs::default();
        assert_eq!(
            slugs.next("Reaching a production cluster"),
            "reaching-a-production-cluster"
        );
        assert_eq!(slugs.next("`FlinkClient::from_env`"), "flinkclientfrom_env");
        assert_eq!(slugs.next("Waits, deadlines & ids"), "waits-deadlines--ids");
        assert_eq!(slugs.next("Exit codes (0–6)"), "exit-codes-06");
        assert_eq!(slugs.next("Exit codes (0–6)"), "exit-codes-06-1");
        assert_eq!(slugs.next("Über flink-rs"), "über-flink-rs");
        // A heading whose own slug is that of a repeat is counted past.
        assert_eq!(slugs.next("Step"), "step");
        assert_eq!(slugs.next("Step-1"), "step-1");
        assert_eq!(slugs.next("Step"), "step-2");
    }
}
