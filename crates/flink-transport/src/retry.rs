//! The retry policy: [`classify`] decides, backoff with full jitter and a shared budget bound it.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use tower::retry::Policy;
use tower::retry::budget::{Budget, TpsBudget};

use crate::{Body, BoxError, Idempotency, Outcome, ResponseBody, RetryConfig, Verdict, classify};

/// Tower clones the policy for each request, so `retries` counts per request while the budget
/// is shared by every clone of one transport.
#[derive(Clone)]
pub(crate) struct RetryPolicy {
    config: RetryConfig,
    budget: Option<Arc<TpsBudget>>,
    retries: u32,
}

impl RetryPolicy {
    /// Expects a validated config (see `RetryConfig::validate`).
    pub(crate) fn new(config: RetryConfig) -> Self {
        let budget = config
            .budget
            .map(|b| Arc::new(TpsBudget::new(b.ttl, b.min_retries_per_sec, b.retry_ratio)));
        Self {
            config,
            budget,
            retries: 0,
        }
    }

    fn delay(&self, verdict: Verdict) -> Option<Duration> {
        match verdict {
            Verdict::DoNotRetry => None,
            Verdict::Retry => Some(backoff(
                self.retries,
                self.config.initial_backoff,
                self.config.max_backoff,
            )),
            Verdict::RetryAfter(after) => Some(after.min(self.config.max_retry_after)),
        }
    }
}

impl Policy<Request<Body>, Response<ResponseBody>, BoxError> for RetryPolicy {
    type Future = tokio::time::Sleep;

    fn retry(
        &mut self,
        request: &mut Request<Body>,
        result: &mut Result<Response<ResponseBody>, BoxError>,
    ) -> Option<Self::Future> {
        if self.retries == 0
            && let Some(budget) = &self.budget
        {
            budget.deposit(); // one per logical request
        }
        let outcome = Outcome::from_result(result);
        let delay = self.delay(classify(Idempotency::of(request), outcome))?;
        if self.retries >= self.config.max_retries {
            tracing::debug!(attempts = self.retries + 1, reason = %outcome, "giving up: no retries left");
            return None;
        }
        if let Some(budget) = &self.budget
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
        Some(tokio::time::sleep(delay))
    }

    fn clone_request(&mut self, request: &Request<Body>) -> Option<Request<Body>> {
        // A streamed body cannot be replayed: such a request is never retried.
        let body = request.body().try_clone()?;
        let mut copy = Request::new(body);
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.version_mut() = request.version();
        *copy.headers_mut() = request.headers().clone();
        *copy.extensions_mut() = request.extensions().clone();
        Some(copy)
    }
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

    #[test]
    fn streamed_requests_are_not_cloned() {
        let mut policy = RetryPolicy::new(RetryConfig::default());
        let streamed = Request::new(Body::streaming(Body::from("x")));
        assert!(policy.clone_request(&streamed).is_none());
        let mut buffered = Request::post("/jars/upload").body(Body::from("x")).unwrap();
        buffered.extensions_mut().insert(Idempotency::Idempotent);
        let copy = policy.clone_request(&buffered).unwrap();
        assert_eq!(copy.method(), "POST");
        assert_eq!(copy.uri(), "/jars/upload");
        assert_eq!(Idempotency::of(&copy), Idempotency::Idempotent);
    }
}
