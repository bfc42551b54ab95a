//! Generates the raw client from the OpenAPI spec into `OUT_DIR`.
//!
//! The generator settings live in the `dataarts-security-codegen` crate so
//! that `cargo xtask codegen` renders exactly the same source into the
//! checked-in review copy under `generated/`.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec_path = root.join(dataarts_security_codegen::SPEC_PATH);
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");

    let spec = dataarts_security_codegen::load(&spec_path).unwrap_or_else(|e| fail(&e));
    let client = dataarts_security_codegen::client_source(&spec).unwrap_or_else(|e| fail(&e));
    let mock = dataarts_security_codegen::mock_source(&spec, "crate").unwrap_or_else(|e| fail(&e));

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("client.rs"), client).expect("OUT_DIR is writable");
    std::fs::write(out.join("mock.rs"), mock).expect("OUT_DIR is writable");
}

/// Stops the build with the generator's readable message instead of a
/// backtrace from inside a panic.
fn fail(error: &dataarts_security_codegen::Error) -> ! {
    eprintln!("error: {error}");
    std::process::exit(1);
}
