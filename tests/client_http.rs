//! The library against httpmock: the exact request on the wire and what
//! comes back, for both operations.

use dataarts_security::{
    Client, ClusterType, Credentials, Error, ListTasks, OrderBy, ScheduleStatus, SyncStatus,
};
use dataarts_security_tests::{PROJECT, TOKEN, WORKSPACE, catch_all, client, data, target};
use httpmock::prelude::*;

const SEED_ID: &str = "088c2b59114405ab4fbc0df5bd05202b";
const SEED_JSON: &str = dataarts_security_sandbox::fixtures::SEED_TASK_JSON;

fn tasks_path() -> String {
    format!("/v1/{PROJECT}/security/member-sync-tasks")
}

#[tokio::test]
async fn show_sends_the_documented_request_and_decodes_the_seed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{}/{SEED_ID}", tasks_path()))
                // The whole request target: no query at all, not even `?`.
                .is_true(|req| {
                    target(req) == format!("/v1/{PROJECT}/security/member-sync-tasks/{SEED_ID}")
                })
                .header("workspace", WORKSPACE)
                .header("x-auth-token", TOKEN)
                .header("content-type", "application/json")
                .header_missing("api-version")
                .header_missing("authorization");
            then.status(200)
                .header("content-type", "application/json")
                .header("X-Request-Id", "req-0001")
                .body(SEED_JSON);
        })
        .await;

    let task = client(&server.base_url()).show_task(SEED_ID).await.unwrap();

    mock.assert_async().await;
    assert_eq!(task.id.as_deref(), Some(SEED_ID));
    assert_eq!(
        task.cluster_name.as_deref(),
        Some("dws_ssl_4autotest_nomodify")
    );
    assert_eq!(task.cluster_type, Some(ClusterType::Dws));
    assert_eq!(task.sync_status, Some(SyncStatus::SyncFail));
    // 1710901516000 ms after the epoch, as the vendor's example says.
    assert_eq!(task.sync_time.unwrap().to_string(), "2024-03-20T02:25:16Z");
    assert_eq!(
        task.create_time.unwrap().as_millisecond(),
        1_710_856_132_000
    );
}

#[tokio::test]
async fn list_sends_every_filter_as_the_official_sdk_does() {
    // The official SDK's wire query: keys sorted, RFC 3986 escaping (space
    // as %20, `+` as %2B), booleans as true/false.
    let expected = format!(
        "{}?cluster_name=dws%20cluster%2B01&cluster_type=DWS&limit=10&offset=0&order_by=CREATE_TIME&order_by_asc=true&schedule_status=NOT_SCHEDULE&sync_status=SYNC_FAIL",
        tasks_path()
    );
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(tasks_path())
                .is_true(move |req| target(req) == expected)
                .header("workspace", WORKSPACE)
                .header("x-auth-token", TOKEN);
            then.status(200)
                .header("content-type", "application/json")
                .body(data("decoding/list-page.json"));
        })
        .await;

    let query = ListTasks::new()
        .limit(10)
        .offset(0)
        .cluster_type(ClusterType::Dws)
        .cluster_name("dws cluster+01")
        .sync_status(SyncStatus::SyncFail)
        .schedule_status(ScheduleStatus::NotSchedule)
        .order_by(OrderBy::CreateTime)
        .order_by_asc(true);
    let page = client(&server.base_url()).list_tasks(&query).await.unwrap();

    mock.assert_async().await;
    assert_eq!(page.total, Some(57));
    assert_eq!(page.tasks.len(), 2);
    assert_eq!(page.tasks[0].schedule_interval, Some(15));
    assert_eq!(page.tasks[1].cluster_type, Some(ClusterType::Dws));
}

#[tokio::test]
async fn list_without_filters_sends_no_question_mark() {
    let server = MockServer::start_async().await;
    let expected = tasks_path();
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).is_true(move |req| target(req) == expected);
            then.status(200).body(r#"{"total":0,"tasks":[]}"#);
        })
        .await;

    let page = client(&server.base_url())
        .list_tasks(&ListTasks::new())
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(page.total, Some(0));
    assert!(page.tasks.is_empty());
}

#[tokio::test]
async fn unusual_but_legal_ids_are_escaped_like_the_official_sdk() {
    let server = MockServer::start_async().await;
    let expected = format!("{}/task%20%C3%A9%2A~1", tasks_path());
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).is_true(move |req| target(req) == expected);
            then.status(200).body(r#"{"id":"task é*~1"}"#);
        })
        .await;

    let task = client(&server.base_url())
        .show_task("task é*~1")
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(task.id.as_deref(), Some("task é*~1"));
}

#[tokio::test]
async fn ids_that_would_change_the_path_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let client = client(&server.base_url());

    for (task_id, reason) in [
        ("", "must not be empty"),
        ("..", "relative path segment"),
        ("a/b", "'/'"),
        ("a?b=c", "'?'"),
        ("a#b", "'#'"),
        ("a%2Fb", "'%'"),
        ("a\r\nX-Injected: 1", "control character"),
        (" padded", "white space"),
    ] {
        let err = client.show_task(task_id).await.unwrap_err();
        match &err {
            Error::InvalidInput { field, reason: why } => {
                assert_eq!(*field, "task_id", "{task_id:?}");
                assert!(why.contains(reason), "{task_id:?}: {why}");
            }
            other => panic!("{task_id:?}: expected InvalidInput, got {other:?}"),
        }
        assert!(err.to_string().starts_with("invalid task_id: "), "{err}");
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_limit_of_zero_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;

    let err = client(&server.base_url())
        .list_tasks(&ListTasks::new().limit(0))
        .await
        .unwrap_err();

    assert!(
        matches!(err, Error::InvalidInput { field: "limit", .. }),
        "{err:?}"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_endpoint_with_a_trailing_slash_does_not_double_the_slash() {
    let server = MockServer::start_async().await;
    let expected = format!("{}/{SEED_ID}", tasks_path());
    let mock = server
        .mock_async(|when, then| {
            when.is_true(move |req| target(req) == expected);
            then.status(200).body(SEED_JSON);
        })
        .await;

    let endpoint = format!("{}/", server.base_url());
    client(&endpoint).show_task(SEED_ID).await.unwrap();

    mock.assert_async().await;
}

#[tokio::test]
async fn a_400_keeps_status_code_message_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(400)
                .header("content-type", "application/json")
                .header("X-Request-Id", "req-0400")
                .body(data("decoding/error-400.json"));
        })
        .await;

    let err = client(&server.base_url())
        .show_task("nope")
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some("DLS.1000"));
    assert_eq!(err.request_id(), Some("req-0400"));
    assert_eq!(
        err.to_string(),
        "HTTP 400 Bad Request DLS.1000: The parameter is invalid. (request id req-0400)"
    );
}

#[tokio::test]
async fn a_gateway_html_page_becomes_an_api_error_with_a_snippet() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(502)
                .header("content-type", "text/html")
                .body(data("decoding/gateway-502.html"));
        })
        .await;

    let err = client(&server.base_url())
        .show_task(SEED_ID)
        .await
        .unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.error_code, None);
    assert_eq!(api.request_id, None);
    assert_eq!(api.content_type.as_deref(), Some("text/html"));
    let msg = api.error_msg.as_deref().unwrap();
    assert!(
        msg.starts_with("<html> <head><title>502 Bad Gateway</title></head>"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_while_reading() {
    let server = MockServer::start_async().await;
    let big = format!(r#"{{"id":"t1","sync_msg":"{}"}}"#, "x".repeat(4096));
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(big);
        })
        .await;

    let client = Client::builder()
        .endpoint(server.base_url())
        .project_id(PROJECT)
        .workspace(WORKSPACE)
        .credentials(Credentials::token(TOKEN))
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let err = client.show_task("t1").await.unwrap_err();

    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[test]
fn regions_resolve_through_the_builder() {
    let build = |region: &str, env: Option<(&'static str, &'static str)>| {
        Client::builder()
            .region(region)
            .project_id(PROJECT)
            .workspace(WORKSPACE)
            .credentials(Credentials::token(TOKEN))
            .env(move |key| env.filter(|(k, _)| *k == key).map(|(_, v)| v.to_owned()))
            .build()
    };

    let known = build("cn-north-4", None).unwrap();
    assert_eq!(
        known.endpoint().as_str(),
        "https://dayu.cn-north-4.myhuaweicloud.com"
    );

    let unknown = build("xx-new-1", None).unwrap_err();
    assert!(matches!(unknown, Error::Endpoint(_)), "{unknown:?}");
    assert!(unknown.to_string().contains("--endpoint"), "{unknown}");

    let overridden = build(
        "xx-new-1",
        Some((
            "HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_XX_NEW_1",
            "https://dayu.xx-new-1.example.com",
        )),
    )
    .unwrap();
    assert_eq!(
        overridden.endpoint().as_str(),
        "https://dayu.xx-new-1.example.com"
    );
}

#[test]
fn debug_output_of_a_client_never_shows_the_token() {
    let client = client("http://127.0.0.1:9");
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");
}
