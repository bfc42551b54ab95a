//! A typed client for Huawei Cloud DataArts Studio's Data Security "user
//! synchronization tasks": show one task, list tasks.
//!
//! Built on the progenitor-generated `dataarts-security-raw` crate, it adds
//! what the raw client leaves out: endpoint resolution from a region,
//! authentication, input checks before anything is sent, a body size limit,
//! and one [`Error`] type that keeps the status, the service's error code and
//! the request id in every case. Responses decode into [`MemberSyncTask`],
//! whose enums survive values the service adds later and whose times are
//! [`jiff::Timestamp`]s.
//!
//! ```no_run
//! # async fn run() -> Result<(), dataarts_security::Error> {
//! use dataarts_security::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .region("cn-north-4")
//!     .project_id("0833a5737480d53b2f25c010dc1a7b88")
//!     .workspace("f7bc8f2a71524d268c4293974e3dc35b")
//!     .credentials(Credentials::token("MIIZ..."))
//!     .build()?;
//! let task = client.show_task("088c2b59114405ab4fbc0df5bd05202b").await?;
//! if let Some(time) = task.sync_time {
//!     println!("last sync {time}: {:?}", task.sync_status);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Authentication: IAM tokens, IAM password logins (token fetched, cached
//! and renewed) and access keys, signed exactly as the official SDKs sign
//! (`SDK-HMAC-SHA256`, `V11-HMAC-SHA256`, `SDK-HMAC-SM3`; see [`signer`]),
//! found the official way by [`chain::CredentialChain`]. Calls retry what is
//! safe to retry within a deadline ([`RetryPolicy`], [`Timeouts`]);
//! [`Client::list_all`] pages through whole listings, [`Client::wait_for_sync`]
//! waits for a run, and [`MemberSyncTask::sync_log`] reads its log.

pub mod auth;
pub mod chain;
mod client;
mod credentials;
mod error;
mod model;
mod paginate;
pub mod region;
pub mod signer;
pub mod sync_log;
mod transport;
mod wait;

pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_OPERATION_TIMEOUT, DEFAULT_TIMEOUT, IAM_ENDPOINT_ENV, MAX_FILTER_CHARS, MAX_ID_CHARS,
    POOL_IDLE_TIMEOUT, RetryPolicy, Timeouts,
};
pub use credentials::{AccessKeyCredentials, Credentials, PasswordCredentials, Secret, Signing};
pub use error::{
    ApiError, ClockSkew, DecodeError, Error, PreparedRequest, Throttled, TimeoutScope,
};
pub use model::{
    ClusterType, ListTasks, MemberSyncTask, OrderBy, SchedulePeriod, ScheduleStatus, SyncStatus,
    TaskPage,
};
pub use paginate::DEFAULT_PAGE_SIZE;
pub use region::Endpoint;
/// The `User-Agent` this client sends.
pub use transport::USER_AGENT_STRING as USER_AGENT;
pub use wait::WaitOptions;

/// The generated client this crate is built on, for what it does not wrap.
pub use dataarts_security_raw as raw;
