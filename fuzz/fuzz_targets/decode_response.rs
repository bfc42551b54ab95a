//! Response decoding: any bytes given to the generated types (with their
//! open enums and lenient integers) and to the error body must decode or
//! fail cleanly, never panic; what decodes must serialize again.
#![no_main]

use dataarts_security::raw::ErrorBody;
use dataarts_security::raw::types::{ListMemberSyncTasksResponse, MemberSyncTask};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(task) = serde_json::from_slice::<MemberSyncTask>(data) {
        let again = serde_json::to_vec(&task).expect("a decoded task serializes");
        let back: MemberSyncTask = serde_json::from_slice(&again).expect("and decodes again");
        assert_eq!(back, task);
    }
    let _ = serde_json::from_slice::<ListMemberSyncTasksResponse>(data);
    let _ = serde_json::from_slice::<ErrorBody>(data);
});
