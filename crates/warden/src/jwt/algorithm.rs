//! The JWS algorithms warden signs and verifies (RFC 7518 §3, RFC 8037 §3.1).

use std::{fmt, str::FromStr};

/// A JWS signature algorithm (the `alg` header parameter).
///
/// `none` is not an algorithm here: a token that names it (in any case) is
/// refused by every verifier, as is any name not listed below. Names are
/// case-sensitive (RFC 7515 §4.1.1): `hs256` is not `HS256`.
///
/// ```
/// use warden::jwt::{Algorithm, AlgorithmFamily};
///
/// let alg: Algorithm = "RS256".parse()?;
/// assert_eq!(alg, Algorithm::Rs256);
/// assert_eq!(alg.family(), AlgorithmFamily::Rsa);
/// assert!("none".parse::<Algorithm>().is_err());
/// # Ok::<(), warden::jwt::UnknownAlgorithm>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    Hs256,
    /// HMAC with SHA-384.
    Hs384,
    /// HMAC with SHA-512.
    Hs512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    Ps256,
    /// RSASSA-PSS with SHA-384 and MGF1 with SHA-384.
    Ps384,
    /// RSASSA-PSS with SHA-512 and MGF1 with SHA-512.
    Ps512,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// EdDSA with Ed25519 (RFC 8037).
    EdDsa,
}

/// The kind of key an [`Algorithm`] needs. A key verifies only the
/// algorithms of its family, which is what stops the HS/RS confusion attack
/// (an `HS256` token "signed" with an RSA public key as the HMAC secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlgorithmFamily {
    /// A shared secret: `HS256`, `HS384`, `HS512`.
    Hmac,
    /// An RSA key: `RS*` and `PS*`.
    Rsa,
    /// An elliptic-curve key on P-256 (`ES256`) or P-384 (`ES384`).
    Ec,
    /// An Ed25519 key: `EdDSA`.
    Ed25519,
}

impl Algorithm {
    /// Every algorithm, in the order of the RFC 7518 table.
    pub const ALL: [Self; 12] = [
        Self::Hs256,
        Self::Hs384,
        Self::Hs512,
        Self::Rs256,
        Self::Rs384,
        Self::Rs512,
        Self::Ps256,
        Self::Ps384,
        Self::Ps512,
        Self::Es256,
        Self::Es384,
        Self::EdDsa,
    ];

    /// The `alg` value: `"HS256"`, …, `"EdDSA"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::Hs384 => "HS384",
            Self::Hs512 => "HS512",
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Ps384 => "PS384",
            Self::Ps512 => "PS512",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::EdDsa => "EdDSA",
        }
    }

    /// The kind of key the algorithm needs.
    pub const fn family(self) -> AlgorithmFamily {
        match self {
            Self::Hs256 | Self::Hs384 | Self::Hs512 => AlgorithmFamily::Hmac,
            Self::Rs256 | Self::Rs384 | Self::Rs512 | Self::Ps256 | Self::Ps384 | Self::Ps512 => AlgorithmFamily::Rsa,
            Self::Es256 | Self::Es384 => AlgorithmFamily::Ec,
            Self::EdDsa => AlgorithmFamily::Ed25519,
        }
    }

    /// The shortest HMAC secret RFC 7518 §3.2 allows for the algorithm, in
    /// bytes (its hash output): `None` for the other families.
    pub(crate) const fn min_secret_len(self) -> Option<usize> {
        match self {
            Self::Hs256 => Some(32),
            Self::Hs384 => Some(48),
            Self::Hs512 => Some(64),
            _ => None,
        }
    }

    /// The algorithm named `name` (exact, case-sensitive), if warden knows
    /// it; `Ed25519` (RFC 9864) is [`EdDsa`](Self::EdDsa).
    pub fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"HS256" => Self::Hs256,
            b"HS384" => Self::Hs384,
            b"HS512" => Self::Hs512,
            b"RS256" => Self::Rs256,
            b"RS384" => Self::Rs384,
            b"RS512" => Self::Rs512,
            b"PS256" => Self::Ps256,
            b"PS384" => Self::Ps384,
            b"PS512" => Self::Ps512,
            b"ES256" => Self::Es256,
            b"ES384" => Self::Es384,
            // RFC 9864 deprecates the polymorphic `EdDSA` for the fully
            // specified `Ed25519`, the only EdDSA curve warden verifies.
            b"EdDSA" | b"Ed25519" => Self::EdDsa,
            _ => return None,
        })
    }

    /// A bit of its own, for allow-list sets.
    pub(crate) const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an [`Algorithm`] name warden does not know (or `none`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAlgorithm(());

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown or unsupported JWS algorithm")
    }
}

impl std::error::Error for UnknownAlgorithm {}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s.as_bytes()).ok_or(UnknownAlgorithm(()))
    }
}

impl serde::Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_name(name.as_bytes()).ok_or_else(|| serde::de::Error::custom("unknown or unsupported JWS algorithm"))
    }
}

/// A set of algorithms (the verifier's allow-list), as bits.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AlgorithmSet(u16);

impl AlgorithmSet {
    pub(crate) fn insert(&mut self, alg: Algorithm) {
        self.0 |= alg.bit();
    }

    pub(crate) const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    pub(crate) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |alg| self.contains(*alg))
    }
}

impl fmt::Debug for AlgorithmSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for alg in Algorithm::ALL {
            assert_eq!(alg.as_str().parse::<Algorithm>(), Ok(alg));
            assert!(alg.as_str().to_ascii_lowercase().parse::<Algorithm>().is_err());
        }
    }

    #[test]
    fn none_is_not_an_algorithm_in_any_case() {
        for name in ["none", "None", "NONE", "nOnE", ""] {
            assert!(name.parse::<Algorithm>().is_err(), "{name}");
        }
    }

    #[test]
    fn every_algorithm_has_its_own_bit() {
        let mut set = AlgorithmSet::default();
        for alg in Algorithm::ALL {
            assert!(!set.contains(alg));
            set.insert(alg);
        }
        assert_eq!(set.iter().count(), Algorithm::ALL.len());
    }
}
