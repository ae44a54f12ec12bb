//! `flinkctl completions SHELL`: a completion script for bash, zsh, fish (and more).

use std::io::Write;

use clap_complete::Shell;

use crate::exit::Failure;
use crate::output::write;

/// Writes the completion script of `shell` to `out`.
pub(crate) fn run(shell: Shell, out: &mut dyn Write) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "flinkctl", &mut script);
    write(out, &script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_name_the_commands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let mut out = Vec::new();
            run(shell, &mut out).unwrap();
            let script = String::from_utf8(out).unwrap();
            assert!(script.contains("taskmanagers"), "{shell}");
        }
    }
}
