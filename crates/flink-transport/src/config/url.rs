//! Validation of the base URL.

use http::Uri;

use super::ConfigError;

/// Checks what [`TransportConfig::new`](super::TransportConfig::new) promises; `build` checks
/// again because `base_url` is a public field.
pub(crate) fn validate_base_url(uri: &Uri) -> Result<(), ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidUrl {
        url: redact_url(&uri.to_string()),
        reason,
    };
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => {
            return Err(invalid(format!(
                "the scheme `{other}` is not supported; use http:// or https://"
            )));
        }
        None => {
            return Err(invalid(
                "it has no scheme; write it in full, like http://localhost:8081".to_owned(),
            ));
        }
    }
    let Some(authority) = uri.authority() else {
        return Err(invalid(
            "it has no host; write it like http://localhost:8081".to_owned(),
        ));
    };
    if authority.as_str().contains('@') {
        return Err(invalid(
            "credentials in the URL are not supported; set TransportConfig::auth instead"
                .to_owned(),
        ));
    }
    if authority.host().is_empty() {
        return Err(invalid(
            "it has no host; write it like http://localhost:8081".to_owned(),
        ));
    }
    if uri.query().is_some() {
        return Err(invalid(
            "a base URL cannot carry a query; put query parameters on each request".to_owned(),
        ));
    }
    Ok(())
}

/// `url` with its secrets masked, for messages, `Debug` and logs: the `user:password@` part
/// and every query value (`?token=***`), whatever the URL (even one that does not parse).
pub fn redact_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    let mut redacted = match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..authority_end]),
        None => url[..authority_end].to_owned(),
    };
    let rest = &url[authority_end..];
    let (before_fragment, fragment) = rest.split_at(rest.find('#').unwrap_or(rest.len()));
    match before_fragment.split_once('?') {
        Some((path, query)) => {
            redacted.push_str(path);
            redacted.push('?');
            let masked: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) => format!("{key}=***"),
                    None => pair.to_owned(),
                })
                .collect();
            redacted.push_str(&masked.join("&"));
        }
        None => redacted.push_str(before_fragment),
    }
    redacted.push_str(fragment);
    redacted
}

#[cfg(test)]
mod tests {
    use super::super::TransportConfig;
    use super::*;

    #[test]
    fn accepts_http_and_https_with_prefix() {
        for url in [
            "http://localhost:8081",
            "https://gw.example/flink/",
            "http://127.0.0.1:1/",
        ] {
            TransportConfig::new(url).unwrap();
        }
    }

    #[test]
    fn rejects_with_a_hint() {
        for (url, hint) in [
            ("localhost:8081", "no scheme"),
            ("/jobs", "no scheme"),
            ("ftp://host/", "not supported"),
            ("http://user:pw@host/", "credentials"),
            ("http://host/?a=b", "query"),
            ("not a url", "expected something like"),
        ] {
            let error = TransportConfig::new(url).unwrap_err().to_string();
            assert!(error.contains(hint), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }

    #[test]
    fn redacts_credentials() {
        assert_eq!(redact_url("http://u:p@h:1/x?q=@"), "http://***@h:1/x?q=***");
        assert_eq!(redact_url("http://h/x@y"), "http://h/x@y");
        assert_eq!(
            redact_url("https://h/p?token=t0k3n&flag&b=2#top"),
            "https://h/p?token=***&flag&b=***#top"
        );
        assert_eq!(redact_url("alice:S3CRET@h:8081"), "***@h:8081");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
