//! Decoding of real and awkward responses, through the whole client, pinned
//! as reviewed insta snapshots. Each case serves one body from httpmock.

use dataarts_security::{Error, ListTasks, MemberSyncTask, SyncStatus, TaskPage};
use dataarts_security_tests::{client, data};
use httpmock::prelude::*;

const SEED_JSON: &str = dataarts_security_sandbox::fixtures::SEED_TASK_JSON;

/// Serves `body` with `status` and `content_type` to one show call.
async fn show(
    status: u16,
    content_type: Option<&str>,
    body: &str,
) -> Result<MemberSyncTask, Error> {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            let then = then
                .status(status)
                .header("X-Request-Id", "req-0001")
                .body(body);
            if let Some(content_type) = content_type {
                then.header("content-type", content_type);
            }
        })
        .await;
    let result = client(&server.base_url()).show_task("t1").await;
    mock.assert_async().await;
    result
}

/// Serves `body` as a JSON 200 to one list call.
async fn list(body: &str) -> Result<TaskPage, Error> {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200)
                .header("content-type", "application/json")
                .header("X-Request-Id", "req-0001")
                .body(body);
        })
        .await;
    let result = client(&server.base_url())
        .list_tasks(&ListTasks::new())
        .await;
    mock.assert_async().await;
    result
}

const JSON: Option<&str> = Some("application/json;charset=UTF-8");

#[tokio::test]
async fn seed_example() {
    let task = show(200, JSON, SEED_JSON).await.unwrap();
    insta::assert_debug_snapshot!("seed_example", task);
}

#[tokio::test]
async fn seed_example_round_trips_to_the_vendor_json() {
    // Serializing the decoded task gives back the vendor's example exactly:
    // same field names, enum spellings and epoch-millisecond times.
    let task = show(200, JSON, SEED_JSON).await.unwrap();
    let expected: serde_json::Value = serde_json::from_str(SEED_JSON).unwrap();
    assert_eq!(serde_json::to_value(&task).unwrap(), expected);
}

#[tokio::test]
async fn unknown_enum_values() {
    let task = show(200, JSON, &data("decoding/unknown-enums.json"))
        .await
        .unwrap();
    assert_eq!(
        task.sync_status,
        Some(SyncStatus::Unrecognized("SYNC_PARTIAL".into()))
    );
    // Written back unchanged.
    let json = serde_json::to_value(&task).unwrap();
    assert_eq!(json["cluster_type"], "HIVE");
    assert_eq!(json["sync_status"], "SYNC_PARTIAL");
    insta::assert_debug_snapshot!("unknown_enum_values", task);
}

#[tokio::test]
async fn nulls_and_missing_fields_decode_to_none() {
    let with_nulls = show(200, JSON, &data("decoding/nulls.json")).await.unwrap();
    let absent = show(200, JSON, &data("decoding/missing.json"))
        .await
        .unwrap();
    assert_eq!(with_nulls, absent);
    insta::assert_debug_snapshot!("nulls_and_missing_fields", with_nulls);
}

#[tokio::test]
async fn list_page() {
    let page = list(&data("decoding/list-page.json")).await.unwrap();
    insta::assert_debug_snapshot!("list_page", page);
}

#[tokio::test]
async fn quoted_and_64_bit_numbers() {
    let page = list(&data("decoding/quoted-numbers.json")).await.unwrap();
    assert_eq!(page.total, Some(3));
    let task = &page.tasks[0];
    assert_eq!(
        task.create_time.unwrap().as_millisecond(),
        1_718_192_416_797
    );
    assert_eq!(task.update_time, task.create_time);
    assert_eq!(
        task.create_time.unwrap().to_string(),
        "2024-06-12T11:40:16.797Z"
    );
    assert_eq!(task.sync_time, None);
    insta::assert_debug_snapshot!("quoted_and_64_bit_numbers", page);
}

#[tokio::test]
async fn an_object_where_the_list_is_expected() {
    let err = list(&data("decoding/tasks-object.json")).await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.path, "tasks");
    insta::assert_debug_snapshot!("tasks_object", err);
}

#[tokio::test]
async fn an_array_where_a_string_is_expected() {
    let err = list(&data("decoding/period-array.json")).await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(decode.path, "tasks[0].schedule_period");
    assert_eq!(err.request_id(), Some("req-0001"));
    insta::assert_debug_snapshot!("period_array", err);
}

#[tokio::test]
async fn error_400_body() {
    let err = show(400, JSON, &data("decoding/error-400.json"))
        .await
        .unwrap_err();
    insta::assert_debug_snapshot!("error_400", err);
}

#[tokio::test]
async fn gateway_html_body() {
    let err = show(502, Some("text/html"), &data("decoding/gateway-502.html"))
        .await
        .unwrap_err();
    insta::assert_debug_snapshot!("gateway_502", err);
}

#[tokio::test]
async fn a_400_that_is_not_json_keeps_its_status() {
    let err = show(400, Some("text/plain"), "Bad Request")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.request_id(), Some("req-0001"));
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.error_msg.as_deref(), Some("Bad Request"));
}

#[tokio::test]
async fn success_with_plain_text() {
    let err = show(200, Some("text/plain;charset=UTF-8"), "操作成功")
        .await
        .unwrap_err();
    let Error::UnexpectedBody {
        status,
        content_type,
        snippet,
        ..
    } = &err
    else {
        panic!("expected UnexpectedBody, got {err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(content_type.as_deref(), Some("text/plain;charset=UTF-8"));
    assert_eq!(snippet, "操作成功");
    insta::assert_debug_snapshot!("plain_text_200", err);
}

#[tokio::test]
async fn success_with_an_empty_body() {
    for content_type in [None, Some("application/json")] {
        let err = show(200, content_type, "").await.unwrap_err();
        assert!(
            matches!(err, Error::EmptyBody { status, .. } if status.as_u16() == 200),
            "{content_type:?}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            "HTTP 200 OK with an empty body (request id req-0001)"
        );
    }
}

#[tokio::test]
async fn a_time_outside_the_representable_years_names_the_field() {
    let err = show(200, JSON, r#"{"id":"t1","sync_time":9223372036854775807}"#)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(decode.path, "sync_time");
}
