//! progenitor's typed httpmock helpers (the `mock` feature), used the way a
//! user of this crate would mock the API in their own tests.

use dataarts_security::raw::mock::MockServerExt;
use dataarts_security::raw::types;
use dataarts_security::{ListTasks, SyncStatus};
use dataarts_security_tests::{PROJECT, WORKSPACE, client};
use httpmock::MockServer;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn typed_mocks_serve_both_operations() {
    let server = MockServer::start();
    let project = types::ShowSecurityMemberSyncTaskProjectId::try_from(PROJECT).unwrap();
    let workspace = types::ShowSecurityMemberSyncTaskWorkspace::try_from(WORKSPACE).unwrap();
    let seed: types::MemberSyncTask =
        serde_json::from_str(dataarts_security_sandbox::fixtures::SEED_TASK_JSON).unwrap();

    let show = server.show_security_member_sync_task(|when, then| {
        when.project_id(&project)
            .task_id(&"088c2b59114405ab4fbc0df5bd05202b".try_into().unwrap())
            .workspace(&workspace);
        then.ok(&seed);
    });
    let list = server.list_security_member_sync_tasks(|when, then| {
        when.sync_status(&SyncStatus::SyncFail)
            .limit(std::num::NonZeroU32::new(2).unwrap());
        then.ok(&types::ListMemberSyncTasksResponse {
            total: Some(7.into()),
            tasks: Some(vec![seed.clone()]),
        });
    });

    let client = client(&server.base_url());
    let runtime = runtime();
    let task = runtime
        .block_on(client.show_task("088c2b59114405ab4fbc0df5bd05202b"))
        .unwrap();
    let page = runtime
        .block_on(client.list_tasks(&ListTasks::new().sync_status(SyncStatus::SyncFail).limit(2)))
        .unwrap();

    show.assert();
    list.assert();
    assert_eq!(
        task.cluster_name.as_deref(),
        Some("dws_ssl_4autotest_nomodify")
    );
    assert_eq!(page.total, Some(7));
    assert_eq!(page.tasks, vec![task]);
}
