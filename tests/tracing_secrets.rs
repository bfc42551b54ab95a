//! Nothing secret reaches the logs: with the library's tracing at its most
//! verbose, no secret key, security token, password, IAM token or signature
//! appears in what a subscriber receives.

use std::io::Write;
use std::sync::{Arc, Mutex};

use dataarts_security::{Client, Credentials, ListTasks};
use dataarts_security_sandbox::{
    DEFAULT_ACCESS_KEY, DEFAULT_REGION, DEFAULT_SECRET_KEY, DEFAULT_USER, Sandbox, fixtures,
};

/// A writer that collects everything into one buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn trace_output_holds_no_secret() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("dataarts_security=trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let sandbox = Sandbox::start(Default::default()).await.unwrap();
            let builder = || {
                Client::builder()
                    .endpoint(sandbox.url())
                    .iam_endpoint(sandbox.url())
                    .region(DEFAULT_REGION)
                    .project_id(fixtures::PROJECT_ID)
                    .workspace(fixtures::WORKSPACE)
                    .env(|_| None)
            };
            let (user, password, domain) = DEFAULT_USER;
            for credentials in [
                Credentials::temporary(
                    DEFAULT_ACCESS_KEY,
                    DEFAULT_SECRET_KEY,
                    "security-token-value",
                ),
                Credentials::password(user, password, domain),
                Credentials::token(dataarts_security_sandbox::DEFAULT_TOKEN),
                Credentials::access_key(DEFAULT_ACCESS_KEY, "a-wrong-secret-key"),
            ] {
                let client = builder().credentials(credentials).build().unwrap();
                let _ = client.show_task(fixtures::SEED_TASK_ID).await;
                let _ = client.list_tasks(&ListTasks::new().limit(2)).await;
            }
            sandbox.shutdown().await;
        });
    });

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    // The capture works: the request spans are there, with their fields.
    assert!(logs.contains("dataarts.request"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("canonical_request"), "{logs}");
    for secret in [
        DEFAULT_SECRET_KEY,
        "a-wrong-secret-key",
        "security-token-value",
        DEFAULT_USER.1,
        dataarts_security_sandbox::DEFAULT_TOKEN,
        "sandbox-iam-token-",
        "Signature=",
    ] {
        assert!(!logs.contains(secret), "{secret:?} leaked into:\n{logs}");
    }
}
