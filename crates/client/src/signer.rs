//! Access-key request signing exactly as Huawei's official SDKs do it:
//! `SDK-HMAC-SHA256` and the derived-key variant `V11-HMAC-SHA256`.
//!
//! `SDK-HMAC-SM3` is the same scheme with SM3 in place of SHA-256 (and
//! `X-Sdk-Content-Sm3` for an unsigned body), as the official SDKs offer it.
//!
//! The scheme is a pipeline of small pure steps, each a function here:
//!
//! 1. [`canonical_uri`]: unescape the path, split on `/`, escape each
//!    segment, end with `/`;
//! 2. [`canonical_query`]: pairs sorted by raw key, escaped `k=v`, `&`-joined;
//! 3. [`canonical_headers`]: lower-cased names, trimmed values, sorted,
//!    names containing `_` left out;
//! 4. [`payload_hash`]: hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`;
//! 5. [`canonical_request`]: the five above and the method, one per line;
//! 6. [`string_to_sign`]: algorithm, time, (scope,) hash of step 5;
//! 7. [`derived_key`] for V11: HKDF-SHA256 of the key pair over the scope;
//! 8. [`signature`]: hex HMAC-SHA256 of step 6;
//! 9. [`authorization`]: the header value.
//!
//! [`sign`] runs them in order over a [`SigningRequest`] and returns every
//! intermediate string in a [`Signed`], which is what `dataarts-sync sign`
//! prints when a gateway says a signature is wrong. The time is always an
//! input, never read from a clock here.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use crate::credentials::{REDACTED, Secret};

/// SHA-256 hash of an empty body.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Payload hash used when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const DATE_HEADER: &str = "X-Sdk-Date";

/// Format of [`DATE_HEADER`].
const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// The signing scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256`: the secret key signs directly.
    SdkHmacSha256,
    /// `SDK-HMAC-SM3`: as `SDK-HMAC-SHA256`, hashing with SM3.
    SdkHmacSm3,
    /// `V11-HMAC-SHA256`: a key derived per day, region and service signs.
    V11HmacSha256 {
        /// Region id, such as `cn-north-4`.
        region: String,
        /// Service name in the scope; `dayu` for DataArts Studio.
        service: String,
    },
}

impl Algorithm {
    /// The name that opens the string to sign and the `Authorization` value.
    pub fn name(&self) -> &'static str {
        match self {
            Algorithm::SdkHmacSha256 => "SDK-HMAC-SHA256",
            Algorithm::SdkHmacSm3 => "SDK-HMAC-SM3",
            Algorithm::V11HmacSha256 { .. } => "V11-HMAC-SHA256",
        }
    }

    fn uses_sm3(&self) -> bool {
        matches!(self, Algorithm::SdkHmacSm3)
    }

    /// The header that marks an unsigned body.
    fn unsigned_payload_header(&self) -> &'static str {
        if self.uses_sm3() {
            "X-Sdk-Content-Sm3"
        } else {
            "X-Sdk-Content-Sha256"
        }
    }

    /// Lower-case hex digest of `data` with the scheme's hash.
    fn hex_digest(&self, data: &[u8]) -> String {
        if self.uses_sm3() {
            hex::encode(sm3::Sm3::digest(data))
        } else {
            hex::encode(Sha256::digest(data))
        }
    }

    /// Lower-case hex HMAC of `message` with the scheme's hash.
    fn hex_hmac(&self, key: &[u8], message: &[u8]) -> String {
        if self.uses_sm3() {
            let mut mac =
                Hmac::<sm3::Sm3>::new_from_slice(key).expect("HMAC accepts any key length");
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        } else {
            let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        }
    }
}

/// An access key pair.
#[derive(Clone)]
pub struct AccessKey {
    /// The access key id (AK). Not secret.
    pub access_key_id: String,
    /// The secret access key (SK).
    pub secret_access_key: Secret,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .finish()
    }
}

/// The parts of a request that are signed.
#[derive(Clone)]
pub struct SigningRequest<'a> {
    /// HTTP method, as sent.
    pub method: &'a str,
    /// `host` or `host:port` of the endpoint.
    pub host: &'a str,
    /// The path as sent on the wire, already escaped.
    pub resource_path: &'a str,
    /// Decoded query pairs. They are ordered by key; pairs of one key keep
    /// the order given (the client gives them sorted by value).
    pub query: Vec<(String, String)>,
    /// Request headers in order, with their original spelling. Headers the
    /// signer adds are appended here.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for none).
    pub body: &'a [u8],
}

/// Whether a header's value is a credential, to be masked wherever it is
/// shown.
pub fn is_credential_header(name: &str) -> bool {
    ["authorization", "x-auth-token", "x-security-token"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

impl fmt::Debug for SigningRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_credential_header(name) {
                    REDACTED
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("SigningRequest")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("resource_path", &self.resource_path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Everything the signing produced, intermediate steps included.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The algorithm name.
    pub algorithm: &'static str,
    /// The signing time as sent in `X-Sdk-Date`.
    pub timestamp: String,
    /// Step 1.
    pub canonical_uri: String,
    /// Step 2.
    pub canonical_query: String,
    /// Step 3: `name:value\n` lines.
    pub canonical_headers: String,
    /// Step 3: `;`-joined names.
    pub signed_headers: String,
    /// Step 4.
    pub payload_hash: String,
    /// Step 5.
    pub canonical_request: String,
    /// V11 only: `YYYYMMDD/region/service`.
    pub credential_scope: Option<String>,
    /// Step 6.
    pub string_to_sign: String,
    /// Step 8, lower-case hex.
    pub signature: String,
    /// Step 9: the `Authorization` header value.
    pub authorization: String,
    /// Headers the signer added, in order, `Authorization` last.
    pub added_headers: Vec<(String, String)>,
}

/// Signatures and the `Authorization` value prove possession of the key for
/// the request they were made for; they are kept out of `Debug` like
/// secrets.
impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("algorithm", &self.algorithm)
            .field("timestamp", &self.timestamp)
            .field(
                "canonical_request",
                &Redacted(&self.canonical_request).to_string(),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &REDACTED)
            .finish_non_exhaustive()
    }
}

/// A canonical request for logs: the value of every header that carries a
/// credential (`x-security-token`, `x-auth-token`) is masked.
pub struct Redacted<'a>(pub &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.split('\n').enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match line.split_once(':') {
                Some((name, _)) if is_credential_header(name) => {
                    write!(f, "{name}:{REDACTED}")?;
                }
                _ => f.write_str(line)?,
            }
        }
        Ok(())
    }
}

/// Why a request could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The path is empty; the official signer fails on it too.
    #[error("cannot sign a request with an empty path")]
    EmptyPath,
    /// A caller-supplied `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("the X-Sdk-Date header {0:?} is not a time of the form 20240320T102554Z")]
    BadDate(String),
}

/// Formats an instant as `X-Sdk-Date` wants it.
pub fn format_date(now: Timestamp) -> String {
    now.strftime(DATE_FORMAT).to_string()
}

/// Parses an `X-Sdk-Date` value.
///
/// # Errors
///
/// [`SignError::BadDate`] for anything but `YYYYMMDDTHHMMSSZ`.
pub fn parse_date(text: &str) -> Result<Timestamp, SignError> {
    DateTime::strptime(DATE_FORMAT, text)
        .and_then(|dt| dt.to_zoned_datetime(TimeZone::UTC))
        .map(|zoned| zoned.timestamp())
        .map_err(|_| SignError::BadDate(text.to_owned()))
}

/// The `Host` value of a URL as the official signer takes it: `host`, or
/// `host:port` when the URL names a port. `None` for a URL without a host.
pub fn host_of(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Escapes over UTF-8 bytes, keeping only `A-Z a-z 0-9 - _ . ~`, with
/// upper-case hex: the official SDKs' escape for path segments and query.
pub fn escape(text: &str) -> String {
    dataarts_security_raw::wire::escape(text)
}

/// Step 1: the canonical URI.
///
/// The official signer unescapes the whole path before splitting it, so a
/// `%2F` inside a segment is signed as a real `/`, and pre-escaped lower-case
/// hex comes out upper-case. It appends a `/` when the path lacks one.
///
/// # Errors
///
/// [`SignError::EmptyPath`] for an empty path.
pub fn canonical_uri(resource_path: &str) -> Result<String, SignError> {
    if resource_path.is_empty() {
        return Err(SignError::EmptyPath);
    }
    let decoded = percent_encoding::percent_decode_str(resource_path).decode_utf8_lossy();
    let mut uri = decoded.split('/').map(escape).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Ok(uri)
}

/// Step 2: the canonical query, `k=v` pairs joined with `&`.
///
/// Pairs are ordered by their raw (unescaped) key, compared as code points;
/// the sort is stable, so pairs of one key keep the order given. An empty
/// value gives `key=`.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Trims as Python's `str.strip()` does: Unicode white space plus the four
/// ASCII separators `\x1c`..`\x1f`, which Rust does not count as white space.
fn python_strip(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// Step 3: canonical header lines and the signed header names.
///
/// Names are lower-cased and sorted; a name containing `_` is not signed
/// (it is still sent). Two headers whose names differ only in case are both
/// listed, and both lines carry the value of the later one, as in the
/// official signer.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.to_lowercase())
        .filter(|name| !name.contains('_'))
        .collect();
    names.sort();

    let mut lines = String::new();
    for name in &names {
        let value = headers
            .iter()
            .rev()
            .find(|(n, _)| n.to_lowercase() == *name)
            .map_or("", |(_, v)| python_strip(v));
        lines.push_str(name);
        lines.push(':');
        lines.push_str(value);
        lines.push('\n');
    }
    (lines, names.join(";"))
}

/// Whether the body is left unsigned: the header spelled exactly
/// `Content-Type` (case-sensitive, as in the official signer) has a value
/// that does not start with `application/json` or `application/bson`.
fn payload_unsigned(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, value)| {
        name == "Content-Type"
            && !value.starts_with("application/json")
            && !value.starts_with("application/bson")
    })
}

/// Step 4: hex hash of the body, or `UNSIGNED-PAYLOAD` for a non-empty
/// body that is not signed.
pub fn payload_hash(algorithm: &Algorithm, body: &[u8], unsigned: bool) -> String {
    if unsigned && !body.is_empty() {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        algorithm.hex_digest(body)
    }
}

/// Step 5: the canonical request.
pub fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    format!("{method}\n{uri}\n{query}\n{headers}\n{signed_headers}\n{payload_hash}")
}

/// Step 6: the string to sign.
pub fn string_to_sign(
    algorithm: &Algorithm,
    timestamp: &str,
    scope: Option<&str>,
    canonical_request: &str,
) -> String {
    let hash = algorithm.hex_digest(canonical_request.as_bytes());
    let name = algorithm.name();
    match scope {
        Some(scope) => format!("{name}\n{timestamp}\n{scope}\n{hash}"),
        None => format!("{name}\n{timestamp}\n{hash}"),
    }
}

/// Step 7 (V11 only): HKDF-SHA256 with the AK as salt, the SK as input key
/// material and the scope as info, 32 bytes, as lower-case hex. The hex
/// text itself, not the raw bytes, is the signing key.
pub fn derived_key(key: &AccessKey, scope: &str) -> Secret {
    let hkdf = hkdf::Hkdf::<Sha256>::new(
        Some(key.access_key_id.as_bytes()),
        key.secret_access_key.expose().as_bytes(),
    );
    let mut okm = [0_u8; 32];
    hkdf.expand(scope.as_bytes(), &mut okm)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    Secret::new(hex::encode(okm))
}

/// Step 8: lower-case hex HMAC of the string to sign (HMAC-SM3 for
/// `SDK-HMAC-SM3`, HMAC-SHA256 otherwise).
pub fn signature(algorithm: &Algorithm, signing_key: &[u8], string_to_sign: &str) -> String {
    algorithm.hex_hmac(signing_key, string_to_sign.as_bytes())
}

/// Step 9: the `Authorization` header value.
pub fn authorization(
    algorithm: &Algorithm,
    access_key_id: &str,
    scope: Option<&str>,
    signed_headers: &str,
    signature: &str,
) -> String {
    match scope {
        Some(scope) => format!(
            "{} Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            algorithm.name()
        ),
        None => format!(
            "{} Access={access_key_id}, SignedHeaders={signed_headers}, Signature={signature}",
            algorithm.name()
        ),
    }
}

/// Signs `request` at `now`. Like the official signer it trims the header
/// values in place and appends the headers it adds: `X-Sdk-Content-Sha256`
/// when the body is unsigned, `X-Sdk-Date` and `Host` unless present, then
/// `Authorization`.
///
/// A caller-supplied `X-Sdk-Date` is used as the official signer uses it;
/// the client removes any before signing so that a reused header set can
/// never freeze the time.
///
/// # Errors
///
/// [`SignError`] for an empty path or an unparseable `X-Sdk-Date`.
pub fn sign(
    request: &mut SigningRequest<'_>,
    key: &AccessKey,
    algorithm: &Algorithm,
    now: Timestamp,
) -> Result<Signed, SignError> {
    // The official signer trims every header value in place, so the values
    // sent are the values signed.
    for (_, value) in request.headers.iter_mut() {
        let trimmed = python_strip(value);
        if trimmed.len() != value.len() {
            *value = trimmed.to_owned();
        }
    }

    let mut added = Vec::new();
    let unsigned = payload_unsigned(&request.headers);
    if unsigned {
        added.push((
            algorithm.unsigned_payload_header().to_owned(),
            UNSIGNED_PAYLOAD.to_owned(),
        ));
    }

    // The time: a caller's X-Sdk-Date if present, else now.
    let given = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(DATE_HEADER))
        .map(|(_, value)| python_strip(value).to_owned());
    let at = match &given {
        Some(text) => parse_date(text)?,
        None => now,
    };
    let timestamp = format_date(at);
    if given.is_none() {
        added.push((DATE_HEADER.to_owned(), timestamp.clone()));
    }
    if !request
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        added.push(("Host".to_owned(), request.host.to_owned()));
    }
    request.headers.extend(added.iter().cloned());

    // Steps 1 to 5.
    let uri = canonical_uri(request.resource_path)?;
    let query = canonical_query(&request.query);
    let (header_lines, signed_headers) = canonical_headers(&request.headers);
    let payload = payload_hash(algorithm, request.body, unsigned);
    let canonical = canonical_request(
        request.method,
        &uri,
        &query,
        &header_lines,
        &signed_headers,
        &payload,
    );

    // Steps 6 to 9.
    let scope = match algorithm {
        Algorithm::V11HmacSha256 { region, service } => {
            Some(format!("{}/{region}/{service}", &timestamp[..8]))
        }
        _ => None,
    };
    let to_sign = string_to_sign(algorithm, &timestamp, scope.as_deref(), &canonical);
    let signature = match &scope {
        None => signature(
            algorithm,
            key.secret_access_key.expose().as_bytes(),
            &to_sign,
        ),
        Some(scope) => signature(
            algorithm,
            derived_key(key, scope).expose().as_bytes(),
            &to_sign,
        ),
    };
    let authorization = authorization(
        algorithm,
        &key.access_key_id,
        scope.as_deref(),
        &signed_headers,
        &signature,
    );
    added.push(("Authorization".to_owned(), authorization.clone()));
    request
        .headers
        .push(("Authorization".to_owned(), authorization.clone()));

    Ok(Signed {
        algorithm: algorithm.name(),
        timestamp,
        canonical_uri: uri,
        canonical_query: query,
        canonical_headers: header_lines,
        signed_headers,
        payload_hash: payload,
        canonical_request: canonical,
        credential_scope: scope,
        string_to_sign: to_sign,
        signature,
        authorization,
        added_headers: added,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_in_the_header_format() {
        let at = parse_date("20240320T102554Z").unwrap();
        assert_eq!(at.to_string(), "2024-03-20T10:25:54Z");
        assert_eq!(format_date(at), "20240320T102554Z");
        assert!(parse_date("2024-03-20T10:25:54Z").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn python_strip_covers_the_separators_rust_keeps() {
        assert_eq!(python_strip("\x1c\u{a0} a b \u{3000}\x0b\x1f"), "a b");
    }

    #[test]
    fn debug_of_a_key_and_a_signature_hides_the_secrets() {
        let key = AccessKey {
            access_key_id: "AK".into(),
            secret_access_key: Secret::new("super-secret-sk"),
        };
        let mut request = SigningRequest {
            method: "GET",
            host: "h",
            resource_path: "/",
            query: vec![],
            headers: vec![],
            body: b"",
        };
        let signed = sign(
            &mut request,
            &key,
            &Algorithm::SdkHmacSha256,
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let debug = format!("{key:?} {signed:?}");
        assert!(!debug.contains("super-secret-sk"), "{debug}");
        assert!(!debug.contains(&signed.signature), "{debug}");
    }
}
