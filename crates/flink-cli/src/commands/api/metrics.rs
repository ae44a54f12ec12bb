//! Long `get=` lists of metric names: Flink (and proxies before it) refuse URLs past a few KiB,
//! so `flinkctl api GET …/metrics?get=…` splits the list over several requests, as the typed
//! metric calls do (`flink_client::api::metrics::split_names`).

use flink_client::api::metrics::split_names;
use http::Method;

use crate::exit::Failure;

/// The paths to ask instead of `path` when it is a `GET` of metric values whose `get=` list
/// needs more than one request; `None` for any other request.
pub(crate) fn split(method: &Method, path: &str) -> Result<Option<Vec<String>>, Failure> {
    let Some((route, query)) = path.split_once('?') else {
        return Ok(None);
    };
    if method != Method::GET || !route.trim_end_matches('/').ends_with("/metrics") {
        return Ok(None);
    }
    let params: Vec<&str> = query.split('&').collect();
    let Some(get) = params.iter().find_map(|param| param.strip_prefix("get=")) else {
        return Ok(None);
    };
    let names: Vec<&str> = get.split(',').collect();
    let groups = split_names(&names).map_err(|error| Failure::InvalidInput(error.to_string()))?;
    if groups.len() < 2 {
        return Ok(None);
    }
    let others: Vec<&str> = params
        .iter()
        .copied()
        .filter(|param| !param.starts_with("get="))
        .collect();
    Ok(Some(
        groups
            .iter()
            .map(|group| {
                let mut query = vec![format!("get={}", group.join(","))];
                query.extend(others.iter().map(|param| (*param).to_owned()));
                format!("{route}?{}", query.join("&"))
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_get_list_is_split_and_other_parameters_are_kept() {
        let names: Vec<String> = (0..200)
            .map(|i| format!("0.Source__numbers.numRecordsOut{i}"))
            .collect();
        let path = format!(
            "/jobs/J/vertices/V/subtasks/metrics?agg=max&get={}&subtasks=0-3",
            names.join(",")
        );
        let parts = split(&Method::GET, &path).unwrap().expect("split");
        assert!(parts.len() > 1, "{parts:?}");
        let mut asked = Vec::new();
        for part in &parts {
            assert!(part.len() < 3000, "{part}");
            let (route, query) = part.split_once('?').unwrap();
            assert_eq!(route, "/jobs/J/vertices/V/subtasks/metrics");
            assert!(
                query.contains("&agg=max") && query.ends_with("&subtasks=0-3"),
                "{query}"
            );
            let get = query
                .split('&')
                .find_map(|p| p.strip_prefix("get="))
                .unwrap();
            asked.extend(get.split(',').map(str::to_owned));
        }
        assert_eq!(asked, names, "every name asked once, in order");
    }

    #[test]
    fn other_requests_are_sent_as_they_are() {
        let short = "/jobmanager/metrics?get=Status.JVM.CPU.Load,Status.JVM.Memory.Heap.Used";
        assert_eq!(split(&Method::GET, short).unwrap(), None);
        let long = format!("/jobmanager/metrics?get={}", "a".repeat(50).repeat(100));
        assert_eq!(
            split(&Method::GET, &long).unwrap(),
            None,
            "one long name is one request"
        );
        let many = format!(
            "/jobmanager/metrics?get={}",
            vec!["abcdefghij"; 400].join(",")
        );
        assert_eq!(split(&Method::POST, &many).unwrap(), None);
        assert_eq!(split(&Method::GET, "/jobs/overview?get=x").unwrap(), None);
        assert!(split(&Method::GET, &many).unwrap().is_some());
    }

    #[test]
    fn an_empty_name_is_refused() {
        let many = format!(
            "/jobmanager/metrics?get={},",
            vec!["abcdefghij"; 400].join(",")
        );
        assert!(matches!(
            split(&Method::GET, &many),
            Err(Failure::InvalidInput(_))
        ));
    }
}
