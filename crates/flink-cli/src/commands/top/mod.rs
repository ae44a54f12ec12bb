//! `flinkctl top JOB`: a live view of a job's vertices, refreshed until `q` or Ctrl-C.
//!
//! On a terminal it draws on the alternate screen in raw mode (both restored on exit, also on
//! errors); when standard output is not a terminal it prints one frame and exits.

mod rate;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};
use flink_client::api::jobs::GetJob;
use flink_client::api::metrics::names::{
    BACK_PRESSURED_TIME_MS_PER_SECOND, BUSY_TIME_MS_PER_SECOND, NUM_RECORDS_IN_PER_SECOND,
    NUM_RECORDS_OUT_PER_SECOND,
};
use flink_client::api::metrics::{Aggregation, MetricNames};
use flink_client::api::{Execute, JobId, JobMetricsApi, VertexId};
use flink_client::models::jobs::details::JobDetailsInfo;
use flink_client::models::metrics::AggregatedMetric;

use super::Ctx;
use crate::cli::parse_duration;
use crate::exit::Failure;
use crate::output::write;
use crate::render::top::{Frame, VertexLine, render};
use rate::CounterRate;

/// `flinkctl top` options.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl top 01d1e87b5c625bb87af7a9e20b6abf71\n",
    "  flinkctl top 01d1e87b5c625bb87af7a9e20b6abf71 --interval 5s\n",
    "  flinkctl top 01d1e87b5c625bb87af7a9e20b6abf71 | cat     # one frame\n",
    "\n",
    "IN/S and OUT/S are measured from the vertex's record counts, which Flink refreshes\n",
    "every metrics.fetcher.update-interval (10 s by default): between the last two refreshes\n",
    "at which they changed. Until then they are numRecordsInPerSecond and\n",
    "numRecordsOutPerSecond summed over the subtasks (Flink averages these over a minute, so\n",
    "they read low for a young job). BACKPRESSURE and BUSY are the highest\n",
    "backPressuredTimeMsPerSecond and busyTimeMsPerSecond of the subtasks; for its first few\n",
    "seconds Flink reports a task as busy (1000 ms/s) until its time meters have a reading.\n",
    "Flink fetches metrics only when asked and answers with its last fetch, so top asks once\n",
    "and waits a second before the first frame."
))]
pub(crate) struct Args {
    /// The job's id.
    job: String,
    /// How often the view is refreshed.
    #[arg(long, default_value = "1s", value_parser = parse_duration, value_name = "DURATION")]
    interval: Duration,
}

/// The rates of a vertex's records in and out, measured across refreshes.
#[derive(Debug, Default)]
struct VertexRates {
    records_in: CounterRate,
    records_out: CounterRate,
}

/// The rates of the job's vertices, by vertex id.
type Counts = HashMap<String, VertexRates>;

/// How long the first frame waits for the metrics fetch that asking for them started.
const FIRST_FETCH: Duration = Duration::from_secs(1);

/// Runs `top`.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job: JobId = args.job.parse()?;
    let mut counts = Counts::new();
    // Flink fetches metrics from the TaskManagers only when asked, and answers with what it
    // had before: after a quiet spell that is minutes old. Ask once (which also fails before
    // the screen is taken when the job does not exist) and give the fetch a moment.
    frame(ctx, &job, &mut counts).await?;
    tokio::time::sleep(FIRST_FETCH).await;
    let first = frame(ctx, &job, &mut counts).await?;
    if !std::io::stdout().is_terminal() {
        return write(
            &mut std::io::stdout().lock(),
            render(&first, None).as_bytes(),
        );
    }
    let screen = Screen::enter()?;
    let result = live(ctx, &job, args.interval, first, &mut counts).await;
    drop(screen);
    result
}

/// Draws frames until `q`, Esc or Ctrl-C.
async fn live(
    ctx: &Ctx,
    job: &JobId,
    interval: Duration,
    first: Frame,
    counts: &mut Counts,
) -> Result<(), Failure> {
    let (quit_tx, mut quit_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let stop = Arc::new(AtomicBool::new(false));
    let keys = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || read_keys(&stop, &quit_tx))
    };
    let result = async {
        draw(&first, interval)?;
        let mut ticks = tokio::time::interval(interval);
        ticks.tick().await;
        loop {
            tokio::select! {
                _ = quit_rx.recv() => return Ok(()),
                _ = tokio::signal::ctrl_c() => return Ok(()),
                _ = ticks.tick() => {
                    let frame = frame(ctx, job, counts).await?;
                    draw(&frame, interval)?;
                }
            }
        }
    }
    .await;
    stop.store(true, Ordering::Relaxed);
    let _ = keys.join();
    result
}

/// Reads keys until `stop`; sends on `quit` for `q`, Esc or Ctrl-C (raw mode has no SIGINT).
fn read_keys(stop: &AtomicBool, quit: &tokio::sync::mpsc::UnboundedSender<()>) {
    while !stop.load(Ordering::Relaxed) {
        match event::poll(Duration::from_millis(100)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => return,
        }
        if let Ok(Event::Key(key)) = event::read()
            && key.kind == KeyEventKind::Press
        {
            let ctrl_c =
                key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
            if ctrl_c || matches!(key.code, KeyCode::Char('q' | 'Q') | KeyCode::Esc) {
                let _ = quit.send(());
                return;
            }
        }
    }
}

/// Replaces the screen's content with a frame (raw mode: lines end with `\r\n`).
fn draw(frame: &Frame, interval: Duration) -> Result<(), Failure> {
    let text = render(frame, Some(interval)).replace('\n', "\r\n");
    let mut out = std::io::stdout().lock();
    execute!(
        out,
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All)
    )
    .map_err(Failure::io("drawing the screen"))?;
    write(&mut out, text.as_bytes())
}

/// The terminal in raw mode on the alternate screen, restored when dropped.
struct Screen;

impl Screen {
    fn enter() -> Result<Self, Failure> {
        terminal::enable_raw_mode().map_err(Failure::io("switching the terminal to raw mode"))?;
        // From here on, dropping the guard restores the terminal.
        let screen = Self;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )
        .map_err(Failure::io("entering the alternate screen"))?;
        Ok(screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        let _ = execute!(out, cursor::Show, terminal::LeaveAlternateScreen);
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Asks Flink for the job and its vertices' metrics, and makes a frame of them.
async fn frame(ctx: &Ctx, job: &JobId, counts: &mut Counts) -> Result<Frame, Failure> {
    let details = ctx
        .call(ctx.client.execute(GetJob { job: job.clone() }))
        .await?;
    let now = Instant::now();
    // Checked and joined once for every vertex of the frame.
    let names = MetricNames::new(&[
        NUM_RECORDS_IN_PER_SECOND,
        NUM_RECORDS_OUT_PER_SECOND,
        BACK_PRESSURED_TIME_MS_PER_SECOND,
        BUSY_TIME_MS_PER_SECOND,
    ])?;
    let mut metrics = Vec::with_capacity(details.vertices.len());
    for vertex in &details.vertices {
        let Ok(id) = vertex.id.parse::<VertexId>() else {
            metrics.push(Vec::new());
            continue;
        };
        // Metrics are a nice-to-have: a vertex that has none yet (or has ended) shows `-`.
        let answer = ctx
            .call(ctx.client.subtasks_metrics(
                job.clone(),
                id,
                &names,
                &[Aggregation::Sum, Aggregation::Max],
                Vec::new(),
            ))
            .await;
        metrics.push(answer.unwrap_or_default());
    }
    Ok(make_frame(&details, &metrics, now, counts))
}

/// A frame from the job's details and each vertex's aggregated metrics (same order);
/// the rates come from the record counts across frames.
fn make_frame(
    details: &JobDetailsInfo,
    metrics: &[Vec<AggregatedMetric>],
    now: Instant,
    counts: &mut Counts,
) -> Frame {
    let vertices = details
        .vertices
        .iter()
        .zip(metrics)
        .map(|(vertex, metrics)| {
            let find = |name: &str| metrics.iter().find(|m| m.id == name);
            let io = &vertex.metrics;
            let rates = counts.entry(vertex.id.clone()).or_default();
            VertexLine {
                name: vertex.name.clone(),
                status: vertex.status.to_string(),
                parallelism: vertex.parallelism,
                // Until the record counts have changed twice, Flink's per-second meters (which
                // average over a minute) stand in.
                records_in: rates
                    .records_in
                    .observe(now, io.read_records)
                    .or_else(|| find(NUM_RECORDS_IN_PER_SECOND).and_then(|m| m.sum)),
                records_out: rates
                    .records_out
                    .observe(now, io.write_records)
                    .or_else(|| find(NUM_RECORDS_OUT_PER_SECOND).and_then(|m| m.sum)),
                backpressure_ms: find(BACK_PRESSURED_TIME_MS_PER_SECOND).and_then(|m| m.max),
                busy_ms: find(BUSY_TIME_MS_PER_SECOND).and_then(|m| m.max),
            }
        })
        .collect();
    Frame {
        job_name: details.name.clone(),
        job_id: details.jid.clone(),
        state: details.state.to_string(),
        duration_ms: details.duration,
        vertices,
    }
}
