//! Tests of the context commands, on files in memory.

use std::cell::RefCell;
use std::path::PathBuf;

use super::*;
use crate::cli::Format;
use crate::config::MASK;
use crate::exit::{NOT_FOUND, code};

const FILE: &str = r#"# my clusters
current-context = "local"   # the laptop

[contexts.local]
url = "http://127.0.0.1:8081"

# production, behind the gateway
[contexts.prod]
url = "https://alice:PASSWORD@flink.example/"
token = "TOKEN"
headers = { "X-Api-Key" = "KEY" }
ca = "certs/ca.pem"
client-cert = "client.pem"
client-key = "client.key"
"#;

fn config() -> ConfigPath {
    ConfigPath {
        path: PathBuf::from("/home/u/.config/flinkctl/config.toml"),
        named: false,
    }
}

/// Runs `use NAME` on `file` (`None`: no file); what it wrote, if anything.
fn use_on(file: Option<&str>, name: &str) -> (Result<(), Failure>, Option<String>) {
    let written = RefCell::new(None);
    let result = use_context(
        &config(),
        name,
        &|_| Ok(file.map(str::to_owned)),
        &|path, text| {
            assert_eq!(path, config().path);
            *written.borrow_mut() = Some(text.to_owned());
            Ok(())
        },
    );
    (result, written.into_inner())
}

#[test]
fn use_changes_only_the_current_context() {
    let (result, written) = use_on(Some(FILE), "prod");
    result.unwrap();
    let expected = FILE.replace(
        "current-context = \"local\"   # the laptop",
        "current-context = \"prod\"   # the laptop",
    );
    assert_eq!(written.as_deref(), Some(expected.as_str()));
}

#[test]
fn use_adds_a_missing_current_context_before_the_tables() {
    let file = "# mine\n[contexts.a]\nurl = \"http://a:1\"\n";
    let (result, written) = use_on(Some(file), "a");
    result.unwrap();
    let written = written.unwrap();
    assert_eq!(
        config().parse(&written).unwrap().current_context.as_deref(),
        Some("a")
    );
    assert!(written.contains("# mine"), "{written}");
    assert!(
        written.find("current-context") < written.find("[contexts.a]"),
        "{written}"
    );
}

#[test]
fn use_of_an_unknown_context_names_the_known_ones_and_writes_nothing() {
    let (result, written) = use_on(Some(FILE), "staging");
    let error = result.unwrap_err();
    assert_eq!(code(&error), NOT_FOUND);
    assert!(error.to_string().contains("known: local, prod"), "{error}");
    assert_eq!(written, None);
    let (result, written) = use_on(None, "local");
    let error = result.unwrap_err();
    assert_eq!(code(&error), NOT_FOUND);
    assert!(error.to_string().contains("known: none"), "{error}");
    assert_eq!(written, None);
}

fn listed(format: Format) -> String {
    let mut out = Vec::new();
    let printer = Printer {
        format,
        color: false,
        headers: true,
    };
    list(&config().parse(FILE).unwrap(), printer, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn list_marks_the_current_context() {
    let table = listed(Format::Table);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "CURRENT   NAME    URL");
    assert_eq!(lines[1], "*         local   http://127.0.0.1:8081");
    assert!(lines[2].starts_with("          prod    https://***@flink.example/"));
    let wide = listed(Format::Wide);
    assert!(wide.contains("token,headers   ca,mutual"), "{wide}");
}

#[test]
fn list_as_data_masks_the_secrets() {
    for format in [Format::Json, Format::Yaml, Format::Table, Format::Wide] {
        let printed = listed(format);
        for secret in ["PASSWORD", "TOKEN", "KEY\""] {
            assert!(!printed.contains(secret), "{format:?}: {printed}");
        }
    }
    let json: serde_json::Value = serde_json::from_str(&listed(Format::Json)).unwrap();
    assert_eq!(json["current-context"], "local");
    let prod = &json["contexts"]["prod"];
    assert_eq!(prod["token"], MASK);
    assert_eq!(prod["headers"]["X-Api-Key"], MASK);
    assert_eq!(prod["ca"], "certs/ca.pem");
    assert_eq!(json["contexts"]["local"].as_object().unwrap().len(), 1);
}
