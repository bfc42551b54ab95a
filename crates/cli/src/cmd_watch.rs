//! `dataarts-sync watch TASK_ID`: follow a synchronization until it ends.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use dataarts_security::{Client, MemberSyncTask, SyncStatus, WaitOptions};
use futures::StreamExt;

use crate::output;

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Prints the status when it changes: a live line on a terminal, one line per
change when piped. Exits 0 when the run succeeds, 7 when it fails, 6 when the
deadline passes, 8 when the status is one a wait cannot end on.

Examples:
  dataarts-sync --sandbox watch 088c2b59114405ab4fbc0df5bd05202b
  dataarts-sync watch T --interval 5s --deadline 1h | tee sync.log")]
pub struct Args {
    /// Id of the user synchronization task.
    pub task_id: String,

    /// First interval between polls; grows while nothing changes.
    #[arg(long, default_value = "2s", value_parser = crate::parse_duration, value_name = "DURATION")]
    pub interval: Duration,

    /// Longest interval between polls.
    #[arg(long, default_value = "30s", value_parser = crate::parse_duration, value_name = "DURATION")]
    pub max_interval: Duration,

    /// Give up after this long.
    #[arg(long, default_value = "30m", value_parser = crate::parse_duration, value_name = "DURATION")]
    pub deadline: Duration,
}

/// The user interrupted the watch; exit code 130.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// The run ended in `SYNC_FAIL`; exit code 7.
#[derive(Debug, thiserror::Error)]
#[error("the synchronization of task {0} failed")]
pub struct SyncFailed(pub String);

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

pub async fn run(client: &Client, args: Args) -> anyhow::Result<()> {
    let options = WaitOptions::new()
        .poll_interval(args.interval)
        .max_interval(args.max_interval)
        .timeout(args.deadline);
    let live = std::io::stdout().is_terminal();
    let started = Instant::now();
    let stream = client.watch(&args.task_id, options);
    futures::pin_mut!(stream);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    let mut frame = 0;
    let mut last: Option<MemberSyncTask> = None;

    loop {
        tokio::select! {
            item = stream.next() => match item {
                Some(Ok(task)) => {
                    let status = status_text(&task);
                    if live {
                        output::print_text(&format!("\r\x1b[2K{status}\n"))?;
                    } else {
                        output::print_text(&format!("{} {status}\n", jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ")))?;
                    }
                    last = Some(task);
                }
                Some(Err(error)) => {
                    if live {
                        output::print_text("\r\x1b[2K")?;
                    }
                    return Err(anyhow::Error::new(error).context(format!("cannot watch task {:?}", args.task_id)));
                }
                None => break,
            },
            _ = tokio::signal::ctrl_c() => {
                // Leave the terminal clean; the shell's convention for an
                // interrupt is exit code 130.
                if live {
                    output::print_text("\r\x1b[2K")?;
                }
                return Err(Interrupted.into());
            }
            _ = ticker.tick(), if live => {
                frame = (frame + 1) % SPINNER.len();
                let status = last.as_ref().map_or_else(|| "waiting".to_owned(), status_text);
                let mut stdout = std::io::stdout().lock();
                write!(stdout, "\r\x1b[2K{} {status}  {}s", SPINNER[frame], started.elapsed().as_secs())?;
                stdout.flush()?;
            }
        }
    }
    if live {
        output::print_text("\r\x1b[2K")?;
    }

    let task = last.context("the watch ended without a poll")?;
    if task.sync_status == Some(SyncStatus::SyncFail) {
        let log = task.sync_log();
        for job in log.failed_jobs() {
            if let Some((error, detail)) = job.error_and_detail() {
                eprintln!("{}", output::terminal_safe(error));
                for line in detail {
                    eprintln!("  {}", output::terminal_safe(line));
                }
            }
        }
        return Err(SyncFailed(args.task_id).into());
    }
    Ok(())
}

fn status_text(task: &MemberSyncTask) -> String {
    let status = task
        .sync_status
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string);
    output::terminal_safe(&status)
}
