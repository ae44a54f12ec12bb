//! [`Route`]: which requests a rule applies to, or a count is about.

use std::fmt;
use std::sync::Arc;

use http::Method;

/// A method (or any) and a path pattern. Paths are compared without their query.
#[derive(Clone, Debug)]
pub struct Route {
    method: Option<Method>,
    path: PathPattern,
}

/// How a route matches a path.
#[derive(Clone)]
enum PathPattern {
    Any,
    Exact(String),
    Prefix(String),
    Matching(Arc<dyn Fn(&str) -> bool + Send + Sync>),
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any path"),
            Self::Exact(path) => write!(f, "{path}"),
            Self::Prefix(prefix) => write!(f, "{prefix}*"),
            Self::Matching(_) => f.write_str("a path matching a predicate"),
        }
    }
}

impl Route {
    /// Every request.
    pub fn any() -> Self {
        Self {
            method: None,
            path: PathPattern::Any,
        }
    }

    /// Requests with `method` for exactly `path`.
    pub fn exact(method: Method, path: impl Into<String>) -> Self {
        Self {
            method: Some(method),
            path: PathPattern::Exact(path.into()),
        }
    }

    /// Requests with `method` for a path that starts with `prefix`.
    pub fn prefix(method: Method, prefix: impl Into<String>) -> Self {
        Self {
            method: Some(method),
            path: PathPattern::Prefix(prefix.into()),
        }
    }

    /// Requests with `method` for a path that `predicate` accepts.
    pub fn matching(
        method: Method,
        predicate: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            method: Some(method),
            path: PathPattern::Matching(Arc::new(predicate)),
        }
    }

    /// Whether a request with `method` for `path` (without its query) is on this route.
    pub fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|wanted| wanted == method)
            && match &self.path {
                PathPattern::Any => true,
                PathPattern::Exact(exact) => path == exact,
                PathPattern::Prefix(prefix) => path.starts_with(prefix.as_str()),
                PathPattern::Matching(predicate) => predicate(path),
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_by_method_and_path() {
        assert!(Route::any().matches(&Method::DELETE, "/anything"));
        let exact = Route::exact(Method::GET, "/overview");
        assert!(exact.matches(&Method::GET, "/overview"));
        assert!(!exact.matches(&Method::GET, "/overview/x"));
        assert!(!exact.matches(&Method::POST, "/overview"));
        let prefix = Route::prefix(Method::POST, "/jars/");
        assert!(prefix.matches(&Method::POST, "/jars/abc.jar/run"));
        assert!(!prefix.matches(&Method::POST, "/jobs"));
        let run = Route::matching(Method::POST, |path| path.ends_with("/run"));
        assert!(run.matches(&Method::POST, "/jars/abc.jar/run"));
        assert!(!run.matches(&Method::POST, "/jars/abc.jar/plan"));
        assert_eq!(
            format!("{prefix:?}"),
            "Route { method: Some(POST), path: /jars/* }"
        );
    }
}
