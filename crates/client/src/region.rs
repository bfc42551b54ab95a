//! Where requests go: a region id mapped to its endpoint, or an explicit URL.
//!
//! Resolution order, first match wins:
//!
//! 1. an explicit endpoint given to the builder (or `--endpoint`);
//! 2. `HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_<REGION>` in the environment,
//!    the official SDKs' per-region override (region upper-cased, `-` as `_`);
//! 3. the built-in table of regions known to host DataArts Studio.
//!
//! A region that is in none of them is an error that lists the known ids and
//! says how to reach a new region anyway; the client never refuses a region
//! merely for being new when an endpoint is supplied.

use std::fmt;

use reqwest::Url;

/// Regions known to host DataArts Studio, as listed in the vendor's docs.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ae-ad-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-south-1",
    "cn-southwest-2",
    "eu-west-101",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "my-kualalumpur-1",
    "na-mexico-1",
    "ru-moscow-1",
    "ru-northwest-2",
    "sa-brazil-1",
    "tr-west-1",
];

/// Prefix of the official per-region endpoint override variables.
pub const ENDPOINT_ENV_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_";

/// A base URL requests are sent to: scheme, host, optional port and path
/// prefix, never a trailing slash, query or fragment.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint(Url);

impl Endpoint {
    /// Parses and normalises an endpoint URL.
    ///
    /// A trailing `/` is removed so paths join without `//`.
    ///
    /// # Errors
    ///
    /// [`EndpointError::Invalid`] when the text is not an absolute `http` or
    /// `https` URL, or carries credentials, a query or a fragment.
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        let invalid = |reason: &str| EndpointError::Invalid {
            endpoint: without_userinfo(text),
            reason: reason.to_owned(),
        };
        let url = Url::parse(text.trim()).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => {
                invalid("it has no scheme; write it as https://host or http://host:port")
            }
            e => invalid(&e.to_string()),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(
                "the scheme must be http or https (a bare host:port needs http:// in front)",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("it must not carry a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not have a query or fragment"));
        }
        let mut url = url;
        let trimmed = url.path().trim_end_matches('/').to_owned();
        url.set_path(&trimmed);
        Ok(Endpoint(url))
    }

    /// The endpoint of a region under the public naming scheme
    /// `https://dayu.{region}.myhuaweicloud.com`.
    ///
    /// # Errors
    ///
    /// [`EndpointError::Invalid`] when `region` is not a valid host label.
    pub fn for_region_id(region: &str) -> Result<Self, EndpointError> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(EndpointError::Invalid {
                endpoint: region.to_owned(),
                reason: "a region id has only lower-case letters, digits and `-`".to_owned(),
            });
        }
        Self::parse(&format!("https://dayu.{region}.myhuaweicloud.com"))
    }

    /// The base URL as text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// The parsed URL.
    pub fn url(&self) -> &Url {
        &self.0
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.as_str())
    }
}

/// The endpoint text with any `user:password@` replaced, so an error never
/// repeats a credential.
fn without_userinfo(text: &str) -> String {
    match (text.find("://"), text.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let host_start = text[scheme_end + 3..]
                .find('/')
                .map_or(text.len(), |i| i + scheme_end + 3);
            if at < host_start {
                return format!("{}://***@{}", &text[..scheme_end], &text[at + 1..]);
            }
            text.to_owned()
        }
        _ => text.to_owned(),
    }
}

/// Why no endpoint could be chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// An endpoint URL or region id is malformed.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    Invalid {
        /// The text as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The region is not in the built-in table and has no override.
    #[error(
        "unknown region {region:?}; known regions: {known}; for a new region pass \
         --endpoint https://dayu.{region}.myhuaweicloud.com or set {env_var}",
        known = KNOWN_REGIONS.join(", ")
    )]
    UnknownRegion {
        /// The region id as given.
        region: String,
        /// The environment variable that would override it.
        env_var: String,
    },
    /// Neither a region nor an endpoint was given.
    #[error("no endpoint: set a region (e.g. cn-north-4) or an endpoint URL")]
    Missing,
}

/// The name of the official override variable for `region`.
pub fn endpoint_env_var(region: &str) -> String {
    format!(
        "{ENDPOINT_ENV_PREFIX}{}",
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// Chooses the endpoint from an explicit URL, a region and the environment,
/// in the order the module docs give.
///
/// `env` looks up one environment variable; pass `|k| std::env::var(k).ok()`
/// for the real environment.
///
/// # Errors
///
/// [`EndpointError`] when nothing usable is given or what is given is
/// malformed.
pub fn resolve(
    endpoint: Option<&str>,
    region: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Endpoint, EndpointError> {
    if let Some(endpoint) = endpoint {
        return Endpoint::parse(endpoint);
    }
    let region = region
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or(EndpointError::Missing)?;
    let env_var = endpoint_env_var(region);
    if let Some(url) = env(&env_var).filter(|v| !v.trim().is_empty()) {
        return Endpoint::parse(&url);
    }
    if KNOWN_REGIONS.contains(&region) {
        return Endpoint::for_region_id(region);
    }
    Err(EndpointError::UnknownRegion {
        region: region.to_owned(),
        env_var,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_known_region_maps_to_the_public_endpoint() {
        let endpoint = resolve(None, Some("cn-north-4"), &no_env).unwrap();
        assert_eq!(
            endpoint.as_str(),
            "https://dayu.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn an_unknown_region_is_an_error_that_lists_known_ids_and_the_way_out() {
        let err = resolve(None, Some("xx-new-1"), &no_env).unwrap_err();
        assert_eq!(
            err,
            EndpointError::UnknownRegion {
                region: "xx-new-1".into(),
                env_var: "HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_XX_NEW_1".into(),
            }
        );
        let text = err.to_string();
        assert!(text.contains("cn-north-4"), "{text}");
        assert!(text.contains("--endpoint"), "{text}");
        assert!(
            text.contains("HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_XX_NEW_1"),
            "{text}"
        );
    }

    #[test]
    fn the_environment_override_resolves_a_new_region() {
        let env = |k: &str| {
            (k == "HUAWEICLOUD_SDK_REGION_DATAARTSSTUDIO_XX_NEW_1")
                .then(|| "https://dayu.xx-new-1.example.com".to_owned())
        };
        let endpoint = resolve(None, Some("xx-new-1"), &env).unwrap();
        assert_eq!(endpoint.as_str(), "https://dayu.xx-new-1.example.com");
    }

    #[test]
    fn the_environment_override_also_wins_over_the_table() {
        let env = |_: &str| Some("https://proxy.internal.example".to_owned());
        let endpoint = resolve(None, Some("cn-north-4"), &env).unwrap();
        assert_eq!(endpoint.as_str(), "https://proxy.internal.example");
    }

    #[test]
    fn an_explicit_endpoint_wins_and_loses_its_trailing_slash() {
        let env = |_: &str| Some("https://other.example".to_owned());
        let endpoint = resolve(
            Some("https://dayu.cn-north-4.myhuaweicloud.com/"),
            Some("xx-new-1"),
            &env,
        )
        .unwrap();
        assert_eq!(
            endpoint.as_str(),
            "https://dayu.cn-north-4.myhuaweicloud.com"
        );
    }

    #[test]
    fn a_path_prefix_is_kept_without_the_trailing_slash() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080/gateway//").unwrap();
        assert_eq!(endpoint.as_str(), "http://127.0.0.1:8080/gateway");
    }

    #[test]
    fn malformed_endpoints_are_refused_with_a_reason() {
        for (text, reason) in [
            ("dayu.cn-north-4.myhuaweicloud.com", "it has no scheme"),
            ("ftp://example.com", "http or https"),
            ("https://user:pw@example.com", "user name or password"),
            ("https://example.com/?a=1", "query or fragment"),
        ] {
            let err = Endpoint::parse(text).unwrap_err().to_string();
            assert!(err.contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn an_error_never_repeats_a_password_in_the_endpoint() {
        let err = Endpoint::parse("http://user:hunter2@127.0.0.1:1/x")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("http://***@127.0.0.1:1/x"), "{err}");
    }

    #[test]
    fn a_bare_host_and_port_gets_a_hint() {
        let err = Endpoint::parse("127.0.0.1:8080").unwrap_err().to_string();
        assert!(err.contains("http://"), "{err}");
    }

    #[test]
    fn no_region_and_no_endpoint() {
        assert_eq!(
            resolve(None, None, &no_env).unwrap_err(),
            EndpointError::Missing
        );
        assert_eq!(
            resolve(None, Some("  "), &no_env).unwrap_err(),
            EndpointError::Missing
        );
    }

    #[test]
    fn a_region_id_that_is_not_a_host_label_is_refused() {
        let err = resolve(None, Some("cn-north-4/evil"), &no_env).unwrap_err();
        assert!(
            matches!(err, EndpointError::UnknownRegion { .. }),
            "{err:?}"
        );
        assert!(Endpoint::for_region_id("a.b").is_err());
    }
}
