//! `dataarts-sync list`

use anyhow::Context as _;
use dataarts_security::{Client, ClusterType, ListTasks, OrderBy, ScheduleStatus, SyncStatus};

use crate::Output;
use crate::output;

/// Arguments of `list`: one flag per query parameter of the API, named
/// after it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dataarts-sync --sandbox list
  dataarts-sync --sandbox list --sync-status SYNC_FAIL --order-by SYNC_TIME --order-by-asc false
  dataarts-sync --sandbox --output json list --cluster-type DWS --limit 50 --offset 50")]
pub struct Args {
    /// Page size (limit), at least 1.
    #[arg(long)]
    pub limit: Option<u32>,

    /// Matching tasks to skip before the page (offset), from 0.
    #[arg(long)]
    pub offset: Option<u32>,

    /// Only tasks of this cluster type: MRS or DWS.
    #[arg(long, value_parser = parse_open::<ClusterType>)]
    pub cluster_type: Option<ClusterType>,

    /// Only tasks of the cluster with this name.
    #[arg(long)]
    pub cluster_name: Option<String>,

    /// Only tasks whose latest run ended so: UNKNOWN, NOT_SYNC, SYNCING,
    /// SYNC_SUCCESS or SYNC_FAIL.
    #[arg(long, value_parser = parse_open::<SyncStatus>)]
    pub sync_status: Option<SyncStatus>,

    /// Only tasks in this scheduling state: NOT_SCHEDULE or SCHEDULING.
    #[arg(long, value_parser = parse_open::<ScheduleStatus>)]
    pub schedule_status: Option<ScheduleStatus>,

    /// Sort key: CLUSTER_NAME, CREATE_TIME, UPDATE_TIME or SYNC_TIME.
    #[arg(long, value_parser = parse_open::<OrderBy>)]
    pub order_by: Option<OrderBy>,

    /// Ascending (true) or descending (false); only with --order-by.
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
    pub order_by_asc: Option<bool>,
}

/// Parses an enum flag. Values the client does not know are passed through
/// so that a value the service adds can be used before the tool knows it;
/// the spelling must still be a plain upper-case identifier.
fn parse_open<T: std::str::FromStr<Err = std::convert::Infallible>>(
    text: &str,
) -> Result<T, String> {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        return Err(format!(
            "{text:?} is not an upper-case value such as SYNC_FAIL"
        ));
    }
    Ok(text.parse().unwrap_or_else(|never| match never {}))
}

pub async fn run(client: &Client, args: Args, format: Output) -> anyhow::Result<()> {
    let mut query = ListTasks::new();
    query.limit = args.limit;
    query.offset = args.offset;
    query.cluster_type = args.cluster_type;
    query.cluster_name = args.cluster_name;
    query.sync_status = args.sync_status;
    query.schedule_status = args.schedule_status;
    query.order_by = args.order_by;
    query.order_by_asc = args.order_by_asc;
    let page = client
        .list_tasks(&query)
        .await
        .context("cannot list tasks")?;
    match format {
        Output::Json => output::print_json(&page),
        Output::Table => {
            print!("{}", output::page_table(&page, query.offset.unwrap_or(0)));
            Ok(())
        }
    }
}
