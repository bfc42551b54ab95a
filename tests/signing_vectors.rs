//! One test per request-signing vector produced by Huawei's official Python
//! SDK (`data/signing/`, see its README): every intermediate string, the
//! signature, the `Authorization` value and the headers must match byte for
//! byte.

use std::cmp::Ordering;

use dataarts_security::Secret;
use dataarts_security::signer::{self, AccessKey, Algorithm, SigningRequest};
use dataarts_security_tests::data;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let file: Value = serde_json::from_str(&data("signing/sdk-hmac-sha256.json")).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

fn vector(name: &str) -> Value {
    vectors()
        .into_iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no vector named {name}"))
}

/// Python's comparison of two query values of the same type.
fn python_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Number(a), Value::Number(b)) => a.as_i64().cmp(&b.as_i64()),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .map(|(x, y)| python_cmp(x, y))
            .find(|o| o.is_ne())
            .unwrap_or(a.len().cmp(&b.len())),
        _ => Ordering::Equal,
    }
}

/// Python's `str()` of a query value; `lower` for a scalar bool.
fn python_str(value: &Value, in_list: bool) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) if in_list => if *b { "True" } else { "False" }.to_owned(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The query as the official SDK hands it to its canonicaliser: tuples
/// sorted as Python sorts them, list values expanded element by element in
/// their native order.
fn query_pairs(vector: &Value) -> Vec<(String, String)> {
    let mut params: Vec<(String, Value)> = vector["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| (entry[0].as_str().unwrap().to_owned(), entry[1].clone()))
        .collect();
    params.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| python_cmp(&a.1, &b.1)));
    let mut pairs = Vec::new();
    for (key, value) in params {
        match value {
            Value::Array(mut items) => {
                items.sort_by(python_cmp);
                pairs.extend(
                    items
                        .iter()
                        .map(|item| (key.clone(), python_str(item, true))),
                );
            }
            scalar => pairs.push((key, python_str(&scalar, false))),
        }
    }
    pairs
}

fn headers(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn check(name: &str) {
    let v = vector(name);
    let key = AccessKey {
        access_key_id: v["ak"].as_str().unwrap().to_owned(),
        secret_access_key: Secret::new(v["sk"].as_str().unwrap()),
    };
    let algorithm = match v["algorithm"].as_str().unwrap() {
        "SDK-HMAC-SHA256" => Algorithm::SdkHmacSha256,
        "V11-HMAC-SHA256" => Algorithm::V11HmacSha256 {
            region: v["region"].as_str().unwrap().to_owned(),
            service: v["service"].as_str().unwrap().to_owned(),
        },
        other => panic!("unknown algorithm {other}"),
    };

    // BasicCredentials adds these before the signer runs; the bare signer
    // does not.
    let mut credential_headers: Vec<(String, String)> = Vec::new();
    if v["entry_point"] != "Signer.sign" {
        if let Some(project) = v["project_id"].as_str() {
            credential_headers.push(("X-Project-Id".into(), project.into()));
        }
        if let Some(token) = v["security_token"].as_str() {
            credential_headers.push(("X-Security-Token".into(), token.into()));
        }
    }
    let mut header_list = headers(&v["headers_before_signing"]);
    header_list.extend(credential_headers.iter().cloned());

    let mut request = SigningRequest {
        method: v["method"].as_str().unwrap(),
        host: v["host"].as_str().unwrap(),
        resource_path: v["resource_path"].as_str().unwrap(),
        query: query_pairs(&v),
        headers: header_list,
        body: v["body"].as_str().unwrap().as_bytes(),
    };
    let now = signer::parse_date(v["timestamp"].as_str().unwrap()).unwrap();
    let result = signer::sign(&mut request, &key, &algorithm, now);

    let expected = &v["outputs"];
    if expected.is_null() {
        assert!(
            result.is_err(),
            "{name}: the official signer fails here ({}), ours must too",
            v["error"]
        );
        return;
    }
    let signed = result.unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = |field: &str| {
        expected[field]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no {field}"))
    };

    assert_eq!(
        signed.canonical_uri,
        text("canonical_uri"),
        "{name}: canonical URI"
    );
    assert_eq!(
        signed.canonical_query,
        text("canonical_query_string"),
        "{name}: canonical query"
    );
    assert_eq!(
        signed.canonical_headers,
        text("canonical_headers"),
        "{name}: canonical headers"
    );
    assert_eq!(
        signed.signed_headers,
        text("signed_headers"),
        "{name}: signed headers"
    );
    assert_eq!(
        signed.payload_hash,
        text("payload_hash"),
        "{name}: payload hash"
    );
    assert_eq!(
        signed.canonical_request,
        text("canonical_request"),
        "{name}: canonical request"
    );
    assert_eq!(
        signed.string_to_sign,
        text("string_to_sign"),
        "{name}: string to sign"
    );
    assert_eq!(signed.signature, text("signature"), "{name}: signature");
    assert_eq!(
        signed.authorization,
        text("authorization"),
        "{name}: Authorization"
    );
    let added: Vec<_> = credential_headers
        .into_iter()
        .chain(signed.added_headers.clone())
        .collect();
    assert_eq!(
        added,
        headers(&expected["added_headers"]),
        "{name}: added headers"
    );
    assert_eq!(
        request.headers,
        headers(&expected["final_headers"]),
        "{name}: final headers"
    );

    // The wire form: the path as given and the canonical query.
    let request_uri = if signed.canonical_query.is_empty() {
        request.resource_path.to_owned()
    } else {
        format!("{}?{}", request.resource_path, signed.canonical_query)
    };
    assert_eq!(request_uri, text("request_uri"), "{name}: request URI");

    if let Some(scope) = expected["credential_scope"].as_str() {
        assert_eq!(
            signed.credential_scope.as_deref(),
            Some(scope),
            "{name}: scope"
        );
        assert_eq!(
            signer::derived_key(&key, scope).expose(),
            text("derived_key"),
            "{name}: derived key"
        );
    }
}

macro_rules! vectors {
    ($($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )+

        #[test]
        fn every_vector_in_the_file_has_a_test() {
            let mut listed = vec![$(stringify!($name)),+];
            listed.sort_unstable();
            let mut in_file: Vec<String> =
                vectors().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
            in_file.sort_unstable();
            assert_eq!(listed, in_file);
        }
    };
}

vectors! {
    client_show_plain,
    client_list_all_filters_asc_true,
    client_show_task_id_needs_escaping,
    show_minimal_headers,
    list_limit_offset_ints,
    query_reserved_characters,
    query_unicode,
    query_equals_ampersand,
    query_list_values,
    query_repeated_key_tuples,
    query_key_sorting_raw_not_encoded,
    query_bool_and_int_scalars,
    path_unicode_space_percent_raw,
    path_param_with_slash,
    path_pre_escaped_resource_path,
    path_root,
    path_empty_is_error,
    path_trailing_slash_kept,
    header_value_whitespace,
    header_name_with_underscore,
    header_mixed_case_names,
    header_duplicate_names_different_case,
    post_json_body,
    post_json_body_non_ascii,
    post_text_plain_unsigned_payload,
    content_type_json_uppercase,
    temporary_credentials_security_token,
    bare_signer_no_project_header,
    host_with_port,
    preset_x_sdk_date_header,
    project_id_header_and_no_workspace,
    v11_show,
    v11_list_all_filters,
    v11_post_body_security_token,
}

/// Known answers from the official Java SDK's own tests
/// (`data/signing/java-sdk-known-answers.json`): a second official
/// implementation, and the only published values for `SDK-HMAC-SM3`.
fn check_java(name: &str) {
    let file: Value = serde_json::from_str(&data("signing/java-sdk-known-answers.json")).unwrap();
    let v = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap()
        .clone();
    let algorithm = match v["algorithm"].as_str().unwrap() {
        "SDK-HMAC-SHA256" => Algorithm::SdkHmacSha256,
        "SDK-HMAC-SM3" => Algorithm::SdkHmacSm3,
        "V11-HMAC-SHA256" => Algorithm::V11HmacSha256 {
            region: v["region"].as_str().unwrap().to_owned(),
            service: v["service"].as_str().unwrap().to_owned(),
        },
        other => panic!("unknown algorithm {other}"),
    };
    let key = AccessKey {
        access_key_id: "AccessKey".into(),
        secret_access_key: Secret::new("SecretKey"),
    };
    let mut request = SigningRequest {
        method: v["method"].as_str().unwrap(),
        host: v["host"].as_str().unwrap(),
        resource_path: v["resource_path"].as_str().unwrap(),
        query: headers(&v["query"]),
        headers: headers(&v["headers"]),
        body: v["body"].as_str().unwrap().as_bytes(),
    };
    let signed = signer::sign(&mut request, &key, &algorithm, jiff::Timestamp::UNIX_EPOCH).unwrap();
    assert_eq!(
        signed.authorization,
        v["authorization"].as_str().unwrap(),
        "{name}"
    );
}

#[test]
fn java_sha256_get_with_query() {
    check_java("java_sha256_get_with_query");
}

#[test]
fn java_sha256_post_body() {
    check_java("java_sha256_post_body");
}

#[test]
fn java_v11_get() {
    check_java("java_v11_get");
}

#[test]
fn java_sm3_get_with_query() {
    check_java("java_sm3_get_with_query");
}

#[test]
fn java_sm3_post_body() {
    check_java("java_sm3_post_body");
}
