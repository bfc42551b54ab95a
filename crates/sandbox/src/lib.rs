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
//! - `limit` defaults to 10 and may be 1 to 1000; `offset` defaults to 0. A
//!   parameter given twice is a `400`.
//! - Another project or workspace simply has no tasks.
//!
//! Authentication is the gateway's (see [`gateway`]): an `X-Auth-Token` it
//! accepts (the configured one, or one its IAM emulation issued and that has
//! not expired: `401 APIG.0307` once it has), or an access-key signature
//! checked from the received bytes (`401 APIG.0301` for a bad or stale
//! signature or an unknown key; a key is locked after five failures in a
//! row). The IAM emulation answers `POST /v3/auth/tokens` for the configured
//! users and `GET /v3/projects?name=` for signed requests.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = dataarts_security_sandbox::Sandbox::start(Default::default()).await?;
//! println!("serving on {}", sandbox.url());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod faults;
pub mod fixtures;
pub mod gateway;

pub use faults::Fault;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use dataarts_security_raw::open_enum::{ClusterType, OrderBy, ScheduleStatus, SyncStatus};
use dataarts_security_raw::types::{ListMemberSyncTasksResponse, MemberSyncTask};
use jiff::Timestamp;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The token the sandbox accepts by default.
pub const DEFAULT_TOKEN: &str = "sandbox-token";

/// The access key id the sandbox knows by default.
pub const DEFAULT_ACCESS_KEY: &str = "SANDBOXAK00000000000";

/// The secret of [`DEFAULT_ACCESS_KEY`].
pub const DEFAULT_SECRET_KEY: &str = "sandbox-secret-key-0000000000000000000000";

/// The IAM user the sandbox knows by default: name, password, account.
pub const DEFAULT_USER: (&str, &str, &str) = ("sandbox-user", "sandbox-password", "sandbox-domain");

/// The region the sandbox pretends to be (V11 scopes, project lookup).
pub const DEFAULT_REGION: &str = "cn-north-4";

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
    /// Access key pairs (id, secret) whose signatures are accepted.
    /// Default: [`DEFAULT_ACCESS_KEY`] with [`DEFAULT_SECRET_KEY`].
    pub access_keys: Vec<(String, String)>,
    /// IAM users (name, password, account) that may log in. Default:
    /// [`DEFAULT_USER`].
    pub users: Vec<(String, String, String)>,
    /// Lifetime of tokens the IAM emulation issues. Default: 24 hours.
    pub token_ttl: Duration,
    /// How long a key stays locked after five failed signatures. Default:
    /// 5 minutes.
    pub lock_for: Duration,
    /// Region id of the sandbox. Default: [`DEFAULT_REGION`].
    pub region: String,
    /// Delay before every task request is answered. Default: none.
    pub latency: Duration,
    /// Faults for the first task requests, one each, in order. Default:
    /// none.
    pub faults: Vec<Fault>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            token: DEFAULT_TOKEN.to_owned(),
            project_id: fixtures::PROJECT_ID.to_owned(),
            workspace: fixtures::WORKSPACE.to_owned(),
            tasks: fixtures::default_tasks(),
            access_keys: vec![(DEFAULT_ACCESS_KEY.to_owned(), DEFAULT_SECRET_KEY.to_owned())],
            users: vec![(
                DEFAULT_USER.0.to_owned(),
                DEFAULT_USER.1.to_owned(),
                DEFAULT_USER.2.to_owned(),
            )],
            token_ttl: Duration::from_secs(24 * 3600),
            lock_for: Duration::from_secs(5 * 60),
            region: DEFAULT_REGION.to_owned(),
            latency: Duration::ZERO,
            faults: Vec::new(),
        }
    }
}

/// A running sandbox; stops when [`Sandbox::shutdown`] is called or when
/// dropped.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
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
        let state = AppState::new(config);
        let app = routes(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// How many token requests the IAM emulation has answered, successful
    /// or not.
    pub fn token_requests(&self) -> u64 {
        self.state.token_requests.load(Ordering::Relaxed)
    }

    /// How many project lookups the IAM emulation has answered.
    pub fn project_requests(&self) -> u64 {
        self.state.project_requests.load(Ordering::Relaxed)
    }

    /// How many requests reached the task operations, admitted or not.
    pub fn api_requests(&self) -> u64 {
        self.state.api_requests.load(Ordering::Relaxed)
    }

    /// Queues faults for the next task requests, one each, in order.
    pub fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .queue
            .extend(faults);
    }

    /// Scripts a task's `sync_status` over time: from each step's delay
    /// after this call on, the task reports that step's status (and, for a
    /// finished run, `sync_time` of that moment). Lets clients that wait on
    /// a run be tested.
    pub fn script_status(
        &self,
        task_id: &str,
        steps: impl IntoIterator<Item = (Duration, SyncStatus)>,
    ) {
        let now = tokio::time::Instant::now();
        let steps = steps
            .into_iter()
            .map(|(after, status)| (now + after, status))
            .collect();
        self.state
            .scripts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(task_id.to_owned(), steps);
    }

    /// Delays every task request by `latency` from now on.
    pub fn set_latency(&self, latency: Duration) {
        self.state
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .latency = latency;
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

struct AppState {
    config: Config,
    keys: HashMap<String, String>,
    next_request: AtomicU64,
    token_requests: AtomicU64,
    project_requests: AtomicU64,
    api_requests: AtomicU64,
    issued: Mutex<HashMap<String, Timestamp>>,
    lockout: gateway::Lockout,
    faults: Mutex<faults::Faults>,
    scripts: Mutex<HashMap<String, Vec<(tokio::time::Instant, SyncStatus)>>>,
}

impl AppState {
    fn new(config: Config) -> Arc<Self> {
        Arc::new(AppState {
            keys: config.access_keys.iter().cloned().collect(),
            next_request: AtomicU64::new(1),
            token_requests: AtomicU64::new(0),
            project_requests: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            issued: Mutex::new(HashMap::new()),
            lockout: gateway::Lockout::default(),
            scripts: Mutex::new(HashMap::new()),
            faults: Mutex::new(faults::Faults {
                queue: config.faults.iter().cloned().collect(),
                latency: config.latency,
            }),
            config,
        })
    }
}

/// The sandbox's routes, for embedding in another server or for tests that
/// drive it without a socket.
pub fn router(config: Config) -> Router {
    routes(AppState::new(config))
}

fn routes(state: Arc<AppState>) -> Router {
    let tasks = Router::new()
        .route("/v1/{project_id}/security/member-sync-tasks", get(list))
        .route(
            "/v1/{project_id}/security/member-sync-tasks/{task_id}",
            get(show),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            misbehave,
        ));
    Router::new()
        .merge(tasks)
        .route("/v3/auth/tokens", post(issue_token))
        .route("/v3/projects", get(projects))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            stamp_request_id,
        ))
        .with_state(state)
}

/// Applies the configured latency and the next queued fault, if any.
async fn misbehave(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (latency, fault) = {
        let mut faults = state.faults.lock().unwrap_or_else(PoisonError::into_inner);
        (faults.latency, faults.queue.pop_front())
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(fault) => {
            state.api_requests.fetch_add(1, Ordering::Relaxed);
            fault.response()
        }
        None => next.run(request).await,
    }
}

/// Gives every response an `X-Request-Id`, including the ones the router
/// produces by itself (a path too long, say).
async fn stamp_request_id(State(state): State<Arc<AppState>>, mut response: Response) -> Response {
    if !response.headers().contains_key("x-request-id") {
        let id = HeaderValue::from_str(&state.request_id()).expect("hex is a valid header");
        response.headers_mut().insert("x-request-id", id);
    }
    response
}

async fn method_not_allowed(State(state): State<Arc<AppState>>) -> Response {
    state.error(
        StatusCode::METHOD_NOT_ALLOWED,
        "APIG.0103",
        "The method is not allowed for this API.",
    )
}

/// The parts of a request the gateway looks at.
struct Incoming {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

/// Largest request body the sandbox reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

impl<S: Send + Sync> axum::extract::FromRequest<S> for Incoming {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, _: &S) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_REQUEST_BODY)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        Ok(Incoming {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        })
    }
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

    fn refuse(&self, (status, code, msg): gateway::Refusal) -> Response {
        self.error(status, code, &msg)
    }

    /// The gateway's checks: a signature or a token it accepts.
    fn authenticate(&self, incoming: &Incoming) -> Result<(), gateway::Refusal> {
        let now = Timestamp::now();
        if incoming.headers.contains_key("authorization") {
            let received = gateway::Received {
                method: &incoming.method,
                path: incoming.uri.path(),
                query: incoming.uri.query().unwrap_or(""),
                headers: &incoming.headers,
                body: &incoming.body,
            };
            return gateway::verify(
                &received,
                &self.keys,
                &self.config.region,
                now,
                &self.lockout,
                self.config.lock_for,
            )
            .map(drop);
        }
        match incoming
            .headers
            .get("x-auth-token")
            .and_then(|v| v.to_str().ok())
        {
            None => Err((
                StatusCode::UNAUTHORIZED,
                "APIG.1002",
                "Incorrect token or token resolution failed".to_owned(),
            )),
            Some(token) if token == self.config.token => Ok(()),
            Some(token) => {
                let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
                match issued.get(token) {
                    Some(expires_at) if now < *expires_at => Ok(()),
                    _ => Err((
                        StatusCode::UNAUTHORIZED,
                        "APIG.0307",
                        "The token must be updated.".to_owned(),
                    )),
                }
            }
        }
    }

    /// Authentication, then the `workspace` header the service requires.
    fn admit(&self, incoming: &Incoming) -> Result<(), gateway::Refusal> {
        self.api_requests.fetch_add(1, Ordering::Relaxed);
        self.authenticate(incoming)?;
        match incoming.headers.get("workspace").map(HeaderValue::to_str) {
            Some(Ok(w)) if !w.trim().is_empty() => Ok(()),
            _ => Err((
                StatusCode::BAD_REQUEST,
                "DLS.1000",
                "The request header workspace is missing.".to_owned(),
            )),
        }
    }

    /// The task as its status script says it is now.
    fn scripted(&self, task: &MemberSyncTask) -> MemberSyncTask {
        let mut task = task.clone();
        let scripts = self.scripts.lock().unwrap_or_else(PoisonError::into_inner);
        let now = tokio::time::Instant::now();
        let current = task
            .id
            .as_ref()
            .and_then(|id| scripts.get(id))
            .and_then(|steps| steps.iter().rev().find(|(at, _)| *at <= now));
        if let Some((_, status)) = current {
            if status.is_terminal() {
                task.sync_time = Some(Timestamp::now().as_millisecond().into());
            }
            task.sync_status = Some(status.clone());
        }
        task
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
    incoming: Incoming,
) -> Response {
    if let Err(refusal) = state.admit(&incoming) {
        return state.refuse(refusal);
    }
    let headers = incoming.headers;
    let found = state
        .visible(&project_id, &headers)
        .iter()
        .find(|t| t.id.as_deref() == Some(task_id.as_str()));
    match found {
        Some(task) => state.reply(StatusCode::OK, json!(state.scripted(task))),
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
    incoming: Incoming,
) -> Response {
    if let Err(refusal) = state.admit(&incoming) {
        return state.refuse(refusal);
    }
    let headers = incoming.headers;
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

/// IAM's `POST /v3/auth/tokens` for password logins.
async fn issue_token(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    state.token_requests.fetch_add(1, Ordering::Relaxed);
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let user = &request["auth"]["identity"]["password"]["user"];
    let given = (
        user["name"].as_str(),
        user["password"].as_str(),
        user["domain"]["name"].as_str(),
    );
    let known = state.config.users.iter().any(|(name, password, domain)| {
        given
            == (
                Some(name.as_str()),
                Some(password.as_str()),
                Some(domain.as_str()),
            )
    });
    if !known {
        return state.reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}),
        );
    }

    let now = Timestamp::now();
    let expires_at = now + state.config.token_ttl;
    let token = format!(
        "sandbox-iam-token-{:032x}",
        state.next_request.fetch_add(1, Ordering::Relaxed)
    );
    state
        .issued
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(token.clone(), expires_at);
    let mut response = state.reply(
        StatusCode::CREATED,
        json!({"token": {
            "expires_at": expires_at.to_string(),
            "issued_at": now.to_string(),
            "methods": ["password"],
            "project": request["auth"]["scope"]["project"],
            "user": {"name": user["name"], "domain": {"name": user["domain"]["name"]}},
        }}),
    );
    let value = HeaderValue::from_str(&token).expect("token is ASCII");
    response.headers_mut().insert("x-subject-token", value);
    response
}

/// IAM's `GET /v3/projects?name=`, for access-key callers.
async fn projects(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    incoming: Incoming,
) -> Response {
    state.project_requests.fetch_add(1, Ordering::Relaxed);
    if let Err(refusal) = state.authenticate(&incoming) {
        return state.refuse(refusal);
    }
    let name = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.into_owned());
    let projects: Vec<serde_json::Value> = match name {
        Some(name) if name != state.config.region => vec![],
        _ => vec![json!({
            "id": state.config.project_id,
            "name": state.config.region,
            "domain_id": fixtures::DOMAIN_ID,
            "enabled": true,
        })],
    };
    state.reply(StatusCode::OK, json!({ "projects": projects }))
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
        let mut seen = std::collections::HashSet::new();
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            if !seen.insert(key.clone().into_owned()) {
                return Err(format!("{key} is given more than once"));
            }
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
        // order_by_asc has an effect only together with order_by.
        let (key, ascending) = match &self.order_by {
            Some(key) => (key.clone(), self.ascending),
            None => (OrderBy::CreateTime, false),
        };
        tasks.sort_by(|a, b| {
            let order = match key {
                OrderBy::ClusterName => a.cluster_name.cmp(&b.cluster_name),
                OrderBy::UpdateTime => a.update_time.cmp(&b.update_time),
                OrderBy::SyncTime => a.sync_time.cmp(&b.sync_time),
                _ => a.create_time.cmp(&b.create_time),
            };
            let order = if ascending { order } else { order.reverse() };
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
