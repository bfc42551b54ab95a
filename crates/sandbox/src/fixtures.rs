//! The sandbox's tasks: the vendor's documented example plus a deterministic
//! set of varied tasks generated from a fixed seed.

use dataarts_security_raw::lenient::{Int32, Int64};
use dataarts_security_raw::open_enum::{ClusterType, SchedulePeriod, ScheduleStatus, SyncStatus};
use dataarts_security_raw::types::MemberSyncTask;
use serde_json::json;

/// The example response of the vendor's "Querying a User Synchronization
/// Task" page, byte for byte.
pub const SEED_TASK_JSON: &str = include_str!("../data/seed-task.json");

/// Id of the seed task.
pub const SEED_TASK_ID: &str = "088c2b59114405ab4fbc0df5bd05202b";

/// Project of every sandbox task (the seed's).
pub const PROJECT_ID: &str = "0833a5737480d53b2f25c010dc1a7b88";

/// Account of every sandbox task (the seed's).
pub const DOMAIN_ID: &str = "0833a5736980d53b0f22c0102ffcbfc0";

/// Workspace whose tasks the sandbox serves (the seed's data connection
/// workspace).
pub const WORKSPACE: &str = "f7bc8f2a71524d268c4293974e3dc35b";

/// How many tasks [`generated`] makes by default.
pub const GENERATED_TASKS: usize = 240;

/// The seed task as the generated type.
pub fn seed_task() -> MemberSyncTask {
    serde_json::from_str(SEED_TASK_JSON).expect("the seed fixture matches the spec")
}

/// The seed task followed by [`GENERATED_TASKS`] generated ones.
pub fn default_tasks() -> Vec<MemberSyncTask> {
    let mut tasks = vec![seed_task()];
    tasks.extend(generated(GENERATED_TASKS, 0x5eed));
    tasks
}

/// `count` varied tasks, the same for the same `seed`: both cluster types,
/// every schedule and sync status, and run logs in the style of the seed.
pub fn generated(count: usize, seed: u64) -> Vec<MemberSyncTask> {
    let mut rng = SplitMix64(seed);
    (0..count).map(|i| task(i, &mut rng)).collect()
}

const CLUSTER_WORDS: [&str; 8] = [
    "finance",
    "risk",
    "marketing",
    "hr",
    "logistics",
    "audit",
    "sales",
    "ops",
];
const USERS: [&str; 4] = [
    "ei_dayu_xxxx_01",
    "ei_dayu_xxxx_02",
    "dls_admin",
    "data_steward",
];
const SYNC_STATUSES: [SyncStatus; 5] = [
    SyncStatus::SyncSuccess,
    SyncStatus::SyncFail,
    SyncStatus::Syncing,
    SyncStatus::NotSync,
    SyncStatus::Unknown,
];

/// 2024-01-01T00:00:00Z in epoch milliseconds.
const START_MS: i64 = 1_704_067_200_000;
const DAY_MS: i64 = 86_400_000;

fn task(index: usize, rng: &mut SplitMix64) -> MemberSyncTask {
    let cluster_type = if index.is_multiple_of(2) {
        ClusterType::Dws
    } else {
        ClusterType::Mrs
    };
    let prefix = if cluster_type == ClusterType::Dws {
        "dws"
    } else {
        "mrs"
    };
    let word = CLUSTER_WORDS[rng.below(CLUSTER_WORDS.len() as u64) as usize];
    // A few names repeat across tasks, so the cluster_name filter can match
    // more than one task.
    let cluster_name = format!("{prefix}_{word}_{:02}", index % 24);
    let sync_status = SYNC_STATUSES[index % SYNC_STATUSES.len()].clone();
    let schedule_status = if index.is_multiple_of(3) {
        ScheduleStatus::NotSchedule
    } else {
        ScheduleStatus::Scheduling
    };
    let period = if index.is_multiple_of(4) {
        SchedulePeriod::Minute
    } else {
        SchedulePeriod::Hour
    };
    let start_hour = rng.below(12) as i32;
    let end_hour = start_hour + 1 + rng.below(11) as i32;
    let interval = match period {
        SchedulePeriod::Minute => [5, 10, 15, 30][rng.below(4) as usize],
        _ => 1 + rng.below(6) as i32,
    };

    let create_time = START_MS + rng.below(600) as i64 * DAY_MS + rng.below(DAY_MS as u64) as i64;
    let update_time = create_time + rng.below(30) as i64 * DAY_MS + rng.below(DAY_MS as u64) as i64;
    let sync_time = match sync_status {
        SyncStatus::NotSync => None,
        _ => Some(update_time + rng.below(5 * DAY_MS as u64) as i64),
    };
    let sync_msg = sync_time.map(|at| sync_log(&sync_status, at, &cluster_name, rng));
    let creator = USERS[rng.below(USERS.len() as u64) as usize];
    let updater = USERS[rng.below(USERS.len() as u64) as usize];

    MemberSyncTask {
        id: Some(rng.hex32()),
        project_id: Some(PROJECT_ID.to_owned()),
        domain_id: Some(DOMAIN_ID.to_owned()),
        instance_id: Some("dd97167b873d4a79b2aad54d4370a3bc".to_owned()),
        data_connection_workspace: Some(WORKSPACE.to_owned()),
        cluster_type: Some(cluster_type),
        data_connection_id: Some(rng.hex32()),
        data_connection_name: Some(format!("{prefix}_conn_{word}")),
        cluster_id: Some(rng.uuid()),
        cluster_name: Some(cluster_name),
        schedule_start_hour: Some(Int32(start_hour)),
        schedule_end_hour: Some(Int32(end_hour.min(23))),
        schedule_period: Some(period),
        schedule_interval: Some(Int32(interval)),
        schedule_status: Some(schedule_status),
        sync_status: Some(sync_status),
        sync_msg,
        sync_time: sync_time.map(Int64),
        create_time: Some(Int64(create_time)),
        create_user: Some(creator.to_owned()),
        update_time: Some(Int64(update_time)),
        update_user: Some(updater.to_owned()),
    }
}

/// A run log in the seed's style: bracketed local (UTC+8) times, `===>`
/// markers, and for submitted jobs a JSON array of job results.
fn sync_log(status: &SyncStatus, at_ms: i64, cluster: &str, rng: &mut SplitMix64) -> String {
    let stamp = |offset_ms: i64| beijing_time(at_ms + offset_ms);
    let group = format!("iam_group_{:04}", rng.below(10_000));
    match status {
        SyncStatus::SyncSuccess => {
            let users = 1 + rng.below(40);
            let groups = 1 + rng.below(6);
            let job = json!([{
                "duration": (rng.below(9_000) as f64) / 1000.0,
                "jobId": rng.uuid(),
                "jobType": "SQL",
                "message": "",
                "rowCount": users,
                "rows": [],
                "schema": [],
                "status": "SUCCESS",
                "totalRowCount": users,
            }]);
            format!(
                "[{}] ===> Start to sync members to cluster {cluster}\n\
                 [{}] ===> Synced {users} users and {groups} groups\n\
                 [{}] ===> Submit job to datamanager succeeded:{job}",
                stamp(0),
                stamp(1_000),
                stamp(2_000)
            )
        }
        SyncStatus::SyncFail => {
            let message = match rng.below(3) {
                0 => format!(
                    "ERROR: role \"{group}\" cannot be dropped because some objects depend on it\n  \
                     Detail: target of row level security policy dls_{cluster}_policy on table t_{:03}",
                    rng.below(1000)
                ),
                1 => format!("ERROR: permission denied to create role \"{group}\""),
                _ => "ERROR: connection to the cluster timed out after 30000 ms".to_owned(),
            };
            let job = json!([{
                "duration": 0.0,
                "jobId": rng.uuid(),
                "jobType": "",
                "message": message,
                "rowCount": 0,
                "rows": [],
                "schema": [],
                "status": "FAILED",
                "totalRowCount": 0,
            }]);
            format!("[{}] ===> Submit job to datamanager failed:{job}", stamp(0))
        }
        SyncStatus::Syncing => {
            format!(
                "[{}] ===> Start to sync members to cluster {cluster}",
                stamp(0)
            )
        }
        _ => String::new(),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC+8, the zone of the seed's log lines.
fn beijing_time(ms: i64) -> String {
    let ts = jiff::Timestamp::from_millisecond(ms).expect("fixture times are in range");
    ts.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A tiny, fixed pseudo-random sequence (SplitMix64), so the fixtures are the
/// same on every machine and in every version of every dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next(), self.next())
    }

    fn uuid(&mut self) -> String {
        let h = self.hex32();
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_deterministic() {
        assert_eq!(generated(20, 7), generated(20, 7));
        assert_ne!(generated(20, 7), generated(20, 8));
    }

    #[test]
    fn every_status_and_both_cluster_types_occur() {
        let tasks = default_tasks();
        assert!(tasks.len() > 200);
        for status in SyncStatus::KNOWN {
            assert!(
                tasks.iter().any(|t| t.sync_status.as_ref() == Some(status)),
                "{status}"
            );
        }
        for status in ScheduleStatus::KNOWN {
            assert!(
                tasks
                    .iter()
                    .any(|t| t.schedule_status.as_ref() == Some(status)),
                "{status}"
            );
        }
        for kind in ClusterType::KNOWN {
            assert!(
                tasks.iter().any(|t| t.cluster_type.as_ref() == Some(kind)),
                "{kind}"
            );
        }
    }

    #[test]
    fn ids_are_unique() {
        let tasks = default_tasks();
        let mut ids: Vec<_> = tasks.iter().map(|t| t.id.clone().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), tasks.len());
    }

    #[test]
    fn log_times_are_utc_plus_eight_like_the_seed() {
        // The seed ran at 1710901516000 = 2024-03-20T02:25:16Z and its log
        // line reads [2024-03-20 10:25:54], so the log is in UTC+8.
        assert_eq!(beijing_time(1_710_901_516_000), "2024-03-20 10:25:16");
    }
}
