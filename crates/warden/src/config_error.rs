//! Configuration errors, reported when a scheme is built.

use std::fmt;

/// A scheme configuration that cannot work, found when the scheme is built
/// (never when a request arrives).
///
/// ```
/// use warden::{ConfigError, HttpBasic};
///
/// // A realm must be sendable as a quoted-string: no control or non-ASCII characters (POLICY D2).
/// let err = HttpBasic::new("r\u{e9}alm").unwrap_err();
/// assert!(matches!(err, ConfigError::InvalidChallenge(_)));
/// assert!(err.to_string().contains("realm"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A challenge (realm, scheme name, auth-param) that cannot be sent in a
    /// `WWW-Authenticate` header.
    InvalidChallenge(String),
    /// An API key name that is empty, or not valid where the key is looked up
    /// (a header name, a cookie name).
    InvalidKeyName(String),
    /// An authentication scheme name that is empty or not an RFC 9110 token.
    InvalidSchemeName(String),
    /// A URL a scheme documents (an OAuth2 token URL) that is empty or
    /// contains whitespace or control characters.
    InvalidUrl(String),
    /// OAuth2 flows that cannot be documented: two flows of the same kind.
    InvalidFlow(String),
    /// A scope name that is not an RFC 6749 §3.3 `scope-token`.
    InvalidScope(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidChallenge(why) => write!(f, "invalid challenge: {why}"),
            Self::InvalidKeyName(why) => write!(f, "invalid api key name: {why}"),
            Self::InvalidSchemeName(why) => write!(f, "invalid scheme name: {why}"),
            Self::InvalidUrl(why) => write!(f, "invalid url: {why}"),
            Self::InvalidFlow(why) => write!(f, "invalid oauth2 flows: {why}"),
            Self::InvalidScope(why) => write!(f, "invalid scope: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}
