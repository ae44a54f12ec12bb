//! The job graph of `GET /jobs/:jobid/plan` as a terminal tree, Graphviz DOT or Mermaid.

use std::collections::HashMap;
use std::fmt::Write as _;

use flink_client::models::jobs::plan::{Plan, PlanNode};

/// One vertex of the plan, ready to draw.
struct Vertex<'a> {
    node: &'a PlanNode,
    /// The operators chained into the vertex, from the HTML-ish description.
    operators: Vec<String>,
    /// The vertices this one sends to: (index in the drawing order, ship strategy).
    outputs: Vec<(usize, String)>,
}

impl Vertex<'_> {
    /// The vertex's name: its first operator, else its id.
    fn name(&self) -> &str {
        self.operators
            .first()
            .map_or(self.node.id.as_str(), String::as_str)
    }
}

/// The operators of a plan node's description (`a<br/>+- b<br/>`), HTML entities decoded.
pub(crate) fn operators(description: &str) -> Vec<String> {
    description
        .split("<br/>")
        .flat_map(|part| part.split("<br>"))
        .map(|part| {
            let part = part.trim();
            let part = part.strip_prefix("+-").unwrap_or(part).trim();
            unescape(part)
        })
        .filter(|part| !part.is_empty())
        .collect()
}

/// Decodes the few HTML entities Flink writes into descriptions.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The plan's vertices with sources first: each vertex after all its inputs (Flink sends
/// sinks first), ties kept in Flink's order; a cycle's remaining vertices come last.
fn vertices(plan: &Plan) -> Vec<Vertex<'_>> {
    let index: HashMap<&str, usize> = plan
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.id.as_str(), i))
        .collect();
    let mut pending: Vec<usize> = plan
        .nodes
        .iter()
        .map(|node| {
            node.inputs
                .iter()
                .filter(|input| index.contains_key(input.id.as_str()))
                .count()
        })
        .collect();
    let mut order = Vec::with_capacity(plan.nodes.len());
    let mut placed = vec![false; plan.nodes.len()];
    while order.len() < plan.nodes.len() {
        let next = (0..plan.nodes.len())
            .find(|&i| !placed[i] && pending[i] == 0)
            .or_else(|| (0..plan.nodes.len()).find(|&i| !placed[i]));
        let Some(next) = next else { break };
        placed[next] = true;
        order.push(next);
        for (i, node) in plan.nodes.iter().enumerate() {
            for input in &node.inputs {
                if input.id == plan.nodes[next].id && pending[i] > 0 {
                    pending[i] -= 1;
                }
            }
        }
    }
    let position: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(pos, &i)| (plan.nodes[i].id.as_str(), pos))
        .collect();
    let mut drawn: Vec<Vertex<'_>> = order
        .iter()
        .map(|&i| Vertex {
            node: &plan.nodes[i],
            operators: operators(&plan.nodes[i].description),
            outputs: Vec::new(),
        })
        .collect();
    for (target, &i) in order.iter().enumerate() {
        for input in &plan.nodes[i].inputs {
            if let Some(&source) = position.get(input.id.as_str()) {
                let strategy = input
                    .ship_strategy
                    .value()
                    .cloned()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| input.exchange.clone());
                drawn[source].outputs.push((target, strategy));
            }
        }
    }
    drawn
}

/// The plan as a tree for the terminal: sources first, each vertex with its parallelism, its
/// chained operators, and the vertices it sends to with the ship strategy.
pub(crate) fn tree(plan: &Plan) -> String {
    let vertices = vertices(plan);
    let mut text = plan.name.clone();
    if let Some(kind) = plan.job_type.as_deref().filter(|kind| !kind.is_empty()) {
        let _ = write!(text, " ({kind})");
    }
    text.push('\n');
    for (i, vertex) in vertices.iter().enumerate() {
        let _ = writeln!(
            text,
            "\n[{}] {} (parallelism {})",
            i + 1,
            vertex.name(),
            vertex.node.parallelism
        );
        for operator in vertex.operators.iter().skip(1) {
            let _ = writeln!(text, "    + {operator}");
        }
        for (n, (target, strategy)) in vertex.outputs.iter().enumerate() {
            let branch = if n + 1 == vertex.outputs.len() {
                "└─"
            } else {
                "├─"
            };
            let _ = writeln!(
                text,
                "    {branch} {strategy} ─▶ [{}] {}",
                target + 1,
                vertices[*target].name()
            );
        }
    }
    text
}

/// A DOT string literal.
fn dot_string(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The plan as a Graphviz digraph (`dot -Tsvg`).
pub(crate) fn dot(plan: &Plan) -> String {
    let vertices = vertices(plan);
    let mut text = format!("digraph {} {{\n", dot_string(&plan.name));
    text.push_str("  rankdir=TB;\n  node [shape=box, style=rounded];\n");
    for vertex in &vertices {
        let mut label = vertex.operators.join("\n+ ");
        if label.is_empty() {
            label.clone_from(&vertex.node.id);
        }
        let _ = write!(label, "\nparallelism {}", vertex.node.parallelism);
        let _ = writeln!(
            text,
            "  {} [label={}];",
            dot_string(&vertex.node.id),
            dot_string(&label).replace('\n', "\\n")
        );
    }
    for vertex in &vertices {
        for (target, strategy) in &vertex.outputs {
            let _ = writeln!(
                text,
                "  {} -> {} [label={}];",
                dot_string(&vertex.node.id),
                dot_string(&vertices[*target].node.id),
                dot_string(strategy)
            );
        }
    }
    text.push_str("}\n");
    text
}

/// Text inside a Mermaid label (quotes and pipes as entities).
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;").replace('|', "#124;")
}

/// The plan as a Mermaid flowchart (for Markdown documents).
pub(crate) fn mermaid(plan: &Plan) -> String {
    let vertices = vertices(plan);
    let mut text = String::from("flowchart TD\n");
    for (i, vertex) in vertices.iter().enumerate() {
        let mut lines: Vec<String> = vertex.operators.iter().map(|op| mermaid_text(op)).collect();
        if lines.is_empty() {
            lines.push(vertex.node.id.clone());
        }
        lines.push(format!("parallelism {}", vertex.node.parallelism));
        let _ = writeln!(text, "  v{}[\"{}\"]", i + 1, lines.join("<br/>"));
    }
    for (i, vertex) in vertices.iter().enumerate() {
        for (target, strategy) in &vertex.outputs {
            let _ = writeln!(
                text,
                "  v{} -->|{}| v{}",
                i + 1,
                mermaid_text(strategy),
                target + 1
            );
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_client::models::jobs::plan::JobPlanInfo;

    /// The plan of the test job, as Flink 2.3 sends it (sink first).
    const PLAN: &str = r#"{"plan":{"jid":"01d1e87b5c625bb87af7a9e20b6abf71","name":"flink-local-testjob","type":"STREAMING","nodes":[{"id":"5b61d6019ab04da71a4e62533c1a8c40","operator":"","parallelism":2,"operator_strategy":"","description":"count-per-key<br/>+- discard: Writer<br/>","optimizer_properties":{},"inputs":[{"id":"ca88eee0095684d687a1b6495617f957","num":0,"exchange":"pipelined_bounded","ship_strategy":"HASH"}]},{"id":"ca88eee0095684d687a1b6495617f957","operator":"","parallelism":2,"operator_strategy":"","description":"Source: numbers<br/>","optimizer_properties":{}}]}}"#;

    fn plan() -> Plan {
        serde_json::from_str::<JobPlanInfo>(PLAN)
            .unwrap()
            .plan
            .unwrap()
    }

    #[test]
    fn descriptions_become_operators() {
        assert_eq!(
            operators("count-per-key<br/>+- discard: Writer<br/>"),
            ["count-per-key", "discard: Writer"]
        );
        assert_eq!(operators("Map &amp; filter&lt;x&gt;"), ["Map & filter<x>"]);
        assert!(operators("").is_empty());
    }

    #[test]
    fn the_tree_starts_at_the_source() {
        assert_eq!(
            tree(&plan()),
            "flink-local-testjob (STREAMING)\n\
             \n\
             [1] Source: numbers (parallelism 2)\n    └─ HASH ─▶ [2] count-per-key\n\
             \n\
             [2] count-per-key (parallelism 2)\n    + discard: Writer\n"
        );
    }

    #[test]
    fn dot_is_a_digraph() {
        assert_eq!(
            dot(&plan()),
            "digraph \"flink-local-testjob\" {\n  rankdir=TB;\n  node [shape=box, style=rounded];\n  \
             \"ca88eee0095684d687a1b6495617f957\" [label=\"Source: numbers\\nparallelism 2\"];\n  \
             \"5b61d6019ab04da71a4e62533c1a8c40\" [label=\"count-per-key\\n+ discard: Writer\\nparallelism 2\"];\n  \
             \"ca88eee0095684d687a1b6495617f957\" -> \"5b61d6019ab04da71a4e62533c1a8c40\" [label=\"HASH\"];\n}\n"
        );
    }

    #[test]
    fn mermaid_is_a_flowchart() {
        assert_eq!(
            mermaid(&plan()),
            "flowchart TD\n  v1[\"Source: numbers<br/>parallelism 2\"]\n  \
             v2[\"count-per-key<br/>discard: Writer<br/>parallelism 2\"]\n  v1 -->|HASH| v2\n"
        );
    }

    #[test]
    fn fan_in_and_quotes_are_drawn() {
        let json = r#"{"jid":"j","name":"a \"b\"","nodes":[
            {"id":"c","parallelism":1,"operator":"","operator_strategy":"","description":"join","inputs":[
                {"id":"a","num":0,"exchange":"pipelined","ship_strategy":"FORWARD"},
                {"id":"b","num":1,"exchange":"pipelined"}]},
            {"id":"a","parallelism":1,"operator":"","operator_strategy":"","description":"left"},
            {"id":"b","parallelism":3,"operator":"","operator_strategy":"","description":"right"}]}"#;
        let plan: Plan = serde_json::from_str(json).unwrap();
        let text = tree(&plan);
        assert!(text.starts_with("a \"b\"\n\n[1] left"), "{text}");
        assert!(text.contains("└─ FORWARD ─▶ [3] join"), "{text}");
        assert!(
            text.contains("[2] right (parallelism 3)\n    └─ pipelined ─▶ [3] join"),
            "{text}"
        );
        assert!(dot(&plan).starts_with("digraph \"a \\\"b\\\"\" {"));
        assert!(mermaid(&plan).contains("v2 -->|pipelined| v3"));
    }
}
