//! Application endpoints (Flink 2.3+): overview, details, exceptions, JobManager configuration, cancel.
//!
//! Every endpoint here exists from Flink 2.3 on; against Flink 1.x each call is refused with
//! [`ApiError::Unsupported`] before any request is sent.

use std::future::Future;

use http::Method;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::{ApiError, ApplicationId, FlinkVersion};
use flink_models::applications::{
    ApplicationDetailsInfo, ApplicationExceptionsInfoWithHistory, MultipleApplicationsDetails,
};
use flink_models::common::{ConfigurationEntry, Empty};

/// `/applications/:applicationid` with the id encoded.
fn application_path(application: &ApplicationId) -> String {
    format!("/applications/{}", encode_segment(application.as_str()))
}

/// Declares an application endpoint that exists from Flink 2.3 on.
macro_rules! application_endpoint {
    (
        $(#[$meta:meta])* $name:ident { $($field:ident: $type:ty),* }, $op:literal,
        $method:ident, $feature:literal, $output:ty, |$this:ident| $path:expr
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            $(
                /// Which application.
                pub $field: $type,
            )*
        }

        impl Endpoint for $name {
            const NAME: &'static str = $op;

            fn method(&self) -> Method {
                Method::$method
            }

            fn path(&self) -> String {
                let $this = self;
                $path
            }

            const VERSION_DEPENDENT: bool = true;

            fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
                version.require(2, 3, $feature)
            }
        }

        impl JsonEndpoint for $name {
            type Output = $output;
        }
    };
}

application_endpoint!(
    /// `GET /applications/overview` (Flink 2.3+): every application with its state and how
    /// many of its jobs are in each state.
    ListApplications {},
    "applications.overview",
    GET,
    "GET /applications/overview",
    MultipleApplicationsDetails,
    |_this| "/applications/overview".to_owned()
);

application_endpoint!(
    /// `GET /applications/:applicationid` (Flink 2.3+): the application's state, timestamps
    /// and jobs. An unknown id is a 500 that [`ApiError::is_not_found`] recognises.
    GetApplication { application: ApplicationId },
    "applications.get",
    GET,
    "GET /applications/:applicationid",
    ApplicationDetailsInfo,
    |this| application_path(&this.application)
);

application_endpoint!(
    /// `GET /applications/:applicationid/exceptions` (Flink 2.3+): the failures of the
    /// application's jobs and program.
    GetApplicationExceptions { application: ApplicationId },
    "applications.exceptions",
    GET,
    "GET /applications/:applicationid/exceptions",
    ApplicationExceptionsInfoWithHistory,
    |this| format!("{}/exceptions", application_path(&this.application))
);

application_endpoint!(
    /// `GET /applications/:applicationid/jobmanager/config` (Flink 2.3+): the configuration
    /// of the JobManager that runs the application (secrets masked by Flink).
    GetApplicationJobManagerConfig { application: ApplicationId },
    "applications.jobmanager-config",
    GET,
    "GET /applications/:applicationid/jobmanager/config",
    Vec<ConfigurationEntry>,
    |this| format!("{}/jobmanager/config", application_path(&this.application))
);

application_endpoint!(
    /// `POST /applications/:applicationid/cancel` (Flink 2.3+): cancels the application and
    /// its jobs. Flink answers 202 at once; poll [`GetApplication`] until it is `CANCELED`.
    /// An application that has already ended is a 404 "Application could not be found"
    /// ([`ApiError::is_not_found`]), like an unknown one, so a repeated cancel fails.
    CancelApplication { application: ApplicationId },
    "applications.cancel",
    POST,
    "POST /applications/:applicationid/cancel",
    Empty,
    |this| format!("{}/cancel", application_path(&this.application))
);

/// Application calls (Flink 2.3+). Implemented for every [`Execute`]; bring it into scope to
/// call them. On Flink 1.x each is [`ApiError::Unsupported`], and nothing is sent.
pub trait ApplicationsApi: Execute + Sync {
    /// `GET /applications/overview`: every application, running or done.
    fn applications(
        &self,
    ) -> impl Future<Output = Result<MultipleApplicationsDetails, ApiError>> + Send {
        self.execute(ListApplications {})
    }

    /// `GET /applications/:applicationid`: an application with its jobs.
    fn application(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<ApplicationDetailsInfo, ApiError>> + Send {
        self.execute(GetApplication { application })
    }

    /// `GET /applications/:applicationid/exceptions`.
    fn application_exceptions(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<ApplicationExceptionsInfoWithHistory, ApiError>> + Send {
        self.execute(GetApplicationExceptions { application })
    }

    /// `GET /applications/:applicationid/jobmanager/config`.
    fn application_jobmanager_config(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<Vec<ConfigurationEntry>, ApiError>> + Send {
        self.execute(GetApplicationJobManagerConfig { application })
    }

    /// `POST /applications/:applicationid/cancel`: asks Flink to cancel the application; a
    /// 404 once it has ended.
    fn cancel_application(
        &self,
        application: ApplicationId,
    ) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(CancelApplication { application })
    }
}

impl<T: Execute + Sync + ?Sized> ApplicationsApi for T {}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::{build_for_newest, decode_response};

    const APP: &str = "1ca5e9b848052456f9fc5dab2381f594";

    fn app() -> ApplicationId {
        APP.parse().unwrap()
    }

    fn uri<E: Endpoint + Clone>(endpoint: &E) -> (Method, String) {
        let request = build_for_newest(endpoint).unwrap();
        (request.method().clone(), request.uri().to_string())
    }

    #[test]
    fn requests_name_the_application() {
        let get = |path: &str| (Method::GET, path.to_owned());
        assert_eq!(uri(&ListApplications {}), get("/applications/overview"));
        assert_eq!(
            uri(&GetApplication { application: app() }),
            get(&format!("/applications/{APP}"))
        );
        assert_eq!(
            uri(&GetApplicationExceptions { application: app() }),
            get(&format!("/applications/{APP}/exceptions"))
        );
        assert_eq!(
            uri(&GetApplicationJobManagerConfig { application: app() }),
            get(&format!("/applications/{APP}/jobmanager/config"))
        );
        let cancel = CancelApplication { application: app() };
        assert_eq!(
            uri(&cancel),
            (Method::POST, format!("/applications/{APP}/cancel"))
        );
        assert!(build_for_newest(&cancel).unwrap().body().is_empty());
        assert!(!cancel.idempotent());
    }

    fn refused_on_1_x<E: Endpoint>(mut endpoint: E, feature: &str) {
        assert!(E::VERSION_DEPENDENT);
        let error = endpoint.adapt_to(&"1.20.5".parse().unwrap()).unwrap_err();
        assert!(error.is_unsupported(), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains(feature) && text.contains("1.20.5") && text.contains("2.3"),
            "{text}"
        );
        endpoint.adapt_to(&"2.3.0".parse().unwrap()).unwrap();
    }

    #[test]
    fn every_application_endpoint_needs_flink_2() {
        refused_on_1_x(ListApplications {}, "GET /applications/overview");
        refused_on_1_x(
            GetApplication { application: app() },
            "GET /applications/:applicationid",
        );
        refused_on_1_x(
            GetApplicationExceptions { application: app() },
            "/exceptions",
        );
        refused_on_1_x(
            GetApplicationJobManagerConfig { application: app() },
            "/jobmanager/config",
        );
        refused_on_1_x(
            CancelApplication { application: app() },
            "POST /applications/:applicationid/cancel",
        );
    }

    #[test]
    fn application_ids_are_validated() {
        let id: ApplicationId = "1CA5E9B848052456F9FC5DAB2381F594".parse().unwrap();
        assert_eq!(id.as_str(), APP);
        assert_eq!(format!("{id:?}"), format!("ApplicationId({APP})"));
        for bad in ["", "xyz", "../overview", "1ca5e9b848052456f9fc5dab2381f59g"] {
            let error = bad.parse::<ApplicationId>().unwrap_err();
            assert!(error.is_invalid_input(), "{bad}");
            assert!(error.to_string().contains("application id"), "{error}");
        }
        let job: crate::JobId = APP.parse().unwrap();
        assert_eq!(ApplicationId::from(job).as_str(), APP);
        assert_ne!(ApplicationId::generate(), ApplicationId::generate());
    }

    #[test]
    fn an_unknown_application_is_not_found() {
        let body = br#"{"errors":["Internal server error.","<Exception on server side:\norg.apache.flink.runtime.messages.FlinkApplicationNotFoundException: Could not find Flink application (00000000000000000000000000000000)\n\tat x>"]}"#;
        let error = decode_response(
            &GetApplication { application: app() },
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("application/json"),
            body,
        )
        .unwrap_err();
        assert!(error.is_not_found(), "{error:?}");
    }
}
