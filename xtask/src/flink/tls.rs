//! Test TLS material for a cluster: a CA, a server certificate for loopback, a client
//! certificate for mutual TLS, and the PKCS12 stores Flink reads.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Result;

use super::conf::STORE_PASSWORD;
use super::java::tool_for;
use crate::tools::{program, run_checked};

/// Writes `ca.pem`, `server.{pem,key,p12}`, `client.{pem,key,p12}` and `truststore.p12` to `dir`,
/// the truststore with the `keytool` of the Java that Flink `version` runs on (which reads it).
pub(crate) fn make_material(dir: &Path, version: &str) -> Result<()> {
    let openssl = Openssl {
        program: program(
            "openssl",
            "--tls needs openssl (Debian: apt-get install openssl)",
        )?,
        dir,
    };
    fs::create_dir_all(dir)?;
    openssl.run(
        "CA",
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        ],
        &[
            "-subj=/CN=flink-rs test CA",
            "-keyout=ca.key",
            "-out=ca.pem",
            "-addext=basicConstraints=critical,CA:TRUE",
            "-addext=keyUsage=critical,keyCertSign,cRLSign",
        ],
    )?;
    openssl.signed(
        "server",
        "/CN=localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )?;
    openssl.signed(
        "client",
        "/CN=flink-rs-client",
        "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n",
    )?;
    run_checked(
        Command::new(tool_for(version, "keytool")?)
            .args([
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
            ])
            .args([
                "-keystore",
                "truststore.p12",
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD,
            ])
            .current_dir(dir),
        "keytool (truststore)",
    )?;
    for leftover in [
        "server.csr",
        "client.csr",
        "server.ext",
        "client.ext",
        "ca.srl",
    ] {
        let _ = fs::remove_file(dir.join(leftover));
    }
    Ok(())
}

struct Openssl<'a> {
    program: PathBuf,
    dir: &'a Path,
}

impl Openssl<'_> {
    /// Runs openssl with fixed arguments plus `-option=value` pairs (split at the first `=`,
    /// so values may hold spaces).
    fn run(&self, what: &str, args: &[&str], options: &[&str]) -> Result<()> {
        let mut command = Command::new(&self.program);
        command.args(args).current_dir(self.dir);
        for option in options {
            let (name, value) = option.split_once('=').unwrap_or((option, ""));
            command.arg(name).arg(value);
        }
        run_checked(&mut command, &format!("openssl ({what})")).map(drop)
    }

    /// A key, a certificate signed by the CA with `extensions`, and a PKCS12 store of both.
    fn signed(&self, name: &str, subject: &str, extensions: &str) -> Result<()> {
        fs::write(self.dir.join(format!("{name}.ext")), extensions)?;
        let file = |suffix: &str| format!("{name}.{suffix}");
        self.run(
            &format!("{name} key"),
            &["req", "-newkey", "rsa:2048", "-nodes"],
            &[
                &format!("-subj={subject}"),
                &format!("-keyout={}", file("key")),
                &format!("-out={}", file("csr")),
            ],
        )?;
        self.run(
            &format!("{name} certificate"),
            &[
                "x509",
                "-req",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "3650",
            ],
            &[
                &format!("-in={}", file("csr")),
                &format!("-extfile={}", file("ext")),
                &format!("-out={}", file("pem")),
            ],
        )?;
        self.run(
            &format!("{name} keystore"),
            &["pkcs12", "-export", "-certfile", "ca.pem"],
            &[
                &format!("-name={name}"),
                &format!("-inkey={}", file("key")),
                &format!("-in={}", file("pem")),
                &format!("-passout=pass:{STORE_PASSWORD}"),
                &format!("-out={}", file("p12")),
            ],
        )
    }
}
