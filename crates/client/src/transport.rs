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

use jiff::Timestamp;

use crate::auth::{Clock, RequestAuth};
use crate::credentials::{AccessKeyCredentials, sensitive};
use crate::error::PreparedRequest;
use crate::signer::{self, Signed, SigningRequest};

/// `User-Agent` of every request.
pub const USER_AGENT_STRING: &str = concat!("dataarts-security-rust/", env!("CARGO_PKG_VERSION"));

/// Response header that carries the gateway's request id.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// What one call's exchange needs to authenticate its request.
#[derive(Debug)]
pub(crate) struct CallAuth {
    pub(crate) auth: RequestAuth,
    pub(crate) project_id: String,
    pub(crate) region: Option<String>,
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
pub(crate) struct Exchange {
    auth: CallAuth,
    clock: Clock,
    max_body_bytes: u64,
    attempt_timeout: std::time::Duration,
    response: Mutex<Option<ResponseMeta>>,
    signed_at: Mutex<Option<Timestamp>>,
    dry_run: bool,
    prepared: Mutex<Option<PreparedRequest>>,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl Exchange {
    pub(crate) fn new(
        auth: CallAuth,
        clock: Clock,
        max_body_bytes: u64,
        attempt_timeout: std::time::Duration,
        dry_run: bool,
    ) -> Arc<Self> {
        Arc::new(Exchange {
            auth,
            clock,
            max_body_bytes,
            attempt_timeout,
            response: Mutex::new(None),
            signed_at: Mutex::new(None),
            dry_run,
            prepared: Mutex::new(None),
        })
    }

    /// The project id this call goes to.
    pub(crate) fn project_id(&self) -> &str {
        &self.auth.project_id
    }

    /// The request a dry run stopped, once it has.
    pub(crate) fn take_prepared(&self) -> Option<PreparedRequest> {
        self.prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// When the request was signed, by the local clock, if it was signed.
    pub(crate) fn signed_at(&self) -> Option<Timestamp> {
        *self
            .signed_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
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
        self.max_body_bytes
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
            // The attempt's limit travels with the request, so it holds even
            // on a caller's own `reqwest::Client` that has none.
            *request.timeout_mut() = Some(self.attempt_timeout);
            let headers = request.headers_mut();
            headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_STRING));
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            match &self.auth.auth {
                RequestAuth::Token(token) => {
                    headers.insert("X-Auth-Token", sensitive(token.expose())?);
                    Ok(())
                }
                RequestAuth::Sign(key) => {
                    let now = (self.clock)();
                    sign_request(
                        request,
                        key,
                        Some(&self.auth.project_id),
                        now,
                        self.auth.region.as_deref(),
                    )?;
                    *self
                        .signed_at
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(now);
                    Ok(())
                }
            }
        })
    }

    fn send<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation: &'static str,
    ) -> BoxFuture<'a, reqwest::Result<Response>> {
        // One span per request, with fields only: never headers or bodies,
        // which carry tokens and signatures.
        let span = tracing::debug_span!(
            "dataarts.request",
            operation,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let fut = async move {
            if self.dry_run {
                *self.prepared.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(prepared(&request));
                // Never sent; the client reports the prepared request instead
                // of this placeholder.
                let placeholder = http::Response::builder()
                    .status(StatusCode::NO_CONTENT)
                    .body(Bytes::new())
                    .expect("a static response is valid");
                return Ok(Response::from(placeholder));
            }
            let started = std::time::Instant::now();
            let result = client.execute(request).await;
            let response = match result {
                Ok(response) => response,
                Err(e) => {
                    tracing::debug!(error = %e, "request failed");
                    return Err(e);
                }
            };
            let status = response.status();
            let version = response.version();
            let headers = response.headers().clone();
            let (body, too_large) = read_limited(response, self.max_body_bytes).await?;
            let current = tracing::Span::current();
            current.record("status", status.as_u16());
            current.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Some(id) = header_text(&headers, REQUEST_ID_HEADER) {
                current.record("request_id", id.as_str());
            }
            tracing::debug!(bytes = body.len(), too_large, "response read");
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
        };
        Box::pin(tracing::Instrument::instrument(fut, span))
    }
}

/// Reads a body chunk by chunk and stops at `limit` bytes, so a huge or
/// endless body cannot exhaust memory. Returns what was read and whether
/// the limit cut it.
pub(crate) async fn read_limited(
    mut response: Response,
    limit: u64,
) -> reqwest::Result<(Bytes, bool)> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Ok((Bytes::new(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.freeze(), false))
}

/// Headers that carry authentication: whatever a caller or an earlier
/// attempt left in them is replaced, so a stale `X-Sdk-Date` can never be
/// reused.
const AUTH_HEADERS: [&str; 6] = [
    "x-sdk-date",
    "authorization",
    "x-auth-token",
    "x-security-token",
    "x-project-id",
    "host",
];

/// Signs a built request in place with an access key, as the official SDKs'
/// `BasicCredentials` do: `X-Project-Id` (when given) and `X-Security-Token`
/// (for temporary keys) are added and signed, then the signer adds
/// `X-Sdk-Date`, `Host` and `Authorization`.
pub(crate) fn sign_request(
    request: &mut Request,
    credentials: &AccessKeyCredentials,
    project_id: Option<&str>,
    now: Timestamp,
    region: Option<&str>,
) -> Result<Signed, String> {
    let algorithm = credentials.algorithm(region)?;
    let headers = request.headers_mut();
    for name in AUTH_HEADERS {
        headers.remove(name);
    }
    if let Some(project_id) = project_id {
        headers.insert(
            "X-Project-Id",
            HeaderValue::from_str(project_id).map_err(|e| e.to_string())?,
        );
    }
    if let Some(token) = &credentials.security_token {
        headers.insert("X-Security-Token", sensitive(token.expose())?);
    }

    let url = request.url();
    let host = signer::host_of(url).ok_or("the request URL has no host")?;
    let mut signing = SigningRequest {
        method: request.method().as_str(),
        host: &host,
        resource_path: url.path(),
        query: url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default(),
    };
    let signed =
        signer::sign(&mut signing, &credentials.key, &algorithm, now).map_err(|e| e.to_string())?;
    tracing::trace!(
        algorithm = signed.algorithm,
        signed_headers = %signed.signed_headers,
        canonical_request = %signer::Redacted(&signed.canonical_request),
        "signed request"
    );

    for (name, value) in &signed.added_headers {
        let value = if name == "Authorization" {
            sensitive(value)?
        } else {
            HeaderValue::from_str(value).map_err(|e| e.to_string())?
        };
        let name =
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        request.headers_mut().insert(name, value);
    }
    Ok(signed)
}

/// The request with every credential masked: token headers entirely, the
/// `Authorization` value from its signature on.
fn prepared(request: &Request) -> PreparedRequest {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let shown = if name.as_str() == "authorization" {
                match text.split_once("Signature=") {
                    Some((head, _)) => format!("{head}Signature={}", crate::credentials::REDACTED),
                    None => crate::credentials::REDACTED.to_owned(),
                }
            } else if value.is_sensitive() {
                crate::credentials::REDACTED.to_owned()
            } else {
                text
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    PreparedRequest {
        method: request.method().to_string(),
        url: request.url().to_string(),
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    /// Field report B02: a date left in the headers (by a caller, or by an
    /// earlier attempt of the same request) is replaced, never reused.
    #[test]
    fn a_preset_date_is_replaced_by_the_signing_time() {
        let Credentials::AccessKey(keys) = Credentials::access_key("AK", "SK") else {
            unreachable!()
        };
        let mut request = Request::new(
            reqwest::Method::GET,
            "https://dayu.cn-north-4.myhuaweicloud.com/v1/p/security/member-sync-tasks"
                .parse()
                .unwrap(),
        );
        request
            .headers_mut()
            .insert("X-Sdk-Date", HeaderValue::from_static("20240101T000000Z"));
        request
            .headers_mut()
            .insert("Authorization", HeaderValue::from_static("stale"));

        let t0_plus_16m: Timestamp = "2024-01-01T00:16:00Z".parse().unwrap();
        let signed = sign_request(&mut request, &keys, Some("p"), t0_plus_16m, None).unwrap();

        assert_eq!(request.headers()["x-sdk-date"], "20240101T001600Z");
        assert_eq!(signed.timestamp, "20240101T001600Z");
        assert_eq!(request.headers().get_all("x-sdk-date").iter().count(), 1);
        assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
        assert_eq!(
            request.headers()["authorization"],
            signed.authorization.as_str()
        );

        // Signed again later: a new date and a different signature.
        let later: Timestamp = "2024-01-01T00:32:00Z".parse().unwrap();
        let again = sign_request(&mut request, &keys, Some("p"), later, None).unwrap();
        assert_eq!(request.headers()["x-sdk-date"], "20240101T003200Z");
        assert_ne!(again.signature, signed.signature);
    }
}
