//! What proves the caller's identity to the API gateway.

use std::fmt;

use reqwest::header::HeaderValue;

/// Placeholder printed instead of a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// A secret string: kept out of `Debug` and `Display`, readable only through
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call only where it is sent or signed with.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// A project-scoped IAM token, sent as `X-Auth-Token`.
    Token(Secret),
}

impl Credentials {
    /// Authenticates with an IAM token (the `X-Subject-Token` of IAM's
    /// `POST /v3/auth/tokens`), sent as `X-Auth-Token`.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credentials::Token(token.into())
    }

    /// Checks that the credentials can be put into a header at all.
    pub(crate) fn validate(&self) -> Result<(), String> {
        match self {
            Credentials::Token(token) if token.expose().trim().is_empty() => {
                Err("the token is empty".to_owned())
            }
            Credentials::Token(token) => HeaderValue::from_str(token.expose())
                .map(drop)
                .map_err(|_| "the token holds characters a header cannot carry".to_owned()),
        }
    }

    /// Adds the authentication headers to a request about to be sent.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        match self {
            Credentials::Token(token) => {
                let mut value = HeaderValue::from_str(token.expose())
                    .map_err(|_| "the token holds characters a header cannot carry".to_owned())?;
                value.set_sensitive(true);
                request.headers_mut().insert("X-Auth-Token", value);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let credentials = Credentials::token("MIIZ-very-secret-token");
        let debug = format!("{credentials:?}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(debug.contains(REDACTED), "{debug}");
    }

    #[test]
    fn a_token_with_a_line_break_is_refused_before_sending() {
        let err = Credentials::token("abc\r\nX-Evil: 1")
            .validate()
            .unwrap_err();
        assert!(err.contains("cannot carry"), "{err}");
        assert!(!err.contains("abc"), "{err}");
    }

    #[test]
    fn an_empty_token_is_refused() {
        assert_eq!(
            Credentials::token(" ").validate().unwrap_err(),
            "the token is empty"
        );
    }
}
