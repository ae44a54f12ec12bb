//! Refusals by design: the errors Flink gives for a feature it has but keeps switched off
//! (legacy rescaling, resource requirements on the default scheduler, removed YARN stop), turned
//! into [`ApiError::Disabled`] with what to do instead.

use http::StatusCode;

use crate::ApiError;

/// One such refusal: how Flink words it, and how flink-rs explains it.
pub(crate) struct Refusal {
    /// What is refused, e.g. `legacy rescaling (PATCH /jobs/:jobid/rescaling)`.
    pub(crate) feature: &'static str,
    /// Why the cluster refuses it.
    pub(crate) reason: &'static str,
    /// What to do instead.
    pub(crate) hint: &'static str,
    /// The status Flink refuses with.
    pub(crate) status: StatusCode,
    /// Texts of Flink's error that identify the refusal (any one of them).
    pub(crate) markers: &'static [&'static str],
}

impl Refusal {
    /// Whether `error` is this refusal, as Flink sent it.
    fn matches(&self, error: &ApiError) -> bool {
        error.status() == Some(self.status)
            && error
                .flink_errors()
                .iter()
                .any(|e| self.markers.iter().any(|m| e.contains(m)))
    }

    /// `error` as [`ApiError::Disabled`] when it is this refusal, else `error` unchanged.
    pub(crate) fn map(&self, error: ApiError) -> ApiError {
        if !self.matches(&error) {
            return error;
        }
        let request = match &error {
            ApiError::Flink { request, .. } => request.clone(),
            _ => String::new(),
        };
        ApiError::Disabled {
            request,
            feature: self.feature,
            reason: self.reason,
            hint: self.hint,
            source: Box::new(error),
        }
    }

    /// Whether `error` is this refusal, already explained by [`Refusal::map`] or as Flink sent it.
    pub(crate) fn is(&self, error: &ApiError) -> bool {
        matches!(error, ApiError::Disabled { feature, .. } if *feature == self.feature)
            || self.matches(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFUSAL: Refusal = Refusal {
        feature: "a feature",
        reason: "it is off",
        hint: "turn it on",
        status: StatusCode::SERVICE_UNAVAILABLE,
        markers: &["temporarily disabled"],
    };

    fn flink(status: StatusCode, text: &str) -> ApiError {
        ApiError::Flink {
            request: "PATCH /x".to_owned(),
            status,
            errors: vec![text.to_owned()],
            extra: Box::default(),
        }
    }

    #[test]
    fn only_the_refusal_itself_is_explained() {
        let refused = REFUSAL.map(flink(
            StatusCode::SERVICE_UNAVAILABLE,
            "Rescaling is temporarily disabled.",
        ));
        assert!(refused.is_disabled(), "{refused:?}");
        assert!(REFUSAL.is(&refused));
        assert!(
            refused.to_string().starts_with("PATCH /x: a feature"),
            "{refused}"
        );
        let other = REFUSAL.map(flink(StatusCode::SERVICE_UNAVAILABLE, "leader election"));
        assert!(!other.is_disabled() && !REFUSAL.is(&other));
        let wrong_status = REFUSAL.map(flink(StatusCode::NOT_FOUND, "temporarily disabled"));
        assert!(!wrong_status.is_disabled());
    }
}
