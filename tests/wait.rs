//! Waiting for a synchronization against the sandbox's scripted statuses.

use std::time::{Duration, Instant};

use dataarts_security::{Error, SyncStatus, TimeoutScope, WaitOptions};
use dataarts_security_sandbox::{DEFAULT_TOKEN, Sandbox, fixtures};
use futures::TryStreamExt;

async fn setup() -> (Sandbox, dataarts_security::Client) {
    let sandbox = Sandbox::start(Default::default()).await.unwrap();
    let client = dataarts_security::Client::builder()
        .endpoint(sandbox.url())
        .project_id(fixtures::PROJECT_ID)
        .workspace(fixtures::WORKSPACE)
        .credentials(dataarts_security::Credentials::token(DEFAULT_TOKEN))
        .env(|_| None)
        .build()
        .unwrap();
    (sandbox, client)
}

fn quick() -> WaitOptions {
    WaitOptions::new()
        .poll_interval(Duration::from_millis(50))
        .max_interval(Duration::from_millis(100))
}

const TASK: &str = fixtures::SEED_TASK_ID;

#[tokio::test]
async fn a_run_that_succeeds() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(
        TASK,
        [
            (Duration::ZERO, SyncStatus::Syncing),
            (Duration::from_millis(300), SyncStatus::SyncSuccess),
        ],
    );
    let seen: Vec<_> = client.watch(TASK, quick()).try_collect().await.unwrap();
    let statuses: Vec<_> = seen
        .iter()
        .map(|t| t.sync_status.clone().unwrap())
        .collect();
    assert_eq!(statuses, [SyncStatus::Syncing, SyncStatus::SyncSuccess]);

    let (sandbox, client) = setup().await;
    sandbox.script_status(
        TASK,
        [
            (Duration::ZERO, SyncStatus::Syncing),
            (Duration::from_millis(200), SyncStatus::SyncSuccess),
        ],
    );
    let task = client.wait_for_sync(TASK, quick()).await.unwrap();
    assert_eq!(task.sync_status, Some(SyncStatus::SyncSuccess));
}

#[tokio::test]
async fn a_run_that_fails_returns_the_failed_task() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(
        TASK,
        [
            (Duration::ZERO, SyncStatus::Syncing),
            (Duration::from_millis(200), SyncStatus::SyncFail),
        ],
    );
    let task = client.wait_for_sync(TASK, quick()).await.unwrap();
    assert_eq!(task.sync_status, Some(SyncStatus::SyncFail));
    assert_eq!(task.sync_log().failed_jobs().count(), 1);
}

#[tokio::test]
async fn the_deadline_ends_a_wait_that_never_finishes() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(TASK, [(Duration::ZERO, SyncStatus::Syncing)]);
    let started = Instant::now();
    let err = client
        .wait_for_sync(TASK, quick().timeout(Duration::from_millis(500)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                scope: TimeoutScope::Wait,
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
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_status_the_client_does_not_know_is_reported_not_waited_on() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(
        TASK,
        [
            (Duration::ZERO, SyncStatus::Syncing),
            (
                Duration::from_millis(100),
                SyncStatus::Unrecognized("SYNC_PAUSED".into()),
            ),
        ],
    );
    let started = Instant::now();
    let err = client
        .wait_for_sync(TASK, quick().timeout(Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnwaitableStatus { status } if status == "SYNC_PAUSED"),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_predicate_decides_when_to_stop() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(
        TASK,
        [
            (Duration::ZERO, SyncStatus::NotSync),
            (Duration::from_millis(150), SyncStatus::Syncing),
        ],
    );
    let options = quick().until(|task| task.sync_status == Some(SyncStatus::Syncing));
    let task = client.wait_for_sync(TASK, options).await.unwrap();
    assert_eq!(task.sync_status, Some(SyncStatus::Syncing));
}

#[tokio::test]
async fn a_poll_that_hangs_does_not_outlast_the_deadline() {
    let (sandbox, client) = setup().await;
    sandbox.inject(vec![
        dataarts_security_sandbox::Fault::StallAfterHeaders;
        10
    ]);
    let started = Instant::now();
    let err = client
        .wait_for_sync(TASK, quick().timeout(Duration::from_millis(700)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                scope: TimeoutScope::Wait,
                ..
            }
        ),
        "{err:?}"
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(650) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_wait_does_not_stop_before_its_deadline() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(TASK, [(Duration::ZERO, SyncStatus::Syncing)]);
    let started = Instant::now();
    let options = WaitOptions::new()
        .poll_interval(Duration::from_secs(10))
        .timeout(Duration::from_millis(600));
    let err = client.wait_for_sync(TASK, options).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_failed_poll_that_may_pass_is_polled_past() {
    let (sandbox, client) = setup().await;
    sandbox.script_status(TASK, [(Duration::ZERO, SyncStatus::SyncSuccess)]);
    // Three 503s exhaust one call's retries; the wait polls on.
    sandbox.inject(vec![dataarts_security_sandbox::Fault::status(503); 3]);
    let task = client.wait_for_sync(TASK, quick()).await.unwrap();
    assert_eq!(task.sync_status, Some(SyncStatus::SyncSuccess));
}
