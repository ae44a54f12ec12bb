//! Every fixture decodes into its model and encodes back to the same JSON, `null`s and unknown
//! fields included; floats come back to the last digit.

use flink_models::metrics::AggregatedMetric;
use serde_json::Value;

use crate::difference::difference;
use crate::registry::{MODELS, RoundTrip, fixtures};

/// What a model loses of `expected`, sent as `text`: decoded and encoded again, it must be
/// `expected` (compared with the value itself, so a float read one step off shows), and
/// decoding that encoding must give a model that encodes the same. `None` if nothing is lost.
pub(crate) fn loss(round_trip: RoundTrip, text: &str, expected: &Value) -> Option<String> {
    let encoded = match round_trip(text) {
        Ok(encoded) => encoded,
        Err(error) => return Some(format!("does not decode: {error}\n{text}")),
    };
    let encoded: Value = serde_json::from_str(&encoded).unwrap();
    if let Some(difference) = difference(expected, &encoded) {
        return Some(format!("the model encodes another document: {difference}"));
    }
    let again = match round_trip(&encoded.to_string()) {
        Ok(again) => serde_json::from_str::<Value>(&again).unwrap(),
        Err(error) => return Some(format!("its encoding does not decode: {error}")),
    };
    difference(&encoded, &again)
        .map(|difference| format!("decoding the encoding gives another model: {difference}"))
}

#[test]
fn every_fixture_encodes_back_to_the_json_it_was_decoded_from() {
    let fixtures = fixtures();
    let failures: Vec<String> = fixtures
        .iter()
        .filter_map(|fixture| {
            loss(fixture.round_trip, &fixture.text, &fixture.json())
                .map(|loss| format!("{}: {loss}", fixture.label))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures lost data:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_encodes_to_the_same_bytes_each_time() {
    // Found by the `decode` fuzz target: maps keyed by task state were hash maps, whose keys
    // came out in another order in each decoded copy.
    for fixture in fixtures() {
        let first = (fixture.round_trip)(&fixture.text).unwrap();
        for _ in 0..4 {
            let again = (fixture.round_trip)(&fixture.text).unwrap();
            assert_eq!(first, again, "{}: encodings differ", fixture.label);
        }
    }
}

#[test]
fn every_model_has_a_fixture() {
    let fixtures = fixtures();
    for model in MODELS {
        assert!(
            fixtures.iter().any(|fixture| fixture.model == model.name),
            "no fixture of `{}` in tests/fixtures",
            model.name
        );
    }
}

#[test]
fn floats_of_seventeen_digits_come_back_to_the_last_digit() {
    let fixture = fixtures()
        .into_iter()
        .find(|fixture| fixture.label == "written/taskmanagers_metrics.float_digits")
        .unwrap();
    let metrics: Vec<AggregatedMetric> = serde_json::from_str(&fixture.text).unwrap();
    let metric = &metrics[0];
    assert_eq!(
        (metric.avg, metric.skew),
        (Some(37.300_000_000_000_004), Some(1.154_700_538_379_251_5)),
        "read to the last bit"
    );
    // Found by the `decode` fuzz target: without `float_roundtrip` it came back as …24e52.
    assert_eq!(metrics[1].sum, Some(2.222_222_222_222_222_2e52));
    let encoded = serde_json::to_string(&metrics).unwrap();
    for digits in [
        "37.300000000000004",
        "1.1547005383792515",
        "2.2222222222222222e+52",
    ] {
        assert!(encoded.contains(digits), "{digits} in {encoded}");
    }
}
