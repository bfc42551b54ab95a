//! Turns the hand-maintained OpenAPI spec into the raw client's Rust source.
//!
//! One function renders the client and one the typed `httpmock` helpers; the
//! raw crate's `build.rs` calls them at build time and `cargo xtask codegen`
//! calls them to refresh the checked-in copy under `crates/raw/generated/`,
//! so both always see the same generator settings.
//!
//! The settings encode the decisions that make the generated code safe to
//! decode real responses with:
//!
//! - the string enums of the spec (cluster type, schedule period and status,
//!   sync status, sort key) are replaced by the raw crate's hand-written open
//!   enums, which keep a value the server invents instead of failing;
//! - every `integer/int64` and `integer/int32` schema becomes a lenient
//!   number that also accepts a number sent as a JSON string;
//! - the error body is the raw crate's own type, which understands the
//!   several error shapes Huawei Cloud services answer with;
//! - the client carries an inner value whose hooks see every request before
//!   it is sent and perform the send, the seam for signing and transport.
//!
//! Specs that progenitor cannot generate are refused by [`lint`] with a
//! message that names the operation, instead of a panic inside the generator.

use std::fmt;
use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};
use schemars::schema::{InstanceType, SchemaObject, SingleOrVec};

/// Path of the spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/dataarts-security.yaml";

/// Path of the checked-in copy of the generated client, relative to the
/// workspace root.
pub const CLIENT_COPY_PATH: &str = "crates/raw/generated/client.rs";

/// Path of the checked-in copy of the generated mock helpers, relative to the
/// workspace root.
pub const MOCK_COPY_PATH: &str = "crates/raw/generated/mock.rs";

/// Named string enums of the spec and the open enum that replaces each.
const OPEN_ENUMS: [&str; 5] = [
    "ClusterType",
    "SchedulePeriod",
    "ScheduleStatus",
    "SyncStatus",
    "OrderBy",
];

/// Why the spec could not be turned into Rust.
#[derive(Debug)]
pub enum Error {
    /// The spec file could not be read.
    Read(std::io::Error),
    /// The spec is not valid OpenAPI 3.0 YAML.
    Parse(serde_norway::Error),
    /// The spec is valid OpenAPI but uses something the generator cannot
    /// handle; each entry names the operation and the reason.
    Lint(Vec<String>),
    /// progenitor refused the spec.
    Generate(progenitor::Error),
    /// The generator produced tokens that are not a Rust file.
    Syntax(syn::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read(e) => write!(f, "cannot read the spec: {e}"),
            Error::Parse(e) => write!(f, "the spec is not valid OpenAPI 3.0: {e}"),
            Error::Lint(problems) => {
                write!(f, "the spec cannot be generated:")?;
                for problem in problems {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
            Error::Generate(e) => write!(f, "progenitor failed: {e}"),
            Error::Syntax(e) => write!(f, "generated code does not parse: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Reads and parses the spec at `path`.
///
/// # Errors
///
/// [`Error::Read`] or [`Error::Parse`].
pub fn load(path: &Path) -> Result<OpenAPI, Error> {
    let text = std::fs::read_to_string(path).map_err(Error::Read)?;
    parse(&text)
}

/// Parses spec text (YAML or JSON).
///
/// # Errors
///
/// [`Error::Parse`] when the text is not an OpenAPI 3.0 document.
pub fn parse(text: &str) -> Result<OpenAPI, Error> {
    serde_norway::from_str(text).map_err(Error::Parse)
}

/// Checks the spec for constructs progenitor 0.15 cannot generate.
///
/// - A `default` response next to typed responses makes the generator
///   panic; exact status codes or ranges are required.
/// - All error responses of an operation must share one schema, because the
///   generated client has one error type per operation.
///
/// # Errors
///
/// [`Error::Lint`] listing every problem found.
pub fn lint(spec: &OpenAPI) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (path, method, operation) in spec.operations() {
        let name = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
        if operation.operation_id.is_none() {
            problems.push(format!("{name}: needs an operationId"));
        }
        if operation.responses.default.is_some() {
            problems.push(format!(
                "{name}: has a `default` response; declare exact status codes instead"
            ));
        }

        let mut error_schemas = Vec::new();
        for (status, response) in &operation.responses.responses {
            let is_error = match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            };
            if !is_error {
                continue;
            }
            let schema = response_schema(spec, response);
            if !error_schemas.iter().any(|(_, s)| *s == schema) {
                error_schemas.push((status.to_string(), schema));
            }
        }
        if error_schemas.len() > 1 {
            let listed = error_schemas
                .iter()
                .map(|(status, schema)| {
                    format!("{status} -> {}", schema.as_deref().unwrap_or("no body"))
                })
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(format!(
                "{name}: error responses use different bodies ({listed}); \
                 all 4xx/5xx responses must share one error schema"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Lint(problems))
    }
}

/// Names the JSON body schema of a response as text, for comparison.
fn response_schema(spec: &OpenAPI, response: &ReferenceOr<openapiv3::Response>) -> Option<String> {
    let response = match response {
        ReferenceOr::Item(item) => item,
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next()?;
            spec.components.as_ref()?.responses.get(name)?.as_item()?
        }
    };
    let media = response.content.get("application/json")?;
    match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => Some(reference.clone()),
        ReferenceOr::Item(item) => Some(format!("inline {:?}", item.schema_kind)),
    }
}

/// The generator settings shared by the client and the mock helpers.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote::quote!(crate::Hooks))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");

    for name in OPEN_ENUMS {
        settings.with_replacement(
            name,
            format!("crate::open_enum::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    settings.with_replacement("ErrorBody", "crate::ErrorBody", std::iter::empty());
    settings.with_conversion(
        integer_schema("int64"),
        "crate::lenient::Int64",
        [TypeImpl::Display].into_iter(),
    );
    settings.with_conversion(
        integer_schema("int32"),
        "crate::lenient::Int32",
        [TypeImpl::Display].into_iter(),
    );
    settings
}

fn integer_schema(format: &str) -> SchemaObject {
    SchemaObject {
        instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::Integer))),
        format: Some(format.to_owned()),
        ..SchemaObject::default()
    }
}

/// Renders the generated client as formatted Rust source.
///
/// # Errors
///
/// [`Error::Lint`] for specs the generator cannot handle, otherwise
/// [`Error::Generate`] or [`Error::Syntax`].
pub fn client_source(spec: &OpenAPI) -> Result<String, Error> {
    lint(spec)?;
    let tokens = Generator::new(&settings())
        .generate_tokens(spec)
        .map_err(Error::Generate)?;
    pretty(tokens)
}

/// Renders progenitor's typed `httpmock` helpers as formatted Rust source.
///
/// `crate_path` is the path under which the generated client is reachable
/// from the module that includes the helpers.
///
/// # Errors
///
/// As for [`client_source`].
pub fn mock_source(spec: &OpenAPI, crate_path: &str) -> Result<String, Error> {
    lint(spec)?;
    let tokens = Generator::new(&settings())
        .httpmock(spec, crate_path)
        .map_err(Error::Generate)?;
    pretty(tokens)
}

fn pretty(tokens: proc_macro2::TokenStream) -> Result<String, Error> {
    let file = syn::parse2(tokens).map_err(Error::Syntax)?;
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = include_str!("../../../openapi/dataarts-security.yaml");

    #[test]
    fn the_real_spec_passes_the_lint_and_generates() {
        let spec = parse(SPEC).expect("spec parses");
        lint(&spec).expect("spec lints clean");
        let source = client_source(&spec).expect("client generates");
        assert!(source.contains("pub fn show_security_member_sync_task"));
        assert!(source.contains("pub fn list_security_member_sync_tasks"));
    }

    #[test]
    fn a_default_response_is_refused_with_the_operation_named() {
        let text = SPEC.replacen(
            "        '400':\n          $ref: '#/components/responses/BadRequest'",
            "        default:\n          description: anything else\n        '400':\n          $ref: '#/components/responses/BadRequest'",
            1,
        );
        let err = lint(&parse(&text).unwrap()).unwrap_err().to_string();
        assert!(
            err.contains("ListSecurityMemberSyncTasks: has a `default` response"),
            "{err}"
        );
    }

    #[test]
    fn a_second_error_schema_is_refused_instead_of_panicking() {
        let text = format!(
            "{SPEC}    OtherError:\n      type: object\n      properties:\n        code:\n          type: string\n"
        )
        .replacen(
            "    NotFound:\n      description: The path matched no resource at the gateway.\n      headers:\n        X-Request-Id:\n          $ref: '#/components/headers/RequestId'\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/ErrorBody'",
            "    NotFound:\n      description: The path matched no resource at the gateway.\n      headers:\n        X-Request-Id:\n          $ref: '#/components/headers/RequestId'\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/OtherError'",
            1,
        );
        let err = lint(&parse(&text).unwrap()).unwrap_err().to_string();
        assert!(
            err.contains("error responses use different bodies"),
            "{err}"
        );
        assert!(
            err.contains("404 -> #/components/schemas/OtherError"),
            "{err}"
        );
    }
}
