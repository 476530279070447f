//! How a verifier finds the key for a token: [`KeySource`].

use std::{future::Future, ops::Deref, sync::Arc};

use super::{Algorithm, DecodingKey, Header, JwtError, JwtErrorKind};

/// Where a verifier finds the key for a token: a single [`DecodingKey`], a
/// [`KeySet`](super::KeySet), an `Arc` of either, or a source that fetches
/// (the JWKS fetcher).
///
/// Two paths:
///
/// * [`resolve`](Self::resolve) answers from memory, at once. A static key
///   or a key set borrows from itself (`Key<'a> = &'a DecodingKey`): no
///   allocation, no reference counting, no boxing.
///   [`JwtVerifier::verify`](super::JwtVerifier::verify) uses it.
/// * [`resolve_async`](Self::resolve_async) may wait: a source that can
///   refetch its keys when a token names an unknown `kid` overrides it.
///   [`JwtVerifier::verify_async`](super::JwtVerifier::verify_async) uses it;
///   by default it is `resolve`, ready at once.
///
/// A source whose keys are swapped while tokens are verified (an
/// `ArcSwap<KeySet>` snapshot) returns `Arc<DecodingKey>`, cloned out of the
/// snapshot (one atomic increment): the key stays valid however the
/// snapshot changes.
///
/// # Example: a source that swaps key sets
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use warden::jwt::{DecodingKey, JwtError, KeySet, KeySource, Header};
///
/// struct Rotating(RwLock<Arc<KeySet>>);
///
/// impl KeySource for Rotating {
///     type Key<'a> = Arc<DecodingKey>;
///
///     fn resolve(&self, header: &Header<'_>) -> Result<Arc<DecodingKey>, JwtError> {
///         let snapshot = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
///         snapshot.find(header).cloned()
///     }
/// }
/// ```
pub trait KeySource: Send + Sync {
    /// The key handed to the verifier: `&'a DecodingKey` for sources that
    /// own their keys, `Arc<DecodingKey>` for sources that swap them.
    type Key<'a>: Deref<Target = DecodingKey> + Send
    where
        Self: 'a;

    /// The key for `header`, from memory, without waiting.
    ///
    /// # Errors
    ///
    /// [`UnknownKey`](JwtErrorKind::UnknownKey) when no key matches the
    /// header's `kid` (or, without a `kid`, when not exactly one key fits its
    /// `alg`); [`KeyMismatch`](JwtErrorKind::KeyMismatch) when the key named
    /// by `kid` cannot verify the header's `alg`.
    fn resolve(&self, header: &Header<'_>) -> Result<Self::Key<'_>, JwtError>;

    /// The key for `header`, possibly after fetching (a source that refetches
    /// on an unknown `kid`, rate-limited). The default answers with
    /// [`resolve`](Self::resolve) at once.
    ///
    /// # Errors
    ///
    /// As [`resolve`](Self::resolve), and
    /// [`KeyUnavailable`](JwtErrorKind::KeyUnavailable) when the keys cannot
    /// be fetched.
    fn resolve_async(&self, header: &Header<'_>) -> impl Future<Output = Result<Self::Key<'_>, JwtError>> + Send {
        std::future::ready(self.resolve(header))
    }

    /// A number that changes whenever a key this source handed out may no
    /// longer be trusted (a fetched key set dropped a key). The verifier's
    /// cache serves a token only while the revision is the one it was
    /// verified under, so a revoked key stops its tokens at once, cached or
    /// not. Sources whose keys never go away keep the default, `0`.
    fn revision(&self) -> u64 {
        0
    }

    /// Whether some key of the source can verify `alg`, asked once per
    /// allowed algorithm when a verifier is built. Sources whose keys change
    /// (fetched key sets) keep the default, `true`.
    fn supports(&self, alg: Algorithm) -> bool {
        let _ = alg;
        true
    }

    /// The length in bytes of the shortest HMAC secret among the keys that
    /// can verify `alg`, asked once per allowed HMAC algorithm when a
    /// verifier is built (RFC 7518 §3.2 asks for at least the hash output:
    /// 32, 48 and 64 bytes for `HS256`, `HS384`, `HS512`). `None` when the
    /// source holds no HMAC secret, or cannot tell (the default).
    fn shortest_secret(&self, alg: Algorithm) -> Option<usize> {
        let _ = alg;
        None
    }
}

impl KeySource for DecodingKey {
    type Key<'a> = &'a Self;

    /// The key itself, whatever the `kid` (a single key has no ID to match);
    /// its family is checked when the signature is.
    #[inline]
    fn resolve(&self, _header: &Header<'_>) -> Result<&Self, JwtError> {
        Ok(self)
    }

    fn supports(&self, alg: Algorithm) -> bool {
        self.fits(alg)
    }

    fn shortest_secret(&self, alg: Algorithm) -> Option<usize> {
        self.secret_len(alg)
    }
}

impl<S: KeySource> KeySource for Arc<S> {
    type Key<'a>
        = S::Key<'a>
    where
        Self: 'a;

    #[inline]
    fn resolve(&self, header: &Header<'_>) -> Result<Self::Key<'_>, JwtError> {
        (**self).resolve(header)
    }

    fn resolve_async(&self, header: &Header<'_>) -> impl Future<Output = Result<Self::Key<'_>, JwtError>> + Send {
        (**self).resolve_async(header)
    }

    fn revision(&self) -> u64 {
        (**self).revision()
    }

    fn supports(&self, alg: Algorithm) -> bool {
        (**self).supports(alg)
    }

    fn shortest_secret(&self, alg: Algorithm) -> Option<usize> {
        (**self).shortest_secret(alg)
    }
}

/// The error of a source that has no key for a header.
#[cold]
pub(crate) fn unknown_key() -> JwtError {
    JwtError::new(JwtErrorKind::UnknownKey)
}
