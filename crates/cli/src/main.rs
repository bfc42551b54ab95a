//! `dataarts-sync`: show and list DataArts Studio user synchronization tasks.
//!
//! A thin shell over the `dataarts-security` crate: flags and environment
//! become a client, a subcommand becomes one call, the result becomes a table
//! or JSON. `--sandbox` points everything at an in-process sandbox so the
//! tool works without a cloud account.

mod cmd_list;
mod cmd_sandbox;
mod cmd_show;
mod output;

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use dataarts_security::{Client, Credentials};
use dataarts_security_sandbox::{Sandbox, fixtures};

/// Show and list DataArts Studio Data Security user synchronization tasks.
#[derive(Debug, Parser)]
#[command(name = "dataarts-sync", version, about)]
#[command(after_help = "\
Examples:
  dataarts-sync --sandbox show 088c2b59114405ab4fbc0df5bd05202b
  dataarts-sync --sandbox list --sync-status SYNC_FAIL --output json
  dataarts-sync --region cn-north-4 --project-id P --workspace W --token T list --limit 20

Exit codes: 0 success, 2 invalid input or configuration, 3 the service \
answered with an error, 4 the service could not be reached, 5 the answer \
could not be read.")]
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

    /// Start the built-in sandbox on a free loopback port and use it; the
    /// project, workspace and token default to the sandbox's.
    #[arg(long, global = true)]
    sandbox: bool,

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
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show one task.
    Show(cmd_show::Args),
    /// List tasks, one page at a time.
    List(cmd_list::Args),
    /// Run the local sandbox server.
    Sandbox(cmd_sandbox::Args),
}

/// Exit code of an error, by class; documented in `--help`.
fn exit_code(error: &anyhow::Error) -> u8 {
    use dataarts_security::Error;
    match error.downcast_ref::<Error>() {
        Some(Error::InvalidInput { .. } | Error::Endpoint(_) | Error::Config(_)) => 2,
        Some(Error::Api(_)) => 3,
        Some(Error::Transport(_)) => 4,
        Some(_) => 5,
        None => 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit_code(&error))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Sandbox(args) = cli.command {
        return cmd_sandbox::run(args).await;
    }

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
    let output = cli.global.output;
    let result = match cli.command {
        Command::Show(args) => cmd_show::run(&client, args, output).await,
        Command::List(args) => cmd_list::run(&client, args, output).await,
        Command::Sandbox(_) => unreachable!("handled above"),
    };
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    result
}

/// Builds the client from flags, environment and, with `--sandbox`, the
/// sandbox's defaults.
fn client(args: &GlobalArgs, sandbox: Option<&Sandbox>) -> anyhow::Result<Client> {
    let mut builder = Client::builder();
    if let Some(sandbox) = sandbox {
        builder = builder.endpoint(sandbox.url());
    } else {
        if let Some(region) = &args.region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = &args.endpoint {
            builder = builder.endpoint(endpoint);
        }
    }

    let sandbox_default = |value: &Option<String>, default: &str| {
        value
            .clone()
            .or_else(|| sandbox.map(|_| default.to_owned()))
    };
    let project_id = sandbox_default(&args.project_id, fixtures::PROJECT_ID)
        .context("no project id: pass --project-id or set DATAARTS_PROJECT_ID")?;
    let workspace = sandbox_default(&args.workspace, fixtures::WORKSPACE)
        .context("no workspace: pass --workspace or set DATAARTS_WORKSPACE")?;
    let token = sandbox_default(&args.token, dataarts_security_sandbox::DEFAULT_TOKEN)
        .context("no credentials: pass --token or set DATAARTS_TOKEN")?;

    Ok(builder
        .project_id(project_id)
        .workspace(workspace)
        .credentials(Credentials::token(token))
        .build()?)
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
