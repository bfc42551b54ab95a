//! `dataarts-sync sandbox serve`

use anyhow::Context as _;
use dataarts_security_sandbox::{Config, DEFAULT_TOKEN, Sandbox, fixtures};

/// Arguments of `sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SandboxCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox on 127.0.0.1 until interrupted.
    #[command(after_help = "\
Examples:
  dataarts-sync sandbox serve --port 8080
  DATAARTS_ENDPOINT=http://127.0.0.1:8080 dataarts-sync --project-id 0833a5737480d53b2f25c010dc1a7b88 \\
    --workspace f7bc8f2a71524d268c4293974e3dc35b --token sandbox-token list")]
    Serve {
        /// Port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let SandboxCommand::Serve { port } = args.command;
    let sandbox = Sandbox::start(Config {
        port,
        ..Config::default()
    })
    .await
    .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    println!("sandbox listening on {}", sandbox.url());
    println!("  project id: {}", fixtures::PROJECT_ID);
    println!("  workspace:  {}", fixtures::WORKSPACE);
    println!("  token:      {DEFAULT_TOKEN}");
    println!("  seed task:  {}", fixtures::SEED_TASK_ID);
    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    sandbox.shutdown().await;
    Ok(())
}
