//! Misbehaviour on request: the sandbox can be told to be slow, to fail the
//! next requests with a chosen status, or to answer in broken ways, so that
//! a client's retries, timeouts and limits can be tested against it.
//!
//! Faults apply to the task operations only (not to the IAM emulation), one
//! per request, in the order they were queued; latency applies to every
//! task request while it is set.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::stream;

/// One misbehaviour, used for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with `status` and an `error_code`/`error_msg` body, plus
    /// `Retry-After` when given (seconds or an HTTP date, sent as is).
    Status {
        /// The status to answer with.
        status: u16,
        /// The error code in the body.
        error_code: String,
        /// `Retry-After`, sent as given.
        retry_after: Option<String>,
    },
    /// Answer 200 with an HTML page instead of JSON.
    NonJson,
    /// Announce a longer body than is sent, then close the connection.
    Truncated,
    /// Send a body that never ends.
    Endless,
    /// Send the status and headers, then nothing, ever.
    StallAfterHeaders,
}

impl Fault {
    /// `status` with the API gateway's usual code for it and no
    /// `Retry-After`: `APIG.0308` for 429, `APIG.0201`-style for others.
    pub fn status(status: u16) -> Fault {
        let error_code = match status {
            429 => "APIG.0308",
            500..=599 => "APIG.0201",
            _ => "DLS.1000",
        };
        Fault::Status {
            status,
            error_code: error_code.to_owned(),
            retry_after: None,
        }
    }

    /// A 429 with `Retry-After: retry_after`.
    pub fn throttled(retry_after: impl Into<String>) -> Fault {
        Fault::Status {
            status: 429,
            error_code: "APIG.0308".to_owned(),
            retry_after: Some(retry_after.into()),
        }
    }

    /// The response that shows this fault.
    pub(crate) fn response(&self) -> Response {
        match self {
            Fault::Status {
                status,
                error_code,
                retry_after,
            } => {
                let status =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let body = serde_json::json!({
                    "error_code": error_code,
                    "error_msg": format!("Injected failure: {status}"),
                });
                let mut response = (status, axum::Json(body)).into_response();
                if let Some(value) = retry_after
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
            Fault::NonJson => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>Service temporarily unavailable</h1></body></html>",
            )
                .into_response(),
            Fault::Truncated => {
                // The headers and the first bytes go out, then, after a pause
                // that lets them reach the client, the connection breaks.
                let body = stream::unfold(0, |step| async move {
                    match step {
                        0 => Some((
                            Ok(Bytes::from_static(b"{\"total\":241,\"tasks\":[{\"id\":\"")),
                            1,
                        )),
                        1 => {
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                            Some((
                                Err(std::io::Error::other("connection dropped on purpose")),
                                2,
                            ))
                        }
                        _ => None,
                    }
                });
                let mut response = Response::new(Body::from_stream(body));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
                    .headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
                response
            }
            Fault::Endless => {
                let chunk = Bytes::from_static(
                    b"{\"id\":\"0000000000000000\",\"sync_msg\":\"xxxxxxxxxxxxxxxx\"},",
                );
                let body = stream::repeat_with(move || Ok::<_, Infallible>(chunk.clone()));
                let mut response = Response::new(Body::from_stream(body));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Fault::StallAfterHeaders => {
                let body = stream::pending::<Result<Bytes, Infallible>>();
                let mut response = Response::new(Body::from_stream(body));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
        }
    }
}

/// Queued faults and the current latency.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub(crate) queue: VecDeque<Fault>,
    pub(crate) latency: Duration,
}
