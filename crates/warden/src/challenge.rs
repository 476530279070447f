//! `WWW-Authenticate` challenges (RFC 9110 §11.3, §11.6.1).
//!
//! ```text
//! challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param  = token BWS "=" BWS ( token / quoted-string )
//! ```
//!
//! A [`Challenge`] is an auth-scheme and a list of auth-params. It renders
//! the params **comma-separated** and every value as a quoted-string with `"`
//! and `\` escaped (RFC 9110 §5.6.4), so `realm=a "quoted" realm` becomes
//! `Basic realm="a \"quoted\" realm"`. Everything that could make a value
//! unsendable is refused when the challenge is built, never when it is sent.
//!
//! ```
//! use warden::Challenge;
//!
//! let challenge = Challenge::new("Basic")?
//!     .param("realm", r#"a "quoted" realm"#)?
//!     .param("charset", "UTF-8")?;
//! assert_eq!(challenge.to_string(), r#"Basic realm="a \"quoted\" realm", charset="UTF-8""#);
//! # Ok::<(), warden::ConfigError>(())
//! ```

use std::{borrow::Cow, fmt};

use http::HeaderValue;

use crate::ConfigError;

/// One `WWW-Authenticate` challenge: an auth-scheme and its auth-params.
///
/// See the [module documentation](self) for the rendering rules.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    scheme: Cow<'static, str>,
    params: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

impl Challenge {
    /// A challenge with no auth-params, such as `Bearer` or `APIKey`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidChallenge`] when `scheme` is not an RFC 9110 `token`.
    pub fn new(scheme: impl Into<Cow<'static, str>>) -> Result<Self, ConfigError> {
        let scheme = scheme.into();
        if !is_token(&scheme) {
            return Err(ConfigError::InvalidChallenge(format!("auth-scheme {scheme:?} is not an RFC 9110 token")));
        }
        Ok(Self { scheme, params: Vec::new() })
    }

    /// A challenge for a scheme name written in warden's own source, known
    /// to be a token.
    pub(crate) const fn known_token(scheme: &'static str) -> Self {
        Self { scheme: Cow::Borrowed(scheme), params: Vec::new() }
    }

    /// Adds an auth-param. The value is rendered as a quoted-string.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidChallenge`] when `name` is not a token or `value`
    /// has a control character (HTAB included) or a non-ASCII character: a
    /// non-ASCII one cannot be sent without a charset agreement (RFC 9110
    /// §5.5), and POLICY D2 makes any control character a configuration error.
    pub fn param(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) -> Result<Self, ConfigError> {
        let (name, value) = (name.into(), value.into());
        if !is_token(&name) {
            return Err(ConfigError::InvalidChallenge(format!("auth-param name {name:?} is not an RFC 9110 token")));
        }
        if let Some(bad) = value.chars().find(|&c| !is_quotable(c)) {
            return Err(ConfigError::InvalidChallenge(format!(
                "auth-param {name} cannot carry {bad:?}: only printable ASCII and space can be sent"
            )));
        }
        self.params.push((name, value));
        Ok(self)
    }

    /// Adds an auth-param named in warden's source (a token) whose value may
    /// come from a request (an `error_description`, say): characters that
    /// cannot be sent are replaced by `?` instead of failing.
    #[must_use]
    pub(crate) fn param_lossy(mut self, name: &'static str, value: &str) -> Self {
        let value: String = value.chars().map(|c| if is_quotable(c) { c } else { '?' }).collect();
        self.params.push((Cow::Borrowed(name), Cow::Owned(value)));
        self
    }

    /// The auth-scheme, as it is sent.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The auth-params in order, unescaped.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params.iter().map(|(name, value)| (&**name, &**value))
    }

    /// The value of the first auth-param called `name` (compared
    /// case-insensitively, RFC 9110 §11.2).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value)
    }

    /// The challenge as a header value.
    pub fn to_header_value(&self) -> HeaderValue {
        // Every part was checked when the challenge was built, so the rendered
        // text is visible ASCII, SP and HTAB only.
        HeaderValue::from_str(&self.to_string()).unwrap_or_else(|_| HeaderValue::from_static("Invalid"))
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scheme)?;
        for (i, (name, value)) in self.params.iter().enumerate() {
            f.write_str(if i == 0 { " " } else { ", " })?;
            f.write_str(name)?;
            f.write_str("=\"")?;
            for c in value.chars() {
                if c == '"' || c == '\\' {
                    f.write_str("\\")?;
                }
                fmt::Write::write_char(f, c)?;
            }
            f.write_str("\"")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Challenge({self})")
    }
}

/// RFC 9110 §5.6.2 `token`.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// A character warden sends in a quoted-string: printable ASCII and SP.
const fn is_quotable(c: char) -> bool {
    c >= ' ' && c <= '~'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_scheme_renders_alone() {
        assert_eq!(Challenge::new("Bearer").unwrap().to_string(), "Bearer");
    }

    #[test]
    fn params_are_comma_separated_quoted_strings() {
        let c = Challenge::new("Bearer")
            .unwrap()
            .param("error", "insufficient_scope")
            .unwrap()
            .param("scope", "items me")
            .unwrap();
        assert_eq!(c.to_string(), r#"Bearer error="insufficient_scope", scope="items me""#);
        assert_eq!(c.to_header_value(), r#"Bearer error="insufficient_scope", scope="items me""#);
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let c = Challenge::new("Basic").unwrap().param("realm", r#"a "b" \c"#).unwrap();
        assert_eq!(c.to_string(), r#"Basic realm="a \"b\" \\c""#);
        assert_eq!(c.get("REALM"), Some(r#"a "b" \c"#));
    }

    #[test]
    fn unsendable_values_are_configuration_errors() {
        let basic = || Challenge::new("Basic").unwrap();
        assert!(basic().param("realm", "r\u{e9}alm").is_err());
        assert!(basic().param("realm", "a\nb").is_err());
        assert!(basic().param("realm", "a\u{7f}").is_err());
        assert!(basic().param("realm", "tab\tno").is_err(), "HTAB is a control character (D2)");
        assert!(basic().param("realm", "space ok").is_ok());
        assert!(basic().param("re alm", "x").is_err());
        assert!(Challenge::new("").is_err());
        assert!(Challenge::new("Ba sic").is_err());
    }

    #[test]
    fn lossy_params_replace_what_cannot_be_sent() {
        let c = Challenge::new("Bearer").unwrap().param_lossy("error_description", "bad\u{e9}\n");
        assert_eq!(c.to_string(), r#"Bearer error_description="bad??""#);
    }
}
