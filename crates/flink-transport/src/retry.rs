//! The retry policy: [`classify`] decides, backoff with full jitter and a shared budget bound it.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::{Request, Response};
use tokio::time::Instant;
use tower::retry::budget::{Budget, TpsBudget};

use crate::{Body, BoxError, Idempotency, Outcome, RetryConfig, Verdict, classify};

/// The retry settings and budget of one transport, shared by all its calls and clones.
pub(crate) struct RetryPolicy {
    config: RetryConfig,
    budget: Option<BatchedBudget>,
}

/// How many calls' deposits are paid into the budget at once.
const DEPOSIT_BATCH: usize = 16;

/// tower's `TpsBudget` with deposits paid in batches: each of its deposits takes a lock and
/// reads the clock, which calls made at once on several threads contend for. A withdrawal
/// pays what is pending first, so a retry sees every call made before it.
struct BatchedBudget {
    budget: TpsBudget,
    pending: AtomicUsize,
}

impl BatchedBudget {
    fn deposit(&self) {
        if self.pending.fetch_add(1, Ordering::AcqRel) + 1 >= DEPOSIT_BATCH {
            self.pay_pending();
        }
    }

    fn withdraw(&self) -> bool {
        self.pay_pending();
        self.budget.withdraw()
    }

    fn pay_pending(&self) {
        for _ in 0..self.pending.swap(0, Ordering::AcqRel) {
            self.budget.deposit();
        }
    }
}

/// The retries of one call: how many were made, and since when it meets an unavailable
/// server.
pub(crate) struct Retrying<'a> {
    policy: &'a RetryPolicy,
    /// The call's unavailable-retry window: the request's own, else the configured one.
    window: Duration,
    retries: u32,
    /// When this call first met a connect error or a retried 503: the start of its window.
    unavailable_since: Option<Instant>,
}

impl RetryPolicy {
    /// Expects a validated config (see `RetryConfig::validate`).
    pub(crate) fn new(config: RetryConfig) -> Self {
        let budget = config.budget.map(|b| BatchedBudget {
            budget: TpsBudget::new(b.ttl, b.min_retries_per_sec, b.retry_ratio),
            pending: AtomicUsize::new(0),
        });
        Self { config, budget }
    }

    /// The retries of a new call; `window` overrides the configured unavailable-retry window.
    /// A call that could be retried (its body can be sent again) pays into the budget.
    pub(crate) fn start(&self, window: Option<Duration>, replayable: bool) -> Retrying<'_> {
        if replayable && let Some(budget) = &self.budget {
            budget.deposit(); // one per logical request
        }
        Retrying {
            policy: self,
            window: window.unwrap_or(self.config.unavailable_retry_window),
            retries: 0,
            unavailable_since: None,
        }
    }
}

impl Retrying<'_> {
    /// Whether a failure of this call could be retried at all; if not, no copy of its request
    /// is kept.
    pub(crate) fn possible(&self) -> bool {
        self.retries < self.policy.config.max_retries || !self.window.is_zero()
    }

    /// After an attempt of a request that can be sent again: how long to wait before the next
    /// attempt, or `None` to return `result`.
    pub(crate) fn retry<B>(
        &mut self,
        idempotency: Idempotency,
        result: &Result<Response<B>, BoxError>,
    ) -> Option<Duration> {
        let policy = self.policy;
        let outcome = Outcome::from_result(result);
        let verdict = classify(idempotency, outcome);
        if verdict == Verdict::DoNotRetry {
            return None;
        }
        let window_left = self.window_left(outcome, Instant::now());
        let delay = self.delay(verdict, window_left)?;
        if window_left.is_none() && self.retries >= policy.config.max_retries {
            tracing::debug!(attempts = self.retries + 1, reason = %outcome, "giving up: no retries left");
            return None;
        }
        if let Some(budget) = &policy.budget
            && !budget.withdraw()
        {
            tracing::warn!(reason = %outcome, "not retrying: the retry budget is spent");
            return None;
        }
        self.retries += 1;
        tracing::info!(
            attempt = self.retries + 1,
            reason = %outcome,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying request"
        );
        Some(delay)
    }

    /// What is left of the window for a retried `outcome` at `now`; `None` when the outcome is
    /// not an unavailable one, the window is disabled or it has closed.
    fn window_left(&mut self, outcome: Outcome<'_>, now: Instant) -> Option<Duration> {
        if self.window.is_zero() || !outcome.is_unavailable() {
            return None;
        }
        let since = *self.unavailable_since.get_or_insert(now);
        let closes = since.checked_add(self.window)?;
        let left = closes.saturating_duration_since(now);
        (!left.is_zero()).then_some(left)
    }

    /// The sleep before the next attempt; a backoff in the window ends when the window closes.
    fn delay(&self, verdict: Verdict, window_left: Option<Duration>) -> Option<Duration> {
        let config = &self.policy.config;
        match verdict {
            Verdict::DoNotRetry => None,
            Verdict::Retry => {
                let delay = backoff(self.retries, config.initial_backoff, config.max_backoff);
                Some(window_left.map_or(delay, |left| delay.min(left)))
            }
            Verdict::RetryAfter(after) => Some(after.min(config.max_retry_after)),
        }
    }
}

/// What a retry sends again: the request as it was, with a copy of its body. `None` for a
/// streamed body, which cannot be replayed: such a request is never retried.
pub(crate) fn replay(request: &Request<Body>) -> Option<Request<Body>> {
    let body = request.body().try_clone()?;
    let mut copy = Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    Some(copy)
}

/// Full jitter: uniform in `[0, min(max, initial * 2^retries))`.
fn backoff(retries: u32, initial: Duration, max: Duration) -> Duration {
    let cap = initial
        .saturating_mul(2_u32.saturating_pow(retries))
        .min(max);
    Duration::try_from_secs_f64(cap.as_secs_f64() * random_fraction()).unwrap_or(cap)
}

/// A number in `[0, 1)`. Each `RandomState` has fresh keys, so hashing nothing gives a new
/// value each call; good enough for jitter, without a `rand` dependency.
fn random_fraction() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    f64::from(u32::try_from(bits >> 32).unwrap_or(0)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let initial = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for _ in 0..100 {
            assert!(backoff(0, initial, max) < Duration::from_millis(100));
            assert!(backoff(2, initial, max) < Duration::from_millis(400));
            assert!(backoff(30, initial, max) < max);
        }
    }

    #[test]
    fn jitter_varies() {
        let draws: std::collections::HashSet<u64> =
            (0..20).map(|_| random_fraction().to_bits()).collect();
        assert!(draws.len() > 10, "{draws:?}");
        assert!(
            (0..1000)
                .map(|_| random_fraction())
                .all(|f| (0.0..1.0).contains(&f))
        );
    }

    /// Feeds connect errors to a fresh policy, sleeping as it says, until it gives up; returns
    /// the time taken and the retries made.
    async fn retry_until_given_up(config: RetryConfig) -> (Duration, u32) {
        let policy = RetryPolicy::new(config);
        let mut call = policy.start(None, true);
        let start = Instant::now();
        let mut retries = 0;
        loop {
            let refused: Result<Response<()>, BoxError> = Err(Box::new(std::io::Error::from(
                std::io::ErrorKind::ConnectionRefused,
            )));
            let Some(delay) = call.retry(Idempotency::NotIdempotent, &refused) else {
                return (start.elapsed(), retries);
            };
            retries += 1;
            tokio::time::sleep(delay).await;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the backoff and the window, a call that keeps being refused retries until
        /// the window closes and no sleep runs past it; then max_retries applies.
        #[test]
        fn the_window_is_ridden_to_its_end_and_no_further(
            initial_ms in 1_u64..2_000,
            extra_ms in 10_u64..10_000,
            window_ms in 1_u64..20_000,
            max_retries in 0_u32..3,
        ) {
            let config = RetryConfig {
                max_retries,
                unavailable_retry_window: Duration::from_millis(window_ms),
                initial_backoff: Duration::from_millis(initial_ms),
                max_backoff: Duration::from_millis(initial_ms + extra_ms),
                budget: None,
                ..RetryConfig::default()
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
                .unwrap();
            let (elapsed, retries) = runtime.block_on(retry_until_given_up(config));
            let window = config.unavailable_retry_window;
            if retries > max_retries {
                proptest::prop_assert_eq!(elapsed, window);
            } else {
                // max_retries alone went past the window.
                proptest::prop_assert!(elapsed >= window, "{:?}", elapsed);
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_window_max_retries_alone_bounds_connect_errors() {
        let config = RetryConfig {
            unavailable_retry_window: Duration::ZERO,
            budget: None,
            ..RetryConfig::default()
        };
        assert_eq!(retry_until_given_up(config).await.1, 3);
    }

    #[test]
    fn streamed_requests_are_not_replayed() {
        let streamed = Request::new(Body::streaming(Body::from("x")));
        assert!(replay(&streamed).is_none());
        let mut buffered = Request::post("/jars/upload").body(Body::from("x")).unwrap();
        buffered.extensions_mut().insert(Idempotency::Idempotent);
        let copy = replay(&buffered).unwrap();
        assert_eq!(copy.method(), "POST");
        assert_eq!(copy.uri(), "/jars/upload");
        assert_eq!(Idempotency::of(&copy), Idempotency::Idempotent);
    }

    #[test]
    fn a_call_without_retries_or_window_keeps_no_copy() {
        let config = RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        };
        let policy = RetryPolicy::new(config);
        assert!(
            policy.start(None, true).possible(),
            "the window still retries"
        );
        assert!(!policy.start(Some(Duration::ZERO), true).possible());
        assert!(
            RetryPolicy::new(RetryConfig::default())
                .start(Some(Duration::ZERO), true)
                .possible()
        );
    }
}
