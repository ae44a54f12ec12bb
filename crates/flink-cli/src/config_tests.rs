//! Tests of the settings' merging.

use std::collections::HashMap;

use super::*;

const FILE: &str = r#"
current-context = "local"

[contexts.local]
url = "http://127.0.0.1:8081"

[contexts.prod]
url = "https://flink.example/"
token = "s3cret"
headers = { "X-Tenant" = "blue" }
ca = "certs/ca.pem"
client-cert = "/abs/client.pem"
client-key = "client.key"

[contexts.pinned]
url = "https://flink.internal:8443"
failover-urls = ["https://flink-standby.internal:8443"]
proxy = "http://proxy.internal:3128"
pinned-certificates = ["0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9"]
"#;

fn run(
    selection: &Selection<'_>,
    vars: &[(&str, &str)],
    file: Option<&str>,
) -> Result<Settings, Failure> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    resolve(selection, &|name| vars.get(name).cloned(), &|path| {
        assert!(path.ends_with("config.toml"), "{}", path.display());
        Ok(file.map(str::to_owned))
    })
}

fn config() -> &'static Path {
    Path::new("/home/u/.config/flinkctl/config.toml")
}

#[test]
fn a_named_context_wins_over_the_environment() {
    let selection = Selection {
        context: Some("prod"),
        config: Some(config()),
        ..Selection::default()
    };
    let settings = run(
        &selection,
        &[("FLINK_REST_URL", "http://env:1")],
        Some(FILE),
    )
    .unwrap();
    assert_eq!(settings.client.url, "https://flink.example/");
    assert!(
        matches!(&settings.client.auth, Some(Auth::Bearer(token)) if token.expose() == "s3cret"),
        "{:?}",
        settings.client.auth
    );
    assert_eq!(
        settings.client.headers,
        [("X-Tenant".to_owned(), "blue".to_owned())]
    );
    assert_eq!(
        settings.client.ca.as_deref(),
        Some(Path::new("/home/u/.config/flinkctl/certs/ca.pem"))
    );
    let (cert, key) = settings.client.identity.unwrap();
    assert_eq!(cert, Path::new("/abs/client.pem"));
    assert_eq!(key, Path::new("/home/u/.config/flinkctl/client.key"));
}

#[test]
fn failover_urls_pins_and_the_proxy_come_from_the_context() {
    let selection = Selection {
        context: Some("pinned"),
        config: Some(config()),
        ..Selection::default()
    };
    let settings = run(&selection, &[], Some(FILE)).unwrap();
    assert_eq!(settings.client.pinned_certificates.len(), 1);
    assert_eq!(
        settings.client.failover_urls,
        ["https://flink-standby.internal:8443"]
    );
    assert!(
        settings.client.pinned_certificates[0]
            .to_string()
            .starts_with("0A:1B:")
    );
}

#[test]
fn the_url_flag_replaces_the_contexts_url() {
    let selection = Selection {
        url: Some("https://other:9"),
        context: Some("prod"),
        config: Some(config()),
        ..Selection::default()
    };
    let settings = run(&selection, &[], Some(FILE)).unwrap();
    assert_eq!(settings.client.url, "https://other:9");
    assert!(matches!(settings.client.auth, Some(Auth::Bearer(_))));
}

#[test]
fn the_environment_wins_over_the_current_context() {
    let vars = [
        ("FLINK_REST_URL", " https://env:8081 "),
        ("FLINK_TLS_CA", "/ca.pem"),
        ("FLINK_TLS_CLIENT_CERT", "/c.pem"),
        ("FLINK_TLS_CLIENT_KEY", "/k.pem"),
        ("FLINK_REST_CLIENT_HEADERS", "X-A: 1\n\nX-B:  two "),
        ("FLINK_TLS_INSECURE", "yes"),
    ];
    // The file is not even read: a broken one does not matter here.
    let settings = run(&Selection::default(), &vars, Some("not toml [")).unwrap();
    assert_eq!(settings.client.url, "https://env:8081");
    assert_eq!(settings.client.ca.as_deref(), Some(Path::new("/ca.pem")));
    assert!(settings.client.identity.is_some());
    assert!(settings.client.insecure);
    assert_eq!(settings.client.headers.len(), 2);
    assert_eq!(
        settings.client.headers[1],
        ("X-B".to_owned(), "two".to_owned())
    );
}

#[test]
fn without_a_url_the_current_context_is_used() {
    let settings = run(&Selection::default(), &[], Some(FILE)).unwrap();
    assert_eq!(settings.client.url, "http://127.0.0.1:8081");
    assert!(settings.source.contains("`local`"), "{}", settings.source);
}

#[test]
fn nothing_given_is_a_usage_error() {
    let error = run(&Selection::default(), &[], None).unwrap_err();
    assert!(matches!(error, Failure::Usage(_)), "{error}");
    assert!(error.to_string().contains("--url"), "{error}");
}

#[test]
fn mistakes_say_what_is_wrong() {
    let named = |name| Selection {
        context: Some(name),
        ..Selection::default()
    };
    let error = run(&named("nope"), &[], Some(FILE)).unwrap_err();
    assert!(
        error.to_string().contains("known: local, pinned, prod"),
        "{error}"
    );
    let bad_pin = "[contexts.x]\nurl = \"https://h:1\"\npinned-certificates = [\"AB:CD\"]\n";
    let error = run(&named("x"), &[], Some(bad_pin)).unwrap_err();
    assert!(error.to_string().contains("`AB:CD`"), "{error}");
    let error = run(&named("x"), &[], Some("[contexts.x]\nurl = 1\n")).unwrap_err();
    assert!(matches!(error, Failure::Config(_)), "{error}");
    let error = run(&named("x"), &[], Some("[contexts.x]\nurll = \"h\"\n")).unwrap_err();
    assert!(error.to_string().contains("urll"), "{error}");
    let half = "[contexts.x]\nurl = \"http://h:1\"\nclient-cert = \"c.pem\"\n";
    let error = run(&named("x"), &[], Some(half)).unwrap_err();
    assert!(error.to_string().contains("both"), "{error}");
    let explicit = Selection {
        config: Some(config()),
        ..Selection::default()
    };
    let error = run(&explicit, &[], None).unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    let vars = [
        ("FLINK_REST_URL", "http://h:1"),
        ("FLINK_TLS_INSECURE", "maybe"),
    ];
    let error = run(&Selection::default(), &vars, None).unwrap_err();
    assert!(error.to_string().contains("maybe"), "{error}");
}

/// The TLS flags of `--ca-file /flag/ca.pem` and `--client-key /flag/client.key`.
fn ca_and_key_flags() -> TlsFlags<'static> {
    TlsFlags {
        ca: Some(Path::new("/flag/ca.pem")),
        client_key: Some(Path::new("/flag/client.key")),
        ..TlsFlags::default()
    }
}

#[test]
fn tls_flags_win_over_the_context_one_by_one() {
    let selection = Selection {
        context: Some("prod"),
        config: Some(config()),
        tls: ca_and_key_flags(),
        ..Selection::default()
    };
    let settings = run(&selection, &[("FLINK_TLS_CA", "/env/ca.pem")], Some(FILE)).unwrap();
    assert_eq!(
        settings.client.ca.as_deref(),
        Some(Path::new("/flag/ca.pem"))
    );
    let (cert, key) = settings.client.identity.unwrap();
    assert_eq!(
        cert,
        Path::new("/abs/client.pem"),
        "the context's certificate stays"
    );
    assert_eq!(key, Path::new("/flag/client.key"));
    assert!(!settings.client.insecure);
    let insecure = Selection {
        tls: TlsFlags {
            insecure: true,
            ..TlsFlags::default()
        },
        ..selection
    };
    assert!(run(&insecure, &[], Some(FILE)).unwrap().client.insecure);
}

#[test]
fn tls_flags_win_over_the_environment_one_by_one() {
    let vars = [
        ("FLINK_REST_URL", "https://env:8081"),
        ("FLINK_TLS_CA", "/env/ca.pem"),
        ("FLINK_TLS_CLIENT_CERT", "/env/client.pem"),
        ("FLINK_TLS_CLIENT_KEY", "/env/client.key"),
    ];
    let selection = Selection {
        tls: ca_and_key_flags(),
        ..Selection::default()
    };
    let settings = run(&selection, &vars, None).unwrap();
    assert_eq!(
        settings.client.ca.as_deref(),
        Some(Path::new("/flag/ca.pem"))
    );
    let (cert, key) = settings.client.identity.unwrap();
    assert_eq!(cert, Path::new("/env/client.pem"));
    assert_eq!(key, Path::new("/flag/client.key"));
    // Without the flags, the environment's settings stand.
    let settings = run(&Selection::default(), &vars, None).unwrap();
    assert_eq!(
        settings.client.ca.as_deref(),
        Some(Path::new("/env/ca.pem"))
    );
    assert_eq!(
        settings.client.identity.unwrap().1,
        Path::new("/env/client.key")
    );
}

#[test]
fn tls_flags_complete_half_an_identity_or_say_what_is_missing() {
    // A key flag completes the environment's lone certificate.
    let vars = [
        ("FLINK_REST_URL", "https://env:8081"),
        ("FLINK_TLS_CLIENT_CERT", "/env/client.pem"),
    ];
    let selection = Selection {
        tls: ca_and_key_flags(),
        ..Selection::default()
    };
    let (cert, key) = run(&selection, &vars, None)
        .unwrap()
        .client
        .identity
        .unwrap();
    assert_eq!(
        (cert.as_path(), key.as_path()),
        (Path::new("/env/client.pem"), Path::new("/flag/client.key"))
    );
    let error = run(&Selection::default(), &vars, None).unwrap_err();
    assert!(matches!(error, Failure::Config(_)), "{error}");
    assert!(error.to_string().contains("give --client-key"), "{error}");
    // A lone flag, with nothing else to complete it.
    let cert = Some(Path::new("/flag/client.pem"));
    let key = Some(Path::new("/flag/client.key"));
    for (client_cert, client_key, hint) in [
        (cert, None, "give --client-key"),
        (None, key, "give --client-cert"),
    ] {
        let selection = Selection {
            url: Some("https://h:1"),
            tls: TlsFlags {
                client_cert,
                client_key,
                ..TlsFlags::default()
            },
            ..Selection::default()
        };
        let error = run(&selection, &[], None).unwrap_err();
        assert!(error.to_string().contains(hint), "{error}");
    }
}

#[test]
fn toml_errors_never_quote_a_token() {
    let named = Selection {
        context: Some("x"),
        ..Selection::default()
    };
    for (file, line) in [
        (
            "[contexts.x]\nurl = \"http://h:1\"\ntoken = \"TOKEN-S3CRET\n",
            3,
        ),
        ("[contexts.x]\ntoken = \"TOKEN-S3CRET\" oops\n", 2),
        ("[contexts.x]\ninsecure = \"TOKEN-S3CRET\"\n", 2),
        ("[contexts.x]\nheaders = \"Bearer TOKEN-S3CRET\"\n", 2),
    ] {
        let error = run(&named, &[], Some(file)).unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, Failure::Config(_)), "{text}");
        assert!(!text.contains("S3CRET"), "{text}");
        assert!(
            text.contains(&format!("config.toml, line {line}, column")),
            "{text}"
        );
    }
}

#[test]
fn quoted_values_are_masked() {
    assert_eq!(
        mask_quoted(r#"invalid type: string "x", expected "y""#),
        r#"invalid type: string "***", expected "***""#
    );
    assert_eq!(mask_quoted(r#"unclosed "abc"#), r#"unclosed "***"#);
    assert_eq!(mask_quoted("unknown field `urll`"), "unknown field `urll`");
}

/// Settings of `url` with `change` applied to them.
fn settings_of(url: &str, change: impl FnOnce(&mut ClientSettings)) -> Settings {
    let mut client = ClientSettings::new(url);
    change(&mut client);
    Settings {
        client,
        ..Settings::default()
    }
}

#[test]
fn settings_become_a_transport_config() {
    let settings = settings_of("https://h:1/flink/", |client| {
        client.auth = Some(Auth::bearer("s3cret"));
        client.headers = vec![("X-Tenant".to_owned(), "blue".to_owned())];
    });
    let config = settings
        .transport_config(Some(Duration::from_millis(5)))
        .unwrap();
    assert_eq!(config.attempt_timeout, Duration::from_millis(5));
    assert_eq!(config.connect_timeout, Duration::from_millis(5));
    assert_eq!(config.headers["x-tenant"], "blue");
    assert!(
        config.user_agent.starts_with("flinkctl/"),
        "{}",
        config.user_agent
    );
    assert!(matches!(config.auth, Some(Auth::Bearer(_))));
    assert!(!format!("{config:?}").contains("s3cret"));

    let missing = settings_of("https://h:1", |client| {
        client.ca = Some("/no/such/ca.pem".into());
    });
    let error = missing.transport_config(None).unwrap_err();
    assert!(error.to_string().contains("/no/such/ca.pem"), "{error}");
    let bad_header = settings_of("https://h:1", |client| {
        client.headers = vec![("X Bad".to_owned(), "1".to_owned())];
    });
    let error = bad_header.transport_config(None).unwrap_err();
    assert!(error.to_string().contains("`X Bad`"), "{error}");
    assert!(matches!(
        settings_of("not a url", |_| {}).transport_config(None),
        Err(Failure::Build(_))
    ));
}
