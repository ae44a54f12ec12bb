//! Where things live: the workspace, the download cache, the clusters' state.

use std::path::PathBuf;

/// The workspace root (xtask lives one level below it).
///
/// `cargo xtask` (`cargo run`) gives xtask its manifest directory at run time too; that one
/// wins over the directory compiled in, which is another checkout's when the binary was built
/// there: checkouts that share a target directory share xtask's binary.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.clone(), std::path::Path::to_path_buf)
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else `target/` of the workspace.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// Downloads and unpacked Flink distributions: `${XDG_CACHE_HOME:-~/.cache}/flink-rs`.
/// Outside `target/`, so `cargo clean` does not throw away 600 MB of downloads.
pub(crate) fn cache_dir() -> PathBuf {
    std::env::var_os("FLINK_RS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("flink-rs")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/flink-rs")))
        .unwrap_or_else(|| std::env::temp_dir().join("flink-rs-cache"))
}

/// Per-cluster runtime directories: `${TMPDIR:-/tmp}/flink-rs/PORT`.
pub(crate) fn state_dir() -> PathBuf {
    std::env::var_os("FLINK_RS_STATE")
        .map_or_else(|| std::env::temp_dir().join("flink-rs"), PathBuf::from)
}
