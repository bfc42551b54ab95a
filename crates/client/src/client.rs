//! The client and its builder.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use dataarts_security_raw as raw;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::auth::{Authenticator, Clock, system_clock};
use crate::credentials::Credentials;
use crate::error::{ApiError, ClockSkew, DecodeError, Error, Throttled, TimeoutScope, snippet};
use crate::model::{FieldError, ListTasks, MemberSyncTask, TaskPage};
use crate::region::{self, Endpoint};
use crate::transport::{CallAuth, Exchange, ResponseMeta, USER_AGENT_STRING};

/// Default limit on a response body: 32 MiB, room for a page of a thousand
/// tasks with long logs.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time allowed for one attempt, from sending to the last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time allowed for a whole call, retries and waits included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// How long idle pooled connections are kept: below the 60 s after which
/// common gateways and load balancers drop them, so a reused connection is
/// not one the far end has already closed.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The time limits of a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Opening a connection. Default: [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the answer. Default:
    /// [`DEFAULT_TIMEOUT`].
    pub attempt: Duration,
    /// A whole call, all attempts and the waits between them. Default:
    /// [`DEFAULT_OPERATION_TIMEOUT`].
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: DEFAULT_CONNECT_TIMEOUT,
            attempt: DEFAULT_TIMEOUT,
            operation: DEFAULT_OPERATION_TIMEOUT,
        }
    }
}

/// When and how often a failed attempt is tried again.
///
/// Only errors for which [`Error::is_retryable`] holds are retried: both
/// operations are idempotent reads, so a connection failure, a timeout, a
/// 429 or a 500/502/503/504 is safe to repeat; a 400, 401, 403 or 404 never
/// is. The wait before attempt *n + 1* is the server's `Retry-After` when it
/// sent one, else a random time between zero and
/// `min(max_backoff, initial_backoff * 2^(n-1))` ("full jitter"), so that
/// many clients do not retry in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off. Default: 3.
    pub max_attempts: u32,
    /// Backoff cap of the first retry. Default: 200 ms.
    pub initial_backoff: Duration,
    /// Largest backoff. Default: 10 s.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// A policy that makes `max_attempts` attempts with the default backoff.
    pub fn attempts(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            ..RetryPolicy::default()
        }
    }

    /// The same policy with other backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The wait after failed attempt number `attempt` (from 1).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let exponent = attempt.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

/// A client for the user synchronization task API of one project and
/// workspace.
///
/// Cheap to clone; clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), dataarts_security::Error> {
/// use dataarts_security::{Client, Credentials, ListTasks, SyncStatus};
///
/// let client = Client::builder()
///     .region("cn-north-4")
///     .project_id("0833a5737480d53b2f25c010dc1a7b88")
///     .workspace("f7bc8f2a71524d268c4293974e3dc35b")
///     .credentials(Credentials::token(std::env::var("DATAARTS_TOKEN").unwrap_or_default()))
///     .build()?;
///
/// let task = client.show_task("088c2b59114405ab4fbc0df5bd05202b").await?;
/// println!("{:?} {:?}", task.cluster_name, task.sync_status);
///
/// let failed = client.list_tasks(&ListTasks::new().sync_status(SyncStatus::SyncFail)).await?;
/// println!("{} failed tasks", failed.total.unwrap_or_default());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    endpoint: Endpoint,
    workspace: String,
    http: reqwest::Client,
    auth: Arc<Authenticator>,
    clock: Clock,
    max_body_bytes: u64,
    timeouts: Timeouts,
    retry: RetryPolicy,
    dry_run: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("workspace", &self.workspace)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The time limits in force.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The credentials requests authenticate with.
    pub fn credentials(&self) -> &Credentials {
        self.auth.credentials()
    }

    /// The project id requests go to; with access keys and a region but no
    /// configured id, IAM is asked once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when there is no id and no way to look it up,
    /// and the errors of the IAM request.
    pub async fn project_id(&self) -> Result<String, Error> {
        self.auth.project_id(&self.http).await.map(str::to_owned)
    }

    /// The authentication of the next request, and the exchange that will
    /// carry it.
    async fn exchange(&self) -> Result<Arc<Exchange>, Error> {
        let (project_id, auth) = if self.dry_run {
            // A dry run sends nothing, IAM included: what IAM would supply
            // is shown as a placeholder.
            self.auth.dry_run_auth()
        } else {
            let project_id = self.auth.project_id(&self.http).await?.to_owned();
            let auth = self.auth.request_auth(&self.http, &project_id).await?;
            (project_id, auth)
        };
        let call = CallAuth {
            auth,
            project_id,
            region: self.auth.region().map(str::to_owned),
        };
        Ok(Exchange::new(
            call,
            self.clock.clone(),
            self.max_body_bytes,
            self.timeouts.attempt,
            self.dry_run,
        ))
    }

    /// Runs one operation: attempts, each with fresh authentication and
    /// its own time limit, retried while the error says a retry may help,
    /// with backoff, all within the operation's deadline.
    async fn call<T, R, F, Fut>(
        &self,
        operation: &'static str,
        send: F,
        convert: fn(T) -> Result<R, FieldError>,
    ) -> Result<R, Error>
    where
        T: DeserializeOwned,
        F: Fn(raw::Client, String) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, raw::Error<raw::ErrorBody>>>,
    {
        let deadline = self.timeouts.operation;
        let started = std::time::Instant::now();
        let attempts = async {
            let mut attempt = 1;
            let mut renewed_token = false;
            loop {
                let error = match self.attempt(&send, convert).await {
                    Ok(value) => return Ok(value),
                    Err(error) => error,
                };

                // A token the gateway calls expired is renewed once, at once.
                let renew = error.is_token_expired() && self.auth.renews_tokens() && !renewed_token;
                let retry = (error.is_retryable() || renew) && attempt < self.retry.max_attempts;
                let delay = if renew {
                    Duration::ZERO
                } else {
                    self.retry.delay(attempt, error.retry_after())
                };
                let in_time = started.elapsed() + delay < deadline;
                tracing::debug!(
                    operation,
                    attempt,
                    request_id = error.request_id(),
                    error = %error,
                    retry = retry && in_time,
                    delay_ms = delay.as_millis() as u64,
                    "attempt failed"
                );
                if !(retry && in_time) {
                    return Err(error);
                }
                renewed_token |= renew;
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        };
        match tokio::time::timeout(deadline, attempts).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                scope: TimeoutScope::Operation,
                limit: deadline,
            }),
        }
    }

    /// One attempt of an operation.
    async fn attempt<T, R, F, Fut>(
        &self,
        send: &F,
        convert: fn(T) -> Result<R, FieldError>,
    ) -> Result<R, Error>
    where
        T: DeserializeOwned,
        F: Fn(raw::Client, String) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, raw::Error<raw::ErrorBody>>>,
    {
        let exchange = self.exchange().await?;
        let sent = send(self.raw(&exchange), exchange.project_id().to_owned());
        // The request also carries this limit; this one also bounds a
        // caller's own `reqwest::Client` and the connection it opens.
        let limit = self.timeouts.attempt;
        let result = match tokio::time::timeout(limit, sent).await {
            Ok(result) => result,
            Err(_) => {
                return Err(Error::Timeout {
                    scope: TimeoutScope::Attempt,
                    limit,
                });
            }
        };
        let outcome = decoded(result, &exchange, &self.timeouts).await;
        if let Err(error) = &outcome
            && error.is_token_expired()
        {
            self.auth.forget_token().await;
        }
        convert(outcome?).map_err(|e| field_error(e, &exchange))
    }

    /// Fetches one task by id (`ShowSecurityMemberSyncTask`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a task id that could not be sent as given,
    /// [`Error::Api`] when the service refuses (it answers an unknown id with
    /// a 400), and the other variants of [`Error`] for authentication,
    /// throttling, timeouts, transport and decoding.
    pub async fn show_task(&self, task_id: &str) -> Result<MemberSyncTask, Error> {
        validate_id("task_id", task_id)?;
        let workspace = self.workspace.as_str();
        let send = |raw: raw::Client, project_id: String| async move {
            raw.show_security_member_sync_task()
                .project_id(project_id)
                .task_id(task_id)
                .workspace(workspace)
                .send()
                .await
        };
        self.call("ShowSecurityMemberSyncTask", send, MemberSyncTask::from_raw)
            .await
    }

    /// Fetches one page of tasks (`ListSecurityMemberSyncTasks`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a `limit` of 0 or a value past `i32`,
    /// [`Error::Api`] when the service refuses, and the other variants of
    /// [`Error`] as for [`Client::show_task`].
    pub async fn list_tasks(&self, query: &ListTasks) -> Result<TaskPage, Error> {
        let limit = query
            .limit
            .map(|limit| {
                std::num::NonZeroU32::new(limit)
                    .filter(|l| i32::try_from(l.get()).is_ok())
                    .ok_or_else(|| {
                        Error::invalid("limit", format!("must be 1 to {}, got {limit}", i32::MAX))
                    })
            })
            .transpose()?;
        let offset = query
            .offset
            .map(|offset| {
                i32::try_from(offset).map_err(|_| {
                    Error::invalid("offset", format!("must be 0 to {}, got {offset}", i32::MAX))
                })
            })
            .transpose()?;
        if let Some(name) = &query.cluster_name {
            validate_text("cluster_name", name)?;
            let length = name.chars().count();
            if length > MAX_FILTER_CHARS {
                return Err(Error::invalid(
                    "cluster_name",
                    format!("must be at most {MAX_FILTER_CHARS} characters, got {length}"),
                ));
            }
        }

        let workspace = self.workspace.as_str();
        let send = |raw: raw::Client, project_id: String| async move {
            let mut request = raw
                .list_security_member_sync_tasks()
                .project_id(project_id)
                .workspace(workspace);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            if let Some(offset) = offset {
                request = request.offset(offset);
            }
            if let Some(cluster_type) = query.cluster_type.clone() {
                request = request.cluster_type(cluster_type);
            }
            if let Some(cluster_name) = query.cluster_name.clone() {
                request = request.cluster_name(cluster_name);
            }
            if let Some(sync_status) = query.sync_status.clone() {
                request = request.sync_status(sync_status);
            }
            if let Some(schedule_status) = query.schedule_status.clone() {
                request = request.schedule_status(schedule_status);
            }
            if let Some(order_by) = query.order_by.clone() {
                request = request.order_by(order_by);
            }
            if let Some(ascending) = query.order_by_asc {
                request = request.order_by_asc(ascending);
            }
            request.send().await
        };
        self.call("ListSecurityMemberSyncTasks", send, TaskPage::from_raw)
            .await
    }

    /// The generated client, wired to this call's exchange.
    fn raw(&self, exchange: &Arc<Exchange>) -> raw::Client {
        raw::Client::new_with_client(
            self.endpoint.as_str(),
            self.http.clone(),
            raw::Hooks::new(exchange.clone()),
        )
    }
}

/// Turns the generated client's result into ours, using what the exchange
/// kept of the response where the generated error lost it.
async fn decoded<T: DeserializeOwned>(
    result: Result<ResponseValue<T>, raw::Error<raw::ErrorBody>>,
    exchange: &Exchange,
    timeouts: &Timeouts,
) -> Result<T, Error> {
    if let Some(prepared) = exchange.take_prepared() {
        return Err(Error::DryRun(Box::new(prepared)));
    }
    let meta = exchange.response();
    if let Some(meta) = meta.as_ref().filter(|m| m.too_large) {
        return Err(Error::BodyTooLarge {
            status: meta.status,
            limit: exchange.max_body_bytes(),
        });
    }
    match result {
        Ok(value) => Ok(value.into_inner()),
        Err(raw::Error::ErrorResponse(value)) => {
            let meta = ResponseMeta {
                status: value.status(),
                headers: value.headers().clone(),
                too_large: false,
            };
            Err(refine(
                api_error(&meta, value.into_inner()),
                &meta,
                exchange,
            ))
        }
        Err(raw::Error::InvalidResponsePayload(body, _)) => Err(match meta {
            Some(meta) => refine(payload_error::<T>(&meta, &body), &meta, exchange),
            None => Error::Config("a response was decoded that the transport did not see".into()),
        }),
        Err(raw::Error::UnexpectedResponse(response)) => {
            // A status the spec does not declare (a proxy's 502, say). The
            // exchange buffered the body, so this read does not wait on the
            // network.
            let meta = ResponseMeta {
                status: response.status(),
                headers: response.headers().clone(),
                too_large: false,
            };
            match response.bytes().await {
                Ok(body) => Err(refine(error_status(&meta, &body), &meta, exchange)),
                Err(e) => Err(transport_error(e, timeouts)),
            }
        }
        Err(
            raw::Error::CommunicationError(e)
            | raw::Error::ResponseBodyError(e)
            | raw::Error::InvalidUpgrade(e),
        ) => Err(transport_error(e, timeouts)),
        Err(raw::Error::InvalidRequest(reason)) => Err(Error::invalid("request", reason)),
        Err(raw::Error::Custom(reason)) => Err(Error::Config(reason)),
    }
}

/// Sorts a transport failure into timeout, connection failure, a request
/// that could not be built, or a connection lost afterwards.
pub(crate) fn transport_error(error: reqwest::Error, timeouts: &Timeouts) -> Error {
    if error.is_timeout() {
        let (scope, limit) = if error.is_connect() {
            (TimeoutScope::Connect, timeouts.connect)
        } else {
            (TimeoutScope::Attempt, timeouts.attempt)
        };
        Error::Timeout { scope, limit }
    } else if error.is_connect() {
        Error::Connect(error)
    } else if error.is_builder() {
        Error::Config(format!(
            "the request could not be built: {}",
            error.without_url()
        ))
    } else {
        Error::Transport(error)
    }
}

/// Sorts an error status into what the caller acts on: an expired
/// signature, refused credentials, throttling, or the service's own error.
pub(crate) fn refine(error: Error, meta: &ResponseMeta, exchange: &Exchange) -> Error {
    match with_clock_skew(error, meta, exchange) {
        Error::Api(api) => classify(api, meta),
        other => other,
    }
}

/// 401, and 403 from the API gateway, refuse the credentials; 429 is
/// throttling, with the server's `Retry-After`.
pub(crate) fn classify(api: Box<ApiError>, meta: &ResponseMeta) -> Error {
    let gateway_code = api
        .error_code
        .as_deref()
        .is_some_and(|c| c.starts_with("APIG"));
    match api.status.as_u16() {
        401 => Error::Auth(api),
        403 if gateway_code => Error::Auth(api),
        429 => {
            let retry_after = crate::transport::header_text(&meta.headers, "retry-after")
                .and_then(|value| parse_retry_after(&value, jiff::Timestamp::now()));
            Error::Throttled(Box::new(Throttled {
                api: *api,
                retry_after,
            }))
        }
        _ => Error::Api(api),
    }
}

/// `Retry-After` as seconds (`120`) or an HTTP date, as a delay from `now`.
pub(crate) fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let wait = at.as_millisecond() - now.as_millisecond();
    Some(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
}

/// Turns a gateway's "signature expired" into [`Error::SignatureExpired`],
/// with the local signing time and the server's `Date` side by side.
fn with_clock_skew(error: Error, meta: &ResponseMeta, exchange: &Exchange) -> Error {
    let Error::Api(api) = error else { return error };
    let Some(signed_at) = exchange.signed_at() else {
        return Error::Api(api);
    };
    let says_expired = api.status.as_u16() == 401
        && api
            .error_msg
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains("expired"))
        && api
            .error_code
            .as_deref()
            .is_some_and(|c| c.ends_with(".0301") || c.ends_with(".0303"));
    if !says_expired {
        return Error::Api(api);
    }
    let server_time = crate::transport::header_text(&meta.headers, "date")
        .and_then(|date| jiff::fmt::rfc2822::parse(&date).ok())
        .map(|zoned| zoned.timestamp());
    Error::SignatureExpired(Box::new(ClockSkew {
        api: *api,
        signed_at,
        server_time,
    }))
}

/// An error status whose body decoded as JSON.
fn api_error(meta: &ResponseMeta, body: raw::ErrorBody) -> Error {
    let error_msg = body.error_msg.clone().or_else(|| match body.error_code {
        // No known pair: keep what the body said rather than nothing.
        None if !body.body().is_null() => Some(snippet(body.body().to_string().as_bytes())),
        _ => None,
    });
    Error::Api(Box::new(ApiError {
        status: meta.status,
        error_code: body.error_code,
        error_msg,
        request_id: meta.request_id().or(body.request_id),
        content_type: meta.content_type(),
    }))
}

/// An error status with any body: JSON in a known shape, or text.
pub(crate) fn error_status(meta: &ResponseMeta, body: &[u8]) -> Error {
    match serde_json::from_slice::<raw::ErrorBody>(body) {
        Ok(parsed) if !body.is_empty() => api_error(meta, parsed),
        _ => Error::Api(Box::new(ApiError {
            status: meta.status,
            error_code: None,
            error_msg: (!body.is_empty()).then(|| snippet(body)),
            request_id: meta.request_id(),
            content_type: meta.content_type(),
        })),
    }
}

/// A body the generated code could not decode as `T`.
pub(crate) fn payload_error<T: DeserializeOwned>(meta: &ResponseMeta, body: &[u8]) -> Error {
    if !meta.status.is_success() {
        return error_status(meta, body);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Error::EmptyBody {
            status: meta.status,
            content_type: meta.content_type(),
            request_id: meta.request_id(),
        };
    }

    // Decode again only on this failure path, now tracking the path, to say
    // where the body left the schema.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let error = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => {
            return Error::Config(
                "a body failed to decode once and decoded the second time".into(),
            );
        }
        Err(e) => e,
    };
    if error.inner().is_syntax() || error.inner().is_eof() && error.path().to_string() == "." {
        return Error::UnexpectedBody {
            status: meta.status,
            content_type: meta.content_type(),
            snippet: snippet(body),
            request_id: meta.request_id(),
        };
    }
    Error::Decode(Box::new(DecodeError {
        status: meta.status,
        path: error.path().to_string(),
        reason: error.inner().to_string(),
        snippet: snippet(body),
        request_id: meta.request_id(),
    }))
}

/// A field that decoded but cannot be represented in our types.
fn field_error(error: FieldError, exchange: &Exchange) -> Error {
    let meta = exchange.response();
    Error::Decode(Box::new(DecodeError {
        status: meta.as_ref().map_or(reqwest::StatusCode::OK, |m| m.status),
        path: error.path,
        reason: error.reason,
        snippet: String::new(),
        request_id: meta.and_then(|m| m.request_id()),
    }))
}

/// Whether the endpoint is on this machine (127.0.0.0/8, `::1`,
/// `localhost`).
fn is_loopback(endpoint: &Endpoint) -> bool {
    match endpoint.url().host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks an id that becomes one path segment.
///
/// Ids are percent-encoded on the wire, so any text would reach the right
/// URL; what is refused here is what can only be a mistake or an attempt to
/// reach another resource: nothing at all, `.` and `..` (which URL parsing
/// would resolve), separators and control characters.
pub(crate) fn validate_id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    let length = value.chars().count();
    if length > MAX_ID_CHARS {
        return Err(Error::invalid(
            field,
            format!("must be at most {MAX_ID_CHARS} characters, got {length}"),
        ));
    }
    if value.trim() != value {
        return Err(Error::invalid(
            field,
            "must not start or end with white space",
        ));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(
            field,
            "must not be a relative path segment (`.` or `..`)",
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%'))
    {
        return Err(Error::invalid(field, format!("must not contain {c:?}")));
    }
    validate_text(field, value)
}

/// Longest id accepted: the service's ids are 32 hex digits; this leaves
/// room for other formats while keeping a request line far from any limit.
pub const MAX_ID_CHARS: usize = 128;

/// Longest filter text accepted (`cluster_name`).
pub const MAX_FILTER_CHARS: usize = 512;

/// Checks text that is sent in a header or query: no control characters,
/// which could split a header or be cut from the request.
pub(crate) fn validate_text(field: &'static str, value: &str) -> Result<(), Error> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(Error::invalid(
            field,
            format!("must not contain the control character {c:?}"),
        )),
        None => Ok(()),
    }
}

/// Looks up one environment variable.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Configures a [`Client`]. Obtained from [`Client::builder`].
#[derive(Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    iam_endpoint: Option<String>,
    project_id: Option<String>,
    workspace: Option<String>,
    credentials: Option<Credentials>,
    http: Option<reqwest::Client>,
    max_body_bytes: Option<u64>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    accept_invalid_certs: bool,
    ca_pem: Option<Vec<u8>>,
    proxy: Option<String>,
    no_proxy: bool,
    dry_run: bool,
    env: Option<EnvLookup>,
    clock: Option<Clock>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("project_id", &self.project_id)
            .field("workspace", &self.workspace)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Official variable naming the IAM endpoint.
pub const IAM_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

impl ClientBuilder {
    /// Sets the region, such as `cn-north-4`; its endpoint comes from the
    /// official override variable or the built-in table (see
    /// [`crate::region`]). No default: a region or an endpoint is required.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the endpoint URL explicitly; it wins over the region. A trailing
    /// `/` is ignored. No default.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sets the IAM endpoint used for password logins and project lookups.
    /// Default: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
    /// `https://iam.{region}.myhuaweicloud.com`.
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into());
        self
    }

    /// Sets the project id that goes into every path. Required, except with
    /// access keys and a region, when IAM is asked for it once.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Sets the DataArts Studio workspace id sent as the `workspace` header.
    /// Required.
    pub fn workspace(mut self, workspace: impl Into<String>) -> Self {
        self.workspace = Some(workspace.into());
        self
    }

    /// Sets how requests authenticate. Required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Limits the size of a response body; a larger body ends the call with
    /// [`Error::BodyTooLarge`]. Default: [`DEFAULT_MAX_BODY_BYTES`].
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Sets the time allowed to open a connection. Default:
    /// [`DEFAULT_CONNECT_TIMEOUT`]. With [`Self::http_client`], that
    /// client's own setting applies, bounded by the attempt timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Sets the time allowed for one attempt, from sending the request to
    /// the last byte of the answer. Default: [`DEFAULT_TIMEOUT`]. Applies
    /// with [`Self::http_client`] too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the time allowed for a whole call, retries and waits included.
    /// Default: [`DEFAULT_OPERATION_TIMEOUT`].
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Sets when failed attempts are retried. Default:
    /// [`RetryPolicy::default`], three attempts.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends requests through this proxy (`http://` or `https://` URL,
    /// credentials allowed in it). Default: the `HTTPS_PROXY`, `HTTP_PROXY`
    /// and `NO_PROXY` environment variables, as `reqwest` reads them.
    /// Ignored with [`Self::http_client`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Connects directly, ignoring the proxy environment variables (for an
    /// endpoint on this machine, say). Default: off.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Trusts the certificates of this PEM bundle in addition to the
    /// system's, for gateways with a private CA. Ignored with
    /// [`Self::http_client`].
    pub fn ca_bundle_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Accepts any TLS certificate. Only for test gateways: it removes the
    /// protection against a man in the middle, and building such a client
    /// logs a warning every time. Default: off. Ignored with
    /// [`Self::http_client`].
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// Builds and authenticates each request but does not send it: calls
    /// end with [`Error::DryRun`] holding the request, secrets masked.
    /// Default: off.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Uses this `reqwest` client for connections instead of building one.
    /// The attempt and operation timeouts still apply. Configure it with
    /// `redirect(Policy::none())`: a redirect would carry the credential
    /// headers to wherever it points. Default: a client with rustls, the
    /// timeouts above, no redirects and idle connections kept 30 s.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Reads environment variables through `env` instead of the process
    /// environment (for the region and IAM endpoint overrides). Default: the
    /// process environment.
    pub fn env(mut self, env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Some(Box::new(env));
        self
    }

    /// Reads the time from `clock` instead of the system clock: it dates
    /// signatures and decides when a cached token is renewed. Default: the
    /// system clock.
    pub fn clock(mut self, clock: impl Fn() -> jiff::Timestamp + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Endpoint`] when no endpoint can be chosen,
    /// [`Error::InvalidInput`] for a missing or malformed project id,
    /// workspace or credential, and [`Error::Config`] when the HTTP client
    /// cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let process_env = |key: &str| std::env::var(key).ok();
        let env: &dyn Fn(&str) -> Option<String> = match &self.env {
            Some(env) => env.as_ref(),
            None => &process_env,
        };
        let endpoint = region::resolve(self.endpoint.as_deref(), self.region.as_deref(), env)?;
        let region = self
            .region
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let iam_endpoint = match self.iam_endpoint.or_else(|| env(IAM_ENDPOINT_ENV)) {
            Some(url) => Some(Endpoint::parse(&url)?),
            None => region
                .as_deref()
                .map(|r| Endpoint::parse(&format!("https://iam.{r}.myhuaweicloud.com")))
                .transpose()
                .ok()
                .flatten(),
        };

        let credentials = self
            .credentials
            .ok_or_else(|| Error::invalid("credentials", "are required"))?;
        credentials
            .validate()
            .map_err(|reason| Error::invalid("credentials", reason))?;
        if let Credentials::AccessKey(ak) = &credentials {
            ak.algorithm(region.as_deref())
                .map_err(|reason| Error::invalid("credentials", reason))?;
        }
        match &self.project_id {
            Some(project_id) => validate_id("project_id", project_id)?,
            None if matches!(credentials, Credentials::AccessKey(_)) && region.is_some() => {}
            None => return Err(Error::invalid("project_id", "is required")),
        }
        let workspace = self
            .workspace
            .ok_or_else(|| Error::invalid("workspace", "is required"))?;
        validate_id("workspace", &workspace)?;

        let timeouts = Timeouts {
            connect: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            attempt: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            operation: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
        };
        for (field, limit) in [
            ("connect_timeout", timeouts.connect),
            ("timeout", timeouts.attempt),
            ("operation_timeout", timeouts.operation),
        ] {
            if limit.is_zero() {
                return Err(Error::invalid(field, "must be longer than zero"));
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .user_agent(USER_AGENT_STRING)
                    .connect_timeout(timeouts.connect)
                    .timeout(timeouts.attempt)
                    .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                    // Credentials must never follow a redirect anywhere.
                    .redirect(reqwest::redirect::Policy::none());
                if let Some(proxy) = &self.proxy {
                    let scheme_ok = reqwest::Url::parse(proxy)
                        .is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
                    if !scheme_ok {
                        return Err(Error::invalid(
                            "proxy",
                            "must be an http:// or https:// URL",
                        ));
                    }
                    let proxy = reqwest::Proxy::all(proxy.as_str())
                        .map_err(|_| Error::invalid("proxy", "is not a valid proxy URL"))?;
                    builder = builder.proxy(proxy);
                } else if self.no_proxy || is_loopback(&endpoint) {
                    // A proxy cannot reach this machine's loopback.
                    builder = builder.no_proxy();
                }
                if let Some(pem) = &self.ca_pem {
                    let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                        Error::invalid("ca_bundle", format!("is not a PEM bundle: {e}"))
                    })?;
                    if certificates.is_empty() {
                        return Err(Error::invalid("ca_bundle", "holds no certificate"));
                    }
                    for certificate in certificates {
                        builder = builder.add_root_certificate(certificate);
                    }
                }
                if self.accept_invalid_certs {
                    tracing::warn!(
                        endpoint = %endpoint,
                        "TLS certificate verification is off for this client: use only with test gateways"
                    );
                    builder = builder.danger_accept_invalid_certs(true);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let clock = self.clock.unwrap_or_else(system_clock);

        Ok(Client {
            endpoint,
            workspace,
            http,
            auth: Arc::new(Authenticator::new(
                credentials,
                region,
                iam_endpoint,
                self.project_id,
                clock.clone(),
            )),
            clock,
            max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            timeouts,
            retry: self.retry.unwrap_or_default(),
            dry_run: self.dry_run,
        })
    }
}
