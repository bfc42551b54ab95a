//! Property tests of the signer: it never panics, and whatever it signs the
//! sandbox's independent verifier accepts from the wire form.

use std::collections::HashMap;
use std::time::Duration;

use dataarts_security::Secret;
use dataarts_security::signer::{self, AccessKey, Algorithm, SigningRequest};
use dataarts_security_sandbox::gateway::{self, Lockout, Received};
use jiff::Timestamp;
use proptest::prelude::*;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

fn key() -> AccessKey {
    AccessKey {
        access_key_id: "PROPAK".into(),
        secret_access_key: Secret::new("prop-secret"),
    }
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::SdkHmacSha256),
        Just(Algorithm::SdkHmacSm3),
        Just(Algorithm::V11HmacSha256 {
            region: "cn-north-4".into(),
            service: "dayu".into()
        }),
    ]
}

fn instant() -> impl Strategy<Value = Timestamp> {
    // 2001 to 2100: inside what X-Sdk-Date can express.
    (978_307_200_i64..4_102_444_800).prop_map(|s| Timestamp::from_second(s).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn signing_never_panics(
        method in ".*",
        host in ".*",
        path in ".*",
        query in prop::collection::vec((".*", ".*"), 0..4),
        headers in prop::collection::vec((".*", ".*"), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..64),
        algorithm in algorithm(),
        now in instant(),
    ) {
        let mut request = SigningRequest {
            method: &method,
            host: &host,
            resource_path: &path,
            query,
            headers,
            body: &body,
        };
        let _ = signer::sign(&mut request, &key(), &algorithm, now);
    }

    #[test]
    fn a_signed_request_verifies_from_the_wire(
        segments in prop::collection::vec("\\PC{0,12}", 1..5),
        query in prop::collection::vec(("\\PC{1,8}", "\\PC{0,8}"), 0..4),
        headers in prop::collection::btree_map("x-[a-z0-9-]{1,10}", "[!-~]([ !-~]{0,10}[!-~])?", 0..4),
        workspace in "[0-9a-f]{32}",
        body in prop::collection::vec(any::<u8>(), 0..64),
        algorithm in algorithm(),
        now in instant(),
    ) {
        // The request as the client puts it on the wire: strictly escaped
        // path segments and the canonical query.
        let path = format!("/{}", segments.iter().map(|s| signer::escape(s)).collect::<Vec<_>>().join("/"));
        let mut pairs = query.clone();
        pairs.sort();
        let wire_query = signer::canonical_query(&pairs);
        let mut header_list: Vec<(String, String)> = headers.into_iter().collect();
        header_list.push(("workspace".into(), workspace));
        header_list.push(("Content-Type".into(), "application/json".into()));

        let mut request = SigningRequest {
            method: "POST",
            host: "127.0.0.1:8443",
            resource_path: &path,
            query: pairs,
            headers: header_list,
            body: &body,
        };
        let signed = signer::sign(&mut request, &key(), &algorithm, now).unwrap();

        let mut wire_headers = HeaderMap::new();
        for (name, value) in &request.headers {
            wire_headers.append(
                HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let received = Received {
            method: &Method::POST,
            path: &path,
            query: &wire_query,
            headers: &wire_headers,
            body: &body,
        };
        let keys: HashMap<String, String> = [("PROPAK".to_owned(), "prop-secret".to_owned())].into();
        let verdict = gateway::verify(&received, &keys, "cn-north-4", now, &Lockout::default(), Duration::from_secs(300));
        prop_assert!(verdict.is_ok(), "{:?}\n{}", verdict, signed.canonical_request);
    }
}
