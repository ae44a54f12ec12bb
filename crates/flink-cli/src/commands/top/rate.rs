//! Records per second from the record counts of `GET /jobs/:id`, which Flink refreshes only
//! every `metrics.fetcher.update-interval` (10 s by default), not on every request.

use std::time::{Duration, Instant};

/// The rate of one counter, measured between two refreshes at which it changed: both were seen
/// at most one `top` interval after Flink fetched them, so the rate is off by at most that
/// interval over the gap between Flink's fetches (a few per cent), unlike the change since the
/// last frame, which is zero until Flink fetches and then a burst.
#[derive(Debug, Default)]
pub(crate) struct CounterRate {
    /// When the count was last seen to change, and its value then.
    changed: Option<(Instant, i64)>,
    /// Whether `changed` is a real change, not just the first reading.
    seen_change: bool,
    /// The last rate measured, and the gap between the changes it was measured over.
    last: Option<(f64, Duration)>,
}

impl CounterRate {
    /// Takes a reading of the counter; the rate, once the counter has changed twice.
    ///
    /// A counter that has not changed for twice its usual gap is standing still: rate 0.
    pub(crate) fn observe(&mut self, now: Instant, count: i64) -> Option<f64> {
        let Some((at, before)) = self.changed else {
            self.changed = Some((now, count));
            return None;
        };
        if count == before {
            return self
                .last
                .map(|(rate, gap)| if now - at > gap * 2 { 0.0 } else { rate });
        }
        if self.seen_change {
            let gap = now - at;
            #[allow(clippy::cast_precision_loss)] // display only
            let rate = (count - before) as f64 / gap.as_secs_f64().max(f64::EPSILON);
            self.last = Some((rate, gap));
        }
        self.seen_change = true;
        self.changed = Some((now, count));
        self.last.map(|(rate, _)| rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Readings once a second of a counter that grows by 10 a second and that Flink fetches
    /// every 5 s.
    fn readings(
        rate: &mut CounterRate,
        start: Instant,
        seconds: std::ops::Range<u64>,
    ) -> Vec<Option<f64>> {
        seconds
            .map(|second| {
                let fetched = second / 5 * 5;
                #[allow(clippy::cast_possible_wrap)]
                let count = (fetched * 10) as i64;
                rate.observe(start + Duration::from_secs(second), count)
            })
            .collect()
    }

    #[test]
    fn a_counter_fetched_every_few_seconds_has_its_true_rate() {
        let start = Instant::now();
        let mut rate = CounterRate::default();
        let seen = readings(&mut rate, start, 1..16);
        // No rate before two changes (at 5 s and 10 s), then the true 10 per second, held
        // between Flink's fetches instead of dropping to zero.
        assert!(seen[..9].iter().all(Option::is_none), "{seen:?}");
        assert!(seen[9..].iter().all(|r| *r == Some(10.0)), "{seen:?}");
    }

    #[test]
    fn a_counter_that_stops_reads_zero_after_twice_its_gap() {
        let start = Instant::now();
        let mut rate = CounterRate::default();
        readings(&mut rate, start, 1..11);
        assert_eq!(
            rate.observe(start + Duration::from_secs(19), 100),
            Some(10.0)
        );
        assert_eq!(
            rate.observe(start + Duration::from_secs(21), 100),
            Some(0.0)
        );
    }
}
