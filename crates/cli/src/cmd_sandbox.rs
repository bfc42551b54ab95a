//! `dataarts-sync sandbox serve`

use anyhow::Context as _;
use std::time::Duration;

use dataarts_security_sandbox::{Config, DEFAULT_TOKEN, Fault, Sandbox, fixtures};

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

        #[command(flatten)]
        faults: FaultArgs,
    },
}

/// Misbehaviour to test clients against.
#[derive(Debug, clap::Args)]
pub struct FaultArgs {
    /// Delay every task request by this long (`200ms`, `2s`).
    #[arg(long, value_parser = crate::parse_duration, value_name = "DURATION")]
    latency: Option<Duration>,

    /// Fail the first N task requests with --fail-status.
    #[arg(long, default_value_t = 0, value_name = "N")]
    fail_next: u32,

    /// Status for --fail-next.
    #[arg(long, default_value_t = 503, value_parser = clap::value_parser!(u16).range(400..=599))]
    fail_status: u16,

    /// Retry-After sent with --fail-next failures (seconds or an HTTP date).
    #[arg(long, value_name = "VALUE")]
    retry_after: Option<String>,

    /// After those, answer one task request in a broken way; repeat for
    /// more.
    #[arg(long, value_enum)]
    fault: Vec<BrokenAnswer>,
}

/// Broken answers the sandbox can give.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum BrokenAnswer {
    /// A 200 with an HTML page.
    NonJson,
    /// A body cut short, then the connection closed.
    Truncated,
    /// A body that never ends.
    Endless,
    /// Headers, then silence.
    Stall,
}

impl FaultArgs {
    fn faults(&self) -> Vec<Fault> {
        let mut status = Fault::status(self.fail_status);
        if let Fault::Status { retry_after, .. } = &mut status {
            retry_after.clone_from(&self.retry_after);
        }
        let mut faults = vec![status; self.fail_next as usize];
        faults.extend(self.fault.iter().map(|answer| match answer {
            BrokenAnswer::NonJson => Fault::NonJson,
            BrokenAnswer::Truncated => Fault::Truncated,
            BrokenAnswer::Endless => Fault::Endless,
            BrokenAnswer::Stall => Fault::StallAfterHeaders,
        }));
        faults
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let SandboxCommand::Serve { port, faults } = args.command;
    let config = Config {
        port,
        latency: faults.latency.unwrap_or_default(),
        faults: faults.faults(),
        ..Config::default()
    };
    let sandbox = Sandbox::start(config)
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
