//! The error body of the service and of the API gateway in front of it.

use serde_json::{Map, Value};

/// An error body, understood in every shape Huawei Cloud answers with.
///
/// DataArts Studio and its gateway send `{"error_code", "error_msg"}`; other
/// services behind the same gateway use `errorCode`/`errorMsg` (or
/// `errorMessage`), `code`/`message`, or nest one of these pairs in an
/// object such as `{"error": {...}}`. The pairs are looked for in that order,
/// as the official SDKs do, and the whole body is kept so nothing is lost when
/// none matches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorBody {
    /// Machine-readable code such as `DLS.1000` or `APIG.0301`.
    pub error_code: Option<String>,
    /// Human-readable explanation.
    pub error_msg: Option<String>,
    /// Request id, when the body carries one.
    pub request_id: Option<String>,
    /// `encoded_authorization_message`, sent with some permission errors.
    pub encoded_authorization_message: Option<String>,
    body: Value,
}

/// Key pairs for code and message, in the order they are looked for.
const PAIRS: [(&str, &[&str]); 3] = [
    ("error_code", &["error_msg", "error_message"]),
    ("errorCode", &["errorMsg", "errorMessage"]),
    ("code", &["message", "msg"]),
];

impl ErrorBody {
    /// Interprets a decoded JSON body.
    pub fn from_value(body: Value) -> Self {
        let mut found = ErrorBody::default();
        if let Value::Object(map) = &body {
            if let Some((code, msg)) = find_pair(map) {
                found.error_code = code;
                found.error_msg = msg;
            }
            found.request_id = text(map, "request_id").or_else(|| text(map, "requestId"));
            found.encoded_authorization_message = text(map, "encoded_authorization_message");
        }
        found.body = body;
        found
    }

    /// The body as received.
    pub fn body(&self) -> &Value {
        &self.body
    }
}

/// Finds the first code/message pair at the top level, then inside nested
/// objects (depth first, in document order).
fn find_pair(map: &Map<String, Value>) -> Option<(Option<String>, Option<String>)> {
    for (code_key, msg_keys) in PAIRS {
        let code = text(map, code_key);
        let msg = msg_keys.iter().find_map(|k| text(map, k));
        if code.is_some() {
            return Some((code, msg));
        }
    }
    map.values().find_map(|v| match v {
        Value::Object(inner) => find_pair(inner),
        _ => None,
    })
}

/// A string member, or a number member written as text.
fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl<'de> serde::Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Error bodies are small and rare; reading them as a value is what
        // lets every shape be recognised.
        Value::deserialize(deserializer).map(ErrorBody::from_value)
    }
}

impl serde::Serialize for ErrorBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

/// The documented shape, for JSON Schema.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct DocumentedErrorBody {
    /// Machine-readable code such as `DLS.1000` or `APIG.0301`.
    error_code: Option<String>,
    /// Human-readable explanation.
    error_msg: Option<String>,
    /// Request id, when the body carries one.
    request_id: Option<String>,
}

impl schemars::JsonSchema for ErrorBody {
    fn schema_name() -> String {
        "ErrorBody".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        DocumentedErrorBody::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> ErrorBody {
        serde_json::from_str(json).unwrap()
    }

    fn pair(body: &ErrorBody) -> (Option<&str>, Option<&str>) {
        (body.error_code.as_deref(), body.error_msg.as_deref())
    }

    const EXPECTED: (Option<&str>, Option<&str>) = (Some("DLS.4106"), Some("Rule is not exist."));

    #[test]
    fn the_documented_shape() {
        let body = parse(r#"{"error_code":"DLS.4106","error_msg":"Rule is not exist."}"#);
        assert_eq!(pair(&body), EXPECTED);
    }

    #[test]
    fn a_nested_error_object() {
        let body = parse(r#"{"error":{"code":"DLS.4106","message":"Rule is not exist."}}"#);
        assert_eq!(pair(&body), EXPECTED);
    }

    #[test]
    fn code_and_message() {
        let body = parse(r#"{"code":"DLS.4106","message":"Rule is not exist."}"#);
        assert_eq!(pair(&body), EXPECTED);
    }

    #[test]
    fn camel_case_with_error_message() {
        let body = parse(r#"{"errorCode":"DLS.4106","errorMessage":"Rule is not exist."}"#);
        assert_eq!(pair(&body), EXPECTED);
    }

    #[test]
    fn an_unrelated_object_keeps_the_body() {
        let body = parse(r#"{"foo":1}"#);
        assert_eq!(pair(&body), (None, None));
        assert_eq!(body.body(), &serde_json::json!({"foo": 1}));
    }

    #[test]
    fn gateway_body_with_request_id() {
        let body = parse(
            r#"{"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information","request_id":"req-0001"}"#,
        );
        assert_eq!(body.request_id.as_deref(), Some("req-0001"));
        assert_eq!(body.error_code.as_deref(), Some("APIG.0301"));
    }

    #[test]
    fn the_first_pair_in_the_official_order_wins() {
        let body = parse(r#"{"code":"X","message":"x","error_code":"Y","error_msg":"y"}"#);
        assert_eq!(pair(&body), (Some("Y"), Some("y")));
    }
}
