//! The process's memory, from `/proc/self/status` (Linux).

/// Resident memory now, and its peak since the last [`reset_peak`], in KiB (`VmRSS`, `VmHWM`);
/// `None` where `/proc` does not have them.
pub fn resident_and_peak_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Starts a new peak: the kernel sets `VmHWM` to the resident memory now.
pub fn reset_peak() -> std::io::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
}
