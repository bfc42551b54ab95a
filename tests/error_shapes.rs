//! Field report B06: error codes in every body shape Huawei Cloud uses, and
//! the request id from the (case-insensitive) response header.

use dataarts_security::Error;
use dataarts_security_tests::{client, data};
use httpmock::prelude::*;

async fn error_for(shape: &str) -> Error {
    let server = MockServer::start_async().await;
    let body = data(&format!("error-shapes/{shape}.json"));
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(404)
                .header("content-type", "application/json")
                .header("x-request-id", "req-0002")
                .body(body);
        })
        .await;
    client(&server.base_url())
        .show_task("t1")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn every_known_shape_gives_the_same_error() {
    for shape in [
        "a_documented",
        "b_nested_error",
        "c_code_message",
        "d_camel_case",
    ] {
        let err = error_for(shape).await;
        let Error::Api(api) = &err else {
            panic!("{shape}: expected Api, got {err:?}")
        };
        assert_eq!(api.status.as_u16(), 404, "{shape}");
        assert_eq!(api.error_code.as_deref(), Some("DLS.4106"), "{shape}");
        assert_eq!(
            api.error_msg.as_deref(),
            Some("Rule is not exist."),
            "{shape}"
        );
        assert_eq!(api.request_id.as_deref(), Some("req-0002"), "{shape}");
        assert!(!err.is_retryable());
        insta::assert_debug_snapshot!(shape, err);
    }
}

#[tokio::test]
async fn an_unknown_shape_keeps_the_body_as_the_message() {
    let err = error_for("e_unknown").await;
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.error_code, None);
    assert_eq!(api.error_msg.as_deref(), Some(r#"{"foo":1}"#));
    assert_eq!(api.request_id.as_deref(), Some("req-0002"));
    insta::assert_debug_snapshot!("e_unknown", err);
}
