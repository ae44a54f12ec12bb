//! Property: decode → encode of every model gives back the JSON it was decoded from, and
//! decoding that again gives the same model, for random variations of every fixture.

use std::collections::{BTreeMap, BTreeSet};

use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::lossless::loss;
use crate::mutation::{self, Target};
use crate::registry::fixtures;

/// Variations tried per fixture: over ~200 fixtures, a few seconds in all.
const CASES_PER_FIXTURE: u32 = 12;

#[test]
fn every_model_keeps_every_variation_of_its_fixtures() {
    let fixtures = fixtures();
    let mut nullable: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for fixture in &fixtures {
        nullable
            .entry(fixture.model)
            .or_default()
            .extend(mutation::null_members(&fixture.json()));
    }
    for fixture in &fixtures {
        let target = Target {
            nullable: &nullable[fixture.model],
            round_trip: fixture.round_trip,
        };
        let original = fixture.json();
        let mut runner = TestRunner::new(Config {
            cases: CASES_PER_FIXTURE,
            failure_persistence: None,
            ..Config::default()
        });
        let outcome = runner.run(&mutation::mutations(), |mutations| {
            let mut changed = original.clone();
            mutation::apply(&mut changed, &mutations, &target);
            match loss(fixture.round_trip, &changed.to_string(), &changed) {
                Some(loss) => Err(TestCaseError::fail(loss)),
                None => Ok(()),
            }
        });
        if let Err(failure) = outcome {
            panic!("{}: {failure}", fixture.label);
        }
    }
}
