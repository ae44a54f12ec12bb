//! `jobs flamegraph JOB VERTEX`: a vertex's sampled stacks, as its hottest frames and, with
//! `--svg`, as an interactive SVG drawn by inferno.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use flink_client::api::jobs::vertices::GetVertexFlameGraph;
use flink_client::api::{ApiError, JobId};
use flink_client::models::jobs::details::JobVertexDetails;
use flink_client::models::jobs::vertices::{
    FlameGraphNode, FlameGraphState, FlameGraphType, VertexFlameGraph,
};
use inferno::flamegraph::color::{MultiPalette, Palette};

use super::vertex::{find, wait_for};
use crate::commands::{Ctx, decode};
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// The arguments of `jobs flamegraph`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The job's id.
    job: String,
    /// A vertex id or name.
    vertex: String,
    /// Which thread states to sample.
    #[arg(long = "type", value_enum, ignore_case = true, default_value_t = GraphType::Full)]
    graph_type: GraphType,
    /// How many frames to print.
    #[arg(long, default_value_t = 20, value_name = "N")]
    top: usize,
    /// Also draw the graph as an interactive SVG into FILE (open it in a browser).
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
}

/// Which thread states a flame graph samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum GraphType {
    /// On- and off-CPU.
    Full,
    /// Running threads only.
    #[value(name = "on_cpu", alias = "on-cpu")]
    OnCpu,
    /// Waiting threads only.
    #[value(name = "off_cpu", alias = "off-cpu")]
    OffCpu,
}

impl GraphType {
    fn model(self) -> FlameGraphType {
        match self {
            Self::Full => FlameGraphType::Full,
            Self::OnCpu => FlameGraphType::OnCpu,
            Self::OffCpu => FlameGraphType::OffCpu,
        }
    }
}

/// `jobs flamegraph JOB VERTEX`: waits for the graph, draws it with `--svg`, then prints its
/// hottest frames.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job = args.job.parse::<JobId>()?;
    let (vertex, id) = find(ctx, &job, &args.vertex).await?;
    let graph_type = args.graph_type.model();
    let endpoint = GetVertexFlameGraph::new(job.clone(), id).graph_type(graph_type.clone());
    let json = wait_for(
        ctx,
        || ctx.json(endpoint.clone()),
        |json| ready(&decode(json)?, &job, &vertex),
    )
    .await?;
    let graph: VertexFlameGraph = decode(&json)?;
    if let (Some(path), Some(root)) = (&args.svg, graph.tree()) {
        let title = format!("Flame graph of {} ({})", vertex.name, graph_type.as_str());
        let subtitle = format!(
            "job {job}, vertex {}, sampled until {}",
            vertex.id,
            timestamp(graph.end_timestamp)
        );
        write_svg(path, &svg(root, title, subtitle)?)?;
    }
    ctx.printer
        .print(&mut std::io::stdout().lock(), &json, || {
            let mut rows = Rows::new(&["SELF", "SELF %", "TOTAL %", "FRAME"]);
            if let Some(root) = graph.tree() {
                for frame in hottest(root, args.top) {
                    rows.push([
                        frame.self_samples.to_string(),
                        share(frame.self_samples, root.value),
                        share(frame.total_samples, root.value),
                        frame.name,
                    ]);
                }
            }
            Ok(rows)
        })?;
    if let Some(path) = &args.svg {
        ctx.info(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// Whether the graph is there (`false` while Flink samples), or why it never will be.
fn ready(
    graph: &VertexFlameGraph,
    job: &JobId,
    vertex: &JobVertexDetails,
) -> Result<bool, Failure> {
    match graph.state() {
        FlameGraphState::Ready { .. } => Ok(true),
        FlameGraphState::Pending => Ok(false),
        FlameGraphState::Disabled => {
            let request = format!("GET /jobs/{job}/vertices/{}/flamegraph", vertex.id);
            Err(Failure::Api(ApiError::Disabled {
                request: request.clone(),
                feature: "flame graphs",
                reason: "the cluster has rest.flamegraph.enabled: false",
                hint: "set rest.flamegraph.enabled: true in the cluster's configuration",
                source: Box::new(ApiError::Flink {
                    request,
                    status: http::StatusCode::OK,
                    errors: vec!["endTimestamp -1: flame graphs are disabled".to_owned()],
                    extra: Box::default(),
                }),
            }))
        }
        FlameGraphState::Terminated => Err(Failure::Answer(format!(
            "vertex `{}` has no running subtask to sample",
            vertex.name
        ))),
        _ => Err(Failure::Answer(format!(
            "Flink answered the flame graph with endTimestamp {}",
            graph.end_timestamp
        ))),
    }
}

fn share(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "-".to_owned();
    }
    #[allow(clippy::cast_precision_loss)] // display only
    let value = part as f64 * 100.0 / whole as f64;
    format!("{value:.1}%")
}

/// Visits every frame below the root, depth first, with the frames above it (the root left
/// out) and its samples of its own (those not passed on to the frames it called).
///
/// A loop, not recursion: sampled stacks can be hundreds of frames deep.
fn walk<'a>(root: &'a FlameGraphNode, mut visit: impl FnMut(&[&'a str], &'a FlameGraphNode, i64)) {
    let mut path: Vec<&str> = Vec::new();
    let mut stack: Vec<(&FlameGraphNode, usize)> =
        root.children.iter().rev().map(|child| (child, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        path.truncate(depth);
        let child_samples: i64 = node.children.iter().map(|c| c.value).sum();
        visit(&path, node, node.value - child_samples);
        path.push(&node.name);
        stack.extend(node.children.iter().rev().map(|child| (child, depth + 1)));
    }
}

/// A frame of a flame graph with its samples summed over the tree.
#[derive(Debug, PartialEq)]
struct HotFrame {
    /// The frame, `class.method:line`.
    name: String,
    /// Samples in which it was the innermost frame.
    self_samples: i64,
    /// Samples in which it was on the stack (counted once per stack, recursion included).
    total_samples: i64,
}

/// The `top` frames with the most samples of their own, the root left out.
fn hottest(root: &FlameGraphNode, top: usize) -> Vec<HotFrame> {
    let mut frames: std::collections::HashMap<&str, (i64, i64)> = std::collections::HashMap::new();
    walk(root, |path, node, own| {
        let entry = frames.entry(node.name.as_str()).or_default();
        entry.0 += own.max(0);
        if !path.contains(&node.name.as_str()) {
            entry.1 += node.value;
        }
    });
    let mut hot: Vec<HotFrame> = frames
        .into_iter()
        .map(|(name, (self_samples, total_samples))| HotFrame {
            name: name.to_owned(),
            self_samples,
            total_samples,
        })
        .filter(|frame| frame.self_samples > 0)
        .collect();
    hot.sort_by(|a, b| {
        b.self_samples
            .cmp(&a.self_samples)
            .then_with(|| a.name.cmp(&b.name))
    });
    hot.truncate(top);
    hot
}

/// The tree as folded stacks, the input of flame graph tools: one `frame;frame;… samples` line
/// per stack that has samples of its own, outermost frame first, the root left out.
fn folded(root: &FlameGraphNode) -> Vec<String> {
    let mut lines = Vec::new();
    walk(root, |path, node, own| {
        if own > 0 {
            let mut line = String::new();
            for frame in path.iter().copied().chain([node.name.as_str()]) {
                if !line.is_empty() {
                    line.push(';');
                }
                // `;` separates frames and a line ends the stack: neither may be in a name
                // (array classes such as `[Ljava.lang.String;` have a `;`).
                line.extend(frame.chars().map(|c| {
                    if matches!(c, ';' | '\n' | '\r') {
                        ' '
                    } else {
                        c
                    }
                }));
            }
            line.push(' ');
            line.push_str(&own.to_string());
            lines.push(line);
        }
    });
    lines
}

/// The tree drawn as an interactive SVG (zoom on click, search), frames coloured as Java's.
fn svg(root: &FlameGraphNode, title: String, subtitle: String) -> Result<Vec<u8>, Failure> {
    let lines = folded(root);
    let mut options = inferno::flamegraph::Options::default();
    options.title = title;
    options.subtitle = Some(subtitle);
    "samples".clone_into(&mut options.count_name);
    options.colors = Palette::Multi(MultiPalette::Java);
    // The same frame gets the same colour in every drawing.
    options.hash = true;
    let mut svg = Vec::new();
    inferno::flamegraph::from_lines(&mut options, lines.iter().map(String::as_str), &mut svg)
        .map_err(|error| {
            Failure::Answer(format!(
                "could not draw the flame graph ({} stacks with samples): {error}",
                lines.len()
            ))
        })?;
    Ok(svg)
}

fn write_svg(path: &Path, svg: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, svg).map_err(Failure::io(format!(
        "writing the flame graph to {}",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::parse;

    #[test]
    fn graph_types_in_flinks_upper_case_too() {
        for (spelling, graph) in [
            ("FULL", GraphType::Full),
            ("ON_CPU", GraphType::OnCpu),
            ("OFF_CPU", GraphType::OffCpu),
            ("off-cpu", GraphType::OffCpu),
        ] {
            let args = parse::<Args>(&["j", "v", "--type", spelling]).unwrap();
            assert_eq!(args.graph_type, graph, "{spelling}");
        }
    }

    fn tree() -> FlameGraphNode {
        serde_json::from_str(
            r#"{"name":"root","value":10,"children":[
                {"name":"run","value":10,"children":[
                    {"name":"poll","value":6,"children":[{"name":"park","value":5}]},
                    {"name":"work","value":3,"children":[{"name":"run","value":2}]}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_hottest_frames_have_the_most_own_samples() {
        let hot = hottest(&tree(), 3);
        let names: Vec<(&str, i64, i64)> = hot
            .iter()
            .map(|f| (f.name.as_str(), f.self_samples, f.total_samples))
            .collect();
        assert_eq!(names, [("park", 5, 5), ("run", 3, 10), ("poll", 1, 6)]);
        assert_eq!(share(5, 10), "50.0%");
        assert_eq!(share(1, 0), "-");
    }

    #[test]
    fn folded_stacks_carry_each_stacks_own_samples() {
        assert_eq!(
            folded(&tree()),
            [
                "run 1",
                "run;poll 1",
                "run;poll;park 5",
                "run;work 1",
                "run;work;run 2"
            ]
        );
        let odd: FlameGraphNode = serde_json::from_str(
            r#"{"name":"root","value":2,"children":[
                {"name":"a;b","value":2,"children":[{"name":"[Ljava.lang.String;.get:1","value":2}]}]}"#,
        )
        .unwrap();
        assert_eq!(folded(&odd), ["a b;[Ljava.lang.String .get:1 2"]);
    }

    #[test]
    fn the_svg_names_every_frame() {
        let svg = svg(&tree(), "Flame graph of x".to_owned(), "job y".to_owned()).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..100]);
        for name in ["Flame graph of x", "job y", "park", "poll", "work"] {
            assert!(svg.contains(name), "{name}");
        }
    }

    #[test]
    fn a_graph_without_samples_is_not_drawn() {
        let empty: FlameGraphNode =
            serde_json::from_str(r#"{"name":"root","value":0,"children":[]}"#).unwrap();
        let error = svg(&empty, String::new(), String::new()).unwrap_err();
        assert!(error.to_string().contains("0 stacks"), "{error}");
    }
}
