//! Paths of the REST API that Flink dropped in 1.5 but older Flink and vendor docs still list,
//! and what to ask instead: Flink answers them 404 ("Unable to load requested file"), which
//! says nothing of where the data went.

/// What to ask instead of the legacy `path` (with its query), or `None` when it is no legacy
/// path.
pub(crate) fn modern_path(path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["joboverview"] => Some("/jobs/overview".to_owned()),
        ["joboverview", "running" | "completed"] => {
            Some("/jobs/overview (each job's `state` tells running from completed)".to_owned())
        }
        ["jobs", job, "vertices"] => Some(format!("/jobs/{job} (its `vertices`)")),
        ["jobs", job, "vertices", vertex, "checkpoints"] => Some(format!(
            "/jobs/{job}/checkpoints, and for this vertex /jobs/{job}/checkpoints/details/CHECKPOINT_ID/subtasks/{vertex}"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_paths_name_their_modern_endpoint() {
        let job = "d7b2518b7cc9b04478ed2eb249c5b9a0";
        let vertex = "cbc357ccb763df2852fee8c4fc7d55f2";
        let cases = [
            ("/joboverview", "/jobs/overview"),
            ("joboverview/", "/jobs/overview"),
            ("/joboverview/running", "/jobs/overview ("),
            ("/joboverview/completed?x=1", "/jobs/overview ("),
            (&format!("/jobs/{job}/vertices"), &format!("/jobs/{job} (")),
            (
                &format!("/jobs/{job}/vertices/{vertex}/checkpoints"),
                &format!("/jobs/{job}/checkpoints, and for this vertex"),
            ),
        ];
        for (legacy, modern) in cases {
            let hint = modern_path(legacy).unwrap_or_else(|| panic!("{legacy} is legacy"));
            assert!(hint.starts_with(modern), "{legacy}: {hint}");
        }
    }

    #[test]
    fn modern_paths_have_no_hint() {
        let job = "d7b2518b7cc9b04478ed2eb249c5b9a0";
        for path in [
            "/jobs/overview".to_owned(),
            format!("/jobs/{job}"),
            format!("/jobs/{job}/vertices/abc"),
            format!("/jobs/{job}/vertices/abc/backpressure"),
            "/no/such/path".to_owned(),
        ] {
            assert_eq!(modern_path(&path), None, "{path}");
        }
    }
}
