//! Paging through whole listings: every task once, in order, with as many
//! requests as pages; and field report B09's inconsistent services.

use dataarts_security::{Error, ListTasks, OrderBy};
use dataarts_security_sandbox::{Config, DEFAULT_TOKEN, Sandbox, fixtures};
use dataarts_security_tests::client;
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;

fn sandbox_client(sandbox: &Sandbox) -> dataarts_security::Client {
    dataarts_security::Client::builder()
        .endpoint(sandbox.url())
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(dataarts_security::Credentials::token(DEFAULT_TOKEN))
        .env(|_| None)
        .build()
        .unwrap()
}

#[tokio::test]
async fn ten_thousand_tasks_arrive_once_each_in_order_with_one_request_per_page() {
    let tasks = fixtures::generated(10_000, 42);
    let sandbox = Sandbox::start(Config {
        tasks: tasks.clone(),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = sandbox_client(&sandbox);

    let query = ListTasks::new()
        .order_by(OrderBy::ClusterName)
        .order_by_asc(true)
        .limit(100);
    let page = client.collect_all(query).await.unwrap();
    let seen = page.tasks;

    assert_eq!(page.total, Some(10_000));
    assert_eq!(seen.len(), 10_000);
    assert_eq!(sandbox.api_requests(), 100);
    let mut expected = tasks;
    expected.sort_by(|a, b| {
        a.cluster_name
            .cmp(&b.cluster_name)
            .then_with(|| a.id.cmp(&b.id))
    });
    let expected_ids: Vec<_> = expected.iter().map(|t| t.id.clone()).collect();
    let seen_ids: Vec<_> = seen.iter().map(|t| t.id.clone()).collect();
    assert_eq!(seen_ids, expected_ids);
}

#[tokio::test]
async fn a_stream_dropped_early_stops_fetching() {
    let sandbox = Sandbox::start(Config {
        tasks: fixtures::generated(1_000, 7),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = sandbox_client(&sandbox);
    let first: Vec<_> = client
        .list_all(ListTasks::new().limit(100))
        .take(150)
        .collect()
        .await;
    assert_eq!(first.len(), 150);
    assert_eq!(sandbox.api_requests(), 2);
}

/// Serves `pages` by offset with limit 2; returns the mock server.
async fn paged(pages: &[(u32, &'static str)]) -> MockServer {
    let server = MockServer::start_async().await;
    for (offset, body) in pages {
        let offset = offset.to_string();
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .query_param("offset", offset.as_str())
                    .query_param("limit", "2");
                then.status(200)
                    .header("content-type", "application/json")
                    .body(*body);
            })
            .await;
    }
    server
}

fn ids(tasks: &[dataarts_security::MemberSyncTask]) -> Vec<&str> {
    tasks.iter().map(|t| t.id.as_deref().unwrap()).collect()
}

#[tokio::test]
async fn offsets_count_items_from_zero() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.query_param("offset", "0").query_param("limit", "2");
            then.status(200)
                .body(r#"{"total":3,"tasks":[{"id":"t1"},{"id":"t2"}]}"#);
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.query_param("offset", "2").query_param("limit", "2");
            then.status(200)
                .body(r#"{"total":3,"tasks":[{"id":"t3"}]}"#);
        })
        .await;

    let tasks = client(&server.base_url())
        .collect_all(ListTasks::new().limit(2))
        .await
        .unwrap();

    assert_eq!(ids(&tasks.tasks), ["t1", "t2", "t3"]);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn a_service_that_ignores_offset_is_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .body(r#"{"total":3,"tasks":[{"id":"t1"},{"id":"t2"}]}"#);
        })
        .await;

    let client = client(&server.base_url());
    let mut stream = Box::pin(client.list_all(ListTasks::new().limit(2)));
    let mut seen = Vec::new();
    let err = loop {
        match stream.try_next().await {
            Ok(Some(task)) => seen.push(task.id.unwrap()),
            Ok(None) => panic!("the stream ended without noticing"),
            Err(err) => break err,
        }
    };
    assert_eq!(seen, ["t1", "t2"]);
    assert!(matches!(err, Error::Paging { offset: 2, .. }), "{err:?}");
    any.assert_calls_async(2).await;
}

#[tokio::test]
async fn an_empty_page_while_total_says_more_is_an_error() {
    let server = paged(&[
        (0, r#"{"total":3,"tasks":[{"id":"t1"},{"id":"t2"}]}"#),
        (2, r#"{"total":3,"tasks":[]}"#),
    ])
    .await;
    let err = client(&server.base_url())
        .collect_all(ListTasks::new().limit(2))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Paging { offset: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("total says 3"), "{err}");
}

#[tokio::test]
async fn a_total_that_grows_while_paging_is_followed() {
    let server = paged(&[
        (0, r#"{"total":3,"tasks":[{"id":"t1"},{"id":"t2"}]}"#),
        (2, r#"{"total":4,"tasks":[{"id":"t3"},{"id":"t4"}]}"#),
    ])
    .await;
    let tasks = client(&server.base_url())
        .collect_all(ListTasks::new().limit(2))
        .await
        .unwrap();
    assert_eq!(ids(&tasks.tasks), ["t1", "t2", "t3", "t4"]);
}

#[tokio::test]
async fn a_task_pushed_onto_the_next_page_is_not_handed_out_twice() {
    // A task was added at the front between the two requests: t2 moves
    // from the first page to the second.
    let server = paged(&[
        (0, r#"{"total":3,"tasks":[{"id":"t1"},{"id":"t2"}]}"#),
        (2, r#"{"total":4,"tasks":[{"id":"t2"},{"id":"t3"}]}"#),
    ])
    .await;
    let tasks = client(&server.base_url())
        .collect_all(ListTasks::new().limit(2))
        .await
        .unwrap();
    assert_eq!(ids(&tasks.tasks), ["t1", "t2", "t3"]);
}

#[tokio::test]
async fn a_service_that_caps_its_pages_is_paged_to_the_end() {
    // Asked for 100, the service answers 2 at a time; the total says 5.
    let server = MockServer::start_async().await;
    for (offset, body) in [
        ("0", r#"{"total":5,"tasks":[{"id":"t1"},{"id":"t2"}]}"#),
        ("2", r#"{"total":5,"tasks":[{"id":"t3"},{"id":"t4"}]}"#),
        ("4", r#"{"total":5,"tasks":[{"id":"t5"}]}"#),
    ] {
        server
            .mock_async(|when, then| {
                when.query_param("offset", offset)
                    .query_param("limit", "100");
                then.status(200).body(body);
            })
            .await;
    }
    let page = client(&server.base_url())
        .collect_all(ListTasks::new().limit(100))
        .await
        .unwrap();
    assert_eq!(ids(&page.tasks), ["t1", "t2", "t3", "t4", "t5"]);
    assert_eq!(page.total, Some(5));
}

#[tokio::test]
async fn collecting_from_an_offset_keeps_the_services_total() {
    let server = paged(&[(2, r#"{"total":3,"tasks":[{"id":"t3"}]}"#)]).await;
    let page = client(&server.base_url())
        .collect_all(ListTasks::new().limit(2).offset(2))
        .await
        .unwrap();
    assert_eq!(ids(&page.tasks), ["t3"]);
    assert_eq!(page.total, Some(3));
}
