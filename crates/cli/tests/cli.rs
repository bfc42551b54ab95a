//! The `dataarts-sync` binary against its embedded sandbox.

use assert_cmd::Command;
use dataarts_security_sandbox::fixtures;

/// The binary with a clean environment: no variable of the user's can point
/// it anywhere but the sandbox.
fn cli() -> Command {
    let mut command = Command::cargo_bin("dataarts-sync").expect("binary is built");
    command.env_clear();
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn show_prints_the_seed_task() {
    let output = cli()
        .args(["--sandbox", "show", fixtures::SEED_TASK_ID])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "cluster_name               dws_ssl_4autotest_nomodify",
        "cluster_type               DWS",
        "sync_status                SYNC_FAIL",
        // 1710901516000 and 1710856132000 ms after the epoch.
        "sync_time                  2024-03-20 02:25:16 UTC",
        "create_time                2024-03-19 13:48:52 UTC",
        "schedule                   every 4 HOUR",
        "schedule_hours             00:00 to 06:00",
        "cannot be dropped because some objects depend on it",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn show_as_json_is_the_vendor_example() {
    let output = cli()
        .args([
            "--sandbox",
            "--output",
            "json",
            "show",
            fixtures::SEED_TASK_ID,
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(fixtures::SEED_TASK_JSON).unwrap();
    assert_eq!(printed, expected);
}

#[test]
fn list_json_count_matches_the_filters() {
    let expected = fixtures::default_tasks()
        .iter()
        .filter(|t| {
            t.sync_status.as_ref().map(ToString::to_string).as_deref() == Some("SYNC_FAIL")
                && t.cluster_type.as_ref().map(ToString::to_string).as_deref() == Some("DWS")
        })
        .count();
    let output = cli()
        .args([
            "--sandbox",
            "--output",
            "json",
            "list",
            "--sync-status",
            "SYNC_FAIL",
            "--cluster-type",
            "DWS",
            "--limit",
            "1000",
            "--order-by",
            "SYNC_TIME",
            "--order-by-asc",
            "false",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let page: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let tasks = page["tasks"].as_array().unwrap();
    assert!(expected > 0);
    assert_eq!(page["total"], expected);
    assert_eq!(tasks.len(), expected);
    assert!(
        tasks
            .iter()
            .all(|t| t["sync_status"] == "SYNC_FAIL" && t["cluster_type"] == "DWS")
    );
    // Times stay the API's epoch milliseconds, newest sync first.
    let times: Vec<i64> = tasks
        .iter()
        .map(|t| t["sync_time"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

#[test]
fn list_table_shows_a_page_and_the_count() {
    let total = fixtures::default_tasks().len();
    let output = cli()
        .args(["--sandbox", "list", "--limit", "5", "--offset", "10"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("ID "), "{text}");
    let rows = text
        .lines()
        .filter(|l| {
            l.split(' ')
                .next()
                .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .count();
    assert_eq!(rows, 5, "{text}");
    assert!(
        text.contains(&format!("tasks 11 to 15 of {total}")),
        "{text}"
    );
}

#[test]
fn a_missing_task_fails_with_one_line_and_the_service_exit_code() {
    let output = cli()
        .args(["--sandbox", "show", "00000000000000000000000000000000"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: cannot show task"), "{err}");
    assert!(err.contains("DLS.1000"), "{err}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_path_smuggling_task_id_is_refused_as_invalid_input() {
    let output = cli()
        .args(["--sandbox", "show", "../member-sync-tasks"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid task_id"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_wrong_token_fails_without_printing_it() {
    let output = cli()
        .args([
            "--sandbox",
            "--token",
            "wrong-secret-token",
            "show",
            fixtures::SEED_TASK_ID,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert!(err.contains("APIG.0307"), "{err}");
    assert!(!err.contains("wrong-secret-token"), "{err}");
}

#[test]
fn the_sandbox_ignores_the_users_real_connection_variables() {
    let output = cli()
        .args(["--sandbox", "show", fixtures::SEED_TASK_ID])
        .env("DATAARTS_TOKEN", "a-real-cloud-token")
        .env("DATAARTS_PROJECT_ID", "real-project")
        .env("DATAARTS_WORKSPACE", "real-workspace")
        .env(
            "DATAARTS_ENDPOINT",
            "https://dayu.cn-north-4.myhuaweicloud.com",
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("dws_ssl_4autotest_nomodify"));
}

#[test]
fn a_usage_error_is_one_line() {
    let output = cli()
        .args(["--sandbox", "list", "--order-by-asc", "true"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--order-by"), "{err}");
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dataarts-sync"))
        .args(["--sandbox", "list", "--limit", "1000"])
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(status.code(), Some(101), "{err}");
}

#[test]
fn an_unknown_region_names_the_way_out() {
    let output = cli()
        .args([
            "--region",
            "xx-new-1",
            "--project-id",
            "p",
            "--workspace",
            "w",
            "--token",
            "t",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown region \"xx-new-1\""), "{err}");
    assert!(
        err.contains("HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_XX_NEW_1"),
        "{err}"
    );
}

#[test]
fn missing_configuration_is_reported_before_any_request() {
    let output = cli()
        .args(["--endpoint", "http://127.0.0.1:9", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("no usable credentials"), "{err}");
    assert!(
        err.contains("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set"),
        "{err}"
    );

    let output = cli()
        .args([
            "--endpoint",
            "http://127.0.0.1:9",
            "--token",
            "t",
            "--workspace",
            "w",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid project_id: is required"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_enum_flag_is_a_usage_error() {
    let output = cli()
        .args(["--sandbox", "list", "--sync-status", "sync fail"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--sync-status"),
        "{}",
        stderr(&output)
    );
}

const AK: &str = dataarts_security_sandbox::DEFAULT_ACCESS_KEY;
const SK: &str = dataarts_security_sandbox::DEFAULT_SECRET_KEY;

/// A sandbox served by this test process, for commands that need to see
/// its counters or script it.
struct LocalSandbox {
    runtime: tokio::runtime::Runtime,
    sandbox: dataarts_security_sandbox::Sandbox,
}

impl LocalSandbox {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime
            .block_on(dataarts_security_sandbox::Sandbox::start(Default::default()))
            .unwrap();
        LocalSandbox { runtime, sandbox }
    }

    /// Runs the CLI with this sandbox as endpoint and IAM endpoint;
    /// `configure` adds the rest. The sandbox is served while it runs.
    fn run(&self, configure: impl FnOnce(&mut Command) + Send + 'static) -> std::process::Output {
        let url = self.sandbox.url();
        self.runtime.block_on(async move {
            tokio::task::spawn_blocking(move || {
                let mut command = cli();
                command.args([
                    "--endpoint",
                    &url,
                    "--iam-endpoint",
                    &url,
                    "--region",
                    "cn-north-4",
                ]);
                configure(&mut command);
                command.output().unwrap()
            })
            .await
            .unwrap()
        })
    }
}

/// Adds the sandbox's project and workspace.
fn in_project(command: &mut Command) -> &mut Command {
    command.args([
        "--project-id",
        fixtures::PROJECT_ID,
        "--workspace",
        fixtures::WORKSPACE,
    ])
}

/// Runs the CLI against a fresh local sandbox, in its project;
/// `configure` adds the rest.
fn against_sandbox(configure: impl FnOnce(&mut Command) + Send + 'static) -> std::process::Output {
    LocalSandbox::start().run(|command| configure(in_project(command)))
}

#[test]
fn show_with_access_keys_from_the_environment() {
    let output = against_sandbox(|command| {
        command
            .args(["show", fixtures::SEED_TASK_ID])
            .env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK);
    });
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("dws_ssl_4autotest_nomodify"));
}

#[test]
fn a_wrong_secret_fails_with_the_gateway_error_and_the_sign_hint() {
    let output = against_sandbox(|command| {
        command
            .args(["show", fixtures::SEED_TASK_ID])
            .env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", "not-the-secret-key");
    });
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("APIG.0301"), "{err}");
    let (cause, hint) = err
        .split_once("dataarts-sync sign")
        .expect("the hint is there");
    assert!(
        cause.contains("verify aksk signature fail"),
        "the cause comes first: {err}"
    );
    assert!(hint.contains("canonical request"), "{err}");
    assert!(!err.contains("not-the-secret-key"), "{err}");
}

#[test]
fn an_unknown_key_gets_no_signing_hint() {
    let output = against_sandbox(|command| {
        command.args([
            "--ak",
            "NOSUCHKEY",
            "--sk",
            "whatever",
            "show",
            fixtures::SEED_TASK_ID,
        ]);
    });
    assert_eq!(output.status.code(), Some(3));
    let err = stderr(&output);
    assert!(err.contains("unknown access key"), "{err}");
    assert!(!err.contains("dataarts-sync sign"), "{err}");
}

#[test]
fn half_a_key_pair_in_the_environment_is_refused() {
    let output = against_sandbox(|command| {
        command
            .args(["show", fixtures::SEED_TASK_ID])
            .env("HUAWEICLOUD_SDK_AK", AK);
    });
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("HUAWEICLOUD_SDK_SK is not"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_sandbox_ignores_ambient_credentials() {
    // Real keys in the environment or the default file must not stop the
    // README's first command from working.
    let home = std::env::temp_dir().join(format!("dataarts-sync-home-{}", std::process::id()));
    std::fs::create_dir_all(home.join(".huaweicloud")).unwrap();
    std::fs::write(
        home.join(".huaweicloud/credentials"),
        "[basic]\nak = REALKEY\nsk = realsecret\n",
    )
    .unwrap();
    let output = cli()
        .args(["--sandbox", "show", fixtures::SEED_TASK_ID])
        .env("HOME", &home)
        .env("HUAWEICLOUD_SDK_AK", "REALKEY")
        .env("HUAWEICLOUD_SDK_SK", "realsecret")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&home).unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn access_keys_by_flag_work_with_the_sandbox() {
    let output = cli()
        .args([
            "--sandbox",
            "--ak",
            AK,
            "--sk",
            SK,
            "show",
            fixtures::SEED_TASK_ID,
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_credentials_file_profile_is_used() {
    let dir = std::env::temp_dir().join(format!("dataarts-sync-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        format!("[basiccredentials]\nak = WRONG\nsk = wrong\n[sandbox]\nak = {AK}\nsk = {SK}\n"),
    )
    .unwrap();

    let output = cli()
        .args(["--sandbox", "--profile", "sandbox", "--credentials-file"])
        .arg(&file)
        .args(["show", fixtures::SEED_TASK_ID])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));

    let named = file.clone();
    let output = against_sandbox(move |command| {
        command
            .args(["show", fixtures::SEED_TASK_ID])
            .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &named);
    });
    assert_eq!(
        output.status.code(),
        Some(3),
        "the [basiccredentials] section holds a wrong key"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_password_login_gets_one_token_from_the_sandbox_iam() {
    let local = LocalSandbox::start();
    let (user, password, domain) = dataarts_security_sandbox::DEFAULT_USER;
    let output = local.run(move |command| {
        in_project(command)
            .args([
                "--user",
                user,
                "--domain",
                domain,
                "show",
                fixtures::SEED_TASK_ID,
            ])
            .env("DATAARTS_PASSWORD", password);
    });
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(local.sandbox.token_requests(), 1);
    assert_eq!(local.sandbox.api_requests(), 1);
}

#[test]
fn sign_reproduces_the_official_sdk_vector() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/signing/sdk-hmac-sha256.json");
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let vector = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "client_show_plain")
        .unwrap();
    let text = |key: &str| vector[key].as_str().unwrap().to_owned();
    let url = format!(
        "{}://{}{}",
        text("scheme"),
        text("host"),
        text("resource_path")
    );

    let mut command = cli();
    command
        .args([
            "--project-id",
            &text("project_id"),
            "sign",
            "--date",
            &text("timestamp"),
        ])
        .env("HUAWEICLOUD_SDK_AK", text("ak"))
        .env("HUAWEICLOUD_SDK_SK", text("sk"));
    for header in vector["headers_before_signing"].as_array().unwrap() {
        command.args([
            "-H",
            &format!(
                "{}: {}",
                header[0].as_str().unwrap(),
                header[1].as_str().unwrap()
            ),
        ]);
    }
    let output = command.args(["GET", &url]).output().unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = &vector["outputs"];
    assert_eq!(printed["canonical_request"], expected["canonical_request"]);
    assert_eq!(printed["string_to_sign"], expected["string_to_sign"]);
    assert_eq!(printed["signed_headers"], expected["signed_headers"]);
    assert_eq!(printed["authorization"], expected["authorization"]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains(&text("sk")));
}

#[test]
fn bad_inputs_fail_cleanly() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/bad-inputs/cli.json");
    let cases: Vec<Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for args in cases {
        // Cases run against the sandbox; those that name an endpoint or a
        // region (which the sandbox would override) get full settings and
        // must fail on that endpoint before any request is sent.
        let names_endpoint = args.iter().any(|a| a == "--endpoint" || a == "--region");
        let mut argv: Vec<String> = if names_endpoint {
            ["--token", "t", "--project-id", "p", "--workspace", "w"]
                .map(String::from)
                .to_vec()
        } else {
            vec!["--sandbox".to_owned()]
        };
        argv.extend(args.iter().cloned());
        let output = cli().args(&argv).output().unwrap();
        let err = stderr(&output);
        let args: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            err.len() < 600,
            "{args:?}: an error this long is not readable: {} bytes",
            err.len()
        );
        assert!(!err.contains("pw@"), "{args:?}: {err}");
    }
}

#[test]
fn list_all_prints_every_failed_task() {
    let expected: Vec<String> = fixtures::default_tasks()
        .iter()
        .filter(|t| t.sync_status.as_ref().map(ToString::to_string).as_deref() == Some("SYNC_FAIL"))
        .map(|t| t.id.clone().unwrap())
        .collect();
    // A small page size, so that paging really happens.
    let output = cli()
        .args([
            "--sandbox",
            "--output",
            "json",
            "list",
            "--all",
            "--sync-status",
            "SYNC_FAIL",
            "--limit",
            "7",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let page: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut got: Vec<String> = page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    let mut expected = expected;
    expected.sort();
    assert_eq!(got, expected);
    assert!(got.contains(&fixtures::SEED_TASK_ID.to_owned()));
}

/// Runs `watch` on the seed task against a local sandbox that scripts its
/// status.
fn watch_with_script(
    steps: Vec<(std::time::Duration, dataarts_security::SyncStatus)>,
    extra: &[&str],
) -> std::process::Output {
    let local = LocalSandbox::start();
    local.sandbox.script_status(fixtures::SEED_TASK_ID, steps);
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    local.run(move |command| {
        in_project(command)
            .args(["--token", dataarts_security_sandbox::DEFAULT_TOKEN])
            .args([
                "watch",
                fixtures::SEED_TASK_ID,
                "--interval",
                "50ms",
                "--max-interval",
                "100ms",
            ])
            .args(&extra);
    })
}

#[test]
fn watch_prints_each_status_and_exits_zero_on_success() {
    use dataarts_security::SyncStatus;
    use std::time::Duration;
    let output = watch_with_script(
        vec![
            (Duration::ZERO, SyncStatus::Syncing),
            (Duration::from_millis(300), SyncStatus::SyncSuccess),
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let statuses: Vec<&str> = text.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    assert_eq!(statuses, ["SYNCING", "SYNC_SUCCESS"], "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no terminal control when piped: {text:?}"
    );
}

#[test]
fn watch_exits_seven_on_a_failed_run_and_shows_why() {
    use dataarts_security::SyncStatus;
    use std::time::Duration;
    let output = watch_with_script(
        vec![
            (Duration::ZERO, SyncStatus::Syncing),
            (Duration::from_millis(200), SyncStatus::SyncFail),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("cannot be dropped because some objects depend on it"),
        "{err}"
    );
    assert!(err.contains("failed"), "{err}");
}

#[test]
fn watch_exits_six_at_the_deadline() {
    use dataarts_security::SyncStatus;
    let output = watch_with_script(
        vec![(std::time::Duration::ZERO, SyncStatus::Syncing)],
        &["--deadline", "400ms"],
    );
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
}

#[test]
fn dry_run_prints_the_signed_request_with_secrets_masked_and_sends_nothing() {
    let output = cli()
        .args([
            "--sandbox",
            "--ak",
            AK,
            "--sk",
            SK,
            "--dry-run",
            "list",
            "--cluster-name",
            "a b",
            "--limit",
            "3",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("GET http://127.0.0.1:"), "{text}");
    assert!(
        first.ends_with(&format!(
            "/v1/{}/security/member-sync-tasks?cluster_name=a%20b&limit=3",
            fixtures::PROJECT_ID
        )),
        "{text}"
    );
    assert!(
        text.contains("authorization: SDK-HMAC-SHA256 Access=SANDBOXAK00000000000, SignedHeaders="),
        "{text}"
    );
    assert!(text.contains("Signature=** redacted **"), "{text}");
    assert!(!text.contains(SK));

    let output = cli()
        .args([
            "--sandbox",
            "--token",
            "secret-token-value",
            "--dry-run",
            "show",
            fixtures::SEED_TASK_ID,
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&output).contains("x-auth-token: ** redacted **"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("secret-token-value"));
}

#[test]
fn query_picks_fields_with_jmespath_and_yaml_prints_them() {
    let output = cli()
        .args([
            "--sandbox",
            "--output",
            "yaml",
            "--query",
            "{id: id, status: sync_status}",
            "show",
            fixtures::SEED_TASK_ID,
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("id: {}\nstatus: SYNC_FAIL\n", fixtures::SEED_TASK_ID)
    );

    let output = cli()
        .args(["--sandbox", "--query", "total", "list"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&output).trim(),
        fixtures::default_tasks().len().to_string()
    );

    let output = cli()
        .args(["--sandbox", "--query", "[[", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: invalid --query"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = cli().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        assert!(stdout(&output).contains("dataarts-sync"), "{shell}");
    }
}

#[test]
fn no_colour_when_piped() {
    let output = cli().args(["--sandbox", "list", "--all"]).output().unwrap();
    assert!(!stdout(&output).contains('\u{1b}'));
}

#[test]
fn a_dry_run_asks_iam_nothing() {
    let local = LocalSandbox::start();
    let (user, password, domain) = dataarts_security_sandbox::DEFAULT_USER;
    let output = local.run(move |command| {
        command
            .args([
                "--workspace",
                fixtures::WORKSPACE,
                "--project-id",
                "p",
                "--dry-run",
            ])
            .args(["--user", user, "--password", password, "--domain", domain])
            .args(["show", fixtures::SEED_TASK_ID]);
    });
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("x-auth-token: ** redacted **"),
        "{}",
        stdout(&output)
    );
    assert_eq!(local.sandbox.token_requests(), 0);
    assert_eq!(local.sandbox.api_requests(), 0);
}

#[test]
fn a_proxy_that_is_not_http_is_refused() {
    for proxy in ["ftp://127.0.0.1:1", "socks5://127.0.0.1:1"] {
        let output = cli()
            .args([
                "--sandbox",
                "--proxy",
                proxy,
                "show",
                fixtures::SEED_TASK_ID,
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{proxy}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("invalid proxy"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn the_sandbox_is_reached_directly_whatever_the_proxy_variables_say() {
    let output = cli()
        .args(["--sandbox", "show", fixtures::SEED_TASK_ID])
        .env("HTTP_PROXY", "http://127.0.0.1:1")
        .env("http_proxy", "http://127.0.0.1:1")
        .env("ALL_PROXY", "http://127.0.0.1:1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_loopback_endpoint_is_reached_directly_whatever_the_proxy_variables_say() {
    let output = against_sandbox(|command| {
        command
            .args([
                "--token",
                dataarts_security_sandbox::DEFAULT_TOKEN,
                "show",
                fixtures::SEED_TASK_ID,
            ])
            .env("HTTP_PROXY", "http://127.0.0.1:1")
            .env("http_proxy", "http://127.0.0.1:1")
            .env("ALL_PROXY", "http://127.0.0.1:1");
    });
    assert!(output.status.success(), "{}", stderr(&output));
}
