//! Signing canonicalisation: arbitrary paths, queries, headers and bodies
//! sign or fail with an error, never panic.
#![no_main]

use dataarts_security::Secret;
use dataarts_security::signer::{self, AccessKey, Algorithm, SigningRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let mut next = || parts.next().unwrap_or("").to_owned();
    let (method, host, path) = (next(), next(), next());
    let query = vec![(next(), next()), (next(), next())];
    let headers = vec![(next(), next()), (next(), next()), (next(), next())];
    let body = next();
    let _ = signer::canonical_uri(&path);
    let _ = signer::canonical_query(&query);
    let _ = signer::canonical_headers(&headers);
    let key = AccessKey {
        access_key_id: "AK".into(),
        secret_access_key: Secret::new("SK"),
    };
    for algorithm in [
        Algorithm::SdkHmacSha256,
        Algorithm::SdkHmacSm3,
        Algorithm::V11HmacSha256 {
            region: "cn-north-4".into(),
            service: "dayu".into(),
        },
    ] {
        let mut request = SigningRequest {
            method: &method,
            host: &host,
            resource_path: &path,
            query: query.clone(),
            headers: headers.clone(),
            body: body.as_bytes(),
        };
        let _ = signer::sign(&mut request, &key, &algorithm, jiff::Timestamp::UNIX_EPOCH);
    }
});
