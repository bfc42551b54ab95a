//! `dataarts-sync show TASK_ID`

use anyhow::Context as _;
use dataarts_security::Client;

use crate::output;

/// Arguments of `show`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dataarts-sync --sandbox show 088c2b59114405ab4fbc0df5bd05202b
  dataarts-sync --sandbox --output json show 088c2b59114405ab4fbc0df5bd05202b")]
pub struct Args {
    /// Id of the user synchronization task.
    pub task_id: String,
}

pub async fn run(client: &Client, args: Args, format: &output::Render) -> anyhow::Result<()> {
    let task = client
        .show_task(&args.task_id)
        .await
        .with_context(|| format!("cannot show task {}", quoted_short(&args.task_id)))?;
    output::emit(format, &task, |color| output::task_table(&task, color))
}

/// An id for a message: quoted, and cut after 64 characters so that a
/// pasted blob does not flood the terminal.
fn quoted_short(id: &str) -> String {
    const KEEP: usize = 64;
    if id.chars().count() <= KEEP {
        format!("{id:?}")
    } else {
        let head: String = id.chars().take(KEEP).collect();
        format!("{head:?}… ({} characters)", id.chars().count())
    }
}
