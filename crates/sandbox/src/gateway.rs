//! The sandbox's API gateway: checks `SDK-HMAC-SHA256`, `V11-HMAC-SHA256` and
//! `SDK-HMAC-SM3` signatures the way Huawei's gateway does, from the bytes
//! received.
//!
//! This is written from the description of the scheme, independently of the
//! client's signer, so that a client bug cannot be mirrored here and pass
//! unnoticed. It rebuilds the canonical request from the request line and
//! headers as they arrived: the path unescaped then re-escaped per segment,
//! the query pairs unescaped, sorted and re-escaped, the headers named in
//! `SignedHeaders`, and the body hash.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderMap, Method, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// How far `X-Sdk-Date` may be from the gateway's clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// Consecutive signature failures after which a key is locked.
pub const LOCK_AFTER_FAILURES: u32 = 5;

/// A refusal: status, error code, message.
pub type Refusal = (StatusCode, &'static str, String);

/// The RFC 3986 unreserved characters stay; every other byte is escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Failure counts and locks per access key.
#[derive(Debug, Default)]
pub struct Lockout {
    state: Mutex<HashMap<String, (u32, Option<Timestamp>)>>,
}

impl Lockout {
    fn locked(&self, ak: &str, now: Timestamp) -> bool {
        let state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        matches!(state.get(ak), Some((_, Some(until))) if now < *until)
    }

    fn failed(&self, ak: &str, now: Timestamp, lock_for: Duration) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = state.entry(ak.to_owned()).or_default();
        entry.0 += 1;
        if entry.0 >= LOCK_AFTER_FAILURES {
            entry.1 = Some(now + lock_for);
            entry.0 = 0;
        }
    }

    fn succeeded(&self, ak: &str) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.remove(ak);
    }
}

/// The parts of a received request that a signature covers.
pub struct Received<'a> {
    pub method: &'a Method,
    /// The path as received, still escaped.
    pub path: &'a str,
    /// The query as received, still escaped, without `?`.
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// The parsed `Authorization` header.
struct Authorization<'a> {
    algorithm: &'a str,
    access_key: &'a str,
    scope: Option<&'a str>,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let (algorithm, rest) = value.split_once(' ')?;
    let mut fields = HashMap::new();
    for part in rest.split(", ") {
        let (key, value) = part.split_once('=')?;
        fields.insert(key.trim(), value.trim());
    }
    let (access_key, scope) = match algorithm {
        "SDK-HMAC-SHA256" | "SDK-HMAC-SM3" => (*fields.get("Access")?, None),
        "V11-HMAC-SHA256" => {
            let (ak, scope) = fields.get("Credential")?.split_once('/')?;
            (ak, Some(scope))
        }
        _ => return None,
    };
    Some(Authorization {
        algorithm,
        access_key,
        scope,
        signed_headers: fields.get("SignedHeaders")?,
        signature: fields.get("Signature")?,
    })
}

fn bad_signature(message: impl Into<String>) -> Refusal {
    (StatusCode::UNAUTHORIZED, "APIG.0301", message.into())
}

/// Checks a signed request; returns the access key that signed it.
pub fn verify(
    received: &Received<'_>,
    keys: &HashMap<String, String>,
    region: &str,
    now: Timestamp,
    lockout: &Lockout,
    lock_for: Duration,
) -> Result<String, Refusal> {
    let header = |name: &str| {
        received
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let authorization = header("authorization")
        .and_then(parse_authorization)
        .ok_or_else(|| {
            bad_signature("Incorrect IAM authentication information: unknown signature format")
        })?;
    let ak = authorization.access_key;
    let Some(sk) = keys.get(ak) else {
        return Err(bad_signature(
            "Incorrect IAM authentication information: unknown access key",
        ));
    };
    if lockout.locked(ak, now) {
        return Err(bad_signature(
            "Incorrect IAM authentication information: the access key is locked after repeated signature failures",
        ));
    }

    let result = check(received, &authorization, sk, region, now);
    match &result {
        Ok(()) => lockout.succeeded(ak),
        Err(_) => lockout.failed(ak, now, lock_for),
    }
    result.map(|()| ak.to_owned())
}

fn check(
    received: &Received<'_>,
    authorization: &Authorization<'_>,
    sk: &str,
    region: &str,
    now: Timestamp,
) -> Result<(), Refusal> {
    let header_values = |name: &str| -> Option<String> {
        let values: Vec<&str> = received
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim)
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    };

    // The time, and whether it is recent enough.
    let date = header_values("x-sdk-date").ok_or_else(|| {
        bad_signature("Incorrect IAM authentication information: X-Sdk-Date is missing")
    })?;
    let signed_at = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", &date)
        .ok()
        .and_then(|dt| dt.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            bad_signature("Incorrect IAM authentication information: X-Sdk-Date is malformed")
        })?;
    let skew = (now.as_second() - signed_at.as_second()).unsigned_abs();
    if skew > MAX_CLOCK_SKEW.as_secs() {
        return Err(bad_signature(format!(
            "Incorrect IAM authentication information: signature expired, X-Sdk-Date {date} is {skew} seconds from the server time"
        )));
    }

    // The canonical request, rebuilt from what arrived.
    let mut uri = decode(received.path)
        .split('/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut pairs: Vec<(String, String)> = received
        .query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = String::new();
    for name in authorization.signed_headers.split(';') {
        let value = header_values(name).ok_or_else(|| {
            bad_signature(format!(
                "Incorrect IAM authentication information: signed header {name} is missing"
            ))
        })?;
        headers.push_str(&format!("{name}:{value}\n"));
    }
    let sm3 = authorization.algorithm == "SDK-HMAC-SM3";
    let digest = |data: &[u8]| {
        if sm3 {
            hex::encode(sm3::Sm3::digest(data))
        } else {
            hex::encode(Sha256::digest(data))
        }
    };
    let marker = if sm3 {
        "x-sdk-content-sm3"
    } else {
        "x-sdk-content-sha256"
    };
    let unsigned = header_values(marker).as_deref() == Some("UNSIGNED-PAYLOAD");
    let payload = if unsigned && !received.body.is_empty() {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        digest(received.body)
    };
    let canonical = format!(
        "{}\n{uri}\n{query}\n{headers}\n{}\n{payload}",
        received.method.as_str(),
        authorization.signed_headers
    );
    let hashed = digest(canonical.as_bytes());

    // The string to sign and the key that signs it.
    let (string_to_sign, key) = match authorization.scope {
        None => (
            format!("{}\n{date}\n{hashed}", authorization.algorithm),
            sk.as_bytes().to_vec(),
        ),
        Some(scope) => {
            let expected_scope = format!("{}/{region}/dayu", &date[..8]);
            if scope != expected_scope {
                return Err(bad_signature(format!(
                    "Incorrect IAM authentication information: credential scope {scope} should be {expected_scope}"
                )));
            }
            let prk = hmac_sha256(authorization.access_key.as_bytes(), sk.as_bytes());
            let okm = hmac_sha256(&prk, &[scope.as_bytes(), &[1]].concat());
            (
                format!("{}\n{date}\n{scope}\n{hashed}", authorization.algorithm),
                hex::encode(okm).into_bytes(),
            )
        }
    };

    let expected = hex::decode(authorization.signature).unwrap_or_default();
    let verified = if sm3 {
        let mut mac = Hmac::<sm3::Sm3>::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(string_to_sign.as_bytes());
        mac.verify_slice(&expected)
    } else {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(string_to_sign.as_bytes());
        mac.verify_slice(&expected)
    };
    verified.map_err(|_| {
        bad_signature("Incorrect IAM authentication information: verify aksk signature fail")
    })
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}
