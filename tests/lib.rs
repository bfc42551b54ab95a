//! Shared helpers of the workspace-level tests: fixtures and clients wired
//! to local servers. Every server here listens on 127.0.0.1 only.

use std::path::{Path, PathBuf};

use dataarts_security::{Client, Credentials, RetryPolicy};

/// Project id used against mocks.
pub const PROJECT: &str = "0833a5737480d53b2f25c010dc1a7b88";
/// Workspace id used against mocks.
pub const WORKSPACE: &str = "f7bc8f2a71524d268c4293974e3dc35b";
/// Token used against mocks.
pub const TOKEN: &str = "test-token-value";

/// Path of a file under `tests/data/`.
pub fn data_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(relative)
}

/// Contents of a file under `tests/data/`.
pub fn data(relative: &str) -> String {
    let path = data_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A client for `endpoint` with the test project, workspace and token, an
/// empty environment, and one attempt per call, so each test sees exactly
/// the exchange it set up.
pub fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id(PROJECT)
        .workspace(WORKSPACE)
        .credentials(Credentials::token(TOKEN))
        .env(|_| None)
        .retry(RetryPolicy::attempts(1))
        .build()
        .expect("test client configuration is valid")
}

/// The example response of the show operation in the spec, as JSON.
pub fn spec_show_example() -> serde_json::Value {
    let spec: serde_json::Value =
        serde_norway::from_str(include_str!("../openapi/dataarts-security.yaml"))
            .expect("spec is YAML");
    spec["paths"]["/v1/{project_id}/security/member-sync-tasks/{task_id}"]["get"]["responses"]
        ["200"]["content"]["application/json"]["example"]
        .clone()
}

/// The request target as it was on the wire: path and raw query, exactly
/// as sent (httpmock records the full URI).
pub fn target(request: &httpmock::HttpMockRequest) -> String {
    let uri = request.uri_str();
    let after_scheme = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(start) if uri.contains("://") => after_scheme[start..].to_owned(),
        _ => uri.to_owned(),
    }
}

/// A mock that answers any request with an empty object, to count what
/// reaches the server (usually: that nothing does).
pub async fn catch_all(server: &httpmock::MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await
}
