//! A local stand-in for the DataArts Studio user synchronization task API.
//!
//! It serves both operations over a fixed set of tasks (the vendor's example
//! plus generated ones, see [`fixtures`]) on 127.0.0.1, answering in the
//! vendor's shapes: filters, sorting, `offset`/`limit` paging with `total`,
//! `400` with `error_code`/`error_msg` for bad parameters, `401` from the
//! "gateway" for missing or wrong credentials, and an `X-Request-Id` header
//! on every response. Tests start it on an ephemeral port; the CLI runs it
//! standalone with `dataarts-sync sandbox serve --port N`.
//!
//! Choices where the vendor's reference is silent:
//!
//! - A task id that does not exist is answered `400` with `DLS.1000`: the
//!   reference documents only `200` and `400` for the show operation.
//! - Without `order_by` tasks come newest first (`create_time` descending);
//!   `order_by_asc` defaults to `false`. Ties are broken by id.
//! - `limit` defaults to 10 and may be 1 to 1000; `offset` defaults to 0.
//! - Another project or workspace simply has no tasks.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = dataarts_security_sandbox::Sandbox::start(Default::default()).await?;
//! println!("serving on {}", sandbox.url());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod fixtures;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use dataarts_security_raw::open_enum::{ClusterType, OrderBy, ScheduleStatus, SyncStatus};
use dataarts_security_raw::types::{ListMemberSyncTasksResponse, MemberSyncTask};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The token the sandbox accepts by default.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// Largest page the sandbox serves.
pub const MAX_LIMIT: u32 = 1000;

/// Page size when the request gives none.
pub const DEFAULT_LIMIT: u32 = 10;

/// What the sandbox serves and whom it lets in.
#[derive(Clone, Debug)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one. Default: 0.
    pub port: u16,
    /// IAM token accepted in `X-Auth-Token`. Default: [`DEFAULT_TOKEN`].
    pub token: String,
    /// Project whose tasks are served. Default: [`fixtures::PROJECT_ID`].
    pub project_id: String,
    /// Workspace whose tasks are served. Default: [`fixtures::WORKSPACE`].
    pub workspace: String,
    /// The tasks. Default: [`fixtures::default_tasks`].
    pub tasks: Vec<MemberSyncTask>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            token: DEFAULT_TOKEN.to_owned(),
            project_id: fixtures::PROJECT_ID.to_owned(),
            workspace: fixtures::WORKSPACE.to_owned(),
            tasks: fixtures::default_tasks(),
        }
    }
}

/// A running sandbox; stops when [`Sandbox::shutdown`] is called or when
/// dropped.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 on the configured port and starts serving on the
    /// current Tokio runtime.
    ///
    /// # Errors
    ///
    /// The bind error, when the port is taken.
    pub async fn start(config: Config) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(config);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the task is cancelled or the process is interrupted.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Why the gateway refused a request: status, error code, message.
type Refusal = (StatusCode, &'static str, &'static str);

struct AppState {
    config: Config,
    next_request: AtomicU64,
}

/// The sandbox's routes, for embedding in another server or for tests that
/// drive it without a socket.
pub fn router(config: Config) -> Router {
    let state = Arc::new(AppState {
        config,
        next_request: AtomicU64::new(1),
    });
    Router::new()
        .route("/v1/{project_id}/security/member-sync-tasks", get(list))
        .route(
            "/v1/{project_id}/security/member-sync-tasks/{task_id}",
            get(show),
        )
        .fallback(not_found)
        .with_state(state)
}

impl AppState {
    /// A request id in the gateway's format: 32 lower-case hex digits.
    fn request_id(&self) -> String {
        let n = self.next_request.fetch_add(1, Ordering::Relaxed);
        format!(
            "{:032x}",
            0x5a4d_b0c5_0000_0000_0000_0000_0000_0000_u128 + u128::from(n)
        )
    }

    fn reply(&self, status: StatusCode, body: serde_json::Value) -> Response {
        let mut response = (status, axum::Json(body)).into_response();
        let id = HeaderValue::from_str(&self.request_id()).expect("hex is a valid header");
        response.headers_mut().insert("x-request-id", id);
        response
    }

    fn error(&self, status: StatusCode, code: &str, msg: &str) -> Response {
        self.reply(status, json!({ "error_code": code, "error_msg": msg }))
    }

    /// The gateway's checks: a token it accepts, then the `workspace` header.
    /// A refusal comes back as (status, error code, message).
    fn admit(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        match headers.get("x-auth-token").and_then(|v| v.to_str().ok()) {
            None => {
                return Err((
                    StatusCode::UNAUTHORIZED,
                    "APIG.1002",
                    "Incorrect token or token resolution failed",
                ));
            }
            Some(token) if token != self.config.token => {
                return Err((
                    StatusCode::UNAUTHORIZED,
                    "APIG.0307",
                    "The token must be updated.",
                ));
            }
            Some(_) => {}
        }
        match headers.get("workspace").map(HeaderValue::to_str) {
            Some(Ok(w)) if !w.trim().is_empty() => Ok(()),
            _ => Err((
                StatusCode::BAD_REQUEST,
                "DLS.1000",
                "The request header workspace is missing.",
            )),
        }
    }

    fn refuse(&self, (status, code, msg): Refusal) -> Response {
        self.error(status, code, msg)
    }

    /// The tasks visible to a project and workspace.
    fn visible(&self, project_id: &str, headers: &HeaderMap) -> &[MemberSyncTask] {
        let workspace = headers.get("workspace").and_then(|v| v.to_str().ok());
        if project_id == self.config.project_id && workspace == Some(self.config.workspace.as_str())
        {
            &self.config.tasks
        } else {
            &[]
        }
    }
}

async fn show(
    State(state): State<Arc<AppState>>,
    Path((project_id, task_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state.admit(&headers) {
        return state.refuse(refusal);
    }
    let found = state
        .visible(&project_id, &headers)
        .iter()
        .find(|t| t.id.as_deref() == Some(task_id.as_str()));
    match found {
        Some(task) => state.reply(StatusCode::OK, json!(task)),
        None => state.error(
            StatusCode::BAD_REQUEST,
            "DLS.1000",
            "The user synchronization task does not exist.",
        ),
    }
}

async fn list(
    State(state): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = state.admit(&headers) {
        return state.refuse(refusal);
    }
    let query = match ListQuery::parse(query.as_deref().unwrap_or("")) {
        Ok(query) => query,
        Err(msg) => return state.error(StatusCode::BAD_REQUEST, "DLS.1000", &msg),
    };

    let mut matching: Vec<&MemberSyncTask> = state
        .visible(&project_id, &headers)
        .iter()
        .filter(|t| query.matches(t))
        .collect();
    query.sort(&mut matching);
    let total = matching.len();
    let page: Vec<MemberSyncTask> = matching
        .into_iter()
        .skip(query.offset as usize)
        .take(query.limit as usize)
        .cloned()
        .collect();
    let body = ListMemberSyncTasksResponse {
        total: Some((total as i64).into()),
        tasks: Some(page),
    };
    state.reply(StatusCode::OK, json!(body))
}

async fn not_found(State(state): State<Arc<AppState>>) -> Response {
    state.error(
        StatusCode::NOT_FOUND,
        "APIG.0101",
        "The API does not exist or has not been published in the environment.",
    )
}

/// The list operation's query, checked as the service checks it.
#[derive(Debug)]
struct ListQuery {
    limit: u32,
    offset: u32,
    cluster_type: Option<ClusterType>,
    cluster_name: Option<String>,
    sync_status: Option<SyncStatus>,
    schedule_status: Option<ScheduleStatus>,
    order_by: Option<OrderBy>,
    ascending: bool,
}

impl ListQuery {
    fn parse(raw: &str) -> Result<Self, String> {
        let mut query = ListQuery {
            limit: DEFAULT_LIMIT,
            offset: 0,
            cluster_type: None,
            cluster_name: None,
            sync_status: None,
            schedule_status: None,
            order_by: None,
            ascending: false,
        };
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            match &*key {
                "limit" => {
                    query.limit = value
                        .parse()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| {
                            format!("limit must be an integer from 1 to {MAX_LIMIT}, got {value:?}")
                        })?;
                }
                "offset" => {
                    query.offset = value.parse().map_err(|_| {
                        format!("offset must be an integer of at least 0, got {value:?}")
                    })?;
                }
                "cluster_type" => {
                    query.cluster_type = Some(known(&key, &value, ClusterType::KNOWN)?)
                }
                "cluster_name" => query.cluster_name = Some(value.into_owned()),
                "sync_status" => query.sync_status = Some(known(&key, &value, SyncStatus::KNOWN)?),
                "schedule_status" => {
                    query.schedule_status = Some(known(&key, &value, ScheduleStatus::KNOWN)?)
                }
                "order_by" => query.order_by = Some(known(&key, &value, OrderBy::KNOWN)?),
                "order_by_asc" => {
                    query.ascending = match &*value {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(format!(
                                "order_by_asc must be true or false, got {value:?}"
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(query)
    }

    fn matches(&self, task: &MemberSyncTask) -> bool {
        fn same<T: PartialEq>(filter: &Option<T>, value: &Option<T>) -> bool {
            filter.as_ref().is_none_or(|f| value.as_ref() == Some(f))
        }
        same(&self.cluster_type, &task.cluster_type)
            && same(&self.cluster_name, &task.cluster_name)
            && same(&self.sync_status, &task.sync_status)
            && same(&self.schedule_status, &task.schedule_status)
    }

    fn sort(&self, tasks: &mut [&MemberSyncTask]) {
        let key = self.order_by.clone().unwrap_or(OrderBy::CreateTime);
        tasks.sort_by(|a, b| {
            let order = match key {
                OrderBy::ClusterName => a.cluster_name.cmp(&b.cluster_name),
                OrderBy::UpdateTime => a.update_time.cmp(&b.update_time),
                OrderBy::SyncTime => a.sync_time.cmp(&b.sync_time),
                _ => a.create_time.cmp(&b.create_time),
            };
            let order = if self.ascending {
                order
            } else {
                order.reverse()
            };
            order.then_with(|| a.id.cmp(&b.id))
        });
    }
}

/// A documented enum value, or the 400 message the service gives.
fn known<T: Clone + std::fmt::Display>(key: &str, value: &str, known: &[T]) -> Result<T, String> {
    known
        .iter()
        .find(|k| k.to_string() == value)
        .cloned()
        .ok_or_else(|| {
            let allowed = known
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            format!("{key} must be one of {allowed}, got {value:?}")
        })
}
