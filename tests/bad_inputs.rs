//! The library over the bad-input corpus (`data/bad-inputs/library.json`):
//! each input is refused with an error naming the field, before anything is
//! sent.

use dataarts_security::{Error, ListTasks};
use dataarts_security_tests::{catch_all, client, data};
use httpmock::prelude::*;

fn corpus(key: &str) -> Vec<String> {
    let file: serde_json::Value = serde_json::from_str(&data("bad-inputs/library.json")).unwrap();
    file[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn bad_task_ids_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = client(&server.base_url());
    for task_id in corpus("task_ids") {
        let err = client.show_task(&task_id).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "task_id",
                    ..
                }
            ),
            "{task_id:?}: {err:?}"
        );
        let text = err.to_string();
        assert!(text.starts_with("invalid task_id: "), "{text}");
        assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn bad_cluster_names_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = client(&server.base_url());
    for name in corpus("cluster_names") {
        let err = client
            .list_tasks(&ListTasks::new().cluster_name(&name))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    field: "cluster_name",
                    ..
                }
            ),
            "{name:?}: {err:?}"
        );
    }
    any.assert_calls_async(0).await;
}
