//! The API's data as Rust types: tasks, pages and list filters.

use jiff::Timestamp;
use serde::Serialize;

use dataarts_security_raw::types as raw;

pub use dataarts_security_raw::open_enum::{
    ClusterType, OrderBy, SchedulePeriod, ScheduleStatus, SyncStatus,
};

/// A user synchronization task: a scheduled job that copies IAM users and
/// groups into the roles of an MRS or DWS cluster.
///
/// Every field is optional because the service may omit any of them; a
/// value the client does not know stays available as `Unrecognized`.
/// Serializes back to the API's own JSON: its field names, its enum
/// spellings and times as epoch milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MemberSyncTask {
    /// Id of the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Id of the project that owns the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Id of the account (vStore) that owns the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// Id of the DataArts Studio instance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Id of the workspace in which the data connection is defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_connection_workspace: Option<String>,
    /// Kind of the target cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_type: Option<ClusterType>,
    /// Id of the data connection used to reach the cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_connection_id: Option<String>,
    /// Name of that data connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_connection_name: Option<String>,
    /// Id of the target cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// Name of the target cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Hour of the day (documented as 0 to 23) from which runs may start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_start_hour: Option<i32>,
    /// Hour of the day (documented as 0 to 23) after which no run starts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_end_hour: Option<i32>,
    /// Unit of [`schedule_interval`](Self::schedule_interval).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_period: Option<SchedulePeriod>,
    /// Distance between two runs, in units of the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_interval: Option<i32>,
    /// Whether the task runs on its schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_status: Option<ScheduleStatus>,
    /// Outcome of the latest run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_status: Option<SyncStatus>,
    /// Log of the latest run, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_msg: Option<String>,
    /// When the latest run happened.
    #[serde(with = "epoch_millis", skip_serializing_if = "Option::is_none")]
    pub sync_time: Option<Timestamp>,
    /// When the task was created.
    #[serde(with = "epoch_millis", skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Who created the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_user: Option<String>,
    /// When the task was last changed.
    #[serde(with = "epoch_millis", skip_serializing_if = "Option::is_none")]
    pub update_time: Option<Timestamp>,
    /// Who last changed the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_user: Option<String>,
}

/// One page of a task listing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TaskPage {
    /// Number of tasks that match the filters on all pages together, if the
    /// service said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The tasks on this page.
    pub tasks: Vec<MemberSyncTask>,
}

/// A field whose value was decoded but cannot be represented, such as a
/// time outside the years -9999 to 9999.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub(crate) path: String,
    pub(crate) reason: String,
}

fn timestamp(
    millis: Option<dataarts_security_raw::lenient::Int64>,
    field: &str,
) -> Result<Option<Timestamp>, FieldError> {
    millis
        .map(|ms| {
            Timestamp::from_millisecond(ms.get()).map_err(|_| FieldError {
                path: field.to_owned(),
                reason: format!(
                    "{} milliseconds is outside the representable years",
                    ms.get()
                ),
            })
        })
        .transpose()
}

impl MemberSyncTask {
    /// The run log, read into entries and job results; empty when the
    /// service sent none. Never fails: see [`crate::sync_log`].
    pub fn sync_log(&self) -> crate::sync_log::SyncLog {
        crate::sync_log::SyncLog::parse(self.sync_msg.as_deref().unwrap_or(""))
    }

    /// Moves the generated type's fields over, turning times into instants.
    pub(crate) fn from_raw(task: raw::MemberSyncTask) -> Result<Self, FieldError> {
        Ok(MemberSyncTask {
            sync_time: timestamp(task.sync_time, "sync_time")?,
            create_time: timestamp(task.create_time, "create_time")?,
            update_time: timestamp(task.update_time, "update_time")?,
            id: task.id,
            project_id: task.project_id,
            domain_id: task.domain_id,
            instance_id: task.instance_id,
            data_connection_workspace: task.data_connection_workspace,
            cluster_type: task.cluster_type,
            data_connection_id: task.data_connection_id,
            data_connection_name: task.data_connection_name,
            cluster_id: task.cluster_id,
            cluster_name: task.cluster_name,
            schedule_start_hour: task.schedule_start_hour.map(Into::into),
            schedule_end_hour: task.schedule_end_hour.map(Into::into),
            schedule_period: task.schedule_period,
            schedule_interval: task.schedule_interval.map(Into::into),
            schedule_status: task.schedule_status,
            sync_status: task.sync_status,
            sync_msg: task.sync_msg,
            create_user: task.create_user,
            update_user: task.update_user,
        })
    }
}

impl TaskPage {
    /// Moves the generated page over, naming the task of a failing field.
    pub(crate) fn from_raw(page: raw::ListMemberSyncTasksResponse) -> Result<Self, FieldError> {
        // Either may be missing, but a body with neither is not a page: it
        // is an answer from something else, and must not read as "no tasks".
        if page.total.is_none() && page.tasks.is_none() {
            return Err(FieldError {
                path: ".".to_owned(),
                reason: "the body has neither `total` nor `tasks`".to_owned(),
            });
        }
        let total = page
            .total
            .map(|t| {
                u64::try_from(t.get()).map_err(|_| FieldError {
                    path: "total".to_owned(),
                    reason: format!("a count cannot be negative, found {t}"),
                })
            })
            .transpose()?;
        let tasks = page
            .tasks
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, task)| {
                MemberSyncTask::from_raw(task).map_err(|e| FieldError {
                    path: format!("tasks[{i}].{}", e.path),
                    reason: e.reason,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(TaskPage { total, tasks })
    }
}

/// Filters, sort order and page of a task listing; every field is optional.
///
/// ```
/// use dataarts_security::{ListTasks, OrderBy, SyncStatus};
///
/// let query = ListTasks::new()
///     .sync_status(SyncStatus::SyncFail)
///     .order_by(OrderBy::SyncTime)
///     .order_by_asc(false)
///     .limit(50);
/// assert_eq!(query.limit, Some(50));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListTasks {
    /// Page size (`limit`), at least 1. Default: the service's.
    pub limit: Option<u32>,
    /// Tasks to skip before the page (`offset`), counted from 0. Default: 0.
    pub offset: Option<u32>,
    /// Only tasks of clusters of this type (`cluster_type`).
    pub cluster_type: Option<ClusterType>,
    /// Only tasks of the cluster with this name (`cluster_name`).
    pub cluster_name: Option<String>,
    /// Only tasks whose latest run ended so (`sync_status`).
    pub sync_status: Option<SyncStatus>,
    /// Only tasks in this scheduling state (`schedule_status`).
    pub schedule_status: Option<ScheduleStatus>,
    /// Sort key (`order_by`).
    pub order_by: Option<OrderBy>,
    /// Ascending when true (`order_by_asc`); the service ignores it without
    /// `order_by`.
    pub order_by_asc: Option<bool>,
}

impl ListTasks {
    /// A query with no filters: the first page in the service's order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size. Default: the service's.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets how many matching tasks to skip, from 0. Default: 0.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Keeps only tasks of clusters of this type. Default: all types.
    pub fn cluster_type(mut self, cluster_type: ClusterType) -> Self {
        self.cluster_type = Some(cluster_type);
        self
    }

    /// Keeps only tasks of the cluster with this name. Default: all.
    pub fn cluster_name(mut self, cluster_name: impl Into<String>) -> Self {
        self.cluster_name = Some(cluster_name.into());
        self
    }

    /// Keeps only tasks whose latest run ended in this state. Default: all.
    pub fn sync_status(mut self, sync_status: SyncStatus) -> Self {
        self.sync_status = Some(sync_status);
        self
    }

    /// Keeps only tasks in this scheduling state. Default: all.
    pub fn schedule_status(mut self, schedule_status: ScheduleStatus) -> Self {
        self.schedule_status = Some(schedule_status);
        self
    }

    /// Sorts by this key. Default: the service's order.
    pub fn order_by(mut self, order_by: OrderBy) -> Self {
        self.order_by = Some(order_by);
        self
    }

    /// Sorts ascending when true, descending when false. Default: the
    /// service's direction.
    pub fn order_by_asc(mut self, ascending: bool) -> Self {
        self.order_by_asc = Some(ascending);
        self
    }
}

/// Serde helpers for `Option<Timestamp>` as epoch milliseconds.
mod epoch_millis {
    use jiff::Timestamp;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(value: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_i64(t.as_millisecond()),
            None => s.serialize_none(),
        }
    }
}
