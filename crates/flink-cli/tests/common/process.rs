//! A flinkctl process watched from outside: how it ended (exit code or signal), what it
//! printed, how long it took and how much memory it held; stopped when it runs too long, grows
//! too large or has printed enough.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How much of the standard output is kept (all of it is counted): more than the largest
/// document a test reads back whole (JSON nested 1,024 levels, pretty-printed: 2 MiB).
const KEPT_OUTPUT: usize = 8 << 20;

/// How often the process is looked at: often enough to see a buffered endless answer grow.
const SAMPLE_EVERY: Duration = Duration::from_millis(20);

/// When the watcher stops a process that is still running.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    time: Duration,
    rss_mib: u64,
    stdout_bytes: usize,
}

impl Limits {
    /// Stops it once it has run `time` or holds more than `rss_mib` MiB.
    pub(crate) fn new(time: Duration, rss_mib: u64) -> Self {
        Self {
            time,
            rss_mib,
            stdout_bytes: usize::MAX,
        }
    }

    /// Also stops it once it has written `bytes` to standard output: enough of an endless
    /// answer to show that it streams.
    pub(crate) fn printed(self, bytes: usize) -> Self {
        Self {
            stdout_bytes: bytes,
            ..self
        }
    }
}

/// What the process did.
#[derive(Debug)]
pub(crate) struct Watched {
    /// How it ended, unless it was stopped.
    pub(crate) status: Option<ExitStatus>,
    /// Why it was stopped, if it was.
    pub(crate) stopped: Option<String>,
    /// The start of its standard output.
    pub(crate) stdout: String,
    /// How many bytes it wrote to standard output.
    pub(crate) stdout_bytes: usize,
    /// Its standard error.
    pub(crate) stderr: String,
    /// How long it ran.
    pub(crate) took: Duration,
    /// The largest resident set seen, in MiB.
    pub(crate) peak_rss_mib: u64,
}

impl Watched {
    /// Its exit code, when it exited by itself (`None` when a signal ended it, or the
    /// watcher).
    pub(crate) fn code(&self) -> Option<i32> {
        self.status.and_then(|status| status.code())
    }

    /// How it went, for assertion messages.
    pub(crate) fn describe(&self) -> String {
        let end = match (&self.stopped, self.status) {
            (Some(why), _) => format!("stopped: {why}"),
            (None, Some(status)) => status.to_string(),
            (None, None) => "unknown".to_owned(),
        };
        format!(
            "flinkctl {end} after {:.1}s, peak RSS {} MiB, {} bytes of output; stderr: {}",
            self.took.as_secs_f64(),
            self.peak_rss_mib,
            self.stdout_bytes,
            self.stderr.trim()
        )
    }
}

/// Runs `command` with its output read in the background, and kills it once it passes one of
/// `limits`.
pub(crate) fn watch(mut command: Command, limits: Limits) -> Watched {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flinkctl runs");
    let printed = Arc::new(AtomicUsize::new(0));
    let stdout = read_in_background(child.stdout.take().expect("piped"), Arc::clone(&printed));
    let stderr = read_in_background(child.stderr.take().expect("piped"), Arc::default());
    let mut peak_rss_mib = 0;
    let mut stopped = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the process's state") {
            break Some(status);
        }
        peak_rss_mib = peak_rss_mib.max(rss_mib(&child).unwrap_or(0));
        if peak_rss_mib > limits.rss_mib {
            stopped = Some(format!("its RSS passed {} MiB", limits.rss_mib));
        } else if printed.load(Ordering::Relaxed) >= limits.stdout_bytes {
            stopped = Some(format!("it printed {} bytes", limits.stdout_bytes));
        } else if started.elapsed() > limits.time {
            stopped = Some(format!("still running after {:?}", limits.time));
        }
        if stopped.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(SAMPLE_EVERY);
    };
    let took = started.elapsed();
    let (stdout, stdout_bytes) = stdout.join().expect("the output was read");
    let (stderr, _) = stderr.join().expect("the errors were read");
    Watched {
        status,
        stopped,
        stdout,
        stdout_bytes,
        stderr,
        took,
        peak_rss_mib,
    }
}

/// Reads `pipe` to its end on a thread, counting the bytes read so far in `counter`; returns the first [`KEPT_OUTPUT`] bytes, lossily as text, and how many bytes there were.
fn read_in_background(
    mut pipe: impl Read + Send + 'static,
    counter: Arc<AtomicUsize>,
) -> JoinHandle<(String, usize)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0;
        let mut buffer = vec![0; 64 * 1024];
        while let Ok(read) = pipe.read(&mut buffer) {
            if read == 0 {
                break;
            }
            total += read;
            counter.store(total, Ordering::Relaxed);
            let room = KEPT_OUTPUT.saturating_sub(kept.len()).min(read);
            kept.extend_from_slice(&buffer[..room]);
        }
        (String::from_utf8_lossy(&kept).into_owned(), total)
    })
}

/// The resident set of `child` in MiB, from `/proc/PID/status`.
fn rss_mib(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
