//! `dataarts-sync sign`: show how a request is signed, without sending it.
//!
//! When the gateway answers `APIG.0301`, the quickest way to the cause is to
//! compare the canonical request and string to sign with what the gateway
//! computed (or with another implementation). This prints them, as JSON,
//! for a request given on the command line, with the keys from the usual
//! credential chain and a fixed time. Credential values (a security token)
//! are masked in what it prints; the `Authorization` value is printed, as
//! it is what is being compared.

use anyhow::Context as _;
use dataarts_security::Credentials;
use dataarts_security::signer::{self, SigningRequest};
use serde_json::json;

use crate::output::UsageError;
use crate::{GlobalArgs, SigningArg, chain};

/// Arguments of `sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
To reproduce what the client sends, add --client-headers, or copy the
headers that `--dry-run` prints.

Examples:
  HUAWEICLOUD_SDK_AK=AK HUAWEICLOUD_SDK_SK=SK dataarts-sync --project-id P sign \\
    --date 20240320T102554Z --client-headers -H 'workspace: W' \\
    GET https://dayu.cn-north-4.myhuaweicloud.com/v1/P/security/member-sync-tasks/T")]
pub struct Args {
    /// HTTP method.
    pub method: String,

    /// Full URL as sent: path and query already escaped.
    pub url: String,

    /// A request header, `Name: value`; repeat for more.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// Add the headers this client sends with every request (Accept,
    /// Content-Type, User-Agent).
    #[arg(long)]
    pub client_headers: bool,

    /// File whose bytes are the request body.
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<std::path::PathBuf>,

    /// Signing time, YYYYMMDDTHHMMSSZ in UTC. Default: now.
    #[arg(long)]
    pub date: Option<String>,
}

fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

pub fn run(global: &GlobalArgs, args: Args) -> anyhow::Result<()> {
    let found = chain(global)
        .resolve()
        .context("no access keys to sign with")?;
    let Credentials::AccessKey(keys) = &found.credentials else {
        return Err(usage(format!(
            "signing needs access keys, but the credentials found are an {}",
            found.credentials.kind()
        )));
    };
    found
        .credentials
        .validate()
        .map_err(|reason| usage(format!("invalid credentials: {reason}")))?;
    let algorithm = match global.signing {
        SigningArg::Plain => signer::Algorithm::SdkHmacSha256,
        SigningArg::Sm3 => signer::Algorithm::SdkHmacSm3,
        SigningArg::Derived => signer::Algorithm::V11HmacSha256 {
            region: global
                .region
                .clone()
                .ok_or_else(|| usage("--signing derived needs --region"))?,
            service: "dayu".to_owned(),
        },
    };

    // The request line.
    if reqwest::Method::from_bytes(args.method.as_bytes()).is_err() {
        return Err(usage(format!("{:?} is not an HTTP method", args.method)));
    }
    let url = reqwest::Url::parse(&args.url)
        .map_err(|e| usage(format!("invalid URL {:?}: {e}", args.url)))?;
    let host = signer::host_of(&url)
        .ok_or_else(|| usage(format!("the URL {:?} has no host", args.url)))?;
    // Query pairs are unescaped with `%XX` only: the official wire form
    // never carries a bare `+` for a space.
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let query = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();

    // The headers, each one a header could really be.
    let mut headers = Vec::new();
    if args.client_headers {
        headers.push(("Accept".to_owned(), "application/json".to_owned()));
        headers.push((
            "User-Agent".to_owned(),
            dataarts_security::USER_AGENT.to_owned(),
        ));
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| usage(format!("header {header:?} is not `Name: value`")))?;
        let (name, value) = (name.trim(), value.trim());
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(usage(format!("{name:?} is not a header name")));
        }
        if reqwest::header::HeaderValue::from_str(value).is_err() {
            return Err(usage(format!(
                "the value of header {name} holds characters a header cannot carry"
            )));
        }
        if name.eq_ignore_ascii_case(signer::DATE_HEADER) && args.date.is_some() {
            return Err(usage(
                "give the signing time either with --date or as an X-Sdk-Date header, not both",
            ));
        }
        headers.push((name.to_owned(), value.to_owned()));
    }
    if let Some(project_id) = global.project_id.clone().or(found.project_id) {
        headers.push(("X-Project-Id".to_owned(), project_id));
    }
    if let Some(token) = &keys.security_token {
        headers.push(("X-Security-Token".to_owned(), token.expose().to_owned()));
    }
    let body = match &args.body_file {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => Vec::new(),
    };
    let now = match &args.date {
        Some(date) => signer::parse_date(date).map_err(|e| usage(e.to_string()))?,
        None => jiff::Timestamp::now(),
    };

    let mut request = SigningRequest {
        method: &args.method,
        host: &host,
        resource_path: url.path(),
        query,
        headers,
        body: &body,
    };
    let signed =
        signer::sign(&mut request, &keys.key, &algorithm, now).map_err(|e| usage(e.to_string()))?;

    // Credential values are masked; everything else is what the gateway
    // sees anyway.
    let shown_headers: Vec<_> = request
        .headers
        .iter()
        .map(|(name, value)| {
            let masked = name.eq_ignore_ascii_case("x-security-token");
            json!([
                name,
                if masked {
                    "** redacted **"
                } else {
                    value.as_str()
                }
            ])
        })
        .collect();
    let report = json!({
        "algorithm": signed.algorithm,
        "access_key_id": keys.key.access_key_id,
        "credentials_from": found.source.to_string(),
        "timestamp": signed.timestamp,
        "canonical_request": signer::Redacted(&signed.canonical_request).to_string(),
        "string_to_sign": signed.string_to_sign,
        "signed_headers": signed.signed_headers,
        "credential_scope": signed.credential_scope,
        "authorization": signed.authorization,
        "headers": shown_headers,
    });
    crate::output::print_json(&report)
}
