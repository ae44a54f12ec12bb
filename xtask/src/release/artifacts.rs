//! What a release ships with flinkctl besides the crates: its man pages and its shell
//! completions, made by this workspace's flinkctl.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::man;
use crate::tools::run_checked;

/// The completion scripts: the shell as flinkctl names it, and the file name the shell looks
/// for.
const COMPLETIONS: [(&str, &str); 3] = [
    ("bash", "flinkctl.bash"),
    ("zsh", "_flinkctl"),
    ("fish", "flinkctl.fish"),
];

/// Replaces `out` with `man/` (the man pages) and `completions/` (one script per shell) of
/// flinkctl; the files written.
pub(crate) fn build(out: &Path) -> Result<Vec<PathBuf>> {
    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("removing {}", out.display()))?;
    }
    let mut written = man::pages(&out.join("man"))?;
    let completions = out.join("completions");
    fs::create_dir_all(&completions)?;
    for (shell, file_name) in COMPLETIONS {
        let mut command = man::flinkctl();
        command.args(["completions", shell]);
        let output = run_checked(&mut command, &format!("flinkctl completions {shell}"))?;
        let path = completions.join(file_name);
        fs::write(&path, &output.stdout).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
