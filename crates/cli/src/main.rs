//! `dataarts-sync`: show and list DataArts Studio user synchronization tasks.
//!
//! A thin shell over the `dataarts-security` crate: flags and environment
//! become a client, a subcommand becomes one call, the result becomes a table
//! or JSON. `--sandbox` points everything at an in-process sandbox so the
//! tool works without a cloud account.

mod cmd_list;
mod cmd_sandbox;
mod cmd_show;
mod cmd_sign;
mod cmd_watch;
mod output;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use dataarts_security::chain::{ChainError, CredentialChain};
use dataarts_security::{Client, Credentials, Secret, Signing};
use dataarts_security_sandbox::{Sandbox, fixtures};

/// Show and list DataArts Studio Data Security user synchronization tasks.
#[derive(Debug, Parser)]
#[command(name = "dataarts-sync", version, about)]
#[command(after_help = "\
Examples:
  dataarts-sync --sandbox show 088c2b59114405ab4fbc0df5bd05202b
  dataarts-sync --sandbox list --sync-status SYNC_FAIL --output json
  dataarts-sync --region cn-north-4 --project-id P --workspace W --token T list --limit 20
  HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... dataarts-sync --region cn-north-4 --workspace W list

Credentials are taken from, in order: --token, --ak/--sk, --user/--password/--domain;
the HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN/_PROJECT_ID environment variables
(skipped when --profile is given); the credentials file (--credentials-file, else
HUAWEICLOUD_SDK_CREDENTIALS_FILE, else ~/.huaweicloud/credentials), section
--profile or [basic]/[basiccredentials].

Exit codes: 0 success, 1 other failures (such as writing the output), 2 invalid \
input, configuration or usage, 3 the service answered with an error, 4 the \
service could not be reached, 5 the answer could not be read, 6 timed out, \
7 the watched synchronization failed, 8 the watched status cannot be waited on, \
130 interrupted.

With --sandbox, the DATAARTS_* connection variables are ignored; flags still apply.")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

/// Where to send requests and as whom.
#[derive(Debug, clap::Args)]
struct GlobalArgs {
    /// Region id, such as cn-north-4; picks the public endpoint.
    #[arg(long, global = true, env = "DATAARTS_REGION")]
    region: Option<String>,

    /// Endpoint URL; wins over --region.
    #[arg(long, global = true, env = "DATAARTS_ENDPOINT", value_name = "URL")]
    endpoint: Option<String>,

    /// Project id.
    #[arg(long, global = true, env = "DATAARTS_PROJECT_ID")]
    project_id: Option<String>,

    /// DataArts Studio workspace id.
    #[arg(long, global = true, env = "DATAARTS_WORKSPACE")]
    workspace: Option<String>,

    /// IAM token, sent as X-Auth-Token.
    #[arg(long, global = true, env = "DATAARTS_TOKEN", hide_env_values = true)]
    token: Option<String>,

    /// Access key id; signs requests together with --sk. Prefer the
    /// environment or the credentials file: flags show in process lists.
    #[arg(long, global = true, requires = "sk")]
    ak: Option<String>,

    /// Secret access key for --ak.
    #[arg(long, global = true, requires = "ak")]
    sk: Option<String>,

    /// Security token of temporary access keys.
    #[arg(long, global = true, requires = "ak")]
    security_token: Option<String>,

    /// IAM user name; a token is obtained from IAM with --password and
    /// --domain.
    #[arg(long, global = true, env = "DATAARTS_USER", requires_all = ["password", "domain"])]
    user: Option<String>,

    /// IAM user's password.
    #[arg(long, global = true, env = "DATAARTS_PASSWORD", hide_env_values = true)]
    password: Option<String>,

    /// Account (domain) name of the IAM user.
    #[arg(long, global = true, env = "DATAARTS_DOMAIN")]
    domain: Option<String>,

    /// Section of the credentials file to read.
    #[arg(long, global = true)]
    profile: Option<String>,

    /// Credentials file to read instead of ~/.huaweicloud/credentials.
    #[arg(long, global = true, value_name = "PATH")]
    credentials_file: Option<std::path::PathBuf>,

    /// Access-key signing: plain SDK-HMAC-SHA256, derived V11-HMAC-SHA256
    /// (needs --region), or SDK-HMAC-SM3.
    #[arg(long, global = true, value_enum, default_value_t = SigningArg::Plain)]
    signing: SigningArg,

    /// IAM endpoint for password logins and project lookups.
    #[arg(
        long,
        global = true,
        env = "HUAWEICLOUD_SDK_IAM_ENDPOINT",
        value_name = "URL"
    )]
    iam_endpoint: Option<String>,

    /// Start the built-in sandbox on a free loopback port and use it; the
    /// project, workspace and token default to the sandbox's.
    #[arg(long, global = true)]
    sandbox: bool,

    /// Time allowed for one attempt: seconds (`30`) or with a unit (`30s`,
    /// `2m`, `500ms`).
    #[arg(long, global = true, allow_hyphen_values = true, value_parser = parse_duration, value_name = "DURATION", default_value = "30s")]
    timeout: Duration,

    /// Time allowed to open a connection, as for --timeout.
    #[arg(long, global = true, allow_hyphen_values = true, value_parser = parse_duration, value_name = "DURATION", default_value = "10s")]
    connect_timeout: Duration,

    /// Time allowed for the whole command's call, retries included.
    #[arg(long, global = true, allow_hyphen_values = true, value_parser = parse_duration, value_name = "DURATION", default_value = "2m")]
    operation_timeout: Duration,

    /// Retries after a failed attempt (connection failures, timeouts, 429,
    /// 500/502/503/504 only).
    #[arg(long, global = true, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: u32,

    /// Send requests through this proxy; default: HTTPS_PROXY/HTTP_PROXY
    /// and NO_PROXY from the environment.
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,

    /// Also trust the certificates of this PEM bundle.
    #[arg(long, global = true, value_name = "PATH")]
    ca_bundle: Option<std::path::PathBuf>,

    /// Accept any TLS certificate (test gateways only; a warning is logged).
    #[arg(long, global = true)]
    insecure: bool,

    /// Log each request (operation, status, duration, request id) and the
    /// redacted canonical request of signed ones to stderr. RUST_LOG, when
    /// set, chooses the filter instead.
    #[arg(long, global = true)]
    debug: bool,

    /// Pick fields from the result with a JMESPath expression, as the
    /// vendor's own CLI does (e.g. `tasks[?sync_status=='SYNC_FAIL'].id`);
    /// prints JSON unless --output yaml.
    #[arg(long, global = true, value_name = "EXPR")]
    query: Option<String>,

    /// Print the request that would be sent (method, URL, headers with
    /// secrets masked) instead of sending it.
    #[arg(long, global = true)]
    dry_run: bool,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Output::Table)]
    output: Output,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    /// Aligned text for people.
    Table,
    /// The API's own JSON, for scripts.
    Json,
    /// The same data as YAML.
    Yaml,
}

/// How access keys sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SigningArg {
    /// SDK-HMAC-SHA256.
    Plain,
    /// V11-HMAC-SHA256, a key derived per day, region and service.
    Derived,
    /// SDK-HMAC-SM3.
    Sm3,
}

impl From<SigningArg> for Signing {
    fn from(arg: SigningArg) -> Self {
        match arg {
            SigningArg::Plain => Signing::Plain,
            SigningArg::Derived => Signing::Derived,
            SigningArg::Sm3 => Signing::Sm3,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show one task.
    Show(cmd_show::Args),
    /// List tasks, one page at a time.
    List(cmd_list::Args),
    /// Run the local sandbox server.
    Sandbox(cmd_sandbox::Args),
    /// Print a completion script for a shell.
    #[command(
        after_help = "Examples:\n  dataarts-sync completions bash > /etc/bash_completion.d/dataarts-sync\n  dataarts-sync completions zsh > \"${fpath[1]}/_dataarts-sync\""
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Follow a task's synchronization until it ends.
    Watch(cmd_watch::Args),
    /// Print how a request is signed: canonical request, string to sign,
    /// signed headers and Authorization, as JSON.
    Sign(cmd_sign::Args),
}

/// Parses a duration: a bare number is seconds; `ms`, `s`, `m` and `h`
/// suffixes are accepted. Zero, negative and fractional-nonsense values are
/// refused with the reason.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30, 30s, 2m or 500ms"))?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; use ms, s, m or h"
            ));
        }
    };
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(format!("{text:?} must be longer than zero"));
    }
    if seconds < 0.001 {
        return Err(format!("{text:?} is shorter than a millisecond"));
    }
    if seconds > 86_400.0 {
        return Err(format!("{text:?} is longer than a day"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// An error message with advice appended, keeping the exit code of the
/// error it was made from.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct Hinted {
    message: String,
    code: u8,
}

/// The request a `--dry-run` stopped, if that is what ended the command.
fn dry_run(error: &anyhow::Error) -> Option<&dataarts_security::PreparedRequest> {
    match error.downcast_ref::<dataarts_security::Error>() {
        Some(dataarts_security::Error::DryRun(prepared)) => Some(prepared),
        _ => None,
    }
}

/// Exit code of an error, by class; documented in `--help`.
fn exit_code(error: &anyhow::Error) -> u8 {
    use dataarts_security::Error;
    if error.downcast_ref::<ChainError>().is_some() {
        return 2;
    }
    if let Some(hinted) = error.downcast_ref::<Hinted>() {
        return hinted.code;
    }
    if error.downcast_ref::<cmd_watch::SyncFailed>().is_some() {
        return 7;
    }
    if error.downcast_ref::<cmd_watch::Interrupted>().is_some() {
        return 130;
    }
    if error.downcast_ref::<output::UsageError>().is_some() {
        return 2;
    }
    match error.downcast_ref::<Error>() {
        Some(Error::InvalidInput { .. } | Error::Endpoint(_) | Error::Config(_)) => 2,
        Some(Error::Api(_) | Error::Auth(_) | Error::Throttled(_) | Error::SignatureExpired(_)) => {
            3
        }
        Some(Error::Transport(_) | Error::Connect(_)) => 4,
        Some(Error::Timeout { .. }) => 6,
        Some(Error::UnwaitableStatus { .. }) => 8,
        Some(_) => 5,
        None => 1,
    }
}

/// Parses the command line. Help and version print as usual; a usage error
/// prints as one line and exits 2. In sandbox mode, connection settings
/// that came from `DATAARTS_*` variables are dropped: they describe the
/// user's real account, not the sandbox.
fn parse() -> Result<Cli, ExitCode> {
    use clap::error::ErrorKind;
    use clap::parser::ValueSource;
    use clap::{CommandFactory, FromArgMatches};

    let matches = match Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return Err(ExitCode::SUCCESS);
        }
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return Err(ExitCode::from(2));
        }
        Err(e) => {
            // clap's message is the paragraph before "Usage:"; keep it on
            // one line.
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", output::terminal_safe(&message.join(" ")));
            return Err(ExitCode::from(2));
        }
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!(
                "{}",
                e.to_string()
                    .lines()
                    .next()
                    .unwrap_or("error: invalid usage")
            );
            return Err(ExitCode::from(2));
        }
    };
    if cli.global.sandbox {
        let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
        let global = &mut cli.global;
        for (id, value) in [
            ("region", &mut global.region),
            ("endpoint", &mut global.endpoint),
            ("project_id", &mut global.project_id),
            ("workspace", &mut global.workspace),
            ("token", &mut global.token),
            ("iam_endpoint", &mut global.iam_endpoint),
        ] {
            if from_env(id) {
                *value = None;
            }
        }
    }
    Ok(cli)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if cli.global.debug {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("dataarts_security=trace"));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(
                std::io::IsTerminal::is_terminal(&std::io::stderr())
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            )
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json_output = cli.global.output == Output::Json;
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if output::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) if dry_run(&error).is_some() => {
            let prepared = dry_run(&error).expect("checked above");
            let printed = if json_output {
                output::print_json(prepared)
            } else {
                output::print_text(&prepared.to_string())
            };
            match printed {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            }
        }
        Err(error) => {
            // Server text ends up in errors; keep control characters from
            // reaching the terminal.
            eprintln!("error: {}", output::terminal_safe(&format!("{error:#}")));
            ExitCode::from(exit_code(&error))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let cli = match cli.command {
        Command::Sandbox(args) => return cmd_sandbox::run(args).await,
        Command::Sign(args) => return cmd_sign::run(&cli.global, args),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // Rendered to memory first: the generator panics on a write
            // error, such as a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dataarts-sync", &mut script);
            return output::print_text(&String::from_utf8_lossy(&script));
        }
        command => Cli { command, ..cli },
    };

    // Keep the sandbox alive for the whole command.
    let sandbox = if cli.global.sandbox {
        Some(
            Sandbox::start(Default::default())
                .await
                .context("cannot start the sandbox")?,
        )
    } else {
        None
    };
    let client = client(&cli.global, sandbox.as_ref())?;
    let output = output::Render::new(cli.global.output, cli.global.query.as_deref())?;
    let result = match cli.command {
        Command::Show(args) => cmd_show::run(&client, args, &output).await,
        Command::List(args) => cmd_list::run(&client, args, &output).await,
        Command::Watch(args) => cmd_watch::run(&client, args).await,
        Command::Sandbox(_) | Command::Sign(_) | Command::Completions { .. } => {
            unreachable!("handled above")
        }
    };
    let result = result.map_err(|error| with_signing_hint(error, &client));
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    result
}

/// Explicit credentials from flags, if any were given.
fn explicit_credentials(args: &GlobalArgs) -> Option<Credentials> {
    if let Some(token) = &args.token {
        return Some(Credentials::token(token.as_str()));
    }
    if let (Some(ak), Some(sk)) = (&args.ak, &args.sk) {
        let credentials = match &args.security_token {
            Some(token) => Credentials::temporary(ak, Secret::new(sk), Secret::new(token)),
            None => Credentials::access_key(ak, Secret::new(sk)),
        };
        return Some(credentials);
    }
    if let (Some(user), Some(password), Some(domain)) = (&args.user, &args.password, &args.domain) {
        return Some(Credentials::password(user, Secret::new(password), domain));
    }
    None
}

/// The credential chain as the flags configure it. With `--sandbox` only
/// what the command line names counts: the environment and the default
/// credentials file describe the user's real account.
fn chain(args: &GlobalArgs) -> CredentialChain {
    let mut chain = CredentialChain::new();
    if args.sandbox {
        chain = chain.without_environment().without_default_file();
    }
    if let Some(explicit) = explicit_credentials(args) {
        chain = chain.explicit(explicit);
    }
    if let Some(profile) = &args.profile {
        chain = chain.profile(profile);
    }
    if let Some(file) = &args.credentials_file {
        chain = chain.credentials_file(file);
    }
    chain
}

/// Builds the client from flags, environment, the credentials file and,
/// with `--sandbox`, the sandbox's defaults.
fn client(args: &GlobalArgs, sandbox: Option<&Sandbox>) -> anyhow::Result<Client> {
    let mut builder = Client::builder();
    if let Some(sandbox) = sandbox {
        builder = builder
            .no_proxy()
            .endpoint(sandbox.url())
            .iam_endpoint(sandbox.url())
            .region(
                args.region
                    .as_deref()
                    .unwrap_or(dataarts_security_sandbox::DEFAULT_REGION),
            );
    } else {
        if let Some(region) = &args.region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = &args.endpoint {
            builder = builder.endpoint(endpoint);
        }
        if let Some(iam) = &args.iam_endpoint {
            builder = builder.iam_endpoint(iam);
        }
    }

    // The chain; in the sandbox, its token when nothing else is configured.
    let (credentials, chain_project) = match chain(args).resolve() {
        Ok(found) => (found.credentials, found.project_id),
        Err(ChainError::NotFound { .. }) if sandbox.is_some() => {
            (Credentials::token(dataarts_security_sandbox::DEFAULT_TOKEN), None)
        }
        Err(e) => return Err(anyhow::Error::new(e).context("no usable credentials: pass --token, --ak/--sk or --user/--password/--domain, set HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK, or write ~/.huaweicloud/credentials")),
    };
    builder = builder.credentials(credentials.with_signing(args.signing.into()));
    builder = builder.dry_run(args.dry_run);
    builder = builder
        .timeout(args.timeout)
        .connect_timeout(args.connect_timeout)
        .operation_timeout(args.operation_timeout)
        .retry(dataarts_security::RetryPolicy::attempts(args.retries + 1))
        .danger_accept_invalid_certs(args.insecure);
    if let Some(proxy) = &args.proxy {
        builder = builder.proxy(proxy);
    }
    if let Some(path) = &args.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| {
            output::UsageError(format!("cannot read the CA bundle {}: {e}", path.display()))
        })?;
        builder = builder.ca_bundle_pem(pem);
    }

    let project_id = args
        .project_id
        .clone()
        .or(chain_project)
        .or_else(|| sandbox.map(|_| fixtures::PROJECT_ID.to_owned()));
    if let Some(project_id) = project_id {
        builder = builder.project_id(project_id);
    }
    let workspace = args
        .workspace
        .clone()
        .or_else(|| sandbox.map(|_| fixtures::WORKSPACE.to_owned()))
        .context("no workspace: pass --workspace or set DATAARTS_WORKSPACE")?;

    Ok(builder.workspace(workspace).build()?)
}

/// Adds the way to debug a refused signature to the gateway's message.
fn with_signing_hint(error: anyhow::Error, client: &Client) -> anyhow::Error {
    let signed = matches!(client.credentials(), Credentials::AccessKey(_));
    // Only a signature that did not match: not an unknown or locked key.
    let refused = match error.downcast_ref::<dataarts_security::Error>() {
        Some(dataarts_security::Error::Auth(api)) => {
            api.error_code
                .as_deref()
                .is_some_and(|code| code.ends_with(".0301"))
                && api.error_msg.as_deref().is_some_and(|msg| {
                    let msg = msg.to_ascii_lowercase();
                    msg.contains("signature") && !msg.contains("expired") && !msg.contains("locked")
                })
        }
        _ => false,
    };
    if signed && refused {
        let code = exit_code(&error);
        anyhow::Error::new(Hinted {
            message: format!(
                "{error:#}; to compare with the gateway, `dataarts-sync sign --client-headers \
                 METHOD URL` prints the canonical request and string to sign"
            ),
            code,
        })
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

#[cfg(test)]
mod duration_tests {
    use super::*;

    #[test]
    fn a_bare_number_is_seconds_and_units_are_understood() {
        assert_eq!(parse_duration("120"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn zero_negative_and_garbage_are_refused_with_a_reason() {
        assert!(
            parse_duration("0")
                .unwrap_err()
                .contains("longer than zero")
        );
        assert!(
            parse_duration("0s")
                .unwrap_err()
                .contains("longer than zero")
        );
        assert!(parse_duration("-5").unwrap_err().contains("not a duration"));
        assert!(
            parse_duration("5 fortnights")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_duration("").unwrap_err().contains("not a duration"));
        assert!(
            parse_duration("9999999h")
                .unwrap_err()
                .contains("longer than a day")
        );
    }
}

#[cfg(test)]
mod client_tests {
    use super::*;

    fn client_from(args: &[&str]) -> Client {
        let mut argv = vec![
            "dataarts-sync",
            "--endpoint",
            "http://127.0.0.1:9",
            "--token",
            "t",
        ];
        argv.extend(["--project-id", "p", "--workspace", "w"]);
        argv.extend(args);
        argv.push("list");
        let cli = Cli::try_parse_from(argv).unwrap();
        client(&cli.global, None).unwrap()
    }

    #[test]
    fn a_unitless_timeout_is_seconds_on_the_client() {
        let client = client_from(&["--timeout", "120"]);
        assert_eq!(client.timeouts().attempt, Duration::from_secs(120));
        let client = client_from(&["--timeout", "2m", "--connect-timeout", "5"]);
        assert_eq!(client.timeouts().attempt, Duration::from_secs(120));
        assert_eq!(client.timeouts().connect, Duration::from_secs(5));
    }

    #[test]
    fn retries_count_after_the_first_attempt() {
        assert_eq!(
            client_from(&["--retries", "0"]).retry_policy().max_attempts,
            1
        );
        assert_eq!(client_from(&[]).retry_policy().max_attempts, 3);
    }
}
