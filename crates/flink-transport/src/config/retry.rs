//! [`RetryConfig`] and [`RetryBudget`].

use std::time::Duration;

use super::ConfigError;

/// How failed attempts are retried; which failures qualify is decided by
/// [`classify`](crate::classify). Start from [`RetryConfig::default`] or
/// [`RetryConfig::disabled`] and set the public fields.
///
/// Two limits apply: [`max_retries`](Self::max_retries) bounds every retryable outcome, and
/// [`unavailable_retry_window`](Self::unavailable_retry_window) lets a call ride out a leader
/// election past it. The shared [`budget`](Self::budget) caps both.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt. Default: 3.
    pub max_retries: u32,
    /// How long a call keeps retrying connect errors and the 503s that [`classify`](crate::classify)
    /// retries, counted from the first of them, whatever [`max_retries`](Self::max_retries)
    /// says: a Flink HA cluster answers so while it elects a leader, which takes seconds. The
    /// backoff is the usual one, and the last retry is sent when the window closes; after it,
    /// `max_retries` applies again. [`Duration::ZERO`] disables it. Default: 5 s, which rides
    /// out a graceful leader change (a JobManager restarted or upgraded in an HA cluster) while
    /// a wrong URL or a cluster that is down still fails within seconds; raise it for a
    /// JobManager that crashed on Kubernetes, whose lease lasts 15 s by default
    /// (`high-availability.kubernetes.leader-election.lease-duration`).
    ///
    /// With the default backoff one call makes about 7 retries in 5 s (a dozen at most), far
    /// below the default budget's reserve of 100: the budget only stops these retries when many
    /// calls fail at once, and says so in a `warn` event.
    pub unavailable_retry_window: Duration,
    /// The backoff cap of the first retry; it doubles per retry up to `max_backoff`, and the
    /// actual delay is drawn uniformly below the cap ("full jitter"). Default: 100 ms.
    pub initial_backoff: Duration,
    /// The largest backoff cap. Default: 5 s.
    pub max_backoff: Duration,
    /// The longest server `Retry-After` delay honoured; longer ones are cut to this. Default:
    /// 30 s.
    pub max_retry_after: Duration,
    /// Limits retries relative to requests, shared by all clones of one built
    /// [`Transport`](crate::Transport), so an outage does not multiply the load. Default:
    /// [`RetryBudget::default`]; `None` disables it.
    pub budget: Option<RetryBudget>,
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            unavailable_retry_window: Duration::ZERO,
            budget: None,
            ..Self::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        match &self.budget {
            Some(budget) => budget.validate(),
            None => Ok(()),
        }
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 3,
            unavailable_retry_window: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            budget: Some(RetryBudget::default()),
        }
    }
}

/// A retry budget (tower's `TpsBudget`): over a sliding window of `ttl`, retries may add at
/// most `retry_ratio` of the requests, plus `min_retries_per_sec` regardless (a reserve of
/// `min_retries_per_sec × ttl` retries).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryBudget {
    /// The window; 1 to 60 s. Default: 10 s.
    pub ttl: Duration,
    /// Retries per second always allowed. Default: 10.
    pub min_retries_per_sec: u32,
    /// Retries allowed per request, 0.0 to 1000.0. Default: 0.2.
    pub retry_ratio: f32,
}

impl RetryBudget {
    /// A budget of `retry_ratio` retries per request over a window of `ttl`, plus
    /// `min_retries_per_sec` regardless. Checked when the transport is built.
    pub fn new(ttl: Duration, min_retries_per_sec: u32, retry_ratio: f32) -> Self {
        Self {
            ttl,
            min_retries_per_sec,
            retry_ratio,
        }
    }

    /// Mirrors the assertions of `TpsBudget::new`, which would otherwise panic.
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |reason: String| Err(ConfigError::InvalidRetry { reason });
        if self.ttl < Duration::from_secs(1) || self.ttl > Duration::from_secs(60) {
            return invalid(format!(
                "the budget ttl is {:?}; choose between 1 s and 60 s",
                self.ttl
            ));
        }
        if !(0.0..=1000.0).contains(&self.retry_ratio) {
            return invalid(format!(
                "the budget retry_ratio is {}; choose between 0.0 and 1000.0",
                self.retry_ratio
            ));
        }
        // TpsBudget requires less than i32::MAX.
        if self.min_retries_per_sec >= 0x7fff_ffff {
            return invalid(format!(
                "the budget min_retries_per_sec is {}; choose a smaller value",
                self.min_retries_per_sec
            ));
        }
        Ok(())
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(10),
            min_retries_per_sec: 10,
            retry_ratio: 0.2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_bounds_are_checked() {
        assert!(RetryConfig::default().validate().is_ok());
        assert!(RetryConfig::disabled().validate().is_ok());
        for budget in [
            RetryBudget {
                ttl: Duration::from_millis(999),
                ..RetryBudget::default()
            },
            RetryBudget {
                ttl: Duration::from_secs(61),
                ..RetryBudget::default()
            },
            RetryBudget {
                retry_ratio: -0.1,
                ..RetryBudget::default()
            },
            RetryBudget {
                retry_ratio: f32::NAN,
                ..RetryBudget::default()
            },
            RetryBudget {
                min_retries_per_sec: u32::MAX,
                ..RetryBudget::default()
            },
        ] {
            let config = RetryConfig {
                budget: Some(budget),
                ..RetryConfig::default()
            };
            let error = config.validate().unwrap_err().to_string();
            assert!(error.contains("choose"), "{error}");
        }
    }
}
