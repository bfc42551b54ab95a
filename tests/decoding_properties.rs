//! Property tests of decoding, bounded so they run on every `cargo test`:
//! whatever the body, decoding answers or errs and never panics; whatever
//! the `sync_msg`, the log reader answers.

use dataarts_security::raw::ErrorBody;
use dataarts_security::raw::types::{ListMemberSyncTasksResponse, MemberSyncTask};
use dataarts_security::sync_log::SyncLog;
use proptest::prelude::*;

/// JSON values of any shape, a few levels deep, with the API's field names
/// mixed in so that decoding goes past the first key.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("id".to_owned()),
        Just("total".to_owned()),
        Just("tasks".to_owned()),
        Just("sync_status".to_owned()),
        Just("sync_time".to_owned()),
        Just("schedule_start_hour".to_owned()),
        Just("error_code".to_owned()),
        Just("error".to_owned()),
        "[a-z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_json_decodes_or_errs_and_a_decoded_task_round_trips(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(task) = serde_json::from_slice::<MemberSyncTask>(&bytes) {
            let again = serde_json::to_vec(&task).unwrap();
            prop_assert_eq!(serde_json::from_slice::<MemberSyncTask>(&again).unwrap(), task);
        }
        let _ = serde_json::from_slice::<ListMemberSyncTasksResponse>(&bytes);
        let _ = serde_json::from_slice::<ErrorBody>(&bytes);
    }

    #[test]
    fn any_bytes_decode_or_err(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<MemberSyncTask>(&bytes);
        let _ = serde_json::from_slice::<ListMemberSyncTasksResponse>(&bytes);
        let _ = serde_json::from_slice::<ErrorBody>(&bytes);
    }

    #[test]
    fn any_log_text_is_read(text in "(\\[2024-0[1-9]-[0-2][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\] )?(===> )?.{0,40}(\\[\\{.{0,40}\\}\\])?(\\n.{0,20}){0,3}") {
        let log = SyncLog::parse(&text);
        for job in log.jobs() {
            let _ = job.error_and_detail();
        }
        // Nothing is lost: every entry's message is text from the input.
        for entry in &log.entries {
            prop_assert!(entry.message.lines().all(|line| text.contains(line.trim())));
        }
    }
}
