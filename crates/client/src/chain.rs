//! Finding credentials the way Huawei's official SDKs do.
//!
//! The chain asks its sources in order and takes the first that has
//! credentials:
//!
//! 1. explicit credentials given to the chain;
//! 2. the environment: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`, with
//!    `HUAWEICLOUD_SDK_SECURITY_TOKEN` and `HUAWEICLOUD_SDK_PROJECT_ID`;
//! 3. the INI credentials file named by `HUAWEICLOUD_SDK_CREDENTIALS_FILE`,
//!    else `~/.huaweicloud/credentials`: the section named by the profile,
//!    else `[basic]` or `[basiccredentials]` (the official SDKs use both
//!    spellings), with keys `ak`, `sk`, `security_token` and `project_id`.
//!
//! Naming a profile skips the environment: it says which credentials to use.
//! A source that has nothing falls through to the next; a source that is
//! broken (half a key pair, an unreadable file, a named profile that is not
//! there) stops the chain with its own error, because guessing past it
//! would sign with credentials the user did not mean. When no source has
//! credentials the error lists what was tried. Instance metadata is not a
//! source: nothing here contacts a metadata address.
//!
//! Environment, home directory and file reading are injected, so the chain
//! is tested without touching the real ones.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::credentials::{Credentials, Secret};

/// Access key id variable.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Secret access key variable.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Security token variable, for temporary keys.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Project id variable.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Credentials file variable.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The sections the official SDKs read when no profile is named.
const DEFAULT_SECTIONS: [&str; 2] = ["basic", "basiccredentials"];

type EnvFn = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;
type ReadFn = Box<dyn Fn(&Path) -> std::io::Result<String> + Send + Sync>;

/// Where credentials were found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Given to the chain directly.
    Explicit,
    /// The `HUAWEICLOUD_SDK_*` environment variables.
    Environment,
    /// A section of a credentials file.
    File {
        /// The file.
        path: PathBuf,
        /// The section.
        section: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Explicit => f.write_str("explicit credentials"),
            Source::Environment => f.write_str("the environment"),
            Source::File { path, section } => write!(f, "[{section}] of {}", path.display()),
        }
    }
}

/// Credentials found by the chain.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Found {
    /// The credentials.
    pub credentials: Credentials,
    /// The project id the source named, if any.
    pub project_id: Option<String>,
    /// Where they came from.
    pub source: Source,
}

/// Why the chain found no credentials.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// Every source was empty.
    #[error("no credentials found; tried {}", .tried.join("; "))]
    NotFound {
        /// What each source said.
        tried: Vec<String>,
    },
    /// A source is misconfigured.
    #[error("credentials from {source_name} are unusable: {reason}")]
    Broken {
        /// The source.
        source_name: String,
        /// What is wrong, without any secret.
        reason: String,
    },
}

/// The credential provider chain; see the module docs.
pub struct CredentialChain {
    explicit: Option<Credentials>,
    profile: Option<String>,
    file: Option<PathBuf>,
    use_env: bool,
    use_default_file: bool,
    env: EnvFn,
    read: ReadFn,
}

impl fmt::Debug for CredentialChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialChain")
            .field("explicit", &self.explicit)
            .field("profile", &self.profile)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Default for CredentialChain {
    fn default() -> Self {
        Self::new()
    }
}

/// What one source had.
enum Lookup {
    Found(Found),
    Empty(String),
}

impl CredentialChain {
    /// A chain over the real environment and file system.
    pub fn new() -> Self {
        CredentialChain {
            explicit: None,
            profile: None,
            file: None,
            use_env: true,
            use_default_file: true,
            env: Box::new(|key| std::env::var(key).ok()),
            read: Box::new(read_credentials_file),
        }
    }

    /// Puts credentials first in the chain. Default: none.
    pub fn explicit(mut self, credentials: Credentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// Reads this section of the credentials file instead of `[basic]` /
    /// `[basiccredentials]`. Default: none.
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// Reads this credentials file; it must exist. Default:
    /// `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`
    /// if it exists.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Skips the environment variables. Default: they are read.
    pub fn without_environment(mut self) -> Self {
        self.use_env = false;
        self
    }

    /// Reads no credentials file unless one is named with
    /// [`Self::credentials_file`]: neither `HUAWEICLOUD_SDK_CREDENTIALS_FILE`
    /// nor the default file. Default: they are read.
    pub fn without_default_file(mut self) -> Self {
        self.use_default_file = false;
        self
    }

    /// Reads variables through `env` instead of the process environment.
    pub fn env(mut self, env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Box::new(env);
        self
    }

    /// Reads files through `read` instead of the file system.
    pub fn read_file(
        mut self,
        read: impl Fn(&Path) -> std::io::Result<String> + Send + Sync + 'static,
    ) -> Self {
        self.read = Box::new(read);
        self
    }

    fn var(&self, key: &str) -> Option<String> {
        (self.env)(key).filter(|v| !v.trim().is_empty())
    }

    /// Asks the sources in order.
    ///
    /// # Errors
    ///
    /// [`ChainError::Broken`] from the first misconfigured source, or
    /// [`ChainError::NotFound`] listing what every source said.
    pub fn resolve(&self) -> Result<Found, ChainError> {
        let mut tried = Vec::new();
        match &self.explicit {
            Some(credentials) => {
                return Ok(Found {
                    credentials: credentials.clone(),
                    project_id: None,
                    source: Source::Explicit,
                });
            }
            None => tried.push("explicit credentials: none given".to_owned()),
        }
        if self.use_env && self.profile.is_none() {
            match self.ask_environment()? {
                Lookup::Found(found) => return Ok(found),
                Lookup::Empty(why) => tried.push(why),
            }
        }
        match self.ask_file()? {
            Lookup::Found(found) => return Ok(found),
            Lookup::Empty(why) => tried.push(why),
        }
        Err(ChainError::NotFound { tried })
    }

    fn ask_environment(&self) -> Result<Lookup, ChainError> {
        let broken = |reason: &str| ChainError::Broken {
            source_name: "the environment".to_owned(),
            reason: reason.to_owned(),
        };
        match (self.var(ENV_AK), self.var(ENV_SK)) {
            (None, None) => Ok(Lookup::Empty(format!(
                "environment: {ENV_AK} and {ENV_SK} are not set"
            ))),
            (Some(_), None) => Err(broken(&format!("{ENV_AK} is set but {ENV_SK} is not"))),
            (None, Some(_)) => Err(broken(&format!("{ENV_SK} is set but {ENV_AK} is not"))),
            (Some(ak), Some(sk)) => Ok(Lookup::Found(Found {
                credentials: key_pair(ak, sk, self.var(ENV_SECURITY_TOKEN)),
                project_id: self.var(ENV_PROJECT_ID),
                source: Source::Environment,
            })),
        }
    }

    fn ask_file(&self) -> Result<Lookup, ChainError> {
        // A file named by the caller or the variable must exist; the default
        // file is optional.
        if self.file.is_none() && !self.use_default_file {
            return Ok(Lookup::Empty("credentials file: none named".to_owned()));
        }
        let (path, required) = match (&self.file, self.var(ENV_CREDENTIALS_FILE)) {
            (Some(path), _) => (path.clone(), true),
            (None, Some(path)) => (PathBuf::from(path), true),
            (None, None) => match self.var("HOME") {
                Some(home) => (
                    Path::new(&home).join(".huaweicloud").join("credentials"),
                    false,
                ),
                None => {
                    return Ok(Lookup::Empty(
                        "credentials file: no HOME to find it in".to_owned(),
                    ));
                }
            },
        };
        let shown = path.display().to_string();
        let broken = |reason: String| ChainError::Broken {
            source_name: shown.clone(),
            reason,
        };

        let text = match (self.read)(&path) {
            Ok(text) => text,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && !required
                    && self.profile.is_none() =>
            {
                return Ok(Lookup::Empty(format!(
                    "credentials file {shown}: not found"
                )));
            }
            Err(e) => return Err(broken(format!("cannot read it: {e}"))),
        };
        // Read as Python's configparser reads it: values as written (no
        // quote or escape processing), a byte-order mark ignored.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let options = ini::ParseOption {
            enabled_quote: false,
            enabled_escape: false,
            ..ini::ParseOption::default()
        };
        let ini = ini::Ini::load_from_str_opt(text, options)
            .map_err(|e| broken(format!("not an INI file: {e}")))?;
        for (section, _) in ini.iter() {
            if let Some(section) = section
                && ini.section_all(Some(section)).count() > 1
            {
                return Err(broken(format!(
                    "section [{section}] appears more than once"
                )));
            }
        }

        let section = match &self.profile {
            Some(profile) => match ini.section(Some(profile.as_str())) {
                Some(section) => (profile.clone(), section),
                None => return Err(broken(format!("it has no section [{profile}]"))),
            },
            None => match DEFAULT_SECTIONS
                .iter()
                .find_map(|name| ini.section(Some(*name)).map(|s| (name.to_string(), s)))
            {
                Some(found) => found,
                None => {
                    return Ok(Lookup::Empty(format!(
                        "credentials file {shown}: no [basic] or [basiccredentials] section"
                    )));
                }
            },
        };
        let (name, properties) = section;
        // Keys are case-insensitive, as configparser makes them; a key given
        // twice is an error, as it is there.
        let mut seen = std::collections::HashSet::new();
        for (key, _) in properties.iter() {
            if !seen.insert(key.to_ascii_lowercase()) {
                return Err(broken(format!(
                    "section [{name}] sets {key} more than once"
                )));
            }
        }
        let get = |key: &str| {
            properties
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (ak, sk) = match (get("ak"), get("sk")) {
            (Some(ak), Some(sk)) => (ak, sk),
            (None, None) => return Err(broken(format!("section [{name}] has neither ak nor sk"))),
            (Some(_), None) => return Err(broken(format!("section [{name}] has ak but no sk"))),
            (None, Some(_)) => return Err(broken(format!("section [{name}] has sk but no ak"))),
        };
        Ok(Lookup::Found(Found {
            credentials: key_pair(ak, sk, get("security_token")),
            project_id: get("project_id"),
            source: Source::File {
                path,
                section: name,
            },
        }))
    }
}

/// Largest credentials file read; a real one is a few hundred bytes.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a credentials file, refusing what cannot be one: a directory, a
/// device or pipe (which could block or never end), or a huge file.
fn read_credentials_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other("it is larger than 1 MiB"));
    }
    Ok(text)
}

fn key_pair(ak: String, sk: String, token: Option<String>) -> Credentials {
    match token {
        Some(token) => Credentials::temporary(ak, Secret::new(sk), Secret::new(token)),
        None => Credentials::access_key(ak, Secret::new(sk)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn chain(env: &[(&str, &str)], files: &[(&str, &str)]) -> CredentialChain {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let files: HashMap<PathBuf, String> = files
            .iter()
            .map(|(k, v)| (PathBuf::from(k), v.to_string()))
            .collect();
        CredentialChain::new()
            .env(move |k| env.get(k).cloned())
            .read_file(move |path| {
                files
                    .get(path)
                    .cloned()
                    .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
            })
    }

    fn ak_of(found: &Found) -> (&str, &str, Option<&str>) {
        match &found.credentials {
            Credentials::AccessKey(ak) => (
                ak.key.access_key_id.as_str(),
                ak.key.secret_access_key.expose(),
                ak.security_token.as_ref().map(Secret::expose),
            ),
            other => panic!("expected access keys, got {other:?}"),
        }
    }

    const HOME: (&str, &str) = ("HOME", "/home/u");
    const DEFAULT_FILE: &str = "/home/u/.huaweicloud/credentials";

    #[test]
    fn explicit_credentials_come_first() {
        let found = chain(&[(ENV_AK, "ENVAK"), (ENV_SK, "envsk")], &[])
            .explicit(Credentials::access_key("EXPLICIT", "sk"))
            .resolve()
            .unwrap();
        assert_eq!(ak_of(&found).0, "EXPLICIT");
        assert_eq!(found.source, Source::Explicit);
    }

    #[test]
    fn the_environment_comes_before_the_file() {
        let found = chain(
            &[
                HOME,
                (ENV_AK, "ENVAK"),
                (ENV_SK, "envsk"),
                (ENV_SECURITY_TOKEN, "tok"),
                (ENV_PROJECT_ID, "p1"),
            ],
            &[(DEFAULT_FILE, "[basic]\nak = FILEAK\nsk = filesk\n")],
        )
        .resolve()
        .unwrap();
        assert_eq!(ak_of(&found), ("ENVAK", "envsk", Some("tok")));
        assert_eq!(found.project_id.as_deref(), Some("p1"));
        assert_eq!(found.source, Source::Environment);
    }

    #[test]
    fn half_a_key_pair_in_the_environment_stops_the_chain() {
        let err = chain(
            &[HOME, (ENV_AK, "ENVAK")],
            &[(DEFAULT_FILE, "[basic]\nak = A\nsk = s\n")],
        )
        .resolve()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "credentials from the environment are unusable: HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"
        );
    }

    #[test]
    fn both_section_spellings_are_read() {
        for section in ["basic", "basiccredentials"] {
            let file = format!("[{section}]\nak = FILEAK\nsk = filesk\nproject_id = p2\n");
            let found = chain(&[HOME], &[(DEFAULT_FILE, &file)]).resolve().unwrap();
            assert_eq!(ak_of(&found), ("FILEAK", "filesk", None), "{section}");
            assert_eq!(found.project_id.as_deref(), Some("p2"));
            assert_eq!(
                found.source,
                Source::File {
                    path: DEFAULT_FILE.into(),
                    section: section.to_owned()
                }
            );
        }
    }

    #[test]
    fn a_named_profile_reads_its_own_section() {
        let file = "[basic]\nak = A\nsk = a\n[prod]\nak = PROD\nsk = prodsk\nsecurity_token = t\n";
        let found = chain(
            &[HOME, (ENV_AK, "ENVAK"), (ENV_SK, "envsk")],
            &[(DEFAULT_FILE, file)],
        )
        .profile("prod")
        .resolve()
        .unwrap();
        assert_eq!(ak_of(&found), ("PROD", "prodsk", Some("t")));
    }

    #[test]
    fn a_missing_profile_is_an_error() {
        let err = chain(&[HOME], &[(DEFAULT_FILE, "[basic]\nak = A\nsk = a\n")])
            .profile("staging")
            .resolve()
            .unwrap_err();
        assert!(
            err.to_string().contains("it has no section [staging]"),
            "{err}"
        );
    }

    #[test]
    fn the_file_variable_names_the_file_and_it_must_exist() {
        let found = chain(
            &[HOME, (ENV_CREDENTIALS_FILE, "/etc/hc/creds")],
            &[("/etc/hc/creds", "[basiccredentials]\nak = X\nsk = y\n")],
        )
        .resolve()
        .unwrap();
        assert_eq!(ak_of(&found).0, "X");

        let err = chain(&[HOME, (ENV_CREDENTIALS_FILE, "/nope")], &[])
            .resolve()
            .unwrap_err();
        assert!(matches!(err, ChainError::Broken { .. }), "{err:?}");
        assert!(err.to_string().contains("/nope"), "{err}");
    }

    #[test]
    fn half_a_key_pair_in_the_file_stops_the_chain_without_showing_the_secret() {
        let err = chain(&[HOME], &[(DEFAULT_FILE, "[basic]\nsk = topsecret\n")])
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("has sk but no ak"), "{err}");
        assert!(!err.to_string().contains("topsecret"), "{err}");
    }

    #[test]
    fn nothing_anywhere_lists_what_was_tried() {
        let err = chain(&[HOME], &[]).resolve().unwrap_err();
        assert_eq!(
            err.to_string(),
            "no credentials found; tried explicit credentials: none given; \
             environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set; \
             credentials file /home/u/.huaweicloud/credentials: not found"
        );
    }

    #[test]
    fn values_are_read_as_written_keys_ignore_case_and_a_bom_is_skipped() {
        let file = "\u{feff}[basic]\r\nAK = QUOTED\r\nSK = \"s\\1\"\r\n";
        let found = chain(&[HOME], &[(DEFAULT_FILE, file)]).resolve().unwrap();
        assert_eq!(ak_of(&found), ("QUOTED", "\"s\\1\"", None));
    }

    #[test]
    fn duplicates_are_errors_as_in_configparser() {
        let twice = "[basic]\nak = A\nsk = a\n[basic]\nak = B\nsk = b\n";
        let err = chain(&[HOME], &[(DEFAULT_FILE, twice)])
            .resolve()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("section [basic] appears more than once"),
            "{err}"
        );
        let key_twice = "[basic]\nak = A\nsk = a\nAK = B\n";
        let err = chain(&[HOME], &[(DEFAULT_FILE, key_twice)])
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("more than once"), "{err}");
    }

    #[test]
    fn special_files_are_refused_not_read() {
        let err = read_credentials_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.to_string(), "it is not a regular file");
        let err = read_credentials_file(Path::new("/")).unwrap_err();
        assert_eq!(err.to_string(), "it is not a regular file");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let err = chain(&[HOME, (ENV_AK, ""), (ENV_SK, " ")], &[])
            .resolve()
            .unwrap_err();
        assert!(matches!(err, ChainError::NotFound { .. }), "{err:?}");
    }
}
