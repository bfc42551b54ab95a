//! The one error type of this crate.

use std::fmt;

use reqwest::StatusCode;

use crate::region::EndpointError;

/// How many characters of an unexpected body an error keeps.
pub const SNIPPET_CHARS: usize = 200;

/// Everything that can go wrong in a call, as variants a caller can match on.
///
/// `Display` is one short line without secrets; the underlying cause, where
/// there is one, is behind [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service or its gateway answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The gateway refused the signature as expired: the local clock and the
    /// server's disagree by more than the gateway tolerates (15 minutes).
    #[error("{0}")]
    SignatureExpired(Box<ClockSkew>),

    /// The gateway refused the credentials (HTTP 401, or 403 with an API
    /// gateway code): a bad signature, an unknown key, an expired or invalid
    /// token. Never retried: the gateway locks a key after repeated
    /// signature failures.
    #[error("{0}")]
    Auth(Box<ApiError>),

    /// The gateway throttled the caller (HTTP 429).
    #[error("{}{}", .0.api, .0.retry_after.map(|d| format!("; retry after {} s", d.as_secs_f64())).unwrap_or_default())]
    Throttled(Box<Throttled>),

    /// No answer within the time allowed.
    #[error("{scope} timed out after {}", humanize(*.limit))]
    Timeout {
        /// Which limit ran out.
        scope: TimeoutScope,
        /// The limit.
        limit: std::time::Duration,
    },

    /// No connection could be opened to the endpoint (refused, unreachable,
    /// name not resolved, TLS handshake failed).
    #[error("could not connect to the endpoint")]
    Connect(#[source] reqwest::Error),

    /// A success status came with an empty body.
    #[error("HTTP {status} with an empty body{}", request_suffix(.request_id))]
    EmptyBody {
        /// The response status.
        status: StatusCode,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The request id from the response headers.
        request_id: Option<String>,
    },

    /// A success status came with a body that is not JSON.
    #[error(
        "HTTP {status} with a body that is not JSON ({}): {snippet}{}",
        one_line(content_type.as_deref().unwrap_or("no content type")),
        request_suffix(.request_id)
    )]
    UnexpectedBody {
        /// The response status.
        status: StatusCode,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The start of the body, decoded as UTF-8.
        snippet: String,
        /// The request id from the response headers.
        request_id: Option<String>,
    },

    /// A JSON body did not have the shape the spec describes.
    #[error("{0}")]
    Decode(Box<DecodeError>),

    /// The body was larger than the configured limit; reading stopped there.
    #[error("HTTP {status} body larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },

    /// The connection failed after it was opened: closed before the answer,
    /// or while the body was read.
    #[error("{}", transport_summary(.0))]
    Transport(#[source] reqwest::Error),

    /// Paging through a listing went wrong: the service ignored `offset` or
    /// answered an empty page while its `total` said there were more.
    #[error("paging stopped at offset {offset}: {reason}")]
    Paging {
        /// The offset of the page that showed the problem.
        offset: u64,
        /// What the service did.
        reason: String,
    },

    /// A wait for a synchronization met a status it cannot wait on: the
    /// service's `UNKNOWN`, or a status this client does not know.
    #[error("the task's sync status is {status}, which a wait cannot end on; not waiting")]
    UnwaitableStatus {
        /// The status as the service spelled it.
        status: String,
    },

    /// The client is in dry-run mode: the request was built, authenticated
    /// and not sent. It is inside, with its secrets masked.
    #[error("dry run: the request was not sent")]
    DryRun(Box<PreparedRequest>),

    /// An argument was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument, as named in the API (`task_id`, `limit`, ...).
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },

    /// No endpoint could be chosen.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),

    /// The client was configured incompletely or inconsistently.
    #[error("invalid configuration: {0}")]
    Config(String),
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" (request id {})", one_line(id)))
        .unwrap_or_default()
}

/// A duration as people write it: `30 s`, `2 min`, `250 ms`.
fn humanize(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.as_secs().is_multiple_of(60) && d.subsec_nanos() == 0 {
        format!("{} min", d.as_secs() / 60)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

/// Which time limit ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutScope {
    /// Opening the connection.
    Connect,
    /// One attempt: sending the request and reading the whole answer.
    Attempt,
    /// The whole call, retries included.
    Operation,
    /// A wait for a synchronization to finish.
    Wait,
}

impl fmt::Display for TimeoutScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutScope::Connect => "connecting",
            TimeoutScope::Attempt => "the request",
            TimeoutScope::Operation => "the call, retries included,",
            TimeoutScope::Wait => "waiting for the synchronization",
        })
    }
}

/// A request as it would have been sent, secrets masked: tokens and the
/// signature are replaced, everything else is exact.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// The method.
    pub method: String,
    /// The full URL, path and query as they would go on the wire.
    pub url: String,
    /// The headers, in order, with credential values masked.
    pub headers: Vec<(String, String)>,
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        Ok(())
    }
}

/// A 429 and when the gateway said to come back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Throttled {
    /// The gateway's answer.
    pub api: ApiError,
    /// The `Retry-After` header, as a delay from when it was received.
    pub retry_after: Option<std::time::Duration>,
}

fn transport_summary(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "the request timed out"
    } else if error.is_connect() {
        "could not connect to the endpoint"
    } else if error.is_body() || error.is_decode() {
        "the connection failed while reading the response"
    } else {
        "the request could not be sent"
    }
}

impl Error {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) | Error::Auth(e) => Some(e.status),
            Error::Throttled(e) => Some(e.api.status),
            Error::SignatureExpired(e) => Some(e.api.status),
            Error::Decode(e) => Some(e.status),
            Error::EmptyBody { status, .. }
            | Error::UnexpectedBody { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The service's error code (`DLS.1000`, `APIG.0301`, ...), if any.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::Auth(e) => e.error_code.as_deref(),
            Error::Throttled(e) => e.api.error_code.as_deref(),
            Error::SignatureExpired(e) => e.api.error_code.as_deref(),
            _ => None,
        }
    }

    /// The request id the gateway assigned, if a response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::Auth(e) => e.request_id.as_deref(),
            Error::Throttled(e) => e.api.request_id.as_deref(),
            Error::SignatureExpired(e) => e.api.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::EmptyBody { request_id, .. } | Error::UnexpectedBody { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the gateway refused the request's credentials. Such a request
    /// must not be retried as it is: the gateway locks a key after repeated
    /// signature failures.
    pub fn is_auth_failure(&self) -> bool {
        matches!(self, Error::Auth(_) | Error::SignatureExpired(_))
    }

    /// Whether the gateway said the IAM token has expired (`APIG.0307`).
    pub fn is_token_expired(&self) -> bool {
        matches!(self, Error::Auth(e) if e.error_code.as_deref().is_some_and(|c| c.ends_with(".0307")))
    }

    /// Whether sending the same request again may succeed: throttling, a
    /// 500, 502, 503 or 504, a connection that failed or closed, an attempt
    /// that timed out. Never for a client error (400, 401, 403, 404), an
    /// answer that could not be read, or the call's own deadline.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Throttled(_) | Error::Connect(_) | Error::Transport(_) => true,
            Error::Timeout { scope, .. } => {
                matches!(scope, TimeoutScope::Connect | TimeoutScope::Attempt)
            }
            Error::Api(e) => matches!(e.status.as_u16(), 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Throttled(e) => e.retry_after,
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}

/// An error status from the service or its gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The response status.
    pub status: StatusCode,
    /// The error code from the body, if it had one.
    pub error_code: Option<String>,
    /// The error message from the body; for a body that is not a known
    /// error shape, the start of the body itself.
    pub error_msg: Option<String>,
    /// The request id: the `X-Request-Id` header, else the body's.
    pub request_id: Option<String>,
    /// The `Content-Type` of the error body, if any.
    pub content_type: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.error_code {
            write!(f, " {}", one_line(code))?;
        }
        if let Some(msg) = &self.error_msg {
            write!(f, ": {}", one_line(msg))?;
        }
        f.write_str(&request_suffix(&self.request_id))
    }
}

/// A signature the gateway refused as expired, with both clocks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClockSkew {
    /// The gateway's answer.
    pub api: ApiError,
    /// When the request was signed, by the local clock (its `X-Sdk-Date`).
    pub signed_at: jiff::Timestamp,
    /// The server's time, from the response's `Date` header.
    pub server_time: Option<jiff::Timestamp>,
}

impl fmt::Display for ClockSkew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; the signature expired: signed at {} by the local clock",
            self.api, self.signed_at
        )?;
        match self.server_time {
            Some(server) => {
                let skew = server.as_second() - self.signed_at.as_second();
                let (ahead, seconds) = if skew >= 0 {
                    ("behind", skew)
                } else {
                    ("ahead of", -skew)
                };
                write!(
                    f,
                    ", server time {server}: the local clock is {}m{:02}s {ahead} the server; \
                     correct the clock",
                    seconds / 60,
                    seconds % 60
                )
            }
            None => f.write_str("; the server sent no Date to compare with; check the clock"),
        }
    }
}

/// A JSON body that does not fit the spec's schema.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The response status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as `tasks[0].schedule_period`
    /// (`.` for the whole body).
    pub path: String,
    /// What was wrong there.
    pub reason: String,
    /// The start of the body, decoded as UTF-8.
    pub snippet: String,
    /// The request id from the response headers.
    pub request_id: Option<String>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} body does not match the API at `{}`: {}{}",
            self.status,
            self.path,
            self.reason,
            request_suffix(&self.request_id)
        )
    }
}

/// The start of a body as text: invalid UTF-8 is replaced, the text is cut
/// at a character boundary after [`SNIPPET_CHARS`] characters and line
/// breaks are flattened so an error stays on one line.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        cut.push('…');
    }
    one_line(cut.trim())
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_on_character_boundaries() {
        let body = "操".repeat(SNIPPET_CHARS + 5);
        let cut = snippet(body.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn snippets_are_one_line() {
        assert_eq!(
            snippet(b"<html>\r\n<body>Bad Gateway</body>\n</html>\n"),
            "<html> <body>Bad Gateway</body> </html>"
        );
    }

    #[test]
    fn the_error_stays_small_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert!(
            std::mem::size_of::<Error>() <= 96,
            "{}",
            std::mem::size_of::<Error>()
        );
    }
}
