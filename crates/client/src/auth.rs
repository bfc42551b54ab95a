//! Turning credentials into what one request needs: a token to send, or a
//! key to sign with, and the project id that goes into the path.
//!
//! Two things are fetched from IAM and cached for the life of the client:
//!
//! - a token for [`Credentials::Password`]: `POST /v3/auth/tokens`, token in
//!   the `X-Subject-Token` header, expiry in the body. It is renewed
//!   [`TOKEN_REFRESH_MARGIN`] before it expires; concurrent calls wait for
//!   one fetch instead of each fetching.
//! - the project id, when the client has a region and access keys but no
//!   project id: `GET /v3/projects?name={region}`, signed, as the official
//!   SDKs do. Fetched once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Deserialize;

use crate::credentials::{AccessKeyCredentials, Credentials, PasswordCredentials, Secret};
use crate::error::Error;
use crate::region::Endpoint;
use crate::transport::{ResponseMeta, header_text};

/// How long before its expiry a cached IAM token is replaced.
pub const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

/// The current time; injected so tests can move it.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The real clock.
pub(crate) fn system_clock() -> Clock {
    Arc::new(Timestamp::now)
}

/// What one request authenticates with.
#[derive(Clone, Debug)]
pub(crate) enum RequestAuth {
    /// Send this token as `X-Auth-Token`.
    Token(Secret),
    /// Sign with this key.
    Sign(AccessKeyCredentials),
}

/// A token from IAM and when it stops working.
#[derive(Clone)]
struct CachedToken {
    token: Secret,
    expires_at: Timestamp,
}

/// Credentials plus what was fetched for them.
pub(crate) struct Authenticator {
    credentials: Credentials,
    region: Option<String>,
    iam_endpoint: Option<Endpoint>,
    clock: Clock,
    token: tokio::sync::Mutex<Option<CachedToken>>,
    project_id: tokio::sync::OnceCell<String>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("iam_endpoint", &self.iam_endpoint)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    pub(crate) fn new(
        credentials: Credentials,
        region: Option<String>,
        iam_endpoint: Option<Endpoint>,
        project_id: Option<String>,
        clock: Clock,
    ) -> Self {
        Authenticator {
            credentials,
            region,
            iam_endpoint,
            clock,
            token: tokio::sync::Mutex::new(None),
            project_id: tokio::sync::OnceCell::new_with(project_id),
        }
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub(crate) fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    pub(crate) fn now(&self) -> Timestamp {
        (self.clock)()
    }

    fn iam(&self, what: &str) -> Result<&Endpoint, Error> {
        self.iam_endpoint.as_ref().ok_or_else(|| {
            Error::Config(format!(
                "{what} needs IAM, whose endpoint is unknown: set a region or an IAM endpoint"
            ))
        })
    }

    /// The project id: the configured one, or the one IAM names for the
    /// region (fetched once).
    pub(crate) async fn project_id(&self, http: &reqwest::Client) -> Result<&str, Error> {
        self.project_id
            .get_or_try_init(|| self.lookup_project_id(http))
            .await
            .map(String::as_str)
    }

    async fn lookup_project_id(&self, http: &reqwest::Client) -> Result<String, Error> {
        let Credentials::AccessKey(ak) = &self.credentials else {
            return Err(Error::invalid(
                "project_id",
                "is required unless access keys and a region let the client look it up",
            ));
        };
        let region = self
            .region
            .as_deref()
            .ok_or_else(|| Error::invalid("project_id", "is required when no region is set"))?;
        let iam = self.iam("looking up the project id")?;
        let url = format!("{iam}/v3/projects?name={}", crate::signer::escape(region));
        let mut request = http
            .get(&url)
            .header(CONTENT_TYPE, "application/json")
            .build()
            .map_err(Error::Transport)?;
        // Signed like any request, but without X-Project-Id: the project is
        // what is being asked for.
        crate::transport::sign_request(&mut request, ak, None, self.now(), self.region())
            .map_err(Error::Config)?;
        let (meta, body) = send(http, request).await?;

        #[derive(Deserialize)]
        struct Projects {
            #[serde(default)]
            projects: Vec<Project>,
        }
        #[derive(Deserialize)]
        struct Project {
            id: String,
            name: String,
        }
        let projects: Projects = serde_json::from_slice(&body)
            .map_err(|_| crate::client::payload_error::<Projects>(&meta, &body))?;
        projects
            .projects
            .into_iter()
            .find(|p| p.name == region)
            .map(|p| p.id)
            .ok_or_else(|| {
                Error::Config(format!(
                    "IAM lists no project named {region:?} for these keys"
                ))
            })
    }

    /// What the next request authenticates with; for password credentials
    /// this may fetch or renew the token.
    pub(crate) async fn request_auth(
        &self,
        http: &reqwest::Client,
        project_id: &str,
    ) -> Result<RequestAuth, Error> {
        match &self.credentials {
            Credentials::Token(token) => Ok(RequestAuth::Token(token.clone())),
            Credentials::AccessKey(ak) => Ok(RequestAuth::Sign(ak.clone())),
            Credentials::Password(password) => self
                .token(http, password, project_id)
                .await
                .map(RequestAuth::Token),
        }
    }

    /// Whether a refused token can be replaced by fetching another.
    pub(crate) fn renews_tokens(&self) -> bool {
        matches!(self.credentials, Credentials::Password(_))
    }

    /// The project id and authentication of a dry run, without asking IAM:
    /// a project id still to be looked up and a token still to be fetched
    /// show as placeholders.
    pub(crate) fn dry_run_auth(&self) -> (String, RequestAuth) {
        let project_id = self
            .project_id
            .get()
            .cloned()
            .unwrap_or_else(|| "{project_id}".to_owned());
        let auth = match &self.credentials {
            Credentials::Token(token) => RequestAuth::Token(token.clone()),
            Credentials::AccessKey(ak) => RequestAuth::Sign(ak.clone()),
            Credentials::Password(_) => {
                RequestAuth::Token(Secret::new("token-from-IAM-not-fetched-in-a-dry-run"))
            }
        };
        (project_id, auth)
    }

    /// Drops a cached token the gateway said has expired, so the next call
    /// fetches a new one.
    pub(crate) async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    async fn token(
        &self,
        http: &reqwest::Client,
        password: &PasswordCredentials,
        project_id: &str,
    ) -> Result<Secret, Error> {
        // Holding the lock while fetching makes concurrent callers wait for
        // this fetch rather than start their own.
        let mut cached = self.token.lock().await;
        let now = self.now();
        if let Some(token) = cached.as_ref() {
            let fresh_until = token.expires_at - TOKEN_REFRESH_MARGIN;
            if now < fresh_until {
                return Ok(token.token.clone());
            }
        }
        let fetched = self.fetch_token(http, password, project_id).await?;
        let token = fetched.token.clone();
        *cached = Some(fetched);
        Ok(token)
    }

    async fn fetch_token(
        &self,
        http: &reqwest::Client,
        password: &PasswordCredentials,
        project_id: &str,
    ) -> Result<CachedToken, Error> {
        let iam = self.iam("a password login")?;
        let body = serde_json::json!({
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": password.user,
                            "password": password.password.expose(),
                            "domain": { "name": password.domain },
                        }
                    }
                },
                "scope": { "project": { "id": project_id } }
            }
        });
        let request = http
            .post(format!("{iam}/v3/auth/tokens"))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            )
            .body(body.to_string())
            .build()
            .map_err(Error::Transport)?;
        let (meta, body) = send(http, request).await.map_err(|error| match error {
            // Say where the refusal came from: the login, not the API.
            Error::Auth(mut api) | Error::Api(mut api) if api.status.is_client_error() => {
                let reason = api.error_msg.take().unwrap_or_default();
                api.error_msg = Some(format!("IAM refused the password login: {reason}"));
                Error::Auth(api)
            }
            other => other,
        })?;

        #[derive(Deserialize)]
        struct TokenBody {
            token: TokenInfo,
        }
        #[derive(Deserialize)]
        struct TokenInfo {
            expires_at: String,
        }
        let token = header_text(&meta.headers, "x-subject-token").ok_or_else(|| {
            Error::Config("IAM answered without an X-Subject-Token header".to_owned())
        })?;
        let info: TokenBody = serde_json::from_slice(&body)
            .map_err(|_| crate::client::payload_error::<TokenBody>(&meta, &body))?;
        let expires_at: Timestamp = info.token.expires_at.parse().map_err(|_| {
            Error::Config(format!(
                "IAM gave an unreadable expiry {:?}",
                info.token.expires_at
            ))
        })?;
        Ok(CachedToken {
            token: Secret::new(token),
            expires_at,
        })
    }
}

/// Largest IAM answer read: tokens and project lists are small.
const IAM_MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Sends an IAM request and reads its answer; an error status becomes
/// [`Error::Api`].
async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<(ResponseMeta, bytes::Bytes), Error> {
    let timeouts = crate::client::Timeouts::default();
    let span = tracing::debug_span!(
        "dataarts.iam",
        method = %request.method(),
        path = request.url().path(),
        status = tracing::field::Empty,
    );
    let exchange = async {
        let response = http
            .execute(request)
            .await
            .map_err(|e| crate::client::transport_error(e, &timeouts))?;
        tracing::Span::current().record("status", response.status().as_u16());
        let meta = ResponseMeta {
            status: response.status(),
            headers: response.headers().clone(),
            too_large: false,
        };
        let (body, too_large) = crate::transport::read_limited(response, IAM_MAX_BODY_BYTES)
            .await
            .map_err(|e| crate::client::transport_error(e, &timeouts))?;
        if too_large {
            return Err(Error::BodyTooLarge {
                status: meta.status,
                limit: IAM_MAX_BODY_BYTES,
            });
        }
        if !meta.status.is_success() {
            return Err(match crate::client::error_status(&meta, &body) {
                Error::Api(api) => crate::client::classify(api, &meta),
                other => other,
            });
        }
        Ok((meta, body))
    };
    tracing::Instrument::instrument(exchange, span).await
}
