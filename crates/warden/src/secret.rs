//! Constant-time comparison and a redacted secret string.

use std::fmt;

use subtle::ConstantTimeEq as _;

/// What `Debug` prints in place of a secret.
pub(crate) const REDACTED: Redacted = Redacted;

/// Prints `******` in `Debug` output.
#[derive(Clone, Copy)]
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("******")
    }
}

/// Compares two byte strings in time that depends on their lengths only,
/// never on where they differ. Use it for passwords, API keys and tokens.
///
/// The lengths themselves are not hidden (as with Python's
/// `secrets.compare_digest`); compare fixed-length digests if they must be.
///
/// ```
/// assert!(warden::ct_eq(b"swordfish", b"swordfish"));
/// assert!(!warden::ct_eq(b"swordfish", b"swordfisH"));
/// assert!(!warden::ct_eq(b"swordfish", b"sword"));
/// ```
#[inline]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(a.ct_eq(b))
}

/// A string that must not leak: `Debug` prints `Secret(******)`, there is no
/// `Display`, and equality takes constant time.
///
/// ```
/// use warden::Secret;
///
/// let password = Secret::new("swordfish");
/// assert_eq!(format!("{password:?}"), "Secret(******)");
/// assert!(password.ct_eq("swordfish"));
/// assert_eq!(password.expose(), "swordfish");
/// ```
#[derive(Clone)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<Box<str>>) -> Self {
        Self(value.into())
    }

    /// The secret itself; the name makes each use visible in review.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares with `other` in constant time (see [`ct_eq`]).
    pub fn ct_eq(&self, other: &str) -> bool {
        ct_eq(self.0.as_bytes(), other.as_bytes())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(&other.0)
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&REDACTED).finish()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}
