//! The client against the sandbox, end to end over HTTP on 127.0.0.1, and
//! the sandbox's answers to requests the client would never send.

use dataarts_security::{
    Client, ClusterType, Credentials, Error, ListTasks, OrderBy, ScheduleStatus, SyncStatus,
};
use dataarts_security_sandbox::{DEFAULT_TOKEN, Sandbox, fixtures};
use dataarts_security_tests::spec_show_example;

fn client_for(sandbox: &Sandbox, token: &str) -> Client {
    Client::builder()
        .endpoint(sandbox.url())
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(Credentials::token(token))
        .build()
        .unwrap()
}

async fn start() -> (Sandbox, Client) {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let client = client_for(&sandbox, DEFAULT_TOKEN);
    (sandbox, client)
}

#[test]
fn the_sandbox_seed_is_the_spec_example() {
    let seed: serde_json::Value = serde_json::from_str(fixtures::SEED_TASK_JSON).unwrap();
    assert_eq!(seed, spec_show_example());
}

#[tokio::test]
async fn show_returns_the_seed_exactly_as_the_vendor_documents_it() {
    let (sandbox, client) = start().await;
    let task = client.show_task(fixtures::SEED_TASK_ID).await.unwrap();
    assert_eq!(serde_json::to_value(&task).unwrap(), spec_show_example());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_missing_task_is_a_400_with_a_dls_code_and_a_request_id() {
    let (sandbox, client) = start().await;
    let err = client
        .show_task("00000000000000000000000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.error_code(), Some("DLS.1000"));
    assert_eq!(err.request_id().map(str::len), Some(32));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn filters_match_the_fixture_set() {
    let (sandbox, client) = start().await;
    let all = fixtures::default_tasks();

    let expected = all
        .iter()
        .filter(|t| {
            t.sync_status == Some(SyncStatus::SyncFail) && t.cluster_type == Some(ClusterType::Mrs)
        })
        .count() as u64;
    let page = client
        .list_tasks(
            &ListTasks::new()
                .sync_status(SyncStatus::SyncFail)
                .cluster_type(ClusterType::Mrs)
                .limit(1000),
        )
        .await
        .unwrap();
    assert!(expected > 0);
    assert_eq!(page.total, Some(expected));
    assert_eq!(page.tasks.len() as u64, expected);
    assert!(
        page.tasks
            .iter()
            .all(|t| t.sync_status == Some(SyncStatus::SyncFail))
    );

    let name = all[5].cluster_name.clone().unwrap();
    let expected = all
        .iter()
        .filter(|t| t.cluster_name.as_deref() == Some(&name))
        .count();
    let page = client
        .list_tasks(&ListTasks::new().cluster_name(&name).limit(1000))
        .await
        .unwrap();
    assert_eq!(page.tasks.len(), expected);
    assert!(expected > 1, "cluster names repeat in the fixtures");

    let expected = all
        .iter()
        .filter(|t| t.schedule_status == Some(ScheduleStatus::Scheduling))
        .count();
    let page = client
        .list_tasks(
            &ListTasks::new()
                .schedule_status(ScheduleStatus::Scheduling)
                .limit(1),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(expected as u64));
    assert_eq!(page.tasks.len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn paging_with_offset_and_limit_covers_every_task_once_in_order() {
    let (sandbox, client) = start().await;
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let query = ListTasks::new()
            .order_by(OrderBy::ClusterName)
            .order_by_asc(true)
            .limit(37)
            .offset(offset);
        let page = client.list_tasks(&query).await.unwrap();
        assert_eq!(page.total, Some(fixtures::default_tasks().len() as u64));
        if page.tasks.is_empty() {
            break;
        }
        offset += page.tasks.len() as u32;
        seen.extend(page.tasks);
    }
    assert_eq!(seen.len(), fixtures::default_tasks().len());
    let names: Vec<_> = seen.iter().map(|t| t.cluster_name.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let mut ids: Vec<_> = seen.iter().map(|t| t.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), seen.len());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn default_order_is_newest_first() {
    let (sandbox, client) = start().await;
    let page = client.list_tasks(&ListTasks::new()).await.unwrap();
    assert_eq!(
        page.tasks.len(),
        dataarts_security_sandbox::DEFAULT_LIMIT as usize
    );
    let times: Vec<_> = page.tasks.iter().map(|t| t.create_time).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_token_is_refused_by_the_gateway() {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let err = client_for(&sandbox, "not-the-token")
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIG.0307"));
    assert!(!err.to_string().contains("not-the-token"), "{err}");
    assert!(!format!("{err:?}").contains("not-the-token"), "{err:?}");
    sandbox.shutdown().await;
}

/// What the sandbox says to raw requests the client would refuse to send.
async fn raw_get(
    sandbox: &Sandbox,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, serde_json::Value) {
    let mut request = reqwest::Client::new().get(format!("{}{path_and_query}", sandbox.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, request_id, response.json().await.unwrap())
}

#[tokio::test]
async fn bad_parameters_get_a_400_naming_the_parameter() {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let path = format!("/v1/{}/security/member-sync-tasks", fixtures::PROJECT_ID);
    let auth = [
        ("x-auth-token", DEFAULT_TOKEN),
        ("workspace", fixtures::WORKSPACE),
    ];
    for (query, parameter) in [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("offset=-1", "offset"),
        ("cluster_type=HIVE", "cluster_type"),
        ("sync_status=DONE", "sync_status"),
        ("schedule_status=x", "schedule_status"),
        ("order_by=NAME", "order_by"),
        ("order_by_asc=yes", "order_by_asc"),
    ] {
        let (status, request_id, body) = raw_get(&sandbox, &format!("{path}?{query}"), &auth).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error_code"], "DLS.1000", "{query}");
        assert!(
            body["error_msg"].as_str().unwrap().starts_with(parameter),
            "{query}: {body}"
        );
        assert!(request_id.is_some(), "{query}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_workspace_header_and_a_token_are_required() {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let path = format!("/v1/{}/security/member-sync-tasks", fixtures::PROJECT_ID);

    let (status, _, body) = raw_get(&sandbox, &path, &[("x-auth-token", DEFAULT_TOKEN)]).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (400, Some("DLS.1000"))
    );

    let (status, _, body) = raw_get(&sandbox, &path, &[("workspace", fixtures::WORKSPACE)]).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (401, Some("APIG.1002"))
    );

    let (status, request_id, _) = raw_get(&sandbox, "/v2/nothing", &[]).await;
    assert_eq!(status, 404);
    assert!(request_id.is_some());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn another_workspace_has_no_tasks() {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let client = Client::builder()
        .endpoint(sandbox.url())
        .project_id(fixtures::PROJECT_ID)
        .workspace("another-workspace")
        .credentials(Credentials::token(DEFAULT_TOKEN))
        .build()
        .unwrap();
    let page = client.list_tasks(&ListTasks::new()).await.unwrap();
    assert_eq!(page.total, Some(0));
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    sandbox.shutdown().await;
}
