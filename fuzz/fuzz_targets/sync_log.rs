//! The `sync_msg` reader never fails and never panics, whatever the text.
#![no_main]

use dataarts_security::sync_log::SyncLog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let log = SyncLog::parse(text);
    for job in log.jobs() {
        let _ = job.error_and_detail();
    }
});
