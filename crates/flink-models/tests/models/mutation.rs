//! Random changes to a recorded answer that its model must keep: other values of the same JSON
//! type, members left out, `null` where Flink sends `null`, and members no model knows.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Number, Value};

use crate::registry::RoundTrip;

/// The strings Flink writes for doubles that are not finite numbers (lenient fields read them).
const NON_FINITE: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

/// One change to an answer. Each `Index` picks among the places the change applies to, so the
/// same change shrinks well whatever the answer looks like.
#[derive(Clone, Debug)]
pub(crate) enum Mutation {
    /// Gives a string, number or boolean another value of the same type.
    Replace { at: Index, with: Replacement },
    /// Leaves out a member of an object, where the model takes the answer without it and does
    /// not write it back as an empty default (a list that defaults to empty is always written).
    Drop { at: Index },
    /// Sets a member to `null`, where Flink sends `null` in some answer of the same model.
    Null { at: Index },
    /// Adds a member no model knows to a non-empty object, with a copy of a sibling's value
    /// (so that it also fits maps keyed by name, whose values all have one type).
    Unknown {
        at: Index,
        sibling: Index,
        suffix: String,
    },
}

/// The value a replaced leaf takes, whichever JSON type it has.
#[derive(Clone, Debug)]
pub(crate) struct Replacement {
    text: String,
    integer: u64,
    float: f64,
    flag: bool,
}

/// A few changes to one answer.
pub(crate) fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..=4)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), replacement()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        2 => any::<Index>().prop_map(|at| Mutation::Drop { at }),
        2 => any::<Index>().prop_map(|at| Mutation::Null { at }),
        2 => (any::<Index>(), any::<Index>(), "[a-z0-9]{1,8}")
            .prop_map(|(at, sibling, suffix)| Mutation::Unknown { at, sibling, suffix }),
    ]
}

fn replacement() -> impl Strategy<Value = Replacement> {
    (
        // Any characters: quotes, backslashes, control characters and non-ASCII included.
        "(?s).{0,12}",
        any::<u64>(),
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        any::<bool>(),
    )
        .prop_map(|(text, integer, float, flag)| Replacement {
            text,
            integer,
            float,
            flag,
        })
}

impl Replacement {
    /// The new value of `leaf`: of its JSON type, and within what its field can hold.
    fn of(&self, leaf: &Value) -> Value {
        match leaf {
            Value::String(text) if NON_FINITE.contains(&text.as_str()) => {
                Value::from(NON_FINITE[usize::try_from(self.integer % 3).unwrap()])
            }
            Value::String(_) => Value::from(self.text.clone()),
            Value::Number(number) if number.is_f64() => Value::from(self.float),
            Value::Number(number) => Value::Number(self.integer_like(number)),
            Value::Bool(_) => Value::Bool(self.flag),
            other => other.clone(),
        }
    }

    /// An integer of the same sign, no wider than `i32` unless the original is: the field may
    /// be an `i32`, an `i64` or a `u64`.
    fn integer_like(&self, original: &Number) -> Number {
        let Some(original) = original.as_i64() else {
            return Number::from(self.integer);
        };
        let widest = if i32::try_from(original).is_ok() {
            u64::from(i32::MAX.unsigned_abs())
        } else {
            i64::MAX.unsigned_abs()
        };
        let magnitude = i64::try_from(self.integer % (widest + 1)).unwrap();
        Number::from(if original < 0 { -magnitude } else { magnitude })
    }
}

/// What the changes may rely on for one model.
pub(crate) struct Target<'a> {
    /// The schema paths (see [`Node::schema`]) of members that are `null` in some fixture of
    /// the model.
    pub(crate) nullable: &'a BTreeSet<String>,
    /// The model.
    pub(crate) round_trip: RoundTrip,
}

impl Target<'_> {
    /// Whether the model takes `document` and encodes it without the member at `pointer` again.
    /// A member it puts back as an empty default (a list that defaults to empty) is one the
    /// model always writes; one it puts back otherwise (as `null`) is a loss that the final
    /// comparison reports.
    fn leaves_out(&self, document: &Value, pointer: &str) -> bool {
        let Ok(encoded) = (self.round_trip)(&document.to_string()) else {
            return false;
        };
        let encoded: Value = serde_json::from_str(&encoded).unwrap();
        encoded
            .pointer(pointer)
            .is_none_or(|put_back| !is_empty(put_back))
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        Value::String(text) => text.is_empty(),
        Value::Bool(flag) => !flag,
        Value::Number(number) => number.as_f64() == Some(0.0),
        Value::Null => false,
    }
}

/// Applies `mutations` to `document` in order.
pub(crate) fn apply(document: &mut Value, mutations: &[Mutation], target: &Target<'_>) {
    for mutation in mutations {
        let nodes = nodes(document);
        match mutation {
            Mutation::Replace { at, with } => {
                let leaves: Vec<&Node> = nodes.iter().filter(|node| node.is_leaf).collect();
                if let Some(node) = pick(&leaves, *at) {
                    let leaf = document.pointer_mut(&node.pointer).unwrap();
                    *leaf = with.of(leaf);
                }
            }
            Mutation::Drop { at } => {
                let members: Vec<&Node> = nodes.iter().filter(|node| node.key.is_some()).collect();
                if let Some(node) = pick(&members, *at) {
                    let mut candidate = document.clone();
                    remove(&mut candidate, node);
                    if target.leaves_out(&candidate, &node.pointer) {
                        *document = candidate;
                    }
                }
            }
            Mutation::Null { at } => {
                let nullable: Vec<&Node> = nodes
                    .iter()
                    .filter(|node| node.key.is_some() && target.nullable.contains(&node.schema))
                    .collect();
                if let Some(node) = pick(&nullable, *at) {
                    *document.pointer_mut(&node.pointer).unwrap() = Value::Null;
                }
            }
            Mutation::Unknown {
                at,
                sibling,
                suffix,
            } => {
                let objects: Vec<&Node> =
                    nodes.iter().filter(|node| node.is_filled_object).collect();
                if let Some(node) = pick(&objects, *at) {
                    let members = document
                        .pointer_mut(&node.pointer)
                        .and_then(Value::as_object_mut)
                        .unwrap();
                    let value = members.values().nth(sibling.index(members.len())).cloned();
                    members
                        .entry(format!("x-flink-rs-unknown-{suffix}"))
                        .or_insert(value.unwrap());
                }
            }
        }
    }
}

/// The schema paths of the members that are `null` in `document`.
pub(crate) fn null_members(document: &Value) -> impl Iterator<Item = String> {
    nodes(document)
        .into_iter()
        .filter(|node| node.key.is_some() && node.is_null)
        .map(|node| node.schema)
}

fn pick<'a>(nodes: &[&'a Node], at: Index) -> Option<&'a Node> {
    (!nodes.is_empty()).then(|| nodes[at.index(nodes.len())])
}

fn remove(document: &mut Value, node: &Node) {
    let key = node.key.as_deref().unwrap();
    document
        .pointer_mut(&node.parent)
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove(key);
}

/// One value in a document.
struct Node {
    /// Its JSON pointer (RFC 6901).
    pointer: String,
    /// The pointer of the object or array it is in.
    parent: String,
    /// Its key, when it is a member of an object.
    key: Option<String>,
    /// Its pointer with array indices written as `[]`: the same for every element of a list.
    schema: String,
    is_leaf: bool,
    is_null: bool,
    is_filled_object: bool,
}

fn nodes(document: &Value) -> Vec<Node> {
    let mut nodes = Vec::new();
    walk(document, String::new(), None, String::new(), &mut nodes);
    nodes
}

fn walk(
    value: &Value,
    pointer: String,
    member_of: Option<(String, String)>,
    schema: String,
    nodes: &mut Vec<Node>,
) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let step = key.replace('~', "~0").replace('/', "~1");
                walk(
                    member,
                    format!("{pointer}/{step}"),
                    Some((pointer.clone(), key.clone())),
                    format!("{schema}/{step}"),
                    nodes,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(
                    item,
                    format!("{pointer}/{index}"),
                    None,
                    format!("{schema}/[]"),
                    nodes,
                );
            }
        }
        _ => {}
    }
    let (parent, key) =
        member_of.map_or((String::new(), None), |(parent, key)| (parent, Some(key)));
    nodes.push(Node {
        parent,
        key,
        is_leaf: matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)),
        is_null: value.is_null(),
        is_filled_object: value.as_object().is_some_and(|members| !members.is_empty()),
        pointer,
        schema,
    });
}
