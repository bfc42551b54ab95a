//! Authentication end to end: access-key signatures checked by the sandbox's
//! independent verifier, the gateway's refusals, stale signing times, IAM
//! password tokens and project lookup.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use dataarts_security::{Client, Credentials, Error, ListTasks, Signing};
use dataarts_security_sandbox::{
    Config, DEFAULT_ACCESS_KEY, DEFAULT_REGION, DEFAULT_SECRET_KEY, DEFAULT_USER, Sandbox, fixtures,
};
use dataarts_security_tests::target;
use httpmock::prelude::*;
use jiff::Timestamp;

fn builder(sandbox: &Sandbox) -> dataarts_security::ClientBuilder {
    Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .region(DEFAULT_REGION)
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .env(|_| None)
}

fn keys() -> Credentials {
    Credentials::access_key(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
}

#[tokio::test]
async fn access_key_signatures_verify_in_the_sandbox() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    for signing in [Signing::Plain, Signing::Derived, Signing::Sm3] {
        let client = builder(&sandbox)
            .credentials(keys().with_signing(signing))
            .build()
            .unwrap();
        let task = client.show_task(fixtures::SEED_TASK_ID).await.unwrap();
        assert_eq!(
            task.cluster_name.as_deref(),
            Some("dws_ssl_4autotest_nomodify")
        );
        // A query with characters that must be escaped is signed as sent.
        let page = client
            .list_tasks(
                &ListTasks::new()
                    .cluster_name("dws ssl+4*autotest~é")
                    .limit(3)
                    .order_by_asc(true),
            )
            .await
            .unwrap();
        assert_eq!(page.total, Some(0), "{signing:?}");
    }
    let temporary =
        Credentials::temporary(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, "temporary-token");
    builder(&sandbox)
        .credentials(temporary)
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap();
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_apig_0301_and_never_shown() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = builder(&sandbox)
        .credentials(Credentials::access_key(
            DEFAULT_ACCESS_KEY,
            "wrong-secret-value",
        ))
        .build()
        .unwrap();
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.error_code(), Some("APIG.0301"));
    assert!(err.is_auth_failure());
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("wrong-secret-value"), "{text}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_unknown_key_is_refused() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = builder(&sandbox)
        .credentials(Credentials::access_key("NOSUCHKEY", DEFAULT_SECRET_KEY))
        .build()
        .unwrap();
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIG.0301"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn five_failures_in_a_row_lock_the_key() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let wrong = builder(&sandbox)
        .credentials(Credentials::access_key(DEFAULT_ACCESS_KEY, "wrong"))
        .build()
        .unwrap();
    for _ in 0..5 {
        wrong.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    }
    let right = builder(&sandbox).credentials(keys()).build().unwrap();
    let err = right.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIG.0301"));
    assert!(err.to_string().contains("locked"), "{err}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_stale_clock_gives_a_signature_expired_error_with_both_times() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let skewed = Timestamp::now() - jiff::SignedDuration::from_mins(16);
    let client = builder(&sandbox)
        .credentials(keys())
        .clock(move || skewed)
        .build()
        .unwrap();

    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();

    let Error::SignatureExpired(skew) = &err else {
        panic!("expected SignatureExpired, got {err:?}")
    };
    assert_eq!(skew.signed_at.as_second(), skewed.as_second());
    let server = skew.server_time.expect("the sandbox sends a Date header");
    let apart = server.as_second() - skewed.as_second();
    assert!((16 * 60..16 * 60 + 30).contains(&apart), "{apart}");
    let text = err.to_string();
    assert!(text.contains("signature expired"), "{text}");
    assert!(text.contains("behind the server"), "{text}");
    assert!(err.is_auth_failure());
    sandbox.shutdown().await;
}

/// Field report B02: every send is signed at its own time, and a stale
/// `X-Sdk-Date` among a caller's client's default headers does not win over
/// it. (That a date already in the request is replaced before signing is
/// pinned by the unit test `transport::tests::a_preset_date_is_replaced_by_the_signing_time`.)
#[tokio::test]
async fn every_send_is_signed_at_its_own_time() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.header("x-sdk-date", "20240101T000000Z");
            then.status(200).body(r#"{"total":0,"tasks":[]}"#);
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.header("x-sdk-date", "20240101T001600Z");
            then.status(200).body(r#"{"total":0,"tasks":[]}"#);
        })
        .await;

    // A caller-supplied client whose default headers carry a stale date.
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("X-Sdk-Date", "20240101T000000Z".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let t0: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    let now = Arc::new(AtomicI64::new(t0.as_second()));
    let clock = now.clone();
    let client = Client::builder()
        .endpoint(server.base_url())
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(keys())
        .http_client(http)
        .clock(move || Timestamp::from_second(clock.load(Ordering::SeqCst)).unwrap())
        .build()
        .unwrap();

    client.list_tasks(&ListTasks::new()).await.unwrap();
    now.store(t0.as_second() + 16 * 60, Ordering::SeqCst);
    client.list_tasks(&ListTasks::new()).await.unwrap();

    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn signed_requests_carry_the_official_headers() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.header("x-project-id", fixtures::PROJECT_ID)
                .header("x-security-token", "temporary-token")
                .header("content-type", "application/json")
                .header_exists("x-sdk-date")
                .header_missing("x-auth-token")
                .header_missing("api-version")
                .is_true(|req| {
                    let auth = req
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    auth.starts_with("SDK-HMAC-SHA256 Access=SANDBOXAK00000000000, SignedHeaders=")
                        && auth.contains("workspace;x-project-id;x-sdk-date;x-security-token")
                })
                .is_true(|req| {
                    target(req)
                        == format!("/v1/{}/security/member-sync-tasks", fixtures::PROJECT_ID)
                });
            then.status(200).body(r#"{"total":0,"tasks":[]}"#);
        })
        .await;
    let client = Client::builder()
        .endpoint(server.base_url())
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(Credentials::temporary(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET_KEY,
            "temporary-token",
        ))
        .build()
        .unwrap();
    client.list_tasks(&ListTasks::new()).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn a_password_login_is_fetched_once_and_reused() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let (user, password, domain) = DEFAULT_USER;
    let client = builder(&sandbox)
        .credentials(Credentials::password(user, password, domain))
        .build()
        .unwrap();

    client.show_task(fixtures::SEED_TASK_ID).await.unwrap();
    client.list_tasks(&ListTasks::new()).await.unwrap();
    // Many calls starting together wait for one fetch.
    let fresh = builder(&sandbox)
        .credentials(Credentials::password(user, password, domain))
        .build()
        .unwrap();
    let query = ListTasks::new().limit(1);
    let calls = (0..8).map(|_| fresh.list_tasks(&query));
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }

    assert_eq!(sandbox.token_requests(), 2, "one fetch per client");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let (user, password, domain) = DEFAULT_USER;
    let offset = Arc::new(AtomicI64::new(0));
    let clock = offset.clone();
    let client = builder(&sandbox)
        .credentials(Credentials::password(user, password, domain))
        .clock(move || {
            Timestamp::now() + jiff::SignedDuration::from_secs(clock.load(Ordering::SeqCst))
        })
        .build()
        .unwrap();

    client.list_tasks(&ListTasks::new().limit(1)).await.unwrap();
    // 23 hours 50 minutes later the 24-hour token is inside the renewal
    // margin of 15 minutes.
    offset.store(23 * 3600 + 50 * 60, Ordering::SeqCst);
    client.list_tasks(&ListTasks::new().limit(1)).await.unwrap();

    assert_eq!(sandbox.token_requests(), 2);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_is_an_api_error_from_iam() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = builder(&sandbox)
        .credentials(Credentials::password(
            "sandbox-user",
            "not-the-password",
            "sandbox-domain",
        ))
        .build()
        .unwrap();
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(
        err.to_string()
            .contains("IAM refused the password login: The username or password is wrong."),
        "{err}"
    );
    assert!(err.is_auth_failure());
    assert!(!format!("{err} {err:?}").contains("not-the-password"));
    assert_eq!(
        sandbox.api_requests(),
        0,
        "no task request is sent without a token"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_project_id_is_looked_up_once_from_the_region() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = Client::builder()
        .endpoint(sandbox.url())
        .iam_endpoint(sandbox.url())
        .region(DEFAULT_REGION)
        .workspace(fixtures::WORKSPACE)
        .credentials(keys())
        .env(|_| None)
        .build()
        .unwrap();
    assert_eq!(client.project_id().await.unwrap(), fixtures::PROJECT_ID);
    let task = client.show_task(fixtures::SEED_TASK_ID).await.unwrap();
    assert_eq!(task.project_id.as_deref(), Some(fixtures::PROJECT_ID));
    client.list_tasks(&ListTasks::new()).await.unwrap();
    assert_eq!(sandbox.project_requests(), 1, "looked up once, then cached");
    sandbox.shutdown().await;
}

#[test]
fn without_a_project_id_a_token_client_cannot_be_built() {
    let err = Client::builder()
        .region("cn-north-4")
        .workspace("w")
        .credentials(Credentials::token("t"))
        .env(|_| None)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "project_id",
                ..
            }
        ),
        "{err:?}"
    );
}
