//! Progress on standard error: a bar while uploading, a spinner on long waits.
//!
//! Drawn only when both standard output and standard error are terminals, never with
//! `--output json|yaml` and never with `-q`, so scripts and pipes see only results.

use std::future::Future;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use flink_client::{UploadOptions, UploadProgress};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::Ctx;

/// Whether progress may be drawn for this command line.
pub(crate) fn allowed(ctx: &Ctx) -> bool {
    shown(
        ctx.printer.is_document(),
        ctx.quiet,
        std::io::stdout().is_terminal() && std::io::stderr().is_terminal(),
    )
}

/// The rule, as a pure function: no documents, no `-q`, terminals only.
fn shown(document: bool, quiet: bool, terminals: bool) -> bool {
    !document && !quiet && terminals
}

/// Upload options with a progress bar (bytes, rate, ETA) when progress is allowed, and the
/// bar to finish afterwards.
pub(crate) fn upload(ctx: &Ctx, options: UploadOptions) -> (UploadOptions, Option<ProgressBar>) {
    if !allowed(ctx) {
        return (options, None);
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "uploading {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
    ) {
        bar.set_style(style);
    }
    let handle = bar.clone();
    let progress: UploadProgress = Arc::new(move |sent, total| {
        handle.set_length(total);
        handle.set_position(sent);
    });
    (options.progress(progress), Some(bar))
}

/// Awaits `work` with a spinner saying `message` when progress is allowed.
pub(crate) async fn spin<T, F: Future<Output = T>>(ctx: &Ctx, message: &str, work: F) -> T {
    if !allowed(ctx) {
        return work.await;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(100));
    let result = work.await;
    spinner.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn progress_only_on_terminals_and_never_for_documents() {
        assert!(shown(false, false, true));
        assert!(!shown(true, false, true), "json/yaml");
        assert!(!shown(false, true, true), "-q");
        assert!(!shown(false, false, false), "piped");
    }
}
