//! Validation of the base URL.

use http::Uri;

use super::ConfigError;

/// Checks what [`TransportConfig::new`](super::TransportConfig::new) promises; `build` checks
/// again because `base_url` is a public field.
pub(crate) fn validate_base_url(uri: &Uri) -> Result<(), ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidUrl {
        url: redacted(&uri.to_string()),
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

/// The URL with any `user:password@` part masked, for messages and `Debug`.
pub(crate) fn redacted(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_owned(),
    }
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
        assert_eq!(redacted("http://u:p@h:1/x?q=@"), "http://***@h:1/x?q=@");
        assert_eq!(redacted("http://h/x@y"), "http://h/x@y");
    }
}
