//! Reading `sync_msg` into entries and job results, pinned as reviewed
//! snapshots, one per shape in `data/sync-msg/`.

use dataarts_security::sync_log::SyncLog;
use dataarts_security_tests::data;

fn parse(case: &str) -> SyncLog {
    SyncLog::parse(&data(&format!("sync-msg/{case}.txt")))
}

#[test]
fn seed() {
    let log = parse("seed");
    let failed: Vec<_> = log.failed_jobs().collect();
    assert_eq!(failed.len(), 1);
    let (error, detail) = failed[0].error_and_detail().unwrap();
    assert_eq!(
        error,
        "ERROR: role \"iam_group_xxxx\" cannot be dropped because some objects depend on it"
    );
    assert_eq!(detail.len(), 3);
    assert_eq!(
        detail[0],
        "target of row level security policy dls_xxxx_userANDgroups on table all_data_type_0805_03"
    );
    insta::assert_debug_snapshot!("seed", log);
}

#[test]
fn success() {
    let log = parse("success");
    assert_eq!(log.entries.len(), 2);
    assert_eq!(log.jobs().count(), 0);
    insta::assert_debug_snapshot!("success", log);
}

#[test]
fn several_jobs() {
    let log = parse("several_jobs");
    assert_eq!(log.jobs().count(), 2);
    assert_eq!(log.failed_jobs().count(), 1);
    insta::assert_debug_snapshot!("several_jobs", log);
}

#[test]
fn nested_quotes() {
    insta::assert_debug_snapshot!("nested_quotes", parse("nested_quotes"));
}

#[test]
fn multi_line_detail() {
    let log = parse("multi_line_detail");
    let job = log.failed_jobs().next().unwrap();
    let (_, detail) = job.error_and_detail().unwrap();
    assert_eq!(
        detail,
        [
            "owner of table t1",
            "owner of table t2",
            "privileges for schema s1"
        ]
    );
    insta::assert_debug_snapshot!("multi_line_detail", log);
}

#[test]
fn empty() {
    assert_eq!(parse("empty"), SyncLog::default());
}

#[test]
fn truncated_json_stays_text() {
    let log = parse("truncated_json");
    assert_eq!(log.jobs().count(), 0);
    assert!(log.entries[0].message.ends_with("connection to the clus"));
    insta::assert_debug_snapshot!("truncated_json", log);
}

#[test]
fn not_json() {
    let log = parse("not_json");
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].time, None);
    insta::assert_debug_snapshot!("not_json", log);
}

#[test]
fn unicode() {
    insta::assert_debug_snapshot!("unicode", parse("unicode"));
}

#[test]
fn bracket_text_not_jobs() {
    let log = parse("bracket_text_not_jobs");
    assert_eq!(
        log.entries[0].message,
        "Synced users [alice, bob] into cluster"
    );
    insta::assert_debug_snapshot!("bracket_text_not_jobs", log);
}
