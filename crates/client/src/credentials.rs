//! What proves the caller's identity to the API gateway.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::signer::{AccessKey, Algorithm};

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

/// How requests are signed with an access key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signing {
    /// `SDK-HMAC-SHA256`, what the official SDKs use by default.
    #[default]
    Plain,
    /// `V11-HMAC-SHA256`: a key derived per day, region and service signs;
    /// needs the client's region.
    Derived,
    /// `SDK-HMAC-SM3`: the plain scheme with the SM3 hash, for regions and
    /// gateways that require Chinese national cryptography.
    Sm3,
}

/// An access key pair, optionally temporary, and how to sign with it.
#[derive(Clone, Debug)]
pub struct AccessKeyCredentials {
    /// The key pair.
    pub key: AccessKey,
    /// The security token of temporary credentials, sent as
    /// `X-Security-Token`.
    pub security_token: Option<Secret>,
    /// The signing scheme. Default: [`Signing::Plain`].
    pub signing: Signing,
}

/// An IAM user's password, exchanged for a project-scoped token.
#[derive(Clone)]
pub struct PasswordCredentials {
    /// IAM user name.
    pub user: String,
    /// The user's password.
    pub password: Secret,
    /// Account (domain) name the user belongs to.
    pub domain: String,
}

impl fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordCredentials")
            .field("user", &self.user)
            .field("password", &self.password)
            .field("domain", &self.domain)
            .finish()
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// A project-scoped IAM token, sent as `X-Auth-Token`.
    Token(Secret),
    /// An access key pair: every request is signed as the official SDKs
    /// sign it.
    AccessKey(AccessKeyCredentials),
    /// An IAM user name and password: the client obtains a token from IAM,
    /// caches it and renews it before it expires.
    Password(PasswordCredentials),
}

impl Credentials {
    /// Authenticates with an IAM token (the `X-Subject-Token` of IAM's
    /// `POST /v3/auth/tokens`), sent as `X-Auth-Token`.
    pub fn token(token: impl Into<Secret>) -> Self {
        let token: Secret = token.into();
        // Surrounding white space is never part of a token (a pasted value,
        // a file with a trailing newline); the official SDKs strip it too.
        Credentials::Token(Secret::new(token.expose().trim()))
    }

    /// Signs requests with a permanent access key pair (`SDK-HMAC-SHA256`).
    pub fn access_key(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
    ) -> Self {
        Credentials::AccessKey(AccessKeyCredentials {
            key: AccessKey {
                access_key_id: access_key_id.into(),
                secret_access_key: secret_access_key.into(),
            },
            security_token: None,
            signing: Signing::Plain,
        })
    }

    /// Signs requests with temporary credentials: a key pair plus the
    /// security token issued with it.
    pub fn temporary(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        security_token: impl Into<Secret>,
    ) -> Self {
        let mut credentials = Self::access_key(access_key_id, secret_access_key);
        if let Credentials::AccessKey(ak) = &mut credentials {
            ak.security_token = Some(security_token.into());
        }
        credentials
    }

    /// Obtains tokens from IAM with a user's password.
    pub fn password(
        user: impl Into<String>,
        password: impl Into<Secret>,
        domain: impl Into<String>,
    ) -> Self {
        Credentials::Password(PasswordCredentials {
            user: user.into(),
            password: password.into(),
            domain: domain.into(),
        })
    }

    /// The same access key credentials signing with `signing`; other
    /// credentials unchanged.
    pub fn with_signing(mut self, signing: Signing) -> Self {
        if let Credentials::AccessKey(ak) = &mut self {
            ak.signing = signing;
        }
        self
    }

    /// A short name of the kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "IAM token",
            Credentials::AccessKey(ak) if ak.security_token.is_some() => "temporary access key",
            Credentials::AccessKey(_) => "access key",
            Credentials::Password(_) => "IAM password",
        }
    }

    /// Checks that the credentials can be sent at all: nothing empty, and
    /// nothing that could not be a header value. The client builder runs
    /// this; it is public for tools that sign on their own.
    ///
    /// # Errors
    ///
    /// The reason, without the secret.
    pub fn validate(&self) -> Result<(), String> {
        fn header_safe(what: &str, value: &str) -> Result<(), String> {
            if value.trim().is_empty() {
                return Err(format!("the {what} is empty"));
            }
            HeaderValue::from_str(value)
                .map(drop)
                .map_err(|_| format!("the {what} holds characters a header cannot carry"))
        }
        match self {
            Credentials::Token(token) => header_safe("token", token.expose()),
            Credentials::AccessKey(ak) => {
                header_safe("access key id", &ak.key.access_key_id)?;
                if ak.key.access_key_id.contains([',', ' ', '/']) {
                    return Err("the access key id holds `,`, `/` or a space".to_owned());
                }
                if ak.key.secret_access_key.expose().is_empty() {
                    return Err("the secret access key is empty".to_owned());
                }
                match &ak.security_token {
                    Some(token) => header_safe("security token", token.expose()),
                    None => Ok(()),
                }
            }
            Credentials::Password(p) => {
                if p.user.trim().is_empty() {
                    return Err("the user name is empty".to_owned());
                }
                if p.domain.trim().is_empty() {
                    return Err("the account (domain) name is empty".to_owned());
                }
                if p.password.expose().is_empty() {
                    return Err("the password is empty".to_owned());
                }
                Ok(())
            }
        }
    }
}

impl AccessKeyCredentials {
    /// The signing algorithm for a client in `region`.
    pub(crate) fn algorithm(&self, region: Option<&str>) -> Result<Algorithm, String> {
        match self.signing {
            Signing::Plain => Ok(Algorithm::SdkHmacSha256),
            Signing::Sm3 => Ok(Algorithm::SdkHmacSm3),
            Signing::Derived => match region {
                Some(region) => Ok(Algorithm::V11HmacSha256 {
                    region: region.to_owned(),
                    service: "dayu".to_owned(),
                }),
                None => Err("derived signing needs the region: set one on the client".to_owned()),
            },
        }
    }
}

/// A header value marked sensitive, so HTTP debug output masks it.
pub(crate) fn sensitive(value: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| "a credential holds characters a header cannot carry".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        for credentials in [
            Credentials::token("MIIZ-very-secret-token"),
            Credentials::temporary("AKEXAMPLE", "very-secret-sk", "very-secret-security-token"),
            Credentials::password("alice", "very-secret-password", "acme"),
        ] {
            let debug = format!("{credentials:?}");
            assert!(!debug.contains("very-secret"), "{debug}");
            assert!(debug.contains(REDACTED), "{debug}");
        }
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
    fn empty_parts_are_refused() {
        assert_eq!(
            Credentials::token(" ").validate().unwrap_err(),
            "the token is empty"
        );
        assert_eq!(
            Credentials::access_key("AK", "").validate().unwrap_err(),
            "the secret access key is empty"
        );
        assert_eq!(
            Credentials::access_key("", "sk").validate().unwrap_err(),
            "the access key id is empty"
        );
    }

    #[test]
    fn derived_signing_needs_a_region() {
        let Credentials::AccessKey(ak) =
            Credentials::access_key("AK", "SK").with_signing(Signing::Derived)
        else {
            unreachable!()
        };
        assert!(ak.algorithm(None).is_err());
        assert_eq!(
            ak.algorithm(Some("cn-north-4")).unwrap(),
            Algorithm::V11HmacSha256 {
                region: "cn-north-4".into(),
                service: "dayu".into()
            }
        );
    }
}
