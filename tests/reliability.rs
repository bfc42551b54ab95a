//! The client on the server's bad days, against the sandbox's fault
//! injection and small local servers: what is retried and how often, what
//! is not, and that every call ends within its deadline.

use std::time::{Duration, Instant};

use dataarts_security::{Client, Credentials, Error, ListTasks, RetryPolicy, TimeoutScope};
use dataarts_security_sandbox::{Config, DEFAULT_TOKEN, DEFAULT_USER, Fault, Sandbox, fixtures};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn builder(url: &str) -> dataarts_security::ClientBuilder {
    Client::builder()
        .endpoint(url)
        .iam_endpoint(url)
        .region("cn-north-4")
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(Credentials::token(DEFAULT_TOKEN))
        .env(|_| None)
        .retry(
            RetryPolicy::attempts(4)
                .with_backoff(Duration::from_millis(20), Duration::from_millis(100)),
        )
}

async fn sandbox(faults: Vec<Fault>) -> Sandbox {
    Sandbox::start(Config {
        faults,
        ..Config::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let sandbox = sandbox(vec![
        Fault::status(503),
        Fault::status(502),
        Fault::status(500),
    ])
    .await;
    let started = Instant::now();
    let task = builder(&sandbox.url())
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap();
    assert_eq!(task.id.as_deref(), Some(fixtures::SEED_TASK_ID));
    assert_eq!(sandbox.api_requests(), 4, "three failures, then the answer");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit_with_the_last_error() {
    let sandbox = sandbox(vec![Fault::status(503); 6]).await;
    let err = builder(&sandbox.url())
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(sandbox.api_requests(), 4);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404] {
        let sandbox = sandbox(vec![Fault::status(status)]).await;
        let err = builder(&sandbox.url())
            .build()
            .unwrap()
            .show_task(fixtures::SEED_TASK_ID)
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable(), "{status}");
        assert_eq!(sandbox.api_requests(), 1, "{status}");
    }
}

#[tokio::test]
async fn an_auth_failure_is_never_retried() {
    let sandbox = sandbox(vec![]).await;
    let client = builder(&sandbox.url())
        .credentials(Credentials::token("not-the-token"))
        .build()
        .unwrap();
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(sandbox.api_requests(), 1);
}

#[tokio::test]
async fn throttling_waits_for_retry_after_in_seconds() {
    let sandbox = sandbox(vec![Fault::throttled("1")]).await;
    let started = Instant::now();
    builder(&sandbox.url())
        .build()
        .unwrap()
        .list_tasks(&ListTasks::new())
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(sandbox.api_requests(), 2);
}

#[tokio::test]
async fn throttling_honours_an_http_date_and_keeps_code_and_request_id() {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&at)
        .unwrap();
    // One attempt only: the error itself is what is checked.
    let sandbox = sandbox(vec![Fault::throttled(date)]).await;
    let client = builder(&sandbox.url())
        .retry(RetryPolicy::attempts(1))
        .build()
        .unwrap();
    let err = client.show_task(fixtures::SEED_TASK_ID).await.unwrap_err();
    let Error::Throttled(throttled) = &err else {
        panic!("expected Throttled, got {err:?}")
    };
    let wait = throttled.retry_after.expect("Retry-After was sent");
    assert!(
        wait <= Duration::from_secs(2) && wait >= Duration::from_millis(500),
        "{wait:?}"
    );
    assert_eq!(err.error_code(), Some("APIG.0308"));
    assert!(err.request_id().is_some());
}

#[tokio::test]
async fn a_retry_after_past_the_deadline_gives_up_at_once() {
    let sandbox = sandbox(vec![Fault::throttled("3600")]).await;
    let started = Instant::now();
    let err = builder(&sandbox.url())
        .operation_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(sandbox.api_requests(), 1);
}

#[tokio::test]
async fn a_stall_after_headers_times_out_and_is_retried() {
    let sandbox = sandbox(vec![Fault::StallAfterHeaders]).await;
    let started = Instant::now();
    let task = builder(&sandbox.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap();
    assert_eq!(task.id.as_deref(), Some(fixtures::SEED_TASK_ID));
    assert_eq!(sandbox.api_requests(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_operation_deadline_bounds_everything() {
    let sandbox = sandbox(vec![Fault::StallAfterHeaders; 10]).await;
    let started = Instant::now();
    let err = builder(&sandbox.url())
        .timeout(Duration::from_millis(400))
        .operation_timeout(Duration::from_millis(900))
        .retry(RetryPolicy::attempts(10))
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        elapsed >= Duration::from_millis(800) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
    assert!(matches!(
        err,
        Error::Timeout {
            scope: TimeoutScope::Operation | TimeoutScope::Attempt,
            ..
        }
    ));
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit_and_is_not_retried() {
    let sandbox = sandbox(vec![Fault::Endless]).await;
    let err = builder(&sandbox.url())
        .max_body_bytes(64 * 1024)
        .build()
        .unwrap()
        .list_tasks(&ListTasks::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 65536, .. }),
        "{err:?}"
    );
    assert_eq!(sandbox.api_requests(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_retried() {
    let sandbox = sandbox(vec![Fault::Truncated]).await;
    let page = builder(&sandbox.url())
        .build()
        .unwrap()
        .list_tasks(&ListTasks::new())
        .await
        .unwrap();
    assert_eq!(page.total, Some(fixtures::default_tasks().len() as u64));
    assert_eq!(sandbox.api_requests(), 2);
}

#[tokio::test]
async fn a_200_that_is_not_json_is_a_typed_error_and_not_retried() {
    let sandbox = sandbox(vec![Fault::NonJson]).await;
    let err = builder(&sandbox.url())
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedBody { .. }), "{err:?}");
    assert_eq!(sandbox.api_requests(), 1);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_succeeds() {
    let expired = Fault::Status {
        status: 401,
        error_code: "APIG.0307".into(),
        retry_after: None,
    };
    let sandbox = sandbox(vec![expired]).await;
    let (user, password, domain) = DEFAULT_USER;
    let client = builder(&sandbox.url())
        .credentials(Credentials::password(user, password, domain))
        .build()
        .unwrap();
    client.show_task(fixtures::SEED_TASK_ID).await.unwrap();
    assert_eq!(sandbox.token_requests(), 2, "the refused token is replaced");
    assert_eq!(sandbox.api_requests(), 2);
}

/// Field report B14: a caller-supplied `reqwest::Client` without any timeout
/// still gets the client's attempt timeout.
#[tokio::test]
async fn a_callers_client_without_timeouts_still_times_out() {
    let sandbox = sandbox(vec![Fault::StallAfterHeaders; 5]).await;
    let started = Instant::now();
    let err = builder(&sandbox.url())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::attempts(1))
        .build()
        .unwrap()
        .show_task(fixtures::SEED_TASK_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                scope: TimeoutScope::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

/// Field report B16: a pooled connection that the server closed while it
/// was idle. The server here answers once per connection and then, like a
/// gateway whose idle timer fired, closes the connection when the next
/// request arrives on it.
#[tokio::test]
async fn a_pooled_connection_closed_by_the_server_is_retried_on_a_new_one() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0; 8192];
                let _ = socket.read(&mut buffer).await;
                let body = r#"{"total":0,"tasks":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: keep-alive\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                // The next request on this connection finds it closed.
                let _ = socket.read(&mut buffer).await;
            });
        }
    });

    let client = builder(&url).build().unwrap();
    client.list_tasks(&ListTasks::new()).await.unwrap();
    client.list_tasks(&ListTasks::new()).await.unwrap();
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error_while_reading() {
    let sandbox = sandbox(vec![Fault::Truncated]).await;
    let err = builder(&sandbox.url())
        .retry(RetryPolicy::attempts(1))
        .build()
        .unwrap()
        .list_tasks(&ListTasks::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the connection failed while reading the response"
    );
    assert!(err.is_retryable());
}
