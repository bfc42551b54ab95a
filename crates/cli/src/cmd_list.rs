//! `dataarts-sync list`

use anyhow::Context as _;
use dataarts_security::{Client, ClusterType, ListTasks, OrderBy, ScheduleStatus, SyncStatus};

use crate::output;

/// Arguments of `list`: one flag per query parameter of the API, named
/// after it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  dataarts-sync --sandbox list
  dataarts-sync --sandbox list --sync-status SYNC_FAIL --order-by SYNC_TIME --order-by-asc false
  dataarts-sync --sandbox --output json list --cluster-type DWS --limit 50 --offset 50
  dataarts-sync --sandbox list --all --sync-status SYNC_FAIL")]
pub struct Args {
    /// Page size (limit), 1 to 2147483647.
    #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u32).range(1..=i64::from(i32::MAX)))]
    pub limit: Option<u32>,

    /// Matching tasks to skip before the page (offset), 0 to 2147483647.
    #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u32).range(0..=i64::from(i32::MAX)))]
    pub offset: Option<u32>,

    /// Only tasks of this cluster type: MRS or DWS.
    #[arg(long, value_parser = cluster_type)]
    pub cluster_type: Option<ClusterType>,

    /// Only tasks of the cluster with this name.
    #[arg(long)]
    pub cluster_name: Option<String>,

    /// Only tasks whose latest run ended so: UNKNOWN, NOT_SYNC, SYNCING,
    /// SYNC_SUCCESS or SYNC_FAIL.
    #[arg(long, value_parser = sync_status)]
    pub sync_status: Option<SyncStatus>,

    /// Only tasks in this scheduling state: NOT_SCHEDULE or SCHEDULING.
    #[arg(long, value_parser = schedule_status)]
    pub schedule_status: Option<ScheduleStatus>,

    /// Sort key: CLUSTER_NAME, CREATE_TIME, UPDATE_TIME or SYNC_TIME.
    #[arg(long, value_parser = order_by)]
    pub order_by: Option<OrderBy>,

    /// Ascending (true) or descending (false); only with --order-by.
    #[arg(long, value_name = "true|false", action = clap::ArgAction::Set, requires = "order_by")]
    pub order_by_asc: Option<bool>,

    /// Every matching task, fetched page by page (--limit sets the page
    /// size, default 100; --offset where to start).
    #[arg(long)]
    pub all: bool,
}

/// Parsers for the enum flags. Values the tool does not know are passed
/// through, so a value the service adds can be used before the tool knows
/// it; the spelling must still be a plain upper-case identifier, and the
/// error lists the documented values.
macro_rules! open_enum_parser {
    ($name:ident, $type:ty) => {
        fn $name(text: &str) -> Result<$type, String> {
            let plain = !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if plain {
                return Ok(<$type>::from(text));
            }
            let known: Vec<String> = <$type>::KNOWN.iter().map(ToString::to_string).collect();
            Err(format!(
                "{text:?} is not one of {} (upper case)",
                known.join(", ")
            ))
        }
    };
}

open_enum_parser!(cluster_type, ClusterType);
open_enum_parser!(sync_status, SyncStatus);
open_enum_parser!(schedule_status, ScheduleStatus);
open_enum_parser!(order_by, OrderBy);

pub async fn run(client: &Client, args: Args, format: &output::Render) -> anyhow::Result<()> {
    let mut query = ListTasks::new();
    query.limit = args.limit;
    query.offset = args.offset;
    query.cluster_type = args.cluster_type;
    query.cluster_name = args.cluster_name;
    query.sync_status = args.sync_status;
    query.schedule_status = args.schedule_status;
    query.order_by = args.order_by;
    query.order_by_asc = args.order_by_asc;
    let page = if args.all {
        client
            .collect_all(query.clone())
            .await
            .context("cannot list all tasks")?
    } else {
        client
            .list_tasks(&query)
            .await
            .context("cannot list tasks")?
    };
    let offset = query.offset.unwrap_or(0);
    output::emit(format, &page, |color| {
        output::page_table(&page, offset, color)
    })
}
