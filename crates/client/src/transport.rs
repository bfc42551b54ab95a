//! One exchange with the service: the request as it leaves, the response as
//! it arrives.
//!
//! A fresh [`Exchange`] is plugged into the generated client for every call.
//! Before the request leaves it adds the headers the official SDKs send and
//! the credentials; when the response arrives it reads the body (never more
//! than the configured limit) and keeps the status and headers. The
//! generated code then decodes the buffered body, and when that fails the
//! kept status and headers are what turn its bare error into a useful one.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use dataarts_security_raw::{BoxFuture, Interceptor};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Request, Response, StatusCode};

use crate::credentials::Credentials;

/// `User-Agent` of every request.
pub(crate) const USER_AGENT_VALUE: &str =
    concat!("dataarts-security-rust/", env!("CARGO_PKG_VERSION"));

/// Response header that carries the gateway's request id.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// What every exchange of one client shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) max_body_bytes: u64,
}

/// Status and headers of the response, kept for error reporting.
#[derive(Clone, Debug)]
pub(crate) struct ResponseMeta {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body was cut at the limit.
    pub(crate) too_large: bool,
}

impl ResponseMeta {
    pub(crate) fn content_type(&self) -> Option<String> {
        header_text(&self.headers, CONTENT_TYPE.as_str())
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        header_text(&self.headers, REQUEST_ID_HEADER)
    }
}

/// A header as text, when it is present, non-empty and valid UTF-8.
pub(crate) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The interceptor of one call.
#[derive(Debug)]
pub(crate) struct Exchange {
    shared: Arc<Shared>,
    response: Mutex<Option<ResponseMeta>>,
}

impl Exchange {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Exchange {
            shared,
            response: Mutex::new(None),
        }
    }

    /// Status and headers of the response, once one has arrived.
    pub(crate) fn response(&self) -> Option<ResponseMeta> {
        self.response
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The body limit this exchange enforces.
    pub(crate) fn max_body_bytes(&self) -> u64 {
        self.shared.max_body_bytes
    }

    fn record(&self, meta: ResponseMeta) {
        *self.response.lock().unwrap_or_else(PoisonError::into_inner) = Some(meta);
    }
}

impl Interceptor for Exchange {
    fn before_send<'a>(
        &'a self,
        request: &'a mut Request,
        _operation: &'static str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            // The official SDKs send a JSON content type even on these
            // bodiless GETs and sign it; sending the same keeps requests
            // comparable byte for byte.
            let headers = request.headers_mut();
            headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            self.shared.credentials.apply(request)
        })
    }

    fn send<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        _operation: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<Response>> {
        Box::pin(async move {
            let response = client.execute(request).await?;
            let status = response.status();
            let version = response.version();
            let headers = response.headers().clone();
            let (body, too_large) = read_limited(response, self.shared.max_body_bytes).await?;
            self.record(ResponseMeta {
                status,
                headers: headers.clone(),
                too_large,
            });

            // Hand the generated code a response whose body is already in
            // memory, so it decodes exactly the bytes that were read here.
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            Ok(Response::from(rebuilt))
        })
    }
}

/// Reads a body chunk by chunk and stops at `limit` bytes, so a huge or
/// endless body cannot exhaust memory. Returns what was read and whether
/// the limit cut it.
async fn read_limited(mut response: Response, limit: u64) -> reqwest::Result<(Bytes, bool)> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Ok((Bytes::new(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), false))
}
