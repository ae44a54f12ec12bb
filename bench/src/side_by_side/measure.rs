//! What one batch of calls cost: wall time and this process's CPU time, per call.

use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeVal;
use serde::{Deserialize, Serialize};

/// The time one operation took (averaged over a batch, for calls).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Sample {
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of this process (every thread, user and system).
    pub cpu: Duration,
}

/// CPU time this process has used so far, every thread (finished ones too), user and system.
pub fn cpu_time() -> Duration {
    getrusage(UsageWho::RUSAGE_SELF).map_or(Duration::ZERO, |usage| {
        duration(usage.user_time()) + duration(usage.system_time())
    })
}

/// The highest resident memory this process has had since it started its program, in KiB
/// (`VmHWM`; `getrusage`'s `ru_maxrss` would carry the parent's peak across `exec`).
pub fn peak_resident_kib() -> u64 {
    status_kib("VmHWM:")
}

/// Resident memory now, in KiB (`VmRSS`).
pub fn resident_kib() -> u64 {
    status_kib("VmRSS:")
}

/// A field of `/proc/self/status` (Linux) in KiB; zero where unknown.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn duration(time: TimeVal) -> Duration {
    let seconds = u64::try_from(time.tv_sec()).unwrap_or(0);
    let micros = u64::try_from(time.tv_usec()).unwrap_or(0);
    Duration::from_secs(seconds) + Duration::from_micros(micros)
}

/// Runs `operation` `count` times, one after the other; what one took on average.
pub async fn batch<F, Fut>(count: u32, mut operation: F) -> Sample
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let (started, cpu) = (Instant::now(), cpu_time());
    for _ in 0..count {
        operation().await;
    }
    Sample {
        wall: started.elapsed() / count,
        cpu: cpu_time().saturating_sub(cpu) / count,
    }
}

/// How many operations fill `span`: runs `operation` for at least a tenth of it (which also
/// warms connections and caches up) and scales.
pub async fn calibrate<F, Fut>(span: Duration, mut operation: F) -> u32
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let started = Instant::now();
    let mut done = 0_u32;
    while started.elapsed() < span / 10 {
        operation().await;
        done += 1;
    }
    let each = started.elapsed() / done;
    u32::try_from(span.as_nanos() / each.as_nanos().max(1))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// The median of `values` (the upper one of an even count); zero for none.
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_value() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(2), ms(1)]), ms(2));
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn cpu_time_grows_with_work() {
        let before = cpu_time();
        let mut sum = 0_u64;
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(30) {
            sum = sum.wrapping_add(std::hint::black_box(1));
        }
        assert!(sum > 0);
        assert!(cpu_time() > before);
        let resident = resident_kib();
        assert!(resident > 0);
        assert!(peak_resident_kib() >= resident, "the peak is read after");
    }
}
